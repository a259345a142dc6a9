//! How long a large roster takes: writes 100,000 rows × 10 columns with `write_xlsx`, reads
//! them back with `read_table`, and reads the same bytes with calamine alone for comparison.
//!
//! ```sh
//! cargo run --release -p linli-io --example speed
//! ```

use calamine::{Reader, Xlsx};
use linli_io::{Limits, read_table, write_xlsx};
use std::error::Error;
use std::io::Cursor;
use std::time::Instant;

const ROWS: usize = 100_000;
const SURNAMES: [&str; 10] = ["夏", "米", "杨", "张", "王", "李", "刘", "陈", "赵", "孙"];
const GIVEN: [&str; 10] =
    ["胜林", "丽芳", "静", "君", "秀英", "建国", "洋", "晓梅", "志强", "丽华"];
const TAGS: [&str; 5] = ["党员、低保", "独居老人", "", "退役军人", "残疾人、低保"];

fn id_number(i: usize) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let year = 1940 + i % 80;
    let month = 1 + i % 12;
    let day = 1 + i % 28;
    let first17 = format!("231002{year}{month:02}{day:02}{:03}", i % 1000);
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    let check = char::from(CHECK[(sum % 11) as usize]);
    format!("{first17}{check}")
}

fn row(i: usize) -> Vec<String> {
    vec![
        (i + 1).to_string(),
        format!("{}{}", SURNAMES[i % 10], GIVEN[(i / 10) % 10]),
        id_number(i),
        if i.is_multiple_of(2) { "男" } else { "女" }.to_string(),
        format!("{}/{}/{}", 1940 + i % 80, 1 + i % 12, 1 + i % 28),
        format!("138{:08}", i),
        format!("{}号楼", 1 + i % 24),
        format!("{}单元", 1 + i % 3),
        format!("{}{:02}", 1 + i % 18, 1 + i % 4),
        TAGS[i % TAGS.len()].to_string(),
    ]
}

fn main() -> Result<(), Box<dyn Error>> {
    let headers = [
        "序号",
        "姓名",
        "身份证号",
        "性别",
        "出生日期",
        "联系电话",
        "楼栋",
        "单元",
        "户号",
        "标签",
    ];

    let start = Instant::now();
    let bytes = write_xlsx(&headers, (0..ROWS).map(row), "居民花名册")?;
    let write = start.elapsed();

    let start = Instant::now();
    let table = read_table(&bytes, "花名册.xlsx", &Limits::default())?;
    let read = start.elapsed();

    let start = Instant::now();
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(&bytes))?;
    let name = workbook.sheet_names().first().cloned().ok_or("no sheet")?;
    let range = workbook.worksheet_range(&name)?;
    let calamine_alone = start.elapsed();

    assert_eq!(table.rows.len(), ROWS);
    assert_eq!(range.height(), ROWS + 1);
    assert_eq!(table.rows[ROWS - 1].cells, row(ROWS - 1));
    println!(
        "{ROWS} rows x {} columns, xlsx {:.1} MiB",
        headers.len(),
        bytes.len() as f64 / (1024.0 * 1024.0)
    );
    println!("write_xlsx:            {:>8.0} ms", write.as_secs_f64() * 1e3);
    println!("read_table:            {:>8.0} ms", read.as_secs_f64() * 1e3);
    println!(
        "calamine alone:        {:>8.0} ms (worksheet_range, no text conversion)",
        calamine_alone.as_secs_f64() * 1e3
    );
    Ok(())
}
