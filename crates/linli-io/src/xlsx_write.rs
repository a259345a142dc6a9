//! Writing xlsx: one worksheet of strings, deflated into the zip as its rows arrive, so that a
//! download's compression runs alongside the database read that feeds it instead of after it.
//!
//! The parts are the few a spreadsheet needs (ECMA-376 Part 1: §12.3 the package, §18.2 the
//! workbook, §18.3 the worksheet, §18.8 the styles); every cell is an inline string
//! (§18.3.1.53 `is`), so nothing is ever a formula and no shared-string table waits for the
//! last row.

use crate::IoError;
use crate::text::display_width;
use std::fmt::Write as _;
use std::io::{BufWriter, Cursor, Seek, Write};
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

/// Excel's limits.
const MAX_ROWS: usize = 1_048_576;
const MAX_COLUMNS: usize = 16_384;
const MAX_CELL_CHARS: usize = 32_767;
/// Column widths in characters (a CJK character counts two).
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 50;
/// The rows that size the columns: the column widths come before the rows in the sheet's XML,
/// so they are taken from the header and the first rows, which are held until then.
const WIDTH_SAMPLE_ROWS: usize = 1_000;
/// Deflate level of every part: 3 is within a few percent of 6 on a roster's XML and about
/// twice as fast.
const ZIP_LEVEL: i64 = 3;

/// Header words of columns whose values are long digit strings that must stay text in Excel
/// (ID numbers, phone and account numbers). Their cells get the Text number format `@`, so
/// that a worker who edits one in Excel does not have it turned into `1.10101E+17`.
const TEXT_HEADER_WORDS: [&str; 9] =
    ["身份证", "证件", "号码", "电话", "手机", "账号", "帐号", "卡号", "编号"];

/// A string that Excel would turn into a number and mangle: 11 digits or more (mobile phone
/// numbers and longer), or an 18-character ID number ending in `X`.
fn looks_like_long_number(s: &str) -> bool {
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    let all_digits = digits == s.len();
    (all_digits && digits >= 11)
        || (s.len() == 18 && digits == 17 && matches!(s.as_bytes().last(), Some(b'X' | b'x')))
}

/// The cell formats of `styles.xml`, by their index in `cellXfs` (0 is the default: no `s`).
#[derive(Clone, Copy)]
enum Style {
    /// Bold, text (`@`), centred both ways.
    Header = 1,
    /// Text (`@`), top-aligned.
    Text = 2,
    TextWrap = 3,
    /// General, top-aligned, wrapped.
    Wrap = 4,
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;

const APP: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Linli</Application></Properties>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// Calibri 11 (and its bold), Excel's default, named outright since the package has no theme;
/// the default format and the four of [`Style`], in its order.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#;

pub(crate) fn write_xlsx(
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    sheet_name: &str,
) -> Result<Vec<u8>, IoError> {
    let mut out = Cursor::new(Vec::new());
    write_xlsx_to(&mut out, headers, rows, sheet_name)?;
    Ok(out.into_inner())
}

/// [`write_xlsx`] into `out` (a temporary file that a response then streams): the sheet is
/// deflated as each row comes, and only the first [`WIDTH_SAMPLE_ROWS`] rows are ever held.
pub(crate) fn write_xlsx_to<W: Write + Seek>(
    out: W,
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    sheet_name: &str,
) -> Result<(), IoError> {
    if headers.len() > MAX_COLUMNS {
        return Err(IoError::TooManyColumns { limit: MAX_COLUMNS });
    }
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(ZIP_LEVEL));
    let mut zip = ZipWriter::new(out);
    for (name, body) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("docProps/app.xml", APP),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/styles.xml", STYLES),
    ] {
        zip.start_file(name, options).map_err(zip_failed)?;
        zip.write_all(body.as_bytes()).map_err(io_failed)?;
    }
    zip.start_file("xl/worksheets/sheet1.xml", options).map_err(zip_failed)?;
    let last_row = {
        let mut sheet = BufWriter::with_capacity(64 * 1024, &mut zip);
        let last_row = write_sheet(&mut sheet, headers, rows)?;
        sheet.flush().map_err(io_failed)?;
        last_row
    };
    zip.start_file("xl/workbook.xml", options).map_err(zip_failed)?;
    let filter = (!headers.is_empty())
        .then(|| format!("$A$1:${}${}", column_name(headers.len() - 1), last_row + 1));
    zip.write_all(workbook_xml(&safe_sheet_name(sheet_name), filter.as_deref()).as_bytes())
        .map_err(io_failed)?;
    zip.finish().map_err(zip_failed)?;
    Ok(())
}

/// The worksheet's XML: the header row frozen, the columns sized, every row, the autofilter
/// over them. Answers the last row's index (0 for the header alone).
fn write_sheet(
    out: &mut impl Write,
    headers: &[&str],
    mut rows: impl Iterator<Item = Vec<String>>,
) -> Result<usize, IoError> {
    let text_columns: Vec<bool> =
        headers.iter().map(|h| TEXT_HEADER_WORDS.iter().any(|w| h.contains(w))).collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h)).collect();
    for (col, header) in headers.iter().enumerate() {
        check_cell(header, 0, col)?;
    }
    let mut sample = Vec::new();
    for row in rows.by_ref() {
        check_row(&row, sample.len() + 1)?;
        for (col, cell) in row.iter().enumerate() {
            let width = display_width(cell);
            match widths.get_mut(col) {
                Some(w) => *w = (*w).max(width),
                None => {
                    widths.resize(col, MIN_WIDTH);
                    widths.push(width);
                }
            }
        }
        sample.push(row);
        if sample.len() == WIDTH_SAMPLE_ROWS {
            break;
        }
    }

    let mut xml = String::with_capacity(64 * 1024);
    xml.push_str(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        "\n",
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
        r#"<sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>"#,
        r#"<sheetFormatPr defaultRowHeight="15"/>"#,
    ));
    if !widths.is_empty() {
        xml.push_str("<cols>");
        for (col, width) in widths.iter().enumerate() {
            let _ = write!(
                xml,
                r#"<col min="{n}" max="{n}" width="{}" customWidth="1"/>"#,
                excel_width((*width).clamp(MIN_WIDTH, MAX_WIDTH) + 2),
                n = col + 1
            );
        }
        xml.push_str("</cols>");
    }
    xml.push_str("<sheetData>");
    xml.push_str(r#"<row r="1">"#);
    for (col, header) in headers.iter().enumerate() {
        cell(&mut xml, 1, col, header, Some(Style::Header));
    }
    xml.push_str("</row>");
    out.write_all(xml.as_bytes()).map_err(io_failed)?;

    let mut last_row = 0;
    let mut write_row = |r: usize, row: &[String]| -> Result<(), IoError> {
        xml.clear();
        let _ = write!(xml, r#"<row r="{}">"#, r + 1);
        for (col, text) in row.iter().enumerate() {
            if text.is_empty() {
                continue;
            }
            let as_text =
                text_columns.get(col).copied().unwrap_or(false) || looks_like_long_number(text);
            let style = match (as_text, text.contains('\n')) {
                (true, false) => Some(Style::Text),
                (true, true) => Some(Style::TextWrap),
                (false, true) => Some(Style::Wrap),
                (false, false) => None,
            };
            cell(&mut xml, r + 1, col, text, style);
        }
        xml.push_str("</row>");
        last_row = r;
        out.write_all(xml.as_bytes()).map_err(io_failed)
    };
    for (i, row) in sample.iter().enumerate() {
        write_row(i + 1, row)?;
    }
    for (i, row) in rows.enumerate() {
        let r = sample.len() + i + 1;
        check_row(&row, r)?;
        write_row(r, &row)?;
    }

    let mut tail = String::from("</sheetData>");
    if !headers.is_empty() {
        let _ = write!(
            tail,
            r#"<autoFilter ref="A1:{}{}"/>"#,
            column_name(headers.len() - 1),
            last_row + 1
        );
    }
    tail.push_str(r#"<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>"#);
    out.write_all(tail.as_bytes()).map_err(io_failed)?;
    Ok(last_row)
}

/// A data row `r` (1 for the first under the header) within Excel's limits.
fn check_row(row: &[String], r: usize) -> Result<(), IoError> {
    if r >= MAX_ROWS {
        return Err(IoError::TooManyRows { limit: MAX_ROWS - 1 });
    }
    if row.len() > MAX_COLUMNS {
        return Err(IoError::TooManyColumns { limit: MAX_COLUMNS });
    }
    for (col, text) in row.iter().enumerate() {
        check_cell(text, r, col)?;
    }
    Ok(())
}

fn check_cell(text: &str, r: usize, col: usize) -> Result<(), IoError> {
    if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
        return Err(IoError::CellTooLong { row: r + 1, column: col + 1 });
    }
    Ok(())
}

/// One inline-string cell at 1-based row `row`; an empty text is a blank cell (with its style).
fn cell(xml: &mut String, row: usize, col: usize, text: &str, style: Option<Style>) {
    let _ = write!(xml, r#"<c r="{}{row}""#, column_name(col));
    if let Some(s) = style {
        let _ = write!(xml, r#" s="{}""#, s as u8);
    }
    if text.is_empty() {
        xml.push_str("/>");
        return;
    }
    xml.push_str(r#" t="inlineStr"><is><t"#);
    let edge = |c: Option<char>| c.is_some_and(char::is_whitespace);
    if edge(text.chars().next()) || edge(text.chars().last()) || text.contains(['\n', '\t']) {
        xml.push_str(r#" xml:space="preserve""#);
    }
    xml.push('>');
    escape_into(xml, text);
    xml.push_str("</t></is></c>");
}

/// `text` as XML character data: `&`, `<` and `>` as entities, and what XML cannot hold (a
/// control character, a carriage return that a parser would fold) as Excel's `_xHHHH_`; an
/// underscore that would read as the start of such an escape is itself escaped (`_x005F_`).
fn escape_into(xml: &mut String, text: &str) {
    for (i, c) in text.char_indices() {
        match c {
            '&' => xml.push_str("&amp;"),
            '<' => xml.push_str("&lt;"),
            '>' => xml.push_str("&gt;"),
            '\n' | '\t' => xml.push(c),
            c if u32::from(c) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                let _ = write!(xml, "_x{:04X}_", u32::from(c));
            }
            '_' if looks_like_x_escape(&text[i..]) => xml.push_str("_x005F_"),
            c => xml.push(c),
        }
    }
}

/// `_x` and four hex digits and `_`.
fn looks_like_x_escape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 7 && b[1] == b'x' && b[2..6].iter().all(u8::is_ascii_hexdigit) && b[6] == b'_'
}

/// Column `col` (0-based) as Excel names it: A … Z, AA … XFD.
fn column_name(col: usize) -> String {
    let mut n = col + 1;
    let mut name = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        name.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// A width of `chars` characters as the sheet stores it: Excel adds 5 pixels of padding to the
/// 7-pixel digits of Calibri 11 and keeps 1/256 of a character.
fn excel_width(chars: usize) -> f64 {
    let w = (chars as f64 * 7.0 + 5.0) / 7.0;
    (w * 256.0).floor() / 256.0
}

fn workbook_xml(sheet_name: &str, filter: Option<&str>) -> String {
    let mut name = String::new();
    escape_into(&mut name, sheet_name);
    let mut xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><bookViews><workbookView xWindow="240" yWindow="15" windowWidth="16095" windowHeight="9660"/></bookViews><sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>"#
    );
    if let Some(range) = filter {
        let _ = write!(
            xml,
            r#"<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'{}'!{range}</definedName></definedNames>"#,
            name.replace('\'', "''")
        );
    }
    xml.push_str("</workbook>");
    xml
}

fn zip_failed(e: zip::result::ZipError) -> IoError {
    IoError::Write { detail: e.to_string() }
}

fn io_failed(e: std::io::Error) -> IoError {
    IoError::Write { detail: e.to_string() }
}

/// Excel's rules for sheet names: at most 31 characters, none of `[]:*?/\`, not starting or
/// ending with an apostrophe, not empty, not "History". Offending characters become `_`.
fn safe_sheet_name(name: &str) -> String {
    let cleaned: String = name
        .trim()
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .take(31)
        .collect();
    let cleaned = cleaned.trim_matches('\'').trim().to_string();
    if cleaned.is_empty() || cleaned.eq_ignore_ascii_case("history") {
        "Sheet1".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names() {
        assert_eq!(safe_sheet_name("居民花名册"), "居民花名册");
        assert_eq!(safe_sheet_name("2026/01 [名单]"), "2026_01 _名单_");
        assert_eq!(safe_sheet_name("'x'"), "x");
        assert_eq!(safe_sheet_name("  "), "Sheet1");
        assert_eq!(safe_sheet_name("History"), "Sheet1");
        assert_eq!(safe_sheet_name(&"长".repeat(40)).chars().count(), 31);
    }

    #[test]
    fn long_numbers() {
        assert!(looks_like_long_number("231002197203050314"));
        assert!(looks_like_long_number("23100219851120069X"));
        assert!(looks_like_long_number("13845301234"));
        assert!(!looks_like_long_number("0453-6541234"));
        assert!(!looks_like_long_number("301"));
        assert!(!looks_like_long_number("夏胜林"));
    }

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
        assert_eq!(column_name(MAX_COLUMNS - 1), "XFD");
    }

    #[test]
    fn what_xml_cannot_hold_is_escaped_as_excel_does() {
        let mut xml = String::new();
        escape_into(&mut xml, "a<b>&c\r\n\u{1}_x0041_ _x00");
        assert_eq!(xml, "a&lt;b&gt;&amp;c_x000D_\n_x0001__x005F_x0041_ _x00");
    }

    #[test]
    fn widths_are_stored_as_excel_computes_them() {
        assert_eq!(excel_width(8), 8.7109375);
        assert_eq!(excel_width(52), 52.7109375);
    }

    #[test]
    fn too_long_cell() {
        let row = vec!["x".repeat(MAX_CELL_CHARS + 1)];
        assert_eq!(
            write_xlsx(&["备注"], std::iter::once(row), "x"),
            Err(IoError::CellTooLong { row: 2, column: 1 })
        );
    }
}
