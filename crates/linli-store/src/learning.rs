//! Venues, courses, enrolments, attendance and the employment station (issue 6), and the
//! queries behind `learning.trainee_times`, `learning.employment_rate` and
//! `employment.reemployed`.

use crate::db::{Conn, Row, now_text};
use crate::error::StoreError;
use crate::{Result, Tenant, Value, from_row, params};
use chrono::{DateTime, NaiveDate, Utc};
use linli_core::PlacePath;
use linli_core::clock::Stamp;
use linli_core::learning::{
    self as rules, Category, ContractType, EmploymentRate, EnrolmentStatus, Hours, ReferralResult,
    SeekerStatus, SignupStatus, TeacherKind, VacancyStatus, VenueKind,
};
use serde::Serialize;
use std::collections::BTreeMap;

fn path(s: &str) -> Result<PlacePath> {
    PlacePath::parse(s).ok_or_else(|| StoreError::Db("malformed path".into()))
}

// ---- venues ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Venue {
    pub id: i64,
    pub name: String,
    pub kind: VenueKind,
    pub room: String,
    pub capacity: Option<i64>,
    pub address: String,
    pub courses: i64,
}

#[allow(clippy::too_many_arguments)]
pub fn create_venue(
    c: &mut dyn Conn,
    t: Tenant,
    name: &str,
    kind: &str,
    room: &str,
    capacity: Option<i64>,
    address: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO venues (community_id, name, kind, room, capacity, address, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![t, name, kind, room, capacity, address, now_text(now)],
    )
}

pub fn venues(c: &mut dyn Conn, t: Tenant) -> Result<Vec<Venue>> {
    c.query_map(
        "SELECT v.id, v.name, v.kind, v.room, v.capacity, v.address, (SELECT COUNT(*) FROM courses k WHERE k.venue_id = v.id)
         FROM venues v WHERE v.community_id = ? ORDER BY v.id",
        params![t],
        |r| {
        Ok(from_row!(r => Venue { id, name, kind, room, capacity, address, courses }))
        },
    )
}

/// Whether a venue of the community has this id (an id sent by a form): not found otherwise.
pub fn venue_exists(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<()> {
    c.query_one("SELECT id FROM venues WHERE id = ? AND community_id = ?", params![id, t])?;
    Ok(())
}

// ---- courses ----

#[derive(Debug, Clone, Default)]
pub struct CourseInput {
    pub name: String,
    pub category: String,
    pub vocational: bool,
    pub venue_id: Option<i64>,
    pub teacher_kind: String,
    pub teacher_resident_id: Option<i64>,
    pub teacher_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: Option<i64>,
    pub eligibility: String,
    pub completion_percent: i64,
    pub description: String,
    pub listed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Course {
    pub id: i64,
    #[serde(skip)]
    pub community_id: i64,
    pub name: String,
    pub category: Category,
    pub vocational: bool,
    pub venue_id: Option<i64>,
    pub venue: Option<String>,
    pub teacher_kind: TeacherKind,
    pub teacher_resident_id: Option<i64>,
    pub teacher_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: Option<i64>,
    pub eligibility: String,
    pub completion_percent: i64,
    pub description: String,
    pub listed: bool,
    pub sessions: i64,
    pub enrolled: i64,
    pub waitlisted: i64,
    pub completed: i64,
}

const COURSE_COLUMNS: &str = "k.id, k.community_id, k.name, k.category, k.vocational, k.venue_id, v.name,
    k.teacher_kind, k.teacher_resident_id, COALESCE(tr.name, k.teacher_name), k.starts_on, k.ends_on, k.capacity,
    k.eligibility, k.completion_percent, k.description, k.listed,
    (SELECT COUNT(*) FROM course_sessions s WHERE s.course_id = k.id),
    (SELECT COUNT(*) FROM enrolments e WHERE e.course_id = k.id AND e.status IN ('enrolled', 'completed')),
    (SELECT COUNT(*) FROM enrolments e WHERE e.course_id = k.id AND e.status = 'waitlisted'),
    (SELECT COUNT(*) FROM enrolments e WHERE e.course_id = k.id AND e.status = 'completed')";
const COURSE_JOINS: &str = "FROM courses k LEFT JOIN venues v ON v.id = k.venue_id
    LEFT JOIN residents tr ON tr.id = k.teacher_resident_id";

fn course_from(r: &Row) -> Result<Course> {
    Ok(from_row!(r => Course {
        id, community_id, name, category, vocational, venue_id, venue, teacher_kind,
        teacher_resident_id, teacher_name, starts_on, ends_on, capacity, eligibility,
        completion_percent, description, listed, sessions, enrolled, waitlisted, completed
    }))
}

pub fn create_course(
    c: &mut dyn Conn,
    t: Tenant,
    k: &CourseInput,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO courses (community_id, venue_id, name, category, vocational, teacher_kind, teacher_resident_id, teacher_name,
             starts_on, ends_on, capacity, eligibility, completion_percent, description, listed, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![
            t,
            k.venue_id,
            k.name.clone(),
            k.category.clone(),
            k.vocational,
            k.teacher_kind.clone(),
            k.teacher_resident_id,
            k.teacher_name.clone(),
            k.starts_on,
            k.ends_on,
            k.capacity,
            k.eligibility.clone(),
            k.completion_percent,
            k.description.clone(),
            k.listed,
            user,
            now_text(now)
        ],
    )
}

pub fn get_course(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Course> {
    let sql =
        format!("SELECT {COURSE_COLUMNS} {COURSE_JOINS} WHERE k.id = ? AND k.community_id = ?");
    course_from(&c.query_one(&sql, params![id, t])?)
}

/// A course the public may see (listed), whatever its community: the public catalogue's
/// sign-up pages. Not found when unlisted.
pub fn listed_course(c: &mut dyn Conn, id: i64) -> Result<Course> {
    let sql = format!("SELECT {COURSE_COLUMNS} {COURSE_JOINS} WHERE k.id = ? AND k.listed = 1");
    course_from(&c.query_one(&sql, params![id])?)
}

/// A community's courses, newest first; `year` keeps those running during that year;
/// `listed_only` keeps the public catalogue's.
pub fn list_courses(
    c: &mut dyn Conn,
    t: Tenant,
    year: Option<i32>,
    listed_only: bool,
) -> Result<Vec<Course>> {
    let mut sql = format!("SELECT {COURSE_COLUMNS} {COURSE_JOINS} WHERE k.community_id = ?");
    let mut args = vec![Value::from(t)];
    if let Some(y) = year {
        sql.push_str(" AND k.starts_on <= ? AND k.ends_on >= ?");
        args.push(format!("{y}-12-31").into());
        args.push(format!("{y}-01-01").into());
    }
    if listed_only {
        sql.push_str(" AND k.listed = 1");
    }
    sql.push_str(" ORDER BY k.starts_on DESC, k.id DESC");
    c.query_map(&sql, &args, course_from)
}

// ---- sessions ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Session {
    pub id: i64,
    pub course_id: i64,
    pub held_on: NaiveDate,
    pub starts_at: String,
    pub ends_at: String,
    pub topic: String,
    /// Persons present (one row per person per session: 人数 of the session, 人次 of the course).
    pub present: i64,
}

pub fn add_session(
    c: &mut dyn Conn,
    course: &Course,
    held_on: NaiveDate,
    starts_at: &str,
    ends_at: &str,
    topic: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO course_sessions (community_id, course_id, held_on, starts_at, ends_at, topic, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![course.community_id, course.id, held_on, starts_at, ends_at, topic, now_text(now)],
    )
}

const SESSION_COLUMNS: &str = "s.id, s.course_id, s.held_on, s.starts_at, s.ends_at, s.topic,
    (SELECT COUNT(*) FROM attendance a WHERE a.session_id = s.id)";

fn session_from(r: &Row) -> Result<Session> {
    Ok(from_row!(r => Session { id, course_id, held_on, starts_at, ends_at, topic, present }))
}

pub fn sessions_of(c: &mut dyn Conn, t: Tenant, course_id: i64) -> Result<Vec<Session>> {
    c.query_map(
        &format!("SELECT {SESSION_COLUMNS} FROM course_sessions s WHERE s.course_id = ? AND s.community_id = ? ORDER BY s.held_on, s.starts_at, s.id"),
        params![course_id, t],
        session_from,
    )
}

pub fn get_session(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Session> {
    session_from(&c.query_one(
        &format!(
            "SELECT {SESSION_COLUMNS} FROM course_sessions s WHERE s.id = ? AND s.community_id = ?"
        ),
        params![id, t],
    )?)
}

// ---- enrolments ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Enrolment {
    pub id: i64,
    pub course_id: i64,
    pub resident_id: i64,
    pub resident_name: String,
    pub address: String,
    #[serde(skip)]
    pub place_path: PlacePath,
    pub status: EnrolmentStatus,
    pub via: String,
    pub enrolled_on: NaiveDate,
    pub completed_on: Option<NaiveDate>,
    /// Sessions of the course this person attended.
    pub attended: i64,
}

const ENROLMENT_COLUMNS: &str = "e.id, e.course_id, e.resident_id, r.name,
    COALESCE(b.name, '') || COALESCE(u.name, ''), r.place_path, e.status, e.via, e.enrolled_on, e.completed_on,
    (SELECT COUNT(*) FROM attendance a JOIN course_sessions s ON s.id = a.session_id WHERE s.course_id = e.course_id AND a.resident_id = e.resident_id)";
const ENROLMENT_JOINS: &str = "FROM enrolments e JOIN residents r ON r.id = e.resident_id
    LEFT JOIN places b ON b.id = r.building_id LEFT JOIN places u ON u.id = r.unit_id";

fn enrolment_from(r: &Row) -> Result<Enrolment> {
    Ok(from_row!(r => Enrolment {
        id, course_id, resident_id, resident_name, address;
        place_path: path(&r.text(5)?)?,
        status: r.get(6)?,
        via: r.text(7)?,
        enrolled_on: r.date(8)?,
        completed_on: r.opt_date(9)?,
        attended: r.int(10)?,
    }))
}

/// Enrols a resident, or puts them on the waiting list when the course is full. Runs in the
/// caller's write transaction, so two enrolments for the last seat cannot both get it.
/// A dropped enrolment is taken up again; any other existing one is a conflict.
pub fn enrol(
    c: &mut dyn Conn,
    course: &Course,
    resident_id: i64,
    via: &str,
    on: NaiveDate,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(i64, EnrolmentStatus)> {
    // Lock the course row on PostgreSQL so the seat count below is not raced.
    let lock = format!("SELECT id FROM courses WHERE id = ?{}", c.for_update());
    c.query_one(&lock, params![course.id])?;
    let existing = c.query_opt(
        "SELECT id, status FROM enrolments WHERE course_id = ? AND resident_id = ?",
        params![course.id, resident_id],
    )?;
    if let Some(row) = &existing
        && row.text(1)? != "dropped"
    {
        return Err(StoreError::Conflict {
            code: "learning_already_enrolled",
            field: Some("resident_id"),
        });
    }
    let holding = c.count(
        "SELECT COUNT(*) FROM enrolments WHERE course_id = ? AND status IN ('enrolled', 'completed')",
        params![course.id],
    )?;
    let cap = course.capacity.and_then(|v| u32::try_from(v).ok());
    let status = rules::admit(u32::try_from(holding).unwrap_or(u32::MAX), cap);
    let id = match existing {
        Some(row) => {
            let id = row.int(0)?;
            c.execute(
                "UPDATE enrolments SET status = ?, via = ?, enrolled_on = ?, completed_on = NULL WHERE id = ? AND community_id = ?",
                params![status.as_str(), via, on, id, course.community_id],
            )?;
            id
        }
        None => c.insert(
            "INSERT INTO enrolments (community_id, course_id, resident_id, status, via, enrolled_on, created_by, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            params![course.community_id, course.id, resident_id, status.as_str(), via, on, user, now_text(now)],
        )?,
    };
    Ok((id, status))
}

pub fn get_enrolment(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Enrolment> {
    enrolment_from(&c.query_one(
        &format!(
            "SELECT {ENROLMENT_COLUMNS} {ENROLMENT_JOINS} WHERE e.id = ? AND e.community_id = ?"
        ),
        params![id, t],
    )?)
}

/// A course's enrolments: seats in enrolment order, then the waiting list, then those who left.
pub fn enrolments_of(c: &mut dyn Conn, t: Tenant, course_id: i64) -> Result<Vec<Enrolment>> {
    c.query_map(
        &format!(
            "SELECT {ENROLMENT_COLUMNS} {ENROLMENT_JOINS} WHERE e.course_id = ? AND e.community_id = ?
             ORDER BY CASE e.status WHEN 'enrolled' THEN 0 WHEN 'completed' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END, e.id"
        ),
        params![course_id, t],
        enrolment_from,
    )
}

/// Completes or drops an enrolment. Dropping a seat gives it to the first on the waiting list,
/// whose enrolment id is returned.
pub fn set_enrolment_status(
    c: &mut dyn Conn,
    e: &Enrolment,
    course: &Course,
    status: EnrolmentStatus,
    on: NaiveDate,
) -> Result<Option<i64>> {
    match status {
        EnrolmentStatus::Completed => {
            if e.status != EnrolmentStatus::Enrolled {
                return Err(StoreError::Conflict {
                    code: "learning_status_bad",
                    field: Some("status"),
                });
            }
            c.execute(
                "UPDATE enrolments SET status = 'completed', completed_on = ? WHERE id = ? AND community_id = ?",
                params![on, e.id, course.community_id],
            )?;
            Ok(None)
        }
        EnrolmentStatus::Dropped => {
            if e.status == EnrolmentStatus::Dropped {
                return Err(StoreError::Conflict {
                    code: "learning_status_bad",
                    field: Some("status"),
                });
            }
            let held_seat =
                matches!(e.status, EnrolmentStatus::Enrolled | EnrolmentStatus::Completed);
            c.execute(
                "UPDATE enrolments SET status = 'dropped', completed_on = NULL WHERE id = ? AND community_id = ?",
                params![e.id, course.community_id],
            )?;
            if !held_seat {
                return Ok(None);
            }
            let holding = c.count(
                "SELECT COUNT(*) FROM enrolments WHERE course_id = ? AND status IN ('enrolled', 'completed')",
                params![course.id],
            )?;
            if course.capacity.is_some_and(|cap| holding >= cap) {
                return Ok(None);
            }
            let next = c.query_opt(
                "SELECT id FROM enrolments WHERE course_id = ? AND status = 'waitlisted' ORDER BY id LIMIT 1",
                params![course.id],
            )?;
            match next {
                Some(r) => {
                    let id = r.int(0)?;
                    c.execute(
                        "UPDATE enrolments SET status = 'enrolled' WHERE id = ? AND community_id = ?",
                        params![id, course.community_id],
                    )?;
                    Ok(Some(id))
                }
                None => Ok(None),
            }
        }
        _ => Err(StoreError::invalid("learning_status_bad", "status")),
    }
}

// ---- attendance ----

/// Residents present at a session.
pub fn present_at(c: &mut dyn Conn, t: Tenant, session_id: i64) -> Result<Vec<i64>> {
    c.query_map(
        "SELECT resident_id FROM attendance WHERE session_id = ? AND community_id = ? ORDER BY resident_id",
        params![session_id, t],
        |r| r.int(0),
    )
}

/// Records who was present. With `replace`, the list is the whole truth for the session (a roll
/// call or a paper sheet re-entered): those not in it are removed. Every resident must hold a
/// seat on the course. Returns (added, removed).
#[allow(clippy::too_many_arguments)]
pub fn record_attendance(
    c: &mut dyn Conn,
    t: Tenant,
    session: &Session,
    resident_ids: &[i64],
    source: &str,
    replace: bool,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(u64, u64)> {
    let seats: Vec<i64> = c
        .query(
            "SELECT resident_id FROM enrolments WHERE course_id = ? AND community_id = ? AND status IN ('enrolled', 'completed')",
            params![session.course_id, t],
        )?
        .iter()
        .map(|r| r.int(0))
        .collect::<Result<_>>()?;
    if resident_ids.iter().any(|r| !seats.contains(r)) {
        return Err(StoreError::invalid("learning_not_enrolled", "resident_ids"));
    }
    let before = present_at(c, t, session.id)?;
    let mut removed = 0;
    if replace {
        for r in before.iter().filter(|r| !resident_ids.contains(r)) {
            removed += c.execute(
                "DELETE FROM attendance WHERE session_id = ? AND resident_id = ?",
                params![session.id, *r],
            )?;
        }
    }
    let mut added = 0;
    for r in resident_ids.iter().filter(|r| !before.contains(r)) {
        added += c.execute(
            "INSERT INTO attendance (community_id, session_id, resident_id, source, recorded_by, recorded_at)
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, resident_id) DO NOTHING",
            params![t, session.id, *r, source, user, now_text(now)],
        )?;
    }
    Ok((added, removed))
}

/// The course of a session of the community (not found for an id of another community).
pub fn session_course(c: &mut dyn Conn, t: Tenant, session_id: i64) -> Result<Course> {
    let id = c.count(
        "SELECT course_id FROM course_sessions WHERE id = ? AND community_id = ?",
        params![session_id, t],
    )?;
    get_course(c, t, id)
}

// ---- sign-up requests from the public catalogue ----

/// A resident's own request to join a course, as typed on the public catalogue. `phone` is
/// personal data: pages show it through `linli_core::mask` unless a reveal is recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Signup {
    pub id: i64,
    #[serde(skip)]
    pub community_id: i64,
    pub course_id: i64,
    pub name: String,
    #[serde(skip)]
    pub phone: String,
    pub address: String,
    pub note: String,
    pub status: SignupStatus,
    pub resident_id: Option<i64>,
    pub resident_name: Option<String>,
    pub enrolment_id: Option<i64>,
    /// The enrolment's status now (enrolled, waitlisted …) for a matched request.
    pub enrolment_status: Option<EnrolmentStatus>,
    pub decline_reason: String,
    pub handled_by: Option<String>,
    pub handled_at: Option<Stamp>,
    pub created_at: Stamp,
}

const SIGNUP_COLUMNS: &str = "g.id, g.community_id, g.course_id, g.name, g.phone, g.address, g.note, g.status,
    g.resident_id, r.name, g.enrolment_id, e.status, g.decline_reason, u.display_name, g.handled_at, g.created_at
    FROM course_signups g LEFT JOIN residents r ON r.id = g.resident_id
    LEFT JOIN enrolments e ON e.id = g.enrolment_id LEFT JOIN users u ON u.id = g.handled_by";

fn signup_from(r: &Row) -> Result<Signup> {
    Ok(from_row!(r => Signup {
        id, community_id, course_id, name, phone, address, note, status, resident_id, resident_name,
        enrolment_id, enrolment_status, decline_reason, handled_by, handled_at, created_at
    }))
}

/// Stores a request. The same phone asking again for the same course while the first request
/// is still pending (a double tap, a grandson trying again) gets the first request back:
/// `(id, false)`; a new request is `(id, true)`.
pub fn create_signup(
    c: &mut dyn Conn,
    course: &Course,
    req: &rules::SignupRequest,
    now: DateTime<Utc>,
) -> Result<(i64, bool)> {
    if let Some(row) = c.query_opt(
        "SELECT id FROM course_signups WHERE course_id = ? AND phone = ? AND status = 'pending'",
        params![course.id, req.phone.clone()],
    )? {
        return Ok((row.int(0)?, false));
    }
    let id = c.insert(
        "INSERT INTO course_signups (community_id, course_id, name, phone, address, note, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) RETURNING id",
        params![course.community_id, course.id, req.name.clone(), req.phone.clone(), req.address.clone(), req.note.clone(), now_text(now)],
    )?;
    Ok((id, true))
}

pub fn get_signup(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Signup> {
    signup_from(&c.query_one(
        &format!("SELECT {SIGNUP_COLUMNS} WHERE g.id = ? AND g.community_id = ?"),
        params![id, t],
    )?)
}

/// A course's requests: pending first (oldest first, as they came in), then the handled ones.
pub fn signups_of(c: &mut dyn Conn, t: Tenant, course_id: i64) -> Result<Vec<Signup>> {
    c.query_map(
        &format!(
            "SELECT {SIGNUP_COLUMNS} WHERE g.course_id = ? AND g.community_id = ?
             ORDER BY CASE g.status WHEN 'pending' THEN 0 ELSE 1 END,
                      CASE g.status WHEN 'pending' THEN g.id ELSE -g.id END"
        ),
        params![course_id, t],
        signup_from,
    )
}

/// Pending requests per course of a community (for the course list).
pub fn pending_signups(c: &mut dyn Conn, t: Tenant) -> Result<BTreeMap<i64, i64>> {
    c.query_map(
        "SELECT course_id, COUNT(*) FROM course_signups WHERE community_id = ? AND status = 'pending' GROUP BY course_id",
        params![t],
        |r| Ok((r.int(0)?, r.int(1)?)),
    )
    .map(|pairs| pairs.into_iter().collect())
}

/// Closes a pending request. Only a pending one: two workers handling the same request at
/// once cannot both succeed (the second gets a conflict and enrols no one).
#[allow(clippy::too_many_arguments)]
fn close_signup(
    c: &mut dyn Conn,
    id: i64,
    status: rules::SignupStatus,
    resident_id: Option<i64>,
    enrolment_id: Option<i64>,
    reason: &str,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    let n = c.execute(
        "UPDATE course_signups SET status = ?, resident_id = ?, enrolment_id = ?, decline_reason = ?, handled_by = ?, handled_at = ?
         WHERE id = ? AND status = 'pending'",
        params![status.as_str(), resident_id, enrolment_id, reason, user, now_text(now), id],
    )?;
    StoreError::changed(n, "learning_signup_handled")
}

/// Matches a pending request to a registry resident and enrols them (a seat or the waiting
/// list, as any enrolment), in the caller's write transaction.
pub fn enrol_signup(
    c: &mut dyn Conn,
    signup: &Signup,
    course: &Course,
    resident_id: i64,
    on: NaiveDate,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(i64, EnrolmentStatus)> {
    // Claim the request first, so a request another worker just handled enrols no one.
    close_signup(
        c,
        signup.id,
        rules::SignupStatus::Enrolled,
        Some(resident_id),
        None,
        "",
        user,
        now,
    )?;
    let (eid, status) = enrol(c, course, resident_id, "self", on, user, now)?;
    c.execute(
        "UPDATE course_signups SET enrolment_id = ? WHERE id = ? AND community_id = ?",
        params![eid, signup.id, course.community_id],
    )?;
    Ok((eid, status))
}

pub fn decline_signup(
    c: &mut dyn Conn,
    signup: &Signup,
    reason: &str,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    close_signup(c, signup.id, rules::SignupStatus::Declined, None, None, reason, user, now)
}

// ---- job seekers, openings, referrals ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Seeker {
    pub id: i64,
    #[serde(skip)]
    pub community_id: i64,
    pub resident_id: i64,
    pub resident_name: String,
    pub address: String,
    pub skills: String,
    pub wishes: String,
    pub hours: Hours,
    pub max_km: Option<i64>,
    pub status: SeekerStatus,
    pub note: String,
    pub registered_on: NaiveDate,
}

pub struct SeekerInput {
    pub resident_id: i64,
    pub skills: String,
    pub wishes: String,
    pub hours: String,
    pub max_km: Option<i64>,
    pub note: String,
    pub registered_on: NaiveDate,
}

pub fn create_seeker(
    c: &mut dyn Conn,
    t: Tenant,
    s: &SeekerInput,
    now: DateTime<Utc>,
) -> Result<i64> {
    if c.query_opt(
        "SELECT id FROM job_seekers WHERE community_id = ? AND resident_id = ?",
        params![t, s.resident_id],
    )?
    .is_some()
    {
        return Err(StoreError::Conflict {
            code: "learning_seeker_exists",
            field: Some("resident_id"),
        });
    }
    c.insert(
        "INSERT INTO job_seekers (community_id, resident_id, skills, wishes, hours, max_km, status, note, registered_on, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'seeking', ?, ?, ?) RETURNING id",
        params![t, s.resident_id, s.skills.clone(), s.wishes.clone(), s.hours.clone(), s.max_km, s.note.clone(), s.registered_on, now_text(now)],
    )
}

const SEEKER_COLUMNS: &str =
    "j.id, j.community_id, j.resident_id, r.name, COALESCE(b.name, '') || COALESCE(u.name, ''),
    j.skills, j.wishes, j.hours, j.max_km, j.status, j.note, j.registered_on
    FROM job_seekers j JOIN residents r ON r.id = j.resident_id
    LEFT JOIN places b ON b.id = r.building_id LEFT JOIN places u ON u.id = r.unit_id";

fn seeker_from(r: &Row) -> Result<Seeker> {
    Ok(from_row!(r => Seeker {
        id, community_id, resident_id, resident_name, address, skills, wishes, hours, max_km,
        status, note, registered_on
    }))
}

pub fn get_seeker(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Seeker> {
    seeker_from(&c.query_one(
        &format!("SELECT {SEEKER_COLUMNS} WHERE j.id = ? AND j.community_id = ?"),
        params![id, t],
    )?)
}

/// Seekers of a community, those still seeking first.
pub fn seekers(c: &mut dyn Conn, t: Tenant, limit: i64) -> Result<Vec<Seeker>> {
    c.query_map(
        &format!(
            "SELECT {SEEKER_COLUMNS} WHERE j.community_id = ?
             ORDER BY CASE j.status WHEN 'seeking' THEN 0 ELSE 1 END, j.registered_on DESC, j.id DESC LIMIT ?"
        ),
        params![t, limit],
        seeker_from,
    )
}

/// What a worker may change on a job seeker's registration.
pub struct SeekerUpdate {
    pub skills: String,
    pub wishes: String,
    pub hours: String,
    pub max_km: Option<i64>,
    pub status: String,
    pub note: String,
}

pub fn update_seeker(c: &mut dyn Conn, t: Tenant, id: i64, u: &SeekerUpdate) -> Result<()> {
    let n = c.execute(
        "UPDATE job_seekers SET skills = ?, wishes = ?, hours = ?, max_km = ?, status = ?, note = ? WHERE id = ? AND community_id = ?",
        params![u.skills.clone(), u.wishes.clone(), u.hours.clone(), u.max_km, u.status.clone(), u.note.clone(), id, t],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub fn set_seeker_status(
    c: &mut dyn Conn,
    t: Tenant,
    resident_id: i64,
    status: SeekerStatus,
) -> Result<()> {
    c.execute(
        "UPDATE job_seekers SET status = ? WHERE community_id = ? AND resident_id = ?",
        params![status, t, resident_id],
    )?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Opening {
    pub id: i64,
    #[serde(skip)]
    pub community_id: i64,
    pub employer: String,
    pub job: String,
    pub requirements: String,
    pub pay: String,
    pub hours: String,
    pub place: String,
    pub distance_km: Option<i64>,
    pub slots: i64,
    pub status: VacancyStatus,
    pub posted_on: NaiveDate,
    /// Placements made on it so far.
    pub filled: i64,
}

pub struct OpeningInput {
    pub employer: String,
    pub job: String,
    pub requirements: String,
    pub pay: String,
    pub hours: String,
    pub place: String,
    pub distance_km: Option<i64>,
    pub slots: i64,
    pub posted_on: NaiveDate,
}

pub fn create_opening(
    c: &mut dyn Conn,
    t: Tenant,
    o: &OpeningInput,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO openings (community_id, employer, job, requirements, pay, hours, place, distance_km, slots, status, posted_on, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id",
        params![t, o.employer.clone(), o.job.clone(), o.requirements.clone(), o.pay.clone(), o.hours.clone(), o.place.clone(), o.distance_km, o.slots, o.posted_on, now_text(now)],
    )
}

const OPENING_COLUMNS: &str = "o.id, o.community_id, o.employer, o.job, o.requirements, o.pay, o.hours, o.place, o.distance_km,
    o.slots, o.status, o.posted_on, (SELECT COUNT(*) FROM placements p WHERE p.opening_id = o.id) FROM openings o";

fn opening_from(r: &Row) -> Result<Opening> {
    Ok(from_row!(r => Opening {
        id, community_id, employer, job, requirements, pay, hours, place, distance_km, slots,
        status, posted_on, filled
    }))
}

pub fn get_opening(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Opening> {
    opening_from(&c.query_one(
        &format!("SELECT {OPENING_COLUMNS} WHERE o.id = ? AND o.community_id = ?"),
        params![id, t],
    )?)
}

/// Openings of a community; `open_only` for matching.
pub fn openings(c: &mut dyn Conn, t: Tenant, open_only: bool) -> Result<Vec<Opening>> {
    let filter = if open_only { " AND o.status = 'open'" } else { "" };
    c.query_map(
        &format!("SELECT {OPENING_COLUMNS} WHERE o.community_id = ?{filter} ORDER BY CASE o.status WHEN 'open' THEN 0 ELSE 1 END, o.posted_on DESC, o.id DESC LIMIT 200"),
        params![t],
        opening_from,
    )
}

/// Closes an open opening (filled, withdrawn by the employer, expired). Closing one twice is a
/// conflict, so the audit never records a change that did not happen.
pub fn close_opening(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<()> {
    let n = c.execute(
        "UPDATE openings SET status = 'closed' WHERE id = ? AND community_id = ? AND status = 'open'",
        params![id, t],
    )?;
    StoreError::changed(n, "employment_opening_closed")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Referral {
    pub id: i64,
    pub seeker_id: i64,
    pub opening_id: i64,
    pub employer: String,
    pub job: String,
    pub referred_on: NaiveDate,
    pub result: ReferralResult,
    pub result_on: Option<NaiveDate>,
    pub note: String,
}

#[allow(clippy::too_many_arguments)]
pub fn create_referral(
    c: &mut dyn Conn,
    t: Tenant,
    seeker_id: i64,
    opening_id: i64,
    on: NaiveDate,
    note: &str,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO referrals (community_id, seeker_id, opening_id, referred_on, result, note, created_by, created_at)
         VALUES (?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING id",
        params![t, seeker_id, opening_id, on, note, user, now_text(now)],
    )
}

pub fn referrals_of(c: &mut dyn Conn, t: Tenant, seeker_id: i64) -> Result<Vec<Referral>> {
    c.query_map(
        "SELECT f.id, f.seeker_id, f.opening_id, o.employer, o.job, f.referred_on, f.result, f.result_on, f.note
         FROM referrals f JOIN openings o ON o.id = f.opening_id WHERE f.seeker_id = ? AND f.community_id = ? ORDER BY f.referred_on DESC, f.id DESC",
        params![seeker_id, t],
        |r| {
        Ok(from_row!(r => Referral {
            id, seeker_id, opening_id, employer, job, referred_on, result, result_on, note
        }))
        },
    )
}

/// A referral of the community with its seeker, for an id a form sent.
pub fn referral_seeker(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<(Referral, Seeker)> {
    let r = c.query_one(
        "SELECT seeker_id FROM referrals WHERE id = ? AND community_id = ?",
        params![id, t],
    )?;
    let seeker = get_seeker(c, t, r.int(0)?)?;
    let referral = referrals_of(c, t, seeker.id)?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or(StoreError::NotFound)?;
    Ok((referral, seeker))
}

pub fn set_referral_result(
    c: &mut dyn Conn,
    t: Tenant,
    id: i64,
    result: &str,
    on: NaiveDate,
) -> Result<()> {
    let n = c.execute(
        "UPDATE referrals SET result = ?, result_on = ? WHERE id = ? AND community_id = ?",
        params![result, on, id, t],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

// ---- placements and follow-ups ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Placement {
    pub id: i64,
    #[serde(skip)]
    pub community_id: i64,
    pub resident_id: i64,
    pub resident_name: String,
    #[serde(skip)]
    pub place_path: PlacePath,
    pub employer: String,
    pub job: String,
    pub starts_on: NaiveDate,
    pub contract_type: ContractType,
    pub via_station: bool,
    pub opening_id: Option<i64>,
    pub note: String,
    /// The latest follow-up's outcome and date, if any.
    pub last_outcome: Option<String>,
    pub last_followup_on: Option<NaiveDate>,
}

pub struct PlacementInput {
    pub resident_id: i64,
    pub employer: String,
    pub job: String,
    pub starts_on: NaiveDate,
    pub contract_type: String,
    pub via_station: bool,
    pub opening_id: Option<i64>,
    pub note: String,
}

pub fn create_placement(
    c: &mut dyn Conn,
    t: Tenant,
    p: &PlacementInput,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id = c.insert(
        "INSERT INTO placements (community_id, resident_id, employer, job, starts_on, contract_type, via_station, opening_id, note, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![t, p.resident_id, p.employer.clone(), p.job.clone(), p.starts_on, p.contract_type.clone(), p.via_station, p.opening_id, p.note.clone(), user, now_text(now)],
    )?;
    set_seeker_status(c, t, p.resident_id, SeekerStatus::Placed)?;
    Ok(id)
}

const PLACEMENT_COLUMNS: &str = "p.id, p.community_id, p.resident_id, r.name, r.place_path, p.employer, p.job, p.starts_on,
    p.contract_type, p.via_station, p.opening_id, p.note,
    (SELECT f.outcome FROM followups f WHERE f.placement_id = p.id ORDER BY f.followed_on DESC, f.id DESC LIMIT 1),
    (SELECT MAX(f.followed_on) FROM followups f WHERE f.placement_id = p.id)
    FROM placements p JOIN residents r ON r.id = p.resident_id";

fn placement_from(r: &Row) -> Result<Placement> {
    Ok(from_row!(r => Placement {
        id, community_id, resident_id, resident_name;
        place_path: path(&r.text(4)?)?,
        employer: r.text(5)?,
        job: r.text(6)?,
        starts_on: r.date(7)?,
        contract_type: r.get(8)?,
        via_station: r.bool(9)?,
        opening_id: r.opt_int(10)?,
        note: r.text(11)?,
        last_outcome: r.opt_text(12)?,
        last_followup_on: r.opt_date(13)?,
    }))
}

pub fn get_placement(c: &mut dyn Conn, t: Tenant, id: i64) -> Result<Placement> {
    placement_from(&c.query_one(
        &format!("SELECT {PLACEMENT_COLUMNS} WHERE p.id = ? AND p.community_id = ?"),
        params![id, t],
    )?)
}

/// A page of a community's placements, newest first, and the total.
pub fn placements(
    c: &mut dyn Conn,
    t: Tenant,
    page: i64,
    per_page: i64,
) -> Result<(Vec<Placement>, i64)> {
    let total = c.count("SELECT COUNT(*) FROM placements WHERE community_id = ?", params![t])?;
    let rows = c
        .query(
            &format!("SELECT {PLACEMENT_COLUMNS} WHERE p.community_id = ? ORDER BY p.starts_on DESC, p.id DESC LIMIT ? OFFSET ?"),
            params![t, per_page, crate::page_offset(page, per_page)],
        )?
        .iter()
        .map(placement_from)
        .collect::<Result<Vec<_>>>()?;
    Ok((rows, total))
}

/// Placements by id (the community's only), newest first. The ids are looked up by primary
/// key and the community filters the rows found (`+`: SQLite's planner otherwise walks the
/// community's index for a list of bound ids).
pub fn placements_by_ids(c: &mut dyn Conn, t: Tenant, ids: &[i64]) -> Result<Vec<Placement>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut args: Vec<crate::Value> = vec![t.into()];
        args.extend(chunk.iter().map(|i| crate::Value::from(*i)));
        for r in c.query(
            &format!("SELECT {PLACEMENT_COLUMNS} WHERE +p.community_id = ? AND p.id IN ({marks})"),
            &args,
        )? {
            out.push(placement_from(&r)?);
        }
    }
    out.sort_by(|a, b| b.starts_on.cmp(&a.starts_on).then(b.id.cmp(&a.id)));
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Followup {
    pub id: i64,
    pub placement_id: Option<i64>,
    pub followed_on: NaiveDate,
    pub outcome: String,
    pub note: String,
    pub by: Option<String>,
}

#[allow(clippy::too_many_arguments)]
pub fn create_followup(
    c: &mut dyn Conn,
    t: Tenant,
    placement_id: Option<i64>,
    resident_id: i64,
    on: NaiveDate,
    outcome: &str,
    note: &str,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO followups (community_id, placement_id, resident_id, followed_on, outcome, note, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![t, placement_id, resident_id, on, outcome, note, user, now_text(now)],
    )
}

pub fn followups_of(c: &mut dyn Conn, t: Tenant, placement_id: i64) -> Result<Vec<Followup>> {
    c.query_map(
        "SELECT f.id, f.placement_id, f.followed_on, f.outcome, f.note, u.display_name FROM followups f
         LEFT JOIN users u ON u.id = f.created_by WHERE f.placement_id = ? AND f.community_id = ? ORDER BY f.followed_on, f.id",
        params![placement_id, t],
        |r| {
        Ok(from_row!(r => Followup { id, placement_id, followed_on, outcome, note, by }))
        },
    )
}

/// A follow-up owed: the placement, which month's call, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DueFollowup {
    pub placement_id: i64,
    pub resident_id: i64,
    pub resident_name: String,
    #[serde(skip)]
    pub place_path: PlacePath,
    pub employer: String,
    pub job: String,
    pub starts_on: NaiveDate,
    pub month: u32,
    pub due_on: NaiveDate,
}

/// Follow-ups owed by `until` (overdue ones included), soonest first. Placements older than
/// seven months are past their last call and not read at all.
pub fn followups_due(
    c: &mut dyn Conn,
    t: Tenant,
    today: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<DueFollowup>> {
    let oldest = today
        .checked_sub_months(chrono::Months::new(7))
        .unwrap_or(today)
        .format("%Y-%m-%d")
        .to_string();
    // The placements first, without their people: most are not due, and reading a resident's
    // row costs more than the rule does.
    let rows = c.query(
        "SELECT id, resident_id, employer, job, starts_on FROM placements
         WHERE community_id = ? AND starts_on >= ? ORDER BY id",
        params![t, oldest.clone()],
    )?;
    let mut done: BTreeMap<i64, (Vec<NaiveDate>, bool)> = BTreeMap::new();
    for r in c.query(
        "SELECT f.placement_id, f.followed_on, f.outcome FROM followups f JOIN placements p ON p.id = f.placement_id
         WHERE p.community_id = ? AND p.starts_on >= ?",
        params![t, oldest],
    )? {
        let e = done.entry(r.int(0)?).or_default();
        e.0.push(r.date(1)?);
        e.1 |= r.text(2)? == "left";
    }
    let mut due_ones = Vec::new();
    for r in rows {
        let id = r.int(0)?;
        let starts_on = r.date(4)?;
        let (dates, left) = done.remove(&id).unwrap_or_default();
        if let Some((month, due)) = rules::next_followup(starts_on, &dates, left)
            && due <= until
        {
            due_ones.push((id, r.int(1)?, r.text(2)?, r.text(3)?, starts_on, month, due));
        }
    }
    if due_ones.is_empty() {
        return Ok(Vec::new());
    }
    let mut people: BTreeMap<i64, (String, PlacePath)> = BTreeMap::new();
    for chunk in due_ones.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        // By id alone: the people of this community's placements, even one who has since
        // moved to another community of the street.
        let args: Vec<crate::Value> = chunk.iter().map(|d| crate::Value::from(d.1)).collect();
        for r in c.query(
            &format!("SELECT id, name, place_path FROM residents WHERE id IN ({marks})"),
            &args,
        )? {
            people.insert(r.int(0)?, (r.text(1)?, path(&r.text(2)?)?));
        }
    }
    let mut out = Vec::with_capacity(due_ones.len());
    for (placement_id, resident_id, employer, job, starts_on, month, due) in due_ones {
        let Some((resident_name, place_path)) = people.get(&resident_id).cloned() else {
            continue;
        };
        out.push(DueFollowup {
            placement_id,
            resident_id,
            resident_name,
            place_path,
            employer,
            job,
            starts_on,
            month,
            due_on: due,
        });
    }
    out.sort_by(|a, b| a.due_on.cmp(&b.due_on).then(a.placement_id.cmp(&b.placement_id)));
    Ok(out)
}

// ---- a resident's history ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CourseHistory {
    pub enrolment_id: i64,
    pub course_id: i64,
    pub course: String,
    pub category: Category,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: EnrolmentStatus,
    pub attended: i64,
    pub sessions: i64,
}

/// A resident's courses (with attendance) and placements, newest first.
pub fn history_of(
    c: &mut dyn Conn,
    t: Tenant,
    resident_id: i64,
) -> Result<(Vec<CourseHistory>, Vec<Placement>)> {
    let courses = c
        .query(
            "SELECT e.id, k.id, k.name, k.category, k.starts_on, k.ends_on, e.status,
                (SELECT COUNT(*) FROM attendance a JOIN course_sessions s ON s.id = a.session_id WHERE s.course_id = k.id AND a.resident_id = e.resident_id),
                (SELECT COUNT(*) FROM course_sessions s WHERE s.course_id = k.id)
             FROM enrolments e JOIN courses k ON k.id = e.course_id WHERE e.resident_id = ? AND e.community_id = ? ORDER BY k.starts_on DESC, e.id DESC",
            params![resident_id, t],
        )?
        .iter()
        .map(|r| {
            Ok(from_row!(r => CourseHistory {
                enrolment_id, course_id, course, category, starts_on, ends_on, status, attended,
                sessions
            }))
        })
        .collect::<Result<Vec<_>>>()?;
    let placements = c
        .query(
            &format!("SELECT {PLACEMENT_COLUMNS} WHERE p.resident_id = ? AND p.community_id = ? ORDER BY p.starts_on DESC, p.id DESC"),
            params![resident_id, t],
        )?
        .iter()
        .map(placement_from)
        .collect::<Result<Vec<_>>>()?;
    Ok((courses, placements))
}

// ---- indicators ----

/// `learning.trainee_times`: completed enrolments in vocational courses, completed in the
/// period — (人次, 人数).
pub fn trainee_times(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<rules::Tally> {
    let ids: Vec<i64> = c
        .query(
            "SELECT e.resident_id FROM enrolments e JOIN courses k ON k.id = e.course_id
             WHERE e.community_id = ? AND e.status = 'completed' AND k.vocational = 1 AND e.completed_on >= ? AND e.completed_on <= ?",
            params![t, from, to],
        )?
        .iter()
        .map(|r| r.int(0))
        .collect::<Result<_>>()?;
    Ok(rules::tally(&ids))
}

/// Courses of a category (`party_study`, `culture`, `elderly_university`, `livelihood`,
/// `vocational_training`) held in `[from, to]`: starting by its end and ending after its start.
pub fn courses_held(
    c: &mut dyn Conn,
    t: Tenant,
    category: &str,
    from: &str,
    to: &str,
) -> Result<i64> {
    c.count(
        "SELECT COUNT(*) FROM courses WHERE community_id = ? AND category = ? AND starts_on <= ? AND ends_on >= ?",
        params![t, category, to, from],
    )
}

/// `learning.trainees_unemployed`: of the distinct residents who completed vocational training
/// in `[from, to]`, those tagged 失业/下岗 at some time in the period.
pub fn trainees_unemployed(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<i64> {
    c.count(
        "SELECT COUNT(DISTINCT e.resident_id) FROM enrolments e JOIN courses k ON k.id = e.course_id
         WHERE e.community_id = ? AND e.status = 'completed' AND k.vocational = 1 AND e.completed_on >= ? AND e.completed_on <= ?
           AND EXISTS (SELECT 1 FROM resident_tags rt JOIN tag_kinds tk ON tk.id = rt.tag_id
                       WHERE rt.resident_id = e.resident_id AND rt.community_id = e.community_id AND tk.name = '失业/下岗'
                         AND (rt.valid_from IS NULL OR rt.valid_from <= ?) AND (rt.valid_to IS NULL OR rt.valid_to >= ?))",
        params![t, from, to, to, from],
    )
}

/// `learning.employment_rate` for those who completed vocational training in the period.
pub fn employment_rate(
    c: &mut dyn Conn,
    t: Tenant,
    from: &str,
    to: &str,
) -> Result<EmploymentRate> {
    let completions: Vec<rules::Completion> = c
        .query(
            "SELECT e.resident_id, k.starts_on FROM enrolments e JOIN courses k ON k.id = e.course_id
             WHERE e.community_id = ? AND e.status = 'completed' AND k.vocational = 1 AND e.completed_on >= ? AND e.completed_on <= ?",
            params![t, from, to],
        )?
        .iter()
        .map(|r| {
            Ok(rules::Completion {
                resident_id: r.int(0)?,
                course_starts_on: r.date(1)?,
            })
        })
        .collect::<Result<_>>()?;
    let mut known: BTreeMap<i64, rules::Knowledge> = BTreeMap::new();
    // Everything known of these people, whenever it was recorded: a placement after the
    // course counts even when it starts after the period (the question is "did the training
    // lead to work", not "when").
    let scope = "SELECT e.resident_id FROM enrolments e JOIN courses k ON k.id = e.course_id
        WHERE e.community_id = ? AND e.status = 'completed' AND k.vocational = 1 AND e.completed_on >= ? AND e.completed_on <= ?";
    // `+ 0`: found through each trainee's placements (index on resident_id), not by walking
    // every placement of the community on its community index (0.8 → 0.19 ms in the demo).
    for r in c.query(
        &format!("SELECT resident_id, starts_on FROM placements WHERE community_id + 0 = ? AND resident_id IN ({scope})"),
        params![t, t, from, to],
    )? {
        known
            .entry(r.int(0)?)
            .or_default()
            .placements
            .push(r.date(1)?);
    }
    for r in c.query(
        &format!("SELECT resident_id FROM followups WHERE community_id = ? AND placement_id IS NULL AND outcome = 'not_employed' AND resident_id IN ({scope})"),
        params![t, t, from, to],
    )? {
        known.entry(r.int(0)?).or_default().checked_not_employed = true;
    }
    Ok(rules::employment_rate(&completions, &known))
}

/// What `employment.reemployed` rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default, schemars::JsonSchema)]
pub struct Reemployed {
    /// Distinct residents placed by the station in the period (人数): the figure.
    pub persons: i64,
    /// Placements made by the station in the period (人次).
    pub times: i64,
    /// Of the persons, by the latest follow-up of their latest placement.
    pub still_employed: i64,
    pub left: i64,
    pub unknown: i64,
    /// No follow-up recorded yet.
    pub not_followed_up: i64,
    /// The latest placements of those not followed up or not reached (ids, by resident): the
    /// calls still to make.
    #[serde(skip)]
    #[schemars(skip)]
    pub to_call: Vec<i64>,
}

/// `employment.reemployed_hardship`: of the residents placed through the station in
/// `[from, to]`, those with a hardship record by its end: a hardship case (their own or their
/// household's), or the tag 低保, 困难家庭 or 残疾 in force during the period.
pub fn reemployed_hardship(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<i64> {
    let end = format!("{to}T23:59:59.999999Z");
    c.count(
        // The community's cases are read once (two uncorrelated lists), not once a placement:
        // with ~2,000 placements a year and ~200 cases that was 1.6 ms a community.
        "SELECT COUNT(DISTINCT p.resident_id) FROM placements p JOIN residents r ON r.id = p.resident_id
         WHERE p.community_id = ? AND p.via_station = 1 AND p.starts_on >= ? AND p.starts_on <= ?
           AND (p.resident_id IN (SELECT k.resident_id FROM cases k
                                  WHERE k.community_id = ? AND k.created_at <= ? AND k.resident_id IS NOT NULL)
                OR r.household_id IN (SELECT k.household_id FROM cases k
                                      WHERE k.community_id = ? AND k.created_at <= ? AND k.household_id IS NOT NULL)
                OR EXISTS (SELECT 1 FROM resident_tags rt JOIN tag_kinds tk ON tk.id = rt.tag_id
                           WHERE rt.resident_id = p.resident_id AND rt.community_id = p.community_id
                             AND tk.name IN ('低保', '困难家庭', '残疾')
                             AND (rt.valid_from IS NULL OR rt.valid_from <= ?) AND (rt.valid_to IS NULL OR rt.valid_to >= ?)))",
        params![t, from, to, t, end.clone(), t, end, to, from],
    )
}

pub fn reemployed(c: &mut dyn Conn, t: Tenant, from: &str, to: &str) -> Result<Reemployed> {
    let rows = c.query(
        "SELECT p.resident_id, p.starts_on,
            (SELECT f.outcome FROM followups f WHERE f.placement_id = p.id ORDER BY f.followed_on DESC, f.id DESC LIMIT 1),
            p.id
         FROM placements p WHERE p.community_id = ? AND p.via_station = 1 AND p.starts_on >= ? AND p.starts_on <= ?
         ORDER BY p.resident_id, p.starts_on, p.id",
        params![t, from, to],
    )?;
    let mut latest: BTreeMap<i64, (Option<String>, i64)> = BTreeMap::new();
    let mut out = Reemployed { times: rows.len() as i64, ..Default::default() };
    for r in &rows {
        latest.insert(r.int(0)?, (r.opt_text(2)?, r.int(3)?));
    }
    out.persons = latest.len() as i64;
    for (outcome, placement) in latest.values() {
        match outcome.as_deref() {
            Some("employed") => out.still_employed += 1,
            Some("left") => out.left += 1,
            Some(_) => {
                out.unknown += 1;
                out.to_call.push(*placement);
            }
            None => {
                out.not_followed_up += 1;
                out.to_call.push(*placement);
            }
        }
    }
    Ok(out)
}

/// Completions of vocational courses in the period: the records behind `learning.trainee_times`.
pub fn completions_in(
    c: &mut dyn Conn,
    t: Tenant,
    from: &str,
    to: &str,
    limit: i64,
) -> Result<Vec<Enrolment>> {
    c.query_map(
        &format!(
            "SELECT {ENROLMENT_COLUMNS} {ENROLMENT_JOINS} JOIN courses k ON k.id = e.course_id
             WHERE e.community_id = ? AND e.status = 'completed' AND k.vocational = 1 AND e.completed_on >= ? AND e.completed_on <= ?
             ORDER BY e.completed_on DESC, e.id DESC LIMIT ?"
        ),
        params![t, from, to, limit],
        enrolment_from,
    )
}
