//! The one error type of the crate.

/// Why a spreadsheet could not be read or written.
///
/// `Display` is a short English sentence for logs; [`IoError::message_zh`] is what the community
/// worker sees; [`IoError::code`] is stable (API responses, message catalogue). No variant ever
/// carries a cell's content, so logging an `IoError` never logs personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IoError {
    /// The file is larger than [`crate::Limits::max_file_bytes`].
    #[error("the file has {size} bytes, more than the limit of {limit}")]
    TooLarge { size: u64, limit: u64 },
    /// A small file that would expand to far more than it holds: an xlsx whose entries declare
    /// more than [`crate::Limits::max_uncompressed_bytes`] in total or one entry compressed more
    /// than 200:1 above 10 MiB, or an xls whose cell extents would need more memory than that.
    /// Refused before anything is expanded.
    #[error("the file would expand too much ({detail}); refused as a decompression bomb")]
    ZipBomb { detail: String },
    /// More data rows (below the header row) than [`crate::Limits::max_rows`], or more than a
    /// worksheet can hold when writing.
    #[error("more than {limit} rows")]
    TooManyRows { limit: usize },
    /// A non-empty cell beyond column [`crate::Limits::max_columns`], or more columns than a
    /// worksheet can hold when writing.
    #[error("more than {limit} columns")]
    TooManyColumns { limit: usize },
    /// Not a readable spreadsheet: truncated, damaged, binary data in a text file, and so on.
    /// `detail` is the parser's own words, for the log.
    #[error("the file is damaged or not a spreadsheet: {detail}")]
    Corrupt { detail: String },
    /// A workbook protected by an opening password.
    #[error("the workbook is protected by a password")]
    Encrypted,
    /// A known kind of file that is not an xlsx, xls or csv (`kind` names it in Chinese).
    #[error("unsupported kind of file: {kind}")]
    Unsupported { kind: &'static str },
    /// A text file that is neither UTF-8, UTF-16 with a BOM nor GB18030/GBK.
    #[error("the text is not valid UTF-8, UTF-16 or GB18030")]
    Encoding,
    /// The file or its first worksheet has no cell at all.
    #[error("the sheet is empty")]
    Empty,
    /// The sheet has cells but no row with at least two non-empty cells to serve as header.
    #[error("no header row: no row has two non-empty cells")]
    NoHeader,
    /// A cell longer than a worksheet cell can hold (32,767 characters), when writing xlsx.
    /// `row` is the worksheet row number (header = 1), `column` counts from 1.
    #[error("the cell at row {row}, column {column} is longer than 32767 characters")]
    CellTooLong { row: usize, column: usize },
    /// Writing the output failed (I/O error of the destination, or the xlsx writer's error).
    #[error("writing failed: {detail}")]
    Write { detail: String },
}

impl IoError {
    /// Stable error code, also the message-catalogue key.
    pub fn code(&self) -> &'static str {
        match self {
            IoError::TooLarge { .. } => "io_too_large",
            IoError::ZipBomb { .. } => "io_zip_bomb",
            IoError::TooManyRows { .. } => "io_too_many_rows",
            IoError::TooManyColumns { .. } => "io_too_many_columns",
            IoError::Corrupt { .. } => "io_corrupt",
            IoError::Encrypted => "io_encrypted",
            IoError::Unsupported { .. } => "io_unsupported",
            IoError::Encoding => "io_encoding",
            IoError::Empty => "io_empty",
            IoError::NoHeader => "io_no_header",
            IoError::CellTooLong { .. } => "io_cell_too_long",
            IoError::Write { .. } => "io_write_failed",
        }
    }

    /// The message shown to the community worker, in plain Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            IoError::TooLarge { size, limit } => format!(
                "文件太大（{}），最大只能上传{}。请把表格拆成几个文件再上传",
                human_size(*size),
                human_size(*limit)
            ),
            IoError::ZipBomb { .. } => {
                "文件解压后的内容异常巨大，疑似恶意文件，已拒绝读取".to_string()
            }
            IoError::TooManyRows { limit } => {
                format!("表格行数太多，最多{limit}行。请拆成几个文件再上传")
            }
            IoError::TooManyColumns { limit } => {
                format!("表格列数太多，最多{limit}列。请删去多余的列再上传")
            }
            IoError::Corrupt { .. } => {
                "文件已损坏或不是表格文件，无法读取。请用Excel或WPS打开确认后，另存为.xlsx再上传"
                    .to_string()
            }
            IoError::Encrypted => {
                "文件设置了打开密码，无法读取。请在Excel或WPS中取消密码后再上传".to_string()
            }
            IoError::Unsupported { kind } => {
                format!("不支持这种文件（{kind}）。请在Excel或WPS中另存为.xlsx、.xls或.csv再上传")
            }
            IoError::Encoding => {
                "文件的文字编码无法识别（出现乱码）。请在Excel或WPS中另存为“CSV UTF-8”或.xlsx再上传"
                    .to_string()
            }
            IoError::Empty => "表格是空的，第一个工作表里没有内容".to_string(),
            IoError::NoHeader => {
                "找不到表头：第一个工作表中没有哪一行至少有两个非空单元格".to_string()
            }
            IoError::CellTooLong { row, column } => {
                format!("第{row}行第{column}列的内容超过32767个字符，Excel单元格放不下")
            }
            IoError::Write { .. } => "导出文件时出错，请稍后重试".to_string(),
        }
    }
}

/// `1.5 MB`, `50 MB`, `800 KB`, `12 字节`: binary units, written the way Chinese users read them.
fn human_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        let tenths = (bytes * 10 + MIB / 2) / MIB;
        if tenths.is_multiple_of(10) {
            format!("{} MB", tenths / 10)
        } else {
            format!("{}.{} MB", tenths / 10, tenths % 10)
        }
    } else if bytes >= KIB {
        format!("{} KB", (bytes + KIB / 2) / KIB)
    } else {
        format!("{bytes} 字节")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(50 * 1024 * 1024), "50 MB");
        assert_eq!(human_size(1024 * 1024 * 3 / 2), "1.5 MB");
        assert_eq!(human_size(800 * 1024), "800 KB");
        assert_eq!(human_size(12), "12 字节");
    }

    #[test]
    fn every_variant_has_a_code_and_a_chinese_message() {
        let all = [
            IoError::TooLarge { size: 60 << 20, limit: 50 << 20 },
            IoError::ZipBomb { detail: "x".into() },
            IoError::TooManyRows { limit: 10 },
            IoError::TooManyColumns { limit: 10 },
            IoError::Corrupt { detail: "x".into() },
            IoError::Encrypted,
            IoError::Unsupported { kind: "PDF" },
            IoError::Encoding,
            IoError::Empty,
            IoError::NoHeader,
            IoError::CellTooLong { row: 3, column: 2 },
            IoError::Write { detail: "x".into() },
        ];
        let mut codes: Vec<&str> = all.iter().map(IoError::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        for e in &all {
            assert!(e.code().starts_with("io_"));
            assert!(!e.message_zh().is_empty());
            assert!(!e.to_string().is_empty());
        }
        assert_eq!(
            IoError::TooLarge { size: 60 << 20, limit: 50 << 20 }.message_zh(),
            "文件太大（60 MB），最大只能上传50 MB。请把表格拆成几个文件再上传"
        );
        assert_eq!(
            IoError::CellTooLong { row: 7, column: 3 }.message_zh(),
            "第7行第3列的内容超过32767个字符，Excel单元格放不下"
        );
    }
}
