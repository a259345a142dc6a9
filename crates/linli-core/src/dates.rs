//! Dates as Chinese spreadsheets contain them.
//!
//! A birth-date column typed by hand holds `2019-12-05`, `2019/12/5`, `2019.12.05`,
//! `2019年12月5日`, `20191205`, full-width digits, and, when the cell was formatted as a date,
//! a time part or Excel's day number (`43804`). All of these mean the same day, so an import
//! should not make the worker retype them; anything else is refused rather than guessed.

use crate::text::{fold_width, trim_invisible};
use chrono::{Duration, NaiveDate};

/// Excel day numbers accepted: up to 80000 (the year 2119). Larger numbers in a date column
/// are not dates at all.
const MAX_SERIAL: u32 = 80_000;

/// Bare numbers in this range are read as years, never as Excel day numbers: `1990` in a
/// 出生年月 column means the year, not 1905-06-13. (The day numbers it hides all fall in 1905.)
const YEAR_LIKE: std::ops::RangeInclusive<u32> = 1880..=2100;

/// Reads one date cell; `None` if it is not one of the accepted forms or the day does not
/// exist (`2019-02-30`). Year-and-month alone (`2019.12`, `2019年12月`) is refused: the day
/// would be an invention.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let folded = fold_width(raw);
    let s = trim_invisible(&folded);
    let s = strip_time(s);
    let s = s.as_str();
    if s.is_empty() {
        return None;
    }
    if let Some(rest) = s.strip_suffix('日').or_else(|| s.strip_suffix('号')) {
        let (y, rest) = rest.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        return ymd(y, m, d);
    }
    if s.bytes().all(|b| b.is_ascii_digit()) && s.len() == 8 {
        return ymd(&s[..4], &s[4..6], &s[6..]);
    }
    for sep in ['-', '/', '.'] {
        let parts: Vec<&str> = s.split(sep).collect();
        if let [y, m, d] = parts[..] {
            return ymd(y, m, d);
        }
    }
    excel_serial(s)
}

/// `2019-12-05 00:00:00`, `2019/12/5 8:30`, `2019-12-05T00:00:00`: drops a trailing time
/// part (digits, `:` and a fraction), then the spaces people put inside the date
/// (`2019年 1月 5日`). Anything else that follows the date stays and makes it fail.
fn strip_time(s: &str) -> String {
    let looks_like_time = |t: &str| {
        let t = t.trim();
        t.contains(':')
            && t.starts_with(|c: char| c.is_ascii_digit())
            && t.chars().all(|c| c.is_ascii_digit() || c == ':' || c == '.')
    };
    let date = match s.rsplit_once(char::is_whitespace) {
        Some((date, time)) if looks_like_time(time) => date,
        _ => match s.split_once('T') {
            Some((date, time)) if looks_like_time(time) => date,
            _ => s,
        },
    };
    date.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A 4-digit year and a 1-2 digit month and day, all ASCII digits.
fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    let digits = |s: &str, lens: std::ops::RangeInclusive<usize>| {
        (lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let year = i32::try_from(digits(y, 4..=4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(m, 1..=2)?, digits(d, 1..=2)?)
}

/// Excel's 1900 date system: day 1 is 1900-01-01 and, copying a Lotus 1-2-3 bug, day 60 is
/// the non-existent 1900-02-29, so later days are off by one. A fraction is the time of day.
fn excel_serial(s: &str) -> Option<NaiveDate> {
    let (int_part, frac) = s.split_once('.').unwrap_or((s, ""));
    if int_part.is_empty()
        || int_part.len() > 5
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let serial: u32 = int_part.parse().ok()?;
    if serial == 0 || serial == 60 || serial > MAX_SERIAL || YEAR_LIKE.contains(&serial) {
        return None;
    }
    let epoch = if serial < 60 {
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    };
    epoch.checked_add_signed(Duration::days(i64::from(serial)))
}

/// A day as Chinese documents write it (GB/T 9704: Arabic figures, no zero padding):
/// 2026-12-04 → `2026年12月4日`.
pub fn chinese(day: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

/// [`chinese`] for a stored `YYYY-MM-DD`; anything else is returned as it is.
pub fn chinese_text(day: &str) -> String {
    match NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d") {
        Ok(d) => chinese(d),
        Err(_) => day.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_write_days_without_zero_padding() {
        assert_eq!(chinese(date(2026, 12, 4).unwrap()), "2026年12月4日");
        assert_eq!(chinese(date(2026, 1, 1).unwrap()), "2026年1月1日");
        assert_eq!(chinese(date(2026, 10, 31).unwrap()), "2026年10月31日");
        assert_eq!(chinese_text("2011-03-15"), "2011年3月15日");
        assert_eq!(chinese_text("not a day"), "not a day");
    }

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn iso_dates_with_dashes_are_read() {
        assert_eq!(parse_date("2019-12-05"), date(2019, 12, 5));
        assert_eq!(parse_date("2019-1-5"), date(2019, 1, 5));
    }

    #[test]
    fn slashes_and_dots_with_or_without_leading_zeros_are_read() {
        assert_eq!(parse_date("2019/12/5"), date(2019, 12, 5));
        assert_eq!(parse_date("2019/01/05"), date(2019, 1, 5));
        assert_eq!(parse_date("2019.12.05"), date(2019, 12, 5));
        assert_eq!(parse_date("2019.1.5"), date(2019, 1, 5));
    }

    #[test]
    fn chinese_dates_ending_in_ri_or_hao_are_read() {
        assert_eq!(parse_date("2019年12月5日"), date(2019, 12, 5));
        assert_eq!(parse_date("2019年12月05号"), date(2019, 12, 5));
        assert_eq!(parse_date("2019年1月5号"), date(2019, 1, 5));
        assert_eq!(parse_date("2019年 1月 5日"), date(2019, 1, 5));
    }

    #[test]
    fn eight_digits_are_read_as_yyyymmdd() {
        assert_eq!(parse_date("20191205"), date(2019, 12, 5));
        assert_eq!(parse_date("19900307"), date(1990, 3, 7));
        assert_eq!(parse_date("20191305"), None);
    }

    #[test]
    fn full_width_digits_and_surrounding_spaces_are_accepted() {
        assert_eq!(parse_date("２０１９－１２－０５"), date(2019, 12, 5));
        assert_eq!(parse_date("\u{3000}２０１９年１２月５日 "), date(2019, 12, 5));
        assert_eq!(parse_date("  2019/12/5\t"), date(2019, 12, 5));
        assert_eq!(parse_date("２０１９１２０５"), date(2019, 12, 5));
    }

    #[test]
    fn a_trailing_time_part_is_dropped() {
        assert_eq!(parse_date("2019-12-05 00:00:00"), date(2019, 12, 5));
        assert_eq!(parse_date("2019/12/5 8:30"), date(2019, 12, 5));
        assert_eq!(parse_date("2019-12-05T00:00:00"), date(2019, 12, 5));
        assert_eq!(parse_date("2019-12-05 00:00:00.000"), date(2019, 12, 5));
        assert_eq!(parse_date("2019年12月5日 10:00"), date(2019, 12, 5));
        assert_eq!(parse_date("2019-12-05 上午"), None);
        assert_eq!(parse_date("2019-12-05 ok"), None);
    }

    #[test]
    fn excel_day_numbers_are_read_in_the_1900_date_system() {
        assert_eq!(parse_date("43804"), date(2019, 12, 5));
        assert_eq!(parse_date("43804.0"), date(2019, 12, 5));
        assert_eq!(parse_date("43804.75"), date(2019, 12, 5), "time of day");
        assert_eq!(parse_date("1"), date(1900, 1, 1));
        assert_eq!(parse_date("59"), date(1900, 2, 28));
        assert_eq!(parse_date("61"), date(1900, 3, 1));
        assert_eq!(parse_date("32874"), date(1990, 1, 1));
        assert_eq!(parse_date("80000"), date(2119, 1, 11));
    }

    #[test]
    fn excels_fake_29_february_1900_and_implausible_day_numbers_are_refused() {
        assert_eq!(parse_date("60"), None);
        assert_eq!(parse_date("0"), None);
        assert_eq!(parse_date("80001"), None);
        assert_eq!(parse_date("2958465"), None);
        assert_eq!(parse_date("-5"), None);
        assert_eq!(parse_date("43804x"), None);
        assert_eq!(parse_date(".5"), None);
    }

    #[test]
    fn a_bare_year_or_year_and_month_is_not_mistaken_for_a_day_number() {
        assert_eq!(parse_date("1990"), None);
        assert_eq!(parse_date("2019"), None);
        assert_eq!(parse_date("1990.03"), None);
        assert_eq!(parse_date("2019.12"), None);
        assert_eq!(parse_date("2019-12"), None);
        assert_eq!(parse_date("2019年12月"), None);
    }

    #[test]
    fn impossible_days_and_other_text_are_refused() {
        assert_eq!(parse_date("2019-02-30"), None);
        assert_eq!(parse_date("2019-02-29"), None);
        assert_eq!(parse_date("2020-02-29"), date(2020, 2, 29));
        assert_eq!(parse_date("2019年2月30日"), None);
        assert_eq!(parse_date("19-12-05"), None);
        assert_eq!(parse_date("05/12/2019"), None);
        assert_eq!(parse_date("2019-12-5-1"), None);
        assert_eq!(parse_date("2019/12-05"), None);
        assert_eq!(parse_date("二〇一九年十二月五日"), None);
        assert_eq!(parse_date("不详"), None);
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_date("   "), None);
    }
}
