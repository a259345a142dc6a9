//! Holiday visit plans (issue 5), on both engines.
