//! JSON API of learning and the employment station (issue 6). The contract's operations
//! (courses_create, enrolments_create, attendance_record, enrolments_set_status,
//! placements_create, followups_create) keep exactly the fields.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use linli_app::employment::{
    self as work, FollowupDraft, OpeningDraft, PlacementDraft, SeekerDraft,
};
use linli_app::learning::{
    self as ops, AttendanceDraft, CourseDraft, Created, EnrolDraft, Listing, SessionDraft,
};
use linli_core::Action;
use linli_store::learning::{Course, DueFollowup, Placement};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

fn created<T: Serialize>(v: T) -> Response {
    (StatusCode::CREATED, Json(v)).into_response()
}

async fn create_course(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<CourseDraft>,
) -> Result<Response, AppError> {
    let v: Created = ops::create_course(&state.app, &ctx.actor()?, d).await?;
    Ok(created(v))
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

async fn list_courses(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<YearQuery>,
) -> Result<Json<Listing<Course>>, AppError> {
    Ok(Json(ops::courses(&state.app, &ctx.actor()?, q.year).await?))
}

async fn get_course(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let detail = ops::course_detail(&state.app, &ctx.actor()?, id).await?;
    // Through a JSON value: the fields come out in the order they always did.
    Ok(Json(json!(detail)))
}

async fn create_session(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<SessionDraft>,
) -> Result<Response, AppError> {
    Ok(created(
        ops::add_session(&state.app, &ctx.actor()?, d).await?,
    ))
}

async fn create_enrolment(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<EnrolDraft>,
) -> Result<Response, AppError> {
    Ok(created(ops::enrol(&state.app, &ctx.actor()?, d).await?))
}

#[derive(Deserialize)]
struct StatusBody {
    #[serde(default)]
    status: String,
}

async fn set_enrolment_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<StatusBody>,
) -> Result<Json<ops::StatusChanged>, AppError> {
    Ok(Json(
        ops::set_status(&state.app, &ctx.actor()?, id, &b.status).await?,
    ))
}

#[derive(Deserialize)]
struct AttendanceBody {
    #[serde(default)]
    session_id: i64,
    #[serde(default)]
    resident_ids: Vec<i64>,
    /// `paper` when the names come from a signed sheet entered afterwards.
    #[serde(default)]
    source: Option<String>,
}

async fn record_attendance(
    State(state): State<AppState>,
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
    Ok(Json(
        ops::record_attendance(&state.app, &ctx.actor()?, d).await?,
    ))
}

async fn create_placement(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<PlacementDraft>,
) -> Result<Response, AppError> {
    Ok(created(
        work::create_placement(&state.app, &ctx.actor()?, d).await?,
    ))
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<i64>,
}

async fn list_placements(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Json<Listing<Placement>>, AppError> {
    let page = q.page.unwrap_or(1).max(1);
    Ok(Json(
        work::placements(&state.app, &ctx.actor()?, page, super::PER_PAGE).await?,
    ))
}

async fn create_followup(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<FollowupDraft>,
) -> Result<Response, AppError> {
    Ok(created(
        work::create_followup(&state.app, &ctx.actor()?, d).await?,
    ))
}

async fn create_seeker(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<SeekerDraft>,
) -> Result<Response, AppError> {
    Ok(created(
        work::create_seeker(&state.app, &ctx.actor()?, d).await?,
    ))
}

async fn create_opening(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<OpeningDraft>,
) -> Result<Response, AppError> {
    Ok(created(
        work::create_opening(&state.app, &ctx.actor()?, d).await?,
    ))
}

async fn followups_due(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Listing<DueFollowup>>, AppError> {
    let actor = ctx.actor()?;
    let until = actor.today() + chrono::Days::new(7);
    Ok(Json(work::followups_due(&state.app, &actor, until).await?))
}

fn doc(operation_id: &'static str, summary: &'static str, body: Option<Value>) -> ApiDoc {
    ApiDoc {
        operation_id,
        summary,
        tag: "learning",
        query: &[],
        body,
        response: None,
    }
}

fn object(required: &[&str], properties: Value) -> Option<Value> {
    Some(json!({"type": "object", "required": required, "properties": properties}))
}

pub fn routes(t: Table) -> Table {
    let view = Policy::Signed(Action::ViewLearning);
    let manage = Policy::Signed(Action::ManageLearning);
    let view_work = Policy::Signed(Action::ViewEmployment);
    let manage_work = Policy::Signed(Action::ManageEmployment);
    let date = json!({"type": "string", "format": "date"});
    t.api(Method::POST, "/api/v1/courses", manage,
        doc("courses_create", "Create a course; vocational courses count toward the employment figures",
            object(&["name", "category", "starts_on", "ends_on"], json!({
                "name": {"type": "string"},
                "category": {"type": "string", "enum": ["party_study", "culture", "elderly_university", "vocational_training", "livelihood"]},
                "vocational": {"type": "boolean"}, "starts_on": date, "ends_on": date,
                "venue_id": {"type": "integer"}, "capacity": {"type": "integer", "minimum": 1},
                "teacher_kind": {"type": "string", "enum": ["resident", "partner", "outside"]}, "teacher_name": {"type": "string"},
                "teacher_resident_id": {"type": "integer"}, "eligibility": {"type": "string"},
                "completion_percent": {"type": "integer", "minimum": 1, "maximum": 100}, "description": {"type": "string"}, "listed": {"type": "boolean"}}))),
        create_course)
    .api(Method::GET, "/api/v1/courses", view,
        ApiDoc { operation_id: "courses_list", summary: "Courses of the community with their counts (enrolled and completed are 人数)", tag: "learning", query: &[("year", "courses running during this year")], body: None, response: None },
        list_courses)
    .api(Method::GET, "/api/v1/courses/{id}", view, doc("courses_get", "One course with its sessions and enrolments (attended sessions per person)", None), get_course)
    .api(Method::POST, "/api/v1/sessions", manage,
        doc("sessions_create", "Schedule a session of a course", object(&["course_id", "held_on"], json!({
            "course_id": {"type": "integer"}, "held_on": date, "starts_at": {"type": "string", "example": "14:30"},
            "ends_at": {"type": "string"}, "topic": {"type": "string"}}))),
        create_session)
    .api(Method::POST, "/api/v1/enrolments", manage,
        doc("enrolments_create", "Enrol a resident; a full course puts them on the waiting list",
            object(&["course_id", "resident_id"], json!({"course_id": {"type": "integer"}, "resident_id": {"type": "integer"}}))),
        create_enrolment)
    .api(Method::POST, "/api/v1/enrolments/{id}/status", manage,
        doc("enrolments_set_status", "Confirm a completion (the course's rule must be met) or record a drop-out (the seat goes to the waiting list)",
            object(&["status"], json!({"status": {"type": "string", "enum": ["completed", "dropped"]}}))),
        set_enrolment_status)
    .api(Method::POST, "/api/v1/attendance", manage,
        doc("attendance_record", "Record residents present at a session (each must hold a seat on the course); source `paper` for a signed sheet entered afterwards",
            object(&["session_id", "resident_ids"], json!({"session_id": {"type": "integer"}, "resident_ids": {"type": "array", "items": {"type": "integer"}},
                "source": {"type": "string", "enum": ["roll_call", "paper"]}}))),
        record_attendance)
    .api(Method::POST, "/api/v1/placements", manage_work,
        doc("placements_create", "Record a placement (work found), through the station or not",
            object(&["resident_id", "employer", "job", "starts_on", "via_station"], json!({
                "resident_id": {"type": "integer"}, "employer": {"type": "string"}, "job": {"type": "string"}, "starts_on": date,
                "via_station": {"type": "boolean"}, "contract_type": {"type": "string", "enum": ["labour", "fixed_term", "part_time", "flexible", "self_employed"]},
                "opening_id": {"type": "integer"}, "note": {"type": "string"}}))),
        create_placement)
    .api(Method::GET, "/api/v1/placements", view_work,
        ApiDoc { operation_id: "placements_list", summary: "Placements, newest first, with the latest follow-up's outcome", tag: "learning", query: &[("page", "1-based page")], body: None, response: None },
        list_placements)
    .api(Method::POST, "/api/v1/followups", manage_work,
        doc("followups_create", "Record a follow-up of a placement (due at 1, 3 and 6 months)",
            object(&["placement_id", "on", "outcome"], json!({"placement_id": {"type": "integer"}, "on": date,
                "outcome": {"type": "string", "enum": ["employed", "left", "unknown"]}, "note": {"type": "string"}}))),
        create_followup)
    .api(Method::GET, "/api/v1/followups/due", view_work, doc("followups_due", "Follow-ups owed within the next week, overdue ones included", None), followups_due)
    .api(Method::POST, "/api/v1/job-seekers", manage_work,
        doc("job_seekers_create", "Register a resident as a job seeker", object(&["resident_id"], json!({
            "resident_id": {"type": "integer"}, "skills": {"type": "string"}, "wishes": {"type": "string"},
            "hours": {"type": "string", "enum": ["full_time", "part_time", "shifts", "any"]}, "max_km": {"type": "integer"}, "note": {"type": "string"}}))),
        create_seeker)
    .api(Method::POST, "/api/v1/openings", manage_work,
        doc("openings_create", "Post an opening from an employer", object(&["employer", "job"], json!({
            "employer": {"type": "string"}, "job": {"type": "string"}, "requirements": {"type": "string"}, "pay": {"type": "string"},
            "hours": {"type": "string", "enum": ["full_time", "part_time", "shifts", "any"]}, "place": {"type": "string"},
            "distance_km": {"type": "integer"}, "slots": {"type": "integer"}}))),
        create_opening)
}
