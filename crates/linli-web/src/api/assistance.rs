//! Assistance's JSON operations (contract names of the assistance issue).

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Path, Query};
use axum::http::Method;
use axum::response::Response;
use chrono::NaiveDate;
use linli_app::assistance::{
    self as ops, ApplicationDraft, ApplicationOpened, AuthorisationDraft, AuthorisationRecorded,
    CaseDraft, CaseStatusDraft, DecisionDraft, HelpDraft, Posting, RecheckDraft, RecheckRecorded,
    StationDraft, StepDraft,
};
use linli_core::Action;
use linli_store::assistance::{Application, Case, HelpRecord, Station};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Listed, NewId, created, created_id};
use linli_core::assistance::CaseStatus;

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
    status: CaseStatus,
    closed_reason: String,
    next_review_on: Option<NaiveDate>,
    conflict_of_interest: bool,
    created_at: linli_core::clock::Stamp,
    help_count: i64,
    last_help_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kinds: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    needs: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    legal_basis: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consent_on: Option<Option<NaiveDate>>,
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

async fn create_case(ctx: Ctx, Json(d): Json<CaseDraft>) -> Result<Response, AppError> {
    let id = ops::create_case(&ctx.state.app, &ctx.actor()?, d).await?;
    Ok(created_id(id))
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
}

async fn list_cases(
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Json<Listed<CaseJson>>, AppError> {
    let actor = ctx.actor()?;
    let cases = ops::list_cases(&ctx.state.app, &actor, q.status).await?;
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

async fn get_case(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<CaseFileJson>, AppError> {
    let actor = ctx.actor()?;
    let file = ops::case_file(&ctx.state.app, &actor, id).await?;
    let sensitive = ops::sees_sensitive(&actor, &file.case);
    Ok(Json(CaseFileJson { case: case_json(file.case, sensitive), help: file.help }))
}

/// Closes a case (with its reason), puts it under monitoring or opens it again; answers the
/// case as it now stands.
async fn set_case_status(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(d): Json<CaseStatusDraft>,
) -> Result<Json<CaseFileJson>, AppError> {
    ops::set_case_status(&ctx.state.app, &ctx.actor()?, id, d).await?;
    get_case(ctx, Path(id)).await
}

async fn create_help(ctx: Ctx, Json(d): Json<HelpDraft>) -> Result<Response, AppError> {
    let id = ops::add_help(&ctx.state.app, &ctx.actor()?, d).await?;
    Ok(created_id(id))
}

async fn create_application(
    ctx: Ctx,
    Json(d): Json<ApplicationDraft>,
) -> Result<Response, AppError> {
    let v = ops::open_application(&ctx.state.app, &ctx.actor()?, d).await?;
    Ok(created(v))
}

async fn get_application(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<Application>, AppError> {
    let actor = ctx.actor()?;
    let a = ops::load_application(&ctx.state.app, &actor, id, Action::ViewCases).await?;
    Ok(Json(ops::viewed_application(&actor, a)))
}

#[derive(Deserialize, JsonSchema)]
struct StepBody {
    step_id: i64,
    /// YYYY-MM-DD
    done_on: String,
    #[serde(default)]
    note: String,
    /// The household survey's investigators (低保 `survey_start`: at least two, §16).
    #[serde(default)]
    investigators: Vec<String>,
    /// 低保 `first_review_posting` (§24): the household's size, if not recorded before.
    #[serde(default)]
    household_size: Option<i64>,
    /// 低保 `first_review_posting` (§24): the monthly amount proposed, in fen.
    #[serde(default)]
    monthly_amount_fen: Option<i64>,
}

/// A step marked done.
#[derive(Serialize, JsonSchema)]
struct StepDone {
    id: i64,
    step_id: i64,
    done_on: String,
}

async fn complete_step(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<StepBody>,
) -> Result<Json<StepDone>, AppError> {
    ops::complete_step(
        &ctx.state.app,
        &ctx.actor()?,
        id,
        b.step_id,
        StepDraft {
            done_on: b.done_on.clone(),
            note: b.note,
            investigators: b.investigators,
            household_size: b.household_size,
            monthly_amount_fen: b.monthly_amount_fen,
        },
    )
    .await?;
    Ok(Json(StepDone { id, step_id: b.step_id, done_on: b.done_on }))
}

/// Records the decision as it comes; answers the application as it now stands.
async fn decide_application(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<DecisionDraft>,
) -> Result<Json<Application>, AppError> {
    let actor = ctx.actor()?;
    ops::decide_application(
        &ctx.state.app,
        &actor,
        id,
        &b.status,
        &b.decided_on,
        b.recheck_cycle.as_deref(),
    )
    .await?;
    let a = ops::load_application(&ctx.state.app, &actor, id, Action::ViewCases).await?;
    Ok(Json(ops::viewed_application(&actor, a)))
}

async fn record_recheck(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<RecheckDraft>,
) -> Result<Json<RecheckRecorded>, AppError> {
    Ok(Json(ops::record_recheck(&ctx.state.app, &ctx.actor()?, id, b).await?))
}

async fn record_authorisation(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<AuthorisationDraft>,
) -> Result<Json<AuthorisationRecorded>, AppError> {
    Ok(Json(ops::record_authorisation(&ctx.state.app, &ctx.actor()?, id, b).await?))
}

#[derive(Deserialize)]
struct PostingQuery {
    on: Option<String>,
}

/// The first-review 公示 up on a day (today by default): name, household size, amount.
async fn dibao_posting(ctx: Ctx, Query(q): Query<PostingQuery>) -> Result<Json<Posting>, AppError> {
    let actor = ctx.actor()?;
    let on = q.on.unwrap_or_else(|| actor.today().format("%Y-%m-%d").to_string());
    Ok(Json(ops::posting(&ctx.state.app, &actor, &on).await?))
}

async fn create_station(ctx: Ctx, Json(b): Json<StationDraft>) -> Result<Response, AppError> {
    let id = ops::create_station(&ctx.state.app, &ctx.actor()?, b).await?;
    Ok(created_id(id))
}

async fn list_stations(ctx: Ctx) -> Result<Json<Listed<Station>>, AppError> {
    let all = ops::stations(&ctx.state.app, &ctx.actor()?).await?;
    Ok(Listed::of(all))
}

/// The years the working-day calendar knows, with their days and where each came from.
async fn calendar_years(ctx: Ctx) -> Result<Json<linli_app::calendar::CalendarYears>, AppError> {
    Ok(Json(linli_app::calendar::years(&ctx.state.app, &ctx.actor()?).await?))
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
    .api(
        Method::POST,
        "/api/v1/applications/{id}/decision",
        Policy::Signed(Action::ManageCases),
        ApiDoc::ok::<Application>(
            T,
            "applications_decide",
            "Record the street's or county's decision; a granted 低保 stores its recheck cycle (§31)",
        )
        .body::<DecisionDraft>(),
        decide_application,
    )
    .api(
        Method::POST,
        "/api/v1/applications/{id}/rechecks",
        Policy::Signed(Action::ManageCases),
        ApiDoc::ok::<RecheckRecorded>(
            T,
            "applications_record_recheck",
            "Record the recheck of a granted 低保 household (§31); the next one is due a cycle later",
        )
        .body::<RecheckDraft>(),
        record_recheck,
    )
    .api(
        Method::POST,
        "/api/v1/applications/{id}/authorisation",
        Policy::Signed(Action::ManageCases),
        ApiDoc::ok::<AuthorisationRecorded>(
            T,
            "applications_record_authorisation",
            "Record the family's written authorisation of an application the committee makes on its behalf (§6)",
        )
        .body::<AuthorisationDraft>(),
        record_authorisation,
    )
    .api(
        Method::GET,
        "/api/v1/dibao/posting",
        Policy::Signed(Action::ManageCases),
        ApiDoc::ok::<Posting>(
            T,
            "dibao_posting",
            "The first-review 公示 up on a day: only name, household size and monthly amount (§24); audited",
        )
        .query(&[("on", "YYYY-MM-DD, today by default")]),
        dibao_posting,
    )
}
