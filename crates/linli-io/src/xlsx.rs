//! Reading xlsx: the zip is vetted from its central directory before calamine sees it, then
//! the first worksheet's cells are streamed (never a dense range of the sheet's extent).

use crate::cell::data_ref_text;
use crate::table::TableBuilder;
use crate::{IoError, Limits, Sheet};
use calamine::{Reader, SheetType, SheetVisible, Xlsx};
use std::io::Cursor;

/// An entry expanding more than this many times...
const MAX_RATIO: u64 = 200;
/// ...to more than this is refused (small entries may compress very well legitimately).
const RATIO_MIN_SIZE: u64 = 10 * 1024 * 1024;

/// What the central directory says about the archive.
struct ZipSummary {
    has_workbook: bool,
    kind: Option<&'static str>,
}

/// Refuses zip bombs from the declared sizes alone (nothing is decompressed here; the zip
/// crate later refuses any entry that inflates beyond its declared size, so lying sizes do
/// not get past), and names archives that are some other kind of document.
fn vet_zip(bytes: &[u8], limits: &Limits) -> Result<ZipSummary, IoError> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| IoError::Corrupt {
        detail: format!("zip: {e}"),
    })?;
    let meta = archive.metadata();
    let mut total: u64 = 0;
    let mut names = ZipNames::default();
    for i in 0..meta.len() {
        let entry = meta.entry(i).map_err(|e| IoError::Corrupt {
            detail: format!("zip: {e}"),
        })?;
        let size = entry.size();
        let compressed = entry.compressed_size();
        total = total.saturating_add(size);
        if total > limits.max_uncompressed_bytes {
            return Err(IoError::ZipBomb {
                detail: format!(
                    "entries declare more than {} bytes uncompressed",
                    limits.max_uncompressed_bytes
                ),
            });
        }
        if size > RATIO_MIN_SIZE && size / compressed.max(1) > MAX_RATIO {
            return Err(IoError::ZipBomb {
                detail: format!("an entry of {size} bytes is stored in {compressed}"),
            });
        }
        names.note(&String::from_utf8_lossy(entry.name_raw()));
    }
    Ok(names.summary())
}

#[derive(Default)]
struct ZipNames {
    workbook_xml: bool,
    workbook_bin: bool,
    ods: bool,
    word: bool,
    powerpoint: bool,
}

impl ZipNames {
    fn note(&mut self, name: &str) {
        let name = name.trim_start_matches('/').to_ascii_lowercase();
        match name.as_str() {
            "xl/workbook.xml" => self.workbook_xml = true,
            "xl/workbook.bin" => self.workbook_bin = true,
            "content.xml" | "mimetype" => self.ods = true,
            "word/document.xml" => self.word = true,
            "ppt/presentation.xml" => self.powerpoint = true,
            _ => {}
        }
    }

    fn summary(&self) -> ZipSummary {
        let kind = if self.workbook_xml {
            None
        } else if self.workbook_bin {
            Some("Excel 二进制工作簿 .xlsb")
        } else if self.ods {
            Some("OpenDocument 表格 .ods")
        } else if self.word {
            Some("Word 文档")
        } else if self.powerpoint {
            Some("PowerPoint 演示文稿")
        } else {
            Some("压缩包")
        };
        ZipSummary {
            has_workbook: self.workbook_xml,
            kind,
        }
    }
}

pub(crate) fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Sheet, IoError> {
    let summary = vet_zip(bytes, limits)?;
    if !summary.has_workbook {
        return Err(IoError::Unsupported {
            kind: summary.kind.unwrap_or("压缩包"),
        });
    }
    crate::guard_panics(|| stream_first_sheet(bytes, limits))
}

fn stream_first_sheet(bytes: &[u8], limits: &Limits) -> Result<Sheet, IoError> {
    let corrupt = |e: calamine::XlsxError| IoError::Corrupt {
        detail: format!("xlsx: {e}"),
    };
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(corrupt)?;
    let Some(name) = first_worksheet(workbook.sheets_metadata()) else {
        return Err(IoError::Empty);
    };
    let mut cells = workbook.worksheet_cells_reader(&name).map_err(corrupt)?;
    let mut builder = TableBuilder::new(limits);
    while let Some(cell) = cells.next_cell().map_err(corrupt)? {
        let text = data_ref_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        let (row, col) = cell.get_position();
        builder.push(row, col, text)?;
    }
    builder.finish()
}

/// The first worksheet a person sees when opening the file: the first visible one (charts and
/// macro sheets are not worksheets); failing that, the first worksheet at all.
pub(crate) fn first_worksheet(sheets: &[calamine::Sheet]) -> Option<String> {
    let worksheets = || sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    worksheets()
        .find(|s| s.visible == SheetVisible::Visible)
        .or_else(|| worksheets().next())
        .map(|s| s.name.clone())
}
