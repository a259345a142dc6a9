//! JSON API of learning and the employment station (issue 6). The contract's operations
//! (courses_create, enrolments_create, attendance_record, enrolments_set_status,
//! placements_create, followups_create) keep exactly the fields.

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Path, Query};
use axum::http::Method;
use axum::response::Response;
use linli_app::employment::{
    self as work, FollowupDraft, OpeningDraft, PlacementDraft, SeekerDraft,
};
use linli_app::learning::{
    self as ops, AttendanceDraft, CourseDetail, CourseDraft, Created, EnrolDraft, Enrolled,
    Listing, SessionDraft, StatusChanged,
};
use linli_core::Action;
use linli_store::learning::{Course, DueFollowup, Placement};
use schemars::JsonSchema;
use serde::Deserialize;

use super::created;

async fn create_course(ctx: Ctx, Json(d): Json<CourseDraft>) -> Result<Response, AppError> {
    let v: Created = ops::create_course(&ctx.state.app, &ctx.actor()?, d).await?;
    Ok(created(v))
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

async fn list_courses(
    ctx: Ctx,
    Query(q): Query<YearQuery>,
) -> Result<Json<Listing<Course>>, AppError> {
    Ok(Json(ops::courses(&ctx.state.app, &ctx.actor()?, q.year).await?))
}

async fn get_course(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<CourseDetail>, AppError> {
    Ok(Json(ops::course_detail(&ctx.state.app, &ctx.actor()?, id).await?))
}

async fn create_session(ctx: Ctx, Json(d): Json<SessionDraft>) -> Result<Response, AppError> {
    Ok(created(ops::add_session(&ctx.state.app, &ctx.actor()?, d).await?))
}

async fn create_enrolment(ctx: Ctx, Json(d): Json<EnrolDraft>) -> Result<Response, AppError> {
    Ok(created(ops::enrol(&ctx.state.app, &ctx.actor()?, d).await?))
}

#[derive(Deserialize, JsonSchema)]
struct StatusBody {
    #[serde(default)]
    #[schemars(extend("enum" = ["completed", "dropped"]))]
    status: String,
    /// Why the trainee drops out (kept in the audit record).
    #[serde(default)]
    reason: Option<String>,
}

async fn set_enrolment_status(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<StatusBody>,
) -> Result<Json<ops::StatusChanged>, AppError> {
    Ok(Json(
        ops::set_status(&ctx.state.app, &ctx.actor()?, id, &b.status, b.reason.as_deref()).await?,
    ))
}

#[derive(Deserialize, JsonSchema)]
struct AttendanceBody {
    #[serde(default)]
    session_id: i64,
    #[serde(default)]
    resident_ids: Vec<i64>,
    /// `paper` when the names come from a signed sheet entered afterwards.
    #[serde(default)]
    #[schemars(extend("enum" = ["roll_call", "paper", null]))]
    source: Option<String>,
}

async fn record_attendance(
    ctx: Ctx,
    Json(b): Json<AttendanceBody>,
) -> Result<Json<ops::Attendance>, AppError> {
    let d = AttendanceDraft {
        session_id: b.session_id,
        resident_ids: b.resident_ids,
        paper: b.source.as_deref() == Some("paper"),
        replace: false,
        all: false,
    };
    Ok(Json(ops::record_attendance(&ctx.state.app, &ctx.actor()?, d).await?))
}

async fn create_placement(ctx: Ctx, Json(d): Json<PlacementDraft>) -> Result<Response, AppError> {
    Ok(created(work::create_placement(&ctx.state.app, &ctx.actor()?, d).await?))
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<i64>,
}

async fn list_placements(
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Json<Listing<Placement>>, AppError> {
    let page = q.page.unwrap_or(1).max(1);
    Ok(Json(work::placements(&ctx.state.app, &ctx.actor()?, page, super::PER_PAGE).await?))
}

async fn create_followup(ctx: Ctx, Json(d): Json<FollowupDraft>) -> Result<Response, AppError> {
    Ok(created(work::create_followup(&ctx.state.app, &ctx.actor()?, d).await?))
}

async fn create_seeker(ctx: Ctx, Json(d): Json<SeekerDraft>) -> Result<Response, AppError> {
    Ok(created(work::create_seeker(&ctx.state.app, &ctx.actor()?, d).await?))
}

async fn create_opening(ctx: Ctx, Json(d): Json<OpeningDraft>) -> Result<Response, AppError> {
    Ok(created(work::create_opening(&ctx.state.app, &ctx.actor()?, d).await?))
}

async fn followups_due(ctx: Ctx) -> Result<Json<Listing<DueFollowup>>, AppError> {
    let actor = ctx.actor()?;
    let until = actor.today() + chrono::Days::new(7);
    Ok(Json(work::followups_due(&ctx.state.app, &actor, until).await?))
}

pub fn routes(t: Table) -> Table {
    const T: &str = "learning";
    let view = Policy::Signed(Action::ViewLearning);
    let manage = Policy::Signed(Action::ManageLearning);
    let view_work = Policy::Signed(Action::ViewEmployment);
    let manage_work = Policy::Signed(Action::ManageEmployment);
    t.api(Method::POST, "/api/v1/courses", manage,
        ApiDoc::created::<Created>(T, "courses_create", "Create a course; vocational courses count toward the employment figures").body::<CourseDraft>(),
        create_course)
    .api(Method::GET, "/api/v1/courses", view,
        ApiDoc::ok::<Listing<Course>>(T, "courses_list", "Courses of the community with their counts (enrolled and completed are 人数)").query(&[("year", "courses running during this year")]),
        list_courses)
    .api(Method::GET, "/api/v1/courses/{id}", view,
        ApiDoc::ok::<CourseDetail>(T, "courses_get", "One course with its sessions and enrolments (attended sessions per person)"),
        get_course)
    .api(Method::POST, "/api/v1/sessions", manage,
        ApiDoc::created::<Created>(T, "sessions_create", "Schedule a session of a course").body::<SessionDraft>(),
        create_session)
    .api(Method::POST, "/api/v1/enrolments", manage,
        ApiDoc::created::<Enrolled>(T, "enrolments_create", "Enrol a resident; a full course puts them on the waiting list").body::<EnrolDraft>(),
        create_enrolment)
    .api(Method::POST, "/api/v1/enrolments/{id}/status", manage,
        ApiDoc::ok::<StatusChanged>(T, "enrolments_set_status", "Confirm a completion (the course's rule must be met) or record a drop-out (the seat goes to the waiting list)").body::<StatusBody>(),
        set_enrolment_status)
    .api(Method::POST, "/api/v1/attendance", manage,
        ApiDoc::ok::<ops::Attendance>(T, "attendance_record", "Record residents present at a session (each must hold a seat on the course); source `paper` for a signed sheet entered afterwards").body::<AttendanceBody>(),
        record_attendance)
    .api(Method::POST, "/api/v1/placements", manage_work,
        ApiDoc::created::<Created>(T, "placements_create", "Record a placement (work found), through the station or not").body::<PlacementDraft>(),
        create_placement)
    .api(Method::GET, "/api/v1/placements", view_work,
        ApiDoc::ok::<Listing<Placement>>(T, "placements_list", "Placements, newest first, with the latest follow-up's outcome").query(&[("page", "1-based page")]),
        list_placements)
    .api(Method::POST, "/api/v1/followups", manage_work,
        ApiDoc::created::<Created>(T, "followups_create", "Record a follow-up of a placement (due at 1, 3 and 6 months)").body::<FollowupDraft>(),
        create_followup)
    .api(Method::GET, "/api/v1/followups/due", view_work,
        ApiDoc::ok::<Listing<DueFollowup>>(T, "followups_due", "Follow-ups owed within the next week, overdue ones included"),
        followups_due)
    .api(Method::POST, "/api/v1/job-seekers", manage_work,
        ApiDoc::created::<Created>(T, "job_seekers_create", "Register a resident as a job seeker").body::<SeekerDraft>(),
        create_seeker)
    .api(Method::POST, "/api/v1/openings", manage_work,
        ApiDoc::created::<Created>(T, "openings_create", "Post an opening from an employer").body::<OpeningDraft>(),
        create_opening)
}
