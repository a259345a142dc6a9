//! Masking of personal data for lists, logs and audit before/after images.

/// `110101199003071234` → `110101********1234`. Anything not ID-shaped is masked whole.
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    if chars.len() >= 10 {
        let head: String = chars.iter().take(6).collect();
        let tail: String = chars.iter().skip(chars.len() - 4).collect();
        format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
    } else {
        "*".repeat(chars.len())
    }
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

/// Field names whose values are personal data: masked in audit before/after images and logs.
pub const PERSONAL_FIELDS: &[&str] = &["id_number", "phone", "password", "password_hash"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_keep_region_and_last_four() {
        assert_eq!(mask_id_number("110101199003071234"), "110101********1234");
        assert_eq!(mask_id_number("12345"), "*****");
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
