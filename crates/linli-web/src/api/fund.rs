//! The fund's JSON operations (contract names of the fund issue).

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use linli_app::fund::{self as ops, DecisionDraft, DonationDraft, PostingDraft, RequestDraft};
use linli_core::Action;
use linli_store::fund::{Balances, DisclosurePosting, Entry, YearToDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Paged, created};

fn idempotency_key(h: &HeaderMap) -> Option<String> {
    h.get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().chars().take(200).collect::<String>())
        .filter(|s| !s.is_empty())
}

/// The meeting's decision. `quorum_reached` is no longer taken: it is computed from `eligible`
/// and `attendance` (a client that still sends it is ignored, as is any unknown field).
#[derive(Deserialize, JsonSchema)]
struct DecisionBody {
    #[schemars(extend("format" = "date"))]
    decided_on: String,
    /// Who was entitled to attend (居委会组织法 §9): residents over 18, one representative per
    /// household, or the residents' groups' elected representatives.
    #[schemars(schema_with = "linli_core::code_schema::<linli_core::fund::MeetingBasis>")]
    basis: String,
    /// How many were entitled to attend on that basis.
    eligible: i64,
    attendance: i64,
    resolution: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    eligibility: String,
}

async fn record_decision(ctx: Ctx, Json(b): Json<DecisionBody>) -> Result<Response, AppError> {
    let v = ops::record_decision(
        &ctx.state.app,
        &ctx.actor()?,
        DecisionDraft {
            decided_on: b.decided_on,
            basis: b.basis,
            eligible: b.eligible,
            attendance: b.attendance,
            resolution: b.resolution,
            purpose: b.purpose,
            eligibility: b.eligibility,
        },
    )
    .await?;
    Ok(created(v))
}

async fn record_posting(ctx: Ctx, Json(d): Json<PostingDraft>) -> Result<Response, AppError> {
    Ok(created(ops::record_posting(&ctx.state.app, &ctx.actor()?, d).await?))
}

async fn donate(
    ctx: Ctx,
    headers: HeaderMap,
    Json(d): Json<DonationDraft>,
) -> Result<Response, AppError> {
    let v = ops::donate(&ctx.state.app, &ctx.actor()?, d, idempotency_key(&headers)).await?;
    Ok(created(v))
}

async fn request(ctx: Ctx, Json(d): Json<RequestDraft>) -> Result<Response, AppError> {
    Ok(created(ops::request(&ctx.state.app, &ctx.actor()?, d).await?))
}

async fn approve(ctx: Ctx, Path(id): Path<i64>) -> Result<Json<ops::DisbursementState>, AppError> {
    Ok(Json(ops::approve(&ctx.state.app, &ctx.actor()?, id).await?))
}

#[derive(Deserialize, Default, JsonSchema)]
struct PayBody {
    /// `bank` to pay from the bank account; cash otherwise.
    #[serde(default)]
    from: Option<String>,
}

async fn pay(
    ctx: Ctx,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Option<Json<PayBody>>,
) -> Result<Json<ops::DisbursementState>, AppError> {
    let from_bank = body.and_then(|Json(b)| b.from).as_deref() == Some("bank");
    Ok(Json(
        ops::pay(&ctx.state.app, &ctx.actor()?, id, from_bank, idempotency_key(&headers)).await?,
    ))
}

async fn balance(ctx: Ctx) -> Result<Json<Balances>, AppError> {
    Ok(Json(ops::balances(&ctx.state.app, &ctx.actor()?).await?))
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<i64>,
}

async fn entries(ctx: Ctx, Query(q): Query<PageQuery>) -> Result<Json<Paged<Entry>>, AppError> {
    let page = q.page.unwrap_or(1).max(1);
    let (items, total) = ops::entries(&ctx.state.app, &ctx.actor()?, page, super::PER_PAGE).await?;
    Ok(Json(Paged { items, total, page }))
}

#[derive(Deserialize, JsonSchema)]
struct ReverseBody {
    reason: String,
}

async fn reverse(
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<ReverseBody>,
) -> Result<Response, AppError> {
    Ok(created(ops::reverse(&ctx.state.app, &ctx.actor()?, id, &b.reason).await?))
}

#[derive(Deserialize, Default)]
struct DisclosureQuery {
    month: Option<String>,
    community: Option<String>,
}

async fn disclosure(
    ctx: Ctx,
    Query(q): Query<DisclosureQuery>,
) -> Result<Json<DisclosureJson>, AppError> {
    let d = ops::disclosure(&ctx.state.app, &ctx.actor_or_public(), q.month, q.community).await?;
    Ok(Json(DisclosureJson {
        month: d.month,
        community: d.community.name,
        year_to_date: d.year_to_date,
        posting: d.posting,
    }))
}

/// The public monthly disclosure (公示) of a community's fund.
#[derive(Serialize, JsonSchema)]
struct DisclosureJson {
    #[serde(flatten)]
    month: linli_store::fund::Disclosure,
    /// The community's name.
    community: String,
    year_to_date: YearToDate,
    /// The month's posting on the board (its day and the end of its seven-day period); null
    /// until the fund keeper records that the sheet went up.
    posting: Option<DisclosurePosting>,
}

pub fn routes(t: Table) -> Table {
    const T: &str = "fund";
    t.api(Method::POST, "/api/v1/fund/decisions", Policy::Signed(Action::ManageFund),
        ApiDoc::created::<ops::RecordedDecision>(T, "fund_record_decision", "Record the residents' meeting decision that allows the fund (居委会组织法 §16); the quorum is computed from eligible and attendance (more than half, §9); 409 no_quorum when they do not reach it; 422 when attendance exceeds eligible or either is not positive").body::<DecisionBody>(),
        record_decision)
    .api(Method::POST, "/api/v1/fund/postings", Policy::Signed(Action::ManageFund),
        ApiDoc::created::<ops::PostingRecorded>(T, "fund_record_posting", "Record the day a month's disclosure went up on the board; the disclosure then prints that day and its seven-day period; 409 already_posted").body::<PostingDraft>(),
        record_posting)
    .api(Method::POST, "/api/v1/fund/donations", Policy::Signed(Action::RecordDonation),
        ApiDoc::created::<ops::Receipt>(T, "fund_donate", "Record a gift received offline; accepts an Idempotency-Key header; 409 no_fund_decision before the meeting decided; 409 before_fund_decision for a gift received before the decision's day").body::<DonationDraft>(),
        donate)
    .api(Method::POST, "/api/v1/fund/disbursements", Policy::Signed(Action::RequestDisbursement),
        ApiDoc::created::<ops::DisbursementState>(T, "fund_request_disbursement", "Ask for help to be paid to a resident; two other finance/admin users must approve").body::<RequestDraft>(),
        request)
    .api(Method::POST, "/api/v1/fund/disbursements/{id}/approve", Policy::Signed(Action::ApproveDisbursement),
        ApiDoc::ok::<ops::DisbursementState>(T, "fund_approve_disbursement", "Approve a request (403 self_approval for the requester)"),
        approve)
    .api(Method::POST, "/api/v1/fund/disbursements/{id}/pay", Policy::Signed(Action::PayDisbursement),
        ApiDoc::ok::<ops::DisbursementState>(T, "fund_pay_disbursement", "Pay an approved request from cash (or bank); 409 insufficient_funds; accepts an Idempotency-Key header").body::<PayBody>(),
        pay)
    .api(Method::GET, "/api/v1/fund/balance", Policy::Signed(Action::ViewFund),
        ApiDoc::ok::<Balances>(T, "fund_balance", "The fund's balance in fen (cash + bank; goods apart)"),
        balance)
    .api(Method::GET, "/api/v1/fund/entries", Policy::Signed(Action::ViewFund),
        ApiDoc::ok::<Paged<Entry>>(T, "fund_entries", "The ledger, newest first").query(&[("page", "1-based page")]),
        entries)
    .api(Method::POST, "/api/v1/fund/entries/{id}/reverse", Policy::Signed(Action::ManageFund),
        ApiDoc::created::<ops::Reversal>(T, "fund_reverse", "Correct a mistaken entry with a reversal citing it and a reason").body::<ReverseBody>(),
        reverse)
    .api(Method::GET, "/api/v1/fund/disclosure", Policy::Public,
        ApiDoc::ok::<DisclosureJson>(T, "fund_disclosure", "The public monthly disclosure (公示): donors named only with consent, recipients masked")
            .query(&[("month", "YYYY-MM"), ("community", "community name, where a deployment holds several")]),
        disclosure)
}
