//! Partner linkage (共建联动) and residents' issue reports (民生诉求): how a commitment's yearly
//! target is counted, when an agreement is about to run out, the states a need on the needs
//! list and an issue report move through, their deadlines per category in working days, and
//! the three rates of 接诉即办 practice (response, resolution, satisfaction). No I/O.

use crate::workdays::Calendar;
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

code_enum!(
    /// What kind of organisation a partner unit is (the `partners_create` contract).
    PartnerKind {
        Government => "government", "政府部门",
        StateEnterprise => "state_enterprise", "国有企业",
        School => "school", "学校",
        Hospital => "hospital", "医疗卫生机构",
        Business => "business", "企业商户",
        SocialOrg => "social_org", "社会组织",
    }
);

code_enum!(
    /// What a partner's activity delivered; a commitment promises a yearly amount of one kind.
    ActivityKind {
        HealthLecture => "health_lecture", "健康知识讲座",
        PhysicalExam => "physical_exam", "免费体检",
        VolunteerService => "volunteer_service", "志愿服务",
        Repair => "repair", "维修整治",
        DonationInKind => "donation_in_kind", "捐赠物资",
        Other => "other", "其他",
    }
);

code_enum!(
    /// A post on the joint party committee (联合党委).
    CommitteePost {
        Secretary => "secretary", "书记",
        DeputySecretary => "deputy_secretary", "副书记",
        Member => "member", "委员",
        Advisor => "advisor", "党建指导员",
    }
);

code_enum!(
    /// What a partner offers on the resources list.
    ResourceKind {
        People => "people", "人力",
        Skills => "skills", "技能",
        Equipment => "equipment", "设备",
        Money => "money", "资金",
        Venue => "venue", "场地",
    }
);

code_enum!(
    /// Where a need on the needs list stands. A liaison's claim waits for the community's
    /// confirmation before the need becomes a project.
    NeedStatus {
        Open => "open", "待认领",
        Claimed => "claimed", "已认领待确认",
        Matched => "matched", "项目实施中",
        Done => "done", "已完成",
        Closed => "closed", "已关闭",
    }
);

code_enum!(
    /// Where an issue report stands.
    AffairStatus {
        Reported => "reported", "待分派",
        Assigned => "assigned", "已派单",
        InProgress => "in_progress", "办理中",
        Resolved => "resolved", "已办结待回访",
        Closed => "closed", "已回访",
    }
);

code_enum!(
    /// The resident's verdict at the callback (回访).
    Rating {
        Satisfied => "satisfied", "满意",
        BasicallySatisfied => "basically_satisfied", "基本满意",
        Dissatisfied => "dissatisfied", "不满意",
    }
);

code_enum!(
    /// How an agreement stands on a day.
    AgreementState {
        NotYet => "not_yet", "未生效",
        InForce => "in_force", "有效",
        ExpiringSoon => "expiring_soon", "即将到期",
        Expired => "expired", "已到期",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartnersError {
    #[error("this step is not possible from the record's current state")]
    BadTransition,
    #[error("re-routing an assigned issue needs a reason")]
    RerouteReason,
    #[error("an agreement cannot end before it starts")]
    PeriodReversed,
    #[error("a commitment needs a positive yearly target")]
    TargetNotPositive,
}

impl PartnersError {
    pub fn code(&self) -> &'static str {
        match self {
            PartnersError::BadTransition => "partners_bad_transition",
            PartnersError::RerouteReason => "affair_reroute_reason_missing",
            PartnersError::PeriodReversed => "agreement_period_reversed",
            PartnersError::TargetNotPositive => "commitment_target_bad",
        }
    }
}

// ---- agreements ----

/// Warnings start this many months before an agreement ends.
pub const EXPIRY_WARNING_MONTHS: u32 = 2;

/// How an agreement valid from `valid_from` to `valid_to` (both inclusive) stands `today`:
/// expiring soon from two calendar months before its last day.
pub fn agreement_state(
    valid_from: NaiveDate,
    valid_to: NaiveDate,
    today: NaiveDate,
) -> AgreementState {
    if today < valid_from {
        AgreementState::NotYet
    } else if today > valid_to {
        AgreementState::Expired
    } else if valid_to
        .checked_sub_months(Months::new(EXPIRY_WARNING_MONTHS))
        .is_none_or(|warn| today >= warn)
    {
        AgreementState::ExpiringSoon
    } else {
        AgreementState::InForce
    }
}

/// Whether an agreement was in force at any time in the period `[from, to]` (`partners.signed`).
pub fn in_force_during(
    valid_from: NaiveDate,
    valid_to: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> bool {
    valid_from <= to && valid_to >= from
}

pub fn check_period(valid_from: NaiveDate, valid_to: NaiveDate) -> Result<(), PartnersError> {
    if valid_to < valid_from { Err(PartnersError::PeriodReversed) } else { Ok(()) }
}

// ---- commitments and fulfilment ----

/// What a commitment's target counts: activities (6 lectures) or, for volunteer service, hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Times,
    Hours,
}

impl ActivityKind {
    pub fn measure(self) -> Measure {
        match self {
            ActivityKind::VolunteerService => Measure::Hours,
            _ => Measure::Times,
        }
    }
}

/// One delivered activity, as fulfilment counts it. Hours in tenths (3.5 h = 35).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    pub kind: ActivityKind,
    pub on: NaiveDate,
    pub hours_tenths: i64,
}

code_enum!(
    /// How a commitment's year is going.
    Progress {
        Met => "met", "已完成",
        OnTrack => "on_track", "进度正常",
        Behind => "behind", "进度滞后",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Fulfilment {
    pub kind: ActivityKind,
    pub measure: Measure,
    /// The yearly target (activities, or whole hours).
    pub target: i64,
    /// Delivered in the year: activities, or hours in tenths when the measure is hours.
    pub done: i64,
    /// Whole percent of the target, never rounded up (5 of 6 is 83%), capped at 100.
    pub percent: i64,
    /// What a steady pace would have delivered by `today` (same unit as `done`).
    pub expected_by_now: i64,
    pub progress: Progress,
}

/// A commitment of `target` per year of `kind`, counted on `year` from `delivered` as seen on
/// `today`. Only activities of that kind dated inside the year count. Behind means below the
/// pace a steady partner would keep (target × days gone / days in year, rounded down); at the
/// end of the year anything short of the target is behind.
pub fn fulfilment(
    kind: ActivityKind,
    target: i64,
    year: i32,
    delivered: &[Delivered],
    today: NaiveDate,
) -> Fulfilment {
    let measure = kind.measure();
    let in_year = delivered.iter().filter(|d| d.kind == kind && d.on.year() == year);
    let done: i64 = match measure {
        Measure::Times => in_year.count() as i64,
        Measure::Hours => in_year.map(|d| d.hours_tenths.max(0)).sum(),
    };
    // Targets of hours are whole hours; compare in tenths.
    let target_units = match measure {
        Measure::Times => target,
        Measure::Hours => target.saturating_mul(10),
    };
    let days_in_year = if NaiveDate::from_ymd_opt(year, 2, 29).is_some() { 366 } else { 365 };
    let gone = if today.year() < year {
        0
    } else if today.year() > year {
        days_in_year
    } else {
        i64::from(today.ordinal())
    };
    let expected_by_now = target_units.saturating_mul(gone) / days_in_year;
    let percent =
        if target_units <= 0 { 100 } else { (done.saturating_mul(100) / target_units).min(100) };
    let progress = if done >= target_units {
        Progress::Met
    } else if done >= expected_by_now && gone < days_in_year {
        Progress::OnTrack
    } else {
        Progress::Behind
    };
    Fulfilment { kind, measure, target, done, percent, expected_by_now, progress }
}

// ---- the needs list: claim and confirm ----

/// What can happen to a need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedEvent {
    /// A partner liaison (or a worker for a partner) claims it: 认领.
    Claim,
    /// The community confirms the claim: the need becomes a project.
    Confirm,
    /// The community turns the claim down: the need is open again.
    Reject,
    /// The project is finished.
    Complete,
    /// Withdrawn or no longer needed.
    Close,
}

/// The state a need moves to, or why it cannot.
pub fn need_after(status: NeedStatus, event: NeedEvent) -> Result<NeedStatus, PartnersError> {
    use NeedEvent as E;
    use NeedStatus as S;
    match (status, event) {
        (S::Open, E::Claim) => Ok(S::Claimed),
        (S::Claimed, E::Confirm) => Ok(S::Matched),
        (S::Claimed, E::Reject) => Ok(S::Open),
        (S::Matched, E::Complete) => Ok(S::Done),
        (S::Open | S::Claimed | S::Matched, E::Close) => Ok(S::Closed),
        _ => Err(PartnersError::BadTransition),
    }
}

// ---- issue reports ----

/// One category of issue with its deadlines. Deployments configure their own list; these are
/// the defaults (one example of local practice: urgent the same day, help within 3 working
/// days, complaints within 13 — DOMAIN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CategoryRule {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    /// Working days to the first response (contact the resident, dispatch); 0 = the same day.
    pub respond_days: u32,
    /// Working days to resolution.
    pub resolve_days: u32,
}

pub const DEFAULT_CATEGORIES: &[CategoryRule] = &[
    CategoryRule {
        code: "road",
        name_zh: "道路设施",
        name_en: "Roads and paths",
        respond_days: 1,
        resolve_days: 13,
    },
    CategoryRule {
        code: "lighting",
        name_zh: "路灯照明",
        name_en: "Lighting",
        respond_days: 1,
        resolve_days: 5,
    },
    CategoryRule {
        code: "sanitation",
        name_zh: "环境卫生",
        name_en: "Sanitation",
        respond_days: 1,
        resolve_days: 3,
    },
    CategoryRule {
        code: "greening",
        name_zh: "绿化养护",
        name_en: "Greening",
        respond_days: 1,
        resolve_days: 13,
    },
    CategoryRule {
        code: "noise",
        name_zh: "噪音扰民",
        name_en: "Noise",
        respond_days: 1,
        resolve_days: 3,
    },
    CategoryRule {
        code: "safety",
        name_zh: "安全隐患",
        name_en: "Safety hazard",
        respond_days: 0,
        resolve_days: 1,
    },
    CategoryRule {
        code: "other",
        name_zh: "其他诉求",
        name_en: "Other",
        respond_days: 1,
        resolve_days: 13,
    },
];

pub fn default_category(code: &str) -> Option<&'static CategoryRule> {
    DEFAULT_CATEGORIES.iter().find(|c| c.code == code.trim())
}

/// A category code: lower-case letters, digits and `_`, 2-30 long (stored and sent over the API).
pub fn valid_category_code(code: &str) -> bool {
    (2..=30).contains(&code.len())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The response and resolution deadlines of an issue reported on `reported_on`.
pub fn deadlines(
    reported_on: NaiveDate,
    respond_days: u32,
    resolve_days: u32,
    cal: &Calendar,
) -> (NaiveDate, NaiveDate) {
    (
        cal.add_working_days(reported_on, respond_days),
        cal.add_working_days(reported_on, resolve_days),
    )
}

code_enum!(
    /// A line of an issue's history, as the resident's copy and the staff's page show it.
    AffairStep {
        Reported => "reported", "上报",
        Assigned => "assigned", "派单",
        Rerouted => "rerouted", "改派",
        Progress => "progress", "进展",
        Resolved => "resolved", "办结",
        Rated => "rated", "评价",
        Need => "need", "转为需求",
    }
);

/// What can happen to an issue report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AffairEvent {
    Assign,
    Progress,
    Resolve,
    Rate,
}

/// The state an issue moves to, or why it cannot. Assigning an issue that is already with
/// someone is a re-route and needs a reason (the history keeps both); a resolved issue that
/// the resident is not happy with can be sent back out by assigning it again.
pub fn affair_after(
    status: AffairStatus,
    event: AffairEvent,
    reason: &str,
) -> Result<AffairStatus, PartnersError> {
    use AffairEvent as E;
    use AffairStatus as S;
    match (status, event) {
        (S::Reported, E::Assign) => Ok(S::Assigned),
        (S::Assigned | S::InProgress | S::Resolved, E::Assign) => {
            if reason.trim().is_empty() {
                Err(PartnersError::RerouteReason)
            } else {
                Ok(S::Assigned)
            }
        }
        (S::Assigned | S::InProgress, E::Progress) => Ok(S::InProgress),
        (S::Assigned | S::InProgress, E::Resolve) => Ok(S::Resolved),
        (S::Resolved, E::Rate) => Ok(S::Closed),
        _ => Err(PartnersError::BadTransition),
    }
}

/// Whether assigning from `status` re-routes (an assignee is already there).
pub fn is_reroute(status: AffairStatus) -> bool {
    matches!(status, AffairStatus::Assigned | AffairStatus::InProgress | AffairStatus::Resolved)
}

/// How close an open issue is to its deadline (same reading as assistance's steps).
pub fn affair_urgency(
    status: AffairStatus,
    resolve_by: NaiveDate,
    today: NaiveDate,
    cal: &Calendar,
) -> crate::assistance::Urgency {
    let done = matches!(status, AffairStatus::Resolved | AffairStatus::Closed);
    crate::assistance::urgency(resolve_by, done, today, cal)
}

/// The facts of one issue the rates are computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AffairFacts {
    pub respond_by: NaiveDate,
    /// The first response: dispatch or first progress, whichever came first.
    pub responded_on: Option<NaiveDate>,
    pub resolved_on: Option<NaiveDate>,
    pub rating: Option<Rating>,
}

/// A share with what it is a share of (UI.md: a rate shows its numerator and denominator).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Share {
    pub numerator: i64,
    pub denominator: i64,
}

impl Share {
    /// The fraction 0-1, `None` when there is nothing to divide by (shown as "—", not 0%).
    pub fn fraction(self) -> Option<f64> {
        (self.denominator > 0).then(|| self.numerator as f64 / self.denominator as f64)
    }

    /// Whole percent, rounded down (89.6% shows as 89%).
    pub fn percent_floor(self) -> Option<i64> {
        (self.denominator > 0).then(|| self.numerator * 100 / self.denominator)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Rates {
    /// 响应率: of the issues, those first responded to by their response deadline.
    pub response: Share,
    /// 解决率: of the issues, those resolved.
    pub resolution: Share,
    /// 满意率: of the rated issues, those rated satisfied or basically satisfied.
    pub satisfaction: Share,
}

/// The three rates over a set of issues (usually those reported in a period).
pub fn rates(issues: &[AffairFacts]) -> Rates {
    let n = issues.len() as i64;
    let responded =
        issues.iter().filter(|a| a.responded_on.is_some_and(|d| d <= a.respond_by)).count() as i64;
    let resolved = issues.iter().filter(|a| a.resolved_on.is_some()).count() as i64;
    let rated: Vec<Rating> = issues.iter().filter_map(|a| a.rating).collect();
    let pleased = rated.iter().filter(|r| **r != Rating::Dissatisfied).count() as i64;
    Rates {
        response: Share { numerator: responded, denominator: n },
        resolution: Share { numerator: resolved, denominator: n },
        satisfaction: Share { numerator: pleased, denominator: rated.len() as i64 },
    }
}

/// The characters of a public reference: digits and capitals without the ones read or
/// heard alike (0/O, 1/I/L), so that a resident can read it aloud over the phone.
pub const REF_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// How many characters a public reference has.
pub const REF_LEN: usize = 8;

/// The public reference of an issue, given to the resident to follow it: eight characters of
/// [`REF_ALPHABET`] drawn from `random`, so the public progress pages cannot be walked by
/// trying (31⁸ ≈ 8.5×10¹¹ references, and the public pages are rate-limited).
pub fn public_ref(mut random: u64) -> String {
    let base = REF_ALPHABET.len() as u64;
    (0..REF_LEN)
        .map(|_| {
            let c = REF_ALPHABET[(random % base) as usize];
            random /= base;
            char::from(c)
        })
        .collect()
}

/// A reference as typed or read out: spaces and dashes dropped, letters upper-cased, and the
/// letters a resident may type for a look-alike (O for 0 is not in the alphabet, so O and I/L
/// stay wrong rather than guessed). Older fourteen-digit references pass unchanged.
pub fn normalize_ref(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A reference printed for reading aloud: two groups of four ("K7QM 3XPA").
pub fn spoken_ref(r: &str) -> String {
    if r.len() == REF_LEN && r.is_ascii() {
        format!("{} {}", &r[..4], &r[4..])
    } else {
        r.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistance::Urgency;
    use crate::workdays::DayKind;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn lecture(on: NaiveDate) -> Delivered {
        Delivered { kind: ActivityKind::HealthLecture, on, hours_tenths: 0 }
    }

    #[test]
    fn a_reference_is_eight_unambiguous_characters() {
        for seed in [0u64, 1, 42, u64::MAX, 0x9E37_79B9_7F4A_7C15] {
            let r = public_ref(seed);
            assert_eq!(r.len(), REF_LEN);
            assert!(r.bytes().all(|b| REF_ALPHABET.contains(&b)), "{r}");
            for bad in ['0', 'O', '1', 'I', 'L'] {
                assert!(!r.contains(bad), "{r}");
            }
        }
        assert_ne!(public_ref(1), public_ref(2));
    }

    #[test]
    fn a_reference_read_aloud_or_typed_loosely_is_found() {
        let r = public_ref(123_456_789);
        let typed = format!(" {}-{} ", r[..4].to_lowercase(), &r[4..]);
        assert_eq!(normalize_ref(&typed), r);
        assert_eq!(normalize_ref(&spoken_ref(&r)), r);
        assert_eq!(spoken_ref("20260000000042"), "20260000000042");
    }

    #[test]
    fn the_codes_are_the_public_contract() {
        let codes = |all: Vec<&'static str>| all.join(",");
        assert_eq!(
            codes(PartnerKind::ALL.iter().map(|k| k.as_str()).collect()),
            "government,state_enterprise,school,hospital,business,social_org"
        );
        assert_eq!(
            codes(ActivityKind::ALL.iter().map(|k| k.as_str()).collect()),
            "health_lecture,physical_exam,volunteer_service,repair,donation_in_kind,other"
        );
        assert_eq!(
            codes(Rating::ALL.iter().map(|k| k.as_str()).collect()),
            "satisfied,basically_satisfied,dissatisfied"
        );
        assert_eq!(
            codes(DEFAULT_CATEGORIES.iter().map(|k| k.code).collect()),
            "road,lighting,sanitation,greening,noise,safety,other"
        );
        assert_eq!(Rating::BasicallySatisfied.label_zh(), "基本满意");
    }

    #[test]
    fn a_commitment_counts_only_its_kind_inside_its_year() {
        let mut done = vec![
            lecture(day(2026, 3, 1)),
            lecture(day(2026, 5, 1)),
            lecture(day(2025, 12, 31)),
            Delivered { kind: ActivityKind::PhysicalExam, on: day(2026, 4, 1), hours_tenths: 0 },
        ];
        let f = fulfilment(ActivityKind::HealthLecture, 6, 2026, &done, day(2026, 6, 30));
        assert_eq!(f.done, 2, "the 2025 lecture and the exam do not count");
        assert_eq!(f.percent, 33, "2 of 6 is 33%, never rounded up");
        // A steady partner has given 6 × 181/365 = 2.97 → 2 lectures by the end of June.
        assert_eq!(f.expected_by_now, 2);
        assert_eq!(f.progress, Progress::OnTrack);
        let f = fulfilment(ActivityKind::HealthLecture, 6, 2026, &done, day(2026, 9, 30));
        assert_eq!(f.expected_by_now, 4);
        assert_eq!(f.progress, Progress::Behind);
        for m in [7, 8, 9, 10] {
            done.push(lecture(day(2026, m, 10)));
        }
        let f = fulfilment(ActivityKind::HealthLecture, 6, 2026, &done, day(2026, 10, 31));
        assert_eq!((f.done, f.percent, f.progress), (6, 100, Progress::Met));
        done.push(lecture(day(2026, 11, 10)));
        let f = fulfilment(ActivityKind::HealthLecture, 6, 2026, &done, day(2026, 12, 31));
        assert_eq!((f.done, f.percent), (7, 100), "over-delivery is shown, percent capped");
    }

    #[test]
    fn a_year_that_ended_short_of_its_target_is_behind() {
        let done = vec![lecture(day(2025, 3, 1))];
        let f = fulfilment(ActivityKind::HealthLecture, 6, 2025, &done, day(2026, 1, 5));
        assert_eq!(f.expected_by_now, 6);
        assert_eq!(f.progress, Progress::Behind);
        let f = fulfilment(ActivityKind::HealthLecture, 6, 2027, &done, day(2026, 1, 5));
        assert_eq!((f.expected_by_now, f.progress), (0, Progress::OnTrack), "a year not begun");
    }

    #[test]
    fn volunteer_service_is_counted_in_hours() {
        let v = |on, tenths| Delivered {
            kind: ActivityKind::VolunteerService,
            on,
            hours_tenths: tenths,
        };
        let done =
            vec![v(day(2026, 1, 20), 35), v(day(2026, 2, 20), 1_200), v(day(2026, 3, 1), -5)];
        let f = fulfilment(ActivityKind::VolunteerService, 200, 2026, &done, day(2026, 12, 31));
        assert_eq!(f.measure, Measure::Hours);
        assert_eq!(f.done, 1_235, "123.5 hours, a negative entry ignored");
        assert_eq!(f.percent, 61, "123.5 of 200 hours");
        assert_eq!(f.progress, Progress::Behind);
    }

    #[test]
    fn agreements_warn_two_months_before_they_end() {
        let (from, to) = (day(2026, 1, 1), day(2026, 12, 31));
        assert_eq!(agreement_state(from, to, day(2025, 12, 31)), AgreementState::NotYet);
        assert_eq!(agreement_state(from, to, day(2026, 10, 30)), AgreementState::InForce);
        assert_eq!(agreement_state(from, to, day(2026, 10, 31)), AgreementState::ExpiringSoon);
        assert_eq!(agreement_state(from, to, day(2026, 12, 31)), AgreementState::ExpiringSoon);
        assert_eq!(agreement_state(from, to, day(2027, 1, 1)), AgreementState::Expired);
        // A month-end clamps: ends 04-30, warned from 02-28.
        assert_eq!(
            agreement_state(from, day(2027, 4, 30), day(2027, 2, 27)),
            AgreementState::InForce
        );
        assert_eq!(
            agreement_state(from, day(2027, 4, 30), day(2027, 2, 28)),
            AgreementState::ExpiringSoon
        );
    }

    #[test]
    fn in_force_during_means_overlapping_the_period() {
        let (from, to) = (day(2026, 1, 1), day(2026, 12, 31));
        assert!(in_force_during(day(2011, 3, 1), day(2026, 1, 1), from, to));
        assert!(in_force_during(day(2026, 12, 31), day(2029, 1, 1), from, to));
        assert!(!in_force_during(day(2011, 3, 1), day(2025, 12, 31), from, to));
        assert!(!in_force_during(day(2027, 1, 1), day(2029, 1, 1), from, to));
        assert_eq!(
            check_period(day(2026, 2, 1), day(2026, 1, 1)),
            Err(PartnersError::PeriodReversed)
        );
    }

    #[test]
    fn a_claim_needs_the_communitys_confirmation() {
        use NeedEvent as E;
        assert_eq!(need_after(NeedStatus::Open, E::Claim), Ok(NeedStatus::Claimed));
        assert_eq!(need_after(NeedStatus::Open, E::Confirm), Err(PartnersError::BadTransition));
        assert_eq!(
            need_after(NeedStatus::Claimed, E::Claim),
            Err(PartnersError::BadTransition),
            "one claim at a time"
        );
        assert_eq!(need_after(NeedStatus::Claimed, E::Confirm), Ok(NeedStatus::Matched));
        assert_eq!(need_after(NeedStatus::Claimed, E::Reject), Ok(NeedStatus::Open));
        assert_eq!(need_after(NeedStatus::Matched, E::Complete), Ok(NeedStatus::Done));
        assert_eq!(need_after(NeedStatus::Done, E::Close), Err(PartnersError::BadTransition));
    }

    #[test]
    fn deadlines_run_in_working_days_per_category() {
        let mut cal = Calendar::new();
        for d in 1..=7 {
            cal.add(day(2030, 10, d), DayKind::Holiday, "国庆节");
        }
        cal.add(day(2030, 10, 12), DayKind::Workday, "国庆节调休上班");
        let road = default_category("road").unwrap();
        // Reported Mon 09-30: respond by Tue 10-08 (the holiday skipped); 13 working days:
        // 10-08..11 (4), Sat 10-12 (5), 10-14..18 (10), 10-21..23 (13).
        assert_eq!(
            deadlines(day(2030, 9, 30), road.respond_days, road.resolve_days, &cal),
            (day(2030, 10, 8), day(2030, 10, 23))
        );
        let safety = default_category("safety").unwrap();
        // The same day when it is a working day; the next working day when reported on a holiday.
        assert_eq!(
            deadlines(day(2030, 9, 30), safety.respond_days, safety.resolve_days, &cal).0,
            day(2030, 9, 30)
        );
        assert_eq!(
            deadlines(day(2030, 10, 3), safety.respond_days, safety.resolve_days, &cal),
            (day(2030, 10, 8), day(2030, 10, 8))
        );
        assert!(
            valid_category_code("heating_2")
                && !valid_category_code("Road")
                && !valid_category_code("x")
        );
    }

    #[test]
    fn rerouting_needs_a_reason_and_rating_follows_resolution() {
        use AffairEvent as E;
        use AffairStatus as S;
        assert_eq!(affair_after(S::Reported, E::Assign, ""), Ok(S::Assigned));
        assert_eq!(affair_after(S::Assigned, E::Assign, " "), Err(PartnersError::RerouteReason));
        assert_eq!(affair_after(S::InProgress, E::Assign, "路面归建设局"), Ok(S::Assigned));
        assert_eq!(
            affair_after(S::Reported, E::Resolve, ""),
            Err(PartnersError::BadTransition),
            "assign first"
        );
        assert_eq!(affair_after(S::Assigned, E::Progress, ""), Ok(S::InProgress));
        assert_eq!(affair_after(S::InProgress, E::Resolve, ""), Ok(S::Resolved));
        assert_eq!(
            affair_after(S::Assigned, E::Rate, ""),
            Err(PartnersError::BadTransition),
            "no callback before resolution"
        );
        assert_eq!(affair_after(S::Resolved, E::Rate, ""), Ok(S::Closed));
        assert_eq!(
            affair_after(S::Closed, E::Rate, ""),
            Err(PartnersError::BadTransition),
            "rated once"
        );
        assert!(is_reroute(S::Assigned) && !is_reroute(S::Reported));
        let cal = Calendar::new();
        assert_eq!(
            affair_urgency(S::Assigned, day(2030, 9, 20), day(2030, 9, 23), &cal),
            Urgency::Overdue
        );
        assert_eq!(
            affair_urgency(S::Resolved, day(2030, 9, 20), day(2030, 9, 23), &cal),
            Urgency::Done
        );
    }

    #[test]
    fn the_three_rates_have_their_own_denominators() {
        let f = |responded: Option<u32>, resolved: bool, rating: Option<Rating>| AffairFacts {
            respond_by: day(2026, 5, 5),
            responded_on: responded.map(|d| day(2026, 5, d)),
            resolved_on: resolved.then(|| day(2026, 5, 20)),
            rating,
        };
        let issues = [
            f(Some(5), true, Some(Rating::Satisfied)),
            f(Some(4), true, Some(Rating::BasicallySatisfied)),
            f(Some(6), true, Some(Rating::Dissatisfied)),
            f(Some(5), true, None),
            f(None, false, None),
        ];
        let r = rates(&issues);
        assert_eq!(
            r.response,
            Share { numerator: 3, denominator: 5 },
            "late and missing responses do not count"
        );
        assert_eq!(r.resolution, Share { numerator: 4, denominator: 5 });
        assert_eq!(
            r.satisfaction,
            Share { numerator: 2, denominator: 3 },
            "only rated issues count"
        );
        assert_eq!(r.satisfaction.percent_floor(), Some(66));
        assert_eq!(rates(&[]).satisfaction.fraction(), None, "nothing rated is not 0%");
    }
}
