//! The audit log: every change and every reveal, written in the same transaction as the change,
//! hash-chained per community (see `linli_core::chain`), append-only by trigger.

use crate::db::{Conn, Db, now_text};
use crate::{Result, from_row, params};
use chrono::{DateTime, Utc};
use linli_core::chain::{self, ChainBreak, StoredLink};
use linli_core::clock::Stamp;
use linli_core::mask;
use serde::Serialize;
use serde_json::Value as Json;

pub const CHAIN: &str = "audit";

/// One event to record. `before`/`after` are masked before they are stored.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub at: DateTime<Utc>,
    pub community_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    pub actor: &'a str,
    pub action: &'a str,
    pub object_kind: &'a str,
    pub object_id: Option<String>,
    pub before: Option<Json>,
    pub after: Option<Json>,
    pub request_id: Option<&'a str>,
}

/// Replaces personal values in a before/after image with their masked form.
pub fn mask_image(v: &Json) -> Json {
    match v {
        Json::Object(map) => Json::Object(
            map.iter()
                .map(|(k, v)| {
                    let masked = match (k.as_str(), v) {
                        ("id_number", Json::String(s)) => Json::String(mask::mask_id_number(s)),
                        ("phone", Json::String(s)) => Json::String(mask::mask_phone(s)),
                        (k, _) if k.starts_with("password") => Json::String("***".into()),
                        _ => mask_image(v),
                    };
                    (k.clone(), masked)
                })
                .collect(),
        ),
        Json::Array(items) => Json::Array(items.iter().map(mask_image).collect()),
        other => other.clone(),
    }
}

#[allow(clippy::too_many_arguments)]
fn canonical(
    community_id: i64,
    seq: i64,
    at: &str,
    actor_user_id: Option<i64>,
    actor: &str,
    action: &str,
    object_kind: &str,
    object_id: Option<&str>,
    before: Option<&str>,
    after: Option<&str>,
    request_id: Option<&str>,
) -> String {
    let opt_int = actor_user_id.map(|v| v.to_string()).unwrap_or_default();
    chain::canonical(&[
        ("community_id", &community_id.to_string()),
        ("seq", &seq.to_string()),
        ("at", at),
        ("actor_user_id", &opt_int),
        ("actor", actor),
        ("action", action),
        ("object_kind", object_kind),
        ("object_id", object_id.unwrap_or("")),
        ("before", before.unwrap_or("")),
        ("after", after.unwrap_or("")),
        ("request_id", request_id.unwrap_or("")),
    ])
}

/// Locks the chain head (creating it on first use) and returns the next sequence number and
/// the previous hash. Shared with the fund ledger.
pub fn next_link(c: &mut dyn Conn, chain_name: &str, community_id: i64) -> Result<(i64, String)> {
    c.execute(
        "INSERT INTO chain_heads (chain, community_id, seq, hash) VALUES (?, ?, 0, ?)
         ON CONFLICT (chain, community_id) DO NOTHING",
        params![chain_name, community_id, chain::GENESIS],
    )?;
    let sql = format!(
        "SELECT seq, hash FROM chain_heads WHERE chain = ? AND community_id = ?{}",
        c.for_update()
    );
    let head = c.query_one(&sql, params![chain_name, community_id])?;
    Ok((head.int(0)? + 1, head.text(1)?))
}

pub fn advance_head(
    c: &mut dyn Conn,
    chain_name: &str,
    community_id: i64,
    seq: i64,
    hash: &str,
) -> Result<()> {
    c.execute(
        "UPDATE chain_heads SET seq = ?, hash = ? WHERE chain = ? AND community_id = ?",
        params![seq, hash, chain_name, community_id],
    )?;
    Ok(())
}

/// Appends one record to its community's chain; call inside the change's transaction.
pub fn append(c: &mut dyn Conn, e: &Event<'_>) -> Result<i64> {
    let community = e.community_id.unwrap_or(0);
    let (seq, prev) = next_link(c, CHAIN, community)?;
    let at = now_text(e.at);
    let before = e.before.as_ref().map(|v| mask_image(v).to_string());
    let after = e.after.as_ref().map(|v| mask_image(v).to_string());
    let content = canonical(
        community,
        seq,
        &at,
        e.actor_user_id,
        e.actor,
        e.action,
        e.object_kind,
        e.object_id.as_deref(),
        before.as_deref(),
        after.as_deref(),
        e.request_id,
    );
    let hash = chain::link_hash(&prev, &content);
    let id = c.insert(
        "INSERT INTO audit_log (community_id, seq, at, actor_user_id, actor, action, object_kind,
             object_id, before_json, after_json, request_id, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![
            community,
            seq,
            at,
            e.actor_user_id,
            e.actor,
            e.action,
            e.object_kind,
            e.object_id.clone(),
            before,
            after,
            e.request_id,
            prev,
            hash.clone()
        ],
    )?;
    advance_head(c, CHAIN, community, seq, &hash)?;
    Ok(id)
}

/// The result of walking every audit chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// (community id, records checked) per chain.
    pub chains: Vec<(i64, u64)>,
    /// The first broken chain and where it breaks.
    pub broken: Option<(i64, ChainBreak)>,
}

pub fn verify(db: &Db) -> Result<Verified> {
    db.read_blocking(|c| {
        let communities: Vec<i64> = c
            .query(
                "SELECT community_id FROM chain_heads WHERE chain = ?
                 UNION SELECT DISTINCT community_id FROM audit_log ORDER BY 1",
                params![CHAIN],
            )?
            .iter()
            .map(|r| r.int(0))
            .collect::<Result<_>>()?;
        let mut out = Verified { chains: Vec::new(), broken: None };
        for community in communities {
            let head = c
                .query_opt(
                    "SELECT hash FROM chain_heads WHERE chain = ? AND community_id = ?",
                    params![CHAIN, community],
                )?
                .map(|r| r.text(0))
                .transpose()?;
            let rows = c.query(
                "SELECT id, seq, at, actor_user_id, actor, action, object_kind, object_id,
                        before_json, after_json, request_id, prev_hash, hash
                 FROM audit_log WHERE community_id = ? ORDER BY seq",
                params![community],
            )?;
            let mut links = Vec::with_capacity(rows.len());
            for r in &rows {
                let seq = r.int(1)?;
                links.push(StoredLink {
                    id: r.int(0)?,
                    seq,
                    canonical: canonical(
                        community,
                        seq,
                        &r.text(2)?,
                        r.opt_int(3)?,
                        &r.text(4)?,
                        &r.text(5)?,
                        &r.text(6)?,
                        r.opt_text(7)?.as_deref(),
                        r.opt_text(8)?.as_deref(),
                        r.opt_text(9)?.as_deref(),
                        r.opt_text(10)?.as_deref(),
                    ),
                    prev_hash: r.text(11)?,
                    hash: r.text(12)?,
                });
            }
            match chain::verify(links, head.as_deref()) {
                Ok(n) => out.chains.push((community, n)),
                Err(b) => {
                    out.broken = Some((community, b));
                    break;
                }
            }
        }
        Ok(out)
    })
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Record {
    pub id: i64,
    pub at: Stamp,
    pub actor: String,
    pub action: String,
    pub object_kind: String,
    pub object_id: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub request_id: Option<String>,
}

/// One page of a community's audit log, newest first.
/// What the audit log records about one object, oldest first: (at, actor, action).
pub fn about(
    c: &mut dyn Conn,
    t: crate::Tenant,
    kind: &str,
    object_id: &str,
) -> Result<Vec<(String, String, String)>> {
    let community_id = t.id();
    c.query_map(
        "SELECT at, actor, action FROM audit_log WHERE community_id = ? AND object_kind = ? AND object_id = ? ORDER BY seq",
        params![community_id, kind, object_id],
        |h| Ok((h.text(0)?, h.text(1)?, h.text(2)?)),
    )
}

pub fn list(
    c: &mut dyn Conn,
    t: crate::Tenant,
    page: i64,
    per_page: i64,
) -> Result<(Vec<Record>, i64)> {
    let community_id = t.id();
    let total =
        c.count("SELECT COUNT(*) FROM audit_log WHERE community_id = ?", params![community_id])?;
    let rows = c.query(
        "SELECT id, at, actor, action, object_kind, object_id, before_json, after_json, request_id
         FROM audit_log WHERE community_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?",
        params![community_id, per_page, crate::page_offset(page, per_page)],
    )?;
    let items = rows
        .iter()
        .map(|r| {
            Ok(from_row!(r => Record {
                id, at, actor, action, object_kind, object_id, before, after, request_id
            }))
        })
        .collect::<Result<_>>()?;
    Ok((items, total))
}

/// Audit records written since `since` in a community (for the home page's figures).
pub fn count_since(c: &mut dyn Conn, t: crate::Tenant, since: DateTime<Utc>) -> Result<i64> {
    let community_id = t.id();
    c.count(
        "SELECT COUNT(*) FROM audit_log WHERE community_id = ? AND at >= ?",
        params![community_id, now_text(since)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn personal_fields_are_masked_in_before_and_after_images() {
        let v = json!({"name": "夏胜林", "id_number": "110101199003071234",
                       "phone": "13812345678", "password": "secret123",
                       "members": [{"phone": "13900001111"}]});
        let m = mask_image(&v);
        assert_eq!(m["id_number"], "**************1234");
        assert_eq!(m["phone"], "138****5678");
        assert_eq!(m["password"], "***");
        assert_eq!(m["members"][0]["phone"], "139****1111");
        assert_eq!(m["name"], "夏胜林");
    }
}
