//! Residents' claims of their registry records (issue 14). The module owns `resident_claims`;
//! the link itself, once confirmed, is `users::link_resident`.

use crate::db::{Conn, Row, now_text};
use crate::from_row;
use crate::{Result, Tenant, params};
use chrono::{DateTime, Utc};
use linli_core::PlacePath;
use linli_core::claims::ClaimStatus;
use linli_core::clock::Stamp;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Claim {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub resident_id: i64,
    pub resident_name: String,
    pub address: String,
    #[serde(skip)]
    #[schemars(skip)]
    pub place_path: PlacePath,
    /// `pending`, `confirmed` or `rejected`.
    pub status: ClaimStatus,
    pub claimed_at: Stamp,
    pub note: String,
}

const COLUMNS: &str = "k.id, k.user_id, u.username, u.display_name, r.id, r.name,
    COALESCE(b.name, '') || COALESCE(un.name, '') || COALESCE(h.number, ''), r.place_path, k.status, k.claimed_at, k.note
    FROM resident_claims k JOIN users u ON u.id = k.user_id JOIN residents r ON r.id = k.resident_id
    LEFT JOIN places b ON b.id = r.building_id LEFT JOIN places un ON un.id = r.unit_id
    LEFT JOIN households h ON h.id = r.household_id";

fn from_row(r: &Row) -> Result<Claim> {
    Ok(from_row!(r => Claim {
        id, user_id, username, display_name, resident_id, resident_name, address, place_path,
        status, claimed_at, note
    }))
}

/// Attempts an account made since `since` (any outcome).
pub fn attempts_since(c: &mut dyn Conn, user_id: i64, since: DateTime<Utc>) -> Result<i64> {
    c.count(
        "SELECT COUNT(*) FROM resident_claims WHERE user_id = ? AND claimed_at >= ?",
        params![user_id, now_text(since)],
    )
}

/// The active record whose ID number and phone are both these (normalised) values.
pub fn matching_resident(
    c: &mut dyn Conn,
    t: Tenant,
    id_number: &str,
    phone: &str,
) -> Result<Option<i64>> {
    c.query_opt(
        "SELECT id FROM residents WHERE community_id = ? AND id_number = ? AND phone = ? AND status = 'active'",
        params![t, id_number, phone],
    )?
    .map(|r| r.int(0))
    .transpose()
}

pub fn record(
    c: &mut dyn Conn,
    t: Tenant,
    user_id: i64,
    resident_id: Option<i64>,
    status: ClaimStatus,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO resident_claims (community_id, user_id, resident_id, status, claimed_at)
         VALUES (?, ?, ?, ?, ?) RETURNING id",
        params![t, user_id, resident_id, status, now_text(now)],
    )
}

/// The account's claim still waiting for a worker, if any.
pub fn pending_of(c: &mut dyn Conn, user_id: i64) -> Result<Option<Claim>> {
    c.query_opt(
        &format!("SELECT {COLUMNS} WHERE k.user_id = ? AND k.status = 'pending' ORDER BY k.id DESC LIMIT 1"),
        params![user_id],
    )?
    .map(|r| from_row(&r))
    .transpose()
}

/// The latest decided claim of the account (a rejection she should read), if any.
pub fn last_decided_of(c: &mut dyn Conn, user_id: i64) -> Result<Option<Claim>> {
    c.query_opt(
        &format!("SELECT {COLUMNS} WHERE k.user_id = ? AND k.status IN ('confirmed', 'rejected') ORDER BY k.id DESC LIMIT 1"),
        params![user_id],
    )?
    .map(|r| from_row(&r))
    .transpose()
}

pub fn get(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Claim> {
    from_row(&c.query_one(
        &format!("SELECT {COLUMNS} WHERE k.community_id = ? AND k.id = ?"),
        params![t, id],
    )?)
}

/// Pending claims of records inside the scopes, oldest first.
pub fn pending_within(c: &mut dyn Conn, t: Tenant, scopes: &[PlacePath]) -> Result<Vec<Claim>> {
    if scopes.is_empty() {
        return Ok(Vec::new());
    }
    let mut args: Vec<crate::Value> = vec![t.into()];
    let within = crate::places::within_clause("r.place_path", scopes, &mut args);
    c.query_map(
        &format!(
            "SELECT {COLUMNS} WHERE k.community_id = ? AND k.status = 'pending' AND ({within}) ORDER BY k.id"
        ),
        &args,
        from_row,
    )
}

/// Decides a pending claim; false when it was no longer pending.
pub fn decide(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    status: ClaimStatus,
    note: &str,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(c.execute(
        "UPDATE resident_claims SET status = ?, note = ?, decided_by = ?, decided_at = ?
         WHERE community_id = ? AND id = ? AND status = 'pending'",
        params![status, note, user, now_text(now), t, id],
    )? == 1)
}
