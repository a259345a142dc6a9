//! The place tree (module `registry`'s skeleton): streets, communities, grids, buildings, units.

use crate::db::{Conn, Row, now_text};
use crate::error::StoreError;
use crate::{Result, Tenant, params};
use chrono::{DateTime, Utc};
use linli_core::place::{self, PlaceKind, PlacePath, PlaceRuleError};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Place {
    pub id: i64,
    pub kind: PlaceKind,
    pub name: String,
    pub parent_id: Option<i64>,
    #[serde(skip)]
    pub community_id: Option<i64>,
    #[serde(skip)]
    pub path: PlacePath,
}

const COLUMNS: &str = "id, kind, name, parent_id, community_id, path";

fn from_row(r: &Row) -> Result<Place> {
    let kind = r.text(1)?.parse::<PlaceKind>().map_err(|e| StoreError::Db(e.to_string()))?;
    let path = r.path(5)?;
    Ok(Place {
        id: r.int(0)?,
        kind,
        name: r.text(2)?,
        parent_id: r.opt_int(3)?,
        community_id: r.opt_int(4)?,
        path,
    })
}

fn rule(e: PlaceRuleError) -> StoreError {
    let field = match e {
        PlaceRuleError::BadName | PlaceRuleError::HiddenChar(_) => "name",
        _ => "parent_id",
    };
    StoreError::Invalid { code: e.code(), field: Some(field) }
}

pub fn get(c: &mut dyn Conn, id: i64) -> Result<Place> {
    let sql = format!("SELECT {COLUMNS} FROM places WHERE id = ?");
    from_row(&c.query_one(&sql, params![id])?)
}

/// True when one of `scopes` holds the whole of community `t` (its administrator's, a
/// street's): a query of the community's rows then needs no path filter.
pub fn covers_community(c: &mut dyn Conn, t: Tenant, scopes: &[PlacePath]) -> Result<bool> {
    let community = get(c, t.id())?;
    Ok(scopes.iter().any(|s| community.path.is_within(s)))
}

/// A place inside the community `t` (its grids, buildings and units); not found in any other.
pub fn get_in(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Place> {
    let sql = format!("SELECT {COLUMNS} FROM places WHERE id = ? AND community_id = ?");
    from_row(&c.query_one(&sql, params![id, t])?)
}

/// Creates a place under `parent_id` (or at the root for streets and free-standing communities).
pub fn create(
    c: &mut dyn Conn,
    kind: PlaceKind,
    name: &str,
    parent_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Place> {
    let name = place::parse_place_name(name).map_err(rule)?;
    let parent = match parent_id {
        Some(pid) => Some(get(c, pid).map_err(|e| match e {
            StoreError::NotFound => StoreError::invalid("place_parent_missing", "parent_id"),
            e => e,
        })?),
        None => None,
    };
    if !kind.may_hang_under(parent.as_ref().map(|p| p.kind)) {
        return Err(rule(PlaceRuleError::WrongParent {
            kind,
            parent: parent.map_or("the root".into(), |p| p.kind.to_string()),
        }));
    }
    let at = now_text(now);
    let id = c.insert(
        "INSERT INTO places (community_id, kind, name, parent_id, path, sort_order, created_at, updated_at)
         VALUES (?, ?, ?, ?, '/', 0, ?, ?) RETURNING id",
        params![
            parent.as_ref().and_then(|p| p.community_id),
            kind.as_str(),
            name.clone(),
            parent_id,
            at.clone(),
            at
        ],
    )?;
    let path = match &parent {
        Some(p) => p.path.child(id),
        None => PlacePath::root_child(id),
    };
    let community_id = match kind {
        PlaceKind::Street => None,
        PlaceKind::Community => Some(id),
        _ => parent.and_then(|p| p.community_id),
    };
    c.execute(
        "UPDATE places SET path = ?, community_id = ?, sort_order = ? WHERE id = ?",
        params![path.as_str(), community_id, id, id],
    )?;
    Ok(Place { id, kind, name, parent_id, community_id, path })
}

pub fn rename(c: &mut dyn Conn, id: i64, name: &str, now: DateTime<Utc>) -> Result<Place> {
    let name = place::parse_place_name(name).map_err(rule)?;
    c.execute(
        "UPDATE places SET name = ?, updated_at = ? WHERE id = ?",
        params![name, now_text(now), id],
    )?;
    get(c, id)
}

/// Moves a place and its whole subtree under a new parent of the same community.
pub fn move_to(c: &mut dyn Conn, id: i64, new_parent_id: i64, now: DateTime<Utc>) -> Result<Place> {
    let p = get(c, id)?;
    let parent = get(c, new_parent_id)
        .map_err(|_| StoreError::invalid("place_parent_missing", "parent_id"))?;
    place::check_move(
        p.kind,
        &p.path,
        p.community_id,
        (parent.kind, &parent.path, parent.community_id),
    )
    .map_err(rule)?;
    let old = p.path.as_str().to_string();
    let new = parent.path.child(id);
    let (lo, hi) = prefix_range(&p.path);
    // Rewrite the prefix of every path in the subtree; ids below keep their relative paths.
    c.execute(
        "UPDATE places SET path = ? || substr(path, ?) WHERE path >= ? AND path < ?",
        params![new.as_str(), old.len() as i64 + 1, lo, hi],
    )?;
    c.execute(
        "UPDATE places SET parent_id = ?, updated_at = ? WHERE id = ?",
        params![new_parent_id, now_text(now), id],
    )?;
    get(c, id)
}

/// The half-open text range `[lo, hi)` of every path at or below `path`: paths end in `/`, and
/// `0` is the character after `/`, so this is a plain index range on both engines.
pub fn prefix_range(path: &PlacePath) -> (String, String) {
    let lo = path.as_str().to_string();
    let mut hi = lo.clone();
    hi.pop();
    hi.push('0');
    (lo, hi)
}

/// `(col >= ? AND col < ?) OR …`: the place path in `column` at or below any of `scopes`, the
/// bounds pushed onto `args` in order. Callers wrap it in parentheses.
pub fn within_clause(column: &str, scopes: &[PlacePath], args: &mut Vec<crate::Value>) -> String {
    scopes
        .iter()
        .map(|s| {
            let (lo, hi) = prefix_range(s);
            args.push(lo.into());
            args.push(hi.into());
            format!("({column} >= ? AND {column} < ?)")
        })
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// Every place at or below any of `scopes`, in tree order (by path).
pub fn list_within(c: &mut dyn Conn, scopes: &[PlacePath]) -> Result<Vec<Place>> {
    let mut out: Vec<Place> = Vec::new();
    // Drop scopes nested inside other scopes so no place is listed twice.
    let outer: Vec<&PlacePath> =
        scopes.iter().filter(|s| !scopes.iter().any(|o| o != *s && s.is_within(o))).collect();
    let sql = format!("SELECT {COLUMNS} FROM places WHERE path >= ? AND path < ? ORDER BY path");
    for scope in outer {
        let (lo, hi) = prefix_range(scope);
        for r in c.query(&sql, params![lo, hi])? {
            out.push(from_row(&r)?);
        }
    }
    out.sort_by_key(|p| p.path.ids());
    out.dedup_by_key(|p| p.id);
    Ok(out)
}

pub fn find_community(c: &mut dyn Conn, name: &str) -> Result<Option<Place>> {
    let sql =
        format!("SELECT {COLUMNS} FROM places WHERE kind = 'community' AND name = ? ORDER BY id");
    c.query_opt(&sql, params![name.trim()])?.map(|r| from_row(&r)).transpose()
}

/// The communities at or below `scope` (a street's), in tree order: the street office's view.
pub fn communities_within(c: &mut dyn Conn, scope: &PlacePath) -> Result<Vec<Place>> {
    let (lo, hi) = prefix_range(scope);
    let sql = format!(
        "SELECT {COLUMNS} FROM places WHERE kind = 'community' AND path >= ? AND path < ? ORDER BY sort_order, id"
    );
    c.query_map(&sql, params![lo, hi], from_row)
}

pub fn find_street(c: &mut dyn Conn, name: &str) -> Result<Option<Place>> {
    let sql =
        format!("SELECT {COLUMNS} FROM places WHERE kind = 'street' AND name = ? ORDER BY id");
    c.query_opt(&sql, params![name.trim()])?.map(|r| from_row(&r)).transpose()
}

/// The public pages' default community: the deployment's first (its only one, in a deployment
/// of one community). A street's deployment holds several; its public pages that name none
/// show the first community created, as the demo street's show Xx社区, and every page that
/// links to another community names it (`?community=`).
pub fn only_community(c: &mut dyn Conn) -> Result<Option<Place>> {
    let rows =
        c.query("SELECT id FROM places WHERE kind = 'community' ORDER BY id LIMIT 1", params![])?;
    match rows.as_slice() {
        [first] => get(c, first.int(0)?).map(Some),
        _ => Ok(None),
    }
}

/// Places of each kind inside a community (for the home page).
pub fn count_by_kind(c: &mut dyn Conn, t: Tenant) -> Result<Vec<(PlaceKind, i64)>> {
    let community_id = t.id();
    let rows = c.query(
        "SELECT kind, COUNT(*) FROM places WHERE community_id = ? GROUP BY kind",
        params![community_id],
    )?;
    let mut out = Vec::new();
    for r in rows {
        if let Ok(k) = r.text(0)?.parse::<PlaceKind>() {
            out.push((k, r.int(1)?));
        }
    }
    Ok(out)
}

/// The chain of places from the root down to `id`, for breadcrumbs.
pub fn ancestors(c: &mut dyn Conn, place: &Place) -> Result<Vec<Place>> {
    let mut out = Vec::new();
    for id in place.path.ids() {
        out.push(get(c, id)?);
    }
    Ok(out)
}

/// The community's contact phone (the committee's duty phone), as the public portal and the
/// neighbour cards print it; empty until an administrator sets it.
pub fn contact_phone(c: &mut dyn Conn, tenant: Tenant) -> Result<String> {
    Ok(c.query_opt(
        "SELECT contact_phone FROM community_settings WHERE community_id = ?",
        params![tenant.id()],
    )?
    .map(|r| r.text(0))
    .transpose()?
    .unwrap_or_default())
}

pub fn set_contact_phone(
    c: &mut dyn Conn,
    tenant: Tenant,
    phone: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let now = now_text(now);
    c.execute(
        "INSERT INTO community_settings (community_id, contact_phone, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (community_id) DO UPDATE SET contact_phone = excluded.contact_phone, updated_at = excluded.updated_at",
        params![tenant.id(), phone, now],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_clause_names_each_scope_by_its_path_range() {
        let a = PlacePath::parse("/1/2/").unwrap();
        let b = PlacePath::parse("/1/7/").unwrap();
        let mut args = Vec::new();
        let sql = within_clause("r.place_path", &[a, b], &mut args);
        assert_eq!(
            sql,
            "(r.place_path >= ? AND r.place_path < ?) OR (r.place_path >= ? AND r.place_path < ?)"
        );
        assert_eq!(
            args,
            vec![
                crate::Value::from("/1/2/".to_string()),
                crate::Value::from("/1/20".to_string()),
                crate::Value::from("/1/7/".to_string()),
                crate::Value::from("/1/70".to_string()),
            ]
        );
    }
}
