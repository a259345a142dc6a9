//! Learning (学习阵地与培训): venues, courses with their sessions, enrolment with a waiting
//! list, attendance (roll call or a paper sheet), completion by the course's rule, the public
//! catalogue and its sign-up requests — and what the pages and the JSON API read of them.
//!
//! Courses belong to the community, not to a grid: any worker of the community runs them. Every
//! store call is scoped by the actor's community ([`Actor::tenant`]), so a course, session,
//! enrolment or request of another community is not found.

use crate::{Actor, App, Error, Result, clip};
use chrono::NaiveDate;
use linli_core::Action;
use linli_core::learning::{
    self as rules, Category, EmploymentRate, EnrolmentStatus, SignupStatus, Tally, TeacherKind,
    VenueKind,
};
use linli_core::roster::ResidentStatus;
use linli_store::learning::{
    self as store, Course, CourseHistory, CourseInput, Enrolment, Placement, Session, Signup, Venue,
};
use linli_store::places::{self};
use linli_store::{Tenant, registry};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;

pub fn required_date(raw: &str, field: &'static str) -> Result<NaiveDate> {
    linli_core::dates::parse_date(raw).ok_or(Error::invalid("date_bad", field))
}

/// An object created: its id (`{"id": …}` in the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Created {
    pub id: i64,
}

/// A page or the whole of a list, with the number of rows there are.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// A resident of the actor's community who lives here now, for an id a form or a client sent
/// (a field error otherwise).
pub(crate) async fn active_resident(
    app: &App,
    tenant: Tenant,
    id: i64,
    field: &'static str,
) -> Result<registry::Resident> {
    let r = app
        .read(move |c| registry::get(c, tenant, id))
        .await
        .map_err(|e| e.or_invalid("learning_resident_missing", field))?;
    if r.status != ResidentStatus::Active {
        return Err(Error::invalid("learning_resident_missing", field));
    }
    Ok(r)
}

async fn manage(app: &App, actor: &Actor) -> Result<Tenant> {
    actor.require_role(app, Action::ManageLearning).await
}

async fn view(app: &App, actor: &Actor) -> Result<Tenant> {
    actor.require_role(app, Action::ViewLearning).await
}

// ---- courses ----

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct CourseDraft {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    #[schemars(schema_with = "linli_core::code_schema::<Category>")]
    pub category: String,
    #[serde(default)]
    pub vocational: Option<bool>,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub venue_id: Option<i64>,
    #[serde(default)]
    pub capacity: Option<i64>,
    #[serde(default)]
    #[schemars(schema_with = "linli_core::optional_code_schema::<TeacherKind>")]
    pub teacher_kind: Option<String>,
    #[serde(default)]
    pub teacher_name: Option<String>,
    #[serde(default)]
    pub teacher_resident_id: Option<i64>,
    #[serde(default)]
    pub eligibility: Option<String>,
    #[serde(default)]
    pub completion_percent: Option<i64>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub listed: Option<bool>,
}

pub async fn create_course(app: &App, actor: &Actor, d: CourseDraft) -> Result<Created> {
    let tenant = manage(app, actor).await?;
    let name: String = d.name.trim().chars().take(100).collect();
    if name.is_empty() {
        return Err(Error::invalid("learning_name_missing", "name"));
    }
    let category =
        Category::parse(&d.category).ok_or(Error::invalid("learning_category_bad", "category"))?;
    let starts = required_date(&d.starts_on, "starts_on")?;
    let ends = required_date(&d.ends_on, "ends_on")?;
    if ends < starts {
        return Err(Error::invalid("learning_dates_order", "ends_on"));
    }
    if d.capacity.is_some_and(|c| !(1..=10_000).contains(&c)) {
        return Err(Error::invalid("learning_capacity_bad", "capacity"));
    }
    let percent = d.completion_percent.unwrap_or(i64::from(rules::DEFAULT_COMPLETION_PERCENT));
    if !(1..=100).contains(&percent) {
        return Err(Error::invalid("learning_percent_bad", "completion_percent"));
    }
    if let Some(v) = d.venue_id {
        app.read(move |c| store::venue_exists(c, tenant, v))
            .await
            .map_err(|_| Error::invalid("learning_venue_missing", "venue_id"))?;
    }
    let teacher_kind = match d.teacher_kind.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(k) => {
            TeacherKind::parse(k).ok_or(Error::invalid("learning_teacher_bad", "teacher_kind"))?
        }
        None => TeacherKind::Outside,
    };
    if let Some(rid) = d.teacher_resident_id {
        active_resident(app, tenant, rid, "teacher_resident_id").await?;
    }
    let input = CourseInput {
        name,
        category: category.as_str().to_string(),
        // Vocational training counts toward the employment figures unless said otherwise.
        vocational: d.vocational.unwrap_or(category == Category::VocationalTraining),
        venue_id: d.venue_id,
        teacher_kind: teacher_kind.as_str().to_string(),
        teacher_resident_id: d.teacher_resident_id,
        teacher_name: clip(d.teacher_name.as_deref(), 60),
        starts_on: starts,
        ends_on: ends,
        capacity: d.capacity,
        eligibility: clip(d.eligibility.as_deref(), 200),
        completion_percent: percent,
        description: clip(d.description.as_deref(), 2000),
        listed: d.listed.unwrap_or(true),
    };
    app.write(actor, move |tx| {
        let id = store::create_course(tx.c, tenant, &input, tx.actor.user_id(), tx.actor.now)?;
        // The description is searchable from the day it is written (publicity's index).
        linli_store::search::put(
            tx.c,
            tenant,
            &linli_store::search::Doc {
                kind: "course",
                ref_id: id,
                title: &input.name,
                body: &input.description,
                published_on: &input.starts_on.to_string(),
                public: input.listed,
            },
        )?;
        tx.audit(tenant, "course.create", "course", id, json!({"name": input.name, "category": input.category, "vocational": input.vocational, "capacity": input.capacity}))?;
        Ok(Created { id })
    })
    .await
}

/// A course of the actor's community (not found otherwise).
pub async fn course(app: &App, actor: &Actor, id: i64) -> Result<Course> {
    let tenant = view(app, actor).await?;
    app.read(move |c| store::get_course(c, tenant, id)).await
}

/// A course with its sessions and enrolments (the API's `courses_get`).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CourseDetail {
    #[serde(flatten)]
    pub course: Course,
    pub session_list: Vec<Session>,
    pub enrolments: Vec<Enrolment>,
}

pub async fn course_detail(app: &App, actor: &Actor, id: i64) -> Result<CourseDetail> {
    let tenant = view(app, actor).await?;
    app.read(move |c| {
        let course = store::get_course(c, tenant, id)?;
        Ok::<_, Error>(CourseDetail {
            session_list: store::sessions_of(c, tenant, id)?,
            enrolments: store::enrolments_of(c, tenant, id)?,
            course,
        })
    })
    .await
}

/// What the course's page shows: the course, its sessions, enrolments and sign-up requests,
/// and (for a worker who may enrol) the residents found by `search` within the actor's scope.
pub struct CoursePage {
    pub course: Course,
    pub sessions: Vec<Session>,
    pub enrolments: Vec<Enrolment>,
    pub signups: Vec<Signup>,
    pub found: Vec<registry::ResidentRow>,
}

fn find_residents(
    c: &mut dyn linli_store::Conn,
    tenant: Tenant,
    scopes: Vec<linli_core::PlacePath>,
    q: String,
    today: NaiveDate,
) -> Result<Vec<registry::ResidentRow>> {
    let f = registry::Filter {
        community_id: tenant.id(),
        scopes,
        q: Some(q),
        today: Some(today),
        ..Default::default()
    };
    Ok(registry::search(c, &f, 1, 20)?.0)
}

pub async fn course_page(
    app: &App,
    actor: &Actor,
    id: i64,
    search: Option<String>,
) -> Result<CoursePage> {
    let tenant = view(app, actor).await?;
    let search = search
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .filter(|_| actor.allowed(Action::ManageLearning, None))
        .map(|s| crate::registry::search_text(actor, &s));
    let scopes = actor.scopes(Action::ViewResidents);
    let today = actor.today();
    app.read(move |c| {
        let course = store::get_course(c, tenant, id)?;
        let found = match search {
            Some(s) => find_residents(c, tenant, scopes, s, today)?,
            None => Vec::new(),
        };
        Ok::<_, Error>(CoursePage {
            sessions: store::sessions_of(c, tenant, id)?,
            enrolments: store::enrolments_of(c, tenant, id)?,
            signups: store::signups_of(c, tenant, id)?,
            found,
            course,
        })
    })
    .await
}

/// The community's courses running during `year` (all when `None`).
pub async fn courses(app: &App, actor: &Actor, year: Option<i32>) -> Result<Listing<Course>> {
    let tenant = view(app, actor).await?;
    let items = app.read(move |c| store::list_courses(c, tenant, year, false)).await?;
    Ok(Listing { total: items.len() as i64, items })
}

/// The course list of a year with the year's figures and the pending requests per course.
pub struct Overview {
    pub courses: Vec<Course>,
    pub times: Tally,
    pub rate: EmploymentRate,
    pub pending: BTreeMap<i64, i64>,
}

pub async fn overview(app: &App, actor: &Actor, year: i32) -> Result<Overview> {
    let tenant = view(app, actor).await?;
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    app.read(move |c| {
        Ok::<_, Error>(Overview {
            courses: store::list_courses(c, tenant, Some(year), false)?,
            times: store::trainee_times(c, tenant, &from, &to)?,
            rate: store::employment_rate(c, tenant, &from, &to)?,
            pending: store::pending_signups(c, tenant)?,
        })
    })
    .await
}

/// The completions of a period: the records behind `learning.trainee_times` and the rate.
pub struct Completions {
    pub rows: Vec<Enrolment>,
    pub times: Tally,
    pub rate: EmploymentRate,
}

pub async fn completions(
    app: &App,
    actor: &Actor,
    from: String,
    to: String,
) -> Result<Completions> {
    let tenant = view(app, actor).await?;
    app.read(move |c| {
        Ok::<_, Error>(Completions {
            rows: store::completions_in(c, tenant, &from, &to, 1000)?,
            times: store::trainee_times(c, tenant, &from, &to)?,
            rate: store::employment_rate(c, tenant, &from, &to)?,
        })
    })
    .await
}

// ---- sessions and attendance ----

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct SessionDraft {
    #[serde(default)]
    pub course_id: i64,
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub starts_at: Option<String>,
    #[serde(default)]
    pub ends_at: Option<String>,
    #[serde(default)]
    pub topic: Option<String>,
}

fn clock_time(raw: Option<&str>, field: &'static str) -> Result<String> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(String::new()),
        Some(s) => chrono::NaiveTime::parse_from_str(s, "%H:%M")
            .map(|t| t.format("%H:%M").to_string())
            .map_err(|_| Error::invalid("learning_time_bad", field)),
    }
}

async fn course_for_form(app: &App, tenant: Tenant, id: i64) -> Result<Course> {
    app.read(move |c| store::get_course(c, tenant, id))
        .await
        .map_err(|e| e.or_invalid("learning_course_missing", "course_id"))
}

pub async fn add_session(app: &App, actor: &Actor, d: SessionDraft) -> Result<Created> {
    let tenant = manage(app, actor).await?;
    let k = course_for_form(app, tenant, d.course_id).await?;
    let held = required_date(&d.held_on, "held_on")?;
    let starts_at = clock_time(d.starts_at.as_deref(), "starts_at")?;
    let ends_at = clock_time(d.ends_at.as_deref(), "ends_at")?;
    let topic = clip(d.topic.as_deref(), 100);
    app.write(actor, move |tx| {
        let id = store::add_session(tx.c, &k, held, &starts_at, &ends_at, &topic, tx.actor.now)?;
        tx.audit(
            tenant,
            "course.session",
            "course",
            k.id,
            json!({"session_id": id, "held_on": held.to_string()}),
        )?;
        Ok(Created { id })
    })
    .await
}

/// A session with its course, the course's enrolments and who was present.
pub struct SessionView {
    pub session: Session,
    pub course: Course,
    pub enrolments: Vec<Enrolment>,
    pub present: Vec<i64>,
}

pub async fn session(app: &App, actor: &Actor, id: i64) -> Result<SessionView> {
    let tenant = view(app, actor).await?;
    app.read(move |c| {
        let session = store::get_session(c, tenant, id)?;
        let course = store::get_course(c, tenant, session.course_id)?;
        Ok::<_, Error>(SessionView {
            enrolments: store::enrolments_of(c, tenant, course.id)?,
            present: store::present_at(c, tenant, id)?,
            session,
            course,
        })
    })
    .await
}

/// Who was present at a session.
#[derive(Debug, Clone, Default)]
pub struct AttendanceDraft {
    pub session_id: i64,
    pub resident_ids: Vec<i64>,
    /// The names come from a signed paper sheet entered afterwards.
    pub paper: bool,
    /// The list is the session's whole truth (the roll-call page, a paper sheet); otherwise
    /// the names are added (the API).
    pub replace: bool,
    /// "Everyone came": every seat-holder, whatever `resident_ids` says.
    pub all: bool,
}

/// Attendance recorded (`{"present", "recorded", "session_id"}` in the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Attendance {
    pub present: i64,
    pub recorded: u64,
    pub session_id: i64,
    #[serde(skip)]
    pub removed: u64,
    #[serde(skip)]
    pub course_id: i64,
}

pub async fn record_attendance(app: &App, actor: &Actor, d: AttendanceDraft) -> Result<Attendance> {
    let tenant = manage(app, actor).await?;
    let session_id = d.session_id;
    let (session, course, seats) = app
        .read(move |c| {
            let session = store::get_session(c, tenant, session_id)?;
            let course = store::session_course(c, tenant, session_id)?;
            let seats: Vec<i64> = store::enrolments_of(c, tenant, course.id)?
                .into_iter()
                .filter(|e| {
                    matches!(e.status, EnrolmentStatus::Enrolled | EnrolmentStatus::Completed)
                })
                .map(|e| e.resident_id)
                .collect();
            Ok::<_, Error>((session, course, seats))
        })
        .await
        .map_err(|e| e.or_invalid("learning_session_missing", "session_id"))?;
    if session.held_on > actor.today() {
        return Err(Error::invalid("learning_session_future", "session_id"));
    }
    let mut ids = if d.all { seats } else { d.resident_ids };
    ids.sort_unstable();
    ids.dedup();
    let (paper, replace) = (d.paper, d.replace);
    app.write(actor, move |tx| {
        let source = if paper { "paper" } else { "roll_call" };
        let (added, removed) = store::record_attendance(
            tx.c,
            tenant,
            &session,
            &ids,
            source,
            replace,
            tx.actor.user_id(),
            tx.actor.now,
        )?;
        let present = store::present_at(tx.c, tenant, session.id)?.len() as i64;
        tx.audit(tenant, "attendance.record", "session", session.id, json!({"course_id": course.id, "source": source, "added": added, "removed": removed, "present": present}))?;
        Ok(Attendance {
            present,
            recorded: added,
            session_id: session.id,
            removed,
            course_id: course.id,
        })
    })
    .await
}

// ---- enrolments ----

/// An enrolment made (`{"id", "status"}` in the API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Enrolled {
    pub id: i64,
    pub status: String,
    #[serde(skip)]
    pub course_id: i64,
}

impl Enrolled {
    pub fn waitlisted(&self) -> bool {
        self.status == EnrolmentStatus::Waitlisted.as_str()
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize, schemars::JsonSchema)]
pub struct EnrolDraft {
    #[serde(default)]
    pub course_id: i64,
    #[serde(default)]
    pub resident_id: i64,
}

/// Enrols a resident (staff on their behalf): a seat while there are seats, the waiting list
/// after.
pub async fn enrol(app: &App, actor: &Actor, d: EnrolDraft) -> Result<Enrolled> {
    let tenant = manage(app, actor).await?;
    let k = course_for_form(app, tenant, d.course_id).await?;
    let r = active_resident(app, tenant, d.resident_id, "resident_id").await?;
    let on = actor.today();
    app.write(actor, move |tx| {
        let (id, status) =
            store::enrol(tx.c, &k, r.id, "staff", on, tx.actor.user_id(), tx.actor.now)?;
        tx.audit(
            tenant,
            "enrolment.create",
            "enrolment",
            id,
            json!({"course_id": k.id, "resident_id": r.id, "status": status.as_str()}),
        )?;
        Ok(Enrolled { id, status: status.as_str().to_string(), course_id: k.id })
    })
    .await
}

/// An enrolment of the actor's community, with its course (not found otherwise).
pub async fn enrolment(app: &App, actor: &Actor, id: i64) -> Result<(Enrolment, Course)> {
    let tenant = view(app, actor).await?;
    app.read(move |c| {
        let e = store::get_enrolment(c, tenant, id)?;
        let k = store::get_course(c, tenant, e.course_id)?;
        Ok::<_, Error>((e, k))
    })
    .await
}

/// An enrolment's new status (`{"id", "promoted_enrolment_id", "status"}` in the API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct StatusChanged {
    pub id: i64,
    pub promoted_enrolment_id: Option<i64>,
    pub status: String,
    #[serde(skip)]
    pub course_id: i64,
}

/// Confirms a completion (only when the course's rule is met) or records a drop-out, which
/// hands the seat to the first on the waiting list.
/// Completes or drops an enrolment. A drop from the pages carries the reason typed on its
/// confirmation step (`Some`, required there); the API may give one.
pub async fn set_status(
    app: &App,
    actor: &Actor,
    id: i64,
    status: &str,
    reason: Option<&str>,
) -> Result<StatusChanged> {
    let tenant = manage(app, actor).await?;
    let (e, k) = app
        .read(move |c| {
            let e = store::get_enrolment(c, tenant, id)?;
            let k = store::get_course(c, tenant, e.course_id)?;
            Ok::<_, Error>((e, k))
        })
        .await?;
    let status = EnrolmentStatus::parse(status)
        .filter(|s| matches!(s, EnrolmentStatus::Completed | EnrolmentStatus::Dropped))
        .ok_or(Error::invalid("learning_status_bad", "status"))?;
    if status == EnrolmentStatus::Completed
        && !rules::meets_completion(
            u32::try_from(e.attended).unwrap_or(0),
            u32::try_from(k.sessions).unwrap_or(0),
            u32::try_from(k.completion_percent).unwrap_or(100),
        )
    {
        return Err(Error::Conflict { code: "learning_rule_not_met", field: Some("status") });
    }
    let reason: Option<String> = reason.map(|r| r.trim().chars().take(200).collect());
    if status == EnrolmentStatus::Dropped && reason.as_deref().is_some_and(str::is_empty) {
        return Err(Error::invalid("learning_drop_reason_missing", "reason"));
    }
    let on = actor.today();
    app.write(actor, move |tx| {
        let before = json!({"status": e.status});
        let promoted = store::set_enrolment_status(tx.c, &e, &k, status, on)?;
        let mut after = json!({"status": status.as_str(), "promoted": promoted});
        if let Some(r) = reason.filter(|r| !r.is_empty()) {
            after["reason"] = r.into();
        }
        tx.audit_change(tenant, "enrolment.status", "enrolment", e.id, Some(before), after)?;
        Ok(StatusChanged {
            id: e.id,
            promoted_enrolment_id: promoted,
            status: status.as_str().to_string(),
            course_id: k.id,
        })
    })
    .await
}

/// Confirms every trainee of a course who meets its rule (each its own step, as one by one).
/// Returns how many.
pub async fn complete_all(app: &App, actor: &Actor, course_id: i64) -> Result<usize> {
    let tenant = manage(app, actor).await?;
    let (k, enrolments) = app
        .read(move |c| {
            let k = store::get_course(c, tenant, course_id)?;
            Ok::<_, Error>((k, store::enrolments_of(c, tenant, course_id)?))
        })
        .await?;
    let (total, percent) = (
        u32::try_from(k.sessions).unwrap_or(0),
        u32::try_from(k.completion_percent).unwrap_or(100),
    );
    let mut n = 0;
    for e in enrolments.iter().filter(|e| {
        e.status == EnrolmentStatus::Enrolled
            && rules::meets_completion(u32::try_from(e.attended).unwrap_or(0), total, percent)
    }) {
        set_status(app, actor, e.id, "completed", None).await?;
        n += 1;
    }
    Ok(n)
}

// ---- venues ----

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct VenueDraft {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    #[schemars(schema_with = "linli_core::code_schema::<VenueKind>")]
    pub kind: String,
    #[serde(default)]
    pub room: String,
    #[serde(default)]
    pub capacity: Option<i64>,
}

pub async fn create_venue(app: &App, actor: &Actor, d: VenueDraft) -> Result<Created> {
    let tenant = manage(app, actor).await?;
    let name: String = d.name.trim().chars().take(60).collect();
    if name.is_empty() {
        return Err(Error::invalid("learning_name_missing", "name"));
    }
    let kind =
        VenueKind::parse(&d.kind).ok_or(Error::invalid("learning_venue_kind_bad", "kind"))?;
    if d.capacity.is_some_and(|c| !(1..=10_000).contains(&c)) {
        return Err(Error::invalid("learning_capacity_bad", "capacity"));
    }
    let room: String = d.room.trim().chars().take(60).collect();
    let capacity = d.capacity;
    app.write(actor, move |tx| {
        let id = store::create_venue(
            tx.c,
            tenant,
            &name,
            kind.as_str(),
            &room,
            capacity,
            "",
            tx.actor.now,
        )?;
        tx.audit(
            tenant,
            "venue.create",
            "venue",
            id,
            json!({"name": name, "kind": kind.as_str()}),
        )?;
        Ok(Created { id })
    })
    .await
}

pub async fn venues(app: &App, actor: &Actor) -> Result<Vec<Venue>> {
    let tenant = view(app, actor).await?;
    app.read(move |c| store::venues(c, tenant)).await
}

// ---- the public catalogue and its sign-up requests ----

/// The public course catalogue: listed courses not yet over, of the community named, the
/// actor's own, or the only one of the deployment. Returns the community's name and courses.
pub async fn catalogue(
    app: &App,
    actor: &Actor,
    community: Option<String>,
) -> Result<(String, Vec<Course>)> {
    let day = actor.today();
    let signed_in = actor.community_id();
    app.read(move |c| {
        let place = crate::places::public_community(c, signed_in, community.as_deref())?;
        let list: Vec<Course> = store::list_courses(c, Tenant::new(place.id), None, true)?
            .into_iter()
            .filter(|k| k.ends_on >= day)
            .collect();
        Ok::<_, Error>((place.name, list))
    })
    .await
}

/// A listed course, whatever the community, with its community's name (not found when
/// unlisted).
async fn listed_course(app: &App, id: i64) -> Result<(Course, String)> {
    app.read(move |c| {
        let k = store::listed_course(c, id)?;
        let p = places::get(c, k.community_id)?;
        Ok::<_, Error>((k, p.name))
    })
    .await
}

/// A course the public may ask to join: listed and not over (not found otherwise, as for an id
/// that does not exist). Returns the course and its community's name.
pub async fn open_course(app: &App, actor: &Actor, id: i64) -> Result<(Course, String)> {
    let (k, community) = listed_course(app, id).await?;
    let ends = k.ends_on;
    if !rules::open_for_signup(k.listed, ends, actor.today()) {
        return Err(Error::NotFound);
    }
    Ok((k, community))
}

/// The course a request was sent for (the confirmation page): listed, over or not.
pub async fn signup_course(app: &App, id: i64) -> Result<(Course, String)> {
    listed_course(app, id).await
}

/// A request as typed on the public catalogue.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct SignupDraft {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub note: String,
}

/// Stores a request from the public (nothing is enrolled: a worker matches it to the registry
/// first). The same phone asking again while the first is pending gets the first back.
pub async fn request_signup(
    app: &App,
    actor: &Actor,
    course_id: i64,
    d: SignupDraft,
) -> Result<Created> {
    let (k, _) = open_course(app, actor, course_id).await?;
    let req = rules::SignupRequest::parse(&d.name, &d.phone, &d.address, &d.note)
        .map_err(|e| Error::invalid(e.code, e.field))?;
    let tenant = Tenant::new(k.community_id);
    app.write(actor, move |tx| {
        let (id, new) = store::create_signup(tx.c, &k, &req, tx.actor.now)?;
        if new {
            // No name, no phone in the audit: only that a request came in, and for what.
            tx.audit(
                tenant,
                "course_signup.create",
                "course_signup",
                id,
                json!({"course_id": k.id, "has_note": !req.note.is_empty()}),
            )?;
        }
        Ok(Created { id })
    })
    .await
}

/// A request of the actor's community with its course (not found otherwise).
pub async fn signup(app: &App, actor: &Actor, id: i64) -> Result<(Signup, Course)> {
    let tenant = view(app, actor).await?;
    app.read(move |c| {
        let s = store::get_signup(c, tenant, id)?;
        let k = store::get_course(c, tenant, s.course_id)?;
        Ok::<_, Error>((s, k))
    })
    .await
}

/// A request's page: the request, its course, the course's enrolments and (for a worker who
/// may handle a pending one) the residents found by `wanted` within the actor's scope.
pub struct SignupPage {
    pub signup: Signup,
    pub course: Course,
    pub enrolments: Vec<Enrolment>,
    pub found: Vec<registry::ResidentRow>,
}

pub async fn signup_page(app: &App, actor: &Actor, id: i64, wanted: String) -> Result<SignupPage> {
    let tenant = view(app, actor).await?;
    let manage = actor.allowed(Action::ManageLearning, None);
    let scopes = actor.scopes(Action::ViewResidents);
    let today = actor.today();
    let wanted = crate::registry::search_text(actor, &wanted);
    app.read(move |c| {
        let signup = store::get_signup(c, tenant, id)?;
        let course = store::get_course(c, tenant, signup.course_id)?;
        let found = if manage && signup.status == SignupStatus::Pending {
            find_residents(c, tenant, scopes, wanted, today)?
        } else {
            Vec::new()
        };
        Ok::<_, Error>(SignupPage {
            enrolments: store::enrolments_of(c, tenant, course.id)?,
            signup,
            course,
            found,
        })
    })
    .await
}

/// Records that the full phone of a request was shown, to whom and why.
pub async fn reveal_signup(app: &App, actor: &Actor, id: i64, reason: &str) -> Result<()> {
    let tenant = manage(app, actor).await?;
    let reason = clip(Some(reason), 200);
    let (s, _) = signup(app, actor, id).await?;
    app.write(actor, move |tx| {
        tx.audit(
            tenant,
            "course_signup.reveal",
            "course_signup",
            s.id,
            json!({"fields": ["phone"], "reason": reason}),
        )
    })
    .await
}

/// Matches a request to a registry resident and enrols them as any enrolment: a seat while
/// there are seats, the waiting list after.
pub async fn enrol_signup(app: &App, actor: &Actor, id: i64, resident_id: i64) -> Result<Enrolled> {
    let tenant = manage(app, actor).await?;
    let (s, k) = signup(app, actor, id).await?;
    if s.status != SignupStatus::Pending {
        return Err(Error::conflict("learning_signup_handled"));
    }
    let r = active_resident(app, tenant, resident_id, "resident_id").await?;
    let on = actor.today();
    app.write(actor, move |tx| {
        let (eid, status) = store::enrol_signup(tx.c, &s, &k, r.id, on, tx.actor.user_id(), tx.actor.now)?;
        tx.audit(
            tenant,
            "enrolment.create",
            "enrolment",
            eid,
            json!({"course_id": k.id, "resident_id": r.id, "status": status.as_str(), "via": "self", "signup_id": s.id}),
        )?;
        tx.audit_change(
            tenant,
            "course_signup.enrol",
            "course_signup",
            s.id,
            Some(json!({"status": "pending"})),
            json!({"status": "enrolled", "resident_id": r.id, "enrolment_id": eid, "enrolment_status": status.as_str()}),
        )?;
        Ok(Enrolled {
            id: eid,
            status: status.as_str().to_string(),
            course_id: k.id,
        })
    })
    .await
}

/// Declines a pending request with the reason the person will be told.
pub async fn decline_signup(app: &App, actor: &Actor, id: i64, reason: &str) -> Result<()> {
    let tenant = manage(app, actor).await?;
    let (s, _) = signup(app, actor, id).await?;
    let reason = rules::decline_reason(reason).map_err(|e| Error::invalid(e.code, e.field))?;
    app.write(actor, move |tx| {
        store::decline_signup(tx.c, &s, &reason, tx.actor.user_id(), tx.actor.now)?;
        tx.audit_change(
            tenant,
            "course_signup.decline",
            "course_signup",
            s.id,
            Some(json!({"status": "pending"})),
            json!({"status": "declined", "reason": reason}),
        )
    })
    .await
}

// ---- a resident's history ----

/// A resident's courses (with attendance) and placements, in the actor's community.
pub async fn resident_history(
    app: &App,
    actor: &Actor,
    resident_id: i64,
) -> Result<(Vec<CourseHistory>, Vec<Placement>)> {
    let tenant = actor.tenant()?;
    app.read(move |c| store::history_of(c, tenant, resident_id)).await
}
