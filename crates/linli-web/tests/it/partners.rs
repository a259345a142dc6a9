//! Partner linkage and issue reports (issue 7), on both engines.
