//! The cells of an xlsx's first worksheet, one at a time, as its XML inflates: the shared
//! strings in one buffer, the styles reduced to "a date or not", nothing of the sheet held.
//!
//! Why not calamine here (it still reads `.xls`): it keeps every shared string as a `String`
//! of its own, 24 bytes and an allocation each, which for a 100,000-row roster (a name, an ID
//! number and a phone a row, all shared strings) is three times the file before a single row
//! is read (issue 18, item 6: an import's peak memory under 4× the file). The rules followed
//! are those of ECMA-376 Part 1 (SpreadsheetML): §18.4 shared strings, §18.8.30-31 number
//! formats, §18.3.1.4 cells, §22.9.2.19 the `_xHHHH_` escapes.

use crate::IoError;
use crate::cell::{bool_text, datetime_text, float_text};
use crate::table::CellSink;
use crate::text::clean;
use calamine::{ExcelDateTime, ExcelDateTimeType};
use quick_xml::events::{BytesStart, Event};
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{BufReader, Read, Seek};
use zip::ZipArchive;

fn corrupt(detail: impl std::fmt::Display) -> IoError {
    IoError::Corrupt { detail: format!("xlsx: {detail}") }
}

impl From<quick_xml::Error> for IoError {
    fn from(e: quick_xml::Error) -> IoError {
        corrupt(e)
    }
}

impl From<quick_xml::events::attributes::AttrError> for IoError {
    fn from(e: quick_xml::events::attributes::AttrError) -> IoError {
        corrupt(e)
    }
}

impl From<zip::result::ZipError> for IoError {
    fn from(e: zip::result::ZipError) -> IoError {
        corrupt(e)
    }
}

/// What a cell style makes of a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumberKind {
    Plain,
    DateTime,
    /// Elapsed time (`[h]:mm:ss`).
    Duration,
}

/// The shared strings, one after the other in one buffer.
#[derive(Default)]
struct Strings {
    text: String,
    ends: Vec<u32>,
}

impl Strings {
    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = match i.checked_sub(1) {
            Some(p) => self.ends[p] as usize,
            None => 0,
        };
        self.text.get(start..end)
    }
}

/// The parts of a workbook needed to read its first worksheet's cells.
pub(crate) struct Workbook<R: Read + Seek> {
    zip: ZipArchive<R>,
    /// The zip entry of the first worksheet; `None` when the workbook has none.
    sheet: Option<String>,
    strings: Strings,
    styles: Vec<NumberKind>,
    is_1904: bool,
}

impl<R: Read + Seek> Workbook<R> {
    /// Opens the package and reads its relationships, workbook, shared strings and styles.
    /// `max_text` bounds the shared strings' text.
    pub(crate) fn open(reader: R, max_text: usize) -> Result<Workbook<R>, IoError> {
        let mut zip = ZipArchive::new(reader)?;
        let workbook_path = read_relationships(&mut zip, "_rels/.rels")?
            .into_iter()
            .find(|r| r.kind.ends_with("/officeDocument"))
            .map(|r| resolve("", &r.target))
            .unwrap_or_else(|| "xl/workbook.xml".to_owned());
        let dir = match workbook_path.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/"),
            None => String::new(),
        };
        let file = workbook_path.rsplit('/').next().unwrap_or("workbook.xml");
        let rels = read_relationships(&mut zip, &format!("{dir}_rels/{file}.rels"))?;
        let (sheets, is_1904) = read_workbook(&mut zip, &workbook_path)?;
        let target = |id: &str| rels.iter().find(|r| r.id == id);
        // The first worksheet a person sees: the first visible one (chart and macro sheets
        // are not worksheets), failing that the first worksheet at all.
        let worksheets: Vec<(&SheetEntry, String)> = sheets
            .iter()
            .filter_map(|s| {
                let rel = target(&s.rel_id)?;
                rel.kind.ends_with("/worksheet").then(|| (s, resolve(&dir, &rel.target)))
            })
            .collect();
        let sheet = worksheets
            .iter()
            .find(|(s, _)| s.visible)
            .or_else(|| worksheets.first())
            .map(|(_, path)| path.clone());
        let part = |suffix: &str, default: &str| {
            rels.iter()
                .find(|r| r.kind.ends_with(suffix))
                .map_or_else(|| format!("{dir}{default}"), |r| resolve(&dir, &r.target))
        };
        let strings =
            read_shared_strings(&mut zip, &part("/sharedStrings", "sharedStrings.xml"), max_text)?;
        let styles = read_styles(&mut zip, &part("/styles", "styles.xml"))?;
        Ok(Workbook { zip, sheet, strings, styles, is_1904 })
    }

    /// Streams the first worksheet's non-empty cells into `sink`, in the order the file
    /// stores them. [`IoError::Empty`] when the workbook has no worksheet.
    pub(crate) fn cells(&mut self, sink: &mut dyn CellSink) -> Result<(), IoError> {
        let Some(path) = self.sheet.clone() else {
            return Err(IoError::Empty);
        };
        let Some(index) = entry_index(&self.zip, &path) else {
            return Err(corrupt(format!("the worksheet {path} is missing")));
        };
        let Workbook { zip, strings, styles, is_1904, .. } = self;
        let values = Values { strings, styles, is_1904: *is_1904 };
        let entry = zip.by_index(index)?;
        let mut xml = quick_xml::Reader::from_reader(BufReader::with_capacity(64 * 1024, entry));
        let mut buf = Vec::with_capacity(1024);
        let mut inner = Vec::with_capacity(256);
        let mut value = String::new();
        // Rows and cells may leave out their reference (`r`): they then follow the previous.
        let mut next_row: u32 = 0;
        let mut row: u32 = 0;
        let mut next_col: u32 = 0;
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf)? {
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "row" => {
                    row = match attr(&e, "r")? {
                        Some(r) => parse_u32(&r)
                            .and_then(|r| r.checked_sub(1))
                            .ok_or_else(|| corrupt(format!("row number `{r}`")))?,
                        None => next_row,
                    };
                    next_row = row.saturating_add(1);
                    next_col = 0;
                }
                Event::Start(e) if e.local_name().as_ref() == "c" => {
                    let cell = CellAttrs::of(&e, row, next_col)?;
                    next_col = cell.col.saturating_add(1);
                    value.clear();
                    let mut inline = false;
                    // The cell's children: <v> its value, <is> an inline string, <f> the
                    // formula (never evaluated: the cached <v> is what Excel shows).
                    loop {
                        inner.clear();
                        match xml.read_event_into(&mut inner)? {
                            Event::Start(child) => match child.local_name().as_ref() {
                                "v" => {
                                    let end = child.name().as_ref().to_owned();
                                    read_text(&mut xml, &end, &mut value)?;
                                }
                                "is" => {
                                    let end = child.name().as_ref().to_owned();
                                    value.clear();
                                    read_rich(&mut xml, &end, &mut value)?;
                                    inline = true;
                                }
                                _ => {
                                    let end = child.name().as_ref().to_owned();
                                    skip(&mut xml, &end)?;
                                }
                            },
                            Event::End(end) if end.local_name().as_ref() == "c" => break,
                            Event::Eof => return Err(corrupt("the sheet ends inside a cell")),
                            _ => {}
                        }
                    }
                    let text = values.text(&cell, &value, inline)?;
                    let text = clean(&text);
                    if !text.is_empty() {
                        sink.cell(cell.row, cell.col, text)?;
                    }
                }
                Event::Empty(e) if e.local_name().as_ref() == "c" => {
                    let cell = CellAttrs::of(&e, row, next_col)?;
                    next_col = cell.col.saturating_add(1);
                }
                Event::End(e) if e.local_name().as_ref() == "sheetData" => break,
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(())
    }
}

/// What a cell's value means: the shared strings, the styles, the date system.
struct Values<'w> {
    strings: &'w Strings,
    styles: &'w [NumberKind],
    is_1904: bool,
}

impl Values<'_> {
    /// A cell's text as Excel shows it (before trimming).
    fn text<'v>(
        &self,
        cell: &CellAttrs,
        v: &'v str,
        inline: bool,
    ) -> Result<Cow<'v, str>, IoError> {
        if inline {
            return Ok(Cow::Borrowed(v));
        }
        Ok(match cell.kind.as_deref() {
            Some("s") => {
                let v = v.trim();
                if v.is_empty() {
                    return Ok(Cow::Borrowed(""));
                }
                let i: usize =
                    v.parse().map_err(|_| corrupt(format!("shared string index `{v}`")))?;
                let s = self
                    .strings
                    .get(i)
                    .ok_or_else(|| corrupt(format!("shared string {i} does not exist")))?;
                Cow::Owned(s.to_owned())
            }
            Some("str") => unescape_x(v),
            Some("inlineStr") => Cow::Borrowed(""),
            Some("b") => Cow::Owned(bool_text(v.trim() == "1" || v.trim() == "true")),
            Some("e") | Some("d") => Cow::Borrowed(v),
            Some("n") | None => {
                let t = v.trim();
                if t.is_empty() {
                    return Ok(Cow::Borrowed(""));
                }
                match t.parse::<f64>() {
                    Ok(n) => Cow::Owned(self.number(n, cell.style)),
                    Err(_) if cell.kind.is_none() => Cow::Borrowed(v),
                    Err(_) => return Err(corrupt(format!("`{t}` is not a number"))),
                }
            }
            Some(other) => return Err(corrupt(format!("cell type `{other}`"))),
        })
    }

    fn number(&self, n: f64, style: usize) -> String {
        let kind = self.styles.get(style).copied().unwrap_or(NumberKind::Plain);
        let typ = match kind {
            NumberKind::Plain => return float_text(n),
            NumberKind::DateTime => ExcelDateTimeType::DateTime,
            NumberKind::Duration => ExcelDateTimeType::TimeDelta,
        };
        datetime_text(&ExcelDateTime::new(n, typ, self.is_1904))
    }
}

/// A `<c>` element's position, type and style.
struct CellAttrs {
    row: u32,
    col: u32,
    kind: Option<String>,
    style: usize,
}

impl CellAttrs {
    fn of(e: &BytesStart<'_>, row: u32, next_col: u32) -> Result<CellAttrs, IoError> {
        let mut cell = CellAttrs { row, col: next_col, kind: None, style: 0 };
        for a in e.attributes() {
            let a = a?;
            let v: &str = &a.value;
            match a.key.local_name().as_ref() {
                "r" => {
                    let (r, c) =
                        cell_ref(v).ok_or_else(|| corrupt(format!("cell reference `{v}`")))?;
                    cell.col = c;
                    if let Some(r) = r {
                        cell.row = r;
                    }
                }
                "t" => cell.kind = Some(v.to_owned()),
                "s" => cell.style = v.trim().parse().unwrap_or(0),
                _ => {}
            }
        }
        Ok(cell)
    }
}

/// `AB12` → (row 11, column 27), zero-based; the row may be missing (`AB`).
fn cell_ref(r: &str) -> Option<(Option<u32>, u32)> {
    let r = r.trim();
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for b in r[..letters].bytes() {
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1;
    }
    let digits = &r[letters..];
    let row = if digits.is_empty() { None } else { Some(parse_u32(digits)?.checked_sub(1)?) };
    Some((row, col - 1))
}

fn parse_u32(s: &str) -> Option<u32> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// An attribute's value, unescaped, by local name.
fn attr(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, IoError> {
    for a in e.attributes() {
        let a = a?;
        if a.key.local_name().as_ref() == name {
            return Ok(Some(a.normalized_value(quick_xml::XmlVersion::Implicit1_0)?.into_owned()));
        }
    }
    Ok(None)
}

type Xml<'z, R> = quick_xml::Reader<BufReader<zip::read::ZipFile<'z, R>>>;

/// Appends the text up to the end of the element `end` (its text and entities) to `out`.
fn read_text<B: std::io::BufRead>(
    xml: &mut quick_xml::Reader<B>,
    end: &str,
    out: &mut String,
) -> Result<(), IoError> {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Text(t) => out.push_str(&t.xml10_content()),
            Event::CData(t) => out.push_str(&t),
            Event::GeneralRef(r) => {
                if let Some(c) = r.resolve_char_ref()? {
                    out.push(c);
                } else {
                    let name: &str = &r;
                    let s = quick_xml::escape::resolve_xml_entity(name)
                        .ok_or_else(|| corrupt(format!("unknown entity &{name};")))?;
                    out.push_str(s);
                }
            }
            Event::End(e) if e.name().as_ref() == end => return Ok(()),
            Event::Eof => return Err(corrupt("the file ends inside a value")),
            _ => {}
        }
    }
}

/// A string item (`<si>`, `<is>`): its `<t>` texts, directly or in rich-text runs (`<r>`),
/// leaving out phonetic guides (`<rPh>`), each `<t>` trimmed of ASCII white space unless it
/// says `xml:space="preserve"`, `_xHHHH_` escapes decoded.
fn read_rich<B: std::io::BufRead>(
    xml: &mut quick_xml::Reader<B>,
    end: &str,
    out: &mut String,
) -> Result<(), IoError> {
    let mut buf = Vec::new();
    let mut t = String::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) if e.local_name().as_ref() == "t" => {
                let preserve = attr(&e, "space")?.is_some_and(|v| v == "preserve");
                let name = e.name().as_ref().to_owned();
                t.clear();
                read_text(xml, &name, &mut t)?;
                let text = if preserve { &t[..] } else { t.trim_matches([' ', '\t', '\r', '\n']) };
                out.push_str(&unescape_x(text));
            }
            Event::Start(e) if e.local_name().as_ref() == "rPh" => {
                let name = e.name().as_ref().to_owned();
                skip(xml, &name)?;
            }
            Event::End(e) if e.name().as_ref() == end => return Ok(()),
            Event::Eof => return Err(corrupt("the file ends inside a string")),
            _ => {}
        }
    }
}

/// Skips to the end of the element `end` (nested elements of the same name included).
fn skip<B: std::io::BufRead>(xml: &mut quick_xml::Reader<B>, end: &str) -> Result<(), IoError> {
    let mut buf = Vec::new();
    let mut depth = 0usize;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) if e.name().as_ref() == end => depth += 1,
            Event::End(e) if e.name().as_ref() == end => {
                if depth == 0 {
                    return Ok(());
                }
                depth -= 1;
            }
            Event::Eof => return Err(corrupt("the file ends inside an element")),
            _ => {}
        }
    }
}

/// Decodes the `_xHHHH_` escapes with which Excel writes characters XML cannot hold (a
/// carriage return is `_x000D_`); a surrogate pair is two of them, a lone surrogate is U+FFFD.
fn unescape_x(s: &str) -> Cow<'_, str> {
    fn at(s: &str, i: usize) -> Option<u16> {
        let b = s.as_bytes().get(i..i + 7)?;
        if b[0] != b'_' || b[1] != b'x' || b[6] != b'_' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&b[2..6]).ok()?, 16).ok()
    }
    if !s.contains("_x") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match at(s, i) {
            Some(hi @ 0xD800..=0xDBFF) => match at(s, i + 7) {
                Some(lo @ 0xDC00..=0xDFFF) => {
                    let c = 0x10000 + ((u32::from(hi) - 0xD800) << 10) + (u32::from(lo) - 0xDC00);
                    out.push(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                    i += 14;
                }
                _ => {
                    out.push(char::REPLACEMENT_CHARACTER);
                    i += 7;
                }
            },
            Some(u) => {
                out.push(char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER));
                i += 7;
            }
            None => {
                let c = s[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    Cow::Owned(out)
}

/// The zip entry named `path` (compared without case and with `\` as `/`, as Excel does).
fn entry_index<R: Read + Seek>(zip: &ZipArchive<R>, path: &str) -> Option<usize> {
    let want = path.trim_start_matches('/').replace('\\', "/");
    if let Some(i) = zip.index_for_name(&want) {
        return Some(i);
    }
    (0..zip.len()).find(|&i| {
        zip.name_for_index(i).and_then(Result::ok).is_some_and(|n| {
            n.trim_start_matches('/').replace('\\', "/").eq_ignore_ascii_case(&want)
        })
    })
}

/// Opens a part of the package as XML; `None` when it is not there.
fn part<'z, R: Read + Seek>(
    zip: &'z mut ZipArchive<R>,
    path: &str,
) -> Result<Option<Xml<'z, R>>, IoError> {
    let Some(i) = entry_index(zip, path) else {
        return Ok(None);
    };
    let entry = zip.by_index(i)?;
    Ok(Some(quick_xml::Reader::from_reader(BufReader::new(entry))))
}

/// A target relative to the folder `dir` (`worksheets/sheet1.xml` in `xl/`), or absolute
/// (`/xl/worksheets/sheet1.xml`); `..` steps out of a folder.
fn resolve(dir: &str, target: &str) -> String {
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_owned(),
        None => format!("{dir}{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split(['/', '\\']) {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

struct Relationship {
    id: String,
    kind: String,
    target: String,
}

fn read_relationships<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    path: &str,
) -> Result<Vec<Relationship>, IoError> {
    let Some(mut xml) = part(zip, path)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                if attr(&e, "TargetMode")?.as_deref() == Some("External") {
                    continue;
                }
                out.push(Relationship {
                    id: attr(&e, "Id")?.unwrap_or_default(),
                    kind: attr(&e, "Type")?.unwrap_or_default(),
                    target: attr(&e, "Target")?.unwrap_or_default(),
                });
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

struct SheetEntry {
    rel_id: String,
    visible: bool,
}

/// The workbook's sheets in tab order, and whether its dates count from 1904.
fn read_workbook<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    path: &str,
) -> Result<(Vec<SheetEntry>, bool), IoError> {
    let Some(mut xml) = part(zip, path)? else {
        return Err(corrupt(format!("{path} is missing")));
    };
    let mut sheets = Vec::new();
    let mut is_1904 = false;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "workbookPr" => {
                    is_1904 = matches!(attr(&e, "date1904")?.as_deref(), Some("1" | "true"));
                }
                "sheet" => sheets.push(SheetEntry {
                    // `r:id`: the only attribute of <sheet> whose local name is `id`.
                    rel_id: attr(&e, "id")?.unwrap_or_default(),
                    visible: !matches!(
                        attr(&e, "state")?.as_deref(),
                        Some("hidden" | "veryHidden")
                    ),
                }),
                _ => {}
            },
            Event::Eof => return Ok((sheets, is_1904)),
            _ => {}
        }
    }
}

fn read_shared_strings<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    path: &str,
    max_text: usize,
) -> Result<Strings, IoError> {
    let mut strings = Strings::default();
    let Some(mut xml) = part(zip, path)? else {
        return Ok(strings);
    };
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) if e.local_name().as_ref() == "si" => {
                let end = e.name().as_ref().to_owned();
                read_rich(&mut xml, &end, &mut strings.text)?;
                push_end(&mut strings, max_text)?;
            }
            Event::Empty(e) if e.local_name().as_ref() == "si" => {
                push_end(&mut strings, max_text)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    strings.text.shrink_to_fit();
    strings.ends.shrink_to_fit();
    Ok(strings)
}

fn push_end(strings: &mut Strings, max_text: usize) -> Result<(), IoError> {
    let end = u32::try_from(strings.text.len())
        .ok()
        .filter(|&e| e as usize <= max_text)
        .ok_or_else(|| IoError::ZipBomb {
            detail: format!("the shared strings hold more than {max_text} bytes"),
        })?;
    strings.ends.push(end);
    Ok(())
}

/// What each cell style (`<cellXfs>`' `<xf>` by index) makes of a number.
fn read_styles<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    path: &str,
) -> Result<Vec<NumberKind>, IoError> {
    let Some(mut xml) = part(zip, path)? else {
        return Ok(Vec::new());
    };
    let mut custom: HashMap<u32, NumberKind> = HashMap::new();
    let mut styles = Vec::new();
    let mut in_cell_xfs = false;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "numFmt" => {
                    let id = attr(&e, "numFmtId")?.and_then(|v| parse_u32(&v));
                    let code = attr(&e, "formatCode")?.unwrap_or_default();
                    if let Some(id) = id {
                        custom.insert(id, format_kind(&code));
                    }
                }
                "cellXfs" => in_cell_xfs = true,
                "xf" if in_cell_xfs => {
                    let id = attr(&e, "numFmtId")?.and_then(|v| parse_u32(&v)).unwrap_or(0);
                    styles.push(custom.get(&id).copied().unwrap_or_else(|| builtin_kind(id)));
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "cellXfs" => in_cell_xfs = false,
            Event::Eof => return Ok(styles),
            _ => {}
        }
    }
}

/// The built-in number formats (ECMA-376 §18.8.30) that show dates and times, with those of
/// the Chinese, Japanese and Korean locales (27-36, 50-58).
fn builtin_kind(id: u32) -> NumberKind {
    match id {
        14..=22 | 27..=36 | 45 | 47 | 50..=58 => NumberKind::DateTime,
        46 => NumberKind::Duration,
        _ => NumberKind::Plain,
    }
}

/// A custom format code's first section shows a date or time when it has a date or time
/// letter (y m d h s, or AM/PM) outside quotes, escapes and brackets; an elapsed-time bracket
/// (`[h]`, `[mm]`, `[ss]`) makes it a duration. `yyyy"年"m"月"d"日"` is a date, `0.00"元"`
/// and `General` are not.
fn format_kind(code: &str) -> NumberKind {
    let mut chars = code.chars().peekable();
    let mut date = false;
    while let Some(c) = chars.next() {
        match c {
            ';' => break,
            '\\' | '_' | '*' => {
                chars.next();
            }
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '[' => {
                let mut inside = String::new();
                for b in chars.by_ref() {
                    if b == ']' {
                        break;
                    }
                    inside.push(b);
                }
                let lower = inside.to_ascii_lowercase();
                if !lower.is_empty() && lower.chars().all(|c| matches!(c, 'h' | 'm' | 's')) {
                    return NumberKind::Duration;
                }
            }
            'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' => date = true,
            'a' | 'A' => {
                let rest: String = chars.clone().take(4).collect();
                if rest.to_ascii_uppercase().starts_with("M/PM") || rest.starts_with("/p") {
                    date = true;
                }
            }
            _ => {}
        }
    }
    if date { NumberKind::DateTime } else { NumberKind::Plain }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_codes() {
        for date in [
            "yyyy/m/d",
            "yyyy\"年\"m\"月\"d\"日\"",
            "[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy",
            "[DBNum1][$-804]yyyy\"年\"m\"月\"",
            "h:mm AM/PM",
            "mm:ss",
        ] {
            assert_eq!(format_kind(date), NumberKind::DateTime, "{date}");
        }
        for plain in
            ["General", "0.00\"元\"", "#,##0.00_);[Red](#,##0.00)", "@", "0.00;\"d\"", "\"yes\"0"]
        {
            assert_eq!(format_kind(plain), NumberKind::Plain, "{plain}");
        }
        assert_eq!(format_kind("[h]:mm:ss"), NumberKind::Duration);
        assert_eq!(builtin_kind(14), NumberKind::DateTime);
        assert_eq!(builtin_kind(31), NumberKind::DateTime);
        assert_eq!(builtin_kind(49), NumberKind::Plain);
    }

    #[test]
    fn references_and_paths() {
        assert_eq!(cell_ref("A1"), Some((Some(0), 0)));
        assert_eq!(cell_ref("ab12"), Some((Some(11), 27)));
        assert_eq!(cell_ref("XFD1048576"), Some((Some(1_048_575), 16_383)));
        assert_eq!(cell_ref("C"), Some((None, 2)));
        assert_eq!(cell_ref("1A"), None);
        assert_eq!(cell_ref("A0"), None);
        assert_eq!(cell_ref("ABCD1"), None);
        assert_eq!(resolve("xl/", "worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
        assert_eq!(resolve("xl/", "/xl/worksheets/s.xml"), "xl/worksheets/s.xml");
        assert_eq!(resolve("xl/", "../x/s.xml"), "x/s.xml");
    }

    #[test]
    fn x_escapes() {
        assert_eq!(unescape_x("a_x000D_b"), "a\rb");
        assert_eq!(unescape_x("_xD83D__xDE00_"), "😀");
        assert_eq!(unescape_x("_xD83D_x"), "\u{FFFD}x");
        assert_eq!(unescape_x("_x12_ 林"), "_x12_ 林");
        assert!(matches!(unescape_x("plain"), Cow::Borrowed("plain")));
    }
}
