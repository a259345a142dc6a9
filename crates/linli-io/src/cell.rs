//! A spreadsheet cell's value as the text a person sees in Excel.

use crate::text::clean;
use calamine::{Data, ExcelDateTime};

pub(crate) fn data_text(v: &Data) -> String {
    match v {
        Data::Empty => String::new(),
        Data::String(s) => clean(s).to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => bool_text(*b),
        Data::DateTime(d) => datetime_text(d),
        Data::DateTimeIso(s) | Data::DurationIso(s) => clean(s).to_owned(),
        Data::Error(e) => e.to_string(),
    }
}

pub(crate) fn bool_text(b: bool) -> String {
    if b { "TRUE" } else { "FALSE" }.to_owned()
}

/// Whole numbers without `.0`. From 1e15 up, all the integer digits Excel shows (never
/// scientific notation): an 18-digit ID number that Excel stored as a number comes back as
/// e.g. `110101199003078000`, its last three digits zeros, which the ID check then rejects.
/// Other fractions are rounded to the 15 significant digits Excel shows, so `0.1+0.2` reads
/// `0.3`.
pub(crate) fn float_text(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f == 0.0 {
        return "0".to_owned();
    }
    if f.abs() >= 1e15 {
        return excel_integer_digits(f);
    }
    if f.fract() == 0.0 {
        return format!("{f:.0}");
    }
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    rounded.to_string()
}

/// A number of 1e15 or more as Excel shows it in the formula bar: 15 significant digits, then
/// zeros (`2.3100219720305E+17` → `231002197203050000`), never scientific notation.
fn excel_integer_digits(f: f64) -> String {
    let sci = format!("{:.14e}", f.abs());
    let Some((mantissa, exponent)) = sci.split_once('e') else {
        return format!("{f:.0}");
    };
    let Ok(exponent) = exponent.parse::<usize>() else {
        return format!("{f:.0}");
    };
    let mut out = String::with_capacity(exponent + 2);
    if f < 0.0 {
        out.push('-');
    }
    out.extend(mantissa.chars().filter(char::is_ascii_digit));
    for _ in 14..exponent {
        out.push('0');
    }
    out
}

/// Dates as `YYYY-MM-DD`; with a time of day `YYYY-MM-DD HH:MM:SS`; a time alone (serial below
/// one day) `HH:MM:SS`; a duration `H:MM:SS` with as many hours as it takes.
pub(crate) fn datetime_text(d: &ExcelDateTime) -> String {
    let serial = d.as_f64();
    if d.is_duration() {
        let total = (serial * 86_400.0).round();
        let (sign, total) = if total < 0.0 { ("-", -total) } else { ("", total) };
        // Bounded: f64 to u64 saturates, and no duration in a roster is that long.
        let total = total as u64;
        return format!("{sign}{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
    }
    let (y, m, day, hh, mm, ss, _ms) = d.to_ymd_hms_milli();
    if (0.0..1.0).contains(&serial) {
        format!("{hh:02}:{mm:02}:{ss:02}")
    } else if hh == 0 && mm == 0 && ss == 0 {
        format!("{y:04}-{m:02}-{day:02}")
    } else {
        format!("{y:04}-{m:02}-{day:02} {hh:02}:{mm:02}:{ss:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTimeType};

    #[test]
    fn numbers() {
        assert_eq!(float_text(1.0), "1");
        assert_eq!(float_text(-0.0), "0");
        assert_eq!(float_text(13845301234.0), "13845301234");
        assert_eq!(float_text(0.1 + 0.2), "0.3");
        assert_eq!(float_text(3.25), "3.25");
        assert_eq!(float_text(-1.5), "-1.5");
        // What Excel keeps of an ID number typed as a number: 15 significant digits.
        assert_eq!(float_text(1.10101199003078e17), "110101199003078000");
        assert_eq!(float_text(2.31002197203050e17), "231002197203050000");
        // Beyond 15 digits, what Excel shows: 15 significant digits and zeros.
        assert_eq!(float_text(1234567890123456.0), "1234567890123460");
        assert_eq!(float_text(231002197203050314.0), "231002197203050000");
        assert_eq!(float_text(-1e15), "-1000000000000000");
        assert_eq!(float_text(1e20), "100000000000000000000");
        assert_eq!(float_text(f64::NAN), "NaN");
    }

    #[test]
    fn dates_and_times() {
        let dt = |v| ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false);
        assert_eq!(datetime_text(&dt(26363.0)), "1972-03-05");
        assert_eq!(datetime_text(&dt(45943.5)), "2025-10-13 12:00:00");
        assert_eq!(datetime_text(&dt(0.75)), "18:00:00");
        let d1904 = ExcelDateTime::new(0.0 + 1.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(datetime_text(&d1904), "1904-01-02");
        let dur = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(datetime_text(&dur), "36:00:00");
    }

    #[test]
    fn other_values() {
        assert_eq!(data_text(&Data::Bool(true)), "TRUE");
        assert_eq!(data_text(&Data::Error(CellErrorType::NA)), "#N/A");
        assert_eq!(data_text(&Data::String("  杨静 ".into())), "杨静");
        assert_eq!(data_text(&Data::Int(42)), "42");
    }
}
