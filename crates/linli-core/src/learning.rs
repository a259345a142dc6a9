//! Learning and employment rules (issue 6): completion, 人次/人数, employment rates with unknowns,
//! matching explanations, the 1/3/6-month follow-up schedule. No I/O.
//!
//! The seed's figures ("2000余人次", "90%以上", "600多名") are exactly the ones such reports
//! inflate. The rules here make them countable: a count always says whether it counts times
//! (人次) or distinct persons (人数), and a trainee nobody has asked about is *unknown*, never
//! quietly counted as employed.

use chrono::{Months, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

code_enum!(
    /// The learning venues of the seed (学习阵地).
    VenueKind {
        PartySchool => "party_school", "社区党校",
        Classroom => "classroom", "社区课堂",
        ElderlyUniversity => "elderly_university", "老年大学",
        ReadingRoom => "reading_room", "图书室",
        Livelihood => "livelihood", "民生课堂",
        Other => "other", "其他",
    }
);

code_enum!(
    /// A course's category (contract of `courses_create`).
    #[schemars(rename = "CourseCategory")]
    Category {
        PartyStudy => "party_study", "党课学习",
        Culture => "culture", "文化课堂",
        ElderlyUniversity => "elderly_university", "老年大学",
        VocationalTraining => "vocational_training", "职业技能培训",
        Livelihood => "livelihood", "民生课堂",
    }
);

code_enum!(
    /// Who teaches: "把能人用起来" — a resident, a partner unit's staff, or someone from outside.
    TeacherKind {
        Resident => "resident", "社区能人",
        Partner => "partner", "共建单位",
        Outside => "outside", "外聘教师",
    }
);

code_enum!(
    /// Where an enrolment stands (`enrolments_create` answers enrolled or waitlisted;
    /// `enrolments_set_status` sets completed or dropped).
    EnrolmentStatus {
        Enrolled => "enrolled", "已报名",
        Waitlisted => "waitlisted", "候补",
        Completed => "completed", "已结业",
        Dropped => "dropped", "已退出",
    }
);

code_enum!(
    /// The outcome of a follow-up call on a placement (contract of `followups_create`).
    Outcome {
        Employed => "employed", "在岗",
        Left => "left", "已离职",
        Unknown => "unknown", "未联系上",
    }
);

code_enum!(
    /// What a trainee without a placement said when the station asked (回访结业学员).
    TraineeCheck {
        NotEmployed => "not_employed", "尚未就业",
        Unknown => "unknown", "未联系上",
    }
);

code_enum!(
    ContractType {
        Labour => "labour", "劳动合同",
        FixedTerm => "fixed_term", "固定期限合同",
        PartTime => "part_time", "非全日制",
        Flexible => "flexible", "灵活就业",
        SelfEmployed => "self_employed", "自主创业",
    }
);

code_enum!(
    /// Working hours an opening offers and a job seeker can take.
    Hours {
        FullTime => "full_time", "全日制",
        PartTime => "part_time", "非全日制",
        Shifts => "shifts", "倒班",
        Any => "any", "不限",
    }
);

code_enum!(
    SeekerStatus {
        Seeking => "seeking", "求职中",
        Placed => "placed", "已就业",
        Paused => "paused", "暂停求职",
    }
);

code_enum!(
    ReferralResult {
        Pending => "pending", "已推荐",
        Interview => "interview", "已面试",
        Hired => "hired", "已录用",
        Rejected => "rejected", "未录用",
        Withdrawn => "withdrawn", "本人放弃",
    }
);

/// The usual completion rule: at least 80% of the sessions attended.
pub const DEFAULT_COMPLETION_PERCENT: u32 = 80;

/// Whether `attended` of `sessions` sessions meets a rule of `percent`%. Whole-number
/// arithmetic, so 8 of 10 meets 80% and 7 of 9 (77.8%) does not; a course without sessions
/// completes nobody.
pub fn meets_completion(attended: u32, sessions: u32, percent: u32) -> bool {
    sessions > 0 && u64::from(attended) * 100 >= u64::from(percent) * u64::from(sessions)
}

/// The fewest sessions that meet the rule (for the roll-call page: "至少出勤 8 次").
pub fn sessions_needed(sessions: u32, percent: u32) -> u32 {
    let need = (u64::from(sessions) * u64::from(percent)).div_ceil(100);
    u32::try_from(need).unwrap_or(u32::MAX).max(1).min(sessions)
}

/// What an enrolment request gets: a seat while seats are left, the waiting list after.
/// No capacity means no limit.
pub fn admit(holding_seats: u32, capacity: Option<u32>) -> EnrolmentStatus {
    match capacity {
        Some(cap) if holding_seats >= cap => EnrolmentStatus::Waitlisted,
        _ => EnrolmentStatus::Enrolled,
    }
}

/// A count said both ways: 人次 (every occurrence) and 人数 (distinct persons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default, schemars::JsonSchema)]
pub struct Tally {
    pub times: u64,
    pub persons: u64,
}

/// Counts occurrences of residents: one person completing two courses is 2 人次 and 1 人数.
pub fn tally(resident_ids: &[i64]) -> Tally {
    let persons = resident_ids.iter().collect::<BTreeSet<_>>().len();
    Tally { times: resident_ids.len() as u64, persons: persons as u64 }
}

/// One completed vocational enrolment, with what the station knows of the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub resident_id: i64,
    pub course_starts_on: NaiveDate,
}

/// What is known of a trainee's work.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Knowledge {
    /// Start dates of the person's placements (through the station or not).
    pub placements: Vec<NaiveDate>,
    /// The station asked and the person said they have no work yet.
    pub checked_not_employed: bool,
}

/// `learning.employment_rate` (DESIGN.md §3) with everything behind it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EmploymentRate {
    /// Distinct residents who completed vocational training (人数): the denominator.
    pub completed_persons: u64,
    /// Of them, those with a placement starting on or after a completed course's start.
    pub employed_persons: u64,
    /// Asked, and not employed.
    pub not_employed_persons: u64,
    /// No placement and no follow-up at all: nobody knows. In the denominator only, shown
    /// apart so that a reader sees how much of the rate rests on silence.
    pub unknown_persons: u64,
    /// employed / completed, `None` when nobody completed.
    pub rate: Option<f64>,
    /// employed / (completed − unknown): the rate among those the station actually knows about.
    pub rate_known: Option<f64>,
    /// Who the unknown are (resident ids, ascending): the people a worker would call.
    #[serde(skip)]
    #[schemars(skip)]
    pub unknown_ids: Vec<i64>,
}

/// Computes the employment rate. A placement counts for a person when it starts on or after
/// the start of one of their completed courses (work found before the training is not its
/// result). Residents with neither a placement nor a follow-up are unknown: counted in the
/// denominator only, never as employed.
pub fn employment_rate(
    completions: &[Completion],
    known: &BTreeMap<i64, Knowledge>,
) -> EmploymentRate {
    // Earliest completed course start per person: any placement from then on counts.
    let mut first_start: BTreeMap<i64, NaiveDate> = BTreeMap::new();
    for c in completions {
        first_start
            .entry(c.resident_id)
            .and_modify(|d| *d = (*d).min(c.course_starts_on))
            .or_insert(c.course_starts_on);
    }
    let (mut employed, mut not_employed) = (0u64, 0u64);
    let mut unknown_ids = Vec::new();
    let empty = Knowledge::default();
    for (rid, start) in &first_start {
        let k = known.get(rid).unwrap_or(&empty);
        if k.placements.iter().any(|p| p >= start) {
            employed += 1;
        } else if k.checked_not_employed {
            not_employed += 1;
        } else {
            unknown_ids.push(*rid);
        }
    }
    let unknown = unknown_ids.len() as u64;
    let total = first_start.len() as u64;
    let ratio = |n: u64, d: u64| (d > 0).then(|| n as f64 / d as f64);
    EmploymentRate {
        completed_persons: total,
        employed_persons: employed,
        not_employed_persons: not_employed,
        unknown_persons: unknown,
        rate: ratio(employed, total),
        rate_known: ratio(employed, total - unknown),
        unknown_ids,
    }
}

/// The months after a placement's start at which the station calls back.
pub const FOLLOWUP_MONTHS: [u32; 3] = [1, 3, 6];

/// The follow-up dates of a placement starting on `starts_on`: 1, 3 and 6 calendar months
/// later (a month-end start clamps to the shorter month).
pub fn followup_schedule(starts_on: NaiveDate) -> Vec<(u32, NaiveDate)> {
    FOLLOWUP_MONTHS
        .iter()
        .map(|m| (*m, starts_on.checked_add_months(Months::new(*m)).unwrap_or(NaiveDate::MAX)))
        .collect()
}

/// The next follow-up still owed: the first scheduled one not yet covered by a follow-up made
/// on or after its date minus a week's grace (a call a few days early counts). `None` once
/// all three are done, or after the person has left the job.
pub fn next_followup(
    starts_on: NaiveDate,
    done_on: &[NaiveDate],
    left: bool,
) -> Option<(u32, NaiveDate)> {
    if left {
        return None;
    }
    let mut used = vec![false; done_on.len()];
    for (m, due) in followup_schedule(starts_on) {
        let window = due - chrono::Days::new(7);
        let hit = done_on
            .iter()
            .enumerate()
            .find(|(i, d)| !used.get(*i).copied().unwrap_or(true) && **d >= window);
        match hit {
            Some((i, _)) => {
                if let Some(u) = used.get_mut(i) {
                    *u = true;
                }
            }
            None => return Some((m, due)),
        }
    }
    None
}

// ---- matching ----

/// What a job seeker wants and can do.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Seeker {
    pub skills: Vec<String>,
    pub wishes: Vec<String>,
    pub hours: Option<Hours>,
    /// The farthest the person can travel, km.
    pub max_km: Option<u32>,
}

/// What an opening offers and asks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Opening {
    pub position: String,
    pub requirements: Vec<String>,
    pub hours: Option<Hours>,
    /// Distance from the community, km.
    pub distance_km: Option<u32>,
}

/// One reason in a match's explanation, for the worker to read out to the seeker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Reason {
    /// A requirement the seeker's skills cover.
    SkillMet(String),
    /// A requirement none of the skills covers.
    SkillMissing(String),
    /// The position is one of the seeker's wishes.
    Wished(String),
    HoursFit,
    HoursConflict,
    /// Within the distance the seeker can travel (km).
    Near(u32),
    /// Farther than the seeker can travel (km).
    TooFar(u32),
}

/// A suggestion: a score (higher is better) and every reason behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Match {
    pub score: i32,
    pub reasons: Vec<Reason>,
    /// A hard constraint (hours, distance) is broken: shown last, never hidden.
    pub blocked: bool,
}

fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Whether two free-text terms name the same thing ("电脑" and "电脑操作" do).
fn overlaps(a: &str, b: &str) -> bool {
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && !b.is_empty() && (a.contains(&b) || b.contains(&a))
}

/// Explains how well an opening suits a seeker. Skills covering requirements and a wished
/// position raise the score; a missing skill lowers it; hours or distance the seeker cannot
/// take block the match (still listed, with the reason, so the worker can discuss it).
pub fn explain_match(s: &Seeker, o: &Opening) -> Match {
    let mut reasons = Vec::new();
    let mut score = 0;
    let mut blocked = false;
    for req in o.requirements.iter().filter(|r| !r.trim().is_empty()) {
        if s.skills.iter().any(|k| overlaps(k, req)) {
            score += 3;
            reasons.push(Reason::SkillMet(req.trim().to_string()));
        } else {
            score -= 2;
            reasons.push(Reason::SkillMissing(req.trim().to_string()));
        }
    }
    if let Some(w) = s.wishes.iter().find(|w| overlaps(w, &o.position)) {
        score += 4;
        reasons.push(Reason::Wished(w.trim().to_string()));
    }
    match (s.hours, o.hours) {
        (Some(Hours::Any), _) | (_, Some(Hours::Any)) | (None, _) | (_, None) => {}
        (Some(a), Some(b)) if a == b => {
            score += 2;
            reasons.push(Reason::HoursFit);
        }
        _ => {
            blocked = true;
            reasons.push(Reason::HoursConflict);
        }
    }
    if let (Some(max), Some(d)) = (s.max_km, o.distance_km) {
        if d <= max {
            score += 1;
            reasons.push(Reason::Near(d));
        } else {
            blocked = true;
            reasons.push(Reason::TooFar(d));
        }
    }
    Match { score, reasons, blocked }
}

/// Ranks openings for a seeker: unblocked first, then by score, then in the given order.
/// Returns indexes into `openings` with their match.
pub fn suggest(s: &Seeker, openings: &[Opening]) -> Vec<(usize, Match)> {
    let mut out: Vec<(usize, Match)> =
        openings.iter().enumerate().map(|(i, o)| (i, explain_match(s, o))).collect();
    out.sort_by(|a, b| {
        a.1.blocked.cmp(&b.1.blocked).then(b.1.score.cmp(&a.1.score)).then(a.0.cmp(&b.0))
    });
    out
}

/// Splits a typed list ("电脑, 刺绣、家政") into terms.
pub fn split_terms(raw: &str) -> Vec<String> {
    raw.split([',', '，', '、', ';', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

// ---- sign-up requests from the public catalogue ----

code_enum!(
    /// Whether a vacancy still takes referrals.
    VacancyStatus {
        Open => "open", "招聘中",
        Closed => "closed", "已停招",
    }
);

code_enum!(
    /// Where a resident's own sign-up request stands. A request never enrols anyone by itself:
    /// a worker matches it to a registry resident (enrolled) or declines it with a reason.
    SignupStatus {
        Pending => "pending", "待处理",
        Enrolled => "enrolled", "已报名",
        Declined => "declined", "未通过",
    }
);

/// Whether the public catalogue takes requests for a course: listed and not yet over (a full
/// course still does: the worker puts the person on the waiting list).
pub fn open_for_signup(listed: bool, ends_on: NaiveDate, today: NaiveDate) -> bool {
    listed && today <= ends_on
}

/// What a resident typed into the public sign-up form, checked. Built only by
/// [`SignupRequest::parse`], so a stored request always has a name, a usable phone and a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignupRequest {
    pub name: String,
    /// Canonical form (`13812345678`, `0453-6251234`).
    pub phone: String,
    pub address: String,
    pub note: String,
}

/// Why a sign-up form was refused: the stable code (an i18n key under `error.`) and the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignupError {
    pub code: &'static str,
    pub field: &'static str,
}

fn clipped(raw: &str, n: usize) -> String {
    raw.trim().chars().take(n).collect::<String>().trim().to_string()
}

impl SignupRequest {
    /// Checks the form in the order it reads: name, phone, address; the note is optional.
    /// Long texts are cut, not refused (an elderly typist should not lose a form over it).
    pub fn parse(
        name: &str,
        phone: &str,
        address: &str,
        note: &str,
    ) -> Result<SignupRequest, SignupError> {
        let name = clipped(name, 30);
        if name.chars().count() < 2 {
            return Err(SignupError { code: "learning_signup_name_missing", field: "name" });
        }
        let phone = crate::roster::parse_phone(phone)
            .map_err(|_| SignupError { code: "learning_signup_phone_bad", field: "phone" })?;
        let address = clipped(address, 100);
        if address.is_empty() {
            return Err(SignupError { code: "learning_signup_address_missing", field: "address" });
        }
        Ok(SignupRequest { name, phone, address, note: clipped(note, 300) })
    }
}

/// A decline keeps its reason: the person will ask why, and the next worker must be able to say.
pub fn decline_reason(raw: &str) -> Result<String, SignupError> {
    let r = clipped(raw, 200);
    if r.is_empty() {
        return Err(SignupError { code: "learning_signup_reason_missing", field: "reason" });
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_codes_are_the_public_contract() {
        let codes = |all: Vec<&'static str>| all.join(",");
        assert_eq!(
            codes(Category::ALL.iter().map(|k| k.as_str()).collect()),
            "party_study,culture,elderly_university,vocational_training,livelihood"
        );
        assert_eq!(
            codes(EnrolmentStatus::ALL.iter().map(|k| k.as_str()).collect()),
            "enrolled,waitlisted,completed,dropped"
        );
        assert_eq!(
            codes(Outcome::ALL.iter().map(|k| k.as_str()).collect()),
            "employed,left,unknown"
        );
    }

    #[test]
    fn completion_needs_the_share_of_sessions_the_rule_names() {
        assert!(meets_completion(8, 10, 80));
        assert!(!meets_completion(7, 10, 80));
        // 7 of 9 is 77.8%: not enough, however it would round.
        assert!(!meets_completion(7, 9, 80));
        assert!(meets_completion(8, 9, 80));
        assert!(meets_completion(1, 1, 100));
        assert!(!meets_completion(0, 0, 80), "no sessions, no completion");
        assert_eq!(sessions_needed(10, 80), 8);
        assert_eq!(sessions_needed(9, 80), 8);
        assert_eq!(sessions_needed(12, 80), 10);
        assert_eq!(sessions_needed(3, 0), 1);
    }

    #[test]
    fn a_full_course_puts_the_next_person_on_the_waiting_list() {
        assert_eq!(admit(39, Some(40)), EnrolmentStatus::Enrolled);
        assert_eq!(admit(40, Some(40)), EnrolmentStatus::Waitlisted);
        assert_eq!(admit(500, None), EnrolmentStatus::Enrolled);
    }

    #[test]
    fn times_count_every_completion_and_persons_count_people_once() {
        // 夏 completes two courses, 米 one: 3 人次, 2 人数.
        let t = tally(&[1, 2, 1]);
        assert_eq!(t, Tally { times: 3, persons: 2 });
        assert_eq!(tally(&[]), Tally::default());
    }

    #[test]
    fn the_employment_rate_never_counts_the_unknown_as_employed() {
        let comp = |rid, start| Completion { resident_id: rid, course_starts_on: start };
        let completions = vec![
            comp(1, day(2026, 3, 1)),
            comp(1, day(2026, 9, 1)), // a second course: still one person
            comp(2, day(2026, 3, 1)),
            comp(3, day(2026, 3, 1)),
            comp(4, day(2026, 3, 1)),
            comp(5, day(2026, 3, 1)),
        ];
        let mut known = BTreeMap::new();
        // 1: placed after the first course.
        known.insert(
            1,
            Knowledge { placements: vec![day(2026, 5, 1)], checked_not_employed: false },
        );
        // 2: had a job before the training only: not a result of it; asked, not employed.
        known
            .insert(2, Knowledge { placements: vec![day(2025, 1, 1)], checked_not_employed: true });
        // 3: placed on the course's first day (counts: on or after).
        known.insert(
            3,
            Knowledge { placements: vec![day(2026, 3, 1)], checked_not_employed: false },
        );
        // 4 and 5: nothing known.
        let r = employment_rate(&completions, &known);
        assert_eq!(r.completed_persons, 5);
        assert_eq!(r.employed_persons, 2);
        assert_eq!(r.not_employed_persons, 1);
        assert_eq!(r.unknown_persons, 2);
        assert_eq!(r.rate, Some(0.4));
        assert_eq!(r.rate_known, Some(2.0 / 3.0));
        let none = employment_rate(&[], &BTreeMap::new());
        assert_eq!(none.rate, None, "no trainees: no rate, not 0%");
    }

    #[test]
    fn follow_ups_fall_at_one_three_and_six_months() {
        let s = followup_schedule(day(2026, 8, 31));
        assert_eq!(s, vec![(1, day(2026, 9, 30)), (3, day(2026, 11, 30)), (6, day(2027, 2, 28))]);
        let start = day(2026, 5, 10);
        assert_eq!(next_followup(start, &[], false), Some((1, day(2026, 6, 10))));
        // A call a few days early covers the one-month follow-up.
        assert_eq!(next_followup(start, &[day(2026, 6, 5)], false), Some((3, day(2026, 8, 10))));
        assert_eq!(
            next_followup(start, &[day(2026, 6, 10), day(2026, 8, 10), day(2026, 11, 12)], false),
            None
        );
        assert_eq!(next_followup(start, &[], true), None, "left: no more calls");
    }

    #[test]
    fn a_match_explains_itself() {
        let s = Seeker {
            skills: split_terms("电脑操作、刺绣"),
            wishes: split_terms("文员"),
            hours: Some(Hours::FullTime),
            max_km: Some(5),
        };
        let clerk = Opening {
            position: "办公室文员".into(),
            requirements: split_terms("电脑，驾驶"),
            hours: Some(Hours::FullTime),
            distance_km: Some(3),
        };
        let m = explain_match(&s, &clerk);
        assert!(!m.blocked);
        assert_eq!(
            m.reasons,
            vec![
                Reason::SkillMet("电脑".into()),
                Reason::SkillMissing("驾驶".into()),
                Reason::Wished("文员".into()),
                Reason::HoursFit,
                Reason::Near(3),
            ]
        );
        assert_eq!(m.score, 3 - 2 + 4 + 2 + 1);
        let far_shift = Opening {
            position: "仓库理货".into(),
            requirements: vec![],
            hours: Some(Hours::Shifts),
            distance_km: Some(12),
        };
        let m2 = explain_match(&s, &far_shift);
        assert!(m2.blocked);
        assert!(m2.reasons.contains(&Reason::HoursConflict));
        assert!(m2.reasons.contains(&Reason::TooFar(12)));
        let ranked = suggest(&s, &[far_shift, clerk]);
        assert_eq!(ranked.iter().map(|r| r.0).collect::<Vec<_>>(), vec![1, 0]);
    }
    #[test]
    fn a_sign_up_request_needs_a_name_a_phone_and_a_place() {
        let ok = SignupRequest::parse(" 夏胜林 ", "138 1234 5678", "3号楼2单元", "").unwrap();
        assert_eq!(ok.name, "夏胜林");
        assert_eq!(ok.phone, "13812345678", "stored in one canonical form");
        assert_eq!(ok.address, "3号楼2单元");
        let code = |r: Result<SignupRequest, SignupError>| r.map(|_| "").unwrap_err();
        assert_eq!(code(SignupRequest::parse("", "13812345678", "3号楼", "")).field, "name");
        assert_eq!(
            code(SignupRequest::parse("夏胜林", "1381234", "3号楼", "")).code,
            "learning_signup_phone_bad"
        );
        assert_eq!(code(SignupRequest::parse("夏胜林", "13812345678", "  ", "")).field, "address");
        let long = "很".repeat(500);
        let cut = SignupRequest::parse("夏胜林", "13812345678", "3号楼", &long).unwrap();
        assert_eq!(cut.note.chars().count(), 300, "a long note is cut, not refused");
    }

    #[test]
    fn the_catalogue_takes_requests_until_the_course_is_over() {
        let end = day(2026, 12, 20);
        assert!(open_for_signup(true, end, day(2026, 12, 20)));
        assert!(!open_for_signup(true, end, day(2026, 12, 21)));
        assert!(!open_for_signup(false, end, day(2026, 11, 1)), "unlisted");
        assert_eq!(decline_reason("  ").unwrap_err().field, "reason");
        assert_eq!(decline_reason(" 名额已满，下期优先 ").unwrap(), "名额已满，下期优先");
    }
}
