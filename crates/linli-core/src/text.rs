//! Small text helpers shared by the parsers of spreadsheet cells (ID numbers, dates, phones,
//! roster headers). Cells typed on Chinese input methods are full of full-width characters
//! that look identical to ASCII on screen, so every parser folds them first.
//!
//! Cells also carry characters that show nothing themselves but change what is around them:
//! terminal escapes (`\x1b[31m`, an OSC `\x1b]0;title\x07`), C0/C1 controls, bidi overrides and
//! isolates (`\u{202E}林胜夏` displays as 夏胜林) and zero-width characters (two names that look
//! the same but differ). [`clean_name`] refuses them inside a person's or a place's name;
//! [`echo_safe`] removes them from anything we show back (messages, summaries, error pages).

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
/// whitespace of any width, the byte-order mark, zero-width spaces and the word joiner.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{FEFF}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}')
}

/// Trims invisible characters from both ends (see [`is_invisible`]).
pub fn trim_invisible(s: &str) -> &str {
    s.trim_matches(is_invisible)
}

/// Bidirectional formatting characters: the marks (ALM U+061C, LRM U+200E, RLM U+200F), the
/// embeddings and overrides (U+202A–U+202E) and the isolates (U+2066–U+2069). An override
/// makes `\u{202E}林胜夏` display as 夏胜林, and `\u{202E}=HYPERLINK(…)` look like text.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Characters of no width: zero-width space, non-joiner and joiner (U+200B–U+200D), the word
/// joiner and the invisible operators (U+2060–U+2064), the Mongolian vowel separator (U+180E)
/// and the byte-order mark / zero-width no-break space (U+FEFF).
pub fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{180E}' | '\u{FEFF}'
    )
}

/// A character that changes how text displays, or what a terminal does, while showing nothing
/// itself: C0 and C1 controls (tab and line breaks too), DEL, bidi controls, zero-width
/// characters, and the line and paragraph separators U+2028/U+2029.
pub fn is_hidden(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || is_zero_width(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// A hidden character (see [`is_hidden`]) found inside a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the name contains the hidden character {}", code_point(*.0))]
pub struct HiddenChar(pub char);

/// `U+202E`: how a character that cannot be shown is named to the person who must remove it.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// One character as a message quotes it: itself, or its code point when it is hidden.
pub fn shown_char(c: char) -> String {
    if is_hidden(c) { code_point(c) } else { c.to_string() }
}

impl HiddenChar {
    /// What kind of character it is, in plain Chinese.
    pub fn kind_zh(self) -> &'static str {
        if is_bidi_control(self.0) {
            "文字方向控制符"
        } else if is_zero_width(self.0) {
            "零宽字符"
        } else {
            "控制字符"
        }
    }

    /// The message shown next to the field or cell; `what` names it (`姓名`, `楼栋名称`).
    pub fn message_zh(self, what: &str) -> String {
        format!(
            "{what}里有看不见的字符（{}，{}），它会让文字显示得和实际不同：请删掉后重新输入（常见于从网页或微信复制的文字）",
            code_point(self.0),
            self.kind_zh()
        )
    }
}

/// A name (a resident's, a place's) as it may be stored: invisible characters at both ends are
/// trimmed (what copying leaves behind, see [`trim_invisible`]); a hidden character inside it
/// (see [`is_hidden`]) is refused, because the name would then read differently from what it
/// is, or look the same as another one. Length rules are the caller's.
pub fn clean_name(raw: &str) -> Result<&str, HiddenChar> {
    let name = trim_invisible(raw);
    match name.chars().find(|c| is_hidden(*c)) {
        Some(c) => Err(HiddenChar(c)),
        None => Ok(name),
    }
}

/// Makes text from a cell or a form safe to show back, in a page, a JSON summary or a terminal:
/// terminal escape sequences are removed whole (CSI `ESC [ … m`, OSC `ESC ] … BEL` and the other
/// control strings, their C1 forms U+009B/U+009D too), tabs and line breaks become a space, and
/// every other hidden character (see [`is_hidden`]) is removed. Removed rather than shown as
/// `<U+202E>`: what is echoed is quoted so the worker finds the cell, and the refusal itself
/// names the character ([`HiddenChar::message_zh`]). Idempotent.
pub fn echo_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1B}' => skip_escape(&mut chars),
            '\u{9B}' => skip_csi(&mut chars),
            '\u{90}' | '\u{98}' | '\u{9D}' | '\u{9E}' | '\u{9F}' => skip_control_string(&mut chars),
            '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                out.push(' ')
            }
            c if is_hidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After an ESC (ECMA-48): `[` starts a CSI, `]` `P` `X` `^` `_` a control string, `0x20-0x2F`
/// are intermediates before a final byte, anything in `0x30-0x7E` is a two-character sequence.
fn skip_escape(chars: &mut Chars<'_>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            skip_control_string(chars);
        }
        Some('\u{20}'..='\u{2F}') => {
            while chars.next_if(|c| matches!(c, '\u{20}'..='\u{2F}')).is_some() {}
            chars.next_if(|c| matches!(c, '\u{30}'..='\u{7E}'));
        }
        Some('\u{30}'..='\u{7E}') => {
            chars.next();
        }
        _ => {}
    }
}

/// Parameters and intermediates (`0x20-0x3F`), then one final byte (`0x40-0x7E`).
fn skip_csi(chars: &mut Chars<'_>) {
    while chars.next_if(|c| matches!(c, '\u{20}'..='\u{3F}')).is_some() {}
    chars.next_if(|c| matches!(c, '\u{40}'..='\u{7E}'));
}

/// An OSC/DCS/… string up to BEL or ST (`ESC \` or U+009C). It stops, keeping the character,
/// at anything a control string cannot contain, so an unterminated one swallows no Chinese text.
fn skip_control_string(chars: &mut Chars<'_>) {
    while let Some(&c) = chars.peek() {
        match c {
            '\u{07}' | '\u{9C}' => {
                chars.next();
                return;
            }
            '\u{1B}' => {
                chars.next();
                chars.next_if_eq(&'\\');
                return;
            }
            '\u{08}'..='\u{0D}' | '\u{20}'..='\u{7E}' => {
                chars.next();
            }
            _ => return,
        }
    }
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
        for s in ["1.10101E+17", "1.10101e17", "1E+10", "1.38123E+10", "4.5e-3"] {
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
        assert_eq!(trim_invisible("\u{2060}3号楼\u{200D}"), "3号楼");
    }

    #[test]
    fn a_name_with_a_bidi_override_or_a_hidden_character_inside_is_refused() {
        // Issue 18: `\u{202E}林胜夏` displayed as 夏胜林, `\u{202E}楼8` became a new building.
        for (raw, c) in [
            ("\u{202E}林胜夏", '\u{202E}'),
            ("\u{202E}楼8", '\u{202E}'),
            ("林\u{200B}胜夏", '\u{200B}'),
            ("林\u{2066}胜夏\u{2069}", '\u{2066}'),
            ("林胜\u{1B}[31m夏", '\u{1B}'),
            ("林胜\u{9B}夏", '\u{9B}'),
            ("林\u{200F}胜夏", '\u{200F}'),
            ("林\u{FEFF}胜夏", '\u{FEFF}'),
            ("林\n胜夏", '\n'),
            ("林\u{2028}胜夏", '\u{2028}'),
            ("3号楼\u{202A}", '\u{202A}'),
        ] {
            assert_eq!(clean_name(raw), Err(HiddenChar(c)), "{raw:?}");
        }
    }

    #[test]
    fn invisible_characters_at_the_ends_of_a_name_are_trimmed_and_spaces_inside_kept() {
        assert_eq!(clean_name("\u{200B}林胜夏\u{FEFF} "), Ok("林胜夏"));
        assert_eq!(clean_name("\u{2060}3号楼\u{200D}\n"), Ok("3号楼"));
        assert_eq!(clean_name("阿卜杜 热合曼"), Ok("阿卜杜 热合曼"));
        assert_eq!(clean_name("玛丽·居里"), Ok("玛丽·居里"));
        assert_eq!(clean_name("   "), Ok(""));
    }

    #[test]
    fn a_hidden_character_is_named_by_its_code_point_and_kind_in_the_message() {
        let m = HiddenChar('\u{202E}').message_zh("姓名");
        assert!(m.starts_with("姓名里有看不见的字符"), "{m}");
        assert!(m.contains("U+202E") && m.contains("文字方向控制符"), "{m}");
        assert!(HiddenChar('\u{200B}').message_zh("姓名").contains("零宽字符"));
        assert!(HiddenChar('\u{1B}').message_zh("姓名").contains("U+001B"));
        assert!(!is_hidden('\u{3000}') && !is_hidden(' ') && !is_hidden('林'));
    }

    #[test]
    fn terminal_escapes_are_removed_whole_from_echoed_text() {
        assert_eq!(echo_safe("\u{1B}[31m男x\u{1B}[0m"), "男x");
        assert_eq!(echo_safe("\u{1B}]0;pwned\u{07}1958"), "1958");
        assert_eq!(echo_safe("\u{1B}]8;;http://x\u{1B}\\链接\u{1B}]8;;\u{1B}\\"), "链接");
        assert_eq!(echo_safe("\u{9B}31m2000年13月"), "2000年13月");
        assert_eq!(echo_safe("\u{9D}0;t\u{9C}9单元"), "9单元");
        assert_eq!(echo_safe("a\u{1B}7b\u{1B}(Bc\u{1B}"), "abc");
        // An unterminated OSC stops at the first character no control string holds.
        assert_eq!(echo_safe("\u{1B}]0;x楼栋"), "楼栋");
    }

    #[test]
    fn controls_bidi_and_zero_width_characters_are_removed_from_echoed_text() {
        assert_eq!(echo_safe("\u{202E}林胜夏"), "林胜夏");
        assert_eq!(echo_safe("\u{2066}abc\u{2069}\u{200B}\u{200D}\u{2060}\u{FEFF}"), "abc");
        assert_eq!(echo_safe("a\u{07}\u{00}\u{7F}\u{85}b"), "a b");
        assert_eq!(echo_safe("第一行\r\n第二行\t完"), "第一行  第二行 完");
        assert_eq!(echo_safe("夏胜林 3号楼（东）"), "夏胜林 3号楼（东）");
        for s in ["\u{1B}[31m\u{202E}x", "\u{1B}]0;t\u{07}\u{9B}1m林", "a\u{1B}"] {
            let once = echo_safe(s);
            assert_eq!(echo_safe(&once), once, "{s:?}");
            assert!(!once.chars().any(is_hidden), "{s:?}");
        }
    }
}
