//! CSV (and tab-separated "Unicode text") in and out.

use crate::table::{CellSink, TableBuilder};
use crate::text::{clean, decode_text_borrowed, escape_cell};
use crate::{IoError, Limits, Sheet};
use std::borrow::Cow;
use std::io::Write;

pub(crate) fn read_csv(bytes: &[u8], limits: &Limits) -> Result<Sheet, IoError> {
    let text = decode_csv(bytes)?;
    let mut builder = TableBuilder::new(limits);
    csv_cells(&text, limits, &mut builder)?;
    builder.finish()
}

/// The text of a CSV file (UTF-8, the usual case, borrowed, not copied); binary data refused.
pub(crate) fn decode_csv(bytes: &[u8]) -> Result<Cow<'_, str>, IoError> {
    let text = decode_text_borrowed(bytes)?;
    if text.contains('\0') {
        return Err(IoError::Corrupt {
            detail: "NUL character in a text file: binary data".to_string(),
        });
    }
    Ok(text)
}

/// Streams the cells of a CSV text into `sink`, row by row, with the row numbers Excel shows.
pub(crate) fn csv_cells(
    text: &str,
    limits: &Limits,
    sink: &mut dyn CellSink,
) -> Result<(), IoError> {
    let (delimiter, body) = match sep_hint(text) {
        Some((d, rest)) => (d, rest),
        None => (detect_delimiter(text), text),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(body.as_bytes());
    let mut record = csv::StringRecord::new();
    // The csv crate skips blank lines, which Excel shows as rows: count them back in from the
    // text so that row numbers are the ones the worker sees. A record's span starts right
    // after the previous record's terminator (of a CRLF, only the CR is consumed).
    let mut row: u64 = 0;
    let mut prev_ended_with_cr = false;
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| IoError::Corrupt { detail: format!("CSV: {e}") })?;
        if !more {
            break;
        }
        let start = record.position().and_then(|p| usize::try_from(p.byte()).ok()).unwrap_or(0);
        let end = usize::try_from(reader.position().byte()).unwrap_or(start);
        let span = body.as_bytes().get(start..end).unwrap_or(&[]);
        row += blank_lines(span, prev_ended_with_cr);
        prev_ended_with_cr = span.last() == Some(&b'\r');
        let row_index =
            u32::try_from(row).map_err(|_| IoError::TooManyRows { limit: limits.max_rows })?;
        for (col, field) in record.iter().enumerate() {
            let text = clean(field);
            if text.is_empty() {
                continue;
            }
            let col = u32::try_from(col)
                .map_err(|_| IoError::TooManyColumns { limit: limits.max_columns })?;
            sink.cell(row_index, col, text)?;
        }
        row += 1;
    }
    Ok(())
}

/// Blank lines before a record: the line ends at the start of its span (CRLF, LF or CR each
/// one), less the LF that completes the previous record's CRLF.
fn blank_lines(span: &[u8], prev_ended_with_cr: bool) -> u64 {
    let lead = span.iter().take_while(|&&c| c == b'\r' || c == b'\n').count();
    let lead = &span[..lead];
    let lead = match lead {
        [b'\n', rest @ ..] if prev_ended_with_cr => rest,
        _ => lead,
    };
    lead.iter()
        .enumerate()
        .filter(|&(i, &c)| c == b'\r' || (c == b'\n' && (i == 0 || lead[i - 1] != b'\r')))
        .count() as u64
}

/// Excel's `sep=;` first line names the delimiter; the line itself is not a row.
fn sep_hint(text: &str) -> Option<(u8, &str)> {
    let (first, rest) = match text.find('\n') {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, ""),
    };
    let first = first.trim_end_matches('\r').trim_matches('"');
    let sep = first.strip_prefix("sep=")?;
    match sep.as_bytes() {
        [d] if d.is_ascii() && !d.is_ascii_alphanumeric() && *d != b'"' => Some((*d, rest)),
        _ => None,
    }
}

/// The delimiter of the first non-empty line that holds any of `,` `;` tab, counting only
/// outside quotes; the most frequent one wins, ties and nothing at all give `,`. (A title row
/// without any delimiter, "Xx社区居民花名册", is passed over.)
fn detect_delimiter(text: &str) -> u8 {
    for line in text.lines().take(100) {
        let mut counts = [0usize; 3]; // , ; \t
        let mut quoted = false;
        for c in line.chars() {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => counts[0] += 1,
                ';' if !quoted => counts[1] += 1,
                '\t' if !quoted => counts[2] += 1,
                _ => {}
            }
        }
        let best = counts.iter().copied().max().unwrap_or(0);
        if best == 0 {
            continue;
        }
        return if counts[0] == best {
            b','
        } else if counts[2] == best {
            b'\t'
        } else {
            b';'
        };
    }
    b','
}

pub(crate) fn write_csv<W: Write>(
    mut out: W,
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<(), IoError> {
    let failed = |e: &dyn std::fmt::Display| IoError::Write { detail: e.to_string() };
    out.write_all(b"\xEF\xBB\xBF").map_err(|e| failed(&e))?;
    let mut w =
        csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).flexible(true).from_writer(out);
    w.write_record(headers.iter().map(|h| escape_cell(h))).map_err(|e| failed(&e))?;
    for row in rows {
        w.write_record(row.iter().map(|c| escape_cell(c))).map_err(|e| failed(&e))?;
    }
    w.flush().map_err(|e| failed(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> crate::Table {
        read_csv(s.as_bytes(), &Limits::default()).unwrap().into_table()
    }

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter("a,b;c,d"), b',');
        assert_eq!(detect_delimiter("a;b;c,d"), b';');
        assert_eq!(detect_delimiter("a\tb\tc"), b'\t');
        assert_eq!(detect_delimiter("\"a,b,c\";d"), b';');
        assert_eq!(detect_delimiter("标题\n\na\tb"), b'\t');
        assert_eq!(detect_delimiter("标题"), b',');
        let t = read("sep=;\r\n姓名;备注\r\n杨静;a,b\r\n");
        assert_eq!(t.headers, ["姓名", "备注"]);
        assert_eq!(t.rows[0].cells, ["杨静", "a,b"]);
        assert_eq!(t.rows[0].number, 2);
    }

    #[test]
    fn row_numbers_count_blank_lines_and_not_quoted_newlines() {
        let t = read("\n姓名,备注\n\n杨静,\"两行\n备注\"\r\n\r\n,\n张君,x\r\n");
        assert_eq!(t.headers, ["姓名", "备注"]);
        let numbers: Vec<usize> = t.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [4, 7]);
        assert_eq!(t.rows[0].cells, ["杨静", "两行\n备注"]);
        assert_eq!(t.rows[1].cells, ["张君", "x"]);
        for nl in ["\n", "\r\n", "\r"] {
            let text =
                ["", "姓名,备注", "", "杨静,\"两行\r\n备注\"", "", "", "张君,x", ""].join(nl);
            let t = read(&text);
            let numbers: Vec<usize> = t.rows.iter().map(|r| r.number).collect();
            assert_eq!(numbers, [4, 7], "{nl:?}");
        }
    }

    #[test]
    fn ragged_rows_and_binary() {
        let t = read("a,b,c\n1\n1,2,3,4\n");
        assert_eq!(t.headers, ["a", "b", "c", ""]);
        assert_eq!(t.rows[0].cells, ["1", "", "", ""]);
        assert_eq!(t.rows[1].cells, ["1", "2", "3", "4"]);
        assert!(matches!(read_csv(b"a,b\0,c", &Limits::default()), Err(IoError::Corrupt { .. })));
    }

    #[test]
    fn written_csv() {
        let mut out = Vec::new();
        write_csv(
            &mut out,
            &["姓名", "备注"],
            vec![
                vec!["杨静".to_string(), "=SUM(A1)".to_string()],
                vec!["张君".to_string(), "a,\"b\"\nc".to_string()],
            ]
            .into_iter(),
        )
        .unwrap();
        let s = String::from_utf8(out).unwrap();
        assert_eq!(s, "\u{FEFF}姓名,备注\r\n杨静,'=SUM(A1)\r\n张君,\"a,\"\"b\"\"\nc\"\r\n");
    }
}
