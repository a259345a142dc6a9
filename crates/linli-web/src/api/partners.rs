//! JSON API of partner linkage and issue reports (contract names of issue 7).

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Path, Query};
use axum::http::Method;
use axum::response::Response;
use linli_app::affairs::{
    self, AffairDraft, AffairRow, AffairState, AffairView, AssignDraft, CategoryDraft, StatusFilter,
};
use linli_app::partners::{
    self as ops, ActivityDraft, AgreementDraft, ClaimDecision, NeedDraft, NeedState, PartnerDraft,
    PartnerView,
};
use linli_core::Action;
use linli_core::partners::AffairStatus;
use linli_store::affairs::Category;
use linli_store::partners::{Agreement, Need, Partner};
use schemars::JsonSchema;
use serde::Deserialize;

use super::{Listed, NewId, created, created_id};

async fn create_partner(ctx: Ctx, Json(b): Json<PartnerDraft>) -> Result<Response, AppError> {
    Ok(created_id(ops::create_partner(&ctx.state.app, &ctx.actor()?, b).await?))
}

async fn list_partners(ctx: Ctx) -> Result<Json<Listed<Partner>>, AppError> {
    Ok(Listed::of(ops::list_partners(&ctx.state.app, &ctx.actor()?).await?))
}

async fn get_partner(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<PartnerView>, AppError> {
    Ok(Json(ops::partner_view(&ctx.state.app, &ctx.actor()?, id).await?))
}

async fn create_agreement(ctx: Ctx, Json(d): Json<AgreementDraft>) -> Result<Response, AppError> {
    Ok(created_id(ops::create_agreement(&ctx.state.app, &ctx.actor()?, d).await?))
}

async fn get_agreement(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<Agreement>, AppError> {
    Ok(Json(ops::agreement(&ctx.state.app, &ctx.actor()?, id).await?))
}

async fn create_activity(ctx: Ctx, Json(d): Json<ActivityDraft>) -> Result<Response, AppError> {
    Ok(created_id(ops::record_activity(&ctx.state.app, &ctx.actor()?, d, Vec::new()).await?))
}

async fn create_need(ctx: Ctx, Json(d): Json<NeedDraft>) -> Result<Response, AppError> {
    Ok(created_id(ops::create_need(&ctx.state.app, &ctx.actor()?, d).await?))
}

async fn list_needs(ctx: Ctx) -> Result<Json<Listed<Need>>, AppError> {
    Ok(Listed::of(ops::needs(&ctx.state.app, &ctx.actor()?).await?))
}

#[derive(Deserialize, JsonSchema, Default)]
struct ClaimBody {
    /// Staff claiming for a unit
    #[serde(default)]
    partner_id: Option<i64>,
    #[serde(default)]
    note: String,
}

async fn claim_need(
    ctx: Ctx,
    Path(id): Path<i64>,
    body: Option<Json<ClaimBody>>,
) -> Result<Json<NeedState>, AppError> {
    let b = body.map(|Json(b)| b).unwrap_or_default();
    Ok(Json(ops::claim_need(&ctx.state.app, &ctx.actor()?, id, b.partner_id, &b.note).await?))
}

#[derive(Deserialize, JsonSchema)]
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
    Ok(Json(ops::decide_claim(&ctx.state.app, &ctx.actor()?, id, d).await?))
}

async fn create_affair(ctx: Ctx, Json(d): Json<AffairDraft>) -> Result<Response, AppError> {
    let r = affairs::create_affair(&ctx.state.app, &ctx.actor()?, d, Vec::new()).await?;
    Ok(created(r))
}

async fn get_affair(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<AffairView>, AppError> {
    Ok(Json(affairs::affair_view(&ctx.state.app, &ctx.actor()?, id).await?))
}

#[derive(Deserialize)]
struct AffairListQuery {
    status: Option<String>,
}

async fn list_affairs(
    ctx: Ctx,
    Query(q): Query<AffairListQuery>,
) -> Result<Json<Listed<AffairRow>>, AppError> {
    let status = q
        .status
        .as_deref()
        .and_then(AffairStatus::parse)
        .map_or(StatusFilter::All, StatusFilter::Is);
    Ok(Listed::of(affairs::list_rows(&ctx.state.app, &ctx.actor()?, status).await?))
}

async fn assign(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(d): Json<AssignDraft>,
) -> Result<Json<AffairView>, AppError> {
    let actor = ctx.actor()?;
    affairs::assign(&ctx.state.app, &actor, id, d).await?;
    Ok(Json(affairs::affair_view(&ctx.state.app, &actor, id).await?))
}

#[derive(Deserialize, JsonSchema)]
struct NoteBody {
    #[serde(default)]
    note: String,
}

async fn progress(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<NoteBody>,
) -> Result<Json<AffairState>, AppError> {
    Ok(Json(affairs::progress(&ctx.state.app, &ctx.actor()?, id, &b.note).await?))
}

#[derive(Deserialize, JsonSchema)]
struct ResolveBody {
    #[serde(default)]
    resolution: String,
}

async fn resolve(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<ResolveBody>,
) -> Result<Json<AffairState>, AppError> {
    Ok(Json(affairs::resolve(&ctx.state.app, &ctx.actor()?, id, &b.resolution, Vec::new()).await?))
}

#[derive(Deserialize, JsonSchema)]
struct RateBody {
    #[serde(default)]
    #[schemars(schema_with = "linli_core::code_schema::<linli_core::partners::Rating>")]
    rating: String,
    #[serde(default)]
    note: String,
}

async fn rate(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<RateBody>,
) -> Result<Json<AffairState>, AppError> {
    Ok(Json(affairs::rate(&ctx.state.app, &ctx.actor()?, id, &b.rating, &b.note).await?))
}

async fn to_need(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    Ok(created_id(affairs::to_need(&ctx.state.app, &ctx.actor()?, id).await?))
}

async fn list_categories(ctx: Ctx) -> Result<Json<Listed<Category>>, AppError> {
    Ok(Listed::of(affairs::categories(&ctx.state.app, &ctx.actor()?).await?))
}

#[derive(Deserialize, JsonSchema)]
struct CategoriesBody {
    items: Vec<CategoryDraft>,
}

/// Replaces the community's categories (the defaults until then). Codes already used by
/// issues keep their meaning: a category left out is only hidden from new reports.
async fn set_categories(
    ctx: Ctx,
    Json(b): Json<CategoriesBody>,
) -> Result<Json<Listed<Category>>, AppError> {
    Ok(Listed::of(affairs::set_categories(&ctx.state.app, &ctx.actor()?, b.items).await?))
}

const P: &str = "partners";
const A: &str = "affairs";

pub fn routes(t: Table) -> Table {
    t.api(Method::POST, "/api/v1/partners", Policy::Signed(Action::ManagePartners),
        ApiDoc::created::<NewId>(P, "partners_create", "Register a partner unit (共建单位)").body::<PartnerDraft>(),
        create_partner)
    .api(Method::GET, "/api/v1/partners", Policy::Signed(Action::ViewPartners),
        ApiDoc::ok::<Listed<Partner>>(P, "partners_list", "Partner units (a liaison: its own)"),
        list_partners)
    .api(Method::GET, "/api/v1/partners/{id}", Policy::Signed(Action::ViewPartners),
        ApiDoc::ok::<PartnerView>(P, "partners_get", "One partner unit with its agreements and this year's fulfilment"),
        get_partner)
    .api(Method::POST, "/api/v1/agreements", Policy::Signed(Action::ManagePartners),
        ApiDoc::created::<NewId>(P, "agreements_create", "Record a co-building agreement and its commitments (a renewal names the agreement it renews)").body::<AgreementDraft>(),
        create_agreement)
    .api(Method::GET, "/api/v1/agreements/{id}", Policy::Signed(Action::ViewPartners),
        ApiDoc::ok::<Agreement>(P, "agreements_get", "One agreement (a liaison: its own unit's only)"),
        get_agreement)
    .api(Method::POST, "/api/v1/partner-activities", Policy::Signed(Action::ActForPartner),
        ApiDoc::created::<NewId>(P, "partner_activities_create", "Record an activity a partner delivered (fulfils its commitments)").body::<ActivityDraft>(),
        create_activity)
    .api(Method::GET, "/api/v1/needs", Policy::Signed(Action::ViewPartners),
        ApiDoc::ok::<Listed<Need>>(P, "needs_list", "The needs list with its projects"),
        list_needs)
    .api(Method::POST, "/api/v1/needs", Policy::Signed(Action::ManagePartners),
        ApiDoc::created::<NewId>(P, "needs_create", "Put a need on the needs list").body::<NeedDraft>(),
        create_need)
    .api(Method::POST, "/api/v1/needs/{id}/claim", Policy::Signed(Action::ActForPartner),
        ApiDoc::ok::<NeedState>(P, "needs_claim", "A partner claims an open need (认领); the community must confirm").body::<ClaimBody>(),
        claim_need)
    .api(Method::POST, "/api/v1/needs/{id}/confirm", Policy::Signed(Action::ManagePartners),
        ApiDoc::ok::<NeedState>(P, "needs_confirm", "The community confirms a claim (the need becomes a project) or turns it down").body::<ConfirmBody>(),
        confirm_need)
    .api(Method::POST, "/api/v1/affairs", Policy::Signed(Action::ManageAffairs),
        ApiDoc::created::<affairs::Reported>(A, "affairs_create", "Record a resident's issue report (a call or a visit); the public phone page is /public/report").body::<AffairDraft>(),
        create_affair)
    .api(Method::GET, "/api/v1/affairs", Policy::Signed(Action::ViewAffairs),
        ApiDoc::ok::<Listed<AffairRow>>(A, "affairs_list", "Issue reports in the caller's scope (a liaison: its unit's)").query(&[("status", "reported, assigned, in_progress, resolved or closed")]),
        list_affairs)
    .api(Method::GET, "/api/v1/affairs/{id}", Policy::Signed(Action::ViewAffairs),
        ApiDoc::ok::<AffairView>(A, "affairs_get", "One issue with its history (phone masked)"),
        get_affair)
    .api(Method::POST, "/api/v1/affairs/{id}/assign", Policy::Signed(Action::ManageAffairs),
        ApiDoc::ok::<AffairView>(A, "affairs_assign", "Dispatch an issue to a worker or a partner unit; re-routing an assigned issue needs a reason").body::<AssignDraft>(),
        assign)
    .api(Method::POST, "/api/v1/affairs/{id}/progress", Policy::Signed(Action::WorkAffairs),
        ApiDoc::ok::<AffairState>(A, "affairs_progress", "Post progress on an issue (its holder)").body::<NoteBody>(),
        progress)
    .api(Method::POST, "/api/v1/affairs/{id}/resolve", Policy::Signed(Action::WorkAffairs),
        ApiDoc::ok::<AffairState>(A, "affairs_resolve", "Resolve an issue (its holder or staff)").body::<ResolveBody>(),
        resolve)
    .api(Method::POST, "/api/v1/affairs/{id}/rate", Policy::Signed(Action::ManageAffairs),
        ApiDoc::ok::<AffairState>(A, "affairs_rate", "Record the resident's rating at the callback (回访)").body::<RateBody>(),
        rate)
    .api(Method::GET, "/api/v1/affair-categories", Policy::Signed(Action::ViewAffairs),
        ApiDoc::ok::<Listed<Category>>(A, "affair_categories_list", "The community's issue categories with their deadlines in working days"),
        list_categories)
    .api(Method::PUT, "/api/v1/affair-categories", Policy::Signed(Action::ManageAffairs),
        ApiDoc::ok::<Listed<Category>>(A, "affair_categories_set", "Configure the community's issue categories and their deadlines (working days; 0 = the same day)").body::<CategoriesBody>(),
        set_categories)
    .api(Method::POST, "/api/v1/affairs/{id}/need", Policy::Signed(Action::ManageAffairs),
        ApiDoc::created::<NewId>(A, "affairs_to_need", "Put an issue on the needs list"),
        to_need)
}
