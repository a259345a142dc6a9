//! Correction requests (个人信息保护法 §46): what a resident says is wrong in her record and
//! how a worker resolved it. The module owns `correction_requests`.

use crate::db::{Conn, Row, now_text};
use crate::from_row;
use crate::{Result, Tenant, params};
use chrono::{DateTime, Utc};
use linli_core::PlacePath;
use linli_core::clock::Stamp;
use linli_core::corrections::{CorrectionField, CorrectionStatus};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Correction {
    pub id: i64,
    pub resident_id: i64,
    pub resident_name: String,
    #[serde(skip)]
    #[schemars(skip)]
    pub place_path: PlacePath,
    /// `name`, `id_number`, `phone`, `address`, `household` or `other`.
    pub field: CorrectionField,
    pub message: String,
    /// `open`, `done` or `declined`.
    pub status: CorrectionStatus,
    pub requested_at: Stamp,
    pub resolved_at: Option<Stamp>,
    pub resolved_by: Option<String>,
    /// What the worker did, or why it was declined (she reads it).
    pub resolution: String,
}

const COLUMNS: &str =
    "q.id, q.resident_id, r.name, r.place_path, q.field, q.message, q.status, q.requested_at,
    q.resolved_at, u.display_name, q.resolution
    FROM correction_requests q JOIN residents r ON r.id = q.resident_id
    LEFT JOIN users u ON u.id = q.resolved_by";

fn from_row(r: &Row) -> Result<Correction> {
    Ok(from_row!(r => Correction {
        id, resident_id, resident_name, place_path, field, message, status, requested_at,
        resolved_at, resolved_by, resolution
    }))
}

pub fn create(
    c: &mut dyn Conn,
    t: Tenant,
    resident_id: i64,
    user: Option<i64>,
    field: &str,
    message: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO correction_requests (community_id, resident_id, requested_by, field, message, status, requested_at)
         VALUES (?, ?, ?, ?, ?, 'open', ?) RETURNING id",
        params![t, resident_id, user, field, message, now_text(now)],
    )
}

pub fn get(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Correction> {
    from_row(&c.query_one(
        &format!("SELECT {COLUMNS} WHERE q.community_id = ? AND q.id = ?"),
        params![t, id],
    )?)
}

/// A resident's requests, newest first.
pub fn of_resident(c: &mut dyn Conn, t: Tenant, resident_id: i64) -> Result<Vec<Correction>> {
    c.query_map(
        &format!(
            "SELECT {COLUMNS} WHERE q.community_id = ? AND q.resident_id = ? ORDER BY q.id DESC"
        ),
        params![t, resident_id],
        from_row,
    )
}

/// Open requests of residents inside the scopes, oldest first (the longest-waiting first).
pub fn open_within(c: &mut dyn Conn, t: Tenant, scopes: &[PlacePath]) -> Result<Vec<Correction>> {
    if scopes.is_empty() {
        return Ok(Vec::new());
    }
    let mut args: Vec<crate::Value> = vec![t.into()];
    let within = crate::places::within_clause("r.place_path", scopes, &mut args);
    c.query_map(
        &format!(
            "SELECT {COLUMNS} WHERE q.community_id = ? AND q.status = 'open' AND ({within}) ORDER BY q.id"
        ),
        &args,
        from_row,
    )
}

/// Closes an open request (the caller has checked the transition); false when it was not open.
pub fn resolve(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    status: CorrectionStatus,
    resolution: &str,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(c.execute(
        "UPDATE correction_requests SET status = ?, resolution = ?, resolved_by = ?, resolved_at = ?
         WHERE community_id = ? AND id = ? AND status = 'open'",
        params![status, resolution, user, now_text(now), t, id],
    )? == 1)
}
