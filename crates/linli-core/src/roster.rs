//! Reading the residents rosters (花名册) that community workers keep in Excel or CSV.
//!
//! Every community words its headers and cells a little differently (`身份证号码（必填）`,
//! `3栋` or `三号楼`, `13812345678/13912345678`). These rules map them onto one vocabulary so
//! an import neither duplicates a building nor stores a phone number Excel already mangled.

use crate::text::{
    fold_char, fold_width, is_hidden, is_invisible, looks_like_scientific, trim_invisible,
};
use serde::{Deserialize, Serialize};

code_enum!(
    /// Where a resident stands in the registry. Only active residents are counted and listed
    /// by default; an anonymized record keeps no personal data.
    ResidentStatus {
        Active => "active", "在册",
        MovedAway => "moved_away", "已迁出",
        Deceased => "deceased", "已故",
        Anonymized => "anonymized", "已匿名",
    }
);

/// A column of the roster that Linli understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RosterField {
    Name,
    IdNumber,
    Gender,
    BirthDate,
    Phone,
    Building,
    Unit,
    Household,
    Relation,
    PoliticalStatus,
    Tags,
    Notes,
}

impl RosterField {
    pub const ALL: [RosterField; 12] = [
        RosterField::Name,
        RosterField::IdNumber,
        RosterField::Gender,
        RosterField::BirthDate,
        RosterField::Phone,
        RosterField::Building,
        RosterField::Unit,
        RosterField::Household,
        RosterField::Relation,
        RosterField::PoliticalStatus,
        RosterField::Tags,
        RosterField::Notes,
    ];

    /// Stable code, used in import mappings and error reports.
    pub fn code(self) -> &'static str {
        match self {
            RosterField::Name => "name",
            RosterField::IdNumber => "id_number",
            RosterField::Gender => "gender",
            RosterField::BirthDate => "birth_date",
            RosterField::Phone => "phone",
            RosterField::Building => "building",
            RosterField::Unit => "unit",
            RosterField::Household => "household",
            RosterField::Relation => "relation",
            RosterField::PoliticalStatus => "political_status",
            RosterField::Tags => "tags",
            RosterField::Notes => "notes",
        }
    }

    /// The header Linli writes in templates and exports.
    pub fn label_zh(self) -> &'static str {
        match self {
            RosterField::Name => "姓名",
            RosterField::IdNumber => "身份证号",
            RosterField::Gender => "性别",
            RosterField::BirthDate => "出生日期",
            RosterField::Phone => "联系电话",
            RosterField::Building => "楼栋",
            RosterField::Unit => "单元",
            RosterField::Household => "户号",
            RosterField::Relation => "与户主关系",
            RosterField::PoliticalStatus => "政治面貌",
            RosterField::Tags => "标签",
            RosterField::Notes => "备注",
        }
    }

    fn synonyms(self) -> &'static [&'static str] {
        match self {
            RosterField::Name => &["姓名", "名字", "居民姓名"],
            RosterField::IdNumber => {
                &["身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证"]
            }
            RosterField::Gender => &["性别"],
            RosterField::BirthDate => &["出生日期", "出生年月", "生日"],
            RosterField::Phone => &["联系电话", "电话", "手机", "手机号", "手机号码", "联系方式"],
            RosterField::Building => &["楼栋", "楼号", "楼栋号", "栋", "楼"],
            RosterField::Unit => &["单元", "单元号"],
            RosterField::Household => &["户号", "门牌号", "房号", "房间号", "门牌"],
            RosterField::Relation => &["与户主关系", "关系", "户主关系"],
            RosterField::PoliticalStatus => &["政治面貌"],
            RosterField::Tags => &["标签", "人员类别", "类别", "特殊人群"],
            RosterField::Notes => &["备注", "说明"],
        }
    }
}

/// Removes what decorates a header without changing its meaning: spaces of any width
/// (also inside: `姓 名`), `*` required markers, a trailing colon, and bracketed notes in any
/// bracket style (`身份证号（必填）`, `出生日期[yyyy-mm-dd]`, `电话【手机】`).
fn bare_header(h: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in h.chars().map(fold_char) {
        match c {
            '(' | '[' | '【' | '〔' | '{' => depth += 1,
            ')' | ']' | '】' | '〕' | '}' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            '*' | '※' => {}
            c if is_invisible(c) => {}
            c => out.push(c),
        }
    }
    out.trim_end_matches([':', '：']).to_string()
}

/// Which field a header names, or `None` for a column Linli does not import (`序号`).
/// A header naming one field twice (`电话/手机`) is understood too.
pub fn map_header(h: &str) -> Option<RosterField> {
    let bare = bare_header(h);
    let find = |s: &str| RosterField::ALL.into_iter().find(|f| f.synonyms().contains(&s));
    if let Some(f) = find(&bare) {
        return Some(f);
    }
    let mut parts = bare.split(['/', '、', '|']).filter(|p| !p.is_empty());
    let first = find(parts.next()?)?;
    parts.all(|p| find(p) == Some(first)).then_some(first)
}

/// `3`, `03`, `３`, `三`, `二十一`: a number from 1 to 9999 in digits (any width), or from 1
/// to 99 in Chinese numerals.
fn small_number(s: &str) -> Option<u32> {
    if !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok().filter(|n| *n > 0);
    }
    let digit = |c: char| "一二三四五六七八九".chars().position(|d| d == c);
    let chars: Vec<char> = s.chars().collect();
    let value = match chars[..] {
        ['十'] => 10,
        [d] => digit(d)? + 1,
        ['十', d] => 10 + digit(d)? + 1,
        [t, '十'] => (digit(t)? + 1) * 10,
        [t, '十', d] => (digit(t)? + 1) * 10 + digit(d)? + 1,
        _ => return None,
    };
    u32::try_from(value).ok()
}

/// Splits `raw` (already folded and without spaces) into a number and the suffix that
/// follows it; a leading `第` is allowed.
fn numbered(s: &str) -> Option<(u32, &str)> {
    let s = s.strip_prefix('第').unwrap_or(s);
    let split = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || "一二三四五六七八九十".contains(*c)))
        .map_or(s.len(), |(i, _)| i);
    let (num, suffix) = s.split_at(split);
    Some((small_number(num)?, suffix))
}

/// Folds the ways one building is written into `N号楼`: `3`, `3栋`, `3号楼`, `3号`, `3幢`,
/// `3#`, `3#楼`, `３号楼`, `三号楼`, `第3栋`. Names that are not a plain number (`综合楼`,
/// `A座`, and `3楼`, which may mean the third floor) are kept as written, trimmed. `None`
/// for an empty cell.
pub fn normalize_building(raw: &str) -> Option<String> {
    let trimmed = trim_invisible(raw);
    if trimmed.is_empty() {
        return None;
    }
    let compact: String = fold_width(trimmed).chars().filter(|c| !c.is_whitespace()).collect();
    match numbered(&compact) {
        Some((n, "" | "栋" | "号楼" | "号" | "幢" | "#" | "#楼" | "号栋" | "栋楼")) => {
            Some(format!("{n}号楼"))
        }
        _ => Some(trimmed.to_string()),
    }
}

/// Folds the ways one unit is written into `N单元`: `1`, `1单元`, `一单元`, `1门`, `１单元`,
/// `第一单元`. Anything else is kept as written, trimmed; `None` for an empty cell.
pub fn normalize_unit(raw: &str) -> Option<String> {
    let trimmed = trim_invisible(raw);
    if trimmed.is_empty() {
        return None;
    }
    let compact: String = fold_width(trimmed).chars().filter(|c| !c.is_whitespace()).collect();
    match numbered(&compact) {
        Some((n, "" | "单元" | "门" | "单元门")) => Some(format!("{n}单元")),
        _ => Some(trimmed.to_string()),
    }
}

/// `低保户、独居老人，残疾人` → three tags. Separators: `、` `,` `，` `;` `；` `/` `／` and
/// whitespace of any width. Empty pieces are dropped, repeats kept once, in first-seen order.
pub fn split_tags(raw: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for piece in raw.split(|c: char| {
        matches!(c, '、' | ',' | '，' | ';' | '；' | '/' | '／') || is_invisible(c)
    }) {
        if !piece.is_empty() && !tags.iter().any(|t| t == piece) {
            tags.push(piece.to_string());
        }
    }
    tags
}

/// A resident's relation to the head of their household (与户主关系).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Head,
    Spouse,
    Child,
    Parent,
    Other,
}

impl Relation {
    pub const ALL: [Relation; 5] =
        [Relation::Head, Relation::Spouse, Relation::Child, Relation::Parent, Relation::Other];

    /// Reads a 与户主关系 cell (or one of the codes of [`Relation::as_str`]). Grandchildren,
    /// in-laws and the like are [`Relation::Other`]; `None` only for an empty cell.
    pub fn parse(raw: &str) -> Option<Relation> {
        let s: String = raw.chars().filter(|c| !is_invisible(*c)).collect();
        if s.is_empty() {
            return None;
        }
        if let Some(r) = Relation::ALL.into_iter().find(|r| r.as_str() == s) {
            return Some(r);
        }
        const HEAD: &[&str] = &["户主", "本人", "户主本人"];
        const SPOUSE: &[&str] = &["配偶", "妻", "夫", "妻子", "丈夫", "爱人", "夫妻"];
        const PARENT: &[&str] = &["父", "母", "父亲", "母亲", "父母", "爸爸", "妈妈"];
        const CHILD: &[&str] = &["子", "女", "儿", "儿子", "女儿", "子女", "独子", "独女"];
        // 长子, 次女, 三子, 养女, 继子 …
        const CHILD_PREFIX: &str = "长次三四五六七八九幼养继";
        let is_child = CHILD.contains(&s.as_str())
            || matches!(s.chars().collect::<Vec<_>>()[..],
                [p, '子' | '女'] if CHILD_PREFIX.contains(p));
        let r = if HEAD.contains(&s.as_str()) {
            Relation::Head
        } else if SPOUSE.contains(&s.as_str()) {
            Relation::Spouse
        } else if is_child {
            Relation::Child
        } else if PARENT.contains(&s.as_str()) {
            Relation::Parent
        } else {
            Relation::Other
        };
        Some(r)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Head => "head",
            Relation::Spouse => "spouse",
            Relation::Child => "child",
            Relation::Parent => "parent",
            Relation::Other => "other",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Relation::Head => "户主",
            Relation::Spouse => "配偶",
            Relation::Child => "子女",
            Relation::Parent => "父母",
            Relation::Other => "其他",
        }
    }
}

/// Why a cell is not a usable phone number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("the phone number is empty")]
    Empty,
    /// Excel turned the number into `1.38123E+10`; the digits are gone.
    #[error("the phone number was turned into scientific notation by Excel")]
    ScientificNotation,
    /// Two numbers in one cell (`13812345678/13912345678`): which one to keep is the
    /// worker's choice, not ours.
    #[error("the cell holds more than one phone number")]
    Several,
    #[error("the phone number contains `{ch}`")]
    BadChar { ch: char },
    /// 11 digits starting with 1 but not 13-19.
    #[error("a mobile number starts with 13 to 19")]
    BadMobile,
    /// Neither an 11-digit mobile nor a landline; `digits` is how many digits there were.
    #[error("the phone number has {digits} digits: neither a mobile nor a landline number")]
    BadFormat { digits: usize },
}

impl PhoneError {
    /// Stable error code, also the message-catalogue key.
    pub fn code(&self) -> &'static str {
        match self {
            PhoneError::Empty => "phone_empty",
            PhoneError::ScientificNotation => "phone_scientific_notation",
            PhoneError::Several => "phone_several",
            PhoneError::BadChar { .. } => "phone_bad_char",
            PhoneError::BadMobile => "phone_bad_mobile",
            PhoneError::BadFormat { .. } => "phone_bad_format",
        }
    }

    /// The message shown to the community worker next to the cell, in plain Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            PhoneError::Empty => "联系电话不能为空".to_string(),
            PhoneError::ScientificNotation => {
                "联系电话被Excel改成了科学计数法（如1.38123E+10），请把该列设为“文本”后重新输入"
                    .to_string()
            }
            PhoneError::Several => "一个格子里只能填一个联系电话，请只保留一个".to_string(),
            PhoneError::BadChar { ch } => format!(
                "联系电话里有“{}”：只能填数字，固定电话的区号后可以加“-”",
                crate::text::shown_char(*ch)
            ),
            PhoneError::BadMobile => "手机号应以13到19开头，请核对".to_string(),
            PhoneError::BadFormat { digits } => format!(
                "联系电话应为11位手机号，或7-8位固定电话（可带区号，如0453-6251234），这里是{digits}位数字"
            ),
        }
    }
}

/// Reads a phone cell into one canonical form: a mobile as 11 digits (`13812345678`), a
/// landline as digits with one dash after the area code (`0453-6251234`) or its bare 7-8
/// local digits. Spaces, dashes, brackets around an area code, full-width digits and a
/// `+86`/`0086`/`86` country prefix are accepted.
pub fn parse_phone(raw: &str) -> Result<String, PhoneError> {
    let folded = fold_width(raw);
    let s = trim_invisible(&folded);
    if s.is_empty() {
        return Err(PhoneError::Empty);
    }
    if looks_like_scientific(s) {
        return Err(PhoneError::ScientificNotation);
    }
    let s: String = s.chars().filter(|c| !is_invisible(*c)).collect();
    if s.contains(['/', ',', '，', ';', '；', '、']) {
        return Err(PhoneError::Several);
    }
    if let Some(ch) =
        s.chars().find(|c| !(c.is_ascii_digit() || matches!(c, '-' | '—' | '+' | '(' | ')')))
    {
        return Err(PhoneError::BadChar { ch });
    }
    // The country prefix: `+86`, `(+86)`, `0086`, or a bare `86` before a mobile number.
    let mut rest = s.as_str();
    for prefix in ["(+86)", "+86", "0086"] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r.trim_start_matches(['-', '—']);
            break;
        }
    }
    if let Some(ch) = rest.chars().find(|c| *c == '+') {
        return Err(PhoneError::BadChar { ch });
    }
    let all_digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    let digits = match all_digits.strip_prefix("86") {
        Some(mobile) if rest.starts_with("86") && mobile.len() == 11 && mobile.starts_with('1') => {
            mobile.to_string()
        }
        _ => all_digits,
    };
    if digits.len() == 11 && digits.starts_with('1') {
        return if matches!(digits.as_bytes().get(1), Some(b'3'..=b'9')) {
            Ok(digits)
        } else {
            Err(PhoneError::BadMobile)
        };
    }
    landline(rest, &digits).ok_or(PhoneError::BadFormat { digits: digits.len() })
}

/// A landline: 7-8 local digits (not starting with 0 or 1), optionally after an area code
/// (0 and 2-3 more digits). Where the writer separated the area code we follow them,
/// otherwise 010 and 02X are three digits long and the others four.
fn landline(written: &str, digits: &str) -> Option<String> {
    let local_ok = |l: &str| (7..=8).contains(&l.len()) && !l.starts_with(['0', '1']);
    let groups: Vec<&str> = written.split(['-', '—', '(', ')']).filter(|g| !g.is_empty()).collect();
    if let [area, rest @ ..] = &groups[..]
        && !rest.is_empty()
        && area.starts_with('0')
        && (3..=4).contains(&area.len())
    {
        let local = rest.concat();
        return local_ok(&local).then(|| format!("{area}-{local}"));
    }
    if !digits.starts_with('0') {
        return local_ok(digits).then(|| digits.to_string());
    }
    let area_len = if matches!(digits.as_bytes().get(1), Some(b'1' | b'2')) { 3 } else { 4 };
    let (area, local) = digits.split_at(area_len.min(digits.len()));
    local_ok(local).then(|| format!("{area}-{local}"))
}

/// Cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a leading tab or
/// carriage return). Imports store them as plain text and never evaluate them; exports
/// escape them with [`escape_formula`] so opening the file in Excel runs nothing.
///
/// Hidden characters in front do not disguise one: `\u{202E}=HYPERLINK(…)` or
/// `\u{200B}+cmd` shows (and may be taken) as a formula too (see [`crate::text::is_hidden`]).
pub fn is_formula_like(cell: &str) -> bool {
    let mut visible = cell.chars().skip_while(|c| is_hidden(*c) && !matches!(c, '\t' | '\r'));
    matches!(visible.next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'))
}

/// Prefixes a formula-like cell with `'`, which spreadsheets read as "this is text"
/// (the usual CSV-injection defence); other cells are returned unchanged.
pub fn escape_formula(cell: &str) -> String {
    if is_formula_like(cell) { format!("'{cell}") } else { cell.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_a_distinct_code_and_its_own_label_maps_back_to_it() {
        let codes: std::collections::HashSet<_> =
            RosterField::ALL.iter().map(|f| f.code()).collect();
        assert_eq!(codes.len(), RosterField::ALL.len());
        for f in RosterField::ALL {
            assert_eq!(map_header(f.label_zh()), Some(f), "{}", f.label_zh());
            for s in f.synonyms() {
                assert_eq!(map_header(s), Some(f), "{s}");
            }
        }
    }

    #[test]
    fn headers_are_recognised_through_their_synonyms() {
        assert_eq!(map_header("名字"), Some(RosterField::Name));
        assert_eq!(map_header("居民姓名"), Some(RosterField::Name));
        assert_eq!(map_header("公民身份号码"), Some(RosterField::IdNumber));
        assert_eq!(map_header("证件号码"), Some(RosterField::IdNumber));
        assert_eq!(map_header("出生年月"), Some(RosterField::BirthDate));
        assert_eq!(map_header("手机号码"), Some(RosterField::Phone));
        assert_eq!(map_header("联系方式"), Some(RosterField::Phone));
        assert_eq!(map_header("栋"), Some(RosterField::Building));
        assert_eq!(map_header("楼号"), Some(RosterField::Building));
        assert_eq!(map_header("单元号"), Some(RosterField::Unit));
        assert_eq!(map_header("门牌号"), Some(RosterField::Household));
        assert_eq!(map_header("房间号"), Some(RosterField::Household));
        assert_eq!(map_header("关系"), Some(RosterField::Relation));
        assert_eq!(map_header("特殊人群"), Some(RosterField::Tags));
        assert_eq!(map_header("说明"), Some(RosterField::Notes));
    }

    #[test]
    fn header_decorations_are_ignored() {
        assert_eq!(map_header("身份证号（必填）"), Some(RosterField::IdNumber));
        assert_eq!(map_header(" *姓名 "), Some(RosterField::Name));
        assert_eq!(map_header("姓名*"), Some(RosterField::Name));
        assert_eq!(map_header("＊姓　名"), Some(RosterField::Name));
        assert_eq!(map_header("出生日期(yyyy-mm-dd)"), Some(RosterField::BirthDate));
        assert_eq!(map_header("联系电话【手机】"), Some(RosterField::Phone));
        assert_eq!(map_header("身份证号\n（18位）"), Some(RosterField::IdNumber));
        assert_eq!(map_header("姓名："), Some(RosterField::Name));
    }

    #[test]
    fn a_header_naming_one_field_twice_is_understood_but_two_fields_are_not() {
        assert_eq!(map_header("电话/手机"), Some(RosterField::Phone));
        assert_eq!(map_header("楼栋/单元"), None);
    }

    #[test]
    fn unknown_and_empty_headers_map_to_nothing() {
        for h in ["序号", "", "  ", "（必填）", "民族", "姓名拼音"] {
            assert_eq!(map_header(h), None, "{h}");
        }
    }

    #[test]
    fn the_ways_of_writing_building_three_all_become_3_hao_lou() {
        for s in [
            "3",
            "3栋",
            "3号楼",
            "3号",
            "3幢",
            "３号楼",
            "三号楼",
            "3#",
            "3#楼",
            "3＃楼",
            " 3 号楼 ",
            "03",
            "第3栋",
            "第三栋",
        ] {
            assert_eq!(normalize_building(s).as_deref(), Some("3号楼"), "{s}");
        }
        assert_eq!(normalize_building("二十一栋").as_deref(), Some("21号楼"));
        assert_eq!(normalize_building("十号楼").as_deref(), Some("10号楼"));
        assert_eq!(normalize_building("十二幢").as_deref(), Some("12号楼"));
        assert_eq!(normalize_building("九十九号").as_deref(), Some("99号楼"));
        assert_eq!(normalize_building("128").as_deref(), Some("128号楼"));
    }

    #[test]
    fn building_names_that_are_not_numbers_are_kept_as_written() {
        assert_eq!(normalize_building(" 综合楼 ").as_deref(), Some("综合楼"));
        assert_eq!(normalize_building("A座").as_deref(), Some("A座"));
        assert_eq!(normalize_building("3楼").as_deref(), Some("3楼"));
        assert_eq!(normalize_building("3-1").as_deref(), Some("3-1"));
        assert_eq!(normalize_building("0").as_deref(), Some("0"));
        assert_eq!(normalize_building("一百号楼").as_deref(), Some("一百号楼"));
        assert_eq!(normalize_building(""), None);
        assert_eq!(normalize_building("\u{3000}"), None);
    }

    #[test]
    fn the_ways_of_writing_unit_one_all_become_1_danyuan() {
        for s in ["1", "1单元", "一单元", "1门", "１单元", "01", "第一单元", " 1 单元"]
        {
            assert_eq!(normalize_unit(s).as_deref(), Some("1单元"), "{s}");
        }
        assert_eq!(normalize_unit("十一单元").as_deref(), Some("11单元"));
        assert_eq!(normalize_unit("东单元").as_deref(), Some("东单元"));
        assert_eq!(normalize_unit(""), None);
    }

    #[test]
    fn chinese_numerals_up_to_ninety_nine_are_read() {
        let cases = [
            ("一", 1),
            ("九", 9),
            ("十", 10),
            ("十一", 11),
            ("十九", 19),
            ("二十", 20),
            ("二十一", 21),
            ("五十五", 55),
            ("九十九", 99),
        ];
        for (s, n) in cases {
            assert_eq!(small_number(s), Some(n), "{s}");
        }
        for s in ["", "零", "十十", "一二", "二十十", "百", "0", "12345"] {
            assert_eq!(small_number(s), None, "{s}");
        }
    }

    #[test]
    fn tags_split_on_chinese_and_ascii_separators_without_repeats() {
        assert_eq!(
            split_tags(" 低保户、独居老人，残疾人;低保户 / 党员　退役军人,,"),
            vec!["低保户", "独居老人", "残疾人", "党员", "退役军人"]
        );
        assert_eq!(split_tags("a；b／c\td"), vec!["a", "b", "c", "d"]);
        assert!(split_tags("").is_empty());
        assert!(split_tags(" 、，").is_empty());
    }

    #[test]
    fn relations_are_read_from_the_words_people_use() {
        use Relation::*;
        let cases = [
            ("户主", Head),
            ("本人", Head),
            ("配偶", Spouse),
            ("妻", Spouse),
            ("夫", Spouse),
            ("妻子", Spouse),
            ("丈夫", Spouse),
            ("子", Child),
            ("女", Child),
            ("儿子", Child),
            ("女儿", Child),
            ("子女", Child),
            ("长子", Child),
            ("次女", Child),
            ("三子", Child),
            ("养女", Child),
            ("父", Parent),
            ("母", Parent),
            ("父亲", Parent),
            ("母亲", Parent),
            ("父母", Parent),
            ("孙子", Other),
            ("孙女", Other),
            ("儿媳", Other),
            ("女婿", Other),
            ("侄子", Other),
            ("保姆", Other),
            (" 户主 ", Head),
        ];
        for (s, r) in cases {
            assert_eq!(Relation::parse(s), Some(r), "{s}");
        }
        assert_eq!(Relation::parse(""), None);
        assert_eq!(Relation::parse("　"), None);
    }

    #[test]
    fn relation_codes_and_labels_round_trip() {
        for r in Relation::ALL {
            assert_eq!(Relation::parse(r.as_str()), Some(r));
            assert_eq!(Relation::parse(r.label_zh()), Some(r));
        }
        assert_eq!(Relation::Child.label_zh(), "子女");
        assert_eq!(Relation::Spouse.as_str(), "spouse");
    }

    #[test]
    fn mobile_numbers_are_reduced_to_eleven_digits() {
        for s in [
            "13812345678",
            " 138 1234 5678 ",
            "138-1234-5678",
            "+86 138 1234 5678",
            "+8613812345678",
            "8613812345678",
            "008613812345678",
            "(+86)13812345678",
            "１３８１２３４５６７８",
        ] {
            assert_eq!(parse_phone(s).as_deref(), Ok("13812345678"), "{s}");
        }
        assert_eq!(parse_phone("19912345678").as_deref(), Ok("19912345678"));
    }

    #[test]
    fn a_mobile_number_must_start_with_13_to_19() {
        let err = parse_phone("12812345678").unwrap_err();
        assert_eq!(err, PhoneError::BadMobile);
        assert_eq!(err.code(), "phone_bad_mobile");
    }

    #[test]
    fn landlines_keep_one_dash_after_the_area_code() {
        assert_eq!(parse_phone("0453-6251234").as_deref(), Ok("0453-6251234"));
        assert_eq!(parse_phone("0453 625 1234").as_deref(), Ok("0453-6251234"));
        assert_eq!(parse_phone("04536251234").as_deref(), Ok("0453-6251234"));
        assert_eq!(parse_phone("(0453)6251234").as_deref(), Ok("0453-6251234"));
        assert_eq!(parse_phone("（0453）6251234").as_deref(), Ok("0453-6251234"));
        assert_eq!(parse_phone("0453—6251234").as_deref(), Ok("0453-6251234"));
        assert_eq!(parse_phone("010-62512345").as_deref(), Ok("010-62512345"));
        assert_eq!(parse_phone("01062512345").as_deref(), Ok("010-62512345"));
        assert_eq!(parse_phone("021-6251234").as_deref(), Ok("021-6251234"));
        assert_eq!(parse_phone("6251234").as_deref(), Ok("6251234"));
        assert_eq!(parse_phone("62512345").as_deref(), Ok("62512345"));
    }

    #[test]
    fn numbers_that_are_neither_mobile_nor_landline_are_refused_with_the_digit_count() {
        for (s, n) in [("123", 3), ("1381234567", 10), ("138123456789", 12), ("0453-12", 6)] {
            let err = parse_phone(s).unwrap_err();
            assert_eq!(err, PhoneError::BadFormat { digits: n }, "{s}");
            assert!(err.message_zh().contains(&format!("{n}位")));
        }
        // Local numbers never start with 0 or 1.
        assert_eq!(parse_phone("010-12345678"), Err(PhoneError::BadFormat { digits: 11 }));
        assert_eq!(parse_phone("0623-0234567"), Err(PhoneError::BadFormat { digits: 11 }));
    }

    #[test]
    fn excel_scientific_notation_in_a_phone_cell_has_its_own_error() {
        let err = parse_phone("1.38123E+10").unwrap_err();
        assert_eq!(err, PhoneError::ScientificNotation);
        assert_eq!(err.code(), "phone_scientific_notation");
        assert!(err.message_zh().contains("文本"));
    }

    #[test]
    fn empty_cells_letters_and_several_numbers_are_refused() {
        assert_eq!(parse_phone("  "), Err(PhoneError::Empty));
        assert_eq!(parse_phone("13812345678/13912345678"), Err(PhoneError::Several));
        assert_eq!(parse_phone("13812345678，13912345678"), Err(PhoneError::Several));
        assert_eq!(parse_phone("138abc45678"), Err(PhoneError::BadChar { ch: 'a' }));
        assert_eq!(parse_phone("0453-6251234转8"), Err(PhoneError::BadChar { ch: '转' }));
        assert_eq!(parse_phone("138+12345678"), Err(PhoneError::BadChar { ch: '+' }));
        // A hidden character is named, not echoed.
        let err = parse_phone("138\u{1B}12345678").unwrap_err();
        assert_eq!(err, PhoneError::BadChar { ch: '\u{1B}' });
        assert!(err.message_zh().contains("“U+001B”"), "{}", err.message_zh());
    }

    #[test]
    fn every_phone_error_has_a_distinct_code_and_a_chinese_message() {
        let errors = [
            PhoneError::Empty,
            PhoneError::ScientificNotation,
            PhoneError::Several,
            PhoneError::BadChar { ch: 'a' },
            PhoneError::BadMobile,
            PhoneError::BadFormat { digits: 3 },
        ];
        let codes: std::collections::HashSet<_> = errors.iter().map(|e| e.code()).collect();
        assert_eq!(codes.len(), errors.len());
        for e in &errors {
            assert!(e.code().starts_with("phone_"));
            assert!(!e.message_zh().is_empty());
        }
    }

    #[test]
    fn cells_a_spreadsheet_would_evaluate_are_recognised_and_escaped() {
        for s in ["=1+1", "+86", "-2", "@SUM(A1)", "\t=1", "\r=1"] {
            assert!(is_formula_like(s), "{s:?}");
            assert_eq!(escape_formula(s), format!("'{s}"));
        }
        for s in ["", "夏胜林", "1=1", " =1", "0453-6251234"] {
            assert!(!is_formula_like(s), "{s:?}");
            assert_eq!(escape_formula(s), s);
        }
    }

    #[test]
    fn a_formula_behind_an_invisible_character_is_still_escaped() {
        // Issue 18: the export let `\u{202E}=HYPERLINK(…)` through unescaped.
        for s in [
            "\u{202E}=HYPERLINK(\"http://x\",\"点我\")",
            "\u{200B}+cmd",
            "\u{FEFF}-1",
            "\u{2066}\u{200D}@SUM(A1)",
            "\u{200B}\t=1",
            "\u{1B}\r=1",
            "\u{2060}=1",
        ] {
            assert!(is_formula_like(s), "{s:?}");
            assert_eq!(escape_formula(s), format!("'{s}"));
        }
        for s in ["\u{202E}林胜夏", "\u{200B}1=1", "\u{200B} =1"] {
            assert!(!is_formula_like(s), "{s:?}");
        }
    }
}
