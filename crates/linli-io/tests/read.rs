#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Reading the fixtures made the way users make them (see `fixtures/README.md`), hostile
//! files, and round trips through the writers.

use linli_io::{IoError, Limits, Table, read_table, write_csv, write_xlsx};
use std::io::{Cursor, Write};
use std::path::PathBuf;

const HEADERS: [&str; 13] = [
    "序号",
    "姓名",
    "身份证号",
    "性别",
    "出生日期",
    "联系电话",
    "楼栋",
    "单元",
    "户号",
    "与户主关系",
    "政治面貌",
    "标签",
    "备注",
];
const ROWS: [[&str; 13]; 10] = [
    [
        "1",
        "夏胜林",
        "231002197203050314",
        "男",
        "1972/3/5",
        "13845301234",
        "3号楼",
        "1单元",
        "301",
        "户主",
        "中共党员",
        "党员、低保",
        "",
    ],
    [
        "2",
        "米丽芳",
        "231002197406180426",
        "女",
        "1974/6/18",
        "13945305678",
        "3号楼",
        "1单元",
        "301",
        "配偶",
        "群众",
        "低保",
        "腿脚不便, 住一楼更方便",
    ],
    [
        "3",
        "杨静",
        "231002195807010269",
        "女",
        "1958年7月1日",
        "0453-6541234",
        "3栋",
        "2",
        "502",
        "户主",
        "中共党员",
        "党员、独居老人",
        "独居，需定期探访",
    ],
    [
        "4",
        "张君",
        "23100219851120069X",
        "男",
        "1985-11-20",
        "15004531122",
        "5",
        "2单元",
        "1201",
        "户主",
        "群众",
        "退役军人",
        "",
    ],
    [
        "5",
        "王秀英",
        "231002194902130280",
        "女",
        "1949/2/13",
        "",
        "5号楼",
        "1",
        "101",
        "母亲",
        "群众",
        "残疾人、低保、独居老人",
        "子女在外地\n每周电话联系",
    ],
    [
        "6",
        "李建国",
        "231002196309090571",
        "男",
        "1963年9月9日",
        "13604530987",
        "12栋",
        "3单元",
        "602",
        "户主",
        "中共党员",
        "党员",
        "楼长",
    ],
    [
        "7",
        "刘洋",
        "231002199901020138",
        "男",
        "1999.01.02",
        "18645307766",
        "12栋",
        "3单元",
        "602",
        "子女",
        "共青团员",
        "",
        "",
    ],
    [
        "8",
        "陈晓梅",
        "231002199002140646",
        "女",
        "1990/2/14",
        "13204531357",
        "7号楼",
        "2单元",
        "402",
        "户主",
        "群众",
        "",
        "新迁入，\"待核实\"户籍",
    ],
    [
        "9",
        "赵志强",
        "231002197812310193",
        "男",
        "1978/12/31",
        "17745302468",
        "7",
        "1",
        "201",
        "户主",
        "",
        "退役军人、党员",
        "",
    ],
    [
        "10",
        "孙丽华",
        "231002201206050220",
        "女",
        "2012/6/5",
        "",
        "3号楼",
        "2单元",
        "401",
        "孙女",
        "",
        "",
        "在校学生",
    ],
];
const ID: usize = 2;
const BIRTH: usize = 4;

fn fixture(name: &str) -> Vec<u8> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", name].iter().collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read(name: &str) -> Table {
    read_table(&fixture(name), name, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn cells(t: &Table) -> Vec<Vec<&str>> {
    t.rows.iter().map(|r| r.cells.iter().map(String::as_str).collect()).collect()
}

fn numbers(t: &Table) -> Vec<usize> {
    t.rows.iter().map(|r| r.number).collect()
}

#[test]
fn every_fixture_reads_to_the_same_table() {
    // (file, row number of the first data row): the spreadsheets have a title row and a blank
    // row above the header.
    let cases = [
        ("roster.csv", 2),
        ("roster-bom.csv", 2),
        ("roster-gb18030.csv", 2),
        ("roster-utf16.csv", 2),
        ("roster.xlsx", 4),
        ("roster.xls", 4),
    ];
    for (name, first) in cases {
        let t = read(name);
        assert_eq!(t.headers, HEADERS, "{name}");
        assert_eq!(cells(&t), ROWS.map(Vec::from).to_vec(), "{name}");
        let expected: Vec<usize> = (first..first + ROWS.len()).collect();
        assert_eq!(numbers(&t), expected, "{name}");
    }
}

#[test]
fn the_mangled_roster_shows_what_excel_did() {
    let t = read("roster-mangled.xlsx");
    assert_eq!(t.headers, HEADERS);
    assert_eq!(numbers(&t), (2..12).collect::<Vec<_>>());
    let dates = [
        "1972-03-05",
        "1974-06-18",
        "1958-07-01",
        "1985-11-20",
        "1949-02-13",
        "1963-09-09",
        "1999-01-02",
        "1990-02-14",
        "1978-12-31",
        "2012-06-05",
    ];
    for ((row, expected), date) in t.rows.iter().zip(ROWS).zip(dates) {
        for (col, (got, want)) in row.cells.iter().zip(expected).enumerate() {
            match col {
                ID if want.ends_with('X') => assert_eq!(got, want, "text stays text"),
                ID => {
                    // Rounded to 15 significant digits, the rest zeros, as Excel shows it:
                    // digits only, never "2.31E+17".
                    let real: u64 = want.parse().unwrap();
                    let excel = (real + 500) / 1000 * 1000;
                    assert_eq!(got, &excel.to_string());
                    assert_ne!(got, want);
                    assert!(got.ends_with("000"));
                }
                BIRTH => assert_eq!(got, date),
                _ => assert_eq!(got, want, "column {col}"),
            }
        }
    }
}

/// An xlsx made in the test: a merged title, a blank row, then header and values of every kind.
fn kinds_workbook() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.merge_range(0, 0, 0, 6, "Xx社区居民花名册", &Format::new()).unwrap();
    for (c, h) in
        ["公式", "有缓存的公式", "文本", "数字", "布尔", "日期", "小数"].iter().enumerate()
    {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    ws.write_formula(3, 0, "=1+1").unwrap();
    ws.write_formula(3, 1, Formula::new("=1+1").set_result("2")).unwrap();
    ws.write_string(3, 2, "=HYPERLINK(\"x\")").unwrap();
    ws.write_number(3, 3, 3.0).unwrap();
    ws.write_boolean(3, 4, true).unwrap();
    let date = ExcelDateTime::from_ymd(2024, 1, 2).unwrap();
    ws.write_datetime_with_format(3, 5, &date, &Format::new().set_num_format("yyyy/m/d")).unwrap();
    ws.write_number(3, 6, 0.1 + 0.2).unwrap();
    ws.write_string(4, 2, "'=1+1").unwrap();
    ws.write_string(4, 3, "  ").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn formulas_are_never_evaluated() {
    let t = read_table(&kinds_workbook(), "kinds.xlsx", &Limits::default()).unwrap();
    assert_eq!(t.headers, ["公式", "有缓存的公式", "文本", "数字", "布尔", "日期", "小数"]);
    // rust_xlsxwriter stores 0 as the cached result unless told: 0 it is, not 2.
    assert_eq!(
        cells(&t),
        [
            vec!["0", "2", "=HYPERLINK(\"x\")", "3", "TRUE", "2024-01-02", "0.3"],
            vec!["", "", "'=1+1", "", "", "", ""],
        ]
    );
    assert_eq!(numbers(&t), [4, 5]);
}

/// 600 MiB of zeros in one deflated entry, streamed in (nothing large is held in memory).
fn zip_bomb(expanded_mib: usize) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let small = SimpleFileOptions::default();
    w.start_file("[Content_Types].xml", small).unwrap();
    w.write_all(b"<Types/>").unwrap();
    w.start_file("xl/workbook.xml", small).unwrap();
    w.write_all(b"<workbook/>").unwrap();
    let deflated = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    w.start_file("xl/sharedStrings.xml", deflated).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..expanded_mib {
        w.write_all(&zeros).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The process's peak resident memory so far, in bytes (Linux only).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[test]
fn a_zip_bomb_is_refused_without_expanding_it() {
    let bomb = zip_bomb(600);
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    let err = read_table(&bomb, "花名册.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, IoError::ZipBomb { .. }), "{err:?}");
    assert_eq!(err.code(), "io_zip_bomb");
    // Nothing of the 600 MiB was ever in memory (the whole test process stays far below).
    if let Some(peak) = peak_rss() {
        assert!(peak < 300 << 20, "peak RSS {peak}");
    }
    // Under the total limit, an entry 20 MiB of zeros is still refused for its ratio.
    let err = read_table(&zip_bomb(20), "x.xlsx", &Limits::default()).unwrap_err();
    assert!(matches!(err, IoError::ZipBomb { .. }), "{err:?}");
    // And the total limit applies to honest files too.
    let tight = Limits { max_uncompressed_bytes: 10_000, ..Limits::default() };
    let err = read_table(&fixture("roster.xlsx"), "roster.xlsx", &tight).unwrap_err();
    assert!(matches!(err, IoError::ZipBomb { .. }), "{err:?}");
}

/// A tiny xls whose two cells sit at A1 and at row 65536, column 65536: calamine would make a
/// grid of four billion cells.
fn sparse_xls() -> Vec<u8> {
    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut out = typ.to_le_bytes().to_vec();
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
        out
    }
    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0u8; 2]);
        d.extend(1.0f64.to_le_bytes());
        record(0x0203, &d)
    }
    let bof = record(0x0809, &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let mut sheet_name = vec![5u8, 0]; // 5 characters, compressed
    sheet_name.extend(b"Sheet");
    let boundsheet_len = 4 + 6 + sheet_name.len();
    let sheet_pos = (bof.len() + boundsheet_len + 4) as u32;
    let mut bs = sheet_pos.to_le_bytes().to_vec();
    bs.extend([0, 0]); // visible worksheet
    bs.extend(&sheet_name);
    let mut stream = bof.clone();
    stream.extend(record(0x0085, &bs));
    stream.extend(record(0x000A, &[]));
    stream.extend(bof);
    stream.extend(number(0, 0));
    stream.extend(number(65535, 65535));
    stream.extend(record(0x000A, &[]));
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    file.create_stream("Workbook").unwrap().write_all(&stream).unwrap();
    file.flush().unwrap();
    file.into_inner().into_inner()
}

#[test]
fn a_sparse_xls_is_refused_before_calamine_allocates_it() {
    let err = read_table(&sparse_xls(), "稀疏.xls", &Limits::default()).unwrap_err();
    assert!(matches!(err, IoError::ZipBomb { .. }), "{err:?}");
}

#[test]
fn a_password_protected_workbook_says_so() {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    file.create_stream("EncryptionInfo").unwrap().write_all(&[4, 0, 4, 0]).unwrap();
    file.create_stream("EncryptedPackage").unwrap().write_all(&[0; 64]).unwrap();
    file.flush().unwrap();
    let bytes = file.into_inner().into_inner();
    let err = read_table(&bytes, "加密.xlsx", &Limits::default()).unwrap_err();
    assert_eq!(err, IoError::Encrypted);
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

#[test]
fn random_bytes_are_corrupt_not_a_panic() {
    let mut noise = Noise(0x5EED_1234_ABCD_0001);
    for round in 0..200 {
        let len = 1 + (noise.next() % 8192) as usize;
        let mut bytes = noise.bytes(len);
        match round % 4 {
            0 => {}
            1 => bytes.splice(0..0, *b"PK\x03\x04").for_each(drop),
            2 => {
                bytes.splice(0..0, [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]).for_each(drop)
            }
            _ => bytes.splice(0..0, *b"\xEF\xBB\xBF").for_each(drop),
        }
        for name in ["随机.xlsx", "随机.xls", "随机.csv", "随机"] {
            match read_table(&bytes, name, &Limits::default()) {
                Err(IoError::Corrupt { .. }) => {}
                // Garbage that claims to be text may simply be badly encoded text.
                Err(IoError::Encoding) if round % 4 == 0 || round % 4 == 3 => {}
                other => panic!("round {round}, {name}: {other:?}"),
            }
        }
    }
}

#[test]
fn truncated_and_damaged_workbooks_are_corrupt_not_a_panic() {
    for name in ["roster.xlsx", "roster.xls", "roster-mangled.xlsx"] {
        let whole = fixture(name);
        // From 8 bytes on, so that the magic number is there to say what the file is.
        for cut in (8..whole.len()).step_by(61) {
            match read_table(&whole[..cut], name, &Limits::default()) {
                Err(IoError::Corrupt { .. }) => {}
                other => panic!("{name} cut at {cut}: {other:?}"),
            }
        }
        // Flipped bytes anywhere: any error or even a table, but never a panic.
        let mut noise = Noise(0xDA4A_6E00 ^ whole.len() as u64);
        for _ in 0..300 {
            let mut damaged = whole.clone();
            for _ in 0..1 + noise.next() % 4 {
                let at = (noise.next() % damaged.len() as u64) as usize;
                damaged[at] ^= 1 << (noise.next() % 8);
            }
            let _ = read_table(&damaged, name, &Limits::default());
        }
    }
}

#[test]
fn row_and_column_limits() {
    let limits = Limits { max_rows: 5, max_columns: 13, ..Limits::default() };
    for name in ["roster.csv", "roster.xlsx", "roster.xls"] {
        let err = read_table(&fixture(name), name, &limits).unwrap_err();
        assert_eq!(err, IoError::TooManyRows { limit: 5 }, "{name}");
    }
    let limits = Limits { max_columns: 12, ..Limits::default() };
    for name in ["roster.csv", "roster.xlsx", "roster.xls"] {
        let err = read_table(&fixture(name), name, &limits).unwrap_err();
        assert_eq!(err, IoError::TooManyColumns { limit: 12 }, "{name}");
    }
}

fn tricky_rows() -> Vec<Vec<String>> {
    [
        ["1", "夏胜林", "231002197203050314", "=cmd|' /C calc'!A0", "3号楼"],
        ["2", "张君", "23100219851120069X", "=SUM(A1)", "+86 138 4530 1234"],
        ["3", "杨静", "0013", "子女在外地\n每周电话联系", "'已有撇号"],
        ["4", "米丽芳", "", "-5", "@all"],
    ]
    .iter()
    .map(|r| r.iter().map(|c| (*c).to_string()).collect())
    .collect()
}

#[test]
fn xlsx_round_trip_keeps_every_cell_as_text() {
    let headers = ["序号", "姓名", "身份证号", "备注", "楼栋"];
    let bytes = write_xlsx(&headers, tricky_rows().into_iter(), "居民/花名册").unwrap();
    let t = read_table(&bytes, "导出.xlsx", &Limits::default()).unwrap();
    assert_eq!(t.headers, headers);
    // Not escaped: a typed string cell is never a formula, so nothing is added or stripped.
    assert_eq!(t.rows.iter().map(|r| r.cells.clone()).collect::<Vec<_>>(), tricky_rows());
    assert_eq!(numbers(&t), [2, 3, 4, 5]);
}

#[test]
fn csv_output_escapes_and_reads_back_verbatim() {
    let headers = ["序号", "姓名", "身份证号", "备注", "楼栋"];
    let mut out = Vec::new();
    write_csv(&mut out, &headers, tricky_rows().into_iter()).unwrap();
    assert!(out.starts_with(b"\xEF\xBB\xBF"));
    let text = std::str::from_utf8(&out[3..]).unwrap();
    assert!(text.starts_with("序号,姓名,身份证号,备注,楼栋\r\n"));
    assert!(text.contains(",'=SUM(A1),"), "{text}");
    assert!(text.contains(",'=cmd|' /C calc'!A0,"), "{text}");
    // read_table does not strip the apostrophe that escape_cell added.
    let t = read_table(&out, "导出.csv", &Limits::default()).unwrap();
    assert_eq!(t.rows[0].cells[3], "'=cmd|' /C calc'!A0");
    assert_eq!(t.rows[1].cells[3], "'=SUM(A1)");
    assert_eq!(t.rows[1].cells[4], "'+86 138 4530 1234");
    assert_eq!(t.rows[3].cells[3], "'-5");
    assert_eq!(t.rows[2].cells[3], "子女在外地\n每周电话联系");
    assert_eq!(t.rows[2].cells[4], "'已有撇号");
    assert_eq!(t.rows[0].cells[2], "231002197203050314");
}

#[test]
fn the_fixtures_survive_a_round_trip_through_write_xlsx() {
    let t = read("roster.xlsx");
    let headers: Vec<&str> = t.headers.iter().map(String::as_str).collect();
    let rows = t.rows.iter().map(|r| r.cells.clone());
    let bytes = write_xlsx(&headers, rows, "花名册").unwrap();
    let back = read_table(&bytes, "花名册.xlsx", &Limits::default()).unwrap();
    assert_eq!(back.headers, t.headers);
    assert_eq!(cells(&back), cells(&t));
}

/// The sheet part of an xlsx, inflated.
fn sheet_xml(xlsx: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut xml)
        .unwrap();
    xml
}

/// A roster longer than the rows that size the columns (the first 1,000), written as the
/// download writes it (into a file as rows come): every row reads back, ID numbers and phones
/// stay text in Excel's sense (`@`), the header is frozen and filtered over every row, and a
/// long address first seen after the sample is kept whole (its column is simply narrower).
#[test]
fn a_long_roster_streams_into_the_file_and_reads_back_whole() {
    let headers = ["姓名", "身份证号", "联系电话", "住址", "备注"];
    let rows: Vec<Vec<String>> = (0..2_500)
        .map(|i| {
            vec![
                format!("居民{i}"),
                format!("2310021972{:08}", i),
                format!("138{:08}", i),
                if i == 2_000 { "长".repeat(80) } else { format!("{}栋", i % 30) },
                if i % 7 == 0 { "独居\n每周探访".to_string() } else { String::new() },
            ]
        })
        .collect();
    let mut file = Cursor::new(Vec::new());
    linli_io::write_xlsx_to(&mut file, &headers, rows.clone().into_iter(), "居民花名册").unwrap();
    let bytes = file.into_inner();
    let t = read_table(&bytes, "花名册.xlsx", &Limits::default()).unwrap();
    assert_eq!(t.headers, headers);
    assert_eq!(t.rows.iter().map(|r| r.cells.clone()).collect::<Vec<_>>(), rows);

    let xml = sheet_xml(&bytes);
    assert!(
        xml.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        )
    );
    assert!(xml.contains(r#"<autoFilter ref="A1:E2501"/>"#), "the filter covers every row");
    assert!(
        xml.contains(r#"<c r="B2" s="2" t="inlineStr"><is><t>231002197200000000</t></is></c>"#)
    );
    assert!(xml.contains(r#"<c r="C2501" s="2" t="inlineStr"><is><t>13800002499</t></is></c>"#));
    assert!(xml.contains(r#"<c r="E2" s="4" t="inlineStr"><is><t xml:space="preserve">独居"#));
    // The address column was sized on the first 1,000 rows: "29栋" and its header.
    assert!(
        xml.contains(r#"<col min="4" max="4" width="8.7109375" customWidth="1"/>"#),
        "{}",
        &xml[..xml.find("<sheetData>").unwrap_or(0)]
    );
}
