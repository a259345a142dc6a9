//! Reading xlsx: the zip is vetted from its central directory before calamine sees it, then
//! the first worksheet's cells are streamed ([`crate::xlsx_cells`]: never a dense range of the
//! sheet's extent, never a `String` a shared string).

use crate::table::TableBuilder;
use crate::xlsx_cells::Workbook;
use crate::{IoError, Limits, Sheet};
use calamine::{SheetType, SheetVisible};
use std::io::{Cursor, Read, Seek};

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
fn vet_zip<R: Read + Seek>(reader: R, limits: &Limits) -> Result<ZipSummary, IoError> {
    let archive = zip::ZipArchive::new(reader)
        .map_err(|e| IoError::Corrupt { detail: format!("zip: {e}") })?;
    let meta = archive.metadata();
    let mut total: u64 = 0;
    let mut names = ZipNames::default();
    for i in 0..meta.len() {
        let entry = meta.entry(i).map_err(|e| IoError::Corrupt { detail: format!("zip: {e}") })?;
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
        ZipSummary { has_workbook: self.workbook_xml, kind }
    }
}

pub(crate) fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Sheet, IoError> {
    vet_xlsx(Cursor::new(bytes), limits)?;
    crate::guard_panics(|| stream_first_sheet(bytes, limits))
}

/// Refuses a zip that is a bomb or not a workbook (see [`vet_zip`]).
pub(crate) fn vet_xlsx<R: Read + Seek>(reader: R, limits: &Limits) -> Result<(), IoError> {
    let summary = vet_zip(reader, limits)?;
    if !summary.has_workbook {
        return Err(IoError::Unsupported { kind: summary.kind.unwrap_or("压缩包") });
    }
    Ok(())
}

fn stream_first_sheet(bytes: &[u8], limits: &Limits) -> Result<Sheet, IoError> {
    let mut builder = TableBuilder::new(limits);
    let mut workbook = Workbook::open(Cursor::new(bytes), max_text(limits))?;
    workbook.cells(&mut builder)?;
    builder.finish()
}

/// The limit on text of [`Limits::max_uncompressed_bytes`], as a length.
pub(crate) fn max_text(limits: &Limits) -> usize {
    usize::try_from(limits.max_uncompressed_bytes).unwrap_or(usize::MAX).min(u32::MAX as usize)
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
