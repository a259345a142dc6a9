//! Text encodings, cell clean-up and formula escaping.

use crate::IoError;
use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};
use std::borrow::Cow;

/// Decodes a text file the way the Chinese office software that wrote it meant it:
///
/// - UTF-8, with or without a BOM (the BOM is dropped);
/// - UTF-16 LE or BE when it starts with its BOM (Excel's "Unicode text");
/// - otherwise GB18030, which covers GBK and GB2312 (Excel's and WPS's plain "CSV" on a
///   Chinese Windows).
///
/// Anything that is not valid in the encoding chosen is refused with [`IoError::Encoding`]
/// instead of being decoded with replacement characters: a roster with `�` in its names would
/// be imported wrong without anyone noticing.
pub fn decode_text(bytes: &[u8]) -> Result<String, IoError> {
    decode_text_borrowed(bytes).map(Cow::into_owned)
}

/// [`decode_text`] without copying UTF-8 (with or without its BOM): a 50 MB CSV is not held
/// twice.
pub(crate) fn decode_text_borrowed(bytes: &[u8]) -> Result<Cow<'_, str>, IoError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest).map(Cow::Borrowed).map_err(|_| IoError::Encoding);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return UTF_16LE
            .decode_without_bom_handling_and_without_replacement(rest)
            .map(|s| Cow::Owned(s.into_owned()))
            .ok_or(IoError::Encoding);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return UTF_16BE
            .decode_without_bom_handling_and_without_replacement(rest)
            .map(|s| Cow::Owned(s.into_owned()))
            .ok_or(IoError::Encoding);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(s));
    }
    GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .filter(|s| !s.contains('\u{FFFD}'))
        .map(|s| Cow::Owned(s.into_owned()))
        .ok_or(IoError::Encoding)
}

/// Makes a cell safe to put in a CSV file that someone will open in Excel or WPS: a cell that
/// starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be taken for a formula
/// (CSV injection, e.g. `=cmd|' /C calc'!A0`), so it gets a leading apostrophe `'`.
///
/// Note that when a CSV file is opened, Excel shows the apostrophe as part of the text (it only
/// hides a typed one); the point is that the cell is never evaluated. Typed xlsx string cells
/// are never evaluated, so [`crate::write_xlsx`] does not escape, and [`crate::read_table`]
/// never strips an apostrophe: what comes back is what is in the file.
///
/// The rule is [`linli_core::roster::escape_formula`], so a formula behind an invisible
/// character (`\u{202E}=HYPERLINK(…)`, `\u{200B}+cmd`) is escaped too.
pub fn escape_cell(cell: &str) -> String {
    linli_core::roster::escape_formula(cell)
}

/// A cell's text as a person sees it: surrounding whitespace removed (including the
/// full-width space `　` and no-break space), and the zero-width characters that copying from
/// web pages and WeChat leaves behind (BOM, zero-width space).
pub(crate) fn clean(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{FEFF}' | '\u{200B}'))
}

/// How many columns of a monospace grid the text takes: CJK and other wide characters count
/// two, everything else one. For column widths.
pub(crate) fn display_width(s: &str) -> usize {
    s.lines().map(|line| line.chars().map(char_width).sum::<usize>()).max().unwrap_or(0)
}

fn char_width(c: char) -> usize {
    let wide = matches!(u32::from(c),
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode_text("姓名,电话".as_bytes()).unwrap(), "姓名,电话");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice("姓名".as_bytes());
        assert_eq!(decode_text(&bom).unwrap(), "姓名");
        assert_eq!(decode_text(b"").unwrap(), "");
    }

    #[test]
    fn utf16_needs_its_bom() {
        let mut le = vec![0xFF, 0xFE];
        le.extend("杨静\t男".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode_text(&le).unwrap(), "杨静\t男");
        let mut be = vec![0xFE, 0xFF];
        be.extend("杨静".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode_text(&be).unwrap(), "杨静");
        // An odd number of bytes is not UTF-16.
        assert_eq!(decode_text(&[0xFF, 0xFE, 0x41]), Err(IoError::Encoding));
    }

    #[test]
    fn gbk_and_gb18030() {
        let (gbk, _, _) = GB18030.encode("夏胜林,米丽芳,𠀀");
        assert!(std::str::from_utf8(&gbk).is_err());
        assert_eq!(decode_text(&gbk).unwrap(), "夏胜林,米丽芳,𠀀");
    }

    #[test]
    fn invalid_text_is_refused() {
        // A lone GBK lead byte at the end, and a broken UTF-8 after a BOM.
        assert_eq!(decode_text(b"abc\x81"), Err(IoError::Encoding));
        assert_eq!(decode_text(b"\xEF\xBB\xBFabc\xFF"), Err(IoError::Encoding));
        // Unpaired surrogate in UTF-16.
        assert_eq!(decode_text(&[0xFF, 0xFE, 0x00, 0xD8]), Err(IoError::Encoding));
    }

    #[test]
    fn formulas_are_escaped() {
        for bad in ["=SUM(A1)", "+1", "-1", "@x", "\tx", "\rx", "=cmd|' /C calc'!A0"] {
            assert_eq!(escape_cell(bad), format!("'{bad}"));
        }
        for ok in ["", "夏胜林", "13845301234", "'=x", " =x", "１"] {
            assert_eq!(escape_cell(ok), ok);
        }
        // Issue 18: a formula hidden behind a bidi override or a zero-width space.
        for bad in ["\u{202E}=HYPERLINK(\"http://x\")", "\u{200B}+cmd"] {
            assert_eq!(escape_cell(bad), format!("'{bad}"));
        }
    }

    #[test]
    fn cleaning_and_widths() {
        assert_eq!(clean("\u{3000} 杨静\u{FEFF}\u{200B} \n"), "杨静");
        assert_eq!(display_width("3号楼"), 5);
        assert_eq!(display_width("231002197203050314"), 18);
        assert_eq!(display_width("ab\n杨静杨静"), 8);
    }
}
