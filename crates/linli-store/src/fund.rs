//! The love fund's ledger (爱心基金). Every write takes the community's fund chain head with a
//! row lock (`audit::next_link`, `FOR UPDATE` on PostgreSQL; SQLite's `BEGIN IMMEDIATE` already
//! holds the only write lock), so the balance read after it is the balance the write acts on:
//! two payments can never both see the same money, on one instance or on several.

use crate::audit::{advance_head, next_link};
use crate::db::{Conn, Db, Dialect, Row, now_text};
use crate::error::StoreError;
use crate::{Result, Tenant, from_row, params};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use linli_core::chain::{self, ChainBreak, StoredLink};
use linli_core::clock::Stamp;
use linli_core::fund::{
    self, DisbursementStatus, DonorKind, EntryKind, Fen, LedgerError, Method, Posting, Purpose,
    account,
};
use serde::Serialize;

pub const CHAIN: &str = "fund";

fn ledger(e: LedgerError) -> StoreError {
    StoreError::Conflict { code: e.code(), field: None }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Decision {
    pub id: i64,
    pub decided_on: NaiveDate,
    /// How many were entitled to attend; none for decisions recorded before the numbers were
    /// kept (schema 28), whose quorum was ticked.
    pub eligible: Option<i64>,
    /// `residents`, `households` or `representatives` (居委会组织法 §9); none before schema 28.
    pub basis: Option<String>,
    pub attendance: i64,
    pub quorum_reached: bool,
    pub resolution: String,
    pub purpose: String,
    pub eligibility: String,
}

pub struct DecisionInput {
    pub decided_on: NaiveDate,
    pub basis: fund::MeetingBasis,
    pub eligible: i64,
    pub attendance: i64,
    /// Computed from the numbers ([`linli_core::fund::quorum`]), never taken from a client.
    pub quorum_reached: bool,
    pub resolution: String,
    pub purpose: String,
    pub eligibility: String,
}

pub fn record_decision(
    c: &mut dyn Conn,
    community_id: Tenant,
    d: &DecisionInput,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO fund_decisions (community_id, decided_on, basis, eligible, attendance, quorum_reached, resolution, purpose, eligibility, recorded_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![community_id, d.decided_on, d.basis.as_str(), d.eligible, d.attendance, d.quorum_reached, d.resolution.clone(), d.purpose.clone(), d.eligibility.clone(), user, now_text(now)],
    )
}

/// The decision in force: the latest one with a quorum.
pub fn decision(c: &mut dyn Conn, community_id: Tenant) -> Result<Option<Decision>> {
    c.query_opt(
        "SELECT id, decided_on, eligible, basis, attendance, quorum_reached, resolution, purpose, eligibility FROM fund_decisions
         WHERE community_id = ? AND quorum_reached = 1 ORDER BY decided_on DESC, id DESC LIMIT 1",
        params![community_id],
    )?
    .map(|r| {
        Ok(from_row!(r => Decision {
            id, decided_on, eligible, basis, attendance, quorum_reached, resolution, purpose,
            eligibility
        }))
    })
    .transpose()
}

/// The days on which quorate meetings decided on the fund, for the check that a gift does not
/// come before them.
pub fn decision_days(c: &mut dyn Conn, community_id: Tenant) -> Result<Vec<NaiveDate>> {
    c.query_map(
        "SELECT DISTINCT decided_on FROM fund_decisions WHERE community_id = ? AND quorum_reached = 1",
        params![community_id],
        |r| {
        let day = r.text(0)?;
        NaiveDate::parse_from_str(&day, "%Y-%m-%d")
            .map_err(|_| StoreError::Db(format!("fund decision day `{day}` is not YYYY-MM-DD")))
        },
    )
}

/// A month's disclosure as it was put up on the board: the dates the sheet prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DisclosurePosting {
    /// `YYYY-MM`.
    pub month: String,
    /// The day it went up.
    pub posted_on: NaiveDate,
    /// The last day of the posting period.
    pub ends_on: NaiveDate,
}

/// Records that `month`'s disclosure went up on the board; a month is posted once
/// (409 `already_posted`).
pub fn record_posting(
    c: &mut dyn Conn,
    community_id: Tenant,
    p: &DisclosurePosting,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let taken = || StoreError::Conflict { code: "already_posted", field: Some("month") };
    if posting(c, community_id, &p.month)?.is_some() {
        return Err(taken());
    }
    c.insert(
        "INSERT INTO fund_disclosure_postings (community_id, month, posted_on, ends_on, posted_by, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        params![community_id, p.month.clone(), p.posted_on, p.ends_on, user, now_text(now)],
    )
    .map_err(|e| if e.is_unique_violation() { taken() } else { e })
}

/// The posting of `month`'s disclosure, once it has gone up.
pub fn posting(
    c: &mut dyn Conn,
    community_id: Tenant,
    month: &str,
) -> Result<Option<DisclosurePosting>> {
    c.query_opt(
        "SELECT month, posted_on, ends_on FROM fund_disclosure_postings WHERE community_id = ? AND month = ?",
        params![community_id, month],
    )?
    .map(|r| {
        Ok(from_row!(r => DisclosurePosting { month, posted_on, ends_on }))
    })
    .transpose()
}

/// `fund.disclosures`: monthly disclosures put up on the board in `[from, to]`.
pub fn postings_count(c: &mut dyn Conn, community_id: Tenant, from: &str, to: &str) -> Result<i64> {
    c.count(
        "SELECT COUNT(*) FROM fund_disclosure_postings WHERE community_id = ? AND posted_on >= ? AND posted_on <= ?",
        params![community_id, from, to],
    )
}

#[allow(clippy::too_many_arguments)]
fn canonical(
    community_id: i64,
    seq: i64,
    occurred_on: &str,
    kind: &str,
    memo: &str,
    reverses: Option<i64>,
    reason: &str,
    recorded_by: Option<i64>,
    recorded_at: &str,
    postings: &[Posting],
    seal: Option<&str>,
) -> String {
    let lines: Vec<String> =
        postings.iter().map(|p| format!("{}={}", p.account, p.amount.0)).collect();
    let mut text = chain::canonical(&[
        ("community_id", &community_id.to_string()),
        ("seq", &seq.to_string()),
        ("occurred_on", occurred_on),
        ("kind", kind),
        ("memo", memo),
        ("reverses", &reverses.map(|r| r.to_string()).unwrap_or_default()),
        ("reason", reason),
        ("recorded_by", &recorded_by.map(|r| r.to_string()).unwrap_or_default()),
        ("recorded_at", recorded_at),
        ("postings", &lines.join(";")),
    ]);
    // Sealed transactions (schema 24 on) also hash the gift or payment they carry.
    if let Some(seal) = seal {
        text.push_str(&chain::canonical(&[("sealed", "1"), ("record", seal)]));
    }
    text
}

/// Balance of one account, from the postings (debit positive).
pub fn account_balance(c: &mut dyn Conn, community_id: Tenant, account: &str) -> Result<Fen> {
    Ok(Fen(c.count(
        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM fund_postings WHERE community_id = ? AND account = ?",
        params![community_id, account],
    )?))
}

#[allow(clippy::too_many_arguments)]
fn write_transaction(
    c: &mut dyn Conn,
    community_id: Tenant,
    occurred_on: &str,
    kind: EntryKind,
    memo: &str,
    reverses: Option<i64>,
    reason: &str,
    user: Option<i64>,
    postings: &[Posting],
    seal: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    if !fund::is_balanced(postings) {
        return Err(ledger(LedgerError::Unbalanced));
    }
    // The chain head row lock serializes every ledger write of this community.
    let (seq, prev) = next_link(c, CHAIN, community_id.id())?;
    // Money accounts touched by this transaction may not go below zero.
    for acct in account::MONEY {
        let delta: i64 = postings.iter().filter(|p| p.account == acct).map(|p| p.amount.0).sum();
        if delta < 0 {
            let balance = account_balance(c, community_id, acct)?;
            fund::money_after(
                balance,
                &postings
                    .iter()
                    .filter(|p| p.account == acct)
                    .cloned()
                    .chain(std::iter::once(Posting {
                        account: "balancing".into(),
                        amount: Fen(-delta),
                    }))
                    .collect::<Vec<_>>(),
            )
            .map_err(ledger)?;
        }
    }
    let at = now_text(now);
    let content = canonical(
        community_id.id(),
        seq,
        occurred_on,
        kind.as_str(),
        memo,
        reverses,
        reason,
        user,
        &at,
        postings,
        Some(seal),
    );
    let hash = chain::link_hash(&prev, &content);
    let id = c.insert(
        "INSERT INTO fund_transactions (community_id, seq, occurred_on, kind, memo, reverses_id, reason, recorded_by, recorded_at, prev_hash, hash, sealed)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id",
        params![community_id, seq, occurred_on, kind, memo, reverses, reason, user, at, prev, hash.clone()],
    )?;
    for p in postings {
        c.execute(
            "INSERT INTO fund_postings (community_id, transaction_id, account, amount_fen) VALUES (?, ?, ?, ?)",
            params![community_id, id, p.account.clone(), p.amount.0],
        )?;
    }
    advance_head(c, CHAIN, community_id.id(), seq, &hash)?;
    Ok(id)
}

pub struct DonationInput {
    pub donor_kind: DonorKind,
    pub donor_resident_id: Option<i64>,
    pub donor_partner_id: Option<i64>,
    pub donor_name: String,
    pub amount: Fen,
    pub method: Method,
    pub items: String,
    pub received_on: NaiveDate,
    pub publish_name: bool,
}

/// Records a gift received. Refused before the residents' meeting has decided on the fund.
pub fn donate(
    c: &mut dyn Conn,
    community_id: Tenant,
    d: &DonationInput,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(i64, String)> {
    if decision(c, community_id)?.is_none() {
        return Err(StoreError::Conflict { code: "no_fund_decision", field: None });
    }
    let day = d.received_on.format("%Y-%m-%d").to_string();
    let memo = format!("{}捐赠（{}）", d.donor_kind.label_zh(), d.method.label_zh());
    // The chain lock first: every ledger write of the community waits here, so receipt
    // numbers are handed out in the order gifts enter the ledger, with no gaps.
    next_link(c, CHAIN, community_id.id())?;
    let year = i64::from(d.received_on.year());
    c.execute(
        "INSERT INTO fund_receipt_counters (community_id, year, last_no) VALUES (?, ?, 0) ON CONFLICT (community_id, year) DO NOTHING",
        params![community_id, year],
    )?;
    c.execute("UPDATE fund_receipt_counters SET last_no = last_no + 1 WHERE community_id = ? AND year = ?", params![community_id, year])?;
    let n = c.count(
        "SELECT last_no FROM fund_receipt_counters WHERE community_id = ? AND year = ?",
        params![community_id, year],
    )?;
    let receipt = fund::receipt_no(d.received_on.year(), n);
    let seal = fund::donation_seal(
        &receipt,
        d.donor_kind.as_str(),
        d.donor_resident_id,
        d.donor_partner_id,
        &d.donor_name,
        d.amount.0,
        d.method.as_str(),
        &d.items,
        &day,
        d.publish_name,
    );
    let tx = write_transaction(
        c,
        community_id,
        &day,
        EntryKind::Donation,
        &memo,
        None,
        "",
        user,
        &fund::donation_postings(d.method, d.donor_kind, d.amount),
        &seal,
        now,
    )?;
    let id = c.insert(
        "INSERT INTO fund_donations (community_id, transaction_id, receipt_no, donor_kind, donor_resident_id, donor_partner_id, donor_name,
             amount_fen, method, items, received_on, publish_name, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        params![community_id, tx, receipt.clone(), d.donor_kind.as_str(), d.donor_resident_id, d.donor_partner_id, d.donor_name.clone(),
            d.amount.0, d.method.as_str(), d.items.clone(), day, d.publish_name, now_text(now)],
    )?;
    Ok((id, receipt))
}

#[allow(clippy::too_many_arguments)]
pub fn request_disbursement(
    c: &mut dyn Conn,
    community_id: Tenant,
    beneficiary: i64,
    amount: Fen,
    purpose: Purpose,
    case_id: Option<i64>,
    note: &str,
    user: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    c.insert(
        "INSERT INTO fund_disbursements (community_id, beneficiary_resident_id, case_id, amount_fen, purpose, note, status, requested_by, requested_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id",
        params![community_id, beneficiary, case_id, amount.0, purpose.as_str(), note, user, now_text(now)],
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Disbursement {
    pub id: i64,
    #[serde(skip)]
    pub community_id: i64,
    pub beneficiary_resident_id: i64,
    pub beneficiary_name: String,
    pub case_id: Option<i64>,
    pub amount_fen: i64,
    pub purpose: Purpose,
    pub note: String,
    pub status: DisbursementStatus,
    pub requested_by: i64,
    pub requested_at: Stamp,
    pub approvals: Vec<i64>,
    pub paid_on: Option<NaiveDate>,
    pub transaction_id: Option<i64>,
}

const DISB_COLUMNS: &str = "d.id, d.community_id, d.beneficiary_resident_id, r.name, d.case_id, d.amount_fen, d.purpose, d.note, d.status,
    d.requested_by, d.requested_at, d.paid_on, d.transaction_id";

fn disb_from(c: &mut dyn Conn, r: &Row) -> Result<Disbursement> {
    let id = r.int(0)?;
    let approvals = c
        .query(
            "SELECT user_id FROM fund_approvals WHERE disbursement_id = ? ORDER BY id",
            params![id],
        )?
        .iter()
        .map(|a| a.int(0))
        .collect::<Result<Vec<_>>>()?;
    Ok(Disbursement {
        id,
        community_id: r.int(1)?,
        beneficiary_resident_id: r.int(2)?,
        beneficiary_name: r.text(3)?,
        case_id: r.opt_int(4)?,
        amount_fen: r.int(5)?,
        purpose: r.get(6)?,
        note: r.text(7)?,
        status: r.get(8)?,
        requested_by: r.int(9)?,
        requested_at: r.stamp(10)?,
        approvals,
        paid_on: r.opt_date(11)?,
        transaction_id: r.opt_int(12)?,
    })
}

pub fn disbursement(c: &mut dyn Conn, community_id: Tenant, id: i64) -> Result<Disbursement> {
    let sql = format!(
        "SELECT {DISB_COLUMNS} FROM fund_disbursements d JOIN residents r ON r.id = d.beneficiary_resident_id WHERE d.id = ? AND d.community_id = ?"
    );
    let row = c.query_one(&sql, params![id, community_id])?;
    disb_from(c, &row)
}

pub fn disbursements(
    c: &mut dyn Conn,
    community_id: Tenant,
    limit: i64,
) -> Result<Vec<Disbursement>> {
    let sql = format!(
        "SELECT {DISB_COLUMNS} FROM fund_disbursements d JOIN residents r ON r.id = d.beneficiary_resident_id
         WHERE d.community_id = ? ORDER BY d.id DESC LIMIT ?"
    );
    let rows = c.query(&sql, params![community_id, limit])?;
    rows.iter().map(|r| disb_from(c, r)).collect()
}

/// The requests still waiting for a step: approvals (`pending`) or payment (`approved`),
/// oldest first.
pub fn open_disbursements(c: &mut dyn Conn, community_id: Tenant) -> Result<Vec<Disbursement>> {
    let sql = format!(
        "SELECT {DISB_COLUMNS} FROM fund_disbursements d JOIN residents r ON r.id = d.beneficiary_resident_id
         WHERE d.community_id = ? AND d.status IN ('pending', 'approved') ORDER BY d.id"
    );
    let rows = c.query(&sql, params![community_id])?;
    rows.iter().map(|r| disb_from(c, r)).collect()
}

/// One more approval (the caller has checked the role); returns the new status.
pub fn approve_disbursement(
    c: &mut dyn Conn,
    community_id: Tenant,
    id: i64,
    user: i64,
    now: DateTime<Utc>,
) -> Result<DisbursementStatus> {
    // Lock the fund so two approvals cannot race past the two-person count.
    disbursement(c, community_id, id)?;
    let _ = next_link(c, CHAIN, community_id.id())?;
    let d = disbursement(c, community_id, id)?;
    let complete =
        fund::approve(d.requested_by, &d.approvals, user, d.status == DisbursementStatus::Pending)
            .map_err(|e| match e {
                fund::ApprovalError::SelfApproval => {
                    StoreError::Invalid { code: "self_approval", field: None }
                }
                other => StoreError::Conflict { code: other.code(), field: None },
            })?;
    c.execute(
        "INSERT INTO fund_approvals (community_id, disbursement_id, user_id, approved_at) VALUES (?, ?, ?, ?)",
        params![d.community_id, id, user, now_text(now)],
    )?;
    let status = if complete { DisbursementStatus::Approved } else { DisbursementStatus::Pending };
    c.execute(
        "UPDATE fund_disbursements SET status = ? WHERE id = ? AND community_id = ?",
        params![status, id, community_id],
    )?;
    Ok(status)
}

/// Pays an approved disbursement from cash or bank: the ledger entry, then the status.
pub fn pay_disbursement(
    c: &mut dyn Conn,
    community_id: Tenant,
    id: i64,
    from: &'static str,
    on: NaiveDate,
    user: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    disbursement(c, community_id, id)?;
    let (_seq, _) = next_link(c, CHAIN, community_id.id())?;
    // Re-read under the lock: a concurrent payment of the same request is refused here.
    let d = disbursement(c, community_id, id)?;
    if d.status != DisbursementStatus::Approved {
        return Err(StoreError::Conflict {
            code: if d.status == DisbursementStatus::Paid {
                "already_paid"
            } else {
                "not_approved"
            },
            field: None,
        });
    }
    let purpose = d.purpose;
    let day = on.format("%Y-%m-%d").to_string();
    let memo = format!("{}：{}（申请第{}号）", purpose.label_zh(), d.beneficiary_name, d.id);
    let seal = fund::payment_seal(
        d.id,
        d.beneficiary_resident_id,
        d.case_id,
        d.amount_fen,
        d.purpose.as_str(),
        &day,
        Some(user),
    );
    let tx = write_transaction(
        c,
        community_id,
        &day,
        EntryKind::Disbursement,
        &memo,
        None,
        "",
        Some(user),
        &fund::disbursement_postings(purpose, from, Fen(d.amount_fen)),
        &seal,
        now,
    )?;
    c.execute(
        "UPDATE fund_disbursements SET status = 'paid', paid_by = ?, paid_on = ?, transaction_id = ? WHERE id = ? AND community_id = ?",
        params![user, day, tx, id, community_id],
    )?;
    Ok(tx)
}

pub fn reject_disbursement(c: &mut dyn Conn, community_id: Tenant, id: i64) -> Result<()> {
    let n = c.execute("UPDATE fund_disbursements SET status = 'rejected' WHERE id = ? AND community_id = ? AND status IN ('pending', 'approved')", params![id, community_id])?;
    StoreError::changed(n, "not_pending")
}

/// Corrects a mistaken transaction with its mirror image, citing it and the reason.
pub fn reverse(
    c: &mut dyn Conn,
    community_id: Tenant,
    tx: i64,
    reason: &str,
    on: NaiveDate,
    user: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    if reason.trim().is_empty() {
        return Err(StoreError::invalid("reversal_reason_missing", "reason"));
    }
    let orig = c.query_one(
        "SELECT kind, reverses_id FROM fund_transactions WHERE id = ? AND community_id = ?",
        params![tx, community_id],
    )?;
    let already =
        c.count("SELECT COUNT(*) FROM fund_transactions WHERE reverses_id = ?", params![tx])? > 0;
    fund::check_reversal(orig.text(0)? == "reversal", already).map_err(ledger)?;
    let postings = postings_of(c, tx)?;
    let day = on.format("%Y-%m-%d").to_string();
    let id = write_transaction(
        c,
        community_id,
        &day,
        EntryKind::Reversal,
        &format!("冲正第{tx}号记录"),
        Some(tx),
        reason.trim(),
        user,
        &fund::reversal_postings(&postings),
        "",
        now,
    )?;
    // A reversed disbursement is no longer paid.
    c.execute(
        "UPDATE fund_disbursements SET status = 'rejected' WHERE transaction_id = ?",
        params![tx],
    )?;
    Ok(id)
}

fn postings_of(c: &mut dyn Conn, tx: i64) -> Result<Vec<Posting>> {
    c.query_map(
        "SELECT account, amount_fen FROM fund_postings WHERE transaction_id = ? ORDER BY id",
        params![tx],
        |r| Ok(Posting { account: r.text(0)?, amount: Fen(r.int(1)?) }),
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default, schemars::JsonSchema)]
pub struct Balances {
    pub cash_fen: i64,
    pub bank_fen: i64,
    /// Goods at declared value, never part of the money.
    pub goods_fen: i64,
    pub balance_fen: i64,
}

/// Balances now, or at the end of `until` (inclusive) when given.
pub fn balances(c: &mut dyn Conn, community_id: Tenant, until: Option<&str>) -> Result<Balances> {
    let rows = c.query(
        "SELECT p.account, CAST(COALESCE(SUM(p.amount_fen), 0) AS BIGINT) FROM fund_postings p JOIN fund_transactions t ON t.id = p.transaction_id
         WHERE p.community_id = ? AND p.account LIKE 'asset:%' AND t.occurred_on <= ? GROUP BY p.account",
        params![community_id, until.unwrap_or("9999-12-31")],
    )?;
    let mut b = Balances::default();
    for r in rows {
        match r.text(0)?.as_str() {
            account::CASH => b.cash_fen = r.int(1)?,
            account::BANK => b.bank_fen = r.int(1)?,
            account::GOODS => b.goods_fen = r.int(1)?,
            _ => {}
        }
    }
    b.balance_fen = b.cash_fen + b.bank_fen;
    Ok(b)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Entry {
    pub id: i64,
    pub seq: i64,
    pub occurred_on: NaiveDate,
    pub kind: EntryKind,
    pub memo: String,
    pub reverses_id: Option<i64>,
    pub reversed: bool,
    pub reason: String,
    pub postings: Vec<Posting>,
}

pub fn entries(
    c: &mut dyn Conn,
    community_id: Tenant,
    page: i64,
    per_page: i64,
) -> Result<(Vec<Entry>, i64)> {
    let total = c.count(
        "SELECT COUNT(*) FROM fund_transactions WHERE community_id = ?",
        params![community_id],
    )?;
    let rows = c.query(
        &format!(
            "SELECT {ENTRY_COLUMNS} WHERE t.community_id = ? ORDER BY t.seq DESC LIMIT ? OFFSET ?"
        ),
        params![community_id, per_page, crate::page_offset(page, per_page)],
    )?;
    let out = rows.iter().map(|r| entry_from(c, r)).collect::<Result<Vec<_>>>()?;
    Ok((out, total))
}

/// One entry of the ledger, with its postings.
pub fn entry(c: &mut dyn Conn, community_id: Tenant, id: i64) -> Result<Entry> {
    let r = c
        .query_opt(
            &format!("SELECT {ENTRY_COLUMNS} WHERE t.community_id = ? AND t.id = ?"),
            params![community_id, id],
        )?
        .ok_or(StoreError::NotFound)?;
    entry_from(c, &r)
}

const ENTRY_COLUMNS: &str = "t.id, t.seq, t.occurred_on, t.kind, t.memo, t.reverses_id, t.reason,
    (SELECT COUNT(*) FROM fund_transactions x WHERE x.reverses_id = t.id)
    FROM fund_transactions t";

fn entry_from(c: &mut dyn Conn, r: &Row) -> Result<Entry> {
    let id = r.int(0)?;
    Ok(Entry {
        id,
        seq: r.int(1)?,
        occurred_on: r.date(2)?,
        kind: r.get(3)?,
        memo: r.text(4)?,
        reverses_id: r.opt_int(5)?,
        reason: r.text(6)?,
        reversed: r.int(7)? > 0,
        postings: postings_of(c, id)?,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Donation {
    pub id: i64,
    pub receipt_no: String,
    pub donor_kind: DonorKind,
    pub donor_resident_id: Option<i64>,
    pub donor_name: String,
    pub amount_fen: i64,
    pub method: Method,
    pub items: String,
    pub received_on: NaiveDate,
    pub publish_name: bool,
    pub reversed: bool,
    pub transaction_id: i64,
}

fn donation_from(r: &Row) -> Result<Donation> {
    Ok(from_row!(r => Donation {
        id, receipt_no, donor_kind, donor_resident_id, donor_name, amount_fen, method, items,
        received_on, publish_name, reversed, transaction_id
    }))
}

const DONATION_COLUMNS: &str = "d.id, d.receipt_no, d.donor_kind, d.donor_resident_id, d.donor_name, d.amount_fen, d.method, d.items,
    d.received_on, d.publish_name, (SELECT COUNT(*) FROM fund_transactions x WHERE x.reverses_id = d.transaction_id), d.transaction_id";

pub fn donation(c: &mut dyn Conn, community_id: Tenant, id: i64) -> Result<Donation> {
    let sql = format!(
        "SELECT {DONATION_COLUMNS} FROM fund_donations d WHERE d.id = ? AND d.community_id = ?"
    );
    donation_from(&c.query_one(&sql, params![id, community_id])?)
}

/// Donations received between two days (inclusive), newest first.
pub fn donations(
    c: &mut dyn Conn,
    community_id: Tenant,
    from: &str,
    to: &str,
) -> Result<Vec<Donation>> {
    let sql = format!(
        "SELECT {DONATION_COLUMNS} FROM fund_donations d WHERE d.community_id = ? AND d.received_on >= ? AND d.received_on <= ?
         ORDER BY d.received_on DESC, d.id DESC"
    );
    c.query_map(&sql, params![community_id, from, to], donation_from)
}

/// A public month: totals, donors as they may be named, recipients masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Disclosure {
    pub month: String,
    pub opening_fen: i64,
    pub closing_fen: i64,
    pub income_fen: i64,
    pub spending_fen: i64,
    pub goods_fen: i64,
    pub donors: Vec<DisclosedDonation>,
    pub recipients: Vec<DisclosedPayment>,
    /// Money received this month by kind of donor (居民, 共建单位, 社会人士, 匿名), in fen.
    pub income_by_kind: Vec<(String, i64)>,
}

/// The year so far, up to the end of a disclosed month: money in, money out, people helped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default, schemars::JsonSchema)]
pub struct YearToDate {
    pub income_fen: i64,
    pub spending_fen: i64,
    pub helped: i64,
}

pub fn year_to_date(c: &mut dyn Conn, community_id: Tenant, month: &str) -> Result<YearToDate> {
    let year = month.get(..4).unwrap_or("0000");
    let (from, to) = (format!("{year}-01-01"), format!("{month}-31"));
    let (income, helped) = totals(c, community_id, &from, &to)?;
    let spending = c.count(
        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM fund_disbursements WHERE community_id = ? AND status = 'paid' AND paid_on >= ? AND paid_on <= ?",
        params![community_id, from, to],
    )?;
    Ok(YearToDate { income_fen: income, spending_fen: spending, helped })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DisclosedDonation {
    pub donor: String,
    pub amount_fen: i64,
    pub in_kind: bool,
    pub items: String,
    pub received_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DisclosedPayment {
    pub recipient: String,
    pub amount_fen: i64,
    pub purpose: String,
    pub paid_on: NaiveDate,
}

/// The disclosure of `month` (`YYYY-MM`). Reversed entries are left out.
pub fn disclosure(c: &mut dyn Conn, community_id: Tenant, month: &str) -> Result<Disclosure> {
    let mut out = month_flows(c, community_id, month)?;
    let first = format!("{month}-01");
    let before = NaiveDate::parse_from_str(&first, "%Y-%m-%d")
        .map_err(|_| StoreError::invalid("month_bad", "month"))?
        .pred_opt()
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    out.opening_fen = balances(c, community_id, Some(&before))?.balance_fen;
    out.closing_fen = balances(c, community_id, Some(&format!("{month}-31")))?.balance_fen;
    Ok(out)
}

/// The disclosure of `month` without its opening and closing balances (left at 0), which sum
/// every posting ever made: the month's gifts and payments, for the home page's "this month".
pub fn month_flows(c: &mut dyn Conn, community_id: Tenant, month: &str) -> Result<Disclosure> {
    let first = format!("{month}-01");
    let last = format!("{month}-31");
    NaiveDate::parse_from_str(&first, "%Y-%m-%d")
        .map_err(|_| StoreError::invalid("month_bad", "month"))?;
    let mut out = Disclosure {
        month: month.to_string(),
        opening_fen: 0,
        closing_fen: 0,
        income_fen: 0,
        spending_fen: 0,
        goods_fen: 0,
        donors: Vec::new(),
        recipients: Vec::new(),
        income_by_kind: Vec::new(),
    };
    // A donor erased under PIPL §47 keeps his sealed gift (the accounts must), but a
    // disclosure no longer names him: the record is stored, not processed (§47 ¶2).
    let erased: Vec<i64> = c
        .query(
            "SELECT DISTINCT d.donor_resident_id FROM fund_donations d JOIN residents r ON r.id = d.donor_resident_id
             WHERE d.community_id = ? AND r.status = 'anonymized'",
            params![community_id],
        )?
        .iter()
        .map(|r| r.int(0))
        .collect::<Result<_>>()?;
    for d in donations(c, community_id, &first, &last)? {
        if d.reversed {
            continue;
        }
        let publish_name =
            d.publish_name && !d.donor_resident_id.is_some_and(|id| erased.contains(&id));
        let in_kind = d.method == Method::InKind;
        if in_kind {
            out.goods_fen += d.amount_fen;
        } else {
            out.income_fen += d.amount_fen;
            let label = d.donor_kind.label_zh().to_string();
            match out.income_by_kind.iter_mut().find(|(k, _)| *k == label) {
                Some(e) => e.1 += d.amount_fen,
                None => out.income_by_kind.push((label, d.amount_fen)),
            }
        }
        let named =
            if d.donor_kind == DonorKind::Anonymous { None } else { Some(d.donor_name.as_str()) };
        out.donors.push(DisclosedDonation {
            donor: fund::disclosed_donor(named, publish_name),
            amount_fen: d.amount_fen,
            in_kind,
            items: d.items.clone(),
            received_on: d.received_on,
        });
    }
    let rows = c.query(
        "SELECT r.name, d.amount_fen, d.purpose, d.paid_on FROM fund_disbursements d JOIN residents r ON r.id = d.beneficiary_resident_id
         WHERE d.community_id = ? AND d.status = 'paid' AND d.paid_on >= ? AND d.paid_on <= ? ORDER BY d.paid_on, d.id",
        params![community_id, first, last],
    )?;
    for r in rows {
        let amount = r.int(1)?;
        out.spending_fen += amount;
        out.recipients.push(DisclosedPayment {
            recipient: linli_core::mask::mask_name(&r.text(0)?),
            amount_fen: amount,
            purpose: Purpose::parse(&r.text(2)?).unwrap_or(Purpose::Other).label_zh().to_string(),
            paid_on: r.date(3)?,
        });
    }
    Ok(out)
}

/// Totals for indicators: money raised (fen) and distinct residents paid, in a period.
pub fn totals(c: &mut dyn Conn, community_id: Tenant, from: &str, to: &str) -> Result<(i64, i64)> {
    let raised = c.count(
        "SELECT CAST(COALESCE(SUM(d.amount_fen), 0) AS BIGINT) FROM fund_donations d WHERE d.community_id = ? AND d.method <> 'in_kind'
           AND d.received_on >= ? AND d.received_on <= ?
           AND NOT EXISTS (SELECT 1 FROM fund_transactions x WHERE x.reverses_id = d.transaction_id)",
        params![community_id, from, to],
    )?;
    let helped = c.count(
        "SELECT COUNT(DISTINCT beneficiary_resident_id) FROM fund_disbursements WHERE community_id = ? AND status = 'paid' AND paid_on >= ? AND paid_on <= ?",
        params![community_id, from, to],
    )?;
    Ok((raised, helped))
}

// ---- idempotency ----

/// What a key answered before, and the fingerprint of the request it answered (none for keys
/// stored before schema 23).
pub struct Remembered {
    pub response: String,
    pub request_hash: Option<String>,
}

/// Serializes the calls that carry one key, until the transaction ends: on PostgreSQL a
/// transaction-scoped advisory lock on the key (a retry waits for the first call to commit and
/// then, under READ COMMITTED, sees its answer); SQLite's writer lock already does this.
pub fn lock_idempotency_key(
    c: &mut dyn Conn,
    community_id: Tenant,
    operation: &str,
    key: &str,
) -> Result<()> {
    if c.dialect() == Dialect::Postgres {
        let name = format!("idem:{}:{operation}:{key}", community_id.id());
        c.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 7447305))", params![name])?;
    }
    Ok(())
}

pub fn idempotent_response(
    c: &mut dyn Conn,
    community_id: Tenant,
    operation: &str,
    key: &str,
) -> Result<Option<Remembered>> {
    c.query_opt(
        "SELECT response, request_hash FROM idempotency_keys WHERE community_id = ? AND operation = ? AND idem_key = ?",
        params![community_id, operation, key],
    )?
    .map(|r| {
        Ok(Remembered {
            response: r.text(0)?,
            request_hash: r.opt_text(1)?,
        })
    })
    .transpose()
}

pub fn remember_response(
    c: &mut dyn Conn,
    community_id: Tenant,
    operation: &str,
    key: &str,
    request_hash: &str,
    response: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    c.execute(
        "INSERT INTO idempotency_keys (community_id, operation, idem_key, request_hash, response, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        params![community_id, operation, key, request_hash, response, now_text(now)],
    )?;
    Ok(())
}

// ---- verification ----

/// Walks every fund chain: links, hashes, and that each transaction balances.
pub fn verify(db: &Db) -> Result<crate::audit::Verified> {
    db.read_blocking(|c| {
        let communities: Vec<i64> = c
            .query("SELECT community_id FROM chain_heads WHERE chain = ? ORDER BY 1", params![CHAIN])?
            .iter()
            .map(|r| r.int(0))
            .collect::<Result<_>>()?;
        let mut out = crate::audit::Verified { chains: Vec::new(), broken: None };
        for community in communities {
            let head = c
                .query_opt("SELECT hash FROM chain_heads WHERE chain = ? AND community_id = ?", params![CHAIN, community])?
                .map(|r| r.text(0))
                .transpose()?;
            let rows = c.query(
                "SELECT id, seq, occurred_on, kind, memo, reverses_id, reason, recorded_by, recorded_at, prev_hash, hash, sealed
                 FROM fund_transactions WHERE community_id = ? ORDER BY seq",
                params![community],
            )?;
            let mut links = Vec::with_capacity(rows.len());
            let mut unbalanced = None;
            for r in &rows {
                let id = r.int(0)?;
                let postings = postings_of(c, id)?;
                if unbalanced.is_none() && !fund::is_balanced(&postings) {
                    unbalanced = Some(id);
                }
                let seq = r.int(1)?;
                let seal = if r.bool(11)? { Some(seal_of(c, id, &r.text(3)?)?) } else { None };
                links.push(StoredLink {
                    id,
                    seq,
                    canonical: canonical(community, seq, &r.text(2)?, &r.text(3)?, &r.text(4)?, r.opt_int(5)?, &r.text(6)?, r.opt_int(7)?, &r.text(8)?, &postings, seal.as_deref()),
                    prev_hash: r.text(9)?,
                    hash: r.text(10)?,
                });
            }
            match chain::verify(links, head.as_deref()) {
                Ok(n) => out.chains.push((community, n)),
                Err(b) => {
                    out.broken = Some((community, b));
                    break;
                }
            }
            if let Some(id) = unbalanced {
                out.broken = Some((community, ChainBreak::Altered { id }));
                break;
            }
            if let Some(b) = receipts_break(c, community)? {
                out.broken = Some((community, b));
                break;
            }
        }
        Ok(out)
    })
}

/// The gift or payment a sealed transaction carries, as its seal reads it now (empty when the
/// record is gone: then the hash no longer matches either).
fn seal_of(c: &mut dyn Conn, tx: i64, kind: &str) -> Result<String> {
    let mut out = String::new();
    match kind {
        "donation" => {
            for r in c.query(
                "SELECT receipt_no, donor_kind, donor_resident_id, donor_partner_id, donor_name, amount_fen, method, items, received_on, publish_name
                 FROM fund_donations WHERE transaction_id = ? ORDER BY id",
                params![tx],
            )? {
                out.push_str(&fund::donation_seal(
                    &r.text(0)?, &r.text(1)?, r.opt_int(2)?, r.opt_int(3)?, &r.text(4)?, r.int(5)?, &r.text(6)?, &r.text(7)?, &r.text(8)?, r.bool(9)?,
                ));
            }
        }
        "disbursement" => {
            for r in c.query(
                "SELECT id, beneficiary_resident_id, case_id, amount_fen, purpose, paid_on, paid_by
                 FROM fund_disbursements WHERE transaction_id = ? ORDER BY id",
                params![tx],
            )? {
                out.push_str(&fund::payment_seal(
                    r.int(0)?, r.int(1)?, r.opt_int(2)?, r.int(3)?, &r.text(4)?, &r.opt_text(5)?.unwrap_or_default(), r.opt_int(6)?,
                ));
            }
        }
        _ => {}
    }
    Ok(out)
}

/// The first year whose receipt numbers are not 1..=counter, each once (a counter moved, a
/// number changed or a gift removed).
fn receipts_break(c: &mut dyn Conn, community: i64) -> Result<Option<ChainBreak>> {
    let mut years: Vec<(i64, i64)> = c
        .query(
            "SELECT year, last_no FROM fund_receipt_counters WHERE community_id = ? ORDER BY year",
            params![community],
        )?
        .iter()
        .map(|r| Ok((r.int(0)?, r.int(1)?)))
        .collect::<Result<_>>()?;
    for r in c.query(
        "SELECT DISTINCT SUBSTR(received_on, 1, 4) FROM fund_donations WHERE community_id = ?",
        params![community],
    )? {
        let year = r.text(0)?.parse::<i64>().unwrap_or(0);
        if !years.iter().any(|(y, _)| *y == year) {
            years.push((year, 0));
        }
    }
    for (year, counter) in years {
        let receipts: Vec<String> = c
            .query(
                "SELECT receipt_no FROM fund_donations WHERE community_id = ? AND received_on >= ? AND received_on <= ?",
                params![community, format!("{year:04}-01-01"), format!("{year:04}-12-31")],
            )?
            .iter()
            .map(|r| r.text(0))
            .collect::<Result<_>>()?;
        let y = i32::try_from(year).unwrap_or(0);
        if let Err(fault) = fund::check_receipts(y, counter, &receipts) {
            return Ok(Some(ChainBreak::Receipts { year, reason: fault.to_string() }));
        }
    }
    Ok(None)
}

/// A transaction's place in the ledger: its number and hash (printed on its receipt).
pub fn link(c: &mut dyn Conn, community_id: Tenant, tx: i64) -> Result<(i64, String)> {
    let r = c.query_one(
        "SELECT seq, hash FROM fund_transactions WHERE id = ? AND community_id = ?",
        params![tx, community_id],
    )?;
    Ok((r.int(0)?, r.text(1)?))
}

/// A community's fund chain head: its last record's number and hash (none before the first).
pub fn head(c: &mut dyn Conn, community_id: Tenant) -> Result<Option<(i64, String)>> {
    c.query_opt(
        "SELECT seq, hash FROM chain_heads WHERE chain = ? AND community_id = ? AND seq > 0",
        params![CHAIN, community_id],
    )?
    .map(|r| Ok((r.int(0)?, r.text(1)?)))
    .transpose()
}

/// Every community's fund chain head, for `linli anchor`: (community id, name, seq, hash).
pub fn heads(db: &Db) -> Result<Vec<(i64, String, i64, String)>> {
    db.read_blocking(|c| {
        c.query_map(
            "SELECT h.community_id, p.name, h.seq, h.hash FROM chain_heads h JOIN places p ON p.id = h.community_id
              WHERE h.chain = ? AND h.seq > 0 ORDER BY h.community_id",
            params![CHAIN],
            |r| Ok((r.int(0)?, r.text(1)?, r.int(2)?, r.text(3)?)),
        )
    })
}

/// Checks remembered heads against the ledgers: each anchor's record must still be there with
/// its hash. An anchor without a community is checked against every community's chain and
/// holds when one of them has it.
pub fn check_anchors(db: &Db, anchors: &[chain::Anchor]) -> Result<Vec<chain::AnchorError>> {
    db.read_blocking(|c| {
        let mut faults = Vec::new();
        for a in anchors {
            let communities: Vec<i64> = match a.community {
                Some(id) => vec![id],
                None => c
                    .query(
                        "SELECT community_id FROM chain_heads WHERE chain = ? ORDER BY 1",
                        params![CHAIN],
                    )?
                    .iter()
                    .map(|r| r.int(0))
                    .collect::<Result<_>>()?,
            };
            let mut first_fault = None;
            let mut held = false;
            for community in communities {
                let rows = c.query(
                    "SELECT seq, hash FROM fund_transactions WHERE community_id = ? ORDER BY seq",
                    params![community],
                )?;
                let records: Vec<(i64, String)> =
                    rows.iter().map(|r| Ok((r.int(0)?, r.text(1)?))).collect::<Result<_>>()?;
                match a.check(records.iter().map(|(s, h)| (*s, h.as_str()))) {
                    Ok(()) => {
                        held = true;
                        break;
                    }
                    Err(e) => {
                        first_fault.get_or_insert(e);
                    }
                }
            }
            if !held {
                faults.push(first_fault.unwrap_or(chain::AnchorError::Missing {
                    anchor: a.to_string(),
                    seq: a.seq,
                    last: 0,
                }));
            }
        }
        Ok(faults)
    })
}

/// What the fund holds about one resident: their gifts and the help paid or asked for them.
pub fn for_resident(
    c: &mut dyn Conn,
    community_id: Tenant,
    resident_id: i64,
) -> Result<(Vec<Donation>, Vec<Disbursement>)> {
    let sql = format!(
        "SELECT {DONATION_COLUMNS} FROM fund_donations d WHERE d.donor_resident_id = ? AND d.community_id = ? ORDER BY d.received_on DESC"
    );
    let gifts = c
        .query(&sql, params![resident_id, community_id])?
        .iter()
        .map(donation_from)
        .collect::<Result<Vec<_>>>()?;
    let sql = format!(
        "SELECT {DISB_COLUMNS} FROM fund_disbursements d JOIN residents r ON r.id = d.beneficiary_resident_id
         WHERE d.beneficiary_resident_id = ? AND d.community_id = ? ORDER BY d.id DESC"
    );
    let rows = c.query(&sql, params![resident_id, community_id])?;
    let help = rows.iter().map(|r| disb_from(c, r)).collect::<Result<Vec<_>>>()?;
    Ok((gifts, help))
}

/// Month by month for a year: income (money), goods, spending, closing balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MonthLine {
    pub month: String,
    pub income_fen: i64,
    pub goods_fen: i64,
    pub spending_fen: i64,
    pub closing_fen: i64,
}

pub fn statement(
    c: &mut dyn Conn,
    community_id: Tenant,
    year: i32,
) -> Result<(i64, Vec<MonthLine>)> {
    // The balance's change month by month, in one pass over the postings (not two sums of
    // every posting for each of the twelve months).
    let rows = c.query(
        "SELECT SUBSTR(t.occurred_on, 1, 7), CAST(SUM(p.amount_fen) AS BIGINT)
         FROM fund_postings p JOIN fund_transactions t ON t.id = p.transaction_id
         WHERE p.community_id = ? AND p.account IN (?, ?) AND t.occurred_on <= ?
         GROUP BY SUBSTR(t.occurred_on, 1, 7)",
        params![community_id, account::CASH, account::BANK, format!("{year}-12-31")],
    )?;
    let first = format!("{year}-01");
    let mut opening = 0;
    let mut change: std::collections::BTreeMap<String, i64> = Default::default();
    for r in rows {
        let (month, fen) = (r.text(0)?, r.int(1)?);
        if month < first {
            opening += fen;
        } else {
            *change.entry(month).or_default() += fen;
        }
    }
    // The year's gifts (reversed ones left out, goods apart) and payments, by month: what
    // each month's disclosure counts, read once for the year.
    let (first_day, last_day) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let mut flows: std::collections::BTreeMap<String, (i64, i64, i64)> = Default::default();
    for d in donations(c, community_id, &first_day, &last_day)? {
        if d.reversed {
            continue;
        }
        let e = flows.entry(d.received_on.format("%Y-%m").to_string()).or_default();
        if d.method == Method::InKind {
            e.1 += d.amount_fen;
        } else {
            e.0 += d.amount_fen;
        }
    }
    for r in c.query(
        "SELECT SUBSTR(paid_on, 1, 7), CAST(SUM(amount_fen) AS BIGINT) FROM fund_disbursements
         WHERE community_id = ? AND status = 'paid' AND paid_on >= ? AND paid_on <= ?
         GROUP BY SUBSTR(paid_on, 1, 7)",
        params![community_id, first_day, last_day],
    )? {
        flows.entry(r.text(0)?).or_default().2 += r.int(1)?;
    }
    let mut closing = opening;
    let mut lines = Vec::with_capacity(12);
    for m in 1..=12 {
        let month = format!("{year}-{m:02}");
        let (income_fen, goods_fen, spending_fen) = flows.get(&month).copied().unwrap_or_default();
        closing += change.get(&month).copied().unwrap_or(0);
        lines.push(MonthLine { month, income_fen, goods_fen, spending_fen, closing_fen: closing });
    }
    Ok((opening, lines))
}

/// Staff's donor list: every donor of a year with their total (names as recorded).
pub fn donor_totals(
    c: &mut dyn Conn,
    community_id: Tenant,
    year: i32,
) -> Result<Vec<(String, String, i64, i64)>> {
    let rows = c.query(
        "SELECT d.donor_kind, d.donor_name, CAST(SUM(d.amount_fen) AS BIGINT), COUNT(*) FROM fund_donations d
         WHERE d.community_id = ? AND d.received_on >= ? AND d.received_on <= ?
           AND NOT EXISTS (SELECT 1 FROM fund_transactions x WHERE x.reverses_id = d.transaction_id)
         GROUP BY d.donor_kind, d.donor_name ORDER BY 3 DESC",
        params![community_id, format!("{year}-01-01"), format!("{year}-12-31")],
    )?;
    rows.iter().map(|r| Ok((r.text(0)?, r.text(1)?, r.int(2)?, r.int(3)?))).collect()
}
