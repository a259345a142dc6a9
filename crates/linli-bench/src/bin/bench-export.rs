//! `bench-export`: a roster of N residents written as xlsx and as csv by `linli_io`, the way
//! `linli export` and the roster's download write it: time, size and the memory it took.
//!
//! ```sh
//! cargo run --release -p linli-bench --bin bench-export            # 100,000 rows
//! cargo run --release -p linli-bench --bin bench-export -- 300000
//! ```
//!
//! The ceiling is csv: the same rows written as plain text. Memory is the process's peak
//! resident set (VmHWM) above what it held before writing, the rows themselves included
//! in neither (they are generated one at a time).

use std::error::Error;
use std::time::Instant;
// The `linli` binary's allocator comes with the crate's library.
use linli_bench as _;

type BoxResult<T> = Result<T, Box<dyn Error>>;

const HEADERS: [&str; 14] = [
    "姓名",
    "性别",
    "身份证号",
    "出生日期",
    "年龄",
    "联系电话",
    "楼栋",
    "单元",
    "门牌",
    "与户主关系",
    "状态",
    "标签",
    "网格",
    "备注",
];

const SURNAMES: [&str; 12] =
    ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"];
const GIVEN: [&str; 12] =
    ["秀英", "建国", "桂兰", "志强", "丽娟", "海燕", "文博", "子涵", "玉珍", "国华", "明", "静"];

/// The i-th row: varied enough that strings repeat as they do in a real roster.
fn row(i: usize) -> Vec<String> {
    let year = 1930 + (i * 7) % 90;
    vec![
        format!("{}{}", SURNAMES[i % 12], GIVEN[(i / 12) % 12]),
        if i.is_multiple_of(2) { "女" } else { "男" }.to_string(),
        format!("110101{year}{:02}{:02}{:04}", 1 + i % 12, 1 + i % 28, i % 10_000),
        format!("{year}-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
        (2026 - year).to_string(),
        format!("138{:08}", (i * 7919) % 100_000_000),
        format!("{}号楼", 1 + (i / 300) % 63),
        format!("{}单元", 1 + (i / 100) % 3),
        format!("{}", 101 + (i / 3) % 600),
        ["户主", "配偶", "子女", "父母"][i % 4].to_string(),
        "在册".to_string(),
        if i.is_multiple_of(9) { "党员" } else { "" }.to_string(),
        format!("第{}网格", ["一", "二", "三", "四"][(i / 5000) % 4]),
        if i.is_multiple_of(50) { "独居，需每周探访" } else { "" }.to_string(),
    ]
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> BoxResult<()> {
    let n: usize =
        std::env::args().nth(1).map(|s| s.replace('_', "").parse()).transpose()?.unwrap_or(100_000);
    println!(
        "bench-export: {n} rows × {} columns, {} cores",
        HEADERS.len(),
        std::thread::available_parallelism().map_or(1, |c| c.get())
    );
    let before = peak_kib();
    let t = Instant::now();
    let mut csv = Vec::new();
    linli_io::write_csv(&mut csv, &HEADERS, (0..n).map(row))?;
    let csv_time = t.elapsed();
    let after_csv = peak_kib();
    let t = Instant::now();
    let xlsx = linli_io::write_xlsx(&HEADERS, (0..n).map(row), "居民花名册")?;
    let xlsx_time = t.elapsed();
    let after_xlsx = peak_kib();
    let mib = |b: usize| b as f64 / 1_048_576.0;
    println!(
        "csv : {:>7.0} ms, {:>6.1} MiB, peak memory +{:.1} MiB",
        csv_time.as_secs_f64() * 1000.0,
        mib(csv.len()),
        after_csv.saturating_sub(before) as f64 / 1024.0
    );
    println!(
        "xlsx: {:>7.0} ms, {:>6.1} MiB, peak memory +{:.1} MiB (above the csv's peak)",
        xlsx_time.as_secs_f64() * 1000.0,
        mib(xlsx.len()),
        after_xlsx.saturating_sub(after_csv) as f64 / 1024.0
    );
    println!(
        "xlsx / csv time: {:.2}×; xlsx per 100,000 rows: {:.0} ms (goal P3 ≤ 1,000 ms)",
        xlsx_time.as_secs_f64() / csv_time.as_secs_f64().max(1e-9),
        xlsx_time.as_secs_f64() * 1000.0 * 100_000.0 / n.max(1) as f64
    );
    Ok(())
}
