//! A large file's rows, read as they come and as often as asked, never all held at once
//! (issue 18, item 6: an import's peak memory under 4× the file).
//!
//! [`open_rows`] reads the file once to find its header, count its rows and check the limits;
//! [`Rows::for_each`] then reads it again for each pass the importer makes (one: it checks
//! each row and writes the good ones in batches), holding one row at a time. An xlsx is streamed from the zip each
//! time (from disk when the file is on disk); a CSV's text is held, once (the file itself,
//! when it is UTF-8). A sheet whose rows are stored out of order (bottom-up, or one row in
//! two places) cannot be read a row at a time: it is read whole, into the compact [`Sheet`],
//! as is an `.xls` (calamine decodes those whole anyway).
//!
//! The rows are those of [`crate::read_sheet`]: the header is the first row with two cells or
//! more, the data the non-empty rows below it, cells cleaned, the last of two cells in one
//! place kept. Columns are the sheet's own (column A is 0); [`Rows::headers`] is aligned with
//! them.

use crate::csv_io::{csv_cells, decode_csv};
use crate::table::CellSink;
use crate::xlsx::{max_text, vet_xlsx};
use crate::xlsx_cells::Workbook;
use crate::{Format, IoError, Limits, Sheet, SheetRow, detect_format};
use std::borrow::Cow;
use std::fs::File;
use std::io::{BufReader, Cursor, Read};
use std::ops::ControlFlow;
use std::path::Path;

/// Where [`open_rows`] reads a file from.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// The file's bytes, in memory (an upload).
    Bytes(&'a [u8]),
    /// A file on disk (the command line): an xlsx is never read into memory whole.
    File(&'a Path),
}

/// The rows of a file's first worksheet; see the module documentation.
pub struct Rows<'a> {
    data: Data<'a>,
    limits: Limits,
    headers: Vec<String>,
    len: usize,
}

enum Data<'a> {
    Csv(Cow<'a, str>),
    XlsxBytes(&'a [u8]),
    XlsxFile(&'a Path),
    Held(Sheet),
}

impl std::fmt::Debug for Rows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let how = match self.data {
            Data::Csv(_) => "csv",
            Data::XlsxBytes(_) | Data::XlsxFile(_) => "xlsx, streamed",
            Data::Held(_) => "held",
        };
        f.debug_struct("Rows")
            .field("data", &how)
            .field("headers", &self.headers)
            .field("len", &self.len)
            .finish()
    }
}

impl Rows<'_> {
    /// The header row's cells by column (`""` where the header row has none).
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The number of data rows.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the rows are read anew on each pass (false: held in memory).
    pub fn is_streamed(&self) -> bool {
        !matches!(self.data, Data::Held(_))
    }

    /// Calls `f` with each data row, in order, until it breaks. Each call reads the file
    /// again (unless held); an error is the file's (it changed on disk since it was opened).
    pub fn for_each(
        &self,
        f: &mut dyn FnMut(SheetRow<'_>) -> ControlFlow<()>,
    ) -> Result<(), IoError> {
        if let Data::Held(sheet) = &self.data {
            for row in sheet.rows() {
                if f(row).is_break() {
                    break;
                }
            }
            return Ok(());
        }
        let mut rows = Assembler::new(&self.limits, f);
        let result = scan(&self.data, &self.limits, &mut rows);
        if rows.stopped {
            return Ok(());
        }
        if rows.unordered {
            return Err(IoError::Corrupt {
                detail: "the file changed while it was read".to_owned(),
            });
        }
        result.and_then(|()| rows.finish().map(|_| ()))
    }
}

/// Opens a file's rows: reads it through once (see the module documentation). Refuses what
/// [`crate::read_sheet`] refuses, with the same errors.
pub fn open_rows<'a>(
    source: Source<'a>,
    file_name: &str,
    limits: &Limits,
) -> Result<Rows<'a>, IoError> {
    let size = match source {
        Source::Bytes(b) => b.len() as u64,
        Source::File(p) => std::fs::metadata(p).map_err(io_error)?.len(),
    };
    if size > limits.max_file_bytes {
        return Err(IoError::TooLarge { size, limit: limits.max_file_bytes });
    }
    let data = match source {
        Source::Bytes(bytes) => match detect_format(file_name, bytes)? {
            Format::Xlsx => {
                vet_xlsx(Cursor::new(bytes), limits)?;
                Data::XlsxBytes(bytes)
            }
            Format::Csv => Data::Csv(decode_csv(bytes)?),
            Format::Xls => Data::Held(crate::read_sheet(bytes, file_name, limits)?),
        },
        Source::File(path) => {
            let mut magic = Vec::with_capacity(8);
            File::open(path).and_then(|f| f.take(8).read_to_end(&mut magic)).map_err(io_error)?;
            if magic.starts_with(b"PK\x03\x04") || magic.starts_with(b"PK\x05\x06") {
                vet_xlsx(BufReader::new(File::open(path).map_err(io_error)?), limits)?;
                Data::XlsxFile(path)
            } else {
                let bytes = std::fs::read(path).map_err(io_error)?;
                match detect_format(file_name, &bytes)? {
                    Format::Csv => Data::Csv(Cow::Owned(owned_text(bytes)?)),
                    _ => Data::Held(crate::read_sheet(&bytes, file_name, limits)?),
                }
            }
        }
    };
    let mut none = |_: SheetRow<'_>| ControlFlow::Continue(());
    let mut first = Assembler::new(limits, &mut none);
    let result = scan(&data, limits, &mut first);
    if first.unordered {
        // Bottom-up or scattered: read whole and sorted, as read_sheet does.
        let sheet = match data {
            Data::XlsxBytes(bytes) => crate::read_sheet(bytes, file_name, limits)?,
            Data::XlsxFile(path) => {
                let bytes = std::fs::read(path).map_err(io_error)?;
                crate::read_sheet(&bytes, file_name, limits)?
            }
            Data::Csv(_) | Data::Held(_) => return Err(IoError::Empty),
        };
        return Ok(held(sheet, *limits));
    }
    result?;
    let (headers, len) = first.finish()?;
    if let Data::Held(sheet) = data {
        return Ok(held(sheet, *limits));
    }
    Ok(Rows { data, limits: *limits, headers, len })
}

fn held(sheet: Sheet, limits: Limits) -> Rows<'static> {
    Rows { headers: sheet.headers.clone(), len: sheet.len(), data: Data::Held(sheet), limits }
}

fn io_error(e: std::io::Error) -> IoError {
    IoError::Corrupt { detail: format!("cannot read the file: {e}") }
}

/// A CSV file's text, reusing its bytes when they are UTF-8 (the BOM dropped).
fn owned_text(mut bytes: Vec<u8>) -> Result<String, IoError> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return decode_csv(&bytes).map(Cow::into_owned);
    }
    match String::from_utf8(bytes) {
        Ok(text) => {
            if text.contains('\0') {
                return decode_csv(text.as_bytes()).map(Cow::into_owned);
            }
            Ok(text)
        }
        Err(e) => decode_csv(e.as_bytes()).map(Cow::into_owned),
    }
}

/// Reads the cells of `data` (not held) into `sink`.
fn scan(data: &Data<'_>, limits: &Limits, sink: &mut dyn CellSink) -> Result<(), IoError> {
    match data {
        Data::Csv(text) => csv_cells(text, limits, sink),
        Data::XlsxBytes(bytes) => crate::guard_panics(|| {
            Workbook::open(Cursor::new(*bytes), max_text(limits))?.cells(sink)
        }),
        Data::XlsxFile(path) => crate::guard_panics(|| {
            let file = BufReader::new(File::open(path).map_err(io_error)?);
            Workbook::open(file, max_text(limits))?.cells(sink)
        }),
        Data::Held(_) => Ok(()),
    }
}

/// Makes rows of cells arriving in order: one row held at a time, the header found, the
/// limits enforced. When the cells are out of order or `f` breaks, it says so (`unordered`,
/// `stopped`) and ends the reading with an error that the caller then disregards.
struct Assembler<'f> {
    max_rows: usize,
    max_columns: usize,
    max_text: usize,
    /// Text of all cells so far (for the limit on text).
    text_total: usize,
    /// The current row (zero-based) and its cells: (column, end of its text), arrival order.
    row: Option<u32>,
    cells: Vec<(u32, u32)>,
    text: String,
    /// The current row's cells sorted, when they did not arrive in order.
    sorted: Vec<(u32, u32)>,
    sorted_text: String,
    headers: Option<Vec<String>>,
    any: bool,
    data_rows: usize,
    unordered: bool,
    stopped: bool,
    f: &'f mut dyn FnMut(SheetRow<'_>) -> ControlFlow<()>,
}

impl<'f> Assembler<'f> {
    fn new(limits: &Limits, f: &'f mut dyn FnMut(SheetRow<'_>) -> ControlFlow<()>) -> Self {
        Assembler {
            max_rows: limits.max_rows,
            max_columns: limits.max_columns,
            max_text: max_text(limits),
            text_total: 0,
            row: None,
            cells: Vec::new(),
            text: String::new(),
            sorted: Vec::new(),
            sorted_text: String::new(),
            headers: None,
            any: false,
            data_rows: 0,
            unordered: false,
            stopped: false,
            f,
        }
    }

    /// The end of a row: its cells in column order (the last of two in one column kept),
    /// then the header or a data row.
    fn flush(&mut self) -> Result<(), IoError> {
        let Some(row) = self.row.take() else {
            return Ok(());
        };
        let in_order = self.cells.windows(2).all(|w| w[0].0 < w[1].0);
        let (cells, text) = if in_order {
            (&self.cells, &self.text)
        } else {
            let mut order: Vec<(u32, u32, u32)> = Vec::with_capacity(self.cells.len());
            let mut start = 0u32;
            for &(col, end) in &self.cells {
                order.push((col, start, end));
                start = end;
            }
            order.sort_by_key(|c| c.0); // stable: arrival order kept in a column
            self.sorted.clear();
            self.sorted_text.clear();
            for (i, &(col, start, end)) in order.iter().enumerate() {
                if order.get(i + 1).is_some_and(|next| next.0 == col) {
                    continue;
                }
                self.sorted_text
                    .push_str(self.text.get(start as usize..end as usize).unwrap_or(""));
                self.sorted.push((col, self.sorted_text.len() as u32));
            }
            (&self.sorted, &self.sorted_text)
        };
        let number = row as usize + 1;
        if self.headers.is_none() {
            if cells.len() >= 2 {
                let width = cells.last().map_or(0, |c| c.0 as usize + 1);
                let mut headers = vec![String::new(); width];
                let mut start = 0usize;
                for &(col, end) in cells {
                    headers[col as usize] = text.get(start..end as usize).unwrap_or("").to_owned();
                    start = end as usize;
                }
                self.headers = Some(headers);
            }
        } else {
            self.data_rows += 1;
            if self.data_rows > self.max_rows {
                return Err(IoError::TooManyRows { limit: self.max_rows });
            }
            let row = SheetRow::new(number, text, cells);
            if (self.f)(row).is_break() {
                self.stopped = true;
                return Err(IoError::Empty);
            }
        }
        self.cells.clear();
        self.text.clear();
        Ok(())
    }

    /// The header and the number of data rows, once every cell is in.
    fn finish(&mut self) -> Result<(Vec<String>, usize), IoError> {
        self.flush()?;
        if !self.any {
            return Err(IoError::Empty);
        }
        match self.headers.take() {
            Some(h) => Ok((h, self.data_rows)),
            None => Err(IoError::NoHeader),
        }
    }
}

impl CellSink for Assembler<'_> {
    fn cell(&mut self, row: u32, col: u32, text: &str) -> Result<(), IoError> {
        if usize::try_from(col).map_or(true, |c| c >= self.max_columns) {
            return Err(IoError::TooManyColumns { limit: self.max_columns });
        }
        self.text_total += text.len();
        if self.text_total > self.max_text {
            return Err(IoError::ZipBomb {
                detail: format!("the cells hold more than {} bytes of text", self.max_text),
            });
        }
        self.any = true;
        match self.row {
            Some(current) if row < current => {
                self.unordered = true;
                return Err(IoError::Empty);
            }
            Some(current) if row > current => self.flush()?,
            _ => {}
        }
        self.row = Some(row);
        self.text.push_str(text);
        self.cells.push((col, self.text.len() as u32));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read_sheet;

    fn collect(rows: &Rows<'_>) -> Vec<(usize, Vec<String>)> {
        let width = rows.headers().len();
        let mut out = Vec::new();
        rows.for_each(&mut |r| {
            out.push((r.number, r.to_vec(width)));
            ControlFlow::Continue(())
        })
        .unwrap();
        out
    }

    /// The rows of `open_rows` are those of `read_sheet`, by header name.
    fn same_as_read_sheet(bytes: &[u8], name: &str) {
        let limits = Limits::default();
        let sheet = read_sheet(bytes, name, &limits).unwrap();
        let rows = open_rows(Source::Bytes(bytes), name, &limits).unwrap();
        assert_eq!(rows.len(), sheet.len());
        let named = |headers: &[String], cells: &[String]| -> Vec<(String, String)> {
            headers
                .iter()
                .zip(cells)
                .filter(|(h, c)| !h.is_empty() && !c.is_empty())
                .map(|(h, c)| (h.clone(), c.clone()))
                .collect()
        };
        let streamed: Vec<_> = collect(&rows)
            .into_iter()
            .map(|(n, cells)| (n, named(rows.headers(), &cells)))
            .collect();
        let whole: Vec<_> = sheet
            .rows()
            .map(|r| (r.number, named(&sheet.headers, &r.to_vec(sheet.headers.len()))))
            .collect();
        assert_eq!(streamed, whole);
        // A second pass reads the same.
        assert_eq!(collect(&rows).len(), sheet.len());
    }

    #[test]
    fn csv_rows_are_those_of_read_sheet() {
        let csv = "Xx社区居民花名册\r\n\r\n姓名,电话,楼栋\r\n杨静,138,1号楼\r\n\r\n\"王\n刚\",,2号楼\r\n ,  ,\r\n李四,139,\r\n";
        same_as_read_sheet(csv.as_bytes(), "r.csv");
        let rows = open_rows(Source::Bytes(csv.as_bytes()), "r.csv", &Limits::default()).unwrap();
        assert!(rows.is_streamed());
        assert_eq!(rows.headers(), ["姓名", "电话", "楼栋"]);
        let numbers: Vec<usize> = collect(&rows).iter().map(|r| r.0).collect();
        assert_eq!(numbers, [4, 6, 8]);
    }

    /// The workbook with its sheet's `<row>` elements in reverse order (the header last).
    fn reverse_rows(xlsx: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut archive = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut xml = String::new();
            entry.read_to_string(&mut xml).unwrap();
            if name.ends_with("sheet1.xml") {
                let (start, end) = (xml.find("<row ").unwrap(), xml.rfind("</row>").unwrap() + 6);
                let mut rows: Vec<&str> = xml[start..end].split_inclusive("</row>").collect();
                rows.reverse();
                xml = format!("{}{}{}", &xml[..start], rows.concat(), &xml[end..]);
            }
            out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            out.write_all(xml.as_bytes()).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn xlsx_rows_stream_and_a_bottom_up_sheet_is_held() {
        let headers = ["姓名", "身份证号", "电话"];
        let data: Vec<Vec<String>> = (0..50)
            .map(|i| vec![format!("居民{i}"), format!("1101{i:014}"), String::new()])
            .collect();
        let bytes = crate::write_xlsx(&headers, data.iter().cloned(), "花名册").unwrap();
        same_as_read_sheet(&bytes, "r.xlsx");
        let rows = open_rows(Source::Bytes(&bytes), "r.xlsx", &Limits::default()).unwrap();
        assert!(rows.is_streamed());
        assert_eq!(rows.len(), 50);

        // The same sheet with its rows in reverse order: read whole, sorted.
        let reversed = reverse_rows(&bytes);
        let rows = open_rows(Source::Bytes(&reversed), "r.xlsx", &Limits::default()).unwrap();
        assert!(!rows.is_streamed());
        assert_eq!(rows.len(), 50);
        let first = collect(&rows)[0].1.clone();
        assert_eq!(first[0], "居民0");
    }

    #[test]
    fn a_break_stops_and_limits_hold() {
        let mut csv = String::from("姓名,电话\n");
        for i in 0..100 {
            csv.push_str(&format!("居民{i},{i}\n"));
        }
        let rows = open_rows(Source::Bytes(csv.as_bytes()), "r.csv", &Limits::default()).unwrap();
        let mut seen = 0;
        rows.for_each(&mut |_| {
            seen += 1;
            if seen == 10 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
        })
        .unwrap();
        assert_eq!(seen, 10);
        let tight = Limits { max_rows: 99, ..Limits::default() };
        assert_eq!(
            open_rows(Source::Bytes(csv.as_bytes()), "r.csv", &tight).unwrap_err(),
            IoError::TooManyRows { limit: 99 }
        );
        assert_eq!(
            open_rows(Source::Bytes(b"\n\n"), "r.csv", &Limits::default()).unwrap_err(),
            IoError::Empty
        );
        assert_eq!(
            open_rows(Source::Bytes("只有一列\n一\n".as_bytes()), "r.csv", &Limits::default())
                .unwrap_err(),
            IoError::NoHeader
        );
    }

    #[test]
    fn files_on_disk_read_like_bytes() {
        let dir = std::env::temp_dir().join(format!("linli-io-rows-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let headers = ["姓名", "电话"];
        let data = [vec!["杨静".to_owned(), "138".to_owned()]];
        let xlsx = crate::write_xlsx(&headers, data.iter().cloned(), "花名册").unwrap();
        let path = dir.join("r.xlsx");
        std::fs::write(&path, &xlsx).unwrap();
        let rows = open_rows(Source::File(&path), "r.xlsx", &Limits::default()).unwrap();
        assert_eq!(collect(&rows), [(2, vec!["杨静".to_owned(), "138".to_owned()])]);
        let gbk = encoding_rs::GB18030.encode("姓名,电话\n杨静,138\n").0.into_owned();
        let path = dir.join("r.csv");
        std::fs::write(&path, &gbk).unwrap();
        let rows = open_rows(Source::File(&path), "r.csv", &Limits::default()).unwrap();
        assert_eq!(collect(&rows), [(2, vec!["杨静".to_owned(), "138".to_owned()])]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
