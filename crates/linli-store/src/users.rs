//! Accounts, their grants, sessions and tokens, and the failed-login counter.

use crate::db::{Conn, Row, now_text};
use crate::error::StoreError;
use crate::places::{self, Place};
use crate::{Result, Tenant, from_row, params};
use chrono::{DateTime, Utc};
use linli_core::{Grant, PlacePath, Role};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct User {
    pub id: i64,
    pub community_id: Option<i64>,
    pub username: String,
    pub display_name: String,
    pub active: bool,
    /// Set by an administrator's password reset: the next sign-in must choose a new one.
    pub must_change_password: bool,
}

/// A grant as the UI shows it: the role and the place it is held on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct GrantView {
    pub role: Role,
    pub place_id: i64,
    pub place_name: String,
    #[serde(skip)]
    pub path: PlacePath,
    pub partner_id: Option<i64>,
}

impl GrantView {
    pub fn grant(&self) -> Grant {
        Grant { role: self.role, scope: self.path.clone(), partner_id: self.partner_id }
    }
}

fn user_from(r: &Row) -> Result<User> {
    Ok(from_row!(r => User {
        id, community_id, username, display_name, active, must_change_password
    }))
}

const USER_COLUMNS: &str = "id, community_id, username, display_name, active, must_change_password";

pub fn create(
    c: &mut dyn Conn,
    community_id: Option<i64>,
    username: &str,
    display_name: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<User> {
    let taken = c.count("SELECT COUNT(*) FROM users WHERE username = ?", params![username])?;
    if taken > 0 {
        return Err(StoreError::Conflict { code: "username_taken", field: Some("username") });
    }
    let at = now_text(now);
    let id = c.insert(
        "INSERT INTO users (community_id, username, display_name, password_hash, active, created_at, password_changed_at)
         VALUES (?, ?, ?, ?, 1, ?, ?) RETURNING id",
        params![community_id, username, display_name, password_hash, at.clone(), at],
    )?;
    get(c, id)
}

pub fn get(c: &mut dyn Conn, id: i64) -> Result<User> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?");
    user_from(&c.query_one(&sql, params![id])?)
}

/// An account of the community (a street-level account or another community's is not found).
pub fn get_in(c: &mut dyn Conn, tenant: Tenant, id: i64) -> Result<User> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = ? AND community_id = ?");
    user_from(&c.query_one(&sql, params![id, tenant.id()])?)
}

/// Ends or restores an account of the community. A deactivated account's sessions and tokens
/// stop working at once ([`find_session`] reads only active accounts).
pub fn set_active(c: &mut dyn Conn, tenant: Tenant, id: i64, active: bool) -> Result<()> {
    let n = c.execute(
        "UPDATE users SET active = ? WHERE id = ? AND community_id = ?",
        params![i64::from(active), id, tenant.id()],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// An administrator's reset: a temporary password the user must change at the next sign-in.
pub fn reset_password(
    c: &mut dyn Conn,
    tenant: Tenant,
    id: i64,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let n = c.execute(
        "UPDATE users SET password_hash = ?, password_changed_at = ?, must_change_password = 1
         WHERE id = ? AND community_id = ?",
        params![hash, now_text(now), id, tenant.id()],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Ends every session and token of a user; how many there were.
pub fn revoke_sessions(c: &mut dyn Conn, user_id: i64) -> Result<u64> {
    c.execute("DELETE FROM sessions WHERE user_id = ?", params![user_id])
}

/// The user and their password hash, for login.
pub fn find_for_login(c: &mut dyn Conn, username: &str) -> Result<Option<(User, String)>> {
    let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = ?");
    c.query_opt(&sql, params![username.trim()])?
        .map(|r| Ok((user_from(&r)?, r.text(6)?)))
        .transpose()
}

pub fn add_grant(
    c: &mut dyn Conn,
    user_id: i64,
    role: Role,
    place: &Place,
    partner_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO grants (community_id, user_id, role, place_id, partner_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        params![place.community_id, user_id, role.as_str(), place.id, partner_id, now_text(now)],
    )
}

/// Links a resident's account to her registry record (one account per resident: a second link
/// of the same resident fails on the unique index).
pub fn link_resident(
    c: &mut dyn Conn,
    tenant: Tenant,
    user_id: i64,
    resident_id: i64,
    linked_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    c.execute(
        "INSERT INTO resident_accounts (user_id, community_id, resident_id, linked_by, linked_at)
         VALUES (?, ?, ?, ?, ?)",
        params![user_id, tenant.id(), resident_id, linked_by, now_text(now)],
    )?;
    Ok(())
}

/// The registry record an account is linked to (its community and the resident's id).
pub fn linked_resident(c: &mut dyn Conn, user_id: i64) -> Result<Option<(Tenant, i64)>> {
    c.query_opt(
        "SELECT community_id, resident_id FROM resident_accounts WHERE user_id = ?",
        params![user_id],
    )?
    .map(|r| Ok((Tenant::new(r.int(0)?), r.int(1)?)))
    .transpose()
}

/// The account linked to a resident, if she has one.
pub fn account_of_resident(
    c: &mut dyn Conn,
    tenant: Tenant,
    resident_id: i64,
) -> Result<Option<i64>> {
    c.query_opt(
        "SELECT user_id FROM resident_accounts WHERE community_id = ? AND resident_id = ?",
        params![tenant.id(), resident_id],
    )?
    .map(|r| r.int(0))
    .transpose()
}

pub fn grants(c: &mut dyn Conn, user_id: i64) -> Result<Vec<GrantView>> {
    let rows = c.query(
        "SELECT g.role, g.place_id, p.name, p.path, g.partner_id
         FROM grants g JOIN places p ON p.id = g.place_id
         WHERE g.user_id = ? ORDER BY g.id",
        params![user_id],
    )?;
    rows.iter()
        .map(|r| {
            Ok(GrantView {
                role: r
                    .text(0)?
                    .parse()
                    .map_err(|e: linli_core::role::UnknownRole| StoreError::Db(e.to_string()))?,
                place_id: r.int(1)?,
                place_name: r.text(2)?,
                path: r.path(3)?,
                partner_id: r.opt_int(4)?,
            })
        })
        .collect()
}

pub fn set_password(c: &mut dyn Conn, user_id: i64, hash: &str, now: DateTime<Utc>) -> Result<()> {
    c.execute(
        "UPDATE users SET password_hash = ?, password_changed_at = ?, must_change_password = 0 WHERE id = ?",
        params![hash, now_text(now), user_id],
    )?;
    Ok(())
}

/// Users holding any grant at or below one of `scopes`, with their grants.
pub fn list_within(c: &mut dyn Conn, scopes: &[PlacePath]) -> Result<Vec<(User, Vec<GrantView>)>> {
    let mut ids: Vec<i64> = Vec::new();
    for scope in scopes {
        let (lo, hi) = places::prefix_range(scope);
        for r in c.query(
            "SELECT DISTINCT g.user_id FROM grants g JOIN places p ON p.id = g.place_id
             WHERE p.path >= ? AND p.path < ?",
            params![lo, hi],
        )? {
            ids.push(r.int(0)?);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push((get(c, id)?, grants(c, id)?));
    }
    Ok(out)
}

/// Accounts of each role with a grant inside a community (for the home page).
pub fn count_by_role(c: &mut dyn Conn, t: Tenant) -> Result<Vec<(Role, i64)>> {
    let community_id = t.id();
    let rows = c.query(
        "SELECT role, COUNT(DISTINCT user_id) FROM grants WHERE community_id = ? GROUP BY role",
        params![community_id],
    )?;
    let mut out = Vec::new();
    for r in rows {
        if let Ok(role) = r.text(0)?.parse::<Role>() {
            out.push((role, r.int(1)?));
        }
    }
    Ok(out)
}

// ---- sessions and bearer tokens ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Cookie,
    Bearer,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Cookie => "cookie",
            SessionKind::Bearer => "bearer",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub kind: SessionKind,
    pub csrf_token: String,
    pub expires_at: String,
}

#[allow(clippy::too_many_arguments)]
pub fn create_session(
    c: &mut dyn Conn,
    token_hash: &str,
    user: &User,
    kind: SessionKind,
    csrf_token: &str,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<()> {
    let at = now_text(now);
    c.execute(
        "INSERT INTO sessions (token_hash, community_id, user_id, kind, csrf_token, created_at, expires_at, last_seen_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        params![
            token_hash,
            user.community_id,
            user.id,
            kind.as_str(),
            csrf_token,
            at.clone(),
            now_text(expires),
            at
        ],
    )?;
    Ok(())
}

/// The live session of a token hash: unexpired, of an active user.
pub fn find_session(
    c: &mut dyn Conn,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Session>> {
    let row = c.query_opt(
        "SELECT u.id, u.community_id, u.username, u.display_name, u.active, u.must_change_password, s.kind, s.csrf_token, s.expires_at
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ? AND s.expires_at > ? AND u.active = 1",
        params![token_hash, now_text(now)],
    )?;
    row.map(|r| {
        Ok(Session {
            user: user_from(&r)?,
            kind: if r.text(6)? == "bearer" { SessionKind::Bearer } else { SessionKind::Cookie },
            csrf_token: r.text(7)?,
            expires_at: r.text(8)?,
        })
    })
    .transpose()
}

pub fn delete_session(c: &mut dyn Conn, token_hash: &str) -> Result<()> {
    c.execute("DELETE FROM sessions WHERE token_hash = ?", params![token_hash])?;
    Ok(())
}

/// Ends every other session of a user (after a password change).
pub fn delete_other_sessions(c: &mut dyn Conn, user_id: i64, keep_hash: &str) -> Result<u64> {
    c.execute(
        "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?",
        params![user_id, keep_hash],
    )
}

pub fn purge_expired_sessions(c: &mut dyn Conn, now: DateTime<Utc>) -> Result<u64> {
    c.execute("DELETE FROM sessions WHERE expires_at <= ?", params![now_text(now)])
}

// ---- failed logins ----

pub fn login_failures(c: &mut dyn Conn, username: &str) -> Result<(u32, Option<DateTime<Utc>>)> {
    let row = c.query_opt(
        "SELECT failures, last_failure_at FROM login_failures WHERE username = ?",
        params![username],
    )?;
    match row {
        None => Ok((0, None)),
        Some(r) => {
            let n = u32::try_from(r.int(0)?).unwrap_or(u32::MAX);
            let at = DateTime::parse_from_rfc3339(&r.text(1)?).map(|t| t.with_timezone(&Utc)).ok();
            Ok((n, at))
        }
    }
}

/// Locks the name's failure counter for this write transaction (creating it, empty, when the
/// name has none) and gives its failures and the time of the last one. The login claims its
/// attempt here before the slow password check, so attempts sent at once are counted one
/// after the other instead of all reading the same count.
pub fn claim_login_attempt(
    c: &mut dyn Conn,
    username: &str,
    now: DateTime<Utc>,
) -> Result<(u32, Option<DateTime<Utc>>)> {
    c.execute(
        "INSERT INTO login_failures (username, community_id, failures, last_failure_at)
         VALUES (?, (SELECT community_id FROM users WHERE username = ?), 0, ?)
         ON CONFLICT (username) DO NOTHING",
        params![username, username, now_text(now)],
    )?;
    let sql = format!(
        "SELECT failures, last_failure_at FROM login_failures WHERE username = ?{}",
        c.for_update()
    );
    let r = c.query_one(&sql, params![username])?;
    let n = u32::try_from(r.int(0)?).unwrap_or(u32::MAX);
    let at = DateTime::parse_from_rfc3339(&r.text(1)?)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .filter(|_| n > 0);
    Ok((n, at))
}

pub fn record_login_failure(
    c: &mut dyn Conn,
    username: &str,
    community_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    c.execute(
        "INSERT INTO login_failures (username, community_id, failures, last_failure_at) VALUES (?, ?, 1, ?)
         ON CONFLICT (username) DO UPDATE SET failures = login_failures.failures + 1,
             last_failure_at = excluded.last_failure_at",
        params![username, community_id, now_text(now)],
    )?;
    Ok(())
}

pub fn clear_login_failures(c: &mut dyn Conn, username: &str) -> Result<()> {
    c.execute("DELETE FROM login_failures WHERE username = ?", params![username])?;
    Ok(())
}

/// A building head as a neighbour card names her: her name and the phone she had printed
/// (empty when she set none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardHead {
    pub user_id: i64,
    pub name: String,
    pub card_phone: String,
}

/// The active building heads whose grant covers the place at `path` in the community, in the
/// order they were granted.
pub fn heads_of(c: &mut dyn Conn, tenant: Tenant, path: &PlacePath) -> Result<Vec<CardHead>> {
    let rows = c.query(
        "SELECT u.id, u.display_name, u.card_phone, p.path FROM grants g
         JOIN users u ON u.id = g.user_id JOIN places p ON p.id = g.place_id
         WHERE g.community_id = ? AND g.role = 'building_head' AND u.active = 1
         ORDER BY g.id",
        params![tenant.id()],
    )?;
    let mut out: Vec<CardHead> = Vec::new();
    for r in rows {
        let scope = r.path(3)?;
        let id = r.int(0)?;
        if path.is_within(&scope) && !out.iter().any(|h| h.user_id == id) {
            out.push(CardHead { user_id: id, name: r.text(1)?, card_phone: r.text(2)? });
        }
    }
    Ok(out)
}

/// The phone printed for this account on neighbour cards.
pub fn card_phone(c: &mut dyn Conn, user_id: i64) -> Result<String> {
    c.query_one("SELECT card_phone FROM users WHERE id = ?", params![user_id])?.text(0)
}

pub fn set_card_phone(c: &mut dyn Conn, user_id: i64, phone: &str) -> Result<()> {
    c.execute("UPDATE users SET card_phone = ? WHERE id = ?", params![phone, user_id])?;
    Ok(())
}
