//! Masking of personal data for lists, logs and audit before/after images.

/// `110101199003071234` → `**************1234`: only the last four. The region code and the
/// birth date must not both survive the mask, since the birth date is shown beside it (lists,
/// details, exports) and region + birth date + last four is the whole number (GB/T 35273-style
/// de-identification). Anything not ID-shaped is masked whole.
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    if chars.len() >= 10 {
        let tail: String = chars.iter().skip(chars.len() - 4).collect();
        format!("{}{tail}", "*".repeat(chars.len() - 4))
    } else {
        "*".repeat(chars.len())
    }
}

/// The fewest digits a search by ID number or phone takes.
pub const MIN_SEARCH_DIGITS: usize = 4;

/// A roster search as the store may run it. A search by digits matches the end of an ID
/// number or phone; for a caller who may not reveal them it keeps only the last
/// [`MIN_SEARCH_DIGITS`] digits, which the masked values show anyway, so adding one digit at a
/// time in front learns nothing more. Other searches (names, pinyin) pass unchanged.
pub fn digit_search(q: &str, may_reveal: bool) -> String {
    let t = q.trim();
    let digits = !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == 'x' || c == 'X');
    if !digits || may_reveal {
        return t.to_string();
    }
    let chars: Vec<char> = t.chars().collect();
    chars[chars.len().saturating_sub(MIN_SEARCH_DIGITS)..].iter().collect()
}

/// Whether a search term looks for the end of an ID number or phone (at least
/// [`MIN_SEARCH_DIGITS`] digits, an ID's X allowed): the searches an account without the right
/// to reveal may run only so many times a minute.
pub fn is_digit_search(term: &str) -> bool {
    let t = term.trim();
    t.chars().filter(char::is_ascii_digit).count() >= MIN_SEARCH_DIGITS
        && t.chars().all(|c| c.is_ascii_digit() || c == 'x' || c == 'X')
}

/// `13812345678` → `138****5678`.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.trim().chars().collect();
    if chars.len() >= 7 {
        let head: String = chars.iter().take(3).collect();
        let tail: String = chars.iter().skip(chars.len() - 4).collect();
        format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
    } else {
        "*".repeat(chars.len())
    }
}

/// `夏胜林` → `夏**` for public pages.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count().max(1))),
        None => String::new(),
    }
}

/// A name as a printed document writes a person who did not consent to be named: the surname
/// and 某 (许某), as public notices do, instead of the screen's stars (许**). A name of one
/// character or none is 某.
pub fn printed_name(name: &str) -> String {
    let name = name.trim();
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(_)) => format!("{first}某"),
        _ => "某".to_string(),
    }
}

/// Field names whose values are personal data: masked in audit before/after images and logs.
pub const PERSONAL_FIELDS: &[&str] = &["id_number", "phone", "password", "password_hash"];

#[cfg(test)]
mod tests {

    #[test]
    fn a_printed_name_is_the_surname_and_mou() {
        assert_eq!(super::printed_name("许丽华"), "许某");
        assert_eq!(super::printed_name(" 欧阳明 "), "欧某");
        assert_eq!(super::printed_name("许"), "某");
        assert_eq!(super::printed_name(""), "某");
    }

    #[test]
    fn a_digit_search_is_four_digits_or_more() {
        assert!(
            is_digit_search("5678") && is_digit_search("1002X") && is_digit_search(" 13812345678 ")
        );
        assert!(!is_digit_search("301") && !is_digit_search("3号楼301") && !is_digit_search("xsl"));
    }

    use super::*;

    #[test]
    fn id_numbers_keep_only_the_last_four() {
        assert_eq!(mask_id_number("110101199003071234"), "**************1234");
        assert_eq!(mask_id_number("12345"), "*****");
    }

    #[test]
    fn a_masked_id_and_the_birth_date_beside_it_do_not_restore_the_number() {
        let id = "231002198005121234";
        let masked = mask_id_number(id);
        let birth = "19800512";
        let shown: String = masked.chars().filter(char::is_ascii_digit).collect();
        assert_eq!(shown, "1234", "only the last four digits survive");
        assert!(!masked.contains("231002"), "no region code beside the birth date");
        assert!(!format!("{masked}{birth}").contains("2310021980"));
    }

    #[test]
    fn digit_searches_keep_the_last_four_for_callers_who_may_not_reveal() {
        assert_eq!(digit_search("95678", false), "5678");
        assert_eq!(digit_search("195678", false), "5678");
        assert_eq!(digit_search("95678", true), "95678");
        assert_eq!(digit_search("123x", false), "123x");
        assert_eq!(digit_search("夏胜林", false), "夏胜林");
        assert_eq!(digit_search(" xsl ", false), "xsl");
    }

    #[test]
    fn phones_keep_prefix_and_last_four() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
    }

    #[test]
    fn names_keep_the_family_name() {
        assert_eq!(mask_name("夏胜林"), "夏**");
        assert_eq!(mask_name("杨静"), "杨*");
    }
}
