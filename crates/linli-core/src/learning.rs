//! Learning and employment rules (issue 6): completion, 人次/人数, employment rates with unknowns,
//! matching explanations.
