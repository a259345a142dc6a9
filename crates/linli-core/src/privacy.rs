//! Erasure in free text (PIPL §47): a person's name written into a case narrative, a help
//! record's note or a neighbour's offer ("帮张君买菜") goes with the rest of his record. The
//! name becomes surname + 某 (张君 → 张某), the form the community's own stories use, so the
//! sentence still reads and no one can tell who it was.

/// Two-character surnames: 欧阳明 is 欧阳某, not 欧某.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文",
    "司徒", "夏侯", "澹台", "端木", "呼延", "轩辕", "申屠", "万俟", "独孤", "南宫", "西门",
];

/// What a redacted name becomes: surname + 某 (张君 → 张某, 欧阳明 → 欧阳某); 某某 when the
/// name has no surname to keep (one character, or a compound surname alone).
pub fn pseudonym(name: &str) -> String {
    let name = name.trim();
    let chars = name.chars().count();
    if let Some(s) = COMPOUND_SURNAMES.iter().find(|s| name.starts_with(**s)) {
        if chars > 2 {
            return format!("{s}某");
        }
        return "某某".to_string();
    }
    match name.chars().next() {
        Some(first) if chars >= 2 => format!("{first}某"),
        _ => "某某".to_string(),
    }
}

/// `text` with every occurrence of `name` replaced by its [`pseudonym`]. An occurrence inside
/// a longer name of someone else (`others`: 王明 inside 王明亮) is that other person and stays.
/// A name shorter than two characters is not searched for: one character is part of too many
/// words to be found safely.
pub fn redact_name(text: &str, name: &str, others: &[&str]) -> String {
    let name = name.trim();
    if name.chars().count() < 2 || !text.contains(name) {
        return text.to_string();
    }
    let longer: Vec<&str> = others
        .iter()
        .map(|o| o.trim())
        .filter(|o| o.len() > name.len() && o.contains(name))
        .collect();
    // Byte ranges in `text` covered by someone else's longer name.
    let mut shielded: Vec<(usize, usize)> = Vec::new();
    for o in &longer {
        shielded.extend(text.match_indices(o).map(|(i, m)| (i, i + m.len())));
    }
    let replacement = pseudonym(name);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (i, m) in text.match_indices(name) {
        let end = i + m.len();
        if shielded.iter().any(|&(s, e)| s <= i && end <= e) {
            continue;
        }
        out.push_str(text.get(last..i).unwrap_or_default());
        out.push_str(&replacement);
        last = end;
    }
    out.push_str(text.get(last..).unwrap_or_default());
    out
}

/// [`redact_name`], and the person's phone and ID number (when known) replaced by stars.
pub fn redact_person(text: &str, name: &str, numbers: &[&str], others: &[&str]) -> String {
    let mut out = redact_name(text, name, others);
    for n in numbers {
        let n = n.trim();
        // Short numbers (an extension, a room) are too common to be his.
        if n.chars().count() >= 7 && out.contains(n) {
            out = out.replace(n, "***");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_becomes_surname_and_mou() {
        assert_eq!(pseudonym("张君"), "张某");
        assert_eq!(pseudonym("夏胜林"), "夏某");
        assert_eq!(pseudonym("欧阳明"), "欧阳某");
        assert_eq!(pseudonym("欧阳"), "某某");
        assert_eq!(pseudonym("张"), "某某");
        assert_eq!(pseudonym(""), "某某");
    }

    #[test]
    fn every_occurrence_in_a_narrative_is_redacted() {
        assert_eq!(
            redact_name("张君腿脚不便，张君之女在外地。", "张君", &[]),
            "张某腿脚不便，张某之女在外地。"
        );
        assert_eq!(redact_name("帮夏胜林买菜", "夏胜林", &[]), "帮夏某买菜");
    }

    #[test]
    fn a_longer_name_of_someone_else_is_left_alone() {
        assert_eq!(
            redact_name("王明与王明亮同住，王明亮照顾王明。", "王明", &["王明亮", "李四"]),
            "王某与王明亮同住，王明亮照顾王某。"
        );
    }

    #[test]
    fn a_name_that_is_not_there_or_too_short_changes_nothing() {
        assert_eq!(redact_name("社区走访", "张君", &[]), "社区走访");
        assert_eq!(redact_name("张家的事", "张", &[]), "张家的事");
        assert_eq!(redact_name("", "张君", &[]), "");
    }

    #[test]
    fn phone_and_id_number_go_too_but_short_numbers_stay() {
        assert_eq!(
            redact_person(
                "张君，电话13912345678，身份证110101195001011234，住3室",
                "张君",
                &["13912345678", "110101195001011234", "3"],
                &[]
            ),
            "张某，电话***，身份证***，住3室"
        );
    }
}
