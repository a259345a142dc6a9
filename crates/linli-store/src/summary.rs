//! The annual summary's records: the community's template, the stories a worker picked, and the
//! document built from them and the indicators (linli_core::summary holds the rules).

use crate::db::{Conn, Row, now_text};
use crate::{Result, Tenant, from_row, params, places, reports};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use linli_core::fund::Method;
use linli_core::mask::mask_name;
use linli_core::partners::ActivityKind;
use linli_core::summary::{self, Context, Document, Figures, Story, StoryHelp};
use std::collections::BTreeMap;

/// The community's template, or `None` when it uses the default.
pub fn template(c: &mut dyn Conn, t: Tenant) -> Result<Option<String>> {
    let community_id = t.id();
    c.query_opt("SELECT body FROM summary_templates WHERE community_id = ?", params![community_id])?
        .map(|r| r.text(0))
        .transpose()
}

/// The template in force: the community's own, else the default.
pub fn template_or_default(c: &mut dyn Conn, t: Tenant) -> Result<String> {
    Ok(template(c, t)?.unwrap_or_else(|| summary::DEFAULT_TEMPLATE.to_string()))
}

pub fn save_template(
    c: &mut dyn Conn,
    t: Tenant,
    body: &str,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    let community_id = t.id();
    c.execute(
        "INSERT INTO summary_templates (community_id, body, updated_by, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (community_id) DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        params![community_id, body, user, now_text(now)],
    )?;
    Ok(())
}

/// Back to the default template.
pub fn reset_template(c: &mut dyn Conn, t: Tenant) -> Result<bool> {
    let community_id = t.id();
    Ok(c.execute("DELETE FROM summary_templates WHERE community_id = ?", params![community_id])?
        > 0)
}

/// What a story is told from: a hardship case (with its help), a placement (with its
/// follow-ups), a volunteer (with the year's service) or a partner unit's project. Stored as
/// `case` / `placement` / `volunteer` / `partner_project`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StoryKind {
    Case,
    Placement,
    Volunteer,
    PartnerProject,
}

impl StoryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StoryKind::Case => "case",
            StoryKind::Placement => "placement",
            StoryKind::Volunteer => "volunteer",
            StoryKind::PartnerProject => "partner_project",
        }
    }

    pub fn parse(s: &str) -> Option<StoryKind> {
        match s {
            "case" => Some(StoryKind::Case),
            "placement" => Some(StoryKind::Placement),
            "volunteer" => Some(StoryKind::Volunteer),
            "partner_project" => Some(StoryKind::PartnerProject),
            _ => None,
        }
    }

    /// The table a story's record is in.
    fn table(self) -> &'static str {
        match self {
            StoryKind::Case => "cases",
            StoryKind::Placement => "placements",
            StoryKind::Volunteer => "volunteers",
            StoryKind::PartnerProject => "partner_activities",
        }
    }
}

/// A story's source as a form sends it: `case:12`, `placement:5`.
pub fn parse_pick(s: &str) -> Option<(StoryKind, i64)> {
    let (k, id) = s.split_once(':')?;
    Some((StoryKind::parse(k.trim())?, id.trim().parse().ok()?))
}

/// A record a worker may pick as a story: a case with help given in the year, or a placement
/// that started in the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub kind: StoryKind,
    pub id: i64,
    /// Where the person lives (scope checks: a grid worker picks from her grid).
    pub place_path: String,
    /// As the summary would print it: the full name only with consent.
    pub shown_name: String,
    pub consented: bool,
    pub summary: String,
    /// Help records (case) or follow-ups (placement) in the year.
    pub events: i64,
    pub last_on: Option<NaiveDate>,
    pub picked: bool,
    /// The records suggest it: the most helped household, the longest-serving volunteer, the
    /// biggest partner project (told until a worker saves the year's picks).
    pub suggested: bool,
}

/// Cases with help in `[from, to]` (the 60 most helped), then placements starting in it (the
/// 60 latest): enough to choose two or three stories from.
pub fn candidates(
    c: &mut dyn Conn,
    t: Tenant,
    year: i32,
    from: &str,
    to: &str,
) -> Result<Vec<Candidate>> {
    let community_id = t.id();
    let picked = told(c, t, year, from, to)?;
    let suggested = suggested(c, t, from, to)?;
    let mut out = Vec::new();
    let rows = c.query(
        "SELECT k.id, r.name, r.consent_publish_name, k.summary, COUNT(h.id), MAX(h.given_on), k.place_path
         FROM cases k
         JOIN help_records h ON h.case_id = k.id AND h.given_on >= ? AND h.given_on <= ?
         LEFT JOIN residents r ON r.id = k.resident_id
         WHERE k.community_id = ?
         GROUP BY k.id, r.name, r.consent_publish_name, k.summary, k.place_path
         ORDER BY COUNT(h.id) DESC, k.id LIMIT 60",
        params![from, to, community_id],
    )?;
    for r in &rows {
        let name = r.opt_text(1)?.unwrap_or_default();
        let consented = r.opt_int(2)?.unwrap_or(0) != 0;
        let id = r.int(0)?;
        out.push(Candidate {
            kind: StoryKind::Case,
            id,
            place_path: r.text(6)?,
            shown_name: shown(&name, consented),
            consented,
            summary: private_summary(&r.text(3)?, &name, consented),
            events: r.int(4)?,
            last_on: r.opt_date(5)?,
            picked: picked.contains(&(StoryKind::Case, id)),
            suggested: suggested.contains(&(StoryKind::Case, id)),
        });
    }
    let rows = c.query(
        "SELECT p.id, r.name, r.consent_publish_name, p.employer, p.job, p.via_station, p.starts_on, r.place_path,
                (SELECT COUNT(*) FROM followups f WHERE f.placement_id = p.id),
                (SELECT MAX(f.followed_on) FROM followups f WHERE f.placement_id = p.id)
         FROM placements p JOIN residents r ON r.id = p.resident_id
         WHERE p.community_id = ? AND p.starts_on >= ? AND p.starts_on <= ? ORDER BY p.starts_on DESC, p.id LIMIT 60",
        params![community_id, from, to],
    )?;
    for r in &rows {
        let name = r.text(1)?;
        let consented = r.int(2)? != 0;
        let id = r.int(0)?;
        let via = if r.int(5)? != 0 { "服务站推荐" } else { "自主就业" };
        out.push(Candidate {
            kind: StoryKind::Placement,
            id,
            place_path: r.text(7)?,
            shown_name: shown(&name, consented),
            consented,
            summary: format!("{}起在{}从事{}（{via}）", r.text(6)?, r.text(3)?, r.text(4)?),
            events: r.int(8)?,
            last_on: r.opt_date(9)?,
            picked: picked.contains(&(StoryKind::Placement, id)),
            suggested: suggested.contains(&(StoryKind::Placement, id)),
        });
    }
    let community_path = places::get(c, community_id)?.path.as_str().to_string();
    for v in volunteer_rows(c, community_id, from, to, 30)? {
        out.push(Candidate {
            kind: StoryKind::Volunteer,
            id: v.id,
            place_path: v.place_path.clone().unwrap_or_else(|| community_path.clone()),
            shown_name: shown(&v.name, v.consented),
            consented: v.consented,
            summary: format!(
                "自{}年起服务，本年{}次、{}小时",
                v.since_year,
                v.services,
                v.hours_tenths as f64 / 10.0
            ),
            events: v.services,
            last_on: v.last_on,
            picked: picked.contains(&(StoryKind::Volunteer, v.id)),
            suggested: suggested.contains(&(StoryKind::Volunteer, v.id)),
        });
    }
    for p in project_rows(c, community_id, from, to, 30)? {
        out.push(Candidate {
            kind: StoryKind::PartnerProject,
            id: p.id,
            place_path: community_path.clone(),
            shown_name: p.partner.clone(),
            consented: true,
            summary: p.text(),
            events: p.participants.unwrap_or(0),
            last_on: Some(p.held_on),
            picked: picked.contains(&(StoryKind::PartnerProject, p.id)),
            suggested: suggested.contains(&(StoryKind::PartnerProject, p.id)),
        });
    }
    Ok(out)
}

/// A volunteer who served in the period: the longest-serving first (the earliest year of
/// service), then the most hours. Minors are never told of.
struct VolunteerRow {
    id: i64,
    name: String,
    consented: bool,
    place_path: Option<String>,
    since_year: i32,
    services: i64,
    hours_tenths: i64,
    last_on: Option<NaiveDate>,
}

fn volunteer_rows(
    c: &mut dyn Conn,
    community_id: i64,
    from: &str,
    to: &str,
    limit: i64,
) -> Result<Vec<VolunteerRow>> {
    let rows = c.query(
        "SELECT v.id, v.name, COALESCE(r.consent_publish_name, 0), r.place_path,
                (SELECT MIN(a2.held_on) FROM volunteer_services s2 JOIN volunteer_activities a2 ON a2.id = s2.activity_id
                 WHERE s2.volunteer_id = v.id AND s2.hours_tenths > 0),
                COUNT(s.id), CAST(SUM(s.hours_tenths) AS BIGINT), MAX(a.held_on)
         FROM volunteers v
         JOIN volunteer_services s ON s.volunteer_id = v.id AND s.hours_tenths > 0
         JOIN volunteer_activities a ON a.id = s.activity_id AND a.held_on >= ? AND a.held_on <= ?
         LEFT JOIN residents r ON r.id = v.resident_id
         WHERE v.community_id = ? AND v.minor = 0
         GROUP BY v.id, v.name, r.consent_publish_name, r.place_path
         ORDER BY 5, 7 DESC, v.id LIMIT ?",
        params![from, to, community_id, limit],
    )?;
    rows.iter()
        .map(|r| {
            let first = r.opt_date(4)?;
            Ok(VolunteerRow {
                id: r.int(0)?,
                name: r.text(1)?,
                consented: r.int(2)? != 0,
                place_path: r.opt_text(3)?,
                since_year: first.map_or(0, |d| d.year()),
                services: r.int(5)?,
                hours_tenths: r.opt_int(6)?.unwrap_or(0),
                last_on: r.opt_date(7)?,
            })
        })
        .collect()
}

/// A partner unit's activity in the period: the biggest first (most residents taking part,
/// then most hours).
struct ProjectRow {
    id: i64,
    partner: String,
    kind: String,
    held_on: NaiveDate,
    place: String,
    participants: Option<i64>,
    hours_tenths: Option<i64>,
}

impl ProjectRow {
    /// From `a.id, p.name, a.kind, a.held_on, a.place, a.participants, a.hours_tenths`.
    fn from_row(r: &Row) -> Result<ProjectRow> {
        Ok(from_row!(r => ProjectRow {
            id, partner, kind, held_on, place, participants, hours_tenths
        }))
    }

    fn text(&self) -> String {
        let what = ActivityKind::parse(&self.kind).map_or("共建活动", |k| k.label_zh());
        summary::partner_project_story_text(
            &self.partner,
            self.held_on,
            what,
            &self.place,
            self.participants,
            self.hours_tenths,
        )
    }
}

fn project_rows(
    c: &mut dyn Conn,
    community_id: i64,
    from: &str,
    to: &str,
    limit: i64,
) -> Result<Vec<ProjectRow>> {
    let rows = c.query(
        "SELECT a.id, p.name, a.kind, a.held_on, a.place, a.participants, a.hours_tenths
         FROM partner_activities a JOIN partners p ON p.id = a.partner_id
         WHERE a.community_id = ? AND a.held_on >= ? AND a.held_on <= ?
         ORDER BY COALESCE(a.participants, 0) DESC, COALESCE(a.hours_tenths, 0) DESC, a.id LIMIT ?",
        params![community_id, from, to, limit],
    )?;
    rows.iter().map(ProjectRow::from_row).collect()
}

/// The stories the records suggest for a period: the most helped household's case, the
/// longest-serving volunteer, the biggest partner project (those there are).
pub fn suggested(
    c: &mut dyn Conn,
    t: Tenant,
    from: &str,
    to: &str,
) -> Result<Vec<(StoryKind, i64)>> {
    let community_id = t.id();
    let mut out = Vec::new();
    if let Some(r) = c.query_opt(
        "SELECT h.case_id FROM help_records h JOIN cases k ON k.id = h.case_id
         WHERE h.community_id = ? AND h.given_on >= ? AND h.given_on <= ?
         GROUP BY h.case_id ORDER BY COUNT(*) DESC, h.case_id LIMIT 1",
        params![community_id, from, to],
    )? {
        out.push((StoryKind::Case, r.int(0)?));
    }
    out.extend(
        volunteer_rows(c, community_id, from, to, 1)?.first().map(|v| (StoryKind::Volunteer, v.id)),
    );
    out.extend(
        project_rows(c, community_id, from, to, 1)?
            .first()
            .map(|p| (StoryKind::PartnerProject, p.id)),
    );
    Ok(out)
}

/// Whether a worker saved the year's picks (then they are told, even none).
pub fn picks_saved(c: &mut dyn Conn, t: Tenant, year: i32) -> Result<bool> {
    let community_id = t.id();
    Ok(c.count(
        "SELECT COUNT(*) FROM summary_story_years WHERE community_id = ? AND year = ?",
        params![community_id, year],
    )? > 0)
}

/// The stories a year's summary tells: the saved picks, or until there are any saved, the
/// suggestions of the records.
pub fn told(
    c: &mut dyn Conn,
    t: Tenant,
    year: i32,
    from: &str,
    to: &str,
) -> Result<Vec<(StoryKind, i64)>> {
    if picks_saved(c, t, year)? { picked(c, t, year) } else { suggested(c, t, from, to) }
}

fn shown(name: &str, consented: bool) -> String {
    match (name.is_empty(), consented) {
        (true, _) => "某户".to_string(),
        (false, true) => name.to_string(),
        (false, false) => mask_name(name),
    }
}

/// A name as a story prints it: the name when consented, else 许某 (printed documents do not
/// carry the screen's stars).
fn printed(name: &str, consented: bool) -> String {
    match (name.trim().is_empty(), consented) {
        (true, _) => "某户".to_string(),
        (false, true) => name.to_string(),
        (false, false) => linli_core::mask::printed_name(name),
    }
}

/// A case summary may name the person: without consent the name is masked there too.
fn private_summary(text: &str, name: &str, consented: bool) -> String {
    if consented || name.is_empty() {
        text.to_string()
    } else {
        text.replace(name, &mask_name(name))
    }
}

/// The records picked for a year, in order.
pub fn picked(c: &mut dyn Conn, t: Tenant, year: i32) -> Result<Vec<(StoryKind, i64)>> {
    let community_id = t.id();
    let rows = c.query(
        "SELECT kind, object_id FROM summary_stories WHERE community_id = ? AND year = ? ORDER BY sort_order, kind, object_id",
        params![community_id, year],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        if let Some(k) = StoryKind::parse(&r.text(0)?) {
            out.push((k, r.int(1)?));
        }
    }
    Ok(out)
}

/// Replaces the year's picks (records of other communities are ignored); gives those kept.
pub fn set_picks(
    c: &mut dyn Conn,
    t: Tenant,
    year: i32,
    picks: &[(StoryKind, i64)],
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Vec<(StoryKind, i64)>> {
    let community_id = t.id();
    c.execute(
        "DELETE FROM summary_stories WHERE community_id = ? AND year = ?",
        params![community_id, year],
    )?;
    let mut kept = Vec::new();
    for (i, (kind, id)) in picks.iter().enumerate() {
        if kept.contains(&(*kind, *id)) {
            continue;
        }
        let table = kind.table();
        let sql = format!(
            "INSERT INTO summary_stories (community_id, year, kind, object_id, sort_order, picked_by, picked_at)
             SELECT community_id, ?, ?, id, ?, ?, ? FROM {table} WHERE id = ? AND community_id = ?"
        );
        let n = c.execute(
            &sql,
            params![year, kind.as_str(), i as i64, user, now_text(now), *id, community_id],
        )?;
        if n > 0 {
            kept.push((*kind, *id));
        }
    }
    c.execute(
        "INSERT INTO summary_story_years (community_id, year, saved_by, saved_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (community_id, year) DO UPDATE SET saved_by = excluded.saved_by, saved_at = excluded.saved_at",
        params![community_id, year, user, now_text(now)],
    )?;
    Ok(kept)
}

fn case_story(
    c: &mut dyn Conn,
    community_id: i64,
    case_id: i64,
    from: &str,
    to: &str,
) -> Result<Option<Story>> {
    let Some(row) = c.query_opt(
        "SELECT r.name, r.consent_publish_name FROM cases k LEFT JOIN residents r ON r.id = k.resident_id
         WHERE k.id = ? AND k.community_id = ?",
        params![case_id, community_id],
    )?
    else {
        return Ok(None);
    };
    let name = row.opt_text(0)?.unwrap_or_default();
    let consented = row.opt_int(1)?.unwrap_or(0) != 0;
    let helps = c
        .query(
            "SELECT given_on, kind, amount_fen, items, source FROM help_records
             WHERE case_id = ? AND given_on >= ? AND given_on <= ? ORDER BY given_on, id LIMIT 6",
            params![case_id, from, to],
        )?
        .iter()
        .map(|r| {
            let items: Vec<String> = serde_json::from_str::<serde_json::Value>(&r.text(3)?)
                .ok()
                .and_then(|v| v.as_array().cloned())
                .unwrap_or_default()
                .iter()
                .filter_map(|i| i.get("name").and_then(|n| n.as_str()).map(str::to_string))
                .collect();
            Ok(from_row!(r => StoryHelp {
                given_on, kind, amount_fen;
                items: items,
                source: r.text(4)?,
            }))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(Story {
        text: summary::story_text(&printed(&name, consented), &helps),
        at: summary::STORIES_LINE,
    }))
}

fn volunteer_story(
    c: &mut dyn Conn,
    community_id: i64,
    id: i64,
    year: i32,
    from: &str,
    to: &str,
) -> Result<Option<Story>> {
    // The volunteer's own row among those who served in the period (none: nothing to tell).
    let rows = volunteer_rows(c, community_id, from, to, i64::MAX)?;
    Ok(rows.iter().find(|v| v.id == id).map(|v| Story {
        text: summary::volunteer_story_text(
            &printed(&v.name, v.consented),
            v.since_year,
            year,
            v.services,
            v.hours_tenths,
        ),
        at: summary::VOLUNTEER_STORIES_LINE,
    }))
}

fn project_story(c: &mut dyn Conn, community_id: i64, id: i64) -> Result<Option<Story>> {
    let Some(r) = c.query_opt(
        "SELECT a.id, p.name, a.kind, a.held_on, a.place, a.participants, a.hours_tenths
         FROM partner_activities a JOIN partners p ON p.id = a.partner_id WHERE a.id = ? AND a.community_id = ?",
        params![id, community_id],
    )?
    else {
        return Ok(None);
    };
    Ok(Some(Story { text: ProjectRow::from_row(&r)?.text(), at: summary::PARTNER_STORIES_LINE }))
}

fn placement_story(c: &mut dyn Conn, community_id: i64, id: i64) -> Result<Option<Story>> {
    let Some(r) = c.query_opt(
        "SELECT r.name, r.consent_publish_name, p.employer, p.job, p.starts_on, p.via_station,
                (SELECT f.followed_on FROM followups f WHERE f.placement_id = p.id ORDER BY f.followed_on DESC, f.id DESC LIMIT 1),
                (SELECT f.outcome FROM followups f WHERE f.placement_id = p.id ORDER BY f.followed_on DESC, f.id DESC LIMIT 1)
         FROM placements p JOIN residents r ON r.id = p.resident_id WHERE p.id = ? AND p.community_id = ?",
        params![id, community_id],
    )?
    else {
        return Ok(None);
    };
    let followup = match (r.opt_date(6)?, r.opt_text(7)?) {
        (Some(on), Some(outcome)) => Some((on, outcome)),
        _ => None,
    };
    Ok(Some(Story {
        text: summary::placement_story_text(
            &printed(&r.text(0)?, r.int(1)? != 0),
            &r.text(2)?,
            &r.text(3)?,
            r.date(4)?,
            r.int(5)? != 0,
            followup.as_ref().map(|(on, outcome)| (*on, outcome.as_str())),
        ),
        at: summary::JOB_STORIES_LINE,
    }))
}

/// The picked stories, written from the records of the year.
pub fn stories(c: &mut dyn Conn, t: Tenant, year: i32, from: &str, to: &str) -> Result<Vec<Story>> {
    let community_id = t.id();
    let mut out = Vec::new();
    for (kind, id) in told(c, t, year, from, to)? {
        let story = match kind {
            StoryKind::Case => case_story(c, community_id, id, from, to)?,
            StoryKind::Placement => placement_story(c, community_id, id)?,
            StoryKind::Volunteer => volunteer_story(c, community_id, id, year, from, to)?,
            StoryKind::PartnerProject => project_story(c, community_id, id)?,
        };
        out.extend(story);
    }
    Ok(out)
}

/// `YYYY-01-01` and `YYYY-12-31`.
pub fn year_period(year: i32) -> (String, String) {
    (format!("{year:04}-01-01"), format!("{year:04}-12-31"))
}

/// The period a summary written on `today` covers: the year, or the year up to `today` while
/// it is not over (a summary written on 12-04 says 截至12月4日, never 全年 or 年末).
pub fn summary_period(year: i32, today: &str) -> (String, String) {
    let (from, to) = year_period(year);
    let to = if today >= from.as_str() && today < to.as_str() {
        today.get(..10).unwrap_or(today).to_string()
    } else {
        to
    };
    (from, to)
}

/// The year's summary for a community: its template, the indicators of the year, its stories.
/// `today` (`YYYY-MM-DD`) is the date it is signed.
pub fn build(c: &mut dyn Conn, t: Tenant, year: i32, today: &str) -> Result<Document> {
    let community_id = t.id();
    let name = places::get(c, community_id)?.name;
    let template = template_or_default(c, t)?;
    build_with(c, t, &name, year, today, &template)
}

/// [`build`] with a template not saved yet (the edit page's preview).
pub fn build_with(
    c: &mut dyn Conn,
    t: Tenant,
    community: &str,
    year: i32,
    today: &str,
    template: &str,
) -> Result<Document> {
    let (from, to) = summary_period(year, today);
    let computed = reports::compute(c, t, &from, &to)?;
    build_from(c, t, community, year, today, template, &computed)
}

/// [`build_with`] from indicators computed already (a page that also shows them computes once).
pub fn build_from(
    c: &mut dyn Conn,
    t: Tenant,
    community: &str,
    year: i32,
    today: &str,
    template: &str,
    computed: &[reports::Figure],
) -> Result<Document> {
    let (from, to) = summary_period(year, today);
    let mut figures = Figures::new();
    let mut records = BTreeMap::new();
    for f in computed {
        if let Some(v) = f.value.as_ref().and_then(|v| v.as_f64()) {
            figures.insert(f.indicator.id.to_string(), v);
        }
        if let Some(r) = f.details.get("records").and_then(|r| r.as_str()) {
            records.insert(f.indicator.id.to_string(), r.to_string());
        }
    }
    let stories = stories(c, t, year, &from, &to)?;
    let ctx = Context { community, year, from: &from, to: &to, today, records: &records };
    Ok(summary::build(template, &ctx, &figures, &stories))
}

// ---- 台账: the ledgers a district asks for, written from the same records ----

/// One ledger sheet: its headers and rows, masked (names as `夏**` unless the person consented
/// to be named, ID numbers and phones never included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ledger {
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", (fen / 100).abs(), (fen % 100).abs())
}

/// The ledgers there are, by code: (code, Chinese name).
pub const LEDGERS: &[(&str, &str)] = &[
    ("fund_ledger", "爱心基金收支明细账"),
    ("donors", "爱心基金捐赠名单"),
    ("cases", "困难家庭帮扶档案登记表"),
    ("help", "帮扶记录登记表"),
    ("courses", "培训班报名及考勤登记表"),
    ("placements", "就业安置及回访登记表"),
];

/// 爱心基金收支明细账: every transaction of the period with its cash and bank movement and the
/// running balance, reversals marked.
pub fn fund_ledger(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<Ledger> {
    let community_id = t.id();
    let opening = c.count(
        "SELECT CAST(COALESCE(SUM(p.amount_fen), 0) AS BIGINT) FROM fund_postings p JOIN fund_transactions t ON t.id = p.transaction_id
         WHERE p.community_id = ? AND p.account IN ('asset:cash', 'asset:bank') AND t.occurred_on < ?",
        params![community_id, from],
    )?;
    let rows = c.query(
        "SELECT t.seq, t.occurred_on, t.kind, t.memo, t.reason,
                CAST(COALESCE(SUM(CASE WHEN p.account IN ('asset:cash', 'asset:bank') THEN p.amount_fen ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN p.account = 'asset:goods' THEN p.amount_fen ELSE 0 END), 0) AS BIGINT)
         FROM fund_transactions t LEFT JOIN fund_postings p ON p.transaction_id = t.id
         WHERE t.community_id = ? AND t.occurred_on >= ? AND t.occurred_on <= ?
         GROUP BY t.id, t.seq, t.occurred_on, t.kind, t.memo, t.reason ORDER BY t.occurred_on, t.seq",
        params![community_id, from, to],
    )?;
    let mut balance = opening;
    let mut out = vec![vec![
        from.to_string(),
        String::new(),
        "上期结余".to_string(),
        String::new(),
        String::new(),
        String::new(),
        yuan(balance),
        String::new(),
    ]];
    for r in &rows {
        let money = r.int(5)?;
        let goods = r.int(6)?;
        balance += money;
        let kind = match r.text(2)?.as_str() {
            "donation" => "捐赠",
            "disbursement" => "支出",
            "reversal" => "冲正",
            _ => "其他",
        };
        out.push(vec![
            r.text(1)?,
            r.int(0)?.to_string(),
            format!("{kind}：{}", r.text(3)?),
            if money > 0 { yuan(money) } else { String::new() },
            if money < 0 { yuan(-money) } else { String::new() },
            if goods != 0 { yuan(goods) } else { String::new() },
            yuan(balance),
            r.text(4)?,
        ]);
    }
    Ok(Ledger {
        headers: vec![
            "日期",
            "凭证号",
            "摘要",
            "收入（元）",
            "支出（元）",
            "物资折价（元）",
            "现金及银行结余（元）",
            "冲正原因",
        ],
        rows: out,
    })
}

/// 爱心基金捐赠名单: donors named only with their consent (慈善法 §82), otherwise 爱心人士.
pub fn donors(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<Ledger> {
    let mut list = crate::fund::donations(c, t, from, to)?;
    list.reverse();
    let rows = list
        .iter()
        .map(|d| {
            let name = match (d.donor_kind.as_str(), d.publish_name) {
                ("anonymous", _) => "匿名".to_string(),
                ("partner", _) => d.donor_name.clone(),
                (_, true) => d.donor_name.clone(),
                (_, false) => mask_name(&d.donor_name),
            };
            vec![
                d.received_on.to_string(),
                d.receipt_no.clone(),
                name,
                match d.donor_kind.as_str() {
                    "resident" => "居民",
                    "partner" => "共建单位",
                    "anonymous" => "匿名",
                    _ => "爱心人士",
                }
                .to_string(),
                if d.method == Method::InKind { String::new() } else { yuan(d.amount_fen) },
                if d.method == Method::InKind {
                    format!("{}（折价{}元）", d.items, yuan(d.amount_fen))
                } else {
                    String::new()
                },
                if d.reversed { "已冲正" } else { "" }.to_string(),
            ]
        })
        .collect();
    Ok(Ledger {
        headers: vec!["日期", "收据号", "捐赠人", "类别", "金额（元）", "物资", "备注"],
        rows,
    })
}

/// 困难家庭帮扶档案登记表: cases open at some time in the period, names masked unless consented.
pub fn cases(
    c: &mut dyn Conn,
    t: Tenant,
    from: &str,
    to: &str,
    visible: &dyn Fn(&str) -> bool,
) -> Result<Ledger> {
    let community_id = t.id();
    let end = format!("{to}T23:59:59.999999Z");
    let rows = c.query(
        "SELECT k.id, r.name, r.consent_publish_name, k.place_path, k.kinds, k.status, k.created_at, k.next_review_on,
                (SELECT COUNT(*) FROM help_records h WHERE h.case_id = k.id AND h.given_on >= ? AND h.given_on <= ?),
                (SELECT CAST(COALESCE(SUM(h.amount_fen), 0) AS BIGINT) FROM help_records h WHERE h.case_id = k.id AND h.given_on >= ? AND h.given_on <= ?)
         FROM cases k LEFT JOIN residents r ON r.id = k.resident_id
         WHERE k.community_id = ? AND k.created_at <= ? ORDER BY k.id",
        params![from, to, from, to, community_id, end],
    )?;
    let mut places_cache: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let name = r.opt_text(1)?.unwrap_or_default();
        let consented = r.opt_int(2)?.unwrap_or(0) != 0;
        let path = r.text(3)?;
        if !visible(&path) {
            continue;
        }
        let place = match places_cache.get(&path) {
            Some(p) => p.clone(),
            None => {
                let p = place_label(c, &path)?;
                places_cache.insert(path.clone(), p.clone());
                p
            }
        };
        let kinds: Vec<&str> = r
            .text(4)?
            .split(',')
            .filter_map(|k| linli_core::assistance::CaseKind::parse(k).map(|k| k.label_zh()))
            .collect::<Vec<_>>();
        out.push(vec![
            r.int(0)?.to_string(),
            shown(&name, consented),
            place,
            kinds.join("、"),
            match r.text(5)?.as_str() {
                "open" => "帮扶中",
                "monitoring" => "跟踪观察",
                _ => "已结案",
            }
            .to_string(),
            r.text(6)?.get(..10).unwrap_or_default().to_string(),
            r.opt_text(7)?.unwrap_or_default(),
            r.int(8)?.to_string(),
            yuan(r.int(9)?),
        ]);
    }
    Ok(Ledger {
        headers: vec![
            "档案号",
            "帮扶对象",
            "住址",
            "困难类型",
            "状态",
            "建档日期",
            "下次回访",
            "本期帮扶次数",
            "本期帮扶金额（元）",
        ],
        rows: out,
    })
}

/// `1号楼1单元` for a unit's path: the names of the building and unit on it.
fn place_label(c: &mut dyn Conn, path: &str) -> Result<String> {
    let ids: Vec<i64> = path.split('/').filter_map(|s| s.parse().ok()).collect();
    let mut names = Vec::new();
    for id in ids {
        if let Ok(p) = places::get(c, id)
            && matches!(p.kind, linli_core::PlaceKind::Building | linli_core::PlaceKind::Unit)
        {
            names.push(p.name);
        }
    }
    Ok(names.join(""))
}

/// 帮扶记录登记表: every help given in the period.
pub fn help(
    c: &mut dyn Conn,
    t: Tenant,
    from: &str,
    to: &str,
    visible: &dyn Fn(&str) -> bool,
) -> Result<Ledger> {
    let community_id = t.id();
    let rows = c.query(
        "SELECT h.given_on, h.case_id, r.name, r.consent_publish_name, h.kind, h.amount_fen, h.items, h.source, h.note, u.display_name, k.place_path
         FROM help_records h JOIN cases k ON k.id = h.case_id LEFT JOIN residents r ON r.id = k.resident_id
         LEFT JOIN users u ON u.id = h.given_by
         WHERE h.community_id = ? AND h.given_on >= ? AND h.given_on <= ? ORDER BY h.given_on, h.id",
        params![community_id, from, to],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        if !visible(&r.text(10)?) {
            continue;
        }
        let name = r.opt_text(2)?.unwrap_or_default();
        let consented = r.opt_int(3)?.unwrap_or(0) != 0;
        let items: Vec<String> = serde_json::from_str::<serde_json::Value>(&r.text(6)?)
            .ok()
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(|i| {
                let name = i.get("name").and_then(|n| n.as_str()).unwrap_or("");
                let q = i.get("quantity").and_then(|n| n.as_str()).unwrap_or("");
                format!("{name}{q}")
            })
            .collect();
        out.push(vec![
            r.text(0)?,
            r.int(1)?.to_string(),
            shown(&name, consented),
            match r.text(4)?.as_str() {
                "cash" => "现金",
                "goods" => "物资",
                "service" => "服务",
                _ => "走访慰问",
            }
            .to_string(),
            r.opt_int(5)?.map(yuan).unwrap_or_default(),
            items.join("、"),
            r.text(7)?,
            private_summary(&r.text(8)?, &name, consented),
            r.opt_text(9)?.unwrap_or_default(),
        ]);
    }
    Ok(Ledger {
        headers: vec![
            "日期",
            "档案号",
            "帮扶对象",
            "方式",
            "金额（元）",
            "物资",
            "来源",
            "说明",
            "经办人",
        ],
        rows: out,
    })
}

/// 培训班报名及考勤登记表: every enrolment in a course running in the period, with the
/// sessions attended of those held.
pub fn courses(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<Ledger> {
    let community_id = t.id();
    let rows = c.query(
        "SELECT co.name, co.category, co.vocational, r.name, r.consent_publish_name, e.enrolled_on, e.status, e.completed_on,
                (SELECT COUNT(*) FROM attendance a JOIN course_sessions s ON s.id = a.session_id
                  WHERE s.course_id = co.id AND a.resident_id = e.resident_id),
                (SELECT COUNT(*) FROM course_sessions s WHERE s.course_id = co.id AND s.held_on <= ?)
         FROM enrolments e JOIN courses co ON co.id = e.course_id JOIN residents r ON r.id = e.resident_id
         WHERE e.community_id = ? AND co.starts_on <= ? AND co.ends_on >= ? ORDER BY co.starts_on, co.id, e.id",
        params![to, community_id, to, from],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(vec![
            r.text(0)?,
            match r.text(1)?.as_str() {
                "party_study" => "党员学习",
                "culture" => "文化",
                "elderly_university" => "老年大学",
                "vocational_training" => "职业技能培训",
                _ => "民生课堂",
            }
            .to_string(),
            if r.int(2)? != 0 { "是" } else { "否" }.to_string(),
            shown(&r.text(3)?, r.int(4)? != 0),
            r.text(5)?,
            match r.text(6)?.as_str() {
                "enrolled" => "在读",
                "waitlisted" => "候补",
                "completed" => "结业",
                _ => "退出",
            }
            .to_string(),
            r.opt_text(7)?.unwrap_or_default(),
            format!("{}/{}", r.int(8)?, r.int(9)?),
        ]);
    }
    Ok(Ledger {
        headers: vec![
            "培训班",
            "类别",
            "职业技能",
            "学员",
            "报名日期",
            "状态",
            "结业日期",
            "出勤/已上课次",
        ],
        rows: out,
    })
}

/// 就业安置及回访登记表: placements starting in the period with their follow-ups.
pub fn placements(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<Ledger> {
    let community_id = t.id();
    let rows = c.query(
        "SELECT p.starts_on, r.name, r.consent_publish_name, p.employer, p.job, p.via_station,
                (SELECT COUNT(*) FROM followups f WHERE f.placement_id = p.id),
                (SELECT MAX(f.followed_on) FROM followups f WHERE f.placement_id = p.id),
                (SELECT f.outcome FROM followups f WHERE f.placement_id = p.id ORDER BY f.followed_on DESC, f.id DESC LIMIT 1)
         FROM placements p JOIN residents r ON r.id = p.resident_id
         WHERE p.community_id = ? AND p.starts_on >= ? AND p.starts_on <= ? ORDER BY p.starts_on, p.id",
        params![community_id, from, to],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(vec![
            r.text(0)?,
            shown(&r.text(1)?, r.int(2)? != 0),
            r.text(3)?,
            r.text(4)?,
            if r.int(5)? != 0 { "服务站推荐" } else { "自主就业" }.to_string(),
            r.int(6)?.to_string(),
            r.opt_text(7)?.unwrap_or_default(),
            match r.opt_text(8)?.as_deref() {
                Some("employed") => "在岗",
                Some("left") => "已离职",
                Some("not_employed") => "未就业",
                Some(_) => "情况不明",
                None => "未回访",
            }
            .to_string(),
        ]);
    }
    Ok(Ledger {
        headers: vec![
            "上岗日期",
            "姓名",
            "用人单位",
            "岗位",
            "渠道",
            "回访次数",
            "最近回访",
            "最近回访结果",
        ],
        rows: out,
    })
}

/// A ledger by its code, for a period; `visible` says which case places the caller may see.
pub fn ledger(
    c: &mut dyn Conn,
    code: &str,
    t: Tenant,
    from: &str,
    to: &str,
    visible: &dyn Fn(&str) -> bool,
) -> Result<Option<Ledger>> {
    Ok(Some(match code {
        "fund_ledger" => fund_ledger(c, t, from, to)?,
        "donors" => donors(c, t, from, to)?,
        "cases" => cases(c, t, from, to, visible)?,
        "help" => help(c, t, from, to, visible)?,
        "courses" => courses(c, t, from, to)?,
        "placements" => placements(c, t, from, to)?,
        _ => return Ok(None),
    }))
}

// ---- the dashboard's trends and breakdowns ----

/// Help given in each month of the period, months without help included (a trend shows its
/// gaps): (`YYYY-MM`, 人次, households).
pub fn help_by_month(
    c: &mut dyn Conn,
    t: Tenant,
    from: &str,
    to: &str,
) -> Result<Vec<(String, i64, i64)>> {
    let community_id = t.id();
    let found: BTreeMap<String, (i64, i64)> = c.query(
        "SELECT SUBSTR(given_on, 1, 7), COUNT(*), COUNT(DISTINCT COALESCE(household_id, -case_id)) FROM help_records
         WHERE community_id = ? AND given_on >= ? AND given_on <= ? GROUP BY SUBSTR(given_on, 1, 7) ORDER BY 1",
        params![community_id, from, to],
    )?
    .iter()
    .map(|r| Ok((r.text(0)?, (r.int(1)?, r.int(2)?))))
    .collect::<Result<_>>()?;
    let month = |d: &str| -> Option<(i32, u32)> {
        Some((d.get(..4)?.parse().ok()?, d.get(5..7)?.parse().ok()?))
    };
    let (Some((mut y, mut m)), Some(end)) = (month(from), month(to)) else {
        return Ok(found.into_iter().map(|(k, (a, b))| (k, a, b)).collect());
    };
    let mut out = Vec::new();
    while (y, m) <= end && out.len() < 120 {
        let key = format!("{y:04}-{m:02}");
        let (times, households) = found.get(&key).copied().unwrap_or((0, 0));
        out.push((key, times, households));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    Ok(out)
}

/// Active residents holding each tag on `day` (人数), in the tags' order.
pub fn residents_by_tag(c: &mut dyn Conn, t: Tenant, day: &str) -> Result<Vec<(String, i64)>> {
    let community_id = t.id();
    c.query_map(
        "SELECT k.name, COUNT(DISTINCT t.resident_id) FROM tag_kinds k
         JOIN resident_tags t ON t.tag_id = k.id
         JOIN residents r ON r.id = t.resident_id AND r.status = 'active'
         WHERE k.community_id = ? AND (t.valid_from IS NULL OR t.valid_from <= ?) AND (t.valid_to IS NULL OR t.valid_to >= ?)
         GROUP BY k.id, k.name, k.sort_order ORDER BY k.sort_order, k.id",
        params![community_id, day, day],
        |r| Ok((r.text(0)?, r.int(1)?)),
    )
}

/// Households helped in the period by building (the most first, at most `limit`).
pub fn helped_by_building(
    c: &mut dyn Conn,
    t: Tenant,
    from: &str,
    to: &str,
    limit: usize,
) -> Result<Vec<(String, i64)>> {
    let community_id = t.id();
    let rows = c.query(
        "SELECT k.place_path, COUNT(DISTINCT COALESCE(h.household_id, -h.case_id)) FROM help_records h JOIN cases k ON k.id = h.case_id
         WHERE h.community_id = ? AND h.given_on >= ? AND h.given_on <= ? GROUP BY k.place_path",
        params![community_id, from, to],
    )?;
    let mut by_building: BTreeMap<String, i64> = BTreeMap::new();
    let mut names: BTreeMap<i64, Option<String>> = BTreeMap::new();
    for r in &rows {
        let path = r.text(0)?;
        let mut building = None;
        for id in path.split('/').filter_map(|s| s.parse::<i64>().ok()) {
            let name = match names.get(&id) {
                Some(n) => n.clone(),
                None => {
                    let n = places::get(c, id)
                        .ok()
                        .filter(|p| p.kind == linli_core::PlaceKind::Building)
                        .map(|p| p.name);
                    names.insert(id, n.clone());
                    n
                }
            };
            if name.is_some() {
                building = name;
            }
        }
        *by_building.entry(building.unwrap_or_else(|| "其他".to_string())).or_default() +=
            r.int(1)?;
    }
    let mut out: Vec<(String, i64)> = by_building.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.truncate(limit);
    Ok(out)
}
