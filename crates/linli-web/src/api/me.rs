//! The signed-in account's own view (`me_get`) and, for a resident linked to her record, a copy
//! of everything held about her (`me_export`, PIPL §45).

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::Path;
use axum::http::Method;
use axum::response::Response;
use linli_app::claims::{self, ClaimDraft, DecideDraft};
use linli_app::corrections::{self, CorrectionDraft, ResolveDraft};
use linli_app::me::{self, Me, MyData};
use linli_core::Action;
use linli_core::claims::ClaimStatus;
use linli_store::claims::Claim;
use linli_store::corrections::Correction;
use linli_store::users::GrantView;
use schemars::JsonSchema;
use serde::Serialize;

/// The community a user works in.
#[derive(Serialize, JsonSchema)]
struct CommunityRef {
    id: i64,
    name: String,
}

/// The signed-in account: `user`, `resident` (when linked) and `links`, and — as the first
/// version of this call answered — its id, names, community and grants at the top level.
#[derive(Serialize, JsonSchema)]
struct MeBody {
    id: i64,
    username: String,
    display_name: String,
    community: Option<CommunityRef>,
    grants: Vec<GrantView>,
    #[serde(flatten)]
    me: Me,
}

async fn get_me(ctx: Ctx) -> Result<Json<MeBody>, AppError> {
    let c = ctx.caller()?;
    let me = me::me(&ctx.state.app, &ctx.actor()?).await?;
    Ok(Json(MeBody {
        id: c.user.id,
        username: c.user.username.clone(),
        display_name: c.user.display_name.clone(),
        community: c
            .community
            .as_ref()
            .map(|(id, name)| CommunityRef { id: *id, name: name.clone() }),
        grants: c.grants.to_vec(),
        me,
    }))
}

async fn export(ctx: Ctx) -> Result<Json<MyData>, AppError> {
    let mut data = me::export(&ctx.state.app, &ctx.actor()?).await?;
    crate::labels::label_my_data(ctx.lang(), &mut data);
    Ok(Json(data))
}

async fn request_correction(
    ctx: Ctx,
    Json(d): Json<CorrectionDraft>,
) -> Result<Response, AppError> {
    let id = corrections::request(&ctx.state.app, &ctx.actor()?, d).await?;
    Ok(super::created_id(id))
}

async fn my_corrections(ctx: Ctx) -> Result<Json<super::Listed<Correction>>, AppError> {
    let items = corrections::mine(&ctx.state.app, &ctx.actor()?).await?;
    Ok(super::Listed::of(items))
}

async fn open_corrections(ctx: Ctx) -> Result<Json<super::Listed<Correction>>, AppError> {
    let items = corrections::open(&ctx.state.app, &ctx.actor()?).await?;
    Ok(super::Listed::of(items))
}

async fn resolve_correction(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(d): Json<ResolveDraft>,
) -> Result<Json<Correction>, AppError> {
    Ok(Json(corrections::resolve(&ctx.state.app, &ctx.actor()?, id, d).await?))
}

/// A claim as its claimant sees it before a worker confirms: its number and that it waits
/// (nothing of the record it matched).
#[derive(Serialize, JsonSchema)]
struct ClaimFiled {
    id: i64,
    status: ClaimStatus,
}

async fn file_claim(ctx: Ctx, Json(d): Json<ClaimDraft>) -> Result<Response, AppError> {
    let claim = claims::claim(&ctx.state.app, &ctx.actor()?, d).await?;
    Ok(super::created(ClaimFiled { id: claim.id, status: claim.status }))
}

async fn pending_claims(ctx: Ctx) -> Result<Json<super::Listed<Claim>>, AppError> {
    let items = claims::pending(&ctx.state.app, &ctx.actor()?).await?;
    Ok(super::Listed::of(items))
}

async fn decide_claim(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(d): Json<DecideDraft>,
) -> Result<Json<Claim>, AppError> {
    Ok(Json(claims::decide(&ctx.state.app, &ctx.actor()?, id, d).await?))
}

pub fn routes(t: Table) -> Table {
    t.api(
        Method::GET,
        "/api/v1/me",
        Policy::Signed(Action::ViewHome),
        ApiDoc::ok::<MeBody>(
            "me",
            "me_get",
            "The signed-in account, the resident it is linked to (if any) and the pages it may open",
        ),
        get_me,
    )
    .api(
        Method::GET,
        "/api/v1/me/export",
        Policy::Signed(Action::ViewHome),
        ApiDoc::ok::<MyData>(
            "me",
            "me_export",
            "Everything held about the linked resident (PIPL §45): her record in full, household, courses, reports and the handling of her file; audited. 403 not_linked for an account without a record",
        ),
        export,
    )
    .api(
        Method::POST,
        "/api/v1/me/corrections",
        Policy::Signed(Action::ViewHome),
        ApiDoc::created::<super::NewId>(
            "me",
            "me_corrections_create",
            "A linked resident asks for a correction of her record (PIPL §46): field and message; 403 not_linked for an account without a record",
        )
        .body::<CorrectionDraft>(),
        request_correction,
    )
    .api(
        Method::GET,
        "/api/v1/me/corrections",
        Policy::Signed(Action::ViewHome),
        ApiDoc::ok::<super::Listed<Correction>>(
            "me",
            "me_corrections_list",
            "The linked resident's correction requests and how each was resolved",
        ),
        my_corrections,
    )
    .api(
        Method::GET,
        "/api/v1/corrections",
        Policy::Signed(Action::ManageResidents),
        ApiDoc::ok::<super::Listed<Correction>>(
            "residents",
            "corrections_list",
            "Open correction requests of the residents whose records the caller may edit, oldest first",
        ),
        open_corrections,
    )
    .api(
        Method::POST,
        "/api/v1/corrections/{id}/resolve",
        Policy::Signed(Action::ManageResidents),
        ApiDoc::ok::<Correction>(
            "residents",
            "corrections_resolve",
            "Close a correction request: done (the record was corrected) or declined with the reason the resident reads",
        )
        .body::<ResolveDraft>(),
        resolve_correction,
    )
    .api(
        Method::POST,
        "/api/v1/me/claim",
        Policy::Signed(Action::ViewHome),
        ApiDoc::created::<ClaimFiled>(
            "me",
            "me_claim_create",
            "A resident's account claims its registry record by ID number and phone (both must match one active record); a worker confirms the link. 422 claim_no_match, 409 claim_pending or claim_taken, 403 claim_too_many after five attempts a day",
        )
        .body::<ClaimDraft>(),
        file_claim,
    )
    .api(
        Method::GET,
        "/api/v1/claims",
        Policy::Signed(Action::ManageResidents),
        ApiDoc::ok::<super::Listed<Claim>>(
            "residents",
            "claims_list",
            "Claims waiting for confirmation, of records the caller may edit, oldest first",
        ),
        pending_claims,
    )
    .api(
        Method::POST,
        "/api/v1/claims/{id}/decide",
        Policy::Signed(Action::ManageResidents),
        ApiDoc::ok::<Claim>(
            "residents",
            "claims_decide",
            "Confirm a claim (the account is linked to the record) or reject it with the reason the resident reads",
        )
        .body::<DecideDraft>(),
        decide_claim,
    )
}
