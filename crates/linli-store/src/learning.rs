//! Venues, courses, enrolments, attendance and the employment station (issue 6).

use crate::Result;
use crate::db::Conn;
use chrono::{DateTime, Utc};

/// The demo community's learning records (called once by `setup::populate_demo`).
pub fn populate_demo(_c: &mut dyn Conn, _community_id: i64, _now: DateTime<Utc>) -> Result<()> {
    Ok(())
}
