//! JSON API of partner linkage and issue reports (contract names of issue 7).

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::pages::affairs::{self as affairs, AffairDraft, AssignDraft};
use crate::pages::partners::{self as ops, ActivityDraft, AgreementDraft, NeedDraft, liaison_unit};
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use linli_core::Action;
use linli_store::partners as store;
use serde::Deserialize;
use serde_json::{Value, json};

fn created(id: i64) -> Response {
    (StatusCode::CREATED, Json(json!({"id": id}))).into_response()
}

#[derive(Deserialize)]
struct PartnerBody {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    party_org: String,
}

async fn create_partner(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(b): Json<PartnerBody>,
) -> Result<Response, AppError> {
    let id = ops::create_partner(&state, &ctx, &b.name, &b.kind, &b.address, &b.party_org).await?;
    Ok(created(id))
}

async fn list_partners(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Value>, AppError> {
    let caller = ctx.caller()?.clone();
    let cid = caller.community_id().ok_or(AppError::NotFound)?;
    let items = match liaison_unit(&caller) {
        Some(None) => Vec::new(),
        only => {
            state
                .db
                .read(move |c| store::list_partners(c, cid, only.flatten()))
                .await?
        }
    };
    Ok(Json(json!({"total": items.len(), "items": items})))
}

async fn get_partner(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let p = ops::load_partner(&state, &ctx, id).await?;
    let today = ops::today(&ctx);
    let year = chrono::Datelike::year(&today);
    let fulfil = ops::fulfilments(&state, p.community_id, year, Some(id), today).await?;
    let agreements = state.db.read(move |c| store::agreements_of(c, id)).await?;
    let mut v = json!(p);
    if let Some(o) = v.as_object_mut() {
        o.insert("agreements".into(), json!(agreements));
        o.insert(
            "fulfilment".into(),
            json!(fulfil.iter().map(|(_, _, f)| f).collect::<Vec<_>>()),
        );
    }
    Ok(Json(v))
}

async fn create_agreement(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<AgreementDraft>,
) -> Result<Response, AppError> {
    Ok(created(ops::create_agreement(&state, &ctx, d).await?))
}

async fn get_agreement(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(json!(ops::load_agreement(&state, &ctx, id).await?)))
}

async fn create_activity(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<ActivityDraft>,
) -> Result<Response, AppError> {
    Ok(created(
        ops::record_activity(&state, &ctx, d, Vec::new()).await?,
    ))
}

async fn create_need(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<NeedDraft>,
) -> Result<Response, AppError> {
    Ok(created(ops::create_need(&state, &ctx, d).await?))
}

async fn list_needs(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Value>, AppError> {
    let cid = ctx.caller()?.community_id().ok_or(AppError::NotFound)?;
    let items = state
        .db
        .read(move |c| store::list_needs(c, cid, &[]))
        .await?;
    Ok(Json(json!({"total": items.len(), "items": items})))
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
) -> Result<Json<Value>, AppError> {
    let b = body.map(|Json(b)| b).unwrap_or_default();
    ops::claim_need(&state, &ctx, id, b.partner_id, &b.note).await?;
    Ok(Json(json!({"id": id, "status": "claimed"})))
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
) -> Result<Json<Value>, AppError> {
    ops::decide_claim(
        &state,
        &ctx,
        id,
        b.confirm,
        &b.owner,
        &b.plan,
        &b.milestones,
    )
    .await?;
    Ok(Json(
        json!({"id": id, "status": if b.confirm { "matched" } else { "open" }}),
    ))
}

async fn create_affair(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<AffairDraft>,
) -> Result<Response, AppError> {
    let cid = ctx.caller()?.community_id().ok_or(AppError::NotFound)?;
    let (id, public_ref) = affairs::create_affair(&state, &ctx, cid, d, Vec::new()).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": id, "ref": public_ref})),
    )
        .into_response())
}

/// An issue as the API shows it: the callback phone masked, the history attached.
/// A unit's liaison gets no phone at all (the callback is the community's).
async fn affair_json(state: &AppState, ctx: &Ctx, a: store::Affair) -> Result<Value, AppError> {
    let liaison = ctx
        .caller
        .as_ref()
        .is_some_and(|c| liaison_unit(c).is_some());
    let id = a.id;
    let (events, photos) = state
        .db
        .read(move |c| Ok::<_, AppError>((store::events_of(c, id)?, store::photos_of(c, id)?)))
        .await?;
    let mut v = json!(a);
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "reporter_phone".into(),
            json!(
                a.reporter_phone
                    .as_deref()
                    .filter(|_| !liaison)
                    .map(linli_core::mask::mask_phone)
            ),
        );
        o.insert("events".into(), json!(events));
        o.insert("photos".into(), json!(photos));
    }
    Ok(v)
}

async fn get_affair(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let a = affairs::load_affair(&state, &ctx, id).await?;
    Ok(Json(affair_json(&state, &ctx, a).await?))
}

#[derive(Deserialize)]
struct AffairListQuery {
    status: Option<String>,
}

async fn list_affairs(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AffairListQuery>,
) -> Result<Json<Value>, AppError> {
    let caller = ctx.caller()?.clone();
    let cid = caller.community_id().ok_or(AppError::NotFound)?;
    let liaison = liaison_unit(&caller);
    if liaison == Some(None) {
        return Ok(Json(json!({"total": 0, "items": []})));
    }
    let filter = store::AffairFilter {
        status: q
            .status
            .filter(|s| linli_core::partners::AffairStatus::parse(s).is_some()),
        partner_id: liaison.flatten(),
        scopes: if liaison.is_some() {
            Vec::new()
        } else {
            caller.scopes(Action::ViewAffairs)
        },
        unplaced: liaison.is_none()
            && caller.decide(Action::ManageAffairs, None) == linli_core::Decision::Allow,
        or_assignee: liaison.is_none().then_some(caller.user.id),
        ..Default::default()
    };
    let items = state
        .db
        .read(move |c| store::list_affairs(c, cid, &filter))
        .await?;
    let items: Vec<Value> = items
        .into_iter()
        .map(|a| {
            let masked = a
                .reporter_phone
                .as_deref()
                .filter(|_| liaison.is_none())
                .map(linli_core::mask::mask_phone);
            let mut v = json!(a);
            if let Some(o) = v.as_object_mut() {
                o.insert("reporter_phone".into(), json!(masked));
            }
            v
        })
        .collect();
    Ok(Json(json!({"total": items.len(), "items": items})))
}

async fn assign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(d): Json<AssignDraft>,
) -> Result<Json<Value>, AppError> {
    affairs::assign(&state, &ctx, id, d).await?;
    let a = affairs::load_affair(&state, &ctx, id).await?;
    Ok(Json(affair_json(&state, &ctx, a).await?))
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
) -> Result<Json<Value>, AppError> {
    affairs::progress(&state, &ctx, id, &b.note).await?;
    Ok(Json(json!({"id": id, "status": "in_progress"})))
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
) -> Result<Json<Value>, AppError> {
    affairs::resolve(&state, &ctx, id, &b.resolution, Vec::new()).await?;
    Ok(Json(json!({"id": id, "status": "resolved"})))
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
) -> Result<Json<Value>, AppError> {
    affairs::rate(&state, &ctx, id, &b.rating, &b.note).await?;
    Ok(Json(
        json!({"id": id, "status": "closed", "rating": b.rating}),
    ))
}

async fn to_need(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    Ok(created(affairs::to_need(&state, &ctx, id).await?))
}

async fn list_categories(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Value>, AppError> {
    let cid = ctx.caller()?.community_id().ok_or(AppError::NotFound)?;
    let items = state.db.read(move |c| store::categories(c, cid)).await?;
    Ok(Json(json!({"total": items.len(), "items": items})))
}

#[derive(Deserialize)]
struct CategoriesBody {
    items: Vec<affairs::CategoryDraft>,
}

/// Replaces the community's categories (the defaults until then). Codes already used by
/// issues keep their meaning: a category left out is only hidden from new reports.
async fn set_categories(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(b): Json<CategoriesBody>,
) -> Result<Json<Value>, AppError> {
    let items = affairs::set_categories(&state, &ctx, b.items).await?;
    Ok(Json(json!({"total": items.len(), "items": items})))
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
