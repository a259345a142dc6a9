//! Assistance's JSON operations (contract names of the assistance issue).

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::Method;
use axum::response::Response;
use linli_app::assistance::{
    self as ops, ApplicationDraft, ApplicationOpened, CaseDraft, CaseStatusDraft, HelpDraft,
    StationDraft,
};
use linli_core::Action;
use linli_store::assistance::{Application, Case, HelpRecord, Station};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Listed, NewId, created, created_id};

/// A case as the API shows it. The sensitive fields (kinds, story, needs, legal basis, consent,
/// conflict note) are left out for callers who only view the case (PIPL §28).
#[derive(Serialize, JsonSchema)]
struct CaseJson {
    id: i64,
    household_id: Option<i64>,
    resident_id: Option<i64>,
    resident_name: Option<String>,
    address: String,
    worker_id: Option<i64>,
    worker_name: Option<String>,
    status: String,
    closed_reason: String,
    next_review_on: Option<String>,
    conflict_of_interest: bool,
    created_at: String,
    help_count: i64,
    last_help_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kinds: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    needs: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    legal_basis: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consent_on: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    conflict_note: Option<String>,
}

fn case_json(k: Case, sensitive: bool) -> CaseJson {
    let only = |v| if sensitive { Some(v) } else { None };
    CaseJson {
        id: k.id,
        household_id: k.household_id,
        resident_id: k.resident_id,
        resident_name: k.resident_name,
        address: k.address,
        worker_id: k.worker_id,
        worker_name: k.worker_name,
        status: k.status,
        closed_reason: k.closed_reason,
        next_review_on: k.next_review_on,
        conflict_of_interest: k.conflict_of_interest,
        created_at: k.created_at,
        help_count: k.help_count,
        last_help_on: k.last_help_on,
        kinds: sensitive.then_some(k.kinds),
        summary: only(k.summary),
        needs: only(k.needs),
        legal_basis: only(k.legal_basis),
        consent_on: sensitive.then_some(k.consent_on),
        conflict_note: only(k.conflict_note),
    }
}

/// A case with its help timeline.
#[derive(Serialize, JsonSchema)]
struct CaseFileJson {
    #[serde(flatten)]
    case: CaseJson,
    help: Vec<HelpRecord>,
}

async fn create_case(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<CaseDraft>,
) -> Result<Response, AppError> {
    let id = ops::create_case(&state.app, &ctx.actor()?, d).await?;
    Ok(created_id(id))
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
}

async fn list_cases(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Json<Listed<CaseJson>>, AppError> {
    let actor = ctx.actor()?;
    let cases = ops::list_cases(&state.app, &actor, q.status).await?;
    Ok(Listed::of(
        cases
            .into_iter()
            .map(|k| {
                let sensitive = ops::sees_sensitive(&actor, &k);
                case_json(k, sensitive)
            })
            .collect(),
    ))
}

async fn get_case(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<CaseFileJson>, AppError> {
    let actor = ctx.actor()?;
    let file = ops::case_file(&state.app, &actor, id).await?;
    let sensitive = ops::sees_sensitive(&actor, &file.case);
    Ok(Json(CaseFileJson {
        case: case_json(file.case, sensitive),
        help: file.help,
    }))
}

/// Closes a case (with its reason), puts it under monitoring or opens it again; answers the
/// case as it now stands.
async fn set_case_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(d): Json<CaseStatusDraft>,
) -> Result<Json<CaseFileJson>, AppError> {
    ops::set_case_status(&state.app, &ctx.actor()?, id, d).await?;
    get_case(State(state), ctx, Path(id)).await
}

async fn create_help(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<HelpDraft>,
) -> Result<Response, AppError> {
    let id = ops::add_help(&state.app, &ctx.actor()?, d).await?;
    Ok(created_id(id))
}

async fn create_application(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<ApplicationDraft>,
) -> Result<Response, AppError> {
    let v = ops::open_application(&state.app, &ctx.actor()?, d).await?;
    Ok(created(v))
}

async fn get_application(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<Application>, AppError> {
    let a = ops::load_application(&state.app, &ctx.actor()?, id, Action::ViewCases).await?;
    Ok(Json(a))
}

#[derive(Deserialize, JsonSchema)]
struct StepBody {
    step_id: i64,
    /// YYYY-MM-DD
    done_on: String,
    #[serde(default)]
    note: String,
}

/// A step marked done.
#[derive(Serialize, JsonSchema)]
struct StepDone {
    id: i64,
    step_id: i64,
    done_on: String,
}

async fn complete_step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<StepBody>,
) -> Result<Json<StepDone>, AppError> {
    ops::complete_step(
        &state.app,
        &ctx.actor()?,
        id,
        b.step_id,
        &b.done_on,
        &b.note,
    )
    .await?;
    Ok(Json(StepDone {
        id,
        step_id: b.step_id,
        done_on: b.done_on,
    }))
}

async fn create_station(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(b): Json<StationDraft>,
) -> Result<Response, AppError> {
    let id = ops::create_station(&state.app, &ctx.actor()?, b).await?;
    Ok(created_id(id))
}

async fn list_stations(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Listed<Station>>, AppError> {
    let all = ops::stations(&state.app, &ctx.actor()?).await?;
    Ok(Listed::of(all))
}

/// The years the working-day calendar knows, with their days and where each came from.
async fn calendar_years(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<linli_app::calendar::CalendarYears>, AppError> {
    Ok(Json(
        linli_app::calendar::years(&state.app, &ctx.actor()?).await?,
    ))
}

pub fn routes(t: Table) -> Table {
    const T: &str = "assistance";
    t.api(
        Method::GET,
        "/api/v1/calendar/years",
        Policy::Signed(Action::ManageCalendar),
        ApiDoc::ok::<linli_app::calendar::CalendarYears>(
            T,
            "calendar_years",
            "The years the working-day calendar knows (official: shipped; edited: loaded), with their holidays and make-up working days",
        ),
        calendar_years,
    )
    .api(
        Method::POST,
        "/api/v1/cases",
        Policy::Signed(Action::ManageCases),
        ApiDoc::created::<NewId>(
            T,
            "cases_create",
            "Open a hardship case file for a household (or the household of a resident)",
        )
        .body::<CaseDraft>(),
        create_case,
    )
    .api(
        Method::GET,
        "/api/v1/cases",
        Policy::Signed(Action::ViewCases),
        ApiDoc::ok::<Listed<CaseJson>>(
            T,
            "cases_list",
            "Cases in the caller's scope (sensitive fields only for those who work them)",
        )
        .query(&[("status", "open, monitoring or closed")]),
        list_cases,
    )
    .api(
        Method::GET,
        "/api/v1/cases/{id}",
        Policy::Signed(Action::ViewCases),
        ApiDoc::ok::<CaseFileJson>(T, "cases_get", "One case with its help timeline"),
        get_case,
    )
    .api(
        Method::POST,
        "/api/v1/cases/{id}/status",
        Policy::Signed(Action::ManageCases),
        ApiDoc::ok::<CaseFileJson>(
            T,
            "cases_set_status",
            "Close a case with its reason, put it under monitoring, or open it again",
        )
        .body::<CaseStatusDraft>(),
        set_case_status,
    )
    .api(
        Method::POST,
        "/api/v1/help-records",
        Policy::Signed(Action::ManageCases),
        ApiDoc::created::<NewId>(
            T,
            "help_records_create",
            "Record help given: cash, goods (with quantities), a service or a visit",
        )
        .body::<HelpDraft>(),
        create_help,
    )
    .api(
        Method::POST,
        "/api/v1/applications",
        Policy::Signed(Action::ManageCases),
        ApiDoc::created::<ApplicationOpened>(
            T,
            "applications_create",
            "Open a policy application; its steps come with due dates on the working-day calendar",
        )
        .body::<ApplicationDraft>(),
        create_application,
    )
    .api(
        Method::GET,
        "/api/v1/stations",
        Policy::Signed(Action::ViewResidents),
        ApiDoc::ok::<Listed<Station>>(
            T,
            "stations_list",
            "The community's convenience service stations",
        ),
        list_stations,
    )
    .api(
        Method::POST,
        "/api/v1/stations",
        Policy::Signed(Action::ManageCases),
        ApiDoc::created::<NewId>(
            T,
            "stations_create",
            "Register a convenience service station",
        )
        .body::<StationDraft>(),
        create_station,
    )
    .api(
        Method::GET,
        "/api/v1/applications/{id}",
        Policy::Signed(Action::ViewCases),
        ApiDoc::ok::<Application>(T, "applications_get", "One application with its steps"),
        get_application,
    )
    .api(
        Method::POST,
        "/api/v1/applications/{id}/steps",
        Policy::Signed(Action::ManageCases),
        ApiDoc::ok::<StepDone>(
            T,
            "applications_complete_step",
            "Mark a step of an application done",
        )
        .body::<StepBody>(),
        complete_step,
    )
}
