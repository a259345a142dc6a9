//! Volunteer service records to the standard of 民政部令第67号 (志愿服务记录与证明出具办法) and the
//! in-service party members who report to the community (双报到): the hours a check-in and a
//! check-out make (§7: hours actually served), the ten-working-day recording clock (§11), what
//! an edit of credited hours needs, the certificate's verification code (§14-17) and the
//! quarterly expectation of 双报到. No I/O.

use crate::workdays::Calendar;
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

code_enum!(
    /// Where a volunteer's request to correct her record stands.
    VolunteerCorrectionStatus {
        Pending => "pending", "待处理",
        Accepted => "accepted", "已更正",
        Rejected => "rejected", "未采纳",
    }
);

code_enum!(
    /// What a group (社团) is: the contract's `kind` of `groups_create`.
    GroupKind {
        Literary => "literary", "文学社",
        Stamps => "stamps", "集邮协会",
        VolunteerTeam => "volunteer_team", "志愿服务队",
        Other => "other", "其他社团",
    }
);

/// Working days after the activity within which its service is recorded (§11).
pub const RECORD_WITHIN_WORKING_DAYS: u32 = 10;

/// The longest one service may credit: a day. Longer is a typing error, not service.
pub const MAX_TENTHS: i64 = 240;

/// How many activities a quarter a reporting party member is usually expected to serve
/// (many cities' rule; each community may set its own).
pub const DEFAULT_PARTY_ACTIVITIES_PER_QUARTER: i64 = 2;

/// Why hours cannot be credited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoursError {
    /// Not a number of hours, zero, negative or more than a day.
    Bad,
    /// The check-out is not after the check-in.
    OutBeforeIn,
}

impl HoursError {
    pub fn code(self) -> &'static str {
        match self {
            HoursError::Bad => "volunteer_hours_bad",
            HoursError::OutBeforeIn => "volunteer_checkout_before_checkin",
        }
    }
}

/// Hours in tenths from a check-in to a check-out, rounded to the nearest six minutes.
pub fn served_tenths(check_in: NaiveDateTime, check_out: NaiveDateTime) -> Result<i64, HoursError> {
    let minutes = (check_out - check_in).num_minutes();
    if minutes <= 0 {
        return Err(HoursError::OutBeforeIn);
    }
    let tenths = (minutes + 3) / 6;
    if tenths == 0 || tenths > MAX_TENTHS {
        return Err(HoursError::Bad);
    }
    Ok(tenths)
}

/// The check-in and check-out of a service on the activity's day from clock times as typed:
/// a check-out earlier than the check-in is on the next day (the night shift of a snowfall).
pub fn times_on(
    day: NaiveDate,
    check_in: NaiveTime,
    check_out: NaiveTime,
) -> (NaiveDateTime, NaiveDateTime) {
    let start = day.and_time(check_in);
    let end_day = if check_out < check_in { day.succ_opt().unwrap_or(day) } else { day };
    (start, end_day.and_time(check_out))
}

/// Hours as typed ("2.5", "2.5小时", "3 h") in tenths: more than zero, at most a day.
pub fn parse_hours(raw: &str) -> Result<i64, HoursError> {
    let t = raw.trim().trim_end_matches("小时").trim_end_matches('h').trim();
    let h: f64 = t.parse().map_err(|_| HoursError::Bad)?;
    tenths_of(h)
}

/// Hours as a number (the API's `hours`) in tenths: more than zero, at most a day.
pub fn tenths_of(hours: f64) -> Result<i64, HoursError> {
    if !hours.is_finite() || hours <= 0.0 {
        return Err(HoursError::Bad);
    }
    let tenths = (hours * 10.0).round() as i64;
    if tenths == 0 || tenths > MAX_TENTHS {
        return Err(HoursError::Bad);
    }
    Ok(tenths)
}

/// Tenths of an hour as written: 25 → "2.5", 30 → "3".
pub fn hours_text(tenths: i64) -> String {
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, (tenths % 10).abs())
    }
}

/// The last day on which an activity's service is recorded on time (§11).
pub fn recording_due(cal: &Calendar, held_on: NaiveDate) -> NaiveDate {
    cal.add_working_days(held_on, RECORD_WITHIN_WORKING_DAYS)
}

/// Whether a service recorded on `recorded_on` for an activity of `held_on` is late.
pub fn is_late(cal: &Calendar, held_on: NaiveDate, recorded_on: NaiveDate) -> bool {
    recorded_on > recording_due(cal, held_on)
}

/// What a change of credited hours needs: a reason of at least two characters, and a change.
pub fn check_edit(before: Option<i64>, after: i64, reason: &str) -> Result<(), &'static str> {
    if !(1..=MAX_TENTHS).contains(&after) {
        return Err("volunteer_hours_bad");
    }
    if reason.trim().chars().count() < 2 {
        return Err("volunteer_edit_reason_missing");
    }
    if before == Some(after) {
        return Err("volunteer_edit_unchanged");
    }
    Ok(())
}

/// Whether a person born on `birth` is a minor on `on` (a guardian consents for them).
pub fn is_minor(birth: NaiveDate, on: NaiveDate) -> bool {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age < 18
}

/// A year's quarter (1-4) of a day.
pub fn quarter_of(d: NaiveDate) -> u32 {
    (d.month() - 1) / 3 + 1
}

/// The first and last day of quarter `q` (1-4) of `year`.
pub fn quarter_range(year: i32, q: u32) -> Option<(NaiveDate, NaiveDate)> {
    if !(1..=4).contains(&q) {
        return None;
    }
    let from = NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1)?;
    let to = if q == 4 {
        NaiveDate::from_ymd_opt(year, 12, 31)?
    } else {
        NaiveDate::from_ymd_opt(year, q * 3 + 1, 1)?.pred_opt()?
    };
    Some((from, to))
}

/// How a reporting party member stands in a period against the expectation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub activities: i64,
    pub hours_tenths: i64,
    pub expected: i64,
}

impl Standing {
    pub fn met(&self) -> bool {
        self.activities >= self.expected
    }
}

/// The activities expected of a member in `year` up to `today`: `per_quarter` for each quarter
/// of the year that has begun and in which the member had reported (a member who reported in
/// May owes nothing for the first quarter).
pub fn expected_in_year(
    year: i32,
    reported_on: NaiveDate,
    today: NaiveDate,
    per_quarter: i64,
) -> i64 {
    (1..=4)
        .filter(|q| {
            quarter_range(year, *q).is_some_and(|(from, to)| from <= today && reported_on <= to)
        })
        .count() as i64
        * per_quarter
}

/// How many characters a certificate's verification code has (31¹² ≈ 7.9×10¹⁷ codes).
pub const CODE_LEN: usize = 12;

/// A certificate's verification code from 64 random bits (and a second draw for the rest):
/// twelve characters of [`crate::partners::REF_ALPHABET`].
pub fn certificate_code(a: u64, b: u64) -> String {
    let mut code = crate::partners::public_ref(a);
    code.push_str(&crate::partners::public_ref(b)[..CODE_LEN - crate::partners::REF_LEN]);
    code
}

/// A code as printed (`ABCD-EFGH-JKMN`).
pub fn code_printed(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// A code as typed or scanned, normalised; `None` when it cannot be one.
pub fn normalize_code(typed: &str) -> Option<String> {
    let c = crate::partners::normalize_ref(typed);
    (c.chars().count() == CODE_LEN && c.bytes().all(|b| crate::partners::REF_ALPHABET.contains(&b)))
        .then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn hm(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    #[test]
    fn hours_served_are_the_time_between_check_in_and_check_out() {
        assert_eq!(served_tenths(at("2026-01-09 08:00"), at("2026-01-09 11:30")), Ok(35));
        // Rounded to the nearest six minutes.
        assert_eq!(served_tenths(at("2026-01-09 08:00"), at("2026-01-09 08:44")), Ok(7));
        assert_eq!(
            served_tenths(at("2026-01-09 08:00"), at("2026-01-09 08:00")),
            Err(HoursError::OutBeforeIn)
        );
        assert_eq!(
            served_tenths(at("2026-01-09 08:00"), at("2026-01-09 07:00")),
            Err(HoursError::OutBeforeIn)
        );
        // Two minutes is no tenth of an hour; more than a day is a typing error.
        assert_eq!(
            served_tenths(at("2026-01-09 08:00"), at("2026-01-09 08:02")),
            Err(HoursError::Bad)
        );
        assert_eq!(
            served_tenths(at("2026-01-09 08:00"), at("2026-01-10 09:00")),
            Err(HoursError::Bad)
        );
    }

    #[test]
    fn a_night_shift_checks_out_the_next_morning() {
        let (i, o) = times_on(day("2026-01-09"), hm("22:00"), hm("01:30"));
        assert_eq!(o.date(), day("2026-01-10"));
        assert_eq!(served_tenths(i, o), Ok(35));
        // Across the year's end too.
        let (i, o) = times_on(day("2026-12-31"), hm("23:30"), hm("00:30"));
        assert_eq!(o.date(), day("2027-01-01"));
        assert_eq!(served_tenths(i, o), Ok(10));
        let (i, o) = times_on(day("2026-01-09"), hm("08:00"), hm("10:00"));
        assert_eq!(served_tenths(i, o), Ok(20));
    }

    #[test]
    fn typed_hours_are_tenths_between_zero_and_a_day() {
        assert_eq!(parse_hours("2.5"), Ok(25));
        assert_eq!(parse_hours(" 3小时 "), Ok(30));
        assert_eq!(parse_hours("1.25"), Ok(13));
        assert_eq!(parse_hours("0"), Err(HoursError::Bad));
        assert_eq!(parse_hours("-2"), Err(HoursError::Bad));
        assert_eq!(parse_hours("25"), Err(HoursError::Bad));
        assert_eq!(parse_hours("两小时"), Err(HoursError::Bad));
        assert_eq!(tenths_of(f64::NAN), Err(HoursError::Bad));
        assert_eq!(hours_text(25), "2.5");
        assert_eq!(hours_text(30), "3");
        assert_eq!(hours_text(4470), "447");
    }

    #[test]
    fn an_edit_of_credited_hours_needs_a_reason_and_a_change() {
        assert_eq!(check_edit(Some(30), 25, "提前离开"), Ok(()));
        assert_eq!(check_edit(None, 25, "补录"), Ok(()));
        assert_eq!(check_edit(Some(30), 25, " "), Err("volunteer_edit_reason_missing"));
        assert_eq!(check_edit(Some(30), 30, "核对"), Err("volunteer_edit_unchanged"));
        assert_eq!(check_edit(Some(30), 0, "核对"), Err("volunteer_hours_bad"));
        assert_eq!(check_edit(Some(30), 300, "核对"), Err("volunteer_hours_bad"));
    }

    #[test]
    fn service_is_recorded_within_ten_working_days_counting_the_holidays() {
        let cal = crate::workdays::official();
        // An ordinary fortnight: Friday 2026-03-06 → Friday 2026-03-20.
        assert_eq!(recording_due(&cal, day("2026-03-06")), day("2026-03-20"));
        // Across 国庆 2026 (10-01 to 10-07 off, 09-20 and 10-10 worked): an activity on
        // Tuesday 09-29 is due on 10-20, not 10-13.
        let due = recording_due(&cal, day("2026-09-29"));
        assert_eq!(cal.working_days_between(day("2026-09-29"), due), 10);
        assert!(due > day("2026-10-13"), "{due}");
        assert!(!is_late(&cal, day("2026-09-29"), due));
        assert!(is_late(&cal, day("2026-09-29"), due.succ_opt().unwrap()));
        // Recorded the same day is on time.
        assert!(!is_late(&cal, day("2026-09-29"), day("2026-09-29")));
    }

    #[test]
    fn a_minor_is_under_eighteen_on_the_day() {
        assert!(is_minor(day("2010-06-01"), day("2026-01-09")));
        assert!(is_minor(day("2008-01-10"), day("2026-01-09")));
        assert!(!is_minor(day("2008-01-09"), day("2026-01-09")));
        assert!(!is_minor(day("1970-01-01"), day("2026-01-09")));
    }

    #[test]
    fn quarters_cover_the_year() {
        assert_eq!(quarter_of(day("2026-01-01")), 1);
        assert_eq!(quarter_of(day("2026-06-30")), 2);
        assert_eq!(quarter_of(day("2026-07-01")), 3);
        assert_eq!(quarter_of(day("2026-12-31")), 4);
        assert_eq!(quarter_range(2026, 1), Some((day("2026-01-01"), day("2026-03-31"))));
        assert_eq!(quarter_range(2028, 1).map(|r| r.1), Some(day("2028-03-31")));
        assert_eq!(quarter_range(2026, 4), Some((day("2026-10-01"), day("2026-12-31"))));
        assert_eq!(quarter_range(2026, 5), None);
        assert_eq!(quarter_range(2026, 0), None);
    }

    #[test]
    fn the_party_members_expectation_counts_the_quarters_begun_since_reporting() {
        // A member of long standing, on 2026-12-05: four quarters, two activities each.
        assert_eq!(expected_in_year(2026, day("2024-03-01"), day("2026-12-05"), 2), 8);
        // Reported in May: the first quarter is not owed.
        assert_eq!(expected_in_year(2026, day("2026-05-10"), day("2026-12-05"), 2), 6);
        // In August, the fourth quarter has not begun.
        assert_eq!(expected_in_year(2026, day("2024-03-01"), day("2026-08-15"), 2), 6);
        // A community that expects one a quarter.
        assert_eq!(expected_in_year(2026, day("2024-03-01"), day("2026-12-05"), 1), 4);
        let s = Standing { activities: 2, hours_tenths: 50, expected: 2 };
        assert!(s.met());
        assert!(!Standing { activities: 1, ..s }.met());
    }

    #[test]
    fn certificate_codes_read_aloud_and_normalise() {
        let code = certificate_code(0x1234_5678_9abc_def0, 42);
        assert_eq!(code.chars().count(), CODE_LEN);
        assert_eq!(normalize_code(&code).as_deref(), Some(code.as_str()));
        let printed = code_printed(&code);
        assert_eq!(printed.len(), CODE_LEN + 2);
        assert_eq!(normalize_code(&printed.to_lowercase()).as_deref(), Some(code.as_str()));
        assert_eq!(normalize_code("ABCD"), None);
        // 0, O, 1, I and L are not in the alphabet.
        assert_eq!(normalize_code("ABCD-EFGH-JK0N"), None);
        assert_ne!(certificate_code(1, 2), certificate_code(1, 3));
    }
}
