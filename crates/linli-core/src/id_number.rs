//! Chinese resident identity numbers (公民身份号码, GB 11643-1999).
//!
//! Residents are identified by their ID number across imports, so a mistyped or
//! Excel-mangled number must be refused at the door with a message a community worker can
//! act on, not stored and later mistaken for a different person. The 18th character is an
//! ISO 7064 MOD 11-2 check digit, which catches every single-digit typo and every swap of
//! two neighbouring digits.

use crate::text::{fold_char, looks_like_scientific, trim_invisible};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use std::str::FromStr;

/// Weights of digits 1-17: 2^(17-i) mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder of the weighted sum mod 11.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Birth dates outside this range are typos (nobody alive was born before 1880), and a
/// wide range keeps the rule from expiring.
fn earliest_birth() -> NaiveDate {
    NaiveDate::from_ymd_opt(1880, 1, 1).unwrap_or(NaiveDate::MIN)
}
fn latest_birth() -> NaiveDate {
    NaiveDate::from_ymd_opt(2100, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// The check character (`0-9` or `X`) for the first 17 digits; `None` unless `first17` is
/// exactly 17 ASCII digits.
pub fn check_digit(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    CHECK_CHARS.get((sum % 11) as usize).copied()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub const ALL: [Gender; 2] = [Gender::Male, Gender::Female];

    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }

    /// What a 性别 column contains: 男/女 (also 男性/女性), male/female, M/F (any case), or
    /// the national-standard codes 1 (male) and 2 (female, GB/T 2261.1).
    pub fn parse(raw: &str) -> Option<Gender> {
        let folded: String = trim_invisible(raw).chars().map(fold_char).collect();
        match folded.to_ascii_lowercase().as_str() {
            "男" | "男性" | "male" | "m" | "1" => Some(Gender::Male),
            "女" | "女性" | "female" | "f" | "2" => Some(Gender::Female),
            _ => None,
        }
    }
}

impl fmt::Display for Gender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a cell is not a valid ID number. Each variant names one thing the worker can fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("the ID number is empty")]
    Empty,
    /// Excel turned the number into `1.10101E+17`; the digits are gone.
    #[error("the ID number was turned into scientific notation (e.g. 1.10101E+17) by Excel")]
    ScientificNotation,
    /// 18 digits ending in `000` with a wrong check digit: Excel keeps only 15 significant
    /// digits of a number, so the last three were zeroed.
    #[error("the ID number ends in 000 and fails its check digit: probably cut by Excel")]
    ExcelTruncated,
    #[error("the ID number has {len} characters instead of 18 (or the old 15)")]
    BadLength { len: usize },
    /// `position` counts characters from 1.
    #[error("the ID number contains `{ch}` at position {position}")]
    BadChar { ch: char, position: usize },
    /// `digits` is the YYYYMMDD part as written.
    #[error("the birth date {digits} in the ID number does not exist")]
    BadBirthDate { digits: String },
    #[error("the check digit (18th character) of the ID number should be {expected}")]
    BadCheckDigit { expected: char },
}

impl IdNumberError {
    /// Stable error code, also the message-catalogue key.
    pub fn code(&self) -> &'static str {
        match self {
            IdNumberError::Empty => "id_empty",
            IdNumberError::ScientificNotation => "id_scientific_notation",
            IdNumberError::ExcelTruncated => "id_excel_truncated",
            IdNumberError::BadLength { .. } => "id_bad_length",
            IdNumberError::BadChar { .. } => "id_bad_char",
            IdNumberError::BadBirthDate { .. } => "id_bad_birth_date",
            IdNumberError::BadCheckDigit { .. } => "id_bad_check_digit",
        }
    }

    /// The message shown to the community worker next to the cell, in plain Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            IdNumberError::Empty => "身份证号不能为空".to_string(),
            IdNumberError::ScientificNotation => "身份证号被Excel改成了科学计数法（如1.10101E+17），请把该列设为“文本”后重新输入".to_string(),
            IdNumberError::ExcelTruncated => "身份证号末三位变成了000，很可能被Excel截断了（Excel只保留15位数字），请把该列设为“文本”后重新输入".to_string(),
            IdNumberError::BadLength { len } => {
                format!("身份证号应为18位（或旧的15位），这里是{len}位")
            }
            IdNumberError::BadChar { ch, position } => {
                format!(
                    "身份证号第{position}位“{}”不对：只能是数字，最后一位可以是X",
                    crate::text::shown_char(*ch)
                )
            }
            IdNumberError::BadBirthDate { digits } => {
                format!("身份证号里的出生日期{digits}不存在，请核对")
            }
            IdNumberError::BadCheckDigit { expected } => {
                format!("身份证号第18位校验码应为{expected}，请核对")
            }
        }
    }
}

/// A valid 18-character ID number: 17 digits and a check character (`0-9` or uppercase `X`).
/// Only [`IdNumber::parse`], [`IdNumber::generate`] and deserializing (which parses) make
/// one, so holding one means the check digit and birth date have been verified.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct IdNumber(String);

impl IdNumber {
    /// Reads an ID number as it arrives from a form or a spreadsheet cell: surrounding
    /// whitespace (including the full-width space) is trimmed, full-width digits and `ｘ`/`x`
    /// become ASCII `0-9`/`X`, and the legacy 15-digit form (issued before 1999, born 19YY)
    /// is converted to 18 digits.
    pub fn parse(raw: &str) -> Result<IdNumber, IdNumberError> {
        let s: String = trim_invisible(raw)
            .chars()
            .map(|c| match fold_char(c) {
                'x' => 'X',
                c => c,
            })
            .collect();
        if s.is_empty() {
            return Err(IdNumberError::Empty);
        }
        if looks_like_scientific(&s) {
            return Err(IdNumberError::ScientificNotation);
        }
        if let Some((i, ch)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_digit() && *c != 'X')
        {
            return Err(IdNumberError::BadChar { ch, position: i + 1 });
        }
        // Only ASCII is left, so byte positions are character positions from here on.
        let len = s.len();
        if len != 15 && len != 18 {
            return Err(IdNumberError::BadLength { len });
        }
        // `X` is only ever the check character, and the 15-digit form has none.
        if let Some(i) = s.bytes().position(|b| b == b'X')
            && (len == 15 || i != 17)
        {
            return Err(IdNumberError::BadChar { ch: 'X', position: i + 1 });
        }
        if len == 15 {
            return Self::from_legacy15(&s);
        }
        birth_date_of(&s[6..14])?;
        let expected = check_digit(&s[..17]).ok_or(IdNumberError::BadLength { len })?;
        if s.ends_with(expected) {
            Ok(IdNumber(s))
        } else if s.ends_with("000") {
            Err(IdNumberError::ExcelTruncated)
        } else {
            Err(IdNumberError::BadCheckDigit { expected })
        }
    }

    /// `RRRRRR YYMMDD SSS` → `RRRRRR 19YYMMDD SSS C`. Legacy numbers were only issued to
    /// people born in the 1900s.
    fn from_legacy15(s: &str) -> Result<IdNumber, IdNumberError> {
        let first17 = format!("{}19{}", &s[..6], &s[6..]);
        birth_date_of(&first17[6..14])?;
        let check = check_digit(&first17).ok_or(IdNumberError::BadLength { len: s.len() })?;
        Ok(IdNumber(format!("{first17}{check}")))
    }

    /// Builds a valid number for demo and test data: `region` (6 digits), the birth date,
    /// `sequence` (0..=99) as digits 15-16, then `1` for a man or `2` for a woman as the
    /// 17th digit, then the check character. `None` if an argument is out of range.
    pub fn generate(
        region: &str,
        birth: NaiveDate,
        sequence: u16,
        gender: Gender,
    ) -> Option<IdNumber> {
        if region.len() != 6 || !region.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if sequence > 99 || birth < earliest_birth() || birth > latest_birth() {
            return None;
        }
        let gender_digit = match gender {
            Gender::Male => 1,
            Gender::Female => 2,
        };
        let first17 = format!("{region}{}{sequence:02}{gender_digit}", birth.format("%Y%m%d"));
        let check = check_digit(&first17)?;
        Some(IdNumber(format!("{first17}{check}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        // Verified on construction; the fallback is unreachable.
        birth_date_of(&self.0[6..14]).unwrap_or(NaiveDate::MIN)
    }

    /// The 17th digit: odd for men, even for women.
    pub fn gender(&self) -> Gender {
        let digit = self.0.as_bytes().get(16).copied().unwrap_or(b'0');
        if (digit - b'0') % 2 == 1 { Gender::Male } else { Gender::Female }
    }

    /// Age in full years (周岁) on `date`: the birthday itself counts (someone born on
    /// 1990-03-07 is 30 on 2020-03-07), someone born on 29 February turns a year older on
    /// 1 March in common years, and dates before the birth give 0.
    pub fn age_on(&self, date: NaiveDate) -> u32 {
        let birth = self.birth_date();
        if date <= birth {
            return 0;
        }
        let years = date.year() - birth.year();
        let before_birthday = (date.month(), date.day()) < (birth.month(), birth.day());
        u32::try_from(years - i32::from(before_birthday)).unwrap_or(0)
    }

    /// The 6-digit administrative division code of the place of first registration
    /// (GB/T 2260), e.g. `110101` for Dongcheng, Beijing.
    pub fn region(&self) -> &str {
        &self.0[..6]
    }

    /// The last four characters, which residents use to confirm who they are.
    pub fn last4(&self) -> &str {
        &self.0[14..]
    }

    /// `**************1234`, for lists, logs and audit records.
    pub fn masked(&self) -> String {
        crate::mask::mask_id_number(&self.0)
    }
}

/// `YYYYMMDD` → the date, if it exists and lies in the accepted range.
fn birth_date_of(digits: &str) -> Result<NaiveDate, IdNumberError> {
    let bad = || IdNumberError::BadBirthDate { digits: digits.to_string() };
    let num = |r: std::ops::Range<usize>| digits.get(r).and_then(|s| s.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(4..6), num(6..8)) else {
        return Err(bad());
    };
    let date =
        i32::try_from(y).ok().and_then(|y| NaiveDate::from_ymd_opt(y, m, d)).ok_or_else(bad)?;
    if date < earliest_birth() || date > latest_birth() {
        return Err(bad());
    }
    Ok(date)
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for IdNumber {
    type Err = IdNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IdNumber::parse(s)
    }
}

impl AsRef<str> for IdNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Deserializing validates like [`IdNumber::parse`], so a JSON body cannot smuggle in an
/// unchecked number.
impl<'de> Deserialize<'de> for IdNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        IdNumber::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A real-format number: Dongcheng, 1990-03-07, check digit computed.
    const SAMPLE: &str = "11010119900307125X";

    #[test]
    fn the_check_digit_follows_iso_7064_mod_11_2() {
        // The example printed in GB 11643-1999 itself.
        assert_eq!(check_digit("11010519491231002"), Some('X'));
        assert_eq!(check_digit("1101011990030766"), None);
        assert_eq!(check_digit("1101011990030766a"), None);
        assert_eq!(check_digit(SAMPLE.get(..17).unwrap()), Some('X'));
    }

    #[test]
    fn a_valid_number_parses_and_tells_birth_date_gender_region_and_last_four() {
        let id = IdNumber::parse(SAMPLE).unwrap();
        assert_eq!(id.as_str(), SAMPLE);
        assert_eq!(id.birth_date(), date(1990, 3, 7));
        assert_eq!(id.gender(), Gender::Male);
        assert_eq!(id.region(), "110101");
        assert_eq!(id.last4(), "125X");
        assert_eq!(id.masked(), "**************125X");
        assert_eq!(id.to_string(), SAMPLE);
    }

    #[test]
    fn whitespace_full_width_digits_and_a_lowercase_x_are_accepted() {
        let want = IdNumber::parse(SAMPLE).unwrap();
        assert_eq!(IdNumber::parse("  11010119900307125x\t").unwrap(), want);
        assert_eq!(
            IdNumber::parse("\u{3000}１１０１０１１９９００３０７１２５Ｘ\u{3000}").unwrap(),
            want
        );
        assert_eq!(IdNumber::parse("１１０１０１１９９００３０７１２５ｘ").unwrap(), want);
    }

    #[test]
    fn an_empty_cell_is_refused_as_empty() {
        assert_eq!(IdNumber::parse(""), Err(IdNumberError::Empty));
        assert_eq!(IdNumber::parse(" \u{3000} "), Err(IdNumberError::Empty));
    }

    #[test]
    fn excel_scientific_notation_is_refused_with_its_own_error() {
        for s in ["1.10101E+17", "1.10101e17", "1.10101E17", " 1.10101E+17 "] {
            let err = IdNumber::parse(s).unwrap_err();
            assert_eq!(err, IdNumberError::ScientificNotation, "{s}");
            assert_eq!(err.code(), "id_scientific_notation");
        }
        assert!(IdNumberError::ScientificNotation.message_zh().contains("科学计数法"));
    }

    #[test]
    fn a_number_whose_last_three_digits_excel_zeroed_is_called_truncated() {
        let err = IdNumber::parse("110101199003078000").unwrap_err();
        assert_eq!(err, IdNumberError::ExcelTruncated);
        assert_eq!(err.code(), "id_excel_truncated");
        assert!(err.message_zh().contains("Excel"));
        assert!(err.message_zh().contains("文本"));
    }

    #[test]
    fn a_number_that_really_ends_in_000_is_accepted() {
        // About one prefix in eleven has check digit 0; find one ending in "00".
        let full = (0..400)
            .map(|n| date(1990, 1, 1) + chrono::Duration::days(n))
            .map(|d| format!("110101{}100", d.format("%Y%m%d")))
            .map(|first17| format!("{first17}{}", check_digit(&first17).unwrap()))
            .find(|full| full.ends_with("000"))
            .unwrap();
        assert_eq!(IdNumber::parse(&full).unwrap().as_str(), full);
    }

    #[test]
    fn a_wrong_length_is_refused_with_the_length_found() {
        let err = IdNumber::parse("11010119900307125").unwrap_err();
        assert_eq!(err, IdNumberError::BadLength { len: 17 });
        assert_eq!(err.code(), "id_bad_length");
        assert_eq!(err.message_zh(), "身份证号应为18位（或旧的15位），这里是17位");
        assert_eq!(
            IdNumber::parse("1101011990030712500"),
            Err(IdNumberError::BadLength { len: 19 })
        );
    }

    #[test]
    fn letters_and_punctuation_are_refused_with_their_position() {
        assert_eq!(
            IdNumber::parse("1101011990-0307125X"),
            Err(IdNumberError::BadChar { ch: '-', position: 11 })
        );
        assert_eq!(IdNumber::parse("张三"), Err(IdNumberError::BadChar { ch: '张', position: 1 }));
        let err = IdNumber::parse("110101 19900307125X").unwrap_err();
        assert_eq!(err.code(), "id_bad_char");
        assert!(err.message_zh().contains("第7位"));
    }

    #[test]
    fn an_x_anywhere_but_the_last_place_is_refused() {
        assert_eq!(
            IdNumber::parse("1101011990030712X3"),
            Err(IdNumberError::BadChar { ch: 'X', position: 17 })
        );
        assert_eq!(
            IdNumber::parse("11010190030712X"),
            Err(IdNumberError::BadChar { ch: 'X', position: 15 })
        );
    }

    #[test]
    fn an_impossible_birth_date_is_refused_before_the_check_digit() {
        let first17 = "11010119900230663";
        let full = format!("{first17}{}", check_digit(first17).unwrap());
        let err = IdNumber::parse(&full).unwrap_err();
        assert_eq!(err, IdNumberError::BadBirthDate { digits: "19900230".into() });
        assert_eq!(err.code(), "id_bad_birth_date");
        assert!(err.message_zh().contains("19900230"));
        for digits in ["18791231", "21010101", "19901301", "19900000"] {
            let first17 = format!("110101{digits}663");
            let full = format!("{first17}{}", check_digit(&first17).unwrap());
            assert_eq!(IdNumber::parse(&full).unwrap_err().code(), "id_bad_birth_date", "{digits}");
        }
    }

    #[test]
    fn the_edges_of_the_birth_date_range_are_accepted() {
        for d in [date(1880, 1, 1), date(2100, 12, 31), date(2000, 2, 29)] {
            let id = IdNumber::generate("110101", d, 1, Gender::Female).unwrap();
            assert_eq!(IdNumber::parse(id.as_str()).unwrap().birth_date(), d);
        }
    }

    #[test]
    fn a_wrong_check_digit_is_refused_with_the_expected_one() {
        let err = IdNumber::parse("110101199003071251").unwrap_err();
        assert_eq!(err, IdNumberError::BadCheckDigit { expected: 'X' });
        assert_eq!(err.code(), "id_bad_check_digit");
        assert_eq!(err.message_zh(), "身份证号第18位校验码应为X，请核对");
    }

    #[test]
    fn the_legacy_15_digit_form_becomes_18_digits_born_in_the_1900s() {
        let id = IdNumber::parse("110101900307125").unwrap();
        assert_eq!(id.as_str(), SAMPLE);
        assert_eq!(id.birth_date(), date(1990, 3, 7));
        assert_eq!(IdNumber::parse("110101900230663").unwrap_err().code(), "id_bad_birth_date");
    }

    #[test]
    fn the_seventeenth_digit_decides_gender() {
        let woman = IdNumber::generate("110101", date(1985, 1, 31), 7, Gender::Female).unwrap();
        assert_eq!(woman.gender(), Gender::Female);
        assert_eq!(woman.as_str().get(14..17), Some("072"));
        let man = IdNumber::generate("110101", date(1985, 1, 31), 7, Gender::Male).unwrap();
        assert_eq!(man.gender(), Gender::Male);
    }

    #[test]
    fn age_counts_full_years_and_the_birthday_itself() {
        let id = IdNumber::parse(SAMPLE).unwrap();
        assert_eq!(id.age_on(date(2020, 3, 6)), 29);
        assert_eq!(id.age_on(date(2020, 3, 7)), 30);
        assert_eq!(id.age_on(date(2020, 12, 31)), 30);
        assert_eq!(id.age_on(date(1990, 3, 7)), 0);
        assert_eq!(id.age_on(date(1980, 1, 1)), 0, "before birth");
    }

    #[test]
    fn someone_born_on_29_february_turns_older_on_1_march_in_common_years() {
        let id = IdNumber::generate("110101", date(2000, 2, 29), 1, Gender::Male).unwrap();
        assert_eq!(id.age_on(date(2001, 2, 28)), 0);
        assert_eq!(id.age_on(date(2001, 3, 1)), 1);
        assert_eq!(id.age_on(date(2004, 2, 29)), 4);
    }

    #[test]
    fn generate_refuses_out_of_range_arguments() {
        let d = date(1990, 1, 1);
        assert!(IdNumber::generate("11010", d, 1, Gender::Male).is_none());
        assert!(IdNumber::generate("11010a", d, 1, Gender::Male).is_none());
        assert!(IdNumber::generate("110101", d, 100, Gender::Male).is_none());
        assert!(IdNumber::generate("110101", date(1879, 12, 31), 1, Gender::Male).is_none());
        assert!(IdNumber::generate("110101", d, 99, Gender::Male).is_some());
    }

    #[test]
    fn an_id_number_serializes_as_a_plain_string_and_deserializes_only_if_valid() {
        let id = IdNumber::parse(SAMPLE).unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{SAMPLE}\""));
        let back: IdNumber = serde_json::from_str(&format!("\"{SAMPLE}\"")).unwrap();
        assert_eq!(back, id);
        assert!(serde_json::from_str::<IdNumber>("\"110101199003071251\"").is_err());
    }

    #[test]
    fn every_error_has_a_distinct_code_and_a_chinese_message() {
        let errors = [
            IdNumberError::Empty,
            IdNumberError::ScientificNotation,
            IdNumberError::ExcelTruncated,
            IdNumberError::BadLength { len: 3 },
            IdNumberError::BadChar { ch: 'a', position: 1 },
            IdNumberError::BadBirthDate { digits: "19900230".into() },
            IdNumberError::BadCheckDigit { expected: '1' },
        ];
        let codes: std::collections::HashSet<_> = errors.iter().map(|e| e.code()).collect();
        assert_eq!(codes.len(), errors.len());
        for e in &errors {
            assert!(e.code().starts_with("id_"));
            assert!(e.message_zh().starts_with("身份证号"), "{}", e.message_zh());
        }
    }

    #[test]
    fn gender_cells_are_read_in_chinese_english_letters_and_codes() {
        for s in ["男", " 男性 ", "male", "Male", "M", "m", "1", "１"] {
            assert_eq!(Gender::parse(s), Some(Gender::Male), "{s}");
        }
        for s in ["女", "女性", "female", "FEMALE", "F", "f", "2"] {
            assert_eq!(Gender::parse(s), Some(Gender::Female), "{s}");
        }
        for s in ["", "未知", "0", "3", "x"] {
            assert_eq!(Gender::parse(s), None, "{s}");
        }
        for g in Gender::ALL {
            assert_eq!(Gender::parse(g.as_str()), Some(g));
            assert_eq!(Gender::parse(g.label_zh()), Some(g));
        }
        assert_eq!(Gender::Male.label_zh(), "男");
        assert_eq!(Gender::Female.as_str(), "female");
    }

    fn valid_id() -> impl Strategy<Value = IdNumber> {
        (
            "[1-8][0-9]{5}",
            -29_000i64..=51_000,
            0u16..=99,
            prop_oneof![Just(Gender::Male), Just(Gender::Female)],
        )
            .prop_map(|(region, offset, seq, gender)| {
                let birth = date(1960, 1, 1) + chrono::Duration::days(offset);
                IdNumber::generate(&region, birth, seq, gender).unwrap()
            })
    }

    proptest! {
        #[test]
        fn every_generated_number_parses_back_to_itself(
            region in "[0-9]{6}",
            offset in 0i64..=80_000,
            seq in 0u16..=99,
            male in any::<bool>(),
        ) {
            let birth = date(1880, 1, 1) + chrono::Duration::days(offset);
            let gender = if male { Gender::Male } else { Gender::Female };
            let id = IdNumber::generate(&region, birth, seq, gender).unwrap();
            let parsed = IdNumber::parse(id.as_str()).unwrap();
            prop_assert_eq!(&parsed, &id);
            prop_assert_eq!(parsed.birth_date(), birth);
            prop_assert_eq!(parsed.gender(), gender);
            prop_assert_eq!(parsed.region(), region.as_str());
        }

        #[test]
        fn changing_any_single_character_makes_a_valid_number_fail(
            id in valid_id(),
            position in 0usize..18,
            replacement in prop::sample::select(vec!['0','1','2','3','4','5','6','7','8','9','X']),
        ) {
            let mut chars: Vec<char> = id.as_str().chars().collect();
            prop_assume!(chars[position] != replacement);
            chars[position] = replacement;
            let changed: String = chars.into_iter().collect();
            prop_assert!(IdNumber::parse(&changed).is_err(), "{} accepted", changed);
        }

        #[test]
        fn the_15_digit_form_of_a_1900s_number_converts_back_to_it(
            region in "[0-9]{6}",
            offset in 0i64..36_524,
            seq in 0u16..=99,
            male in any::<bool>(),
        ) {
            let birth = date(1900, 1, 1) + chrono::Duration::days(offset);
            let gender = if male { Gender::Male } else { Gender::Female };
            let id = IdNumber::generate(&region, birth, seq, gender).unwrap();
            let s = id.as_str();
            let legacy = format!("{}{}", &s[..6], &s[8..17]);
            prop_assert_eq!(legacy.len(), 15);
            prop_assert_eq!(IdNumber::parse(&legacy).unwrap(), id);
        }

        #[test]
        fn the_full_width_spelling_parses_to_the_same_number(id in valid_id(), pad in 0usize..3) {
            let wide: String = id
                .as_str()
                .chars()
                .map(|c| char::from_u32(u32::from(c) + 0xFEE0).unwrap())
                .collect();
            let padded = format!("{0}{wide}{0}", "\u{3000}".repeat(pad));
            prop_assert_eq!(IdNumber::parse(&padded).unwrap(), id);
        }
    }
}
