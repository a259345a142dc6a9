//! Partner linkage and residents' issue reports (issue 7): fulfilment, deadlines per category,
//! the 接诉即办 rates.
