//! Small text helpers shared by the parsers of spreadsheet cells (ID numbers, dates, phones,
//! roster headers). Cells typed on Chinese input methods are full of full-width characters
//! that look identical to ASCII on screen, so every parser folds them first.

/// Folds full-width ASCII (`０-９`, `Ａ-Ｚ`, `（`, `，`, `－` …, U+FF01..=U+FF5E) to ASCII and the
/// ideographic space U+3000 to a plain space. Everything else is kept as it is.
pub(crate) fn fold_width(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

pub(crate) fn fold_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Characters that are invisible in a spreadsheet cell and come along when one is copied:
/// whitespace of any width, the byte-order mark and zero-width spaces.
pub(crate) fn is_invisible(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{FEFF}' | '\u{200B}' | '\u{200C}' | '\u{200D}')
}

/// Trims invisible characters from both ends (see [`is_invisible`]).
pub(crate) fn trim_invisible(s: &str) -> &str {
    s.trim_matches(is_invisible)
}

/// `1.10101E+17`, `1.10101e17`, `1E+10`: what Excel shows (and a CSV export then contains)
/// when a long number is stored as a number instead of text. The digits are lost by then,
/// so the only useful reaction is to say so.
pub(crate) fn looks_like_scientific(s: &str) -> bool {
    let Some((mantissa, exponent)) = s.split_once(['e', 'E']) else {
        return false;
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    !int_part.is_empty()
        && int_part.bytes().all(|b| b.is_ascii_digit())
        && frac_part.bytes().all(|b| b.is_ascii_digit())
        && !exponent.is_empty()
        && exponent.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_letters_and_spaces_fold_to_ascii() {
        assert_eq!(fold_width("１２３Ｘｘ　（）－"), "123Xx ()-");
        assert_eq!(fold_width("夏胜林、"), "夏胜林、");
    }

    #[test]
    fn excel_scientific_notation_is_recognised_in_its_usual_spellings() {
        for s in [
            "1.10101E+17",
            "1.10101e17",
            "1E+10",
            "1.38123E+10",
            "4.5e-3",
        ] {
            assert!(looks_like_scientific(s), "{s}");
        }
        for s in ["", "E", "1.2E", "E+17", "1.2.3E5", "110101", "1e+x", "e5"] {
            assert!(!looks_like_scientific(s), "{s}");
        }
    }

    #[test]
    fn invisible_characters_are_trimmed_from_both_ends_only() {
        assert_eq!(trim_invisible("\u{FEFF}\u{3000} 3号楼 \t\u{200B}"), "3号楼");
        assert_eq!(trim_invisible(" 3 号楼 "), "3 号楼");
    }
}
