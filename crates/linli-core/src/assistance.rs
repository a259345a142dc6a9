//! The rules of assistance (帮扶): what a hardship case is about, the workflow and deadlines of
//! an application for social assistance, when a 低保 household is rechecked, and when a case
//! needs a legal basis for sensitive personal information. No I/O.
//!
//! The 低保 workflow follows 最低生活保障审核确认办法 (民政部, 民发〔2021〕57号). Its deadlines
//! run in working days, so they are counted on a [`Calendar`] that knows the announced holidays
//! and make-up days; a plain Monday-Friday count is up to a week early around 春节 and 国庆节.
//! Each planned step names the article it comes from, so a worker can see why a date is due.

use crate::workdays::Calendar;
use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

code_enum!(
    /// What hardship a case is about. A case may have several (an elderly person living alone
    /// who is also ill).
    CaseKind {
        Illness => "illness", "疾病",
        Disability => "disability", "残疾",
        Unemployment => "unemployment", "失业",
        Disaster => "disaster", "灾害",
        ElderlyAlone => "elderly_alone", "独居老人",
        Education => "education", "子女上学",
        Housing => "housing", "住房困难",
        Other => "other", "其他",
    }
);

code_enum!(
    /// Where an application for assistance (低保 and the others) stands: under way until the
    /// street decides, or the resident withdraws it.
    ApplicationStatus {
        InProgress => "in_progress", "办理中",
        Granted => "granted", "已批准",
        Refused => "refused", "未批准",
        Withdrawn => "withdrawn", "已撤回",
    }
);

code_enum!(
    /// Where a case stands. Monitoring is kept apart from closed: a household that no longer
    /// needs help is still visited for a while, and slips back without a new case.
    CaseStatus {
        Open => "open", "在帮扶",
        Monitoring => "monitoring", "跟踪观察",
        Closed => "closed", "已结案",
    }
);

code_enum!(
    /// What one act of help gave.
    HelpKind {
        Cash => "cash", "现金",
        Goods => "goods", "物资",
        Service => "service", "服务",
        Visit => "visit", "走访慰问",
    }
);

code_enum!(
    /// The applications for statutory assistance a community helps residents make.
    ApplicationKind {
        Dibao => "dibao", "最低生活保障（低保）",
        PublicHousing => "public_housing", "公租房（廉租房）",
        MedicalAid => "medical_aid", "医疗救助",
        TemporaryAid => "temporary_aid", "临时救助",
        DisabilityAllowance => "disability_allowance", "残疾人两项补贴",
    }
);

code_enum!(
    /// The legal basis for recording a case's sensitive personal information (个人信息保护法
    /// 第十三条、第二十九条): the person's separate consent, or the statutory duty a civil-affairs
    /// procedure performs.
    LegalBasis {
        Consent => "consent", "本人单独同意",
        Statutory => "statutory", "法定职责",
    }
);

code_enum!(
    /// How close a step is to its deadline, for the worker's to-do list.
    Urgency {
        Done => "done", "已完成",
        Ok => "ok", "正常",
        DueSoon => "due_soon", "即将到期",
        Overdue => "overdue", "已逾期",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssistanceError {
    #[error("a case needs at least one kind of hardship")]
    NoKinds,
    #[error(
        "unknown case kind `{0}` (expected one of illness, disability, unemployment, disaster, elderly_alone, education, housing, other)"
    )]
    UnknownKind(String),
    #[error(
        "a case recording health or disability needs the person's separate consent or a statutory basis"
    )]
    MissingBasis,
}

impl AssistanceError {
    pub fn code(&self) -> &'static str {
        match self {
            AssistanceError::NoKinds => "case_kinds_empty",
            AssistanceError::UnknownKind(_) => "case_kind_unknown",
            AssistanceError::MissingBasis => "case_basis_missing",
        }
    }
}

/// Reads the kinds a form sent. Blank entries are skipped (an empty select), unknown codes are
/// refused rather than dropped, and the result is de-duplicated in [`CaseKind::ALL`] order, so
/// the same choice is stored the same way whatever order the boxes were ticked in.
pub fn parse_kinds(raw: &[String]) -> Result<Vec<CaseKind>, AssistanceError> {
    let mut chosen = Vec::new();
    for s in raw.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let kind = CaseKind::parse(s).ok_or_else(|| AssistanceError::UnknownKind(s.to_string()))?;
        chosen.push(kind);
    }
    let kinds: Vec<CaseKind> =
        CaseKind::ALL.iter().copied().filter(|k| chosen.contains(k)).collect();
    if kinds.is_empty() { Err(AssistanceError::NoKinds) } else { Ok(kinds) }
}

/// The codes of the steps [`plan_steps`] produces; the store records progress against them.
pub mod step {
    pub const ACCEPTED: &str = "accepted";
    pub const DOCUMENTS_NOTICE: &str = "documents_notice";
    pub const SURVEY_START: &str = "survey_start";
    pub const FIRST_REVIEW_POSTING: &str = "first_review_posting";
    pub const COUNTY_SUBMISSION: &str = "county_submission";
    pub const COUNTY_DECISION: &str = "county_decision";
    pub const DOCUMENTS: &str = "documents";
    pub const STREET_REVIEW: &str = "street_review";
    pub const DECISION: &str = "decision";
    pub const COMPLETED: &str = "completed";
}

/// One step of an application's workflow, with its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct StepPlan {
    /// One of [`step`]'s codes.
    pub code: &'static str,
    pub name_zh: &'static str,
    /// The last day the step may be done on (for the posting: begun on).
    pub due_on: NaiveDate,
    /// Where the deadline comes from: an article, or [`LOCAL_RULE`].
    pub rule: &'static str,
}

/// 低保 (§22): the whole 审核确认 within 30 working days of acceptance...
pub const DIBAO_LIMIT_WORKING_DAYS: u32 = 30;
/// ...extended to 45 in special cases.
pub const DIBAO_SPECIAL_LIMIT_WORKING_DAYS: u32 = 45;
/// 低保 (§15): the household economic survey starts within 3 working days of acceptance.
pub const DIBAO_SURVEY_START_WORKING_DAYS: u32 = 3;
/// 低保 (§19): the first-review result is posted in the community for 7 (calendar) days.
pub const DIBAO_POSTING_DAYS: u64 = 7;
/// 低保 (§20): the county decides within 10 working days of receiving the street's materials.
pub const DIBAO_COUNTY_DECISION_WORKING_DAYS: u32 = 10;
/// 低保 (§16): each survey team has at least two investigators.
pub const DIBAO_MIN_INVESTIGATORS: usize = 2;
/// The largest household a 公示 lists as typed; more is a typing error, not a family.
pub const DIBAO_MAX_HOUSEHOLD_SIZE: i64 = 30;

/// The rule text of the steps that follow local practice rather than a national article.
pub const LOCAL_RULE: &str = "本地办事指南（暂定时限，待按当地规定配置）";

const DIBAO_RULE_ACCEPT: &str = "最低生活保障审核确认办法第十条";
const DIBAO_RULE_SURVEY: &str = "最低生活保障审核确认办法第十五条、第十六条";
const DIBAO_RULE_POSTING: &str = "最低生活保障审核确认办法第十九条、第二十四条";
const DIBAO_RULE_COUNTY: &str = "最低生活保障审核确认办法第二十条";
const DIBAO_RULE_LIMIT: &str = "最低生活保障审核确认办法第二十二条";

/// The steps of an application accepted on `accepted_on`, in order, each with its due date.
/// No step is due after the final `completed` step: an intermediate deadline that would run
/// past the overall limit is capped to it, since the overall limit is the one the law fixes.
///
/// 低保 follows 最低生活保障审核确认办法; `special` applies its extension to 45 working days
/// (§22). The other kinds follow local practice (documents the same day, street review in 10
/// working days, decision in 20, completion in 30) until their deadlines are configurable per
/// locality; `special` does not change them.
pub fn plan_steps(
    kind: ApplicationKind,
    accepted_on: NaiveDate,
    cal: &Calendar,
    special: bool,
) -> Vec<StepPlan> {
    let steps = match kind {
        ApplicationKind::Dibao => dibao_steps(accepted_on, cal, special),
        ApplicationKind::PublicHousing
        | ApplicationKind::MedicalAid
        | ApplicationKind::TemporaryAid
        | ApplicationKind::DisabilityAllowance => local_steps(accepted_on, cal),
    };
    let limit = steps.iter().find(|s| s.code == step::COMPLETED).map(|s| s.due_on);
    steps
        .into_iter()
        .map(|s| StepPlan { due_on: limit.map_or(s.due_on, |limit| s.due_on.min(limit)), ..s })
        .collect()
}

fn dibao_steps(accepted: NaiveDate, cal: &Calendar, special: bool) -> Vec<StepPlan> {
    let limit = if special { DIBAO_SPECIAL_LIMIT_WORKING_DAYS } else { DIBAO_LIMIT_WORKING_DAYS };
    // Planned backwards from the end the law fixes (§22), so each later stage keeps its own
    // clock whole: the county's 10 working days (§20) run from receiving the street's
    // materials, which must therefore reach it 10 working days before the end; the 7-day
    // posting (§19) ends when they are sent, and starts on a working day (the street puts it
    // up). What is left before the posting is the survey and the first review.
    let end = cal.add_working_days(accepted, limit);
    let submission = cal.sub_working_days(end, DIBAO_COUNTY_DECISION_WORKING_DAYS);
    let posting = cal.sub_working_days(
        submission.checked_sub_days(Days::new(DIBAO_POSTING_DAYS)).unwrap_or(NaiveDate::MIN),
        0,
    );
    vec![
        StepPlan {
            code: step::ACCEPTED,
            name_zh: "受理申请",
            due_on: accepted,
            rule: DIBAO_RULE_ACCEPT,
        },
        StepPlan {
            code: step::DOCUMENTS_NOTICE,
            name_zh: "一次性告知需补齐的材料",
            due_on: accepted,
            rule: DIBAO_RULE_ACCEPT,
        },
        StepPlan {
            code: step::SURVEY_START,
            name_zh: "启动家庭经济状况调查（每组调查人员不少于2人）",
            due_on: cal.add_working_days(accepted, DIBAO_SURVEY_START_WORKING_DAYS),
            rule: DIBAO_RULE_SURVEY,
        },
        StepPlan {
            code: step::FIRST_REVIEW_POSTING,
            name_zh: "初审意见在村（社区）公示（公示期7天，公示姓名、家庭人口和拟保障金额）",
            due_on: posting.max(accepted),
            rule: DIBAO_RULE_POSTING,
        },
        StepPlan {
            code: step::COUNTY_SUBMISSION,
            name_zh: "公示结束，材料报送县级民政部门（留足10个工作日审核确认）",
            due_on: submission.max(accepted),
            rule: DIBAO_RULE_COUNTY,
        },
        StepPlan {
            code: step::COUNTY_DECISION,
            name_zh: "县级民政部门审核确认",
            due_on: end,
            rule: DIBAO_RULE_COUNTY,
        },
        StepPlan {
            code: step::COMPLETED,
            name_zh: if special {
                "审核确认办结（特殊情况延长至45个工作日）"
            } else {
                "审核确认办结（30个工作日内）"
            },
            due_on: end,
            rule: DIBAO_RULE_LIMIT,
        },
    ]
}

/// Local practice, configurable later: the national rules for these kinds leave the
/// intermediate deadlines to provinces and counties.
fn local_steps(accepted: NaiveDate, cal: &Calendar) -> Vec<StepPlan> {
    let plan = |code, name_zh, due_on| StepPlan { code, name_zh, due_on, rule: LOCAL_RULE };
    vec![
        plan(step::ACCEPTED, "受理申请", accepted),
        plan(step::DOCUMENTS, "一次性告知需补齐的材料", accepted),
        plan(step::STREET_REVIEW, "街道（乡镇）审查", cal.add_working_days(accepted, 10)),
        plan(step::DECISION, "作出决定", cal.add_working_days(accepted, 20)),
        plan(step::COMPLETED, "办结", cal.add_working_days(accepted, 30)),
    ]
}

/// When a 低保 household granted (or last rechecked) on `granted_on` is next rechecked (§31):
/// yearly, half-yearly when its income is unstable or members are able to work. Calendar
/// months, a month-end day clamping to the shorter month (08-31 + 6 months = 02-28).
pub fn recheck_due(granted_on: NaiveDate, unstable_income: bool) -> NaiveDate {
    let months = if unstable_income { 6 } else { 12 };
    granted_on.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

code_enum!(
    /// How often a granted 低保 household is rechecked (§31): yearly, or half-yearly for a
    /// family whose income is unstable or that has members able to work. Chosen when the
    /// decision is recorded and stored with the application.
    RecheckCycle {
        Yearly => "yearly", "每年复核一次",
        HalfYearly => "half_yearly", "每半年复核一次",
    }
);

/// The next recheck of a household granted or last rechecked on `from`.
pub fn next_recheck(from: NaiveDate, cycle: RecheckCycle) -> NaiveDate {
    recheck_due(from, cycle == RecheckCycle::HalfYearly)
}

/// Rechecks due within this many calendar days show on the worker's home page.
pub const RECHECK_REMIND_DAYS: u64 = 30;

/// Whether a recheck due on `due_on` is to be reminded of `today`: overdue, or due within
/// [`RECHECK_REMIND_DAYS`].
pub fn recheck_reminded(due_on: NaiveDate, today: NaiveDate) -> bool {
    due_on <= today.checked_add_days(Days::new(RECHECK_REMIND_DAYS)).unwrap_or(NaiveDate::MAX)
}

/// What the 低保 rules refuse in an application's steps.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DibaoError {
    /// §16: a survey team has at least two investigators.
    #[error("the household survey needs at least two investigators")]
    InvestigatorsRequired,
    #[error("the household size must be a whole number from 1 to 30")]
    HouseholdSizeBad,
    /// §24: the posting shows the amount; without it there is nothing to post.
    #[error("the first review's posting needs the monthly amount")]
    PostingAmountMissing,
    #[error("the recheck cycle is `yearly` or `half_yearly`")]
    RecheckCycleBad,
}

impl DibaoError {
    pub fn code(&self) -> &'static str {
        match self {
            DibaoError::InvestigatorsRequired => "investigators_required",
            DibaoError::HouseholdSizeBad => "household_size_bad",
            DibaoError::PostingAmountMissing => "posting_amount_missing",
            DibaoError::RecheckCycleBad => "recheck_cycle_bad",
        }
    }
}

/// The investigators of a household survey (§16) as typed: one name per entry, or several in
/// one entry separated by 、，, ; or spaces (a form's single box). Blanks are skipped, names
/// clipped to 20 characters and kept once each in the order given; fewer than two is refused.
pub fn parse_investigators(raw: &[String]) -> Result<Vec<String>, DibaoError> {
    let mut names: Vec<String> = Vec::new();
    for entry in raw {
        for name in entry
            .split(|c: char| matches!(c, '、' | '，' | ',' | ';' | '；') || c.is_whitespace())
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            let name: String = name.chars().take(20).collect();
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names.truncate(10);
    if names.len() < DIBAO_MIN_INVESTIGATORS {
        Err(DibaoError::InvestigatorsRequired)
    } else {
        Ok(names)
    }
}

/// A household's size as recorded for the posting: 1 to [`DIBAO_MAX_HOUSEHOLD_SIZE`].
pub fn household_size(n: Option<i64>) -> Result<i64, DibaoError> {
    match n {
        Some(n) if (1..=DIBAO_MAX_HOUSEHOLD_SIZE).contains(&n) => Ok(n),
        _ => Err(DibaoError::HouseholdSizeBad),
    }
}

/// The monthly amount a first review proposes, in fen: required and positive, within the
/// money cap.
pub fn posting_amount(fen: Option<i64>) -> Result<i64, DibaoError> {
    match fen {
        Some(f) if crate::fund::Fen::positive(f).is_ok() => Ok(f),
        _ => Err(DibaoError::PostingAmountMissing),
    }
}

/// The recheck cycle as typed; empty is yearly (the rule's default), anything else unknown
/// is refused.
pub fn parse_recheck_cycle(raw: Option<&str>) -> Result<RecheckCycle, DibaoError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(RecheckCycle::Yearly),
        Some(s) => RecheckCycle::parse(s).ok_or(DibaoError::RecheckCycleBad),
    }
}

/// The last day of a posting begun on `start` (§19: 7 days, the first included).
pub fn posting_ends_on(start: NaiveDate) -> NaiveDate {
    start.checked_add_days(Days::new(DIBAO_POSTING_DAYS - 1)).unwrap_or(NaiveDate::MAX)
}

/// Whether a posting begun on `start` is up on `on`.
pub fn in_posting(start: NaiveDate, on: NaiveDate) -> bool {
    start <= on && on <= posting_ends_on(start)
}

/// §6: an application the committee makes for a family that entrusts it needs the family's
/// written authorisation before it goes further. Listing the missing documents (which may be
/// the authorisation itself) and a withdrawal are allowed without it.
pub fn needs_authorisation(entrusted: bool, authorised: bool, step_code: &str) -> bool {
    entrusted && !authorised && step_code != step::DOCUMENTS_NOTICE
}

/// A step is due soon when this many working days or fewer remain before its deadline.
pub const DUE_SOON_WORKING_DAYS: i64 = 2;

/// How urgent a step due on `due_on` is `today`. Counted in working days, so a deadline just
/// after a holiday week shows as due soon before the holiday, when there is still time to act;
/// a step due today is due soon, not yet overdue. A done step is done, however late.
pub fn urgency(due_on: NaiveDate, done: bool, today: NaiveDate, cal: &Calendar) -> Urgency {
    if done {
        Urgency::Done
    } else if today > due_on {
        Urgency::Overdue
    } else if cal.working_days_between(today, due_on) <= DUE_SOON_WORKING_DAYS {
        Urgency::DueSoon
    } else {
        Urgency::Ok
    }
}

/// PIPL §28-29: health, disability and 低保 status are sensitive; a case that records them needs
/// separate consent or a statutory basis.
///
/// Decided here on the case's kinds: illness and disability are medical-health information,
/// so those cases need a [`LegalBasis`]; the other kinds (unemployment, housing, a disaster, an
/// elderly person living alone, children's schooling) are not sensitive by their kind alone.
/// An application for 低保 or another statutory assistance is handled under the civil-affairs
/// procedure itself, whose basis is [`LegalBasis::Statutory`]. Details recorded in free text
/// are the worker's responsibility: a case of another kind that writes down a diagnosis should
/// be given the illness kind too.
pub fn needs_sensitive_basis(kinds: &[CaseKind]) -> bool {
    kinds.iter().any(|k| matches!(k, CaseKind::Illness | CaseKind::Disability))
}

/// Refuses to record a case whose kinds need a legal basis without one.
pub fn check_basis(kinds: &[CaseKind], basis: Option<LegalBasis>) -> Result<(), AssistanceError> {
    if basis.is_none() && needs_sensitive_basis(kinds) {
        Err(AssistanceError::MissingBasis)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workdays::{DayKind, official};
    use chrono::Datelike;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A made-up 2030 autumn: Tue 10-01 .. Mon 10-07 off, Saturdays 09-28 and 10-12 worked.
    fn fixture() -> Calendar {
        let mut cal = Calendar::new();
        cal.add(day(2030, 9, 28), DayKind::Workday, "国庆节调休上班");
        for d in 1..=7 {
            cal.add(day(2030, 10, d), DayKind::Holiday, "国庆节");
        }
        cal.add(day(2030, 10, 12), DayKind::Workday, "国庆节调休上班");
        cal
    }

    fn due(steps: &[StepPlan], code: &str) -> NaiveDate {
        steps.iter().find(|s| s.code == code).unwrap().due_on
    }

    fn strings(raw: &[&str]) -> Vec<String> {
        raw.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_codes_are_the_public_contract() {
        let codes = |all: Vec<&'static str>| all.join(",");
        assert_eq!(
            codes(CaseKind::ALL.iter().map(|k| k.as_str()).collect()),
            "illness,disability,unemployment,disaster,elderly_alone,education,housing,other"
        );
        assert_eq!(
            codes(CaseStatus::ALL.iter().map(|k| k.as_str()).collect()),
            "open,monitoring,closed"
        );
        assert_eq!(
            codes(HelpKind::ALL.iter().map(|k| k.as_str()).collect()),
            "cash,goods,service,visit"
        );
        assert_eq!(
            codes(ApplicationKind::ALL.iter().map(|k| k.as_str()).collect()),
            "dibao,public_housing,medical_aid,temporary_aid,disability_allowance"
        );
        assert_eq!(
            codes(LegalBasis::ALL.iter().map(|k| k.as_str()).collect()),
            "consent,statutory"
        );
        assert_eq!(
            codes(Urgency::ALL.iter().map(|k| k.as_str()).collect()),
            "done,ok,due_soon,overdue"
        );
    }

    #[test]
    fn serialized_values_are_the_codes() {
        for k in CaseKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::json!(k.as_str()));
            assert_eq!(CaseKind::parse(k.as_str()), Some(*k));
        }
        for k in ApplicationKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::json!(k.as_str()));
        }
        for u in Urgency::ALL {
            assert_eq!(serde_json::to_value(u).unwrap(), serde_json::json!(u.as_str()));
        }
        assert_eq!(ApplicationKind::Dibao.label_zh(), "最低生活保障（低保）");
        assert_eq!(CaseKind::ElderlyAlone.label_zh(), "独居老人");
    }

    #[test]
    fn kinds_are_required_known_and_stored_in_one_order() {
        assert_eq!(parse_kinds(&[]), Err(AssistanceError::NoKinds));
        assert_eq!(parse_kinds(&strings(&["", "  "])), Err(AssistanceError::NoKinds));
        let err = parse_kinds(&strings(&["illness", "pension"])).unwrap_err();
        assert_eq!(err, AssistanceError::UnknownKind("pension".into()));
        assert_eq!(err.code(), "case_kind_unknown");
        assert!(err.to_string().contains("elderly_alone"));
        assert_eq!(
            parse_kinds(&strings(&["housing", " illness ", "housing", ""])),
            Ok(vec![CaseKind::Illness, CaseKind::Housing])
        );
        assert_eq!(
            parse_kinds(&strings(&["illness", "housing"])),
            parse_kinds(&strings(&["housing", "illness"]))
        );
    }

    #[test]
    fn dibao_steps_follow_the_order_of_the_rules() {
        let steps = plan_steps(ApplicationKind::Dibao, day(2030, 9, 30), &fixture(), false);
        let codes: Vec<&str> = steps.iter().map(|s| s.code).collect();
        assert_eq!(
            codes,
            [
                "accepted",
                "documents_notice",
                "survey_start",
                "first_review_posting",
                "county_submission",
                "county_decision",
                "completed"
            ]
        );
        for s in &steps {
            assert!(s.rule.starts_with("最低生活保障审核确认办法第"), "{}", s.code);
        }
        assert_eq!(
            steps.iter().find(|s| s.code == "survey_start").unwrap().rule,
            "最低生活保障审核确认办法第十五条、第十六条"
        );
        assert!(
            steps
                .iter()
                .find(|s| s.code == "first_review_posting")
                .unwrap()
                .name_zh
                .contains("7天")
        );
    }

    #[test]
    fn documents_are_asked_for_on_the_day_of_acceptance() {
        let accepted = day(2030, 9, 30);
        let steps = plan_steps(ApplicationKind::Dibao, accepted, &fixture(), false);
        assert_eq!(due(&steps, "accepted"), accepted);
        assert_eq!(due(&steps, "documents_notice"), accepted);
    }

    #[test]
    fn the_survey_starts_three_working_days_after_acceptance_across_a_holiday() {
        // Accepted Mon 09-30, the eve of the holiday week: Tue 10-08, Wed 10-09, Thu 10-10.
        let steps = plan_steps(ApplicationKind::Dibao, day(2030, 9, 30), &fixture(), false);
        assert_eq!(due(&steps, "survey_start"), day(2030, 10, 10));
        // Accepted Thu 09-26: Fri 09-27, Sat 09-28 (make-up day), Mon 09-30.
        let steps = plan_steps(ApplicationKind::Dibao, day(2030, 9, 26), &fixture(), false);
        assert_eq!(due(&steps, "survey_start"), day(2030, 9, 30));
    }

    #[test]
    fn dibao_completes_within_30_working_days_or_45_in_special_cases() {
        let cal = fixture();
        let accepted = day(2030, 9, 30);
        // 10-08..11 (4), Sat 10-12 (5), then plain weeks: 10-18 (10), 10-25 (15), 11-01 (20),
        // 11-08 (25), 11-15 (30), 11-22 (35), 11-29 (40), 12-06 (45).
        let normal = plan_steps(ApplicationKind::Dibao, accepted, &cal, false);
        assert_eq!(due(&normal, "completed"), day(2030, 11, 15));
        let special = plan_steps(ApplicationKind::Dibao, accepted, &cal, true);
        assert_eq!(due(&special, "completed"), day(2030, 12, 6));
        assert_eq!(cal.working_days_between(accepted, day(2030, 12, 6)), 45);
        assert!(special.iter().find(|s| s.code == "completed").unwrap().name_zh.contains("45"));
    }

    #[test]
    fn the_county_gets_its_full_ten_working_days_and_the_posting_ends_before_them() {
        let cal = fixture();
        let accepted = day(2030, 9, 30);
        // Regression: the posting was planned at working day 20 and the county's 10 working
        // days were squeezed into the 5 left. Now planned backwards from Fri 11-15: the
        // materials reach the county by Fri 11-01 (11-04..08 and 11-11..15 are its 10), and
        // the 7-day posting runs Fri 10-25 .. Thu 10-31.
        let normal = plan_steps(ApplicationKind::Dibao, accepted, &cal, false);
        assert_eq!(due(&normal, "county_decision"), day(2030, 11, 15));
        assert_eq!(due(&normal, "county_submission"), day(2030, 11, 1));
        assert_eq!(due(&normal, "first_review_posting"), day(2030, 10, 25));
        assert_eq!(
            cal.working_days_between(
                due(&normal, "county_submission"),
                due(&normal, "county_decision")
            ),
            10
        );
        // With the 45-day extension the same clocks move back from Fri 12-06.
        let special = plan_steps(ApplicationKind::Dibao, accepted, &cal, true);
        assert_eq!(due(&special, "county_decision"), day(2030, 12, 6));
        assert_eq!(due(&special, "county_submission"), day(2030, 11, 22));
        assert_eq!(due(&special, "first_review_posting"), day(2030, 11, 15));
    }

    #[test]
    fn dibao_across_the_spring_festival_2026_against_hand_counts() {
        let cal = official();
        // Accepted Tue 2026-01-20. Working days after it: 01-21..23 (3), 01-26..30 (8),
        // 02-02..06 (13), 02-09..13 (18), Sat 02-14 make-up (19), 02-15..23 off, 02-24 (20),
        // 02-25..27 (23), Sat 02-28 make-up (24), 03-02..06 (29), Mon 03-09 (30).
        let steps = plan_steps(ApplicationKind::Dibao, day(2026, 1, 20), &cal, false);
        assert_eq!(due(&steps, "survey_start"), day(2026, 1, 23));
        assert_eq!(due(&steps, "completed"), day(2026, 3, 9));
        assert_eq!(due(&steps, "county_decision"), day(2026, 3, 9));
        // The county's 10 back from 03-09: 03-09, 03-06..02, Sat 02-28, 02-27..25: the
        // materials go on Tue 02-24, the first day back.
        assert_eq!(due(&steps, "county_submission"), day(2026, 2, 24));
        // 7 days before 02-24 is 02-17, inside the holiday: the posting goes up on the last
        // working day before it, the make-up Saturday 02-14. A Monday-Friday count would say
        // Fri 02-13, and a count ignoring 春节 would put the county's days in the holiday.
        assert_eq!(due(&steps, "first_review_posting"), day(2026, 2, 14));
        assert_eq!(due(&steps, "documents_notice"), day(2026, 1, 20));
    }

    #[test]
    fn dibao_across_national_day_2026_against_hand_counts() {
        let cal = official();
        // Accepted Tue 2026-09-01. Working days after it: 09-02..04 (3), 09-07..11 (8),
        // 09-14..18 (13), Sun 09-20 make-up (14), 09-21..24 (18), Fri 09-25 中秋 off,
        // 09-28..30 (21), 10-01..07 off, 10-08..09 (23), Sat 10-10 make-up (24),
        // 10-12..16 (29), Mon 10-19 (30).
        let steps = plan_steps(ApplicationKind::Dibao, day(2026, 9, 1), &cal, false);
        assert_eq!(due(&steps, "survey_start"), day(2026, 9, 4));
        assert_eq!(due(&steps, "completed"), day(2026, 10, 19));
        // The county's 10 back from 10-19: 10-19, 10-16..12, Sat 10-10, 10-09, 10-08, 09-30:
        // the materials go by Tue 09-29, before the holiday.
        assert_eq!(due(&steps, "county_submission"), day(2026, 9, 29));
        // Posting 7 days before: Tue 09-22.
        assert_eq!(due(&steps, "first_review_posting"), day(2026, 9, 22));
        // 45 working days in a special case: 10-20..23 (34), 10-26..30 (39), 11-02..06 (44),
        // Mon 11-09 (45); the county's 10 back: 11-09, 11-06..02, 10-30..27: by Mon 10-26.
        let special = plan_steps(ApplicationKind::Dibao, day(2026, 9, 1), &cal, true);
        assert_eq!(due(&special, "completed"), day(2026, 11, 9));
        assert_eq!(due(&special, "county_submission"), day(2026, 10, 26));
        assert_eq!(due(&special, "first_review_posting"), day(2026, 10, 19));
    }

    #[test]
    fn other_applications_follow_the_local_steps() {
        let cal = fixture();
        let accepted = day(2030, 9, 30);
        for kind in &ApplicationKind::ALL[1..] {
            let steps = plan_steps(*kind, accepted, &cal, false);
            let codes: Vec<&str> = steps.iter().map(|s| s.code).collect();
            assert_eq!(codes, ["accepted", "documents", "street_review", "decision", "completed"]);
            assert!(steps.iter().all(|s| s.rule == LOCAL_RULE));
            assert_eq!(due(&steps, "documents"), accepted);
            assert_eq!(due(&steps, "street_review"), day(2030, 10, 18));
            assert_eq!(due(&steps, "decision"), day(2030, 11, 1));
            assert_eq!(due(&steps, "completed"), day(2030, 11, 15));
            assert_eq!(plan_steps(*kind, accepted, &cal, true), steps);
        }
    }

    #[test]
    fn dibao_planned_on_the_official_calendar_skips_national_day() {
        // Accepted Wed 2026-09-30: the holiday runs to 10-07 and Sat 10-10 is worked.
        let steps = plan_steps(ApplicationKind::Dibao, day(2026, 9, 30), &official(), false);
        assert_eq!(due(&steps, "survey_start"), day(2026, 10, 10));
    }

    #[test]
    fn recheck_is_yearly_or_half_yearly_when_income_is_unstable() {
        assert_eq!(recheck_due(day(2026, 3, 15), false), day(2027, 3, 15));
        assert_eq!(recheck_due(day(2026, 3, 15), true), day(2026, 9, 15));
        assert_eq!(recheck_due(day(2026, 8, 31), true), day(2027, 2, 28));
        assert_eq!(recheck_due(day(2028, 2, 29), false), day(2029, 2, 28));
        assert_eq!(recheck_due(NaiveDate::MAX, false), NaiveDate::MAX);
    }

    #[test]
    fn urgency_counts_the_working_days_left() {
        let cal = Calendar::new();
        let due_on = day(2030, 9, 20); // Friday
        assert_eq!(urgency(due_on, false, day(2030, 9, 16), &cal), Urgency::Ok);
        assert_eq!(urgency(due_on, false, day(2030, 9, 17), &cal), Urgency::Ok);
        assert_eq!(urgency(due_on, false, day(2030, 9, 18), &cal), Urgency::DueSoon);
        assert_eq!(urgency(due_on, false, day(2030, 9, 20), &cal), Urgency::DueSoon);
        assert_eq!(urgency(due_on, false, day(2030, 9, 21), &cal), Urgency::Overdue);
    }

    #[test]
    fn a_done_step_is_done_however_late() {
        let cal = Calendar::new();
        assert_eq!(urgency(day(2030, 9, 20), true, day(2031, 1, 1), &cal), Urgency::Done);
        assert_eq!(urgency(day(2030, 9, 20), true, day(2030, 1, 1), &cal), Urgency::Done);
    }

    #[test]
    fn a_deadline_after_a_holiday_week_is_due_soon_before_it() {
        let cal = fixture();
        // Mon 09-30 to Wed 10-09: nine calendar days but only 10-08 and 10-09 are working.
        assert_eq!(urgency(day(2030, 10, 9), false, day(2030, 9, 30), &cal), Urgency::DueSoon);
        assert_eq!(
            urgency(day(2030, 10, 9), false, day(2030, 9, 30), &Calendar::new()),
            Urgency::Ok
        );
        // Due on a Sunday with Monday past it: overdue; on the Friday before: due soon.
        assert_eq!(urgency(day(2030, 10, 20), false, day(2030, 10, 18), &cal), Urgency::DueSoon);
        assert_eq!(urgency(day(2030, 10, 20), false, day(2030, 10, 21), &cal), Urgency::Overdue);
    }

    #[test]
    fn health_and_disability_need_a_legal_basis() {
        assert!(needs_sensitive_basis(&[CaseKind::Illness]));
        assert!(needs_sensitive_basis(&[CaseKind::ElderlyAlone, CaseKind::Disability]));
        assert!(!needs_sensitive_basis(&[CaseKind::Unemployment, CaseKind::Housing]));
        assert!(!needs_sensitive_basis(&[]));
        assert_eq!(check_basis(&[CaseKind::Illness], None), Err(AssistanceError::MissingBasis));
        assert_eq!(check_basis(&[CaseKind::Illness], Some(LegalBasis::Consent)), Ok(()));
        assert_eq!(check_basis(&[CaseKind::Disability], Some(LegalBasis::Statutory)), Ok(()));
        assert_eq!(check_basis(&[CaseKind::Housing], None), Ok(()));
        assert_eq!(AssistanceError::MissingBasis.code(), "case_basis_missing");
        assert_eq!(AssistanceError::NoKinds.code(), "case_kinds_empty");
    }

    #[test]
    fn a_survey_needs_two_investigators() {
        let err = parse_investigators(&strings(&["张三"])).unwrap_err();
        assert_eq!(err, DibaoError::InvestigatorsRequired);
        assert_eq!(err.code(), "investigators_required");
        assert_eq!(
            parse_investigators(&strings(&["张三", " 张三 ", ""])),
            Err(DibaoError::InvestigatorsRequired),
            "the same person twice is one investigator"
        );
        assert_eq!(parse_investigators(&[]), Err(DibaoError::InvestigatorsRequired));
        assert_eq!(
            parse_investigators(&strings(&["张三、李四", "王五"])),
            Ok(strings(&["张三", "李四", "王五"]))
        );
        assert_eq!(parse_investigators(&strings(&["张三，李四"])), Ok(strings(&["张三", "李四"])));
    }

    #[test]
    fn the_posting_needs_the_household_size_and_the_amount() {
        assert_eq!(household_size(Some(3)), Ok(3));
        assert_eq!(household_size(Some(0)), Err(DibaoError::HouseholdSizeBad));
        assert_eq!(household_size(Some(31)), Err(DibaoError::HouseholdSizeBad));
        assert_eq!(household_size(None), Err(DibaoError::HouseholdSizeBad));
        assert_eq!(DibaoError::HouseholdSizeBad.code(), "household_size_bad");
        assert_eq!(posting_amount(Some(108_000)), Ok(108_000));
        assert_eq!(posting_amount(Some(0)), Err(DibaoError::PostingAmountMissing));
        assert_eq!(posting_amount(None), Err(DibaoError::PostingAmountMissing));
        assert_eq!(DibaoError::PostingAmountMissing.code(), "posting_amount_missing");
    }

    #[test]
    fn a_posting_is_up_for_seven_days() {
        let start = day(2026, 12, 1);
        assert_eq!(posting_ends_on(start), day(2026, 12, 7));
        assert!(!in_posting(start, day(2026, 11, 30)));
        assert!(in_posting(start, start));
        assert!(in_posting(start, day(2026, 12, 7)));
        assert!(!in_posting(start, day(2026, 12, 8)));
    }

    #[test]
    fn the_recheck_cycle_is_stored_and_counted() {
        assert_eq!(
            RecheckCycle::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            ["yearly", "half_yearly"]
        );
        assert_eq!(parse_recheck_cycle(None), Ok(RecheckCycle::Yearly));
        assert_eq!(parse_recheck_cycle(Some(" ")), Ok(RecheckCycle::Yearly));
        assert_eq!(parse_recheck_cycle(Some("half_yearly")), Ok(RecheckCycle::HalfYearly));
        let err = parse_recheck_cycle(Some("monthly")).unwrap_err();
        assert_eq!(err.code(), "recheck_cycle_bad");
        assert_eq!(next_recheck(day(2026, 11, 27), RecheckCycle::Yearly), day(2027, 11, 27));
        assert_eq!(next_recheck(day(2026, 11, 27), RecheckCycle::HalfYearly), day(2027, 5, 27));
        let today = day(2026, 11, 27);
        assert!(recheck_reminded(day(2026, 11, 1), today), "overdue");
        assert!(recheck_reminded(day(2026, 12, 27), today), "within 30 days");
        assert!(!recheck_reminded(day(2026, 12, 28), today));
    }

    #[test]
    fn an_entrusted_application_waits_for_the_written_authorisation() {
        assert!(needs_authorisation(true, false, step::SURVEY_START));
        assert!(needs_authorisation(true, false, step::DECISION));
        assert!(!needs_authorisation(true, false, step::DOCUMENTS_NOTICE));
        assert!(!needs_authorisation(true, true, step::SURVEY_START));
        assert!(!needs_authorisation(false, false, step::SURVEY_START));
    }

    proptest! {
        #[test]
        fn no_step_is_due_before_acceptance_or_after_completion(
            kind in 0usize..5,
            offset in 0u64..1_000,
            special in any::<bool>(),
            fixture_cal in any::<bool>(),
        ) {
            let cal = if fixture_cal { fixture() } else { official() };
            let accepted = day(2025, 12, 1) + Days::new(offset);
            let steps = plan_steps(ApplicationKind::ALL[kind], accepted, &cal, special);
            let completed = due(&steps, "completed");
            prop_assert_eq!(steps.last().map(|s| s.code), Some("completed"));
            for pair in steps.windows(2) {
                prop_assert!(pair[0].due_on <= pair[1].due_on, "{} after {}", pair[0].code, pair[1].code);
            }
            for s in &steps {
                prop_assert!(s.due_on >= accepted);
                prop_assert!(s.due_on <= completed);
            }
            let limit = if kind == 0 && special { 45 } else { 30 };
            prop_assert_eq!(cal.working_days_between(accepted, completed), limit);
            prop_assert!(cal.is_working_day(completed));
            prop_assert!(completed.year() >= accepted.year());
        }
    }
}
