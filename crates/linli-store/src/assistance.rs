//! Assistance (帮扶): case files, help records, policy applications and their steps, and the
//! working-day calendar they are timed by.

use crate::db::{Conn, Row, now_text};
use crate::error::StoreError;
use crate::{Result, Tenant, from_row, params};
use chrono::{DateTime, NaiveDate, Utc};
use linli_core::PlacePath;
use linli_core::assistance::{ApplicationKind, ApplicationStatus, CaseStatus, HelpKind, StepPlan};
use linli_core::clock::Stamp;
use linli_core::workdays::{Calendar, DayKind, YearSchedule};
use serde::Serialize;

// ---- calendar ----

/// Whose year schedules a calendar call reads or writes: the whole deployment's (stored as
/// community 0, what `linli calendar load` without `--community` loads) or one community's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarScope {
    Deployment,
    Community(Tenant),
}

impl CalendarScope {
    fn id(self) -> i64 {
        match self {
            CalendarScope::Deployment => 0,
            CalendarScope::Community(t) => t.id(),
        }
    }
}

/// A year schedule held in the database, with who loaded it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedYear {
    /// True for the deployment's (every community's) schedule, false for the community's own.
    pub deployment: bool,
    pub schedule: YearSchedule,
    pub loaded_at: Stamp,
    pub loaded_by: String,
}

fn day_kind(s: &str) -> DayKind {
    if s == "holiday" { DayKind::Holiday } else { DayKind::Workday }
}

/// The year schedules loaded for a community: the deployment's and its own, year by year.
pub fn loaded_years(c: &mut dyn Conn, t: Tenant) -> Result<Vec<LoadedYear>> {
    let years = c.query(
        "SELECT community_id, year, loaded_at, loaded_by FROM calendar_years
         WHERE community_id IN (0, ?) ORDER BY year, community_id",
        params![t.id()],
    )?;
    let days = c.query(
        "SELECT community_id, year, day, kind, name FROM calendar_days
         WHERE community_id IN (0, ?) ORDER BY year, community_id, day",
        params![t.id()],
    )?;
    let mut out = Vec::with_capacity(years.len());
    for r in years {
        let (cid, year) = (r.int(0)?, r.int(1)?);
        let mut cal = Calendar::new();
        for d in days.iter().filter(|d| d.int(0).ok() == Some(cid) && d.int(1).ok() == Some(year)) {
            let day = NaiveDate::parse_from_str(&d.text(2)?, "%Y-%m-%d")
                .map_err(|e| StoreError::Db(e.to_string()))?;
            cal.add(day, day_kind(&d.text(3)?), &d.text(4)?);
        }
        out.push(LoadedYear {
            deployment: cid == 0,
            schedule: YearSchedule {
                year: i32::try_from(year).map_err(|e| StoreError::Db(e.to_string()))?,
                days: cal,
            },
            loaded_at: r.stamp(2)?,
            loaded_by: r.text(3)?,
        });
    }
    Ok(out)
}

/// The calendar in force for a community: the schedules shipped with Linli, under the years
/// the deployment loaded, under the years the community loaded ([`Calendar::layered`]).
pub fn calendar(c: &mut dyn Conn, t: Tenant) -> Result<Calendar> {
    let loaded = loaded_years(c, t)?;
    let (deployment, own): (Vec<_>, Vec<_>) = loaded.into_iter().partition(|l| l.deployment);
    let deployment: Vec<YearSchedule> = deployment.into_iter().map(|l| l.schedule).collect();
    let own: Vec<YearSchedule> = own.into_iter().map(|l| l.schedule).collect();
    Ok(Calendar::layered(&[linli_core::workdays::shipped(), &deployment, &own]))
}

/// Stores a year schedule for the deployment or a community, replacing what that scope had
/// loaded for the same year (and nothing else).
pub fn load_year(
    c: &mut dyn Conn,
    scope: CalendarScope,
    s: &YearSchedule,
    loaded_by: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let (cid, year) = (scope.id(), i64::from(s.year));
    c.execute("DELETE FROM calendar_days WHERE community_id = ? AND year = ?", params![cid, year])?;
    c.execute(
        "DELETE FROM calendar_years WHERE community_id = ? AND year = ?",
        params![cid, year],
    )?;
    c.execute(
        "INSERT INTO calendar_years (community_id, year, loaded_at, loaded_by) VALUES (?, ?, ?, ?)",
        params![cid, year, now_text(now), loaded_by],
    )?;
    for (day, kind, name) in s.days.entries() {
        c.execute(
            "INSERT INTO calendar_days (community_id, year, day, kind, name) VALUES (?, ?, ?, ?, ?)",
            params![cid, year, day.format("%Y-%m-%d").to_string(), kind.as_str(), name],
        )?;
    }
    Ok(())
}

/// The communities of the deployment (a deployment-wide year affects each).
pub fn community_ids(c: &mut dyn Conn) -> Result<Vec<i64>> {
    c.query_map("SELECT id FROM places WHERE kind = 'community' ORDER BY id", params![], |r| {
        r.int(0)
    })
}

/// An open step as planned: what re-planning it on a changed calendar needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenStep {
    pub id: i64,
    pub application_id: i64,
    pub kind: String,
    pub accepted_on: NaiveDate,
    pub special: bool,
    pub code: String,
    pub due_on: NaiveDate,
}

/// The steps not done yet of a community's applications still under way.
pub fn open_steps(c: &mut dyn Conn, t: Tenant) -> Result<Vec<OpenStep>> {
    c.query_map(
        "SELECT s.id, a.id, a.kind, a.accepted_on, a.special, s.code, s.due_on
         FROM application_steps s JOIN applications a ON a.id = s.application_id
         WHERE s.community_id = ? AND a.community_id = ? AND s.done_on IS NULL AND a.status = 'in_progress'
         ORDER BY a.id, s.sort_order",
        params![t.id(), t.id()],
        |r| {
        Ok(from_row!(r => OpenStep {
            id, application_id, kind, accepted_on, special, code, due_on
        }))
        },
    )
}

/// Moves an open step's due date (re-planned on a newly loaded year).
pub fn move_step_due(c: &mut dyn Conn, t: Tenant, step_id: i64, due_on: NaiveDate) -> Result<()> {
    c.execute(
        "UPDATE application_steps SET due_on = ? WHERE id = ? AND community_id = ? AND done_on IS NULL",
        params![due_on, step_id, t.id()],
    )?;
    Ok(())
}

// ---- cases ----

pub struct CaseInput {
    pub household_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub place_path: String,
    pub kinds: Vec<String>,
    pub summary: String,
    pub needs: String,
    pub worker_id: Option<i64>,
    pub next_review_on: Option<NaiveDate>,
    pub legal_basis: String,
    pub consent_on: Option<NaiveDate>,
    pub conflict_of_interest: bool,
    pub conflict_note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Case {
    pub id: i64,
    #[serde(skip)]
    pub community_id: i64,
    pub household_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub resident_name: Option<String>,
    pub address: String,
    #[serde(skip)]
    pub place_path: PlacePath,
    pub kinds: Vec<String>,
    pub summary: String,
    pub needs: String,
    pub worker_id: Option<i64>,
    pub worker_name: Option<String>,
    pub status: CaseStatus,
    pub closed_reason: String,
    pub next_review_on: Option<NaiveDate>,
    pub legal_basis: String,
    pub consent_on: Option<NaiveDate>,
    pub conflict_of_interest: bool,
    pub conflict_note: String,
    pub created_at: Stamp,
    pub help_count: i64,
    pub last_help_on: Option<NaiveDate>,
}

const CASE_COLUMNS: &str = "k.id, k.community_id, k.household_id, k.resident_id, r.name,
    COALESCE(b.name, '') || COALESCE(u.name, '') || COALESCE(h.number, ''), k.place_path, k.kinds, k.summary, k.needs,
    k.worker_id, w.display_name, k.status, k.closed_reason, k.next_review_on, k.legal_basis, k.consent_on,
    k.conflict_of_interest, k.conflict_note, k.created_at,
    (SELECT COUNT(*) FROM help_records x WHERE x.case_id = k.id), (SELECT MAX(given_on) FROM help_records x WHERE x.case_id = k.id)";
const CASE_JOINS: &str = "FROM cases k
    LEFT JOIN residents r ON r.id = k.resident_id
    LEFT JOIN households h ON h.id = k.household_id
    LEFT JOIN places u ON u.id = h.unit_id
    LEFT JOIN places b ON b.id = u.parent_id
    LEFT JOIN users w ON w.id = k.worker_id";

fn case_from(r: &Row) -> Result<Case> {
    Ok(from_row!(r => Case {
        id, community_id, household_id, resident_id, resident_name, address, place_path;
        kinds: r.text(7)?.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
        summary: r.text(8)?,
        needs: r.text(9)?,
        worker_id: r.opt_int(10)?,
        worker_name: r.opt_text(11)?,
        status: r.get(12)?,
        closed_reason: r.text(13)?,
        next_review_on: r.opt_date(14)?,
        legal_basis: r.text(15)?,
        consent_on: r.opt_date(16)?,
        conflict_of_interest: r.bool(17)?,
        conflict_note: r.text(18)?,
        created_at: r.stamp(19)?,
        help_count: r.int(20)?,
        last_help_on: r.opt_date(21)?,
    }))
}

pub fn create_case(
    c: &mut dyn Conn,
    t: Tenant,
    k: &CaseInput,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let community_id = t.id();
    let at = now_text(now);
    c.insert(
        "INSERT INTO cases (community_id, household_id, resident_id, place_path, kinds, summary, needs, worker_id, status,
             next_review_on, legal_basis, consent_on, conflict_of_interest, conflict_note, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![
            community_id,
            k.household_id,
            k.resident_id,
            k.place_path.clone(),
            k.kinds.join(","),
            k.summary.clone(),
            k.needs.clone(),
            k.worker_id,
            k.next_review_on,
            k.legal_basis.clone(),
            k.consent_on,
            k.conflict_of_interest,
            k.conflict_note.clone(),
            user,
            at.clone(),
            at
        ],
    )
}

pub fn get_case(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Case> {
    let sql = format!("SELECT {CASE_COLUMNS} {CASE_JOINS} WHERE k.id = ? AND k.community_id = ?");
    case_from(&c.query_one(&sql, params![id, t])?)
}

/// Cases inside the caller's scopes; conflict-flagged cases come apart (§11), then by status.
pub fn list_cases(
    c: &mut dyn Conn,
    t: Tenant,
    scopes: &[PlacePath],
    status: Option<&str>,
) -> Result<Vec<Case>> {
    let community_id = t.id();
    let mut sql = format!("SELECT {CASE_COLUMNS} {CASE_JOINS} WHERE k.community_id = ?");
    let mut args = vec![crate::Value::from(community_id)];
    if !scopes.is_empty() {
        let within = crate::places::within_clause("k.place_path", scopes, &mut args);
        sql.push_str(&format!(" AND ({within})"));
    }
    if let Some(s) = status {
        sql.push_str(" AND k.status = ?");
        args.push(s.into());
    }
    sql.push_str(" ORDER BY k.conflict_of_interest DESC, CASE k.status WHEN 'open' THEN 0 WHEN 'monitoring' THEN 1 ELSE 2 END, k.id DESC");
    c.query_map(&sql, &args, case_from)
}

pub fn set_case_status(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    status: CaseStatus,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    if status == CaseStatus::Closed && reason.trim().is_empty() {
        return Err(StoreError::invalid("case_close_reason_missing", "reason"));
    }
    c.execute(
        "UPDATE cases SET status = ?, closed_reason = ?, updated_at = ? WHERE id = ? AND community_id = ?",
        params![status, reason.trim(), now_text(now), id, t],
    )?;
    Ok(())
}

// ---- help records ----

pub struct HelpInput {
    pub kind: String,
    pub given_on: NaiveDate,
    pub amount_fen: Option<i64>,
    pub items_json: String,
    pub source: String,
    pub note: String,
    pub participants: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct HelpRecord {
    pub id: i64,
    pub case_id: i64,
    pub kind: HelpKind,
    pub given_on: NaiveDate,
    pub amount_fen: Option<i64>,
    pub items: serde_json::Value,
    pub source: String,
    pub note: String,
    pub participants: String,
    pub given_by: Option<String>,
}

pub fn add_help(
    c: &mut dyn Conn,
    case: &Case,
    h: &HelpInput,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO help_records (community_id, case_id, household_id, kind, given_on, amount_fen, items, source, note, participants, given_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![
            case.community_id,
            case.id,
            case.household_id,
            h.kind.clone(),
            h.given_on,
            h.amount_fen,
            h.items_json.clone(),
            h.source.clone(),
            h.note.clone(),
            h.participants.clone(),
            user,
            now_text(now)
        ],
    )
}

/// A case's help, oldest first (its timeline).
/// The open (or monitored) case of a person or household, if there is one.
pub fn open_case_of(
    c: &mut dyn Conn,
    t: Tenant,
    resident_id: Option<i64>,
    household_id: Option<i64>,
) -> Result<Option<Case>> {
    let row = c.query_opt(
        "SELECT id FROM cases WHERE community_id = ? AND status IN ('open', 'monitoring')
           AND (resident_id = ? OR household_id = ?) ORDER BY id LIMIT 1",
        params![t, resident_id, household_id],
    )?;
    row.map(|r| get_case(c, t, r.int(0)?)).transpose()
}

/// What a help record says, for the audit record of its correction.
pub fn help_snapshot(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Option<serde_json::Value>> {
    c.query_opt(
        "SELECT id, given_on, amount_fen, items FROM help_records WHERE id = ? AND community_id = ?",
        params![id, t],
    )?
    .map(|r| {
        Ok(serde_json::json!({"help_record_id": r.int(0)?, "on": r.text(1)?, "amount_fen": r.opt_int(2)?, "items": r.text(3)?}))
    })
    .transpose()
}

/// Corrects what a help record says was given, and when.
pub fn correct_help(c: &mut dyn Conn, t: Tenant, id: i64, h: &HelpInput) -> Result<()> {
    c.execute(
        "UPDATE help_records SET given_on = ?, amount_fen = ?, items = ?, note = ?, participants = ?
         WHERE id = ? AND community_id = ?",
        params![
            h.given_on,
            h.amount_fen,
            h.items_json.clone(),
            h.note.clone(),
            h.participants.clone(),
            id,
            t
        ],
    )?;
    Ok(())
}

/// Takes a help record off a case's timeline (a visit corrected to "not at home").
pub fn delete_help(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<()> {
    c.execute("DELETE FROM help_records WHERE id = ? AND community_id = ?", params![id, t])?;
    Ok(())
}

pub fn help_of(c: &mut dyn Conn, t: Tenant, case_id: i64) -> Result<Vec<HelpRecord>> {
    c.query_map(
        "SELECT x.id, x.case_id, x.kind, x.given_on, x.amount_fen, x.items, x.source, x.note, x.participants, u.display_name
         FROM help_records x LEFT JOIN users u ON u.id = x.given_by WHERE x.case_id = ? AND x.community_id = ?
         ORDER BY x.given_on, x.id",
        params![case_id, t],
        |r| {
        Ok(from_row!(r => HelpRecord {
            id, case_id, kind, given_on, amount_fen;
            items: serde_json::from_str(&r.text(5)?).unwrap_or(serde_json::Value::Array(Vec::new())),
            source: r.text(6)?,
            note: r.text(7)?,
            participants: r.text(8)?,
            given_by: r.opt_text(9)?,
        }))
        },
    )
}

/// Distinct households with at least one help record in a period (indicator).
pub fn households_helped(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<i64> {
    let community_id = t.id();
    c.count(
        "SELECT COUNT(DISTINCT COALESCE(household_id, -case_id)) FROM help_records WHERE community_id = ? AND given_on >= ? AND given_on <= ?",
        params![community_id, from, to],
    )
}

/// `assistance.help_times`: help records given in `[from, to]`.
pub fn help_times(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<i64> {
    c.count(
        "SELECT COUNT(*) FROM help_records WHERE community_id = ? AND given_on >= ? AND given_on <= ?",
        params![t, from, to],
    )
}

// ---- applications ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Step {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub rule: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub note: String,
    /// The household survey's investigators (§16; empty for other steps).
    pub investigators: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Application {
    pub id: i64,
    #[serde(skip)]
    pub community_id: i64,
    pub resident_id: i64,
    pub resident_name: String,
    #[serde(skip)]
    pub place_path: PlacePath,
    pub case_id: Option<i64>,
    pub kind: ApplicationKind,
    pub accepted_on: NaiveDate,
    pub special: bool,
    pub entrusted: bool,
    pub status: ApplicationStatus,
    pub decided_on: Option<NaiveDate>,
    /// The household's size (§24: posted with the amount).
    pub household_size: Option<i64>,
    /// §11: a close relative of a 低保 worker or committee member, registered separately.
    pub close_relative: bool,
    /// §6: the date of the family's written authorisation (entrusted applications).
    pub authorisation_on: Option<NaiveDate>,
    pub authorisation_note: String,
    /// §24: the monthly amount the first review proposes, in fen.
    pub monthly_amount_fen: Option<i64>,
    /// §19: the day the first review's 7-day posting went up.
    pub posting_start_on: Option<NaiveDate>,
    /// §31: `yearly` or `half_yearly`, chosen with the decision.
    pub recheck_cycle: Option<String>,
    pub next_recheck_on: Option<NaiveDate>,
    pub last_recheck_on: Option<NaiveDate>,
    pub steps: Vec<Step>,
}

#[allow(clippy::too_many_arguments)]
pub fn create_application(
    c: &mut dyn Conn,
    t: Tenant,
    resident_id: i64,
    household_id: Option<i64>,
    case_id: Option<i64>,
    kind: &str,
    accepted_on: NaiveDate,
    special: bool,
    entrusted: bool,
    steps: &[StepPlan],
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let community_id = t.id();
    let id = c.insert(
        "INSERT INTO applications (community_id, resident_id, household_id, case_id, kind, accepted_on, special, entrusted, status, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'in_progress', ?, ?) RETURNING id",
        params![community_id, resident_id, household_id, case_id, kind, accepted_on.format("%Y-%m-%d").to_string(), special, entrusted, user, now_text(now)],
    )?;
    for (i, s) in steps.iter().enumerate() {
        // Accepting the application is the act that opens it: that step is done on creation.
        let done = (s.code == linli_core::assistance::step::ACCEPTED)
            .then(|| accepted_on.format("%Y-%m-%d").to_string());
        c.execute(
            "INSERT INTO application_steps (community_id, application_id, code, name, rule, due_on, done_on, sort_order) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            params![community_id, id, s.code, s.name_zh, s.rule, s.due_on.format("%Y-%m-%d").to_string(), done, i as i64],
        )?;
    }
    Ok(id)
}

fn steps_of(c: &mut dyn Conn, application_id: i64) -> Result<Vec<Step>> {
    c.query_map(
        "SELECT id, code, name, rule, due_on, done_on, note, investigators FROM application_steps WHERE application_id = ? ORDER BY sort_order, id",
        params![application_id],
        |r| {
        Ok(Step {
            id: r.int(0)?,
            code: r.text(1)?,
            name: r.text(2)?,
            rule: r.text(3)?,
            due_on: r.date(4)?,
            done_on: r.opt_date(5)?,
            note: r.text(6)?,
            // A list stored by this code; anything else reads as no one rather than failing
            // the page.
            investigators: serde_json::from_str(&r.text(7)?).unwrap_or_default(),
        })
        },
    )
}

const APP_COLUMNS: &str = "a.id, a.community_id, a.resident_id, r.name, r.place_path, a.case_id, a.kind, a.accepted_on, a.special, a.entrusted, a.status, a.decided_on,
     a.household_size, a.close_relative, a.authorisation_on, a.authorisation_note, a.monthly_amount_fen, a.posting_start_on,
     a.recheck_cycle, a.next_recheck_on, a.last_recheck_on";

fn app_from(c: &mut dyn Conn, r: &Row) -> Result<Application> {
    let id = r.int(0)?;
    Ok(Application {
        id,
        community_id: r.int(1)?,
        resident_id: r.int(2)?,
        resident_name: r.text(3)?,
        place_path: r.path(4)?,
        case_id: r.opt_int(5)?,
        kind: r.get(6)?,
        accepted_on: r.date(7)?,
        special: r.bool(8)?,
        entrusted: r.bool(9)?,
        status: r.get(10)?,
        decided_on: r.opt_date(11)?,
        household_size: r.opt_int(12)?,
        close_relative: r.bool(13)?,
        authorisation_on: r.opt_date(14)?,
        authorisation_note: r.text(15)?,
        monthly_amount_fen: r.opt_int(16)?,
        posting_start_on: r.opt_date(17)?,
        recheck_cycle: r.opt_text(18)?,
        next_recheck_on: r.opt_date(19)?,
        last_recheck_on: r.opt_date(20)?,
        steps: steps_of(c, id)?,
    })
}

pub fn get_application(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Application> {
    let sql = format!(
        "SELECT {APP_COLUMNS} FROM applications a JOIN residents r ON r.id = a.resident_id WHERE a.id = ? AND a.community_id = ?"
    );
    let row = c.query_one(&sql, params![id, t])?;
    app_from(c, &row)
}

/// Applications of a community (in progress first), or of one case.
pub fn list_applications(
    c: &mut dyn Conn,
    t: Tenant,
    case_id: Option<i64>,
) -> Result<Vec<Application>> {
    let community_id = t.id();
    let (sql, args) = match case_id {
        Some(k) => (
            format!("SELECT {APP_COLUMNS} FROM applications a JOIN residents r ON r.id = a.resident_id WHERE a.community_id = ? AND a.case_id = ? ORDER BY a.id DESC"),
            vec![crate::Value::from(community_id), k.into()],
        ),
        None => (
            format!(
                "SELECT {APP_COLUMNS} FROM applications a JOIN residents r ON r.id = a.resident_id WHERE a.community_id = ?
                 ORDER BY CASE a.status WHEN 'in_progress' THEN 0 ELSE 1 END, a.id DESC"
            ),
            vec![crate::Value::from(community_id)],
        ),
    };
    let rows = c.query(&sql, &args)?;
    rows.iter().map(|r| app_from(c, r)).collect()
}

/// Marks a step done, with the investigators of a household survey (§16; empty otherwise).
pub fn complete_step(
    c: &mut dyn Conn,
    t: Tenant,
    application_id: i64,
    step_id: i64,
    done_on: NaiveDate,
    note: &str,
    investigators: &[String],
) -> Result<()> {
    let investigators =
        serde_json::to_string(investigators).map_err(|e| StoreError::Db(e.to_string()))?;
    let n = c.execute(
        "UPDATE application_steps SET done_on = ?, note = ?, investigators = ? WHERE id = ? AND application_id = ? AND done_on IS NULL
           AND application_id IN (SELECT id FROM applications WHERE community_id = ?)",
        params![done_on, note.trim(), investigators, step_id, application_id, t],
    )?;
    StoreError::changed(n, "step_done_already")
}

pub fn decide_application(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    status: ApplicationStatus,
    on: NaiveDate,
) -> Result<()> {
    if status == ApplicationStatus::InProgress {
        return Err(StoreError::invalid("application_status_bad", "status"));
    }
    let n = c.execute(
        "UPDATE applications SET status = ?, decided_on = ? WHERE id = ? AND community_id = ? AND status = 'in_progress'",
        params![status, on, id, t],
    )?;
    StoreError::changed(n, "application_decided_already")
}

/// What an application records at intake besides its clocks: the household's size and the
/// §11 close-relative flag.
pub fn set_intake(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    household_size: Option<i64>,
    close_relative: bool,
) -> Result<()> {
    c.execute(
        "UPDATE applications SET household_size = ?, close_relative = ? WHERE id = ? AND community_id = ?",
        params![household_size, close_relative, id, t],
    )?;
    Ok(())
}

/// The first review's 公示 (§19, §24): household size, monthly amount and the day it went up.
pub fn record_first_review(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    household_size: i64,
    monthly_amount_fen: i64,
    posting_start_on: NaiveDate,
) -> Result<()> {
    c.execute(
        "UPDATE applications SET household_size = ?, monthly_amount_fen = ?, posting_start_on = ? WHERE id = ? AND community_id = ?",
        params![household_size, monthly_amount_fen, posting_start_on, id, t],
    )?;
    Ok(())
}

/// §6: the family's written authorisation, with where it is filed.
pub fn record_authorisation(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    on: NaiveDate,
    note: &str,
) -> Result<()> {
    c.execute(
        "UPDATE applications SET authorisation_on = ?, authorisation_note = ? WHERE id = ? AND community_id = ?",
        params![on, note.trim(), id, t],
    )?;
    Ok(())
}

/// §31: the recheck cycle and the next recheck; `last` when a recheck was just done.
pub fn set_recheck(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    cycle: &str,
    next_on: NaiveDate,
    last_on: Option<NaiveDate>,
) -> Result<()> {
    c.execute(
        "UPDATE applications SET recheck_cycle = ?, next_recheck_on = ?, last_recheck_on = COALESCE(?, last_recheck_on)
         WHERE id = ? AND community_id = ?",
        params![cycle, next_on, last_on, id, t],
    )?;
    Ok(())
}

/// One line of the first review's 公示 (§24): only name, household size and amount are
/// printed; the id and where the family lives are for the query and the scope check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostingLine {
    pub application_id: i64,
    pub name: String,
    pub household_size: Option<i64>,
    pub monthly_amount_fen: Option<i64>,
    pub posting_start_on: NaiveDate,
    pub place_path: PlacePath,
}

/// The 低保 applications whose posting began between `from` and `to` (both included), not
/// withdrawn, in the order they went up.
pub fn postings_between(
    c: &mut dyn Conn,
    t: Tenant,
    from: &str,
    to: &str,
) -> Result<Vec<PostingLine>> {
    c.query_map(
        "SELECT a.id, r.name, a.household_size, a.monthly_amount_fen, a.posting_start_on, r.place_path
         FROM applications a JOIN residents r ON r.id = a.resident_id
         WHERE a.community_id = ? AND a.kind = 'dibao' AND a.status <> 'withdrawn'
           AND a.posting_start_on >= ? AND a.posting_start_on <= ?
         ORDER BY a.posting_start_on, a.id",
        params![t, from, to],
        |r| {
        Ok(from_row!(r => PostingLine {
            application_id, name, household_size, monthly_amount_fen, posting_start_on, place_path
        }))
        },
    )
}

/// A granted 低保 household's recheck due by a day: (application id, name, due date, cycle,
/// where the family lives).
pub type DueRecheck = (i64, String, String, String, PlacePath);

/// Granted 低保 applications whose next recheck is due by `until`, soonest first.
pub fn rechecks_due(c: &mut dyn Conn, t: Tenant, until: NaiveDate) -> Result<Vec<DueRecheck>> {
    c.query_map(
        "SELECT a.id, r.name, a.next_recheck_on, COALESCE(a.recheck_cycle, 'yearly'), r.place_path
         FROM applications a JOIN residents r ON r.id = a.resident_id
         WHERE a.community_id = ? AND a.kind = 'dibao' AND a.status = 'granted'
           AND a.next_recheck_on IS NOT NULL AND a.next_recheck_on <= ?
         ORDER BY a.next_recheck_on, a.id",
        params![t, until],
        |r| Ok((r.int(0)?, r.text(1)?, r.text(2)?, r.text(3)?, r.path(4)?)),
    )
}

/// An open step: (application id, resident's name, application kind, step name, due date,
/// where the resident lives).
pub type DueStep = (i64, String, String, String, NaiveDate, PlacePath);

/// Open steps of applications in progress that fall due by `until`, soonest first (home page).
pub fn steps_due(c: &mut dyn Conn, t: Tenant, until: NaiveDate) -> Result<Vec<DueStep>> {
    let community_id = t.id();
    c.query_map(
        "SELECT a.id, r.name, a.kind, s.name, s.due_on, r.place_path FROM application_steps s
         JOIN applications a ON a.id = s.application_id JOIN residents r ON r.id = a.resident_id
         WHERE s.community_id = ? AND s.done_on IS NULL AND a.status = 'in_progress' AND s.due_on <= ?
         ORDER BY s.due_on, a.id",
        params![community_id, until],
        |r| Ok((r.int(0)?, r.text(1)?, r.text(2)?, r.text(3)?, r.date(4)?, r.path(5)?)),
    )
}

// ---- convenience service stations ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Station {
    pub id: i64,
    pub name: String,
    pub keeper: Option<String>,
    pub services: String,
    pub hours: String,
    pub location: String,
    pub contact: String,
}

pub struct StationInput {
    pub name: String,
    pub keeper_resident_id: Option<i64>,
    pub services: String,
    pub hours: String,
    pub location: String,
    pub contact: String,
}

pub fn create_station(
    c: &mut dyn Conn,
    t: Tenant,
    s: &StationInput,
    now: DateTime<Utc>,
) -> Result<i64> {
    let community_id = t.id();
    c.insert(
        "INSERT INTO service_stations (community_id, name, keeper_resident_id, services, hours, location, contact, active, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?) RETURNING id",
        params![community_id, s.name.clone(), s.keeper_resident_id, s.services.clone(), s.hours.clone(), s.location.clone(), s.contact.clone(), now_text(now)],
    )
}

/// The community's open stations, with their keepers' names (`public`: only the names of
/// keepers who consented to publishing their name, for the public page).
pub fn stations(c: &mut dyn Conn, t: Tenant, public: bool) -> Result<Vec<Station>> {
    let community_id = t.id();
    let keeper =
        if public { "CASE WHEN r.consent_publish_name = 1 THEN r.name END" } else { "r.name" };
    let sql = format!(
        "SELECT s.id, s.name, {keeper}, s.services, s.hours, s.location, s.contact FROM service_stations s
         LEFT JOIN residents r ON r.id = s.keeper_resident_id WHERE s.community_id = ? AND s.active = 1 ORDER BY s.id"
    );
    c.query_map(&sql, params![community_id], |r| {
        Ok(from_row!(r => Station { id, name, keeper, services, hours, location, contact }))
    })
}
