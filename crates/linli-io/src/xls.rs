//! Reading xls (BIFF5/BIFF8 in an OLE compound file).
//!
//! calamine parses every sheet of an xls when it opens it and holds each as a dense grid
//! spanning its used cells, so a tiny crafted file with one cell at A1 and one at row 65536,
//! column 65536 (or a DIMENSIONS record claiming billions of rows) would make it allocate
//! gigabytes. Before calamine sees the file, [`vet_xls`] walks the Workbook stream's records
//! the way calamine will and adds up what those grids would cost.

use crate::cell::data_text;
use crate::table::TableBuilder;
use crate::xlsx::first_worksheet;
use crate::{IoError, Limits, Sheet};
use calamine::{Reader, Xls, XlsError};
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

pub(crate) fn read_xls(bytes: &[u8], limits: &Limits) -> Result<Sheet, IoError> {
    vet_xls(bytes, limits)?;
    crate::guard_panics(|| read_first_sheet(bytes, limits))
}

fn read_first_sheet(bytes: &[u8], limits: &Limits) -> Result<Sheet, IoError> {
    let failed = |e: XlsError| match e {
        XlsError::Password => IoError::Encrypted,
        e => IoError::Corrupt { detail: format!("xls: {e}") },
    };
    let mut workbook: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(failed)?;
    let Some(name) = first_worksheet(workbook.sheets_metadata()) else {
        return Err(IoError::Empty);
    };
    let range = workbook.worksheet_range(&name).map_err(failed)?;
    let Some((row0, col0)) = range.start() else {
        return Err(IoError::Empty);
    };
    let mut builder = TableBuilder::new(limits);
    for (r, c, value) in range.used_cells() {
        let text = data_text(value);
        if text.is_empty() {
            continue;
        }
        let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) else {
            return Err(IoError::TooManyRows { limit: limits.max_rows });
        };
        builder.push(row0.saturating_add(r), col0.saturating_add(c), text)?;
    }
    builder.finish()
}

fn corrupt(e: impl std::fmt::Display) -> IoError {
    IoError::Corrupt { detail: format!("xls: {e}") }
}

/// Refuses encrypted workbooks, OLE files that are not workbooks, and workbooks whose cell
/// grids would take more than `max_uncompressed_bytes` of memory in calamine.
fn vet_xls(bytes: &[u8], limits: &Limits) -> Result<(), IoError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(corrupt)?;
    if file.is_stream("/EncryptedPackage") {
        // An xlsx saved with an opening password is an OLE file holding the encrypted zip.
        return Err(IoError::Encrypted);
    }
    let name = if file.is_stream("/Workbook") {
        "/Workbook"
    } else if file.is_stream("/Book") {
        "/Book"
    } else if file.is_stream("/WordDocument") {
        return Err(IoError::Unsupported { kind: "Word 文档 .doc" });
    } else if file.is_stream("/PowerPoint Document") {
        return Err(IoError::Unsupported { kind: "PowerPoint 演示文稿 .ppt" });
    } else {
        return Err(corrupt("no Workbook stream"));
    };
    let mut stream = Vec::new();
    file.open_stream(name)
        .map_err(corrupt)?
        .take(limits.max_uncompressed_bytes.saturating_add(1))
        .read_to_end(&mut stream)
        .map_err(corrupt)?;
    if stream.len() as u64 > limits.max_uncompressed_bytes {
        return Err(IoError::ZipBomb {
            detail: "the Workbook stream is larger than the limit".to_string(),
        });
    }
    let cost = grid_cost(&stream)?;
    if cost > limits.max_uncompressed_bytes {
        return Err(IoError::ZipBomb {
            detail: format!("the sheets' cell grids would take {cost} bytes"),
        });
    }
    Ok(())
}

/// BIFF records: (type, data), CONTINUE records as records of their own (none of the types
/// looked at here are continued).
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = stream;
    std::iter::from_fn(move || {
        let (head, tail) = rest.split_at_checked(4)?;
        let typ = u16::from_le_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
        let (data, tail) = tail.split_at_checked(len)?;
        rest = tail;
        Some((typ, data))
    })
}

fn u16_at(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at + 2)?;
    Some(u32::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const BOUNDSHEET: u16 = 0x0085;
const FILEPASS: u16 = 0x002F;
const DIMENSIONS: u16 = 0x0200;
const FORMULA: u16 = 0x0006;
const MULRK: u16 = 0x00BD;
/// Number, Label, RString, BoolErr, RK, LabelSst, Formula: row and column first.
const CELLS: [u16; 7] = [0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, FORMULA];

/// Bytes calamine would allocate for the grids of all sheets (each BOUNDSHEET is parsed, even
/// several pointing at the same place).
fn grid_cost(stream: &[u8]) -> Result<u64, IoError> {
    let mut positions = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            BOUNDSHEET => {
                if let Some(pos) = u32_at(data, 0) {
                    positions.push(pos as usize);
                }
            }
            FILEPASS if u16_at(data, 0).unwrap_or(0) != 0 => return Err(IoError::Encrypted),
            EOF => break,
            _ => {}
        }
    }
    let mut costs: BTreeMap<usize, u64> = BTreeMap::new();
    let mut total: u64 = 0;
    for pos in positions {
        let cost = match costs.get(&pos) {
            Some(c) => *c,
            None => {
                let c = sheet_cost(stream.get(pos..).unwrap_or(&[]))?;
                costs.insert(pos, c);
                c
            }
        };
        total = total.saturating_add(cost);
    }
    Ok(total)
}

#[derive(Default)]
struct Extent(Option<(u32, u32, u32, u32)>);

impl Extent {
    fn add(&mut self, row: u32, col: u32) {
        self.0 = Some(match self.0 {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
    }

    fn cells(&self) -> u64 {
        self.0.map_or(0, |(r0, r1, c0, c1)| {
            u64::from(r1 - r0 + 1).saturating_mul(u64::from(c1 - c0 + 1))
        })
    }
}

fn sheet_cost(sheet: &[u8]) -> Result<u64, IoError> {
    let mut reserved: u64 = 0;
    let mut values = Extent::default();
    let mut formulas = Extent::default();
    let mut seen_bof = false;
    let mut depth = 0usize;
    for (typ, data) in records(sheet) {
        if depth > 0 {
            match typ {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        match typ {
            BOF if seen_bof => depth += 1,
            BOF => seen_bof = true,
            EOF => break,
            DIMENSIONS => reserved = reserved.saturating_add(dimensions_cells(data)?),
            MULRK => {
                if let (Some(row), Some(first), Some(last)) = (
                    u16_at(data, 0),
                    u16_at(data, 2),
                    data.len().checked_sub(2).and_then(|at| u16_at(data, at)),
                ) {
                    if last < first {
                        // calamine's arithmetic would overflow on it.
                        return Err(corrupt("MULRK record ends before it starts"));
                    }
                    values.add(row, first);
                    values.add(row, last);
                }
            }
            t if CELLS.contains(&t) => {
                if let (Some(row), Some(col)) = (u16_at(data, 0), u16_at(data, 2)) {
                    values.add(row, col);
                    if t == FORMULA {
                        formulas.add(row, col);
                    }
                }
            }
            _ => {}
        }
    }
    let cell = std::mem::size_of::<calamine::Cell<calamine::Data>>() as u64;
    let data = std::mem::size_of::<calamine::Data>() as u64;
    let text = std::mem::size_of::<String>() as u64;
    Ok(reserved
        .saturating_mul(cell)
        .saturating_add(values.cells().saturating_mul(data))
        .saturating_add(formulas.cells().saturating_mul(text)))
}

/// The cells calamine reserves room for on a DIMENSIONS record (mirroring its reading of it).
/// Extents whose end comes before their start make calamine's arithmetic wrap around, so they
/// are refused as damage.
fn dimensions_cells(data: &[u8]) -> Result<u64, IoError> {
    let fields = match data.len() {
        10 => (u16_at(data, 0), u16_at(data, 2), u16_at(data, 4), u16_at(data, 6)),
        14 | 16 => (u32_at(data, 0), u32_at(data, 4), u16_at(data, 8), u16_at(data, 10)),
        _ => return Ok(0), // calamine refuses the file itself
    };
    let (Some(rf), Some(rl), Some(mut cf), Some(cl)) = fields else {
        return Ok(0);
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    if rl == 0 || cl == 0 {
        return Ok(1);
    }
    if rl <= rf || cl <= cf {
        return Err(corrupt("DIMENSIONS record ends before it starts"));
    }
    Ok(u64::from(rl - rf).saturating_mul(u64::from(cl - cf)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut out = typ.to_le_bytes().to_vec();
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
        out
    }

    fn cell(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // xf + IEEE number
        record(0x0203, &d)
    }

    fn workbook(sheet_records: &[Vec<u8>], boundsheets: usize) -> Vec<u8> {
        let mut globals = record(BOF, &[0; 16]);
        let bs_len = 4 + 8;
        let globals_len = globals.len() + boundsheets * bs_len + 4;
        for _ in 0..boundsheets {
            let mut d = (globals_len as u32).to_le_bytes().to_vec();
            d.extend([0, 0, 0, 0]);
            globals.extend(record(BOUNDSHEET, &d));
        }
        globals.extend(record(EOF, &[]));
        globals.extend(record(BOF, &[0; 16]));
        for r in sheet_records {
            globals.extend(r);
        }
        globals.extend(record(EOF, &[]));
        globals
    }

    #[test]
    fn a_sparse_sheet_costs_its_extent() {
        let small = workbook(&[cell(0, 0), cell(9, 9)], 1);
        assert_eq!(grid_cost(&small).unwrap(), 100 * 32);
        let huge = workbook(&[cell(0, 0), cell(65535, 65535)], 1);
        assert!(grid_cost(&huge).unwrap() > 100_000_000_000);
        // The same sheet bound three times is parsed three times.
        assert_eq!(grid_cost(&workbook(&[cell(0, 0), cell(9, 9)], 3)).unwrap(), 300 * 32);
    }

    #[test]
    fn dimensions_records() {
        let mut d = 0u32.to_le_bytes().to_vec();
        d.extend(4_000_000_000u32.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        d.extend(255u16.to_le_bytes());
        d.extend([0, 0]);
        assert!(grid_cost(&workbook(&[record(DIMENSIONS, &d)], 1)).unwrap() > 1 << 40);
        let mut backwards = 10u32.to_le_bytes().to_vec();
        backwards.extend(5u32.to_le_bytes());
        backwards.extend([0, 0, 3, 0, 0, 0]);
        assert!(matches!(
            grid_cost(&workbook(&[record(DIMENSIONS, &backwards)], 1)),
            Err(IoError::Corrupt { .. })
        ));
    }

    #[test]
    fn filepass_means_encrypted() {
        let mut wb = record(BOF, &[0; 16]);
        wb.extend(record(FILEPASS, &[1, 0, 0, 0]));
        wb.extend(record(EOF, &[]));
        assert_eq!(grid_cost(&wb), Err(IoError::Encrypted));
    }
}
