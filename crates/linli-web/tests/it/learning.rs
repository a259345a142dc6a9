//! Learning and the employment station (issue 6), on both engines.
