//! Residents' issue reports (民生诉求): categories, issues with their history and photos, and
//! the figures the indicators take from them (issue 7).

use crate::Result;
use crate::db::{Conn, Row, Value, now_text};
use crate::error::StoreError;
use crate::photo;
use crate::{Tenant, from_row, params};
use chrono::{DateTime, NaiveDate, Utc};
use linli_core::PlacePath;
use linli_core::clock::Stamp;
use linli_core::partners::{AffairFacts, AffairStatus, AffairStep, DEFAULT_CATEGORIES, Rating};
use serde::Serialize;

// ---- issue reports ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Category {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub respond_days: i64,
    pub resolve_days: i64,
}

/// The community's categories; the defaults until it configures its own.
pub fn categories(c: &mut dyn Conn, t: Tenant) -> Result<Vec<Category>> {
    let rows = c.query(
        "SELECT code, name_zh, name_en, respond_days, resolve_days FROM affair_categories WHERE community_id = ? AND active = 1 ORDER BY sort_order, code",
        params![t],
    )?;
    if rows.is_empty() {
        return Ok(DEFAULT_CATEGORIES
            .iter()
            .map(|d| Category {
                code: d.code.into(),
                name_zh: d.name_zh.into(),
                name_en: d.name_en.into(),
                respond_days: i64::from(d.respond_days),
                resolve_days: i64::from(d.resolve_days),
            })
            .collect());
    }
    rows.iter()
        .map(|r| {
            Ok(from_row!(r => Category { code, name_zh, name_en, respond_days, resolve_days }))
        })
        .collect()
}

/// Configures a community's categories (replacing the defaults): a deployment's own list.
pub fn set_categories(c: &mut dyn Conn, t: Tenant, list: &[Category]) -> Result<()> {
    c.execute("UPDATE affair_categories SET active = 0 WHERE community_id = ?", params![t])?;
    for (i, k) in list.iter().enumerate() {
        c.execute(
            "INSERT INTO affair_categories (community_id, code, name_zh, name_en, respond_days, resolve_days, active, sort_order) VALUES (?, ?, ?, ?, ?, ?, 1, ?)
             ON CONFLICT (community_id, code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en,
               respond_days = excluded.respond_days, resolve_days = excluded.resolve_days, active = 1, sort_order = excluded.sort_order",
            params![t, k.code.clone(), k.name_zh.clone(), k.name_en.clone(), k.respond_days, k.resolve_days, i as i64],
        )?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Affair {
    pub id: i64,
    #[serde(skip)]
    pub community_id: i64,
    #[serde(rename = "ref")]
    pub public_ref: String,
    pub category: String,
    pub description: String,
    pub place_id: Option<i64>,
    pub place_name: Option<String>,
    #[serde(skip)]
    pub place_path: PlacePath,
    pub place_text: String,
    /// Full number: never serialised; shown masked.
    #[serde(skip)]
    pub reporter_phone: Option<String>,
    pub channel: String,
    pub status: AffairStatus,
    pub reported_on: NaiveDate,
    pub respond_by: NaiveDate,
    pub resolve_by: NaiveDate,
    pub assignee_user_id: Option<i64>,
    pub assignee_user_name: Option<String>,
    pub assignee_partner_id: Option<i64>,
    pub assignee_partner_name: Option<String>,
    pub responded_on: Option<NaiveDate>,
    pub resolved_on: Option<NaiveDate>,
    pub resolution: String,
    pub rating: Option<Rating>,
    pub rated_on: Option<NaiveDate>,
    pub rating_note: String,
    /// The need it was put on the needs list as, if any.
    pub need_id: Option<i64>,
}

pub struct AffairInput {
    pub public_ref: String,
    pub category: String,
    pub description: String,
    pub place_id: Option<i64>,
    pub place_path: String,
    pub place_text: String,
    pub reporter_phone: Option<String>,
    pub channel: String,
    pub reported_on: NaiveDate,
    pub respond_by: NaiveDate,
    pub resolve_by: NaiveDate,
    /// The linked resident who filed it herself, signed in.
    pub reporter_resident_id: Option<i64>,
}

const AFFAIR_SELECT: &str = "SELECT f.id, f.community_id, f.public_ref, f.category, f.description, f.place_id, pl.name, f.place_path, f.place_text,
    f.reporter_phone, f.channel, f.status, f.reported_on, f.respond_by, f.resolve_by, f.assignee_user_id, u.display_name,
    f.assignee_partner_id, p.name, f.responded_on, f.resolved_on, f.resolution, f.rating, f.rated_on, f.rating_note,
    (SELECT MIN(n.id) FROM needs n WHERE n.affair_id = f.id)
    FROM affairs f LEFT JOIN places pl ON pl.id = f.place_id LEFT JOIN users u ON u.id = f.assignee_user_id
    LEFT JOIN partners p ON p.id = f.assignee_partner_id";

fn affair_from(r: &Row) -> Result<Affair> {
    Ok(from_row!(r => Affair {
        id, community_id, public_ref, category, description, place_id, place_name, place_path,
        place_text, reporter_phone, channel, status, reported_on, respond_by, resolve_by,
        assignee_user_id, assignee_user_name, assignee_partner_id, assignee_partner_name,
        responded_on, resolved_on, resolution, rating, rated_on, rating_note, need_id
    }))
}

pub fn create_affair(
    c: &mut dyn Conn,
    t: Tenant,
    a: &AffairInput,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let at = now_text(now);
    c.insert(
        "INSERT INTO affairs (community_id, public_ref, category, description, place_id, place_path, place_text, reporter_phone, channel, status,
             reported_on, respond_by, resolve_by, created_by, created_at, updated_at, reporter_resident_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'reported', ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![t, a.public_ref.clone(), a.category.clone(), a.description.clone(), a.place_id, a.place_path.clone(), a.place_text.clone(),
            a.reporter_phone.clone(), a.channel.clone(), a.reported_on, a.respond_by, a.resolve_by, user, at.clone(), at,
            a.reporter_resident_id],
    )
}

pub fn get_affair(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Affair> {
    let sql = format!("{AFFAIR_SELECT} WHERE f.id = ? AND f.community_id = ?");
    affair_from(&c.query_one(&sql, params![id, t])?)
}

/// Whether a public reference is already given to an issue (of any community: references are
/// looked up without one).
pub fn public_ref_taken(c: &mut dyn Conn, public_ref: &str) -> Result<bool> {
    Ok(c.count("SELECT COUNT(*) FROM affairs WHERE public_ref = ?", params![public_ref])? > 0)
}

/// The issues a resident filed herself (signed in to her linked account), newest first.
pub fn reported_by(c: &mut dyn Conn, t: Tenant, resident_id: i64) -> Result<Vec<Affair>> {
    let sql = format!(
        "{AFFAIR_SELECT} WHERE f.community_id = ? AND f.reporter_resident_id = ? ORDER BY f.reported_on DESC, f.id DESC"
    );
    c.query_map(&sql, params![t, resident_id], affair_from)
}

pub fn affair_by_ref(c: &mut dyn Conn, public_ref: &str) -> Result<Affair> {
    let sql = format!("{AFFAIR_SELECT} WHERE f.public_ref = ?");
    affair_from(&c.query_one(&sql, params![public_ref])?)
}

/// Which issues a list shows.
#[derive(Debug, Clone, Default)]
pub struct AffairFilter {
    pub status: Option<String>,
    /// Only those open (not yet resolved).
    pub open: bool,
    pub partner_id: Option<i64>,
    pub assignee_user_id: Option<i64>,
    /// Place scopes (empty: the whole community).
    pub scopes: Vec<PlacePath>,
    /// With scopes: also the issues placed only by free text (community staff see those).
    pub unplaced: bool,
    /// With scopes: also the issues given to this user wherever they are (a worker handles what
    /// she was assigned, even outside her grid).
    pub or_assignee: Option<i64>,
}

/// Issues of a community, open ones by deadline first, then the rest newest first.
pub fn list_affairs(c: &mut dyn Conn, t: Tenant, f: &AffairFilter) -> Result<Vec<Affair>> {
    let mut sql = format!("{AFFAIR_SELECT} WHERE f.community_id = ?");
    let mut args = vec![Value::from(t)];
    if let Some(s) = &f.status {
        sql.push_str(" AND f.status = ?");
        args.push(s.clone().into());
    }
    if f.open {
        sql.push_str(" AND f.status IN ('reported', 'assigned', 'in_progress')");
    }
    if let Some(p) = f.partner_id {
        sql.push_str(" AND f.assignee_partner_id = ?");
        args.push(p.into());
    }
    if let Some(u) = f.assignee_user_id {
        sql.push_str(" AND f.assignee_user_id = ?");
        args.push(u.into());
    }
    if !f.scopes.is_empty() {
        let within = crate::places::within_clause("f.place_path", &f.scopes, &mut args);
        let unplaced = if f.unplaced { " OR f.place_id IS NULL" } else { "" };
        let assigned = match f.or_assignee {
            Some(u) => {
                args.push(u.into());
                " OR f.assignee_user_id = ?"
            }
            None => "",
        };
        sql.push_str(&format!(" AND ({within}{unplaced}{assigned})"));
    }
    sql.push_str(
        " ORDER BY CASE WHEN f.status IN ('reported', 'assigned', 'in_progress') THEN 0 ELSE 1 END,
          CASE WHEN f.status IN ('reported', 'assigned', 'in_progress') THEN f.resolve_by ELSE '' END, f.id DESC",
    );
    c.query_map(&sql, &args, affair_from)
}

/// Dispatches (or re-routes) an issue. The first dispatch is its response.
#[allow(clippy::too_many_arguments)]
pub fn assign_affair(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    user: Option<i64>,
    partner: Option<i64>,
    resolve_by: NaiveDate,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<()> {
    c.execute(
        "UPDATE affairs SET status = 'assigned', assignee_user_id = ?, assignee_partner_id = ?, resolve_by = ?,
            responded_on = COALESCE(responded_on, ?), resolved_on = NULL, updated_at = ? WHERE id = ? AND community_id = ?",
        params![user, partner, resolve_by, today, now_text(now), id, t],
    )?;
    Ok(())
}

pub fn mark_progress(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<()> {
    c.execute(
        "UPDATE affairs SET status = 'in_progress', responded_on = COALESCE(responded_on, ?), updated_at = ? WHERE id = ? AND community_id = ? AND status IN ('assigned', 'in_progress')",
        params![today, now_text(now), id, t],
    )?;
    Ok(())
}

pub fn resolve_affair(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    resolution: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<()> {
    let n = c.execute(
        "UPDATE affairs SET status = 'resolved', resolution = ?, resolved_on = ?, responded_on = COALESCE(responded_on, ?), updated_at = ?
         WHERE id = ? AND community_id = ? AND status IN ('assigned', 'in_progress')",
        params![resolution, today, today, now_text(now), id, t],
    )?;
    StoreError::changed(n, "partners_bad_transition")
}

pub fn rate_affair(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    rating: &str,
    note: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<()> {
    let n = c.execute(
        "UPDATE affairs SET status = 'closed', rating = ?, rating_note = ?, rated_on = ?, updated_at = ? WHERE id = ? AND community_id = ? AND status = 'resolved'",
        params![rating, note, today, now_text(now), id, t],
    )?;
    StoreError::changed(n, "partners_bad_transition")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AffairEvent {
    pub id: i64,
    pub at: Stamp,
    pub kind: AffairStep,
    pub actor: Option<String>,
    pub from_label: String,
    pub to_label: String,
    pub note: String,
    pub shown: bool,
}

#[allow(clippy::too_many_arguments)]
pub fn add_event(
    c: &mut dyn Conn,
    t: Tenant,
    affair_id: i64,
    kind: AffairStep,
    user: Option<i64>,
    from_label: &str,
    to_label: &str,
    note: &str,
    shown: bool,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO affair_events (community_id, affair_id, happened_at, kind, actor_user_id, from_label, to_label, note, shown) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![t, affair_id, now_text(now), kind, user, from_label, to_label, note, shown],
    )
}

/// An issue's history, oldest first.
pub fn events_of(c: &mut dyn Conn, t: Tenant, affair_id: i64) -> Result<Vec<AffairEvent>> {
    c.query_map(
        "SELECT e.id, e.happened_at, e.kind, u.display_name, e.from_label, e.to_label, e.note, e.shown FROM affair_events e
         LEFT JOIN users u ON u.id = e.actor_user_id WHERE e.affair_id = ? AND e.community_id = ? ORDER BY e.id",
        params![affair_id, t],
        |r| {
        Ok(from_row!(r => AffairEvent { id, at, kind, actor, from_label, to_label, note, shown }))
        },
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PhotoMeta {
    pub id: i64,
    pub stage: String,
    pub width: i64,
    pub height: i64,
}

pub struct Photo {
    pub community_id: i64,
    pub affair_id: i64,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

#[allow(clippy::too_many_arguments)]
pub fn add_photo(
    c: &mut dyn Conn,
    t: Tenant,
    affair_id: i64,
    stage: &str,
    photo: photo::Photo,
    now: DateTime<Utc>,
) -> Result<i64> {
    let [width, height, bytes] = photo.params();
    c.insert(
        "INSERT INTO affair_photos (community_id, affair_id, stage, content_type, width, height, bytes, created_at) VALUES (?, ?, ?, 'image/jpeg', ?, ?, ?, ?) RETURNING id",
        &[Value::from(t), affair_id.into(), stage.into(), width, height, bytes, now_text(now).into()],
    )
}

pub fn photos_of(c: &mut dyn Conn, t: Tenant, affair_id: i64) -> Result<Vec<PhotoMeta>> {
    c.query_map(
        "SELECT id, stage, width, height FROM affair_photos WHERE affair_id = ? AND community_id = ? ORDER BY id",
        params![affair_id, t],
        |r| {
        Ok(from_row!(r => PhotoMeta { id, stage, width, height }))
        },
    )
}

pub fn get_photo(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Photo> {
    let r = c.query_one(
        "SELECT community_id, affair_id, content_type, bytes FROM affair_photos WHERE id = ? AND community_id = ?",
        params![id, t],
    )?;
    let bytes = r.blob(3)?;
    Ok(from_row!(r => Photo {
        community_id, affair_id, content_type;
        bytes: bytes,
    }))
}

/// The facts of the issues reported in `[from, to]`, for the three rates.
pub fn affair_facts(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<Vec<AffairFacts>> {
    c.query_map(
        "SELECT respond_by, responded_on, resolved_on, rating FROM affairs WHERE community_id = ? AND reported_on >= ? AND reported_on <= ?",
        params![t, from, to],
        |r| {
        Ok(AffairFacts {
            respond_by: r.date(0)?,
            responded_on: r.opt_date(1)?,
            resolved_on: r.opt_date(2)?,
            rating: r.opt_text(3)?.as_deref().and_then(Rating::parse),
        })
        },
    )
}

// ---- indicators ----

/// `affairs.resolved`: issues resolved in `[from, to]`.
pub fn resolved_count(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<i64> {
    c.count(
        "SELECT COUNT(*) FROM affairs WHERE community_id = ? AND resolved_on >= ? AND resolved_on <= ?",
        params![t, from, to],
    )
}

/// `affairs.on_time_rate`: of the issues resolved in `[from, to]`, (resolved by their
/// deadline, resolved).
pub fn on_time(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<(i64, i64)> {
    let r = c.query_one(
        "SELECT COALESCE(SUM(CASE WHEN resolved_on <= resolve_by THEN 1 ELSE 0 END), 0), COUNT(*)
         FROM affairs WHERE community_id = ? AND resolved_on >= ? AND resolved_on <= ?",
        params![t, from, to],
    )?;
    Ok((r.int(0)?, r.int(1)?))
}

/// `affairs.satisfaction`: of the issues resolved in `[from, to]` that were rated, (rated
/// satisfied or basically satisfied, rated).
pub fn satisfaction(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<(i64, i64)> {
    let r = c.query_one(
        "SELECT COALESCE(SUM(CASE WHEN rating IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END), 0), COUNT(*)
         FROM affairs WHERE community_id = ? AND resolved_on >= ? AND resolved_on <= ? AND rating IS NOT NULL",
        params![t, from, to],
    )?;
    Ok((r.int(0)?, r.int(1)?))
}

/// Accounts an issue can be dispatched to: the community's admins and workers (id, name).
pub fn dispatchable_staff(c: &mut dyn Conn, t: Tenant) -> Result<Vec<(i64, String)>> {
    c.query_map(
        "SELECT DISTINCT u.id, u.display_name FROM users u JOIN grants g ON g.user_id = u.id
         WHERE u.community_id = ? AND u.active = 1 AND g.role IN ('admin', 'worker') ORDER BY u.id",
        params![t],
        |r| Ok((r.int(0)?, r.text(1)?)),
    )
}

/// The community's buildings (id, name) in the order they were laid out, for "where" pickers.
pub fn buildings(c: &mut dyn Conn, t: Tenant) -> Result<Vec<(i64, String)>> {
    c.query_map(
        "SELECT id, name FROM places WHERE community_id = ? AND kind = 'building' ORDER BY id",
        params![t],
        |r| Ok((r.int(0)?, r.text(1)?)),
    )
}

/// An open issue's deadlines as planned, for re-planning them on a newly loaded calendar year:
/// (id, category, reported_on, respond_by, resolve_by).
pub type OpenDeadlines = (i64, String, NaiveDate, NaiveDate, NaiveDate);

/// The deadlines of a community's issues not resolved yet.
pub fn open_deadlines(c: &mut dyn Conn, t: Tenant) -> Result<Vec<OpenDeadlines>> {
    c.query_map(
        "SELECT id, category, reported_on, respond_by, resolve_by FROM affairs
         WHERE community_id = ? AND status IN ('reported', 'assigned', 'in_progress') ORDER BY id",
        params![t],
        |r| Ok((r.int(0)?, r.text(1)?, r.date(2)?, r.date(3)?, r.date(4)?)),
    )
}

/// Moves an open issue's deadlines (re-planned on a newly loaded calendar year).
pub fn move_deadlines(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    respond_by: NaiveDate,
    resolve_by: NaiveDate,
) -> Result<()> {
    c.execute(
        "UPDATE affairs SET respond_by = ?, resolve_by = ? WHERE id = ? AND community_id = ?
         AND status IN ('reported', 'assigned', 'in_progress')",
        params![respond_by, resolve_by, id, t],
    )?;
    Ok(())
}
