//! Civilized corridors (issue 17). The module owns `corridors`, `corridor_boards`,
//! `corridor_board_history`, `inspection_items` and `corridor_inspections`.

use crate::db::{Conn, Row, now_text};
use crate::photo::Photo;
use crate::{Result, Tenant, Value, from_row, params};
use chrono::{DateTime, NaiveDate, Utc};
use linli_core::PlacePath;
use linli_core::corridors as rules;
use serde::Serialize;

/// Creates the corridors of the community's units that have none yet. Returns how many.
pub fn ensure(c: &mut dyn Conn, t: Tenant, now: DateTime<Utc>) -> Result<u64> {
    c.execute(
        "INSERT INTO corridors (community_id, unit_id, place_path, building_id, name, created_at)
         SELECT u.community_id, u.id, u.path, b.id, b.name || u.name, ?
         FROM places u JOIN places b ON b.id = u.parent_id
         WHERE u.kind = 'unit' AND u.community_id = ?
           AND NOT EXISTS (SELECT 1 FROM corridors k WHERE k.unit_id = u.id)",
        params![now_text(now), t],
    )
}

/// Units of the community without a corridor.
pub fn missing(c: &mut dyn Conn, t: Tenant) -> Result<i64> {
    c.count(
        "SELECT COUNT(*) FROM places u WHERE u.kind = 'unit' AND u.community_id = ?
           AND NOT EXISTS (SELECT 1 FROM corridors k WHERE k.unit_id = u.id)",
        params![t],
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Corridor {
    pub id: i64,
    pub unit_id: i64,
    pub building_id: i64,
    /// 3号楼2单元
    pub name: String,
    /// 3号楼
    pub building_name: String,
    #[serde(skip)]
    #[schemars(skip)]
    pub place_path: PlacePath,
}

/// A corridor's building, name and path are read from the place tree (`cu`, `cb`), so that a
/// unit moved to another building or renamed is followed at once.
const CORRIDOR_COLUMNS: &str = "k.id, k.unit_id, cb.id, cb.name || cu.name, cu.path, cb.name
    FROM corridors k JOIN places cu ON cu.id = k.unit_id JOIN places cb ON cb.id = cu.parent_id";

fn corridor_row(r: &Row) -> Result<Corridor> {
    Ok(from_row!(r => Corridor { id, unit_id, building_id, name, place_path, building_name }))
}

pub fn get(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Corridor> {
    corridor_row(&c.query_one(
        &format!("SELECT {CORRIDOR_COLUMNS} WHERE k.community_id = ? AND k.id = ?"),
        params![t, id],
    )?)
}

/// The corridors inside the scopes (of one building, or all), in the place tree's order.
pub fn list_within(
    c: &mut dyn Conn,
    t: Tenant,
    scopes: &[PlacePath],
    building: Option<i64>,
) -> Result<Vec<Corridor>> {
    if scopes.is_empty() {
        return Ok(Vec::new());
    }
    let mut args: Vec<Value> = vec![t.into()];
    let within = crate::places::within_clause("cu.path", scopes, &mut args);
    let mut sql = format!("SELECT {CORRIDOR_COLUMNS} WHERE k.community_id = ? AND ({within})");
    if let Some(b) = building {
        sql.push_str(" AND cb.id = ?");
        args.push(b.into());
    }
    sql.push_str(" ORDER BY cb.sort_order, cb.id, cu.sort_order, cu.id");
    c.query_map(&sql, &args, corridor_row)
}

/// Every corridor's inspections up to `on` (newest first): corridor id → stars.
pub fn stars_up_to(c: &mut dyn Conn, t: Tenant, on: &str) -> Result<Vec<(i64, Vec<i64>)>> {
    let rows = c.query(
        "SELECT corridor_id, stars FROM corridor_inspections WHERE community_id = ? AND inspected_on <= ?
         ORDER BY corridor_id, inspected_on DESC, id DESC",
        params![t, on],
    )?;
    let mut out: Vec<(i64, Vec<i64>)> = Vec::new();
    for r in rows {
        let (id, s) = (r.int(0)?, r.int(1)?);
        match out.last_mut() {
            Some((last, list)) if *last == id => list.push(s),
            _ => out.push((id, vec![s])),
        }
    }
    Ok(out)
}

/// How many of the corridors whose stars [`stars_up_to`] read (up to a day) hold
/// high-standard status on that day.
pub fn high_standard_of(rules: &rules::Settings, stars: &[(i64, Vec<i64>)]) -> i64 {
    stars.iter().filter(|(_, s)| rules.high_standard(s)).count() as i64
}

/// The corridors' stars on the day [`stars_up_to`] read them up to (each corridor's last
/// inspection): their sum, and how many corridors have been inspected.
pub fn stars_sum(stars: &[(i64, Vec<i64>)]) -> (i64, i64) {
    let sum = stars.iter().filter_map(|(_, s)| s.first()).sum();
    (sum, stars.len() as i64)
}

/// Corridors inspected between `from` and `to`.
pub fn inspected_count(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<i64> {
    c.count(
        "SELECT COUNT(DISTINCT corridor_id) FROM corridor_inspections WHERE community_id = ? AND inspected_on >= ? AND inspected_on <= ?",
        params![t, from, to],
    )
}

// ---- checklist ----

/// The community's checklist: its own items in use, or the defaults.
pub fn items(c: &mut dyn Conn, t: Tenant) -> Result<Vec<(String, String, i64)>> {
    let own: Vec<(String, String, i64)> = c
        .query(
            "SELECT code, label, points FROM inspection_items WHERE community_id = ? AND retired = 0
             ORDER BY sort_order, code",
            params![t],
        )?
        .iter()
        .map(|r| Ok((r.text(0)?, r.text(1)?, r.int(2)?)))
        .collect::<Result<_>>()?;
    if !own.is_empty() {
        return Ok(own);
    }
    Ok(rules::DEFAULT_ITEMS
        .iter()
        .map(|i| (i.code.to_string(), i.label.to_string(), i.points))
        .collect())
}

/// Every item the community's checklist ever had, those taken off included (a name that
/// comes back keeps its code, and no new item takes the code of one taken off).
pub fn all_items(c: &mut dyn Conn, t: Tenant) -> Result<Vec<(String, String, i64)>> {
    c.query_map(
        "SELECT code, label, points FROM inspection_items WHERE community_id = ? ORDER BY retired, sort_order, code",
        params![t],
        |r| Ok((r.text(0)?, r.text(1)?, r.int(2)?)),
    )
}

/// The names of the community's items by code, those taken off included: how past
/// inspections name what failed (see `linli_core::corridors::item_label`).
pub fn item_labels(c: &mut dyn Conn, t: Tenant) -> Result<Vec<(String, String)>> {
    Ok(all_items(c, t)?.into_iter().map(|(code, label, _)| (code, label)).collect())
}

/// Replaces the community's checklist (items in order). The items not in it any more are
/// kept, retired, so past inspections keep naming them; their codes are never reused.
pub fn replace_items(c: &mut dyn Conn, t: Tenant, items: &[(String, String, i64)]) -> Result<()> {
    c.execute("UPDATE inspection_items SET retired = 1 WHERE community_id = ?", params![t])?;
    for (i, (code, label, points)) in items.iter().enumerate() {
        let n = c.execute(
            "UPDATE inspection_items SET label = ?, points = ?, sort_order = ?, retired = 0
             WHERE community_id = ? AND code = ?",
            params![label.as_str(), *points, i as i64, t, code.as_str()],
        )?;
        if n == 0 {
            c.execute(
                "INSERT INTO inspection_items (community_id, code, label, points, sort_order) VALUES (?, ?, ?, ?, ?)",
                params![t, code.as_str(), label.as_str(), *points, i as i64],
            )?;
        }
    }
    Ok(())
}

// ---- the community's rules ----

/// The community's corridor rules (the defaults until it sets its own).
pub fn settings(c: &mut dyn Conn, t: Tenant) -> Result<rules::Settings> {
    let Some(r) = c.query_opt(
        "SELECT thresholds, high_stars, high_last, stale_days, boards FROM corridor_settings WHERE community_id = ?",
        params![t],
    )?
    else {
        return Ok(rules::Settings::default());
    };
    let d = rules::Settings::default();
    let parsed: Vec<i64> = r.text(0)?.split(',').filter_map(|n| n.trim().parse().ok()).collect();
    let thresholds = <[i64; 4]>::try_from(parsed.as_slice()).unwrap_or(d.thresholds);
    let boards: Vec<(String, String)> = r
        .text(4)?
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(c, n)| (c.to_string(), n.to_string()))
        .collect();
    Ok(rules::Settings {
        thresholds,
        high_stars: r.int(1)?,
        high_last: usize::try_from(r.int(2)?).unwrap_or(d.high_last),
        stale_days: r.int(3)?,
        boards: if boards.is_empty() { d.boards } else { boards },
    })
}

/// Saves the community's corridor rules.
pub fn save_settings(
    c: &mut dyn Conn,
    t: Tenant,
    s: &rules::Settings,
    now: DateTime<Utc>,
) -> Result<()> {
    let thresholds = s.thresholds.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let boards = s.boards.iter().map(|(c, n)| format!("{c}={n}")).collect::<Vec<_>>().join("\n");
    c.execute("DELETE FROM corridor_settings WHERE community_id = ?", params![t])?;
    c.execute(
        "INSERT INTO corridor_settings (community_id, thresholds, high_stars, high_last, stale_days, boards, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        params![
            t,
            thresholds,
            s.high_stars,
            s.high_last as i64,
            s.stale_days,
            boards,
            now_text(now)
        ],
    )?;
    Ok(())
}

// ---- inspections ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Inspection {
    pub id: i64,
    pub corridor_id: i64,
    pub on: NaiveDate,
    pub inspector: String,
    pub score: i64,
    pub max_score: i64,
    pub stars: i64,
    pub failed: Vec<String>,
    pub note: String,
}

const INSPECTION_COLUMNS: &str = "i.id, i.corridor_id, i.inspected_on, COALESCE(u.display_name, ''), i.score, i.max_score,
    i.stars, i.failed, i.note FROM corridor_inspections i LEFT JOIN users u ON u.id = i.inspector_id";

fn inspection_row(r: &Row) -> Result<Inspection> {
    Ok(from_row!(r => Inspection {
        id, corridor_id, on, inspector, score, max_score, stars;
        failed: r.text(7)?.split(',').filter(|s| !s.is_empty()).map(String::from).collect(),
        note: r.text(8)?,
    }))
}

#[allow(clippy::too_many_arguments)]
pub fn add_inspection(
    c: &mut dyn Conn,
    t: Tenant,
    corridor_id: i64,
    on: NaiveDate,
    inspector: Option<i64>,
    score: i64,
    max_score: i64,
    stars: i64,
    failed: &[String],
    note: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO corridor_inspections (community_id, corridor_id, inspected_on, inspector_id, score, max_score, stars, failed, note, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![t, corridor_id, on, inspector, score, max_score, stars, failed.join(","), note, now_text(now)],
    )
}

pub fn get_inspection(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Inspection> {
    inspection_row(&c.query_one(
        &format!("SELECT {INSPECTION_COLUMNS} WHERE i.community_id = ? AND i.id = ?"),
        params![t, id],
    )?)
}

/// A corridor's inspections, newest first.
pub fn inspections(c: &mut dyn Conn, t: Tenant, corridor_id: i64) -> Result<Vec<Inspection>> {
    c.query_map(
        &format!(
            "SELECT {INSPECTION_COLUMNS} WHERE i.community_id = ? AND i.corridor_id = ? ORDER BY i.inspected_on DESC, i.id DESC"
        ),
        params![t, corridor_id],
        inspection_row,
    )
}

/// The latest inspection of each corridor: corridor id → (date, stars).
pub fn latest(c: &mut dyn Conn, t: Tenant) -> Result<Vec<(i64, String, i64)>> {
    c.query_map(
        "SELECT i.corridor_id, i.inspected_on, i.stars FROM corridor_inspections i
         WHERE i.community_id = ? AND i.id = (SELECT j.id FROM corridor_inspections j WHERE j.corridor_id = i.corridor_id
                                              ORDER BY j.inspected_on DESC, j.id DESC LIMIT 1)",
        params![t],
        |r| Ok((r.int(0)?, r.text(1)?, r.int(2)?)),
    )
}

/// How often each item failed in inspections since `since` inside the scopes: the list to act on.
pub fn failures_since(
    c: &mut dyn Conn,
    t: Tenant,
    scopes: &[PlacePath],
    since: NaiveDate,
) -> Result<Vec<(String, i64)>> {
    if scopes.is_empty() {
        return Ok(Vec::new());
    }
    let mut args: Vec<Value> = vec![t.into(), since.into()];
    let within = crate::places::within_clause("cu.path", scopes, &mut args);
    let rows = c.query(
        &format!(
            "SELECT i.failed FROM corridor_inspections i JOIN corridors k ON k.id = i.corridor_id
             JOIN places cu ON cu.id = k.unit_id
             WHERE i.community_id = ? AND i.inspected_on >= ? AND i.failed <> '' AND ({within})"
        ),
        &args,
    )?;
    let mut counts: Vec<(String, i64)> = Vec::new();
    for r in rows {
        for code in r.text(0)?.split(',').filter(|s| !s.is_empty()) {
            match counts.iter_mut().find(|(c, _)| c == code) {
                Some((_, n)) => *n += 1,
                None => counts.push((code.to_string(), 1)),
            }
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(counts)
}

// ---- boards ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Board {
    pub id: i64,
    pub theme: String,
    pub title: String,
    pub content: String,
    pub updated_on: Option<NaiveDate>,
}

/// A corridor's boards in the community's order (`themes`: their codes); a board of a theme
/// the community no longer has is not shown (its history stays).
pub fn boards(
    c: &mut dyn Conn,
    t: Tenant,
    corridor_id: i64,
    themes: &[(String, String)],
) -> Result<Vec<Board>> {
    let rows = c.query(
        "SELECT id, theme, title, content, updated_on FROM corridor_boards WHERE community_id = ? AND corridor_id = ? ORDER BY id",
        params![t, corridor_id],
    )?;
    let mut out: Vec<Board> = rows
        .iter()
        .map(|r| Ok(from_row!(r => Board { id, theme, title, content, updated_on })))
        .collect::<Result<_>>()?;
    // Themes without a row yet are shown empty (id 0).
    let mut all = Vec::new();
    for (theme, _) in themes {
        match out.iter().position(|b| b.theme == *theme) {
            Some(i) => all.push(out.remove(i)),
            None => all.push(Board {
                id: 0,
                theme: theme.to_string(),
                title: String::new(),
                content: String::new(),
                updated_on: None,
            }),
        }
    }
    Ok(all)
}

/// Puts new content on a board, keeping the change in its history.
#[allow(clippy::too_many_arguments)]
pub fn set_board(
    c: &mut dyn Conn,
    t: Tenant,
    corridor_id: i64,
    theme: &str,
    title: &str,
    content: &str,
    on: NaiveDate,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id = match c.query_opt(
        "SELECT id FROM corridor_boards WHERE community_id = ? AND corridor_id = ? AND theme = ?",
        params![t, corridor_id, theme],
    )? {
        Some(r) => {
            let id = r.int(0)?;
            c.execute(
                "UPDATE corridor_boards SET title = ?, content = ?, updated_on = ?, updated_by = ? WHERE id = ? AND community_id = ?",
                params![title, content, on, by, id, t],
            )?;
            id
        }
        None => c.insert(
            "INSERT INTO corridor_boards (community_id, corridor_id, theme, title, content, updated_on, updated_by)
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            params![t, corridor_id, theme, title, content, on, by],
        )?,
    };
    c.execute(
        "INSERT INTO corridor_board_history (community_id, board_id, title, content, updated_on, updated_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        params![t, id, title, content, on, by, now_text(now)],
    )?;
    Ok(id)
}

/// The earlier contents of a corridor's boards, newest first: (theme, title, date).
pub fn board_history(
    c: &mut dyn Conn,
    t: Tenant,
    corridor_id: i64,
) -> Result<Vec<(String, String, String)>> {
    c.query_map(
        "SELECT b.theme, h.title, h.updated_on FROM corridor_board_history h JOIN corridor_boards b ON b.id = h.board_id
         WHERE h.community_id = ? AND b.corridor_id = ? ORDER BY h.id DESC LIMIT 30",
        params![t, corridor_id],
        |r| Ok((r.text(0)?, r.text(1)?, r.text(2)?)),
    )
}

/// A corridor by id in any community, for its public page (the QR code in the stairwell).
pub fn public_get(c: &mut dyn Conn, id: i64) -> Result<(Tenant, Corridor, String)> {
    let r = c.query_one(&format!("SELECT {CORRIDOR_COLUMNS} WHERE k.id = ?"), params![id])?;
    let k = corridor_row(&r)?;
    let (community_id, name) = {
        let r = c.query_one(
            "SELECT p.id, p.name FROM corridors k JOIN places p ON p.id = k.community_id WHERE k.id = ?",
            params![id],
        )?;
        (r.int(0)?, r.text(1)?)
    };
    Ok((Tenant::new(community_id), k, name))
}

// ---- photos ----

/// Stores an inspection's photo, already re-encoded (no EXIF) as a JPEG.
#[allow(clippy::too_many_arguments)]
pub fn add_photo(
    c: &mut dyn Conn,
    t: Tenant,
    inspection_id: i64,
    corridor_id: i64,
    photo: Photo,
    now: DateTime<Utc>,
) -> Result<i64> {
    let [width, height, bytes] = photo.params();
    c.insert(
        "INSERT INTO corridor_inspection_photos (community_id, inspection_id, corridor_id, width, height, bytes, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        &[Value::from(t), inspection_id.into(), corridor_id.into(), width, height, bytes, now_text(now).into()],
    )
}

/// The photos of a corridor's inspections: (photo id, inspection id).
pub fn photos_of(c: &mut dyn Conn, t: Tenant, corridor_id: i64) -> Result<Vec<(i64, i64)>> {
    c.query_map(
        "SELECT id, inspection_id FROM corridor_inspection_photos WHERE community_id = ? AND corridor_id = ? ORDER BY id",
        params![t, corridor_id],
        |r| Ok((r.int(0)?, r.int(1)?)),
    )
}

/// A photo's corridor and bytes.
pub fn photo(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<(i64, Vec<u8>)> {
    let r = c.query_one(
        "SELECT corridor_id, bytes FROM corridor_inspection_photos WHERE community_id = ? AND id = ?",
        params![t, id],
    )?;
    Ok((r.int(0)?, r.blob(1)?))
}

/// The inspection register: inspections between `from` and `to` of the corridors inside the
/// scopes, by date, with each corridor's name.
pub fn register(
    c: &mut dyn Conn,
    t: Tenant,
    scopes: &[PlacePath],
    from: &str,
    to: &str,
) -> Result<Vec<(String, Inspection)>> {
    if scopes.is_empty() {
        return Ok(Vec::new());
    }
    let mut args: Vec<Value> = vec![t.into(), from.into(), to.into()];
    let within = crate::places::within_clause("cu.path", scopes, &mut args);
    c.query_map(
        &format!(
            "SELECT cb.name || cu.name, {INSPECTION_COLUMNS} JOIN corridors k ON k.id = i.corridor_id
             JOIN places cu ON cu.id = k.unit_id JOIN places cb ON cb.id = cu.parent_id
             WHERE i.community_id = ? AND i.inspected_on >= ? AND i.inspected_on <= ? AND ({within})
             ORDER BY i.inspected_on, cb.id, cu.id"
        ),
        &args,
        |r| {
        let name = r.text(0)?;
        let rest = Row(r.0.get(1..).unwrap_or_default().to_vec());
        Ok((name, inspection_row(&rest)?))
        },
    )
}
