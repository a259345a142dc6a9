//! The fund's JSON operations (contract names of the fund issue).

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::{ApiDoc, Policy, Table};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use linli_app::fund::{self as ops, DecisionDraft, DonationDraft, RequestDraft};
use linli_core::Action;
use serde::Deserialize;
use serde_json::{Value, json};

fn idempotency_key(h: &HeaderMap) -> Option<String> {
    h.get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().chars().take(200).collect::<String>())
        .filter(|s| !s.is_empty())
}

#[derive(Deserialize)]
struct DecisionBody {
    decided_on: String,
    attendance: i64,
    quorum_reached: bool,
    resolution: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    eligibility: String,
}

async fn record_decision(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(b): Json<DecisionBody>,
) -> Result<Response, AppError> {
    let id = ops::record_decision(
        &state.app,
        &ctx.actor()?,
        DecisionDraft {
            decided_on: b.decided_on,
            attendance: b.attendance,
            quorum_reached: b.quorum_reached,
            resolution: b.resolution,
            purpose: b.purpose,
            eligibility: b.eligibility,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))).into_response())
}

async fn donate(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Json(d): Json<DonationDraft>,
) -> Result<Response, AppError> {
    let v = ops::donate(&state.app, &ctx.actor()?, d, idempotency_key(&headers)).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

async fn request(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(d): Json<RequestDraft>,
) -> Result<Response, AppError> {
    let v = ops::request(&state.app, &ctx.actor()?, d).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<ops::DisbursementState>, AppError> {
    Ok(Json(ops::approve(&state.app, &ctx.actor()?, id).await?))
}

#[derive(Deserialize, Default)]
struct PayBody {
    #[serde(default)]
    from: Option<String>,
}

async fn pay(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Option<Json<PayBody>>,
) -> Result<Json<ops::DisbursementState>, AppError> {
    let from_bank = body.and_then(|Json(b)| b.from).as_deref() == Some("bank");
    Ok(Json(
        ops::pay(
            &state.app,
            &ctx.actor()?,
            id,
            from_bank,
            idempotency_key(&headers),
        )
        .await?,
    ))
}

async fn balance(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<linli_store::fund::Balances>, AppError> {
    Ok(Json(ops::balances(&state.app, &ctx.actor()?).await?))
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<i64>,
}

async fn entries(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> Result<Json<Value>, AppError> {
    let page = q.page.unwrap_or(1).max(1);
    let (items, total) = ops::entries(&state.app, &ctx.actor()?, page, super::PER_PAGE).await?;
    Ok(Json(json!({"items": items, "total": total, "page": page})))
}

#[derive(Deserialize)]
struct ReverseBody {
    reason: String,
}

async fn reverse(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(b): Json<ReverseBody>,
) -> Result<Response, AppError> {
    let v = ops::reverse(&state.app, &ctx.actor()?, id, &b.reason).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

#[derive(Deserialize, Default)]
struct DisclosureQuery {
    month: Option<String>,
    community: Option<String>,
}

async fn disclosure(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DisclosureQuery>,
) -> Result<Json<Value>, AppError> {
    let d = ops::disclosure(&state.app, &ctx.actor_or_public(), q.month, q.community).await?;
    let mut v = json!(d.month);
    v["community"] = json!(d.community.name);
    v["year_to_date"] = json!(d.year_to_date);
    Ok(Json(v))
}

fn doc(operation_id: &'static str, summary: &'static str, body: Option<Value>) -> ApiDoc {
    ApiDoc {
        operation_id,
        summary,
        tag: "fund",
        query: &[],
        body,
        response: None,
    }
}

pub fn routes(t: Table) -> Table {
    t.api(Method::POST, "/api/v1/fund/decisions", Policy::Signed(Action::ManageFund),
        doc("fund_record_decision", "Record the residents' meeting decision that allows the fund (居委会组织法 §16)",
            Some(json!({"type": "object", "required": ["decided_on", "attendance", "quorum_reached", "resolution"], "properties": {
                "decided_on": {"type": "string", "format": "date"}, "attendance": {"type": "integer"}, "quorum_reached": {"type": "boolean"},
                "resolution": {"type": "string"}, "purpose": {"type": "string"}, "eligibility": {"type": "string"}}}))),
        record_decision)
    .api(Method::POST, "/api/v1/fund/donations", Policy::Signed(Action::RecordDonation),
        doc("fund_donate", "Record a gift received offline; accepts an Idempotency-Key header; 409 no_fund_decision before the meeting decided",
            Some(json!({"type": "object", "required": ["donor_kind", "amount_fen", "method", "received_on"], "properties": {
                "donor_kind": {"type": "string", "enum": ["resident", "partner", "person", "anonymous"]},
                "donor_resident_id": {"type": "integer"}, "donor_partner_id": {"type": "integer"}, "donor_name": {"type": "string"},
                "amount_fen": {"type": "integer"}, "method": {"type": "string", "enum": ["cash", "bank_transfer", "wechat", "alipay", "in_kind"]},
                "items": {"type": "string"}, "received_on": {"type": "string", "format": "date"}, "publish_name": {"type": "boolean"}}}))),
        donate)
    .api(Method::POST, "/api/v1/fund/disbursements", Policy::Signed(Action::RequestDisbursement),
        doc("fund_request_disbursement", "Ask for help to be paid to a resident; two other finance/admin users must approve",
            Some(json!({"type": "object", "required": ["beneficiary_resident_id", "amount_fen", "purpose"], "properties": {
                "beneficiary_resident_id": {"type": "integer"}, "amount_fen": {"type": "integer"},
                "purpose": {"type": "string", "enum": ["medical", "living", "education", "disaster", "elderly", "other"]},
                "case_id": {"type": "integer"}, "note": {"type": "string"}}}))),
        request)
    .api(Method::POST, "/api/v1/fund/disbursements/{id}/approve", Policy::Signed(Action::ApproveDisbursement),
        doc("fund_approve_disbursement", "Approve a request (403 self_approval for the requester)", None), approve)
    .api(Method::POST, "/api/v1/fund/disbursements/{id}/pay", Policy::Signed(Action::PayDisbursement),
        doc("fund_pay_disbursement", "Pay an approved request from cash (or bank); 409 insufficient_funds; accepts an Idempotency-Key header",
            Some(json!({"type": "object", "properties": {"from": {"type": "string", "enum": ["cash", "bank"]}}}))), pay)
    .api(Method::GET, "/api/v1/fund/balance", Policy::Signed(Action::ViewFund), doc("fund_balance", "The fund's balance in fen (cash + bank; goods apart)", None), balance)
    .api(Method::GET, "/api/v1/fund/entries", Policy::Signed(Action::ViewFund),
        ApiDoc { operation_id: "fund_entries", summary: "The ledger, newest first", tag: "fund", query: &[("page", "1-based page")], body: None, response: None }, entries)
    .api(Method::POST, "/api/v1/fund/entries/{id}/reverse", Policy::Signed(Action::ManageFund),
        doc("fund_reverse", "Correct a mistaken entry with a reversal citing it and a reason", Some(json!({"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}))), reverse)
    .api(Method::GET, "/api/v1/fund/disclosure", Policy::Public,
        ApiDoc { operation_id: "fund_disclosure", summary: "The public monthly disclosure (公示): donors named only with consent, recipients masked", tag: "fund",
            query: &[("month", "YYYY-MM"), ("community", "community name, where a deployment holds several")], body: None, response: None }, disclosure)
}
