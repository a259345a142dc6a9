//! China's working-day calendar (工作日).
//!
//! Deadlines in the civil-affairs rules run in working days: "within 3 working days of
//! acceptance", "within 30 working days". A working day is not simply Monday to Friday: the
//! State Council's General Office announces each year which weekdays are public holidays and
//! which weekend days are worked in exchange (调休). A deadline that ignores either is wrong by
//! up to a week around 春节 and 国庆节, so every deadline in Linli is counted here.
//!
//! A [`Calendar`] holds only the days that differ from the plain week; everything else is a
//! working day on Monday-Friday and a day off on Saturday and Sunday. It also knows which years
//! it has a schedule for: in a year without one, Saturdays and Sundays are the only days off,
//! and a deadline counted there says so ([`Deadline::assumed_years`]) instead of passing the
//! guess off as fact.
//!
//! Schedules come in whole years ([`YearSchedule`], one State Council notice each). The ones
//! Linli ships ([`shipped`]: 2026) are layered under the ones an admin loads into the database
//! ([`Calendar::layered`]): a loaded year **replaces** that year's schedule from the layer below
//! — shipped, or the deployment's under a community's — and leaves every other year alone. A
//! notice may also name days of the December before (2019's made 2018-12-29 a working day);
//! those amend only the days they name.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

/// What an announced day is, overriding the plain week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A day off: a public holiday, or a weekend day inside one.
    Holiday,
    /// A weekend day worked in exchange for a holiday (调休上班).
    Workday,
}

impl DayKind {
    pub const ALL: &'static [DayKind] = &[DayKind::Holiday, DayKind::Workday];

    /// The code of the CSV's `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            DayKind::Holiday => "放假",
            DayKind::Workday => "调休上班",
        }
    }

    pub fn parse(s: &str) -> Option<DayKind> {
        DayKind::ALL.iter().copied().find(|k| k.as_str() == s.trim())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("the calendar is empty: expected the header line `date,kind,name`")]
    Empty,
    #[error("line {line}: expected the header `date,kind,name`, found `{found}`")]
    MissingHeader { line: usize, found: String },
    #[error("line {line}: expected 3 columns (date,kind,name), found {found}")]
    Columns { line: usize, found: usize },
    #[error("line {line}: `{value}` is not a date")]
    BadDate { line: usize, value: String },
    #[error("line {line}: kind `{value}` is neither `holiday` nor `workday`")]
    BadKind { line: usize, value: String },
    #[error("line {line}: {date} is already listed on line {first}")]
    Duplicate { line: usize, date: NaiveDate, first: usize },
    #[error("the file lists no day: expected the year's holidays and make-up working days")]
    NoDays,
    /// A year's file names days of that year, and at most the December before it.
    #[error("line {line}: {date} is outside {year} (only December {prev} may precede it)", prev = year - 1)]
    OutsideYear { line: usize, date: NaiveDate, year: i32 },
    /// A make-up working day is a Saturday or Sunday; a weekday is worked anyway.
    #[error("line {line}: {date} is a weekday, so it cannot be a make-up working day")]
    WorkdayOnWeekday { line: usize, date: NaiveDate },
}

impl CalendarError {
    pub fn code(&self) -> &'static str {
        match self {
            CalendarError::Empty => "calendar_empty",
            CalendarError::MissingHeader { .. } => "calendar_missing_header",
            CalendarError::Columns { .. } => "calendar_columns",
            CalendarError::BadDate { .. } => "calendar_bad_date",
            CalendarError::BadKind { .. } => "calendar_bad_kind",
            CalendarError::Duplicate { .. } => "calendar_duplicate_date",
            CalendarError::NoDays => "calendar_no_days",
            CalendarError::OutsideYear { .. } => "calendar_outside_year",
            CalendarError::WorkdayOnWeekday { .. } => "calendar_workday_on_weekday",
        }
    }

    /// The 1-based line of the file the error is on, so an upload form can point at it.
    pub fn line(&self) -> Option<usize> {
        match self {
            CalendarError::Empty | CalendarError::NoDays => None,
            CalendarError::MissingHeader { line, .. }
            | CalendarError::Columns { line, .. }
            | CalendarError::BadDate { line, .. }
            | CalendarError::BadKind { line, .. }
            | CalendarError::Duplicate { line, .. }
            | CalendarError::OutsideYear { line, .. }
            | CalendarError::WorkdayOnWeekday { line, .. } => Some(*line),
        }
    }
}

/// The days that differ from the plain Monday-Friday week, each with the name it was
/// announced under (`国庆节`, `春节调休上班`) so a deadline can be explained.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    days: BTreeMap<NaiveDate, (DayKind, String)>,
    /// The years whose schedule is in `days`; any other year is only assumed to be the plain
    /// week.
    known: BTreeSet<i32>,
}

/// The official 2026 schedule (State Council General Office notice of 2025-11-04), in the
/// format [`Calendar::parse_csv`] reads.
pub const CN_2026: &str = include_str!("../calendar/cn-2026.csv");

/// The official schedules Linli ships with, one per year. Only announced years are here: the
/// next year is loaded by an admin when the State Council announces it, never guessed. A test
/// rules out the parse error, so a year is never dropped; production code may not panic.
pub fn shipped() -> &'static [YearSchedule] {
    // Parsed once per process: the pages that count workdays ask for them on every request.
    static SHIPPED: std::sync::OnceLock<Vec<YearSchedule>> = std::sync::OnceLock::new();
    SHIPPED.get_or_init(|| {
        [CN_2026].into_iter().filter_map(|text| YearSchedule::parse_csv(text).ok()).collect()
    })
}

/// The shipped schedules as one calendar.
pub fn official() -> Calendar {
    Calendar::layered(&[shipped()])
}

/// One year's schedule, as a State Council notice gives it: the year's holidays and make-up
/// working days, and perhaps run-up days in the December before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearSchedule {
    pub year: i32,
    pub days: Calendar,
}

impl YearSchedule {
    /// Reads a year's file ([`Calendar::parse_csv`]'s format). The year is the latest one its
    /// dates fall in; other dates must be in that year's preceding December. A make-up working
    /// day must be a Saturday or Sunday, and the file must list at least one day. Errors name
    /// the 1-based line.
    pub fn parse_csv(text: &str) -> Result<YearSchedule, CalendarError> {
        let rows = parse_rows(text)?;
        let year = rows.iter().map(|r| r.1.year()).max().ok_or(CalendarError::NoDays)?;
        let mut days = Calendar::new();
        for (line, date, kind, name) in rows {
            let run_up = date.year() == year - 1 && date.month() == 12;
            if date.year() != year && !run_up {
                return Err(CalendarError::OutsideYear { line, date, year });
            }
            if kind == DayKind::Workday && !is_weekend(date) {
                return Err(CalendarError::WorkdayOnWeekday { line, date });
            }
            days.add(date, kind, &name);
        }
        Ok(YearSchedule { year, days })
    }

    /// The days dated in the year itself (not the run-up days of the December before).
    pub fn own_days(&self) -> impl Iterator<Item = (NaiveDate, DayKind, &str)> {
        self.days.entries().filter(|(d, _, _)| d.year() == self.year)
    }

    /// Its days as the CSV file [`YearSchedule::parse_csv`] reads back.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("date,kind,name\n");
        for (d, k, n) in self.days.entries() {
            out.push_str(&format!("{},{},{}\n", d.format("%Y-%m-%d"), k.as_str(), n));
        }
        out
    }
}

/// A deadline counted on a calendar, with the years it crossed that have no schedule: there
/// the count assumed that only Saturdays and Sundays are off, and whoever reads the date must
/// be told so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Deadline {
    pub due: NaiveDate,
    /// Years the count ran through without a schedule (empty: the date is certain).
    pub assumed_years: Vec<i32>,
}

impl Deadline {
    pub fn is_certain(&self) -> bool {
        self.assumed_years.is_empty()
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

type Row = (usize, NaiveDate, DayKind, String);

/// The lines of a `date,kind,name` file, checked one by one (see [`Calendar::parse_csv`]).
fn parse_rows(text: &str) -> Result<Vec<Row>, CalendarError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines =
        text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty());
    let (line, header) = lines.next().ok_or(CalendarError::Empty)?;
    let columns: Vec<String> = header.split(',').map(|c| c.trim().to_ascii_lowercase()).collect();
    if columns != ["date", "kind", "name"] {
        return Err(CalendarError::MissingHeader { line, found: header.to_string() });
    }
    let mut rows = Vec::new();
    let mut first_seen: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for (line, row) in lines {
        let fields: Vec<&str> = row.split(',').map(str::trim).collect();
        let [date, kind, name] = fields[..] else {
            return Err(CalendarError::Columns { line, found: fields.len() });
        };
        let date = crate::dates::parse_date(date)
            .ok_or_else(|| CalendarError::BadDate { line, value: date.to_string() })?;
        let kind = DayKind::parse(kind)
            .ok_or_else(|| CalendarError::BadKind { line, value: kind.to_string() })?;
        if let Some(first) = first_seen.insert(date, line) {
            return Err(CalendarError::Duplicate { line, date, first });
        }
        rows.push((line, date, kind, name.to_string()));
    }
    Ok(rows)
}

impl Calendar {
    /// The plain Monday-Friday week with no announced days.
    pub fn new() -> Calendar {
        Calendar::default()
    }

    /// Reads `date,kind,name` lines after a required header line. A byte-order mark (Excel
    /// writes one), CRLF line ends, blank lines and spaces around fields are tolerated; dates
    /// may be in any form [`crate::dates::parse_date`] accepts, since the file is likely to
    /// have passed through a spreadsheet. A date listed twice is refused rather than letting the
    /// later line silently win. Errors name the 1-based line.
    pub fn parse_csv(text: &str) -> Result<Calendar, CalendarError> {
        let mut calendar = Calendar::new();
        for (_, date, kind, name) in parse_rows(text)? {
            calendar.add(date, kind, &name);
        }
        Ok(calendar)
    }

    /// The calendar of year schedules in layers, least specific first (shipped, then the
    /// deployment's, then a community's). For each year the most specific layer that has it
    /// wins whole: a loaded 2026 replaces the shipped 2026, and a loaded 2027 changes nothing
    /// about 2026 except the December run-up days its notice names. The chosen schedules are
    /// applied in year order, so such a run-up day overrides the earlier year's entry for it.
    pub fn layered(layers: &[&[YearSchedule]]) -> Calendar {
        let mut chosen: BTreeMap<i32, &YearSchedule> = BTreeMap::new();
        for layer in layers {
            for s in *layer {
                chosen.insert(s.year, s);
            }
        }
        let mut cal = Calendar::new();
        for (year, s) in chosen {
            cal.merge(&s.days);
            cal.known.insert(year);
        }
        cal
    }

    /// The years this calendar has a schedule for, in order.
    pub fn known_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.known.iter().copied()
    }

    pub fn is_known_year(&self, year: i32) -> bool {
        self.known.contains(&year)
    }

    /// The years without a schedule that the days `from..=to` run through (in order; empty
    /// when `to` is before `from`).
    pub fn assumed_years(&self, from: NaiveDate, to: NaiveDate) -> Vec<i32> {
        (from.year()..=to.year()).filter(|y| !self.known.contains(y)).collect()
    }

    /// [`Calendar::add_working_days`] with the years the count assumed (see [`Deadline`]).
    /// The start day itself counts only when `n` is 0 (it may be the deadline).
    pub fn deadline(&self, start: NaiveDate, n: u32) -> Deadline {
        let due = self.add_working_days(start, n);
        Deadline { due, assumed_years: self.assumed_after(start, due) }
    }

    /// The years without a schedule that a deadline `due` counted from `start` rests on: those
    /// of the days after `start` up to `due` (`due` itself when it is `start`). For dates stored
    /// when the deadline was planned.
    pub fn assumed_after(&self, start: NaiveDate, due: NaiveDate) -> Vec<i32> {
        let first = if due > start { start.succ_opt().unwrap_or(due) } else { due };
        self.assumed_years(first, due)
    }

    /// Announces one day; a day already announced takes the new kind and name.
    pub fn add(&mut self, date: NaiveDate, kind: DayKind, name: &str) {
        self.days.insert(date, (kind, name.trim().to_string()));
    }

    /// Adds another calendar's days; where both announce a day, `other` wins, so merging a
    /// corrected schedule over the shipped one corrects it.
    pub fn merge(&mut self, other: &Calendar) {
        for (date, entry) in &other.days {
            self.days.insert(*date, entry.clone());
        }
        self.known.extend(other.known.iter().copied());
    }

    /// The announcement for a day, if any: its kind and name (`国庆节`).
    pub fn entry(&self, d: NaiveDate) -> Option<(DayKind, &str)> {
        self.days.get(&d).map(|(k, n)| (*k, n.as_str()))
    }

    /// An announced day decides; otherwise Saturday and Sunday are off.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.days.get(&d) {
            Some((kind, _)) => *kind == DayKind::Workday,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The `n`-th working day after `start` ("within 3 working days of acceptance" ends on
    /// `add_working_days(accepted, 3)`). With `n = 0`: `start` itself if it is a working day,
    /// else the next working day. Saturates at the last date chrono represents.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        if n == 0 {
            while !self.is_working_day(d) {
                match d.succ_opt() {
                    Some(next) => d = next,
                    None => return d,
                }
            }
            return d;
        }
        let last_announced = self.days.last_key_value().map(|(d, _)| *d);
        let mut left = n;
        while left > 0 {
            // Past the last announced day every 7 calendar days hold exactly 5 working days,
            // so long spans skip whole weeks instead of walking them; `left` stays ≥ 1 so
            // the walk below still lands on a working day.
            if left > 5 && last_announced.is_none_or(|last| last <= d) {
                let weeks = (left - 1) / 5;
                match d.checked_add_days(Days::new(7 * u64::from(weeks))) {
                    Some(jumped) => {
                        d = jumped;
                        left -= 5 * weeks;
                    }
                    None => return NaiveDate::MAX,
                }
            }
            match d.succ_opt() {
                Some(next) => d = next,
                None => return d,
            }
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// The `n`-th working day before `end`: the latest working day `d` with
    /// `working_days_between(d, end) == n`, so a deadline planned backwards ("the county must
    /// have the materials 10 working days before the end") leaves exactly `n` working days
    /// after it. With `n = 0`: `end` itself if it is a working day, else the working day before.
    /// Saturates at the first date chrono represents. Spans are at most a few dozen working
    /// days, so the days are walked.
    pub fn sub_working_days(&self, end: NaiveDate, n: u32) -> NaiveDate {
        let mut d = end;
        if n == 0 {
            while !self.is_working_day(d) {
                match d.pred_opt() {
                    Some(prev) => d = prev,
                    None => return d,
                }
            }
            return d;
        }
        // Step back over the n working days in (d, end]; d then sits just before the earliest
        // of them, and is moved back onto a working day.
        let mut left = n;
        while left > 0 {
            if self.is_working_day(d) {
                left -= 1;
            }
            match d.pred_opt() {
                Some(prev) => d = prev,
                None => return d,
            }
        }
        self.sub_working_days(d, 0)
    }

    /// The working days in `(from, to]`: how many working days `to` lies after `from`, so
    /// `working_days_between(d, add_working_days(d, n)) == n` for `n ≥ 1`. Negative (the
    /// working days in `(to, from]`, negated) when `to` is before `from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        let plain = weekdays_through(to) - weekdays_through(from);
        let adjust: i64 = self
            .days
            .range((Bound::Excluded(from), Bound::Included(to)))
            .map(|(d, (kind, _))| {
                let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
                match (kind, weekend) {
                    (DayKind::Holiday, false) => -1,
                    (DayKind::Workday, true) => 1,
                    _ => 0,
                }
            })
            .sum();
        plain + adjust
    }

    /// The announced days in date order.
    pub fn entries(&self) -> impl Iterator<Item = (NaiveDate, DayKind, &str)> {
        self.days.iter().map(|(d, (k, n))| (*d, *k, n.as_str()))
    }
}

/// Monday-Friday days up to and including `d`, counted from a fixed Monday: only differences
/// of this are meaningful.
fn weekdays_through(d: NaiveDate) -> i64 {
    let day = i64::from(d.num_days_from_ce());
    let weekday = i64::from(d.weekday().num_days_from_monday());
    let monday = day - weekday;
    5 * monday.div_euclid(7) + (weekday + 1).min(5)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A made-up 2030 autumn: a holiday week Tue 2030-10-01 .. Mon 2030-10-07 with the
    /// Saturday before (09-28) and the Saturday after (10-12) worked in exchange.
    fn fixture() -> Calendar {
        Calendar::parse_csv(
            "date,kind,name\n\
             2030-09-28,workday,国庆节调休上班\n\
             2030-10-01,holiday,国庆节\n\
             2030-10-02,holiday,国庆节\n\
             2030-10-03,holiday,国庆节\n\
             2030-10-04,holiday,国庆节\n\
             2030-10-05,holiday,国庆节\n\
             2030-10-06,holiday,国庆节\n\
             2030-10-07,holiday,国庆节\n\
             2030-10-12,workday,国庆节调休上班\n",
        )
        .unwrap()
    }

    /// The naive definition the fast paths must agree with.
    fn walk_between(cal: &Calendar, from: NaiveDate, to: NaiveDate) -> i64 {
        let (lo, hi, sign) = if to < from { (to, from, -1) } else { (from, to, 1) };
        let count = lo
            .iter_days()
            .skip(1)
            .take_while(|d| *d <= hi)
            .filter(|d| cal.is_working_day(*d))
            .count();
        sign * i64::try_from(count).unwrap()
    }

    #[test]
    fn the_plain_week_works_monday_to_friday() {
        let cal = Calendar::new();
        assert!(cal.is_working_day(day(2030, 9, 30))); // Monday
        assert!(cal.is_working_day(day(2030, 10, 4))); // Friday
        assert!(!cal.is_working_day(day(2030, 10, 5))); // Saturday
        assert!(!cal.is_working_day(day(2030, 10, 6))); // Sunday
        assert_eq!(cal.add_working_days(day(2030, 10, 4), 1), day(2030, 10, 7));
    }

    #[test]
    fn a_holiday_week_has_no_working_days() {
        let cal = fixture();
        for d in 1..=7 {
            assert!(!cal.is_working_day(day(2030, 10, d)), "2030-10-{d:02}");
        }
        assert_eq!(cal.working_days_between(day(2030, 9, 30), day(2030, 10, 7)), 0);
        assert_eq!(cal.entry(day(2030, 10, 3)), Some((DayKind::Holiday, "国庆节")));
        assert_eq!(cal.entry(day(2030, 10, 8)), None);
    }

    #[test]
    fn a_make_up_saturday_counts_as_a_working_day() {
        let cal = fixture();
        assert!(cal.is_working_day(day(2030, 9, 28)));
        assert!(cal.is_working_day(day(2030, 10, 12)));
        assert!(!cal.is_working_day(day(2030, 10, 13)));
        // Friday 09-27 → Saturday 09-28 is the next working day.
        assert_eq!(cal.add_working_days(day(2030, 9, 27), 1), day(2030, 9, 28));
        // Wed 10-09 .. Sat 10-12: Thu, Fri, Sat.
        assert_eq!(cal.working_days_between(day(2030, 10, 9), day(2030, 10, 12)), 3);
    }

    #[test]
    fn three_working_days_after_the_eve_of_a_holiday_end_after_it() {
        let cal = fixture();
        // Accepted Mon 09-30: the 3 working days are Tue 10-08, Wed 10-09, Thu 10-10.
        assert_eq!(cal.add_working_days(day(2030, 9, 30), 3), day(2030, 10, 10));
        // The plain week would have said Thu 10-03, in the middle of the holiday.
        assert_eq!(Calendar::new().add_working_days(day(2030, 9, 30), 3), day(2030, 10, 3));
    }

    #[test]
    fn zero_working_days_is_today_or_the_next_working_day() {
        let cal = fixture();
        assert_eq!(cal.add_working_days(day(2030, 9, 30), 0), day(2030, 9, 30));
        assert_eq!(cal.add_working_days(day(2030, 10, 1), 0), day(2030, 10, 8));
        assert_eq!(cal.add_working_days(day(2030, 9, 28), 0), day(2030, 9, 28));
    }

    #[test]
    fn ten_working_days_span_the_holiday_and_both_make_up_saturdays() {
        let cal = fixture();
        // From Wed 09-25: Thu 26, Fri 27, Sat 28 (make-up), Mon 30, Tue 10-08, Wed 9, Thu 10,
        // Fri 11, Sat 12 (make-up), Mon 14.
        assert_eq!(cal.add_working_days(day(2030, 9, 25), 10), day(2030, 10, 14));
        assert_eq!(cal.working_days_between(day(2030, 9, 25), day(2030, 10, 14)), 10);
        assert_eq!(Calendar::new().add_working_days(day(2030, 9, 25), 10), day(2030, 10, 9));
    }

    #[test]
    fn thirty_working_days_span_the_holiday() {
        let cal = fixture();
        // 10 working days reach Mon 10-14 (above); 20 more plain weeks' days reach Mon 11-11.
        assert_eq!(cal.add_working_days(day(2030, 9, 25), 30), day(2030, 11, 11));
        assert_eq!(cal.working_days_between(day(2030, 9, 25), day(2030, 11, 11)), 30);
        // The plain week, blind to the holiday's net 3 lost days, would say Wed 11-06.
        assert_eq!(Calendar::new().add_working_days(day(2030, 9, 25), 30), day(2030, 11, 6));
    }

    #[test]
    fn counting_backwards_is_negative() {
        let cal = fixture();
        assert_eq!(cal.working_days_between(day(2030, 10, 14), day(2030, 9, 25)), -10);
        assert_eq!(cal.working_days_between(day(2030, 10, 3), day(2030, 10, 3)), 0);
    }

    #[test]
    fn merging_lets_the_newer_calendar_win() {
        let mut cal = fixture();
        let mut fix = Calendar::new();
        fix.add(day(2030, 10, 7), DayKind::Workday, "更正");
        fix.add(day(2031, 1, 1), DayKind::Holiday, "元旦");
        cal.merge(&fix);
        assert!(cal.is_working_day(day(2030, 10, 7)));
        assert!(!cal.is_working_day(day(2031, 1, 1)));
        assert_eq!(cal.entries().count(), 10);
        let first = cal.entries().next().unwrap();
        assert_eq!(first, (day(2030, 9, 28), DayKind::Workday, "国庆节调休上班"));
    }

    #[test]
    fn the_csv_tolerates_a_bom_crlf_and_spreadsheet_dates() {
        let cal = Calendar::parse_csv(
            "\u{feff}Date, Kind, Name\r\n\r\n2030/10/1 , holiday , 国庆节\r\n2030年9月28日,workday,\r\n",
        )
        .unwrap();
        assert_eq!(cal.entries().count(), 2);
        assert!(!cal.is_working_day(day(2030, 10, 1)));
        assert_eq!(cal.entry(day(2030, 9, 28)), Some((DayKind::Workday, "")));
    }

    #[test]
    fn a_bad_csv_is_refused_naming_the_line() {
        let err = |text: &str| Calendar::parse_csv(text).unwrap_err();
        assert_eq!(err(""), CalendarError::Empty);
        assert_eq!(err("\u{feff}\n  \n").code(), "calendar_empty");
        let e = err("2026-01-01,holiday,元旦\n");
        assert_eq!(e.code(), "calendar_missing_header");
        assert_eq!(e.line(), Some(1));
        let e = err("date,kind,name\n2026-01-01,holiday\n");
        assert_eq!(e, CalendarError::Columns { line: 2, found: 2 });
        assert!(e.to_string().starts_with("line 2:"));
        let e = err("date,kind,name\n2026-01-01,holiday,元旦\n2026-02-30,holiday,x\n");
        assert_eq!(e.code(), "calendar_bad_date");
        assert_eq!(e.line(), Some(3));
        let e = err("date,kind,name\n\n2026-01-01,休,元旦\n");
        assert_eq!(e, CalendarError::BadKind { line: 3, value: "休".into() });
        let e = err("date,kind,name\n2026-01-01,holiday,元旦\n2026/1/1,workday,x\n");
        assert_eq!(e, CalendarError::Duplicate { line: 3, date: day(2026, 1, 1), first: 2 });
        assert_eq!(e.code(), "calendar_duplicate_date");
    }

    #[test]
    fn the_official_2026_schedule_parses_and_knows_its_holidays_and_make_up_days() {
        assert!(Calendar::parse_csv(CN_2026).is_ok());
        let cal = official();
        assert_ne!(cal, Calendar::new());
        assert!(!cal.is_working_day(day(2026, 10, 1)));
        assert_eq!(cal.entry(day(2026, 10, 1)), Some((DayKind::Holiday, "国庆节")));
        // Saturday 2026-10-10 is worked in exchange for the National Day week.
        assert_eq!(day(2026, 10, 10).weekday(), Weekday::Sat);
        assert!(cal.is_working_day(day(2026, 10, 10)));
        // Sunday 2026-01-04 likewise for New Year.
        assert!(cal.is_working_day(day(2026, 1, 4)));
        // Mon 2026-02-16 falls in the Spring Festival holiday.
        assert!(!cal.is_working_day(day(2026, 2, 16)));
        for (date, kind, name) in cal.entries() {
            assert_eq!(date.year(), 2026);
            assert!(!name.is_empty());
            if kind == DayKind::Workday {
                assert!(matches!(date.weekday(), Weekday::Sat | Weekday::Sun));
            }
        }
    }

    /// A made-up 2027 (not the State Council's: tests never guess a real year): 元旦 on
    /// Fri 2027-01-01 with the Saturday after worked, and a run-up holiday on 2026-12-31.
    const MADE_UP_2027: &str = "date,kind,name\n\
        2026-12-31,holiday,元旦\n\
        2027-01-01,holiday,元旦\n\
        2027-01-09,workday,元旦调休上班\n";

    fn loaded_2027() -> YearSchedule {
        YearSchedule::parse_csv(MADE_UP_2027).unwrap()
    }

    #[test]
    fn loading_2027_keeps_the_shipped_2026_spring_festival() {
        // Regression (issue 15): one 2027 row in the database dropped the shipped 2026, and a
        // survey accepted Thu 2026-02-12 fell due on 02-17, inside 春节.
        let cal = Calendar::layered(&[shipped(), &[loaded_2027()]]);
        assert!(!cal.is_working_day(day(2026, 2, 17)));
        assert!(cal.is_working_day(day(2026, 2, 14)), "春节调休上班");
        // Fri 02-13, Sat 02-14 (make-up), then the holiday to 02-23: Tue 02-24.
        assert_eq!(cal.add_working_days(day(2026, 2, 12), 3), day(2026, 2, 24));
        assert_eq!(Calendar::new().add_working_days(day(2026, 2, 12), 3), day(2026, 2, 17));
        assert_eq!(cal.known_years().collect::<Vec<_>>(), vec![2026, 2027]);
        // Every shipped 2026 day is still there, plus the 2027 notice's days.
        assert_eq!(cal.entries().count(), official().entries().count() + 3);
    }

    #[test]
    fn a_deadline_past_the_last_known_year_says_which_year_it_assumed() {
        // Regression (issue 15): accepted Thu 2026-12-03, 30 working days silently counted
        // 元旦 2027 as a working day and fell due on 2027-01-14.
        let cal = official();
        let d = cal.deadline(day(2026, 12, 3), 30);
        assert_eq!(d.due, day(2027, 1, 14));
        assert_eq!(d.assumed_years, vec![2027]);
        assert!(!d.is_certain());
        // Inside the known year nothing is assumed.
        let d = cal.deadline(day(2026, 2, 12), 3);
        assert_eq!((d.due, d.is_certain()), (day(2026, 2, 24), true));
        // Once 2027 is loaded the date moves past its holidays and is certain.
        let cal = Calendar::layered(&[shipped(), &[loaded_2027()]]);
        let d = cal.deadline(day(2026, 12, 3), 30);
        // 12-31 and 01-01 are off, Sat 01-09 is worked: one day later, Fri 01-15, and known.
        assert_eq!(d.due, day(2027, 1, 15));
        assert!(d.is_certain());
        assert_eq!(cal.working_days_between(day(2026, 12, 3), d.due), 30);
        // A deadline that stays in an unknown year is flagged too; zero days counts the start.
        assert_eq!(cal.deadline(day(2028, 3, 1), 2).assumed_years, vec![2028]);
        assert_eq!(official().deadline(day(2026, 12, 31), 0).assumed_years, Vec::<i32>::new());
        assert_eq!(official().deadline(day(2026, 12, 31), 1).assumed_years, vec![2027]);
        assert_eq!(cal.assumed_years(day(2026, 5, 1), day(2029, 1, 1)), vec![2028, 2029]);
    }

    #[test]
    fn a_loaded_year_replaces_that_year_whole_and_nothing_else() {
        // A corrected 2026 (made up: only National Day on 10-01) drops every other shipped day
        // of 2026, and the 2027 loaded beside it stays.
        let fixed = YearSchedule::parse_csv("date,kind,name\n2026-10-01,holiday,国庆节\n").unwrap();
        let cal = Calendar::layered(&[shipped(), &[fixed.clone(), loaded_2027()]]);
        assert!(cal.is_working_day(day(2026, 2, 16)));
        assert!(!cal.is_working_day(day(2026, 10, 1)));
        assert!(!cal.is_working_day(day(2027, 1, 1)));
        // The 2027 notice's run-up day amends 2026 even over a loaded 2026.
        assert!(!cal.is_working_day(day(2026, 12, 31)));
        // A community's year wins over the deployment's, which wins over the shipped one.
        let community =
            YearSchedule::parse_csv("date,kind,name\n2026-10-02,holiday,社区\n").unwrap();
        let cal = Calendar::layered(&[shipped(), &[fixed], &[community]]);
        assert!(cal.is_working_day(day(2026, 10, 1)));
        assert!(!cal.is_working_day(day(2026, 10, 2)));
        assert_eq!(cal.known_years().collect::<Vec<_>>(), vec![2026]);
    }

    #[test]
    fn a_year_file_names_its_year_and_refuses_other_years_and_weekday_make_ups() {
        let s = loaded_2027();
        assert_eq!(s.year, 2027);
        assert_eq!(s.own_days().count(), 2);
        assert_eq!(YearSchedule::parse_csv(&s.to_csv()).unwrap(), s);
        let err = |text: &str| YearSchedule::parse_csv(text).unwrap_err();
        assert_eq!(err("date,kind,name\n"), CalendarError::NoDays);
        assert_eq!(
            err("date,kind,name\n2027-01-01,holiday,元旦\n2026-02-17,holiday,春节\n"),
            CalendarError::OutsideYear { line: 3, date: day(2026, 2, 17), year: 2027 }
        );
        // Mon 2027-01-04 is worked anyway: not a make-up day.
        let e = err("date,kind,name\n2027-01-04,workday,元旦调休上班\n");
        assert_eq!(e, CalendarError::WorkdayOnWeekday { line: 2, date: day(2027, 1, 4) });
        assert_eq!(e.code(), "calendar_workday_on_weekday");
        assert_eq!(shipped().len(), 1);
        assert_eq!(shipped()[0].year, 2026);
    }

    #[test]
    fn kinds_round_trip_through_their_codes() {
        for k in DayKind::ALL {
            assert_eq!(DayKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(serde_json::to_string(&DayKind::Workday).unwrap(), "\"workday\"");
    }

    #[test]
    fn subtracting_working_days_skips_the_spring_festival_and_national_day() {
        let cal = official();
        // 春节 2026: Sat 02-14 worked, 02-15..02-23 off, Tue 02-24 the first day back.
        assert_eq!(cal.sub_working_days(day(2026, 2, 25), 1), day(2026, 2, 24));
        // (02-14, 02-24] holds only 02-24: 02-15..02-23 are the holiday.
        assert_eq!(cal.sub_working_days(day(2026, 2, 24), 1), day(2026, 2, 14));
        assert_eq!(cal.sub_working_days(day(2026, 2, 24), 2), day(2026, 2, 13));
        // 国庆 2026: Thu 10-08 back 1: 10-01..07 off, Wed 09-30 is the working day before.
        assert_eq!(cal.sub_working_days(day(2026, 10, 8), 1), day(2026, 9, 30));
        // Mon 2026-10-12 back 2: Sat 10-10 (make-up) and Fri 10-09.
        assert_eq!(cal.sub_working_days(day(2026, 10, 12), 2), day(2026, 10, 9));
        assert_eq!(cal.sub_working_days(day(2026, 10, 12), 1), day(2026, 10, 10));
        // n = 0 on a holiday: the working day before it.
        assert_eq!(cal.sub_working_days(day(2026, 10, 4), 0), day(2026, 9, 30));
        assert_eq!(cal.sub_working_days(NaiveDate::MIN, 3), NaiveDate::MIN);
    }

    fn calendars() -> impl Strategy<Value = Calendar> {
        prop_oneof![Just(official()), Just(fixture()), Just(Calendar::new())]
    }

    fn dates() -> impl Strategy<Value = NaiveDate> {
        // 2025-09-01 .. 2031-03: both sides of the official year and of the fixture.
        (0u64..2_000).prop_map(|offset| day(2025, 9, 1) + Days::new(offset))
    }

    proptest! {
        #[test]
        fn adding_working_days_lands_on_a_working_day_that_far_away(cal in calendars(), d in dates(), n in 0u32..800) {
            let end = cal.add_working_days(d, n);
            prop_assert!(end >= d);
            if n >= 1 {
                prop_assert!(cal.is_working_day(end));
                prop_assert_eq!(cal.working_days_between(d, end), i64::from(n));
            }
            if cal.is_working_day(d) {
                prop_assert_eq!(cal.working_days_between(d, end), i64::from(n));
            }
            // The day before `end` does not reach: `end` is the first such day.
            if let Some(before) = end.pred_opt().filter(|b| *b >= d && n >= 1) {
                prop_assert_eq!(cal.working_days_between(d, before), i64::from(n) - 1);
            }
        }

        #[test]
        fn subtracting_working_days_leaves_exactly_that_many_after(cal in calendars(), end in dates(), n in 0u32..60) {
            let start = cal.sub_working_days(end, n);
            prop_assert!(start <= end);
            prop_assert!(cal.is_working_day(start));
            if n >= 1 {
                prop_assert_eq!(cal.working_days_between(start, end), i64::from(n));
                // The next working day after `start` would leave one fewer: `start` is the latest.
                let next = cal.add_working_days(start, 1);
                prop_assert!(cal.working_days_between(next, end) < i64::from(n));
            }
            if cal.is_working_day(end) {
                prop_assert_eq!(cal.add_working_days(start, n), end);
            }
        }

        #[test]
        fn counting_agrees_with_walking_day_by_day(cal in calendars(), a in dates(), b in dates()) {
            prop_assert_eq!(cal.working_days_between(a, b), walk_between(&cal, a, b));
            prop_assert_eq!(cal.working_days_between(a, b), -cal.working_days_between(b, a));
        }
    }
}
