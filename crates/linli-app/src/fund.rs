//! The love fund (爱心基金): the meeting decision, gifts with receipts, payment requests with
//! two approvals, payments, reversals, and what the fund's pages and the public disclosure
//! read. Money-moving calls take an idempotency key: a retry gets the first answer.

use crate::{Actor, App, Error, Result, Tx, clip};
use chrono::NaiveDate;
use linli_core::Action;
use linli_core::fund::{
    DisbursementStatus, DonorKind, Fen, MeetingBasis, Method, Purpose, account,
};
use linli_core::idempotency::{self, Replay};
use linli_core::roster::ResidentStatus;
use linli_store::fund::{self, DecisionInput, DonationInput};
use linli_store::places::{self, Place};
use linli_store::{StoreError, Tenant, registry};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The actor's community, whose fund this is, once the actor's role permits `action`. The
/// fund belongs to the whole community: a grid worker records the gifts they receive into it,
/// while approving and paying stay with the fund keeper and the admin (their role decides).
pub async fn community(app: &App, actor: &Actor, action: Action) -> Result<Place> {
    let tenant = actor.require_role(app, action).await?;
    app.read(move |c| places::get(c, tenant.id())).await
}

fn money_error(e: StoreError) -> Error {
    match e {
        StoreError::Invalid { code: "self_approval", .. } => {
            Error::Refused { code: "self_approval" }
        }
        other => other.into(),
    }
}

/// Runs a money-moving write once per idempotency key: a retry with the same key and request
/// gets the answer the first call stored; the same key with another request is refused
/// (`idempotency_key_reused`). The key is locked first, so that retries arriving together,
/// on one instance or several, wait for the first call and then read its answer.
fn once<T, F>(
    tx: &mut Tx<'_>,
    tenant: Tenant,
    op: &str,
    key: Option<&str>,
    request: &[(&str, &str)],
    f: F,
) -> Result<T>
where
    T: Serialize + DeserializeOwned,
    F: FnOnce(&mut Tx<'_>) -> Result<T>,
{
    let Some(k) = key else {
        return f(tx);
    };
    let print = idempotency::fingerprint(op, request);
    fund::lock_idempotency_key(tx.c, tenant, op, k)?;
    let stored = fund::idempotent_response(tx.c, tenant, op, k)?;
    match idempotency::replay(
        stored.as_ref().map(|r| (r.response.as_str(), r.request_hash.as_deref())),
        &print,
    ) {
        Replay::Answer(text) => {
            return serde_json::from_str(text).map_err(|e| Error::Internal(e.to_string()));
        }
        Replay::Reused => {
            return Err(Error::Invalid { code: "idempotency_key_reused", field: None });
        }
        Replay::Fresh => {}
    }
    let answer = f(tx)?;
    let text = serde_json::to_string(&answer).map_err(|e| Error::Internal(e.to_string()))?;
    fund::remember_response(tx.c, tenant, op, k, &print, &text, tx.actor.now)?;
    Ok(answer)
}

pub struct DecisionDraft {
    pub decided_on: String,
    /// `residents`, `households` or `representatives`: who was entitled to attend (§9).
    pub basis: String,
    /// How many were entitled to attend, on that basis.
    pub eligible: i64,
    pub attendance: i64,
    pub resolution: String,
    pub purpose: String,
    pub eligibility: String,
}

/// A decision recorded, with the quorum its numbers reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RecordedDecision {
    pub id: i64,
    #[schemars(schema_with = "linli_core::code_schema::<linli_core::fund::MeetingBasis>")]
    pub basis: String,
    pub eligible: i64,
    pub attendance: i64,
    /// The fewest who had to attend: more than half of `eligible`.
    pub needed: i64,
    /// Computed from the numbers; always true here, since a meeting without it is refused.
    pub quorum_reached: bool,
}

/// Records the residents' meeting decision the fund rests on (居委会组织法 §16). The quorum is
/// computed from the numbers (§9: more than half of those entitled attended); a meeting that
/// did not reach it decided nothing and is refused with the arithmetic (409 `no_quorum`).
pub async fn record_decision(
    app: &App,
    actor: &Actor,
    d: DecisionDraft,
) -> Result<RecordedDecision> {
    let tenant = actor.require_role(app, Action::ManageFund).await?;
    let on = linli_core::dates::parse_date(&d.decided_on)
        .ok_or(Error::invalid("date_bad", "decided_on"))?;
    if on > actor.today() {
        return Err(Error::invalid("date_future", "decided_on"));
    }
    let basis = MeetingBasis::parse(&d.basis).ok_or(Error::invalid("basis_bad", "basis"))?;
    let quorum = linli_core::fund::quorum(basis, d.eligible, d.attendance)
        .map_err(|e| Error::invalid(e.code(), e.field()))?;
    if d.resolution.trim().is_empty() {
        return Err(Error::invalid("resolution_missing", "resolution"));
    }
    if !quorum.reached {
        return Err(Error::ConflictWith {
            code: "no_quorum",
            args: vec![
                ("attendance", quorum.attendance.to_string()),
                ("eligible", quorum.eligible.to_string()),
                ("needed", quorum.needed.to_string()),
                ("basis", format!("enum.meeting_basis.{}", basis.as_str())),
            ],
        });
    }
    let input = DecisionInput {
        decided_on: on,
        basis,
        eligible: quorum.eligible,
        attendance: quorum.attendance,
        quorum_reached: quorum.reached,
        resolution: d.resolution.trim().to_string(),
        purpose: d.purpose.trim().to_string(),
        eligibility: d.eligibility.trim().to_string(),
    };
    app.write(actor, move |tx| {
        let id = fund::record_decision(tx.c, tenant, &input, tx.actor.user_id(), tx.actor.now)?;
        tx.audit(tenant, "fund.decision", "fund", id, json!({"decided_on": input.decided_on, "basis": basis.as_str(), "eligible": quorum.eligible, "attendance": quorum.attendance, "quorum_reached": quorum.reached}))?;
        Ok(RecordedDecision {
            id,
            basis: basis.as_str().to_string(),
            eligible: quorum.eligible,
            attendance: quorum.attendance,
            needed: quorum.needed,
            quorum_reached: quorum.reached,
        })
    })
    .await
}

/// §16: money is raised only after the meeting decides. A gift dated before every quorate
/// decision is refused naming the decision's day (409 `before_fund_decision`); with no decision
/// at all the store refuses it as before (409 `no_fund_decision`).
fn check_gift_date(tx: &mut Tx<'_>, tenant: Tenant, received: NaiveDate) -> Result<()> {
    let days = fund::decision_days(tx.c, tenant)?;
    match linli_core::fund::gift_after_decision(received, &days) {
        Ok(()) | Err(None) => Ok(()),
        Err(Some(decided)) => Err(Error::ConflictWith {
            code: "before_fund_decision",
            args: vec![
                ("received_on", received.format("%Y-%m-%d").to_string()),
                ("decided_on", decided.format("%Y-%m-%d").to_string()),
                ("received_zh", linli_core::dates::chinese(received)),
                ("decided_zh", linli_core::dates::chinese(decided)),
            ],
        }),
    }
}

/// A donation as typed (form or JSON).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct DonationDraft {
    #[serde(default)]
    #[schemars(schema_with = "linli_core::code_schema::<DonorKind>")]
    pub donor_kind: String,
    #[serde(default)]
    pub donor_resident_id: Option<i64>,
    #[serde(default)]
    pub donor_partner_id: Option<i64>,
    #[serde(default)]
    pub donor_name: Option<String>,
    #[serde(default)]
    pub amount_fen: Option<i64>,
    /// Forms give yuan (`80.50`); the API gives fen.
    #[serde(default)]
    pub amount_yuan: Option<String>,
    #[serde(default)]
    #[schemars(schema_with = "linli_core::code_schema::<Method>")]
    pub method: String,
    #[serde(default)]
    pub items: Option<String>,
    #[serde(default)]
    pub received_on: String,
    #[serde(default)]
    pub publish_name: bool,
}

fn amount_of(fen: Option<i64>, yuan: Option<&str>) -> Result<Fen> {
    match (fen, yuan.map(str::trim).filter(|s| !s.is_empty())) {
        (Some(f), _) => Fen::positive(f).map_err(|e| Error::invalid(e.code(), "amount_fen")),
        (None, Some(y)) => Fen::parse_yuan(y).map_err(|e| Error::invalid(e.code(), "amount_fen")),
        (None, None) => Err(Error::invalid("amount_empty", "amount_fen")),
    }
}

/// A gift recorded: its id and receipt number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Receipt {
    pub id: i64,
    pub receipt_no: String,
}

/// Records a gift (the first answer again for a retried key).
pub async fn donate(
    app: &App,
    actor: &Actor,
    d: DonationDraft,
    key: Option<String>,
) -> Result<Receipt> {
    let tenant = actor.require_role(app, Action::RecordDonation).await?;
    let kind =
        DonorKind::parse(&d.donor_kind).ok_or(Error::invalid("donor_kind_bad", "donor_kind"))?;
    let method = Method::parse(&d.method).ok_or(Error::invalid("method_bad", "method"))?;
    let amount = amount_of(d.amount_fen, d.amount_yuan.as_deref())?;
    let received = linli_core::dates::parse_date(&d.received_on)
        .ok_or(Error::invalid("date_bad", "received_on"))?;
    if received > actor.today() {
        return Err(Error::invalid("date_future", "received_on"));
    }
    let items = clip(d.items.as_deref(), 500);
    if method == Method::InKind && items.is_empty() {
        return Err(Error::invalid("items_missing", "items"));
    }
    let mut name = clip(d.donor_name.as_deref(), 60);
    let resident = match kind {
        DonorKind::Resident => {
            let missing = || Error::invalid("donor_resident_missing", "donor_resident_id");
            let rid = d.donor_resident_id.ok_or_else(missing)?;
            let r =
                app.read(move |c| registry::get(c, tenant, rid)).await.map_err(|_| missing())?;
            name = r.name;
            Some(rid)
        }
        DonorKind::Partner | DonorKind::Person if name.is_empty() => {
            return Err(Error::invalid("donor_name_missing", "donor_name"));
        }
        DonorKind::Anonymous => {
            name.clear();
            None
        }
        _ => None,
    };
    let input = DonationInput {
        donor_kind: kind,
        donor_resident_id: resident,
        donor_partner_id: d.donor_partner_id,
        donor_name: name,
        amount,
        method,
        items,
        received_on: received,
        publish_name: d.publish_name && kind != DonorKind::Anonymous,
    };
    let request = [
        ("donor_kind", kind.as_str().to_string()),
        ("donor_resident_id", format!("{:?}", input.donor_resident_id)),
        ("donor_partner_id", format!("{:?}", input.donor_partner_id)),
        ("donor_name", input.donor_name.clone()),
        ("amount_fen", amount.0.to_string()),
        ("method", method.as_str().to_string()),
        ("items", input.items.clone()),
        ("received_on", received.to_string()),
        ("publish_name", input.publish_name.to_string()),
    ];
    app.write(actor, move |tx| {
        let request: Vec<(&str, &str)> = request.iter().map(|(k, v)| (*k, v.as_str())).collect();
        once(tx, tenant, "fund_donate", key.as_deref(), &request, |tx| {
            check_gift_date(tx, tenant, received)?;
            let (id, receipt_no) =
                fund::donate(tx.c, tenant, &input, tx.actor.user_id(), tx.actor.now)?;
            tx.audit(tenant, "fund.donation", "donation", id, json!({"receipt_no": receipt_no, "amount_fen": amount.0, "method": method.as_str(), "donor_kind": kind.as_str()}))?;
            Ok(Receipt { id, receipt_no })
        })
    })
    .await
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct RequestDraft {
    #[serde(default)]
    pub beneficiary_resident_id: Option<i64>,
    #[serde(default)]
    pub amount_fen: Option<i64>,
    #[serde(default)]
    pub amount_yuan: Option<String>,
    #[serde(default)]
    #[schemars(schema_with = "linli_core::code_schema::<Purpose>")]
    pub purpose: String,
    #[serde(default)]
    pub case_id: Option<i64>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A disbursement request's state after a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DisbursementState {
    pub id: i64,
    pub status: DisbursementStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<i64>,
}

/// Asks for help to be paid to a resident the requester looks after.
pub async fn request(app: &App, actor: &Actor, d: RequestDraft) -> Result<DisbursementState> {
    let tenant = actor.require_role(app, Action::RequestDisbursement).await?;
    let amount = amount_of(d.amount_fen, d.amount_yuan.as_deref())?;
    let purpose = Purpose::parse(&d.purpose).ok_or(Error::invalid("purpose_bad", "purpose"))?;
    let missing = || Error::invalid("beneficiary_missing", "beneficiary_resident_id");
    let rid = d.beneficiary_resident_id.ok_or_else(missing)?;
    let r = app.read(move |c| registry::get(c, tenant, rid)).await.map_err(|_| missing())?;
    // The requester vouches for the beneficiary: someone they look after.
    if r.status != ResidentStatus::Active
        || !actor.allowed(Action::ViewResidents, Some(&r.place_path))
    {
        return Err(missing());
    }
    if let Some(case_id) = d.case_id {
        crate::assistance::cited_case(app, tenant, case_id).await?;
    }
    let note = clip(d.note.as_deref(), 1000);
    app.write(actor, move |tx| {
        let user = tx.actor.user_id().unwrap_or(0);
        let id = fund::request_disbursement(tx.c, tenant, rid, amount, purpose, d.case_id, &note, user, tx.actor.now)?;
        tx.audit(tenant, "fund.request", "disbursement", id, json!({"amount_fen": amount.0, "purpose": purpose.as_str(), "beneficiary_resident_id": rid}))?;
        Ok(DisbursementState { id, status: DisbursementStatus::Pending, transaction_id: None })
    })
    .await
}

/// One approval of a request; the requester cannot approve their own (403 self_approval).
pub async fn approve(app: &App, actor: &Actor, id: i64) -> Result<DisbursementState> {
    let tenant = actor.require_role(app, Action::ApproveDisbursement).await?;
    app.write(actor, move |tx| {
        let user = tx.actor.user_id().unwrap_or(0);
        let status = fund::approve_disbursement(tx.c, tenant, id, user, tx.actor.now)
            .map_err(money_error)?;
        tx.audit(tenant, "fund.approve", "disbursement", id, json!({"status": status}))?;
        Ok(DisbursementState { id, status, transaction_id: None })
    })
    .await
}

/// Pays an approved request from cash (or the bank); never below zero.
pub async fn pay(
    app: &App,
    actor: &Actor,
    id: i64,
    from_bank: bool,
    key: Option<String>,
) -> Result<DisbursementState> {
    let tenant = actor.require_role(app, Action::PayDisbursement).await?;
    let on = actor.today();
    let id_text = id.to_string();
    let from_text = from_bank.to_string();
    app.write(actor, move |tx| {
        let request = [("id", id_text.as_str()), ("from_bank", from_text.as_str())];
        once(tx, tenant, "fund_pay_disbursement", key.as_deref(), &request, |tx| {
            let d = fund::disbursement(tx.c, tenant, id)?;
            let user = tx.actor.user_id().unwrap_or(0);
            let from = if from_bank { account::BANK } else { account::CASH };
            let txn = fund::pay_disbursement(tx.c, tenant, id, from, on, user, tx.actor.now)?;
            tx.audit(
                tenant,
                "fund.pay",
                "disbursement",
                id,
                json!({"amount_fen": d.amount_fen, "from": from}),
            )?;
            Ok(DisbursementState {
                id,
                status: DisbursementStatus::Paid,
                transaction_id: Some(txn),
            })
        })
    })
    .await
}

/// A month's disclosure put up on the board, as typed (form or JSON).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct PostingDraft {
    /// `YYYY-MM`: the month whose accounts were posted.
    #[serde(default)]
    pub month: String,
    /// The day the sheet went up.
    #[serde(default)]
    #[schemars(extend("format" = "date"))]
    pub posted_on: String,
}

/// A posting recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PostingRecorded {
    pub id: i64,
    pub month: String,
    pub posted_on: NaiveDate,
    /// The last day of the seven-day posting period.
    pub ends_on: NaiveDate,
}

/// Records that a month's disclosure went up on the board (§16: accounts published promptly),
/// so that the sheet, the summary and the fund's pages state the posting's own dates.
pub async fn record_posting(app: &App, actor: &Actor, d: PostingDraft) -> Result<PostingRecorded> {
    let tenant = actor.require_role(app, Action::ManageFund).await?;
    let month = d.month.trim().to_string();
    let on = linli_core::dates::parse_date(&d.posted_on)
        .ok_or(Error::invalid("date_bad", "posted_on"))?;
    let (from, to) = linli_core::fund::posting_period(&month, on, actor.today())
        .map_err(|e| Error::invalid(e.code(), e.field()))?;
    let posting = fund::DisclosurePosting { month, posted_on: from, ends_on: to };
    app.write(actor, move |tx| {
        let id = fund::record_posting(tx.c, tenant, &posting, tx.actor.user_id(), tx.actor.now)?;
        tx.audit(tenant, "fund.posting", "fund", id, json!({"month": posting.month, "posted_on": posting.posted_on, "ends_on": posting.ends_on}))?;
        Ok(PostingRecorded {
            id,
            month: posting.month,
            posted_on: posting.posted_on,
            ends_on: posting.ends_on,
        })
    })
    .await
}

/// A reversal written: its transaction and the one it reverses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reversal {
    pub id: i64,
    pub reverses_id: i64,
}

/// Corrects a mistaken entry with its mirror image, citing it and a reason.
pub async fn reverse(app: &App, actor: &Actor, txn: i64, reason: &str) -> Result<Reversal> {
    let tenant = actor.require_role(app, Action::ManageFund).await?;
    let reason = clip(Some(reason), 500);
    let on = actor.today();
    app.write(actor, move |tx| {
        let id = fund::reverse(tx.c, tenant, txn, &reason, on, tx.actor.user_id(), tx.actor.now)?;
        tx.audit(tenant, "fund.reverse", "fund", id, json!({"reverses": txn, "reason": reason}))?;
        Ok(Reversal { id, reverses_id: txn })
    })
    .await
}

// ---- reads ----

/// What the fund's overview shows.
pub struct Overview {
    pub decision: Option<fund::Decision>,
    pub balances: fund::Balances,
    pub recent: Vec<fund::Donation>,
    pub disbursements: Vec<fund::Disbursement>,
    /// Raised this year (fen) and residents helped this year.
    pub raised_year: i64,
    pub helped_year: i64,
}

pub async fn overview(app: &App, actor: &Actor) -> Result<Overview> {
    let tenant = actor.require_role(app, Action::ViewFund).await?;
    let today = actor.today();
    let year_start = format!("{}-01-01", today.format("%Y"));
    let day = today.format("%Y-%m-%d").to_string();
    app.read(move |c| {
        let (raised_year, helped_year) = fund::totals(c, tenant, &year_start, &day)?;
        Ok::<_, Error>(Overview {
            decision: fund::decision(c, tenant)?,
            balances: fund::balances(c, tenant, None)?,
            recent: fund::donations(c, tenant, "0000-01-01", "9999-12-31")?
                .into_iter()
                .take(10)
                .collect(),
            disbursements: fund::disbursements(c, tenant, 20)?,
            raised_year,
            helped_year,
        })
    })
    .await
}

/// What waits for the fund keeper on her home page: requests she may approve (not her own,
/// not approved by her yet), approved requests to pay, and the month's disclosure so far.
pub struct Queue {
    pub to_approve: Vec<fund::Disbursement>,
    pub to_pay: Vec<fund::Disbursement>,
    /// `YYYY-MM` of today.
    pub month: String,
    pub month_income_fen: i64,
    pub month_spending_fen: i64,
    pub month_gifts: usize,
    pub month_payments: usize,
}

/// `None` for an account that neither approves nor pays.
pub async fn queue(app: &App, actor: &Actor) -> Result<Option<Queue>> {
    let approves = actor.allowed(Action::ApproveDisbursement, None);
    let pays = actor.allowed(Action::PayDisbursement, None);
    if !approves && !pays {
        return Ok(None);
    }
    let tenant = actor.tenant()?;
    let me = actor.user_id();
    let month = actor.today().format("%Y-%m").to_string();
    let m = month.clone();
    let (open, disclosure) = app
        .read(move |c| {
            Ok::<_, Error>((
                fund::open_disbursements(c, tenant)?,
                fund::month_flows(c, tenant, &m)?,
            ))
        })
        .await?;
    let (to_approve, to_pay): (Vec<_>, Vec<_>) =
        open.into_iter().partition(|d| d.status == DisbursementStatus::Pending);
    let to_approve = if approves {
        to_approve
            .into_iter()
            .filter(|d| Some(d.requested_by) != me && !me.is_some_and(|u| d.approvals.contains(&u)))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Some(Queue {
        to_approve,
        to_pay: if pays { to_pay } else { Vec::new() },
        month,
        month_income_fen: disclosure.income_fen,
        month_spending_fen: disclosure.spending_fen,
        month_gifts: disclosure.donors.len(),
        month_payments: disclosure.recipients.len(),
    }))
}

/// The decision in force, if the meeting has decided.
pub async fn decision(app: &App, actor: &Actor, action: Action) -> Result<Option<fund::Decision>> {
    let tenant = actor.require_role(app, action).await?;
    app.read(move |c| fund::decision(c, tenant)).await
}

pub async fn balances(app: &App, actor: &Actor) -> Result<fund::Balances> {
    let tenant = actor.require_role(app, Action::ViewFund).await?;
    app.read(move |c| fund::balances(c, tenant, None)).await
}

/// One page of the ledger, newest first, and the number of entries.
pub async fn entries(
    app: &App,
    actor: &Actor,
    page: i64,
    per_page: i64,
) -> Result<(Vec<fund::Entry>, i64)> {
    let tenant = actor.require_role(app, Action::ViewFund).await?;
    app.read(move |c| fund::entries(c, tenant, page, per_page)).await
}

/// One entry of the ledger, for the fund keeper about to correct it.
pub async fn entry(app: &App, actor: &Actor, id: i64) -> Result<fund::Entry> {
    let tenant = actor.require_role(app, Action::ManageFund).await?;
    app.read(move |c| fund::entry(c, tenant, id)).await
}

/// A gift's receipt: the gift and the community that issued it.
/// A gift as its receipt prints it: the community, the gift, and its ledger record's number
/// and hash (the receipt carries them, so a ledger cut short or rewritten later is caught by
/// `linli verify --anchor`).
pub async fn donation(
    app: &App,
    actor: &Actor,
    id: i64,
) -> Result<(Place, fund::Donation, (i64, String))> {
    let place = community(app, actor, Action::ViewFund).await?;
    let tenant = Tenant::new(place.id);
    let (d, link) = app
        .read(move |c| {
            let d = fund::donation(c, tenant, id)?;
            let link = fund::link(c, tenant, d.transaction_id)?;
            Ok::<_, StoreError>((d, link))
        })
        .await?;
    Ok((place, d, link))
}

/// A disbursement request of the actor's community.
pub async fn disbursement(
    app: &App,
    actor: &Actor,
    action: Action,
    id: i64,
) -> Result<fund::Disbursement> {
    let tenant = actor.require_role(app, action).await?;
    app.read(move |c| fund::disbursement(c, tenant, id)).await
}

/// The yearly statement: opening balance, months, donors.
pub struct Statement {
    pub community: Place,
    pub opening_fen: i64,
    pub months: Vec<fund::MonthLine>,
    /// (donor kind, name, total fen, gifts).
    pub donors: Vec<(String, String, i64, i64)>,
}

pub async fn statement(app: &App, actor: &Actor, year: i32) -> Result<Statement> {
    let community = community(app, actor, Action::ViewFund).await?;
    let tenant = Tenant::new(community.id);
    let (opening_fen, months, donors) = app
        .read(move |c| {
            let (opening, lines) = fund::statement(c, tenant, year)?;
            Ok::<_, Error>((opening, lines, fund::donor_totals(c, tenant, year)?))
        })
        .await?;
    Ok(Statement { community, opening_fen, months, donors })
}

/// What the fund holds about one resident (the resident's page).
pub async fn for_resident(
    app: &App,
    actor: &Actor,
    resident_id: i64,
) -> Result<(Vec<fund::Donation>, Vec<fund::Disbursement>)> {
    let tenant = actor.tenant()?;
    app.read(move |c| fund::for_resident(c, tenant, resident_id)).await
}

/// The public disclosure of a month: the community by name, the signed-in actor's own, or the
/// only one there is.
pub struct Disclosure {
    pub community: Place,
    pub month: fund::Disclosure,
    pub year_to_date: fund::YearToDate,
    pub decision: Option<fund::Decision>,
    /// The ledger's head when the page is printed: (record number, hash).
    pub head: Option<(i64, String)>,
    /// The month's posting on the board, once recorded: its dates are the sheet's.
    pub posting: Option<fund::DisclosurePosting>,
}

pub async fn disclosure(
    app: &App,
    actor: &Actor,
    month: Option<String>,
    community: Option<String>,
) -> Result<Disclosure> {
    let month = month.unwrap_or_else(|| actor.today().format("%Y-%m").to_string());
    if NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_err() {
        return Err(Error::invalid("month_bad", "month"));
    }
    let signed_in = actor.community_id();
    app.read(move |c| {
        let place = crate::places::public_community(c, signed_in, community.as_deref())?;
        let tenant = Tenant::new(place.id);
        Ok::<_, Error>(Disclosure {
            month: fund::disclosure(c, tenant, &month)?,
            year_to_date: fund::year_to_date(c, tenant, &month)?,
            decision: fund::decision(c, tenant)?,
            head: fund::head(c, tenant)?,
            posting: fund::posting(c, tenant, &month)?,
            community: place,
        })
    })
    .await
}
