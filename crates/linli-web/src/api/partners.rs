//! JSON API of partner linkage and issue reports (contract names of issue 7).

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use linli_app::affairs::{
    self, AffairDraft, AffairRow, AffairState, AffairView, AssignDraft, CategoryDraft, StatusFilter,
};
use linli_app::partners::{
    self as ops, ActivityDraft, AgreementDraft, ClaimDecision, NeedDraft, NeedState, PartnerDraft,
    PartnerView,
};
use linli_core::Action;
use linli_core::partners::AffairStatus;
use linli_store::partners::Agreement;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

fn created(id: i64) -> Response {
    (StatusCode::CREATED, Json(json!({"id": id}))).into_response()
}

/// A list as the API sends it.
#[derive(Serialize)]
struct Listed<T> {
    total: usize,
    items: Vec<T>,
}

impl<T> Listed<T> {
    fn of(items: Vec<T>) -> Json<Self> {
        Json(Listed {
            total: items.len(),
            items,
        })
    }
}

async fn create_partner(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(b): Json<PartnerDraft>,
) -> Result<Response, AppError> {
    Ok(created(
        ops::create_partner(&state.app, &ctx.actor()?, b).await?,
    ))
}

async fn list_partners(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Listed<linli_store::partners::Partner>>, AppError> {
    Ok(Listed::of(
        ops::list_partners(&state.app, &ctx.actor()?).await?,
    ))
}

async fn get_partner(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<PartnerView>, AppError> {
    Ok(Json(
        ops::partner_view(&state.app, &ctx.actor()?, id).await?,
    ))
}

async fn create_agreement(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<AgreementDraft>,
) -> Result<Response, AppError> {
    Ok(created(
        ops::create_agreement(&state.app, &ctx.actor()?, d).await?,
    ))
}

async fn get_agreement(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<Agreement>, AppError> {
    Ok(Json(ops::agreement(&state.app, &ctx.actor()?, id).await?))
}

async fn create_activity(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<ActivityDraft>,
) -> Result<Response, AppError> {
    Ok(created(
        ops::record_activity(&state.app, &ctx.actor()?, d, Vec::new()).await?,
    ))
}

async fn create_need(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<NeedDraft>,
) -> Result<Response, AppError> {
    Ok(created(
        ops::create_need(&state.app, &ctx.actor()?, d).await?,
    ))
}

async fn list_needs(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Listed<linli_store::partners::Need>>, AppError> {
    Ok(Listed::of(ops::needs(&state.app, &ctx.actor()?).await?))
}

#[derive(Deserialize, Default)]
struct ClaimBody {
    #[serde(default)]
    partner_id: Option<i64>,
    #[serde(default)]
    note: String,
}

async fn claim_need(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    body: Option<Json<ClaimBody>>,
) -> Result<Json<NeedState>, AppError> {
    let b = body.map(|Json(b)| b).unwrap_or_default();
    Ok(Json(
        ops::claim_need(&state.app, &ctx.actor()?, id, b.partner_id, &b.note).await?,
    ))
}

#[derive(Deserialize)]
struct ConfirmBody {
    #[serde(default = "yes")]
    confirm: bool,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    plan: String,
    #[serde(default)]
    milestones: String,
}

fn yes() -> bool {
    true
}

async fn confirm_need(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<ConfirmBody>,
) -> Result<Json<NeedState>, AppError> {
    let d = ClaimDecision {
        confirm: b.confirm,
        owner: b.owner,
        plan: b.plan,
        milestones: b.milestones,
    };
    Ok(Json(
        ops::decide_claim(&state.app, &ctx.actor()?, id, d).await?,
    ))
}

async fn create_affair(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<AffairDraft>,
) -> Result<Response, AppError> {
    let r = affairs::create_affair(&state.app, &ctx.actor()?, d, Vec::new()).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

async fn get_affair(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<AffairView>, AppError> {
    Ok(Json(
        affairs::affair_view(&state.app, &ctx.actor()?, id).await?,
    ))
}

#[derive(Deserialize)]
struct AffairListQuery {
    status: Option<String>,
}

async fn list_affairs(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AffairListQuery>,
) -> Result<Json<Listed<AffairRow>>, AppError> {
    let status = q
        .status
        .as_deref()
        .and_then(AffairStatus::parse)
        .map_or(StatusFilter::All, StatusFilter::Is);
    Ok(Listed::of(
        affairs::list_rows(&state.app, &ctx.actor()?, status).await?,
    ))
}

async fn assign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(d): Json<AssignDraft>,
) -> Result<Json<AffairView>, AppError> {
    let actor = ctx.actor()?;
    affairs::assign(&state.app, &actor, id, d).await?;
    Ok(Json(affairs::affair_view(&state.app, &actor, id).await?))
}

#[derive(Deserialize)]
struct NoteBody {
    #[serde(default)]
    note: String,
}

async fn progress(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<NoteBody>,
) -> Result<Json<AffairState>, AppError> {
    Ok(Json(
        affairs::progress(&state.app, &ctx.actor()?, id, &b.note).await?,
    ))
}

#[derive(Deserialize)]
struct ResolveBody {
    #[serde(default)]
    resolution: String,
}

async fn resolve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<ResolveBody>,
) -> Result<Json<AffairState>, AppError> {
    Ok(Json(
        affairs::resolve(&state.app, &ctx.actor()?, id, &b.resolution, Vec::new()).await?,
    ))
}

#[derive(Deserialize)]
struct RateBody {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    note: String,
}

async fn rate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<RateBody>,
) -> Result<Json<AffairState>, AppError> {
    Ok(Json(
        affairs::rate(&state.app, &ctx.actor()?, id, &b.rating, &b.note).await?,
    ))
}

async fn to_need(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    Ok(created(
        affairs::to_need(&state.app, &ctx.actor()?, id).await?,
    ))
}

async fn list_categories(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Listed<linli_store::affairs::Category>>, AppError> {
    Ok(Listed::of(
        affairs::categories(&state.app, &ctx.actor()?).await?,
    ))
}

#[derive(Deserialize)]
struct CategoriesBody {
    items: Vec<CategoryDraft>,
}

/// Replaces the community's categories (the defaults until then). Codes already used by
/// issues keep their meaning: a category left out is only hidden from new reports.
async fn set_categories(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(b): Json<CategoriesBody>,
) -> Result<Json<Listed<linli_store::affairs::Category>>, AppError> {
    Ok(Listed::of(
        affairs::set_categories(&state.app, &ctx.actor()?, b.items).await?,
    ))
}

fn doc(
    operation_id: &'static str,
    tag: &'static str,
    summary: &'static str,
    body: Option<Value>,
) -> ApiDoc {
    ApiDoc {
        operation_id,
        summary,
        tag,
        query: &[],
        body,
        response: None,
    }
}

const P: &str = "partners";
const A: &str = "affairs";

pub fn routes(t: Table) -> Table {
    let date = json!({"type": "string", "format": "date"});
    let activity_kinds = json!([
        "health_lecture",
        "physical_exam",
        "volunteer_service",
        "repair",
        "donation_in_kind",
        "other"
    ]);
    t.api(Method::POST, "/api/v1/partners", Policy::Signed(Action::ManagePartners),
        doc("partners_create", P, "Register a partner unit (共建单位)",
            Some(json!({"type": "object", "required": ["name", "kind"], "properties": {
                "name": {"type": "string"}, "kind": {"type": "string", "enum": ["government", "state_enterprise", "school", "hospital", "business", "social_org"]},
                "address": {"type": "string"}, "party_org": {"type": "string"}}}))),
        create_partner)
    .api(Method::GET, "/api/v1/partners", Policy::Signed(Action::ViewPartners), doc("partners_list", P, "Partner units (a liaison: its own)", None), list_partners)
    .api(Method::GET, "/api/v1/partners/{id}", Policy::Signed(Action::ViewPartners), doc("partners_get", P, "One partner unit with its agreements and this year's fulfilment", None), get_partner)
    .api(Method::POST, "/api/v1/agreements", Policy::Signed(Action::ManagePartners),
        doc("agreements_create", P, "Record a co-building agreement and its commitments (a renewal names the agreement it renews)",
            Some(json!({"type": "object", "required": ["partner_id", "signed_on", "valid_from", "valid_to"], "properties": {
                "partner_id": {"type": "integer"}, "signed_on": date, "valid_from": date, "valid_to": date,
                "commitments": {"type": "array", "items": {"type": "object", "required": ["kind", "target_per_year"], "properties": {
                    "kind": {"type": "string", "enum": activity_kinds}, "target_per_year": {"type": "integer", "minimum": 1}}}},
                "parties": {"type": "string"}, "body": {"type": "string"}, "renews_id": {"type": "integer"}}}))),
        create_agreement)
    .api(Method::GET, "/api/v1/agreements/{id}", Policy::Signed(Action::ViewPartners), doc("agreements_get", P, "One agreement (a liaison: its own unit's only)", None), get_agreement)
    .api(Method::POST, "/api/v1/partner-activities", Policy::Signed(Action::ActForPartner),
        doc("partner_activities_create", P, "Record an activity a partner delivered (fulfils its commitments)",
            Some(json!({"type": "object", "required": ["partner_id", "kind", "on"], "properties": {
                "partner_id": {"type": "integer"}, "kind": {"type": "string", "enum": activity_kinds}, "on": date,
                "participants": {"type": "integer"}, "hours": {"type": "number"}, "note": {"type": "string"}, "place": {"type": "string"}}}))),
        create_activity)
    .api(Method::GET, "/api/v1/needs", Policy::Signed(Action::ViewPartners), doc("needs_list", P, "The needs list with its projects", None), list_needs)
    .api(Method::POST, "/api/v1/needs", Policy::Signed(Action::ManagePartners),
        doc("needs_create", P, "Put a need on the needs list",
            Some(json!({"type": "object", "required": ["title"], "properties": {"title": {"type": "string"}, "description": {"type": "string"},
                "place": {"type": "string"}, "urgency": {"type": "string", "enum": ["normal", "urgent"]}, "raised_by": {"type": "string"}}}))),
        create_need)
    .api(Method::POST, "/api/v1/needs/{id}/claim", Policy::Signed(Action::ActForPartner),
        doc("needs_claim", P, "A partner claims an open need (认领); the community must confirm",
            Some(json!({"type": "object", "properties": {"partner_id": {"type": "integer", "description": "staff claiming for a unit"}, "note": {"type": "string"}}}))),
        claim_need)
    .api(Method::POST, "/api/v1/needs/{id}/confirm", Policy::Signed(Action::ManagePartners),
        doc("needs_confirm", P, "The community confirms a claim (the need becomes a project) or turns it down",
            Some(json!({"type": "object", "properties": {"confirm": {"type": "boolean"}, "owner": {"type": "string"}, "plan": {"type": "string"}, "milestones": {"type": "string"}}}))),
        confirm_need)
    .api(Method::POST, "/api/v1/affairs", Policy::Signed(Action::ManageAffairs),
        doc("affairs_create", A, "Record a resident's issue report (a call or a visit); the public phone page is /public/report",
            Some(json!({"type": "object", "required": ["category", "description"], "properties": {
                "category": {"type": "string", "description": "a configured category; defaults road, lighting, sanitation, greening, noise, safety, other"},
                "description": {"type": "string"}, "place_id": {"type": "integer"}, "place": {"type": "string"}, "reporter_phone": {"type": "string"},
                "channel": {"type": "string", "enum": ["call", "visit", "staff"]}}}))),
        create_affair)
    .api(Method::GET, "/api/v1/affairs", Policy::Signed(Action::ViewAffairs),
        ApiDoc { operation_id: "affairs_list", summary: "Issue reports in the caller's scope (a liaison: its unit's)", tag: A, query: &[("status", "reported, assigned, in_progress, resolved or closed")], body: None, response: None },
        list_affairs)
    .api(Method::GET, "/api/v1/affairs/{id}", Policy::Signed(Action::ViewAffairs), doc("affairs_get", A, "One issue with its history (phone masked)", None), get_affair)
    .api(Method::POST, "/api/v1/affairs/{id}/assign", Policy::Signed(Action::ManageAffairs),
        doc("affairs_assign", A, "Dispatch an issue to a worker or a partner unit; re-routing an assigned issue needs a reason",
            Some(json!({"type": "object", "properties": {"assignee_user_id": {"type": "integer"}, "partner_id": {"type": "integer"}, "due_on": date, "reason": {"type": "string"}}}))),
        assign)
    .api(Method::POST, "/api/v1/affairs/{id}/progress", Policy::Signed(Action::WorkAffairs),
        doc("affairs_progress", A, "Post progress on an issue (its holder)", Some(json!({"type": "object", "required": ["note"], "properties": {"note": {"type": "string"}}}))),
        progress)
    .api(Method::POST, "/api/v1/affairs/{id}/resolve", Policy::Signed(Action::WorkAffairs),
        doc("affairs_resolve", A, "Resolve an issue (its holder or staff)", Some(json!({"type": "object", "required": ["resolution"], "properties": {"resolution": {"type": "string"}}}))),
        resolve)
    .api(Method::POST, "/api/v1/affairs/{id}/rate", Policy::Signed(Action::ManageAffairs),
        doc("affairs_rate", A, "Record the resident's rating at the callback (回访)",
            Some(json!({"type": "object", "required": ["rating"], "properties": {"rating": {"type": "string", "enum": ["satisfied", "basically_satisfied", "dissatisfied"]}, "note": {"type": "string"}}}))),
        rate)
    .api(Method::GET, "/api/v1/affair-categories", Policy::Signed(Action::ViewAffairs), doc("affair_categories_list", A, "The community's issue categories with their deadlines in working days", None), list_categories)
    .api(Method::PUT, "/api/v1/affair-categories", Policy::Signed(Action::ManageAffairs),
        doc("affair_categories_set", A, "Configure the community's issue categories and their deadlines (working days; 0 = the same day)",
            Some(json!({"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": {"type": "object",
                "required": ["code", "name_zh", "respond_days", "resolve_days"], "properties": {"code": {"type": "string", "pattern": "^[a-z0-9_]{2,30}$"},
                "name_zh": {"type": "string"}, "name_en": {"type": "string"}, "respond_days": {"type": "integer"}, "resolve_days": {"type": "integer"}}}}}}))),
        set_categories)
    .api(Method::POST, "/api/v1/affairs/{id}/need", Policy::Signed(Action::ManageAffairs), doc("affairs_to_need", A, "Put an issue on the needs list", None), to_need)
}
