//! The love fund's rules (爱心基金): money in integer fen, double-entry postings, the two-person
//! approval, receipt numbers, and what a public disclosure may show. No I/O.
//!
//! A posting's amount is positive for a debit and negative for a credit, so a transaction
//! balances when its amounts sum to zero. Asset accounts (cash, bank, goods) carry debit
//! balances; donation income carries credit balances; disbursements are expenses (debits).

use serde::Serialize;
use std::fmt;

/// Money in fen (分). Never a float.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    schemars::JsonSchema,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("the amount is empty")]
    Empty,
    #[error("the amount is not a number of yuan with at most two decimals")]
    Malformed,
    #[error("the amount must be more than zero")]
    NotPositive,
    #[error("the amount is too large")]
    TooLarge,
}

impl MoneyError {
    pub fn code(&self) -> &'static str {
        match self {
            MoneyError::Empty => "amount_empty",
            MoneyError::Malformed => "amount_malformed",
            MoneyError::NotPositive => "amount_not_positive",
            MoneyError::TooLarge => "amount_too_large",
        }
    }
}

/// The largest single amount Linli takes: ten million yuan, far above any community fund.
pub const MAX_FEN: i64 = 1_000_000_000;

impl Fen {
    /// Parses yuan as people type them: `80`, `80.5`, `1,234.50`, `￥1234`, `１２.３４`, `900元`.
    pub fn parse_yuan(raw: &str) -> Result<Fen, MoneyError> {
        let s: String = raw
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '．' => '.',
                c => c,
            })
            .filter(|c| !matches!(c, ',' | '，' | ' ' | '¥' | '￥'))
            .collect();
        let s = s.strip_suffix('元').unwrap_or(&s);
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
        if whole.is_empty() && frac.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
            || frac.len() > 2
            || whole.len() > 12
        {
            return Err(MoneyError::Malformed);
        }
        let yuan: i64 =
            if whole.is_empty() { 0 } else { whole.parse().map_err(|_| MoneyError::Malformed)? };
        let cents: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| MoneyError::Malformed)? * 10,
            _ => frac.parse().map_err(|_| MoneyError::Malformed)?,
        };
        let fen =
            yuan.checked_mul(100).and_then(|v| v.checked_add(cents)).ok_or(MoneyError::TooLarge)?;
        Fen::positive(fen)
    }

    /// A positive amount within [`MAX_FEN`].
    pub fn positive(fen: i64) -> Result<Fen, MoneyError> {
        if fen <= 0 {
            Err(MoneyError::NotPositive)
        } else if fen > MAX_FEN {
            Err(MoneyError::TooLarge)
        } else {
            Ok(Fen(fen))
        }
    }

    /// `1234.5` yuan → `1,234.50`.
    pub fn yuan(self) -> String {
        let neg = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let whole = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("{}{grouped}.{:02}", if neg { "-" } else { "" }, abs % 100)
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "¥{}", self.yuan())
    }
}

code_enum!(
    /// What a ledger entry records. A reversal undoes an earlier entry; nothing is deleted.
    EntryKind {
        Donation => "donation", "捐赠",
        Disbursement => "disbursement", "支出",
        Reversal => "reversal", "冲正",
    }
);

code_enum!(
    /// Where a payment from the fund stands: requested, approved by the quorum, paid, or
    /// rejected (withdrawn before payment).
    DisbursementStatus {
        Pending => "pending", "待审批",
        Approved => "approved", "已批准待支付",
        Paid => "paid", "已支付",
        Rejected => "rejected", "已撤销",
    }
);

code_enum!(
    /// Who gave.
    DonorKind {
        Resident => "resident", "居民",
        Partner => "partner", "共建单位",
        Person => "person", "社会人士",
        Anonymous => "anonymous", "匿名",
    }
);

code_enum!(
    /// How the gift arrived. Linli records gifts received offline; it takes no payments.
    Method {
        Cash => "cash", "现金",
        BankTransfer => "bank_transfer", "银行转账",
        Wechat => "wechat", "微信转账",
        Alipay => "alipay", "支付宝转账",
        InKind => "in_kind", "实物",
    }
);

code_enum!(
    /// What help was for (the disclosure shows this category, never the story).
    Purpose {
        Medical => "medical", "医疗救助",
        Living => "living", "生活困难",
        Education => "education", "助学",
        Disaster => "disaster", "灾害救助",
        Elderly => "elderly", "关爱老人",
        Other => "other", "其他",
    }
);

/// Account codes of the ledger.
pub mod account {
    pub const CASH: &str = "asset:cash";
    pub const BANK: &str = "asset:bank";
    /// Goods received, at declared value: kept apart from money in every total.
    pub const GOODS: &str = "asset:goods";
    pub const GOODS_INCOME: &str = "income:in_kind";
    pub const DISBURSED_GOODS: &str = "expense:goods";

    pub fn donations(kind: super::DonorKind) -> String {
        format!("income:donation:{}", kind.as_str())
    }

    pub fn disbursement(purpose: super::Purpose) -> String {
        format!("expense:disbursement:{}", purpose.as_str())
    }

    /// The money accounts (cash and bank): their sum is what can be paid out.
    pub const MONEY: [&str; 2] = [CASH, BANK];
}

/// One line of a transaction: positive debits, negative credits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Posting {
    pub account: String,
    pub amount: Fen,
}

pub fn is_balanced(postings: &[Posting]) -> bool {
    !postings.is_empty()
        && postings.iter().try_fold(0i64, |acc, p| acc.checked_add(p.amount.0)) == Some(0)
}

/// The asset account a gift received by `method` lands in.
pub fn asset_for(method: Method) -> &'static str {
    match method {
        Method::Cash => account::CASH,
        Method::BankTransfer | Method::Wechat | Method::Alipay => account::BANK,
        Method::InKind => account::GOODS,
    }
}

/// A donation: debit the asset it arrived as, credit the income of its donor kind (goods to
/// their own income account so money totals never include them).
pub fn donation_postings(method: Method, donor: DonorKind, amount: Fen) -> Vec<Posting> {
    let income = if method == Method::InKind {
        account::GOODS_INCOME.to_string()
    } else {
        account::donations(donor)
    };
    vec![
        Posting { account: asset_for(method).to_string(), amount },
        Posting { account: income, amount: Fen(-amount.0) },
    ]
}

/// A payment to a beneficiary from cash or bank.
pub fn disbursement_postings(purpose: Purpose, from: &'static str, amount: Fen) -> Vec<Posting> {
    vec![
        Posting { account: account::disbursement(purpose), amount },
        Posting { account: from.to_string(), amount: Fen(-amount.0) },
    ]
}

/// The correction of a mistaken transaction: the same postings with the signs turned.
pub fn reversal_postings(original: &[Posting]) -> Vec<Posting> {
    original
        .iter()
        .map(|p| Posting { account: p.account.clone(), amount: Fen(-p.amount.0) })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("the fund's money would go below zero")]
    InsufficientFunds,
    #[error("a reversal cannot itself be reversed")]
    ReverseOfReversal,
    #[error("this transaction was already reversed")]
    AlreadyReversed,
    #[error("a transaction must balance")]
    Unbalanced,
}

impl LedgerError {
    pub fn code(&self) -> &'static str {
        match self {
            LedgerError::InsufficientFunds => "insufficient_funds",
            LedgerError::ReverseOfReversal => "reverse_of_reversal",
            LedgerError::AlreadyReversed => "already_reversed",
            LedgerError::Unbalanced => "unbalanced",
        }
    }
}

/// Money (cash + bank) after applying `postings` to a balance of `money`; refuses to go negative.
pub fn money_after(money: Fen, postings: &[Posting]) -> Result<Fen, LedgerError> {
    if !is_balanced(postings) {
        return Err(LedgerError::Unbalanced);
    }
    let delta: i64 = postings
        .iter()
        .filter(|p| account::MONEY.contains(&p.account.as_str()))
        .map(|p| p.amount.0)
        .sum();
    let after = money.0.checked_add(delta).ok_or(LedgerError::InsufficientFunds)?;
    if after < 0 { Err(LedgerError::InsufficientFunds) } else { Ok(Fen(after)) }
}

/// May `original` be reversed? (`is_reversal`: it is itself a reversal; `reversed`: a reversal
/// of it exists already.)
pub fn check_reversal(is_reversal: bool, reversed: bool) -> Result<(), LedgerError> {
    if is_reversal {
        Err(LedgerError::ReverseOfReversal)
    } else if reversed {
        Err(LedgerError::AlreadyReversed)
    } else {
        Ok(())
    }
}

/// The two-person rule for disbursements.
pub const APPROVALS_NEEDED: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ApprovalError {
    #[error("the requester may not approve their own request")]
    SelfApproval,
    #[error("this user has already approved the request")]
    AlreadyApproved,
    #[error("the request is not waiting for approval")]
    NotPending,
}

impl ApprovalError {
    pub fn code(&self) -> &'static str {
        match self {
            ApprovalError::SelfApproval => "self_approval",
            ApprovalError::AlreadyApproved => "already_approved",
            ApprovalError::NotPending => "not_pending",
        }
    }
}

/// Checks one more approval; returns whether the request is then fully approved.
pub fn approve(
    requester: i64,
    approvals: &[i64],
    approver: i64,
    pending: bool,
) -> Result<bool, ApprovalError> {
    if !pending {
        return Err(ApprovalError::NotPending);
    }
    if approver == requester {
        return Err(ApprovalError::SelfApproval);
    }
    if approvals.contains(&approver) {
        return Err(ApprovalError::AlreadyApproved);
    }
    Ok(approvals.len() + 1 >= APPROVALS_NEEDED)
}

/// An amount in financial capitals, as receipts write it: 8850 fen → `捌拾捌元伍角整`.
pub fn capitals(fen: Fen) -> String {
    const DIGITS: [&str; 10] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"];
    const UNITS: [&str; 4] = ["", "拾", "佰", "仟"];
    const GROUPS: [&str; 3] = ["", "万", "亿"];
    let fen = fen.0.max(0);
    let yuan = fen / 100;
    let (jiao, cents) = ((fen / 10) % 10, fen % 10);
    let digit = |d: i64| DIGITS.get(d as usize).copied().unwrap_or("");
    let mut out = String::new();
    if yuan > 0 {
        let mut groups = Vec::new();
        let mut rest = yuan;
        while rest > 0 {
            groups.push(rest % 10_000);
            rest /= 10_000;
        }
        let mut zero_pending = false;
        for (gi, g) in groups.iter().enumerate().rev() {
            if *g == 0 {
                zero_pending = true;
                continue;
            }
            if zero_pending || (!out.is_empty() && *g < 1000) {
                out.push('零');
            }
            zero_pending = false;
            let mut inner_zero = false;
            for pos in (0..4).rev() {
                let d = (g / 10_i64.pow(pos as u32)) % 10;
                if d == 0 {
                    inner_zero = true;
                } else {
                    if inner_zero
                        && out.chars().last().is_some_and(|c| c != '零')
                        && !out.is_empty()
                        && pos < 3
                        && g / 10_i64.pow(pos as u32 + 1) > 0
                    {
                        out.push('零');
                    }
                    inner_zero = false;
                    out.push_str(digit(d));
                    out.push_str(UNITS.get(pos).copied().unwrap_or(""));
                }
            }
            out.push_str(GROUPS.get(gi).copied().unwrap_or(""));
        }
        out.push('元');
    }
    match (jiao, cents) {
        (0, 0) => out.push('整'),
        (j, 0) => {
            out.push_str(digit(j));
            out.push_str("角整");
        }
        (j, c) => {
            if j > 0 {
                out.push_str(digit(j));
                out.push('角');
            } else if yuan > 0 {
                out.push('零');
            }
            out.push_str(digit(c));
            out.push('分');
        }
    }
    if out == "整" { "零元整".into() } else { out }
}

/// Receipt numbers run per community and year without gaps: `2026-0001`.
pub fn receipt_no(year: i32, seq: i64) -> String {
    format!("{year}-{seq:04}")
}

/// What a donation's ledger transaction seals besides its postings: every field a receipt, a
/// disclosure or a balance is computed from. Changing any of them in the database breaks the
/// transaction's hash.
#[allow(clippy::too_many_arguments)]
pub fn donation_seal(
    receipt_no: &str,
    donor_kind: &str,
    donor_resident_id: Option<i64>,
    donor_partner_id: Option<i64>,
    donor_name: &str,
    amount_fen: i64,
    method: &str,
    items: &str,
    received_on: &str,
    publish_name: bool,
) -> String {
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    crate::chain::canonical(&[
        ("receipt_no", receipt_no),
        ("donor_kind", donor_kind),
        ("donor_resident_id", &opt(donor_resident_id)),
        ("donor_partner_id", &opt(donor_partner_id)),
        ("donor_name", donor_name),
        ("amount_fen", &amount_fen.to_string()),
        ("method", method),
        ("items", items),
        ("received_on", received_on),
        ("publish_name", if publish_name { "1" } else { "0" }),
    ])
}

/// What a payment's ledger transaction seals: the request paid, to whom, how much, for what,
/// when and by whom.
pub fn payment_seal(
    disbursement_id: i64,
    beneficiary_resident_id: i64,
    case_id: Option<i64>,
    amount_fen: i64,
    purpose: &str,
    paid_on: &str,
    paid_by: Option<i64>,
) -> String {
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    crate::chain::canonical(&[
        ("disbursement_id", &disbursement_id.to_string()),
        ("beneficiary_resident_id", &beneficiary_resident_id.to_string()),
        ("case_id", &opt(case_id)),
        ("amount_fen", &amount_fen.to_string()),
        ("purpose", purpose),
        ("paid_on", paid_on),
        ("paid_by", &opt(paid_by)),
    ])
}

/// Why a year's receipt numbers do not run 1..=counter, each once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptFault {
    #[error("receipt number {0} is missing")]
    Missing(i64),
    #[error("receipt number {0} is used twice")]
    Twice(i64),
    #[error("the counter says {counter} receipts, the gifts go up to {highest}")]
    Counter { counter: i64, highest: i64 },
    #[error("`{0}` is not a receipt number of this year")]
    Foreign(String),
}

/// Checks a year's receipt numbers (as stored on the gifts) against the year's counter: the
/// numbers are exactly 1..=counter, gap-free, each once.
pub fn check_receipts(year: i32, counter: i64, receipts: &[String]) -> Result<(), ReceiptFault> {
    let prefix = format!("{year}-");
    let mut numbers = Vec::with_capacity(receipts.len());
    for r in receipts {
        let n = r
            .strip_prefix(&prefix)
            .and_then(|n| n.parse::<i64>().ok())
            .filter(|n| *n >= 1)
            .ok_or_else(|| ReceiptFault::Foreign(r.clone()))?;
        numbers.push(n);
    }
    numbers.sort_unstable();
    let highest = numbers.last().copied().unwrap_or(0);
    for (expected, n) in (1..).zip(numbers.iter()) {
        if *n < expected {
            return Err(ReceiptFault::Twice(*n));
        }
        if *n > expected {
            return Err(ReceiptFault::Missing(expected));
        }
    }
    if counter != highest {
        return Err(ReceiptFault::Counter { counter, highest });
    }
    Ok(())
}

/// The donor as a public disclosure shows them (慈善法 §82: a name only with consent).
pub fn disclosed_donor(name: Option<&str>, publish_name: bool) -> String {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) if publish_name => n.to_string(),
        _ => "爱心人士".to_string(),
    }
}

// ---- the residents' meeting the fund rests on (居委会组织法 §9, §16) ----

code_enum!(
    /// Who was entitled to attend the residents' meeting (居委会组织法 §9): every resident over
    /// 18, one representative per household, or the two or three representatives each residents'
    /// group elected. The label is the phrase the quorum rule uses.
    MeetingBasis {
        Residents => "residents", "十八周岁以上的居民",
        Households => "households", "户的代表",
        Representatives => "representatives", "居民小组选举的代表",
    }
);

/// What the meeting's numbers say about its quorum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Quorum {
    pub basis: MeetingBasis,
    pub eligible: i64,
    pub attendance: i64,
    /// The fewest who had to attend: more than half of `eligible`.
    pub needed: i64,
    pub reached: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuorumError {
    #[error("the number entitled to attend must be more than zero")]
    EligibleNotPositive,
    #[error("the attendance must be more than zero")]
    AttendanceNotPositive,
    #[error("more attended than were entitled to")]
    AttendanceOverEligible,
}

impl QuorumError {
    pub fn code(&self) -> &'static str {
        match self {
            QuorumError::EligibleNotPositive => "eligible_bad",
            QuorumError::AttendanceNotPositive => "attendance_bad",
            QuorumError::AttendanceOverEligible => "attendance_over_eligible",
        }
    }

    pub fn field(&self) -> &'static str {
        match self {
            QuorumError::EligibleNotPositive => "eligible",
            _ => "attendance",
        }
    }
}

/// The quorum of a residents' meeting from its numbers. §9 asks the same of all three ways of
/// convening it: more than half (过半数) of those entitled must attend, so exactly half is not
/// enough (86 of 172 fails, 87 passes). The law has no two-thirds rule for residents' meetings;
/// that one is the village committee law's (村委会组织法 §22), not ours.
pub fn quorum(basis: MeetingBasis, eligible: i64, attendance: i64) -> Result<Quorum, QuorumError> {
    if eligible <= 0 {
        return Err(QuorumError::EligibleNotPositive);
    }
    if attendance <= 0 {
        return Err(QuorumError::AttendanceNotPositive);
    }
    if attendance > eligible {
        return Err(QuorumError::AttendanceOverEligible);
    }
    let needed = eligible / 2 + 1;
    Ok(Quorum { basis, eligible, attendance, needed, reached: attendance >= needed })
}

/// May a gift received on `received_on` be recorded, given the days on which quorate meetings
/// decided on the fund (§16: money is raised only after the meeting decides)? A gift on the
/// decision's own day is fine. When none decided on or before that day, the answer is the
/// earliest decision's day (the one the gift came before), or `Err(None)` with no decision at all.
pub fn gift_after_decision(
    received_on: chrono::NaiveDate,
    decisions: &[chrono::NaiveDate],
) -> Result<(), Option<chrono::NaiveDate>> {
    if decisions.iter().any(|d| *d <= received_on) {
        Ok(())
    } else {
        Err(decisions.iter().min().copied())
    }
}

// ---- the monthly posting (公示) ----

/// Days a monthly disclosure stays on the board, the day of posting included.
pub const POSTING_DAYS: i64 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PostingError {
    #[error("the month is not YYYY-MM")]
    MonthBad,
    #[error("a month's accounts are posted in that month or after it, not before")]
    BeforeMonth,
    #[error("the posting day is in the future")]
    Future,
}

impl PostingError {
    pub fn code(&self) -> &'static str {
        match self {
            PostingError::MonthBad => "month_bad",
            PostingError::BeforeMonth => "posting_before_month",
            PostingError::Future => "date_future",
        }
    }

    pub fn field(&self) -> &'static str {
        match self {
            PostingError::MonthBad => "month",
            _ => "posted_on",
        }
    }
}

/// The posting period of `month`'s disclosure put up on `posted_on`: that day and the six
/// after it. A month is posted during or after itself, and not on a day still to come.
pub fn posting_period(
    month: &str,
    posted_on: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> Result<(chrono::NaiveDate, chrono::NaiveDate), PostingError> {
    let first = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .map_err(|_| PostingError::MonthBad)?;
    if month.len() != 7 {
        return Err(PostingError::MonthBad);
    }
    if posted_on < first {
        return Err(PostingError::BeforeMonth);
    }
    if posted_on > today {
        return Err(PostingError::Future);
    }
    Ok((posted_on, posted_on + chrono::Duration::days(POSTING_DAYS - 1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basis_quorum(basis: MeetingBasis, eligible: i64, attendance: i64) -> bool {
        quorum(basis, eligible, attendance).map(|q| q.reached).unwrap_or(false)
    }

    #[test]
    fn a_meeting_of_residents_over_18_needs_more_than_half_of_them() {
        let b = MeetingBasis::Residents;
        assert!(!basis_quorum(b, 172, 86), "exactly half is not more than half");
        assert!(basis_quorum(b, 172, 87));
        assert!(!basis_quorum(b, 173, 86));
        assert!(basis_quorum(b, 173, 87), "87 of 173 is more than half");
        assert_eq!(quorum(b, 172, 10).map(|q| q.needed), Ok(87));
        assert_eq!(quorum(b, 173, 10).map(|q| q.needed), Ok(87));
    }

    #[test]
    fn a_meeting_of_household_representatives_needs_more_than_half_of_the_households() {
        let b = MeetingBasis::Households;
        assert!(!basis_quorum(b, 600, 300));
        assert!(basis_quorum(b, 600, 301));
        assert!(!basis_quorum(b, 601, 300));
        assert!(basis_quorum(b, 601, 301));
        assert!(!basis_quorum(b, 2, 1), "one of two households is half, not more");
        assert!(basis_quorum(b, 1, 1));
    }

    #[test]
    fn a_meeting_of_group_representatives_needs_more_than_half_of_them_not_two_thirds() {
        let b = MeetingBasis::Representatives;
        assert!(!basis_quorum(b, 30, 15));
        assert!(basis_quorum(b, 30, 16), "16 of 30 is enough: the rule is half, not two thirds");
        assert!(!basis_quorum(b, 31, 15));
        assert!(basis_quorum(b, 31, 16));
        assert!(basis_quorum(b, 30, 30));
    }

    #[test]
    fn the_meeting_numbers_must_make_sense() {
        let b = MeetingBasis::Residents;
        assert_eq!(quorum(b, 0, 0), Err(QuorumError::EligibleNotPositive));
        assert_eq!(quorum(b, -5, 3), Err(QuorumError::EligibleNotPositive));
        assert_eq!(quorum(b, 100, 0), Err(QuorumError::AttendanceNotPositive));
        assert_eq!(quorum(b, 100, 101), Err(QuorumError::AttendanceOverEligible));
        assert_eq!(MeetingBasis::parse("households"), Some(MeetingBasis::Households));
        assert_eq!(MeetingBasis::parse("everyone"), None);
    }

    #[test]
    fn gifts_come_after_a_decision_on_or_before_their_day() {
        let d = |m: u32, day: u32| chrono::NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(gift_after_decision(d(3, 1), &[]), Err(None));
        assert_eq!(gift_after_decision(d(3, 14), &[d(3, 15)]), Err(Some(d(3, 15))));
        assert_eq!(gift_after_decision(d(3, 15), &[d(3, 15)]), Ok(()), "the decision's own day");
        assert_eq!(gift_after_decision(d(4, 1), &[d(3, 15)]), Ok(()));
        // A later meeting that decided again does not make the gifts in between early.
        assert_eq!(gift_after_decision(d(5, 1), &[d(3, 15), d(9, 1)]), Ok(()));
        assert_eq!(gift_after_decision(d(1, 1), &[d(9, 1), d(3, 15)]), Err(Some(d(3, 15))));
    }

    #[test]
    fn a_posting_lasts_seven_days_from_its_day() {
        let d = |m: u32, day: u32| chrono::NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(posting_period("2026-11", d(12, 4), d(12, 6)), Ok((d(12, 4), d(12, 10))));
        assert_eq!(posting_period("2026-11", d(11, 30), d(12, 6)), Ok((d(11, 30), d(12, 6))));
        assert_eq!(posting_period("2026-11", d(10, 31), d(12, 6)), Err(PostingError::BeforeMonth));
        assert_eq!(posting_period("2026-11", d(12, 7), d(12, 6)), Err(PostingError::Future));
        assert_eq!(posting_period("2026-13", d(12, 4), d(12, 6)), Err(PostingError::MonthBad));
        assert_eq!(posting_period("2026-1", d(12, 4), d(12, 6)), Err(PostingError::MonthBad));
    }

    #[test]
    fn a_years_receipts_run_from_one_to_the_counter_each_once() {
        let r = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(check_receipts(2026, 3, &r(&["2026-0002", "2026-0001", "2026-0003"])), Ok(()));
        assert_eq!(check_receipts(2026, 0, &[]), Ok(()));
        assert_eq!(
            check_receipts(2026, 3, &r(&["2026-0001", "2026-0003"])),
            Err(ReceiptFault::Missing(2))
        );
        assert_eq!(
            check_receipts(2026, 2, &r(&["2026-0001", "2026-0001", "2026-0002"])),
            Err(ReceiptFault::Twice(1))
        );
        assert_eq!(
            check_receipts(2026, 5, &r(&["2026-0001", "2026-0002"])),
            Err(ReceiptFault::Counter { counter: 5, highest: 2 }),
            "a counter moved forward leaves a gap in what will be issued"
        );
        assert_eq!(
            check_receipts(2026, 1, &r(&["2025-0001"])),
            Err(ReceiptFault::Foreign("2025-0001".into()))
        );
    }

    #[test]
    fn every_field_of_a_gift_or_payment_is_in_its_seal() {
        let gift = |receipt: &str, name: &str, amount: i64, publish: bool| {
            donation_seal(
                receipt,
                "person",
                None,
                None,
                name,
                amount,
                "cash",
                "",
                "2026-11-20",
                publish,
            )
        };
        let base = gift("2026-0001", "王先生", 10000, true);
        for changed in [
            gift("2026-0001", "王先生", 1000, true),
            gift("2026-0001", "李先生", 10000, true),
            gift("2026-0002", "王先生", 10000, true),
            gift("2026-0001", "王先生", 10000, false),
        ] {
            assert_ne!(base, changed);
        }
        let pay = payment_seal(7, 42, None, 20000, "medical", "2026-11-21", Some(3));
        assert_ne!(pay, payment_seal(7, 43, None, 20000, "medical", "2026-11-21", Some(3)));
        assert_ne!(pay, payment_seal(7, 42, None, 30000, "medical", "2026-11-21", Some(3)));
    }
    use proptest::prelude::*;

    #[test]
    fn yuan_are_parsed_the_way_people_type_them() {
        assert_eq!(Fen::parse_yuan("80"), Ok(Fen(8000)));
        assert_eq!(Fen::parse_yuan("80.5"), Ok(Fen(8050)));
        assert_eq!(Fen::parse_yuan("1,234.56"), Ok(Fen(123_456)));
        assert_eq!(Fen::parse_yuan("￥900元"), Ok(Fen(90_000)));
        assert_eq!(Fen::parse_yuan("１２．３"), Ok(Fen(1230)));
        assert_eq!(Fen::parse_yuan(".5"), Ok(Fen(50)));
        assert_eq!(Fen::parse_yuan(""), Err(MoneyError::Empty));
        assert_eq!(Fen::parse_yuan("0"), Err(MoneyError::NotPositive));
        assert_eq!(Fen::parse_yuan("-5"), Err(MoneyError::Malformed));
        assert_eq!(Fen::parse_yuan("1.234"), Err(MoneyError::Malformed));
        assert_eq!(Fen::parse_yuan("1e3"), Err(MoneyError::Malformed));
        assert_eq!(Fen::parse_yuan("99999999999"), Err(MoneyError::TooLarge));
    }

    #[test]
    fn amounts_are_shown_with_separators_and_two_decimals() {
        assert_eq!(Fen(123_456_789).yuan(), "1,234,567.89");
        assert_eq!(Fen(5).to_string(), "¥0.05");
        assert_eq!(Fen(-2000).yuan(), "-20.00");
    }

    #[test]
    fn goods_never_count_as_money() {
        let p = donation_postings(Method::InKind, DonorKind::Resident, Fen(5000));
        assert!(is_balanced(&p));
        assert_eq!(money_after(Fen(0), &p), Ok(Fen(0)));
        let p = donation_postings(Method::Wechat, DonorKind::Partner, Fen(5000));
        assert_eq!(money_after(Fen(0), &p), Ok(Fen(5000)));
        assert_eq!(p[1].account, "income:donation:partner");
    }

    #[test]
    fn a_payment_beyond_the_money_is_refused() {
        let pay = disbursement_postings(Purpose::Medical, account::CASH, Fen(8000));
        assert_eq!(money_after(Fen(10_000), &pay), Ok(Fen(2000)));
        assert_eq!(money_after(Fen(2000), &pay), Err(LedgerError::InsufficientFunds));
    }

    #[test]
    fn receipts_write_amounts_in_capitals() {
        assert_eq!(capitals(Fen(8850)), "捌拾捌元伍角整");
        assert_eq!(capitals(Fen(90_000)), "玖佰元整");
        assert_eq!(capitals(Fen(100_000)), "壹仟元整");
        assert_eq!(capitals(Fen(6_000_000)), "陆万元整");
        assert_eq!(capitals(Fen(100_500)), "壹仟零伍元整");
        assert_eq!(capitals(Fen(1_001_001)), "壹万零壹拾元零壹分");
        assert_eq!(capitals(Fen(5)), "伍分");
    }

    #[test]
    fn the_two_person_rule() {
        assert_eq!(approve(1, &[], 1, true), Err(ApprovalError::SelfApproval));
        assert_eq!(approve(1, &[], 2, true), Ok(false));
        assert_eq!(approve(1, &[2], 2, true), Err(ApprovalError::AlreadyApproved));
        assert_eq!(approve(1, &[2], 3, true), Ok(true));
        assert_eq!(approve(1, &[2, 3], 4, false), Err(ApprovalError::NotPending));
    }

    #[test]
    fn reversals_cannot_be_reversed_or_repeated() {
        assert_eq!(check_reversal(true, false), Err(LedgerError::ReverseOfReversal));
        assert_eq!(check_reversal(false, true), Err(LedgerError::AlreadyReversed));
        assert_eq!(check_reversal(false, false), Ok(()));
    }

    #[test]
    fn donors_are_named_only_with_consent() {
        assert_eq!(disclosed_donor(Some("米丽芳"), true), "米丽芳");
        assert_eq!(disclosed_donor(Some("米丽芳"), false), "爱心人士");
        assert_eq!(disclosed_donor(None, true), "爱心人士");
        assert_eq!(receipt_no(2026, 7), "2026-0007");
    }

    fn op() -> impl Strategy<Value = (bool, u8, i64)> {
        (any::<bool>(), 0u8..5, 1i64..2_000_000)
    }

    proptest! {
        #[test]
        fn every_transaction_sums_to_zero_and_its_reversal_cancels_it(method in 0usize..5, donor in 0usize..4, purpose in 0usize..6, fen in 1i64..MAX_FEN) {
            let d = donation_postings(Method::ALL[method], DonorKind::ALL[donor], Fen(fen));
            prop_assert!(is_balanced(&d));
            prop_assert!(is_balanced(&reversal_postings(&d)));
            let p = disbursement_postings(Purpose::ALL[purpose], account::BANK, Fen(fen));
            prop_assert!(is_balanced(&p));
            let mut both = p.clone();
            both.extend(reversal_postings(&p));
            let net: i64 = both.iter().filter(|x| x.account == account::BANK).map(|x| x.amount.0).sum();
            prop_assert_eq!(net, 0);
        }

        #[test]
        fn no_sequence_of_operations_makes_money_negative(ops in proptest::collection::vec(op(), 1..200)) {
            let mut money = Fen(0);
            for (give, m, fen) in ops {
                let postings = if give {
                    donation_postings(Method::ALL[m as usize], DonorKind::Resident, Fen(fen))
                } else {
                    disbursement_postings(Purpose::Other, account::CASH, Fen(fen))
                };
                if let Ok(after) = money_after(money, &postings) {
                    money = after;
                }
                prop_assert!(money.0 >= 0);
            }
        }

        #[test]
        fn typed_yuan_round_trip(fen in 1i64..MAX_FEN) {
            let shown = Fen(fen).yuan();
            prop_assert_eq!(Fen::parse_yuan(&shown), Ok(Fen(fen)));
        }
    }
}
