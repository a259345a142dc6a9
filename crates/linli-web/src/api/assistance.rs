//! Assistance's JSON operations (contract names of the assistance issue).

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use linli_app::assistance::{
    self as ops, ApplicationDraft, CaseDraft, HelpDraft, SENSITIVE_FIELDS, StationDraft,
};
use linli_core::Action;
use serde::Deserialize;
use serde_json::{Value, json};

async fn create_case(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<CaseDraft>,
) -> Result<Response, AppError> {
    let id = ops::create_case(&state.app, &ctx.actor()?, d).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))).into_response())
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
}

async fn list_cases(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, AppError> {
    let actor = ctx.actor()?;
    let cases = ops::list_cases(&state.app, &actor, q.status).await?;
    let items: Vec<Value> = cases
        .iter()
        .map(|k| {
            let mut v = json!(k);
            // Sensitive fields only for those who work the case (PIPL §28).
            if !ops::sees_sensitive(&actor, k)
                && let Some(o) = v.as_object_mut()
            {
                for f in SENSITIVE_FIELDS {
                    o.remove(f);
                }
            }
            v
        })
        .collect();
    Ok(Json(json!({"total": items.len(), "items": items})))
}

async fn get_case(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let actor = ctx.actor()?;
    let file = ops::case_file(&state.app, &actor, id).await?;
    let sensitive = ops::sees_sensitive(&actor, &file.case);
    let help = file.help;
    let mut v = json!(file.case);
    if let Some(o) = v.as_object_mut() {
        if !sensitive {
            for f in SENSITIVE_FIELDS {
                o.remove(f);
            }
        }
        o.insert("help".into(), json!(help));
    }
    Ok(Json(v))
}

async fn create_help(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<HelpDraft>,
) -> Result<Response, AppError> {
    let id = ops::add_help(&state.app, &ctx.actor()?, d).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))).into_response())
}

async fn create_application(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<ApplicationDraft>,
) -> Result<Response, AppError> {
    let v = ops::open_application(&state.app, &ctx.actor()?, d).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

async fn get_application(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let a = ops::load_application(&state.app, &ctx.actor()?, id, Action::ViewCases).await?;
    Ok(Json(json!(a)))
}

#[derive(Deserialize)]
struct StepBody {
    step_id: i64,
    done_on: String,
    #[serde(default)]
    note: String,
}

async fn complete_step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<StepBody>,
) -> Result<Json<Value>, AppError> {
    ops::complete_step(
        &state.app,
        &ctx.actor()?,
        id,
        b.step_id,
        &b.done_on,
        &b.note,
    )
    .await?;
    Ok(Json(
        json!({"id": id, "step_id": b.step_id, "done_on": b.done_on}),
    ))
}

async fn create_station(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(b): Json<StationDraft>,
) -> Result<Response, AppError> {
    let id = ops::create_station(&state.app, &ctx.actor()?, b).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))).into_response())
}

async fn list_stations(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Value>, AppError> {
    let all = ops::stations(&state.app, &ctx.actor()?).await?;
    Ok(Json(json!({"total": all.len(), "items": all})))
}

fn doc(operation_id: &'static str, summary: &'static str, body: Option<Value>) -> ApiDoc {
    ApiDoc {
        operation_id,
        summary,
        tag: "assistance",
        query: &[],
        body,
        response: None,
    }
}

pub fn routes(t: Table) -> Table {
    t.api(Method::POST, "/api/v1/cases", Policy::Signed(Action::ManageCases),
        doc("cases_create", "Open a hardship case file for a household (or the household of a resident)",
            Some(json!({"type": "object", "required": ["kinds", "summary"], "properties": {
                "household_id": {"type": "integer"}, "resident_id": {"type": "integer"},
                "kinds": {"type": "array", "items": {"type": "string", "enum": ["illness", "disability", "unemployment", "disaster", "elderly_alone", "education", "housing", "other"]}},
                "summary": {"type": "string"}, "needs": {"type": "string"}, "legal_basis": {"type": "string", "enum": ["consent", "statutory"]},
                "consent_on": {"type": "string", "format": "date"}, "conflict_of_interest": {"type": "boolean"}, "conflict_note": {"type": "string"},
                "next_review_on": {"type": "string", "format": "date"}}}))),
        create_case)
    .api(Method::GET, "/api/v1/cases", Policy::Signed(Action::ViewCases),
        ApiDoc { operation_id: "cases_list", summary: "Cases in the caller's scope (sensitive fields only for those who work them)", tag: "assistance", query: &[("status", "open, monitoring or closed")], body: None, response: None },
        list_cases)
    .api(Method::GET, "/api/v1/cases/{id}", Policy::Signed(Action::ViewCases), doc("cases_get", "One case with its help timeline", None), get_case)
    .api(Method::POST, "/api/v1/help-records", Policy::Signed(Action::ManageCases),
        doc("help_records_create", "Record help given: cash, goods (with quantities), a service or a visit",
            Some(json!({"type": "object", "required": ["case_id", "kind", "on"], "properties": {
                "case_id": {"type": "integer"}, "kind": {"type": "string", "enum": ["cash", "goods", "service", "visit"]},
                "on": {"type": "string", "format": "date"}, "amount_fen": {"type": "integer"},
                "items": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "quantity": {"type": "string"}}}},
                "source": {"type": "string"}, "note": {"type": "string"}, "participants": {"type": "string"}}}))),
        create_help)
    .api(Method::POST, "/api/v1/applications", Policy::Signed(Action::ManageCases),
        doc("applications_create", "Open a policy application; its steps come with due dates on the working-day calendar",
            Some(json!({"type": "object", "required": ["resident_id", "kind", "accepted_on"], "properties": {
                "resident_id": {"type": "integer"}, "kind": {"type": "string", "enum": ["dibao", "public_housing", "medical_aid", "temporary_aid", "disability_allowance"]},
                "accepted_on": {"type": "string", "format": "date"}, "case_id": {"type": "integer"}, "special": {"type": "boolean"}, "entrusted": {"type": "boolean"}}}))),
        create_application)
    .api(Method::GET, "/api/v1/stations", Policy::Signed(Action::ViewResidents), doc("stations_list", "The community's convenience service stations", None), list_stations)
    .api(Method::POST, "/api/v1/stations", Policy::Signed(Action::ManageCases),
        doc("stations_create", "Register a convenience service station",
            Some(json!({"type": "object", "required": ["name", "services"], "properties": {"name": {"type": "string"}, "keeper_resident_id": {"type": "integer"},
                "services": {"type": "string"}, "hours": {"type": "string"}, "location": {"type": "string"}, "contact": {"type": "string"}}}))),
        create_station)
    .api(Method::GET, "/api/v1/applications/{id}", Policy::Signed(Action::ViewCases), doc("applications_get", "One application with its steps", None), get_application)
    .api(Method::POST, "/api/v1/applications/{id}/steps", Policy::Signed(Action::ManageCases),
        doc("applications_complete_step", "Mark a step of an application done",
            Some(json!({"type": "object", "required": ["step_id", "done_on"], "properties": {"step_id": {"type": "integer"}, "done_on": {"type": "string", "format": "date"}, "note": {"type": "string"}}}))),
        complete_step)
}
