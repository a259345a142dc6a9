//! Spreadsheet input and output for the residents rosters that Chinese community workers make
//! in Excel and WPS.
//!
//! Reading ([`read_table`]) takes the bytes of an uploaded `.xlsx`, `.xls` or `.csv` (any of
//! UTF-8, UTF-16 and GB18030/GBK) and gives back the first worksheet as text cells, with the
//! spreadsheet's own row numbers so that an error can say "第7行". Hostile files (zip bombs,
//! huge sheets, garbage) are refused with an [`IoError`] and never make the process panic or
//! allocate what they claim.
//!
//! Writing gives a CSV that Excel opens correctly ([`write_csv`]: UTF-8 BOM, CRLF, formula
//! cells escaped) or an xlsx ([`write_xlsx`]: every cell a string, ID numbers intact).
//!
//! # What comes back from a cell
//!
//! - strings trimmed (also of full-width spaces), otherwise as they are: a leading apostrophe
//!   or `=` is kept, nothing is ever evaluated, formula cells give their cached value;
//! - whole numbers without `.0`; numbers of 1e15 and more with all their integer digits, so an
//!   ID number that Excel stored as a number reads e.g. `110101199003078000` (Excel keeps 15
//!   significant digits: the last three are zeros) and fails the ID check instead of passing
//!   as something else; other numbers rounded to the 15 digits Excel shows;
//! - date cells `YYYY-MM-DD` (with ` HH:MM:SS` when they have a time of day), booleans
//!   `TRUE`/`FALSE`, error cells their text (`#N/A`).
//!
//! Dates typed as text (`1972/3/5`, `1958年7月1日`) stay as typed: parsing them is the
//! importer's business.

mod cell;
mod csv_io;
pub mod docx;
mod error;
mod rows;
mod table;
mod text;
mod xls;
mod xlsx;
mod xlsx_cells;
mod xlsx_write;

pub use error::IoError;
pub use rows::{Rows, Source, open_rows};
pub use table::{Sheet, SheetRow};
pub use text::{decode_text, escape_cell};

/// A sheet as text cells. Row numbers are the spreadsheet's own (header row = 1 when the
/// header is the first row), so errors can say "第7行".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The header row's cells, trimmed. A column without a header (a gap, or data to the right
    /// of the last header) has `""`.
    pub headers: Vec<String>,
    /// The data rows below the header, fully empty rows left out.
    pub rows: Vec<Row>,
}

/// One data row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The row's number in the spreadsheet (as Excel shows it; for CSV, blank lines count and a
    /// cell spanning several lines does not).
    pub number: usize,
    /// Aligned with [`Table::headers`] (same length); missing cells are `""`.
    pub cells: Vec<String>,
}

impl Table {
    /// The index of the first column whose header is `name` (exact match after trimming).
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name.trim())
    }
}

/// How much a file may hold before it is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Size of the uploaded file.
    pub max_file_bytes: u64,
    /// xlsx: total declared size of the zip's entries once expanded. xls: memory the sheets'
    /// cell grids would take.
    pub max_uncompressed_bytes: u64,
    /// Data rows below the header.
    pub max_rows: usize,
    /// Columns: a non-empty cell at or beyond this zero-based column is refused.
    pub max_columns: usize,
}

impl Default for Limits {
    /// 50 MiB file, 500 MiB uncompressed, 1,000,000 rows, 200 columns.
    fn default() -> Limits {
        Limits {
            max_file_bytes: 50 * 1024 * 1024,
            max_uncompressed_bytes: 500 * 1024 * 1024,
            max_rows: 1_000_000,
            max_columns: 200,
        }
    }
}

/// A spreadsheet file format that [`read_table`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Office Open XML workbook (a zip).
    Xlsx,
    /// Excel 97-2003 workbook (an OLE compound file), also what WPS saves as `.xls`/`.et`.
    Xls,
    /// Delimited text: `,` `;` or tab separated, any of the encodings [`decode_text`] knows.
    Csv,
}

/// Tells the format from the file's first bytes, then from its name:
///
/// - `PK\x03\x04` (a zip) is xlsx, `D0 CF 11 E0` (an OLE compound file) is xls, whatever the
///   name says; other well-known binary kinds (PDF, images, RAR, 7z, gzip) are refused with
///   [`IoError::Unsupported`], an empty file with [`IoError::Empty`];
/// - otherwise the extension: `.xlsx`/`.xlsm` xlsx and `.xls`/`.et` xls, except that a text
///   file under such a name (many systems export tab-separated text as `.xls`) is csv, and an
///   HTML page under such a name is refused;
/// - otherwise csv.
pub fn detect_format(file_name: &str, bytes: &[u8]) -> Result<Format, IoError> {
    if bytes.is_empty() {
        return Err(IoError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Ok(Format::Xlsx);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Ok(Format::Xls);
    }
    const OTHER: [(&[u8], &str); 8] = [
        (b"%PDF", "PDF"),
        (b"\x89PNG", "图片"),
        (b"\xFF\xD8\xFF", "图片"),
        (b"GIF8", "图片"),
        (b"Rar!", "压缩包"),
        (b"7z\xBC\xAF", "压缩包"),
        (b"\x1F\x8B", "压缩包"),
        (b"{\\rtf", "RTF 文档"),
    ];
    if let Some((_, kind)) = OTHER.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Err(IoError::Unsupported { kind });
    }
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let by_name = match extension.as_str() {
        "xlsx" | "xlsm" => Format::Xlsx,
        "xls" | "et" => Format::Xls,
        _ => return Ok(Format::Csv),
    };
    match decode_text(bytes) {
        Ok(text) if looks_like_html(&text) => {
            Err(IoError::Unsupported { kind: "网页（HTML）格式的表格" })
        }
        Ok(text) if is_plain_text(&text) => Ok(Format::Csv),
        _ => Ok(by_name),
    }
}

/// No control characters but tab and line ends: real text, not binary that happened to decode.
fn is_plain_text(text: &str) -> bool {
    !text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
}

fn looks_like_html(text: &str) -> bool {
    let start: String = text.trim_start().chars().take(64).collect::<String>().to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html") || start.starts_with("<table")
}

/// Reads the first worksheet of an uploaded file into a [`Table`]: the first visible one, as
/// the person sees it when opening the file (hidden sheets and chart sheets are passed over).
///
/// The header row is the first row with at least two non-empty cells (a title row such as
/// "Xx社区居民花名册" and blank rows above it are passed over); the rows below it are the data,
/// fully empty ones left out. See the crate documentation for what a cell reads as, and
/// [`IoError`] for the refusals.
pub fn read_table(bytes: &[u8], file_name: &str, limits: &Limits) -> Result<Table, IoError> {
    read_sheet(bytes, file_name, limits).map(Sheet::into_table)
}

/// Reads the first worksheet as [`read_table`] does, into a compact [`Sheet`]: every cell's
/// text in one buffer, 8 bytes a non-empty cell besides (a `Table` takes a `String` a cell).
/// For large files: the importer reads a 50 MB CSV of 640,000 rows into about twice its size.
/// The cells' text is limited to [`Limits::max_uncompressed_bytes`] in total (a small xlsx can
/// repeat one long shared string a million times), refused with [`IoError::ZipBomb`].
pub fn read_sheet(bytes: &[u8], file_name: &str, limits: &Limits) -> Result<Sheet, IoError> {
    let size = bytes.len() as u64;
    if size > limits.max_file_bytes {
        return Err(IoError::TooLarge { size, limit: limits.max_file_bytes });
    }
    match detect_format(file_name, bytes)? {
        Format::Xlsx => xlsx::read_xlsx(bytes, limits),
        Format::Xls => xls::read_xls(bytes, limits),
        Format::Csv => csv_io::read_csv(bytes, limits),
    }
}

/// Writes a CSV file for Excel and WPS: a UTF-8 BOM first (so that Excel does not read it as
/// GBK), CRLF line ends, quoting where needed, and [`escape_cell`] applied to every cell (the
/// headers too) against CSV injection. Rows are written as they come (streamed, any length).
///
/// Note: Excel turns digit strings of 16 or more digits into numbers when it opens a CSV, so
/// ID numbers survive a CSV only for programs; give people [`write_xlsx`].
pub fn write_csv<W: std::io::Write>(
    out: W,
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<(), IoError> {
    csv_io::write_csv(out, headers, rows)
}

/// Writes a one-sheet xlsx workbook: the header row bold, frozen and with an autofilter;
/// every cell a string (never a formula, so a cell `=cmd|...` is inert text and is *not*
/// escaped); columns sized to the header and the first 1,000 rows (CJK characters counted
/// double); ID-number-like columns (by header: 身份证、证件、号码、电话、手机、账号、卡号、
/// 编号; or any cell of 11 digits or more, or an 18-character ID ending in X) in the Text
/// format `@`, so that Excel keeps all 18 digits even when someone edits them. Cells containing a line break wrap.
///
/// `sheet_name` is made acceptable to Excel (forbidden characters become `_`, 31 characters
/// at most). Fails with [`IoError::CellTooLong`] for a cell over 32,767 characters and
/// [`IoError::TooManyRows`] beyond 1,048,575 data rows.
pub fn write_xlsx(
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    sheet_name: &str,
) -> Result<Vec<u8>, IoError> {
    xlsx_write::write_xlsx(headers, rows, sheet_name)
}

/// [`write_xlsx`] into `out` instead of a buffer: a large export goes to a temporary file and
/// is streamed from there, so the finished file is never held in memory. The sheet is
/// compressed as its rows come, so a writer fed by a database read finishes with the read.
pub fn write_xlsx_to<W: std::io::Write + std::io::Seek>(
    out: W,
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    sheet_name: &str,
) -> Result<(), IoError> {
    xlsx_write::write_xlsx_to(out, headers, rows, sheet_name)
}

/// Runs a third-party parser so that a panic on malformed input becomes
/// [`IoError::Corrupt`] instead of taking the request (or the process) down.
pub(crate) fn guard_panics<T>(f: impl FnOnce() -> Result<T, IoError>) -> Result<T, IoError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(IoError::Corrupt { detail: "the parser failed on malformed data".to_string() })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_magic_then_name() {
        assert_eq!(detect_format("a.csv", b"PK\x03\x04xx"), Ok(Format::Xlsx));
        assert_eq!(
            detect_format("a.xlsx", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]),
            Ok(Format::Xls)
        );
        assert_eq!(detect_format("a.XLSX", b"\x00\x01garbage"), Ok(Format::Xlsx));
        assert_eq!(detect_format("a.xls", b"\x00\x01garbage"), Ok(Format::Xls));
        assert_eq!(detect_format("a.xls", "姓名\t电话\n".as_bytes()), Ok(Format::Csv));
        assert_eq!(detect_format("名单", "姓名,电话".as_bytes()), Ok(Format::Csv));
        assert_eq!(detect_format("a.txt", b"\x00\x01"), Ok(Format::Csv));
        assert_eq!(detect_format("a.xlsx", b""), Err(IoError::Empty));
        assert_eq!(detect_format("a.xlsx", b"%PDF-1.7"), Err(IoError::Unsupported { kind: "PDF" }));
        assert!(matches!(
            detect_format("a.xls", b"<html><table><tr><td>1</td></tr></table></html>"),
            Err(IoError::Unsupported { .. })
        ));
    }

    #[test]
    fn too_large_is_checked_first() {
        let limits = Limits { max_file_bytes: 4, ..Limits::default() };
        assert_eq!(
            read_table(b"a,b\n1,2\n", "a.csv", &limits),
            Err(IoError::TooLarge { size: 8, limit: 4 })
        );
    }

    #[test]
    fn column_lookup() {
        let t = Table { headers: vec!["姓名".into(), "电话".into()], rows: vec![] };
        assert_eq!(t.column(" 电话 "), Some(1));
        assert_eq!(t.column("楼栋"), None);
    }
}
