//! `bench-indicators`: every indicator of the catalogue, and the annual summary built from them,
//! on a district of about 1,000,000 residents (SQLite), against the ceilings of issue 8:
//! each indicator ≤ 50 ms, the community summary ≤ 0.5 s; and each indicator over the whole
//! district (issue 19: ≤ 50 ms a figure at 1M), read as the street's page reads it. Prints
//! each time and its ratio to the ceiling (a ratio above 1.00 is too slow).
//!
//! The district is the one `bench-registry` builds (40 communities of 25,000 residents); when
//! DIR/bench.db does not exist this program runs `bench-registry --build-only` to make it.
//! Then it adds a year of records to every community, once: hardship cases with their help,
//! the love fund's gifts and payments, and the learning, employment, partner and affairs demo
//! records where those modules exist.
//!
//! ```sh
//! cargo build --release -p linli-bench
//! target/release/bench-indicators --dir /tmp/linli-district          # builds, then measures
//! target/release/bench-indicators --dir /tmp/linli-district          # reuses it
//! target/release/bench-indicators --dir /tmp/small --residents 100000 # quick run
//! ```

use chrono::{DateTime, Utc};
use linli_core::fund::{DonorKind, Fen, Method};
use linli_store::assistance::{self, CaseInput, HelpInput};
use linli_store::fund::{self, DecisionInput, DonationInput};
use linli_store::{Db, DbConfig, StoreError, Tenant, migrate, params, reports, summary};
use std::error::Error;
use std::path::PathBuf;
use std::time::{Duration, Instant};
// The `linli` binary's allocator comes with the crate's library.
use linli_bench as _;

type BoxResult<T> = Result<T, Box<dyn Error>>;

const USAGE: &str = "bench-indicators: the indicators and the annual summary at district scale

options:
  --dir DIR        where the district database is (DIR/bench.db; default /tmp/linli-district)
  --residents N    residents of the district when it has to be built (default 1000000)
  --year YYYY      the year measured (default 2026)
  --rounds N       timed runs of each measurement; the median is printed (default 5)";

const INDICATOR_CEILING: Duration = Duration::from_millis(50);
const SUMMARY_CEILING: Duration = Duration::from_millis(500);

struct Args {
    dir: PathBuf,
    residents: u64,
    year: i32,
    rounds: usize,
}

fn parse_args() -> BoxResult<Option<Args>> {
    let mut a = Args {
        dir: PathBuf::from("/tmp/linli-district"),
        residents: 1_000_000,
        year: 2026,
        rounds: 5,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--dir" => a.dir = PathBuf::from(value()?),
            "--residents" => a.residents = value()?.replace('_', "").parse()?,
            "--year" => a.year = value()?.parse()?,
            "--rounds" => a.rounds = value()?.parse::<usize>()?.max(1),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            other => return Err(format!("unknown option {other} (see --help)").into()),
        }
    }
    Ok(Some(a))
}

/// Builds the district with `bench-registry` (the binary next to this one).
fn build_district(args: &Args) -> BoxResult<()> {
    let exe = std::env::current_exe()?.with_file_name("bench-registry");
    if !exe.exists() {
        return Err(
            format!("{} is missing: cargo build --release -p linli-bench", exe.display()).into()
        );
    }
    println!("building the district with {} (once; later runs reuse it) …", exe.display());
    let status = std::process::Command::new(exe)
        .args(["--build-only", "--keep", "--residents"])
        .arg(args.residents.to_string())
        .arg("--dir")
        .arg(&args.dir)
        .status()?;
    if !status.success() {
        return Err("bench-registry failed to build the district".into());
    }
    Ok(())
}

fn communities(db: &Db) -> BoxResult<Vec<(i64, String)>> {
    Ok(db.read_blocking(|c| -> Result<Vec<(i64, String)>, StoreError> {
        c.query("SELECT id, name FROM places WHERE kind = 'community' ORDER BY id", &[])?
            .iter()
            .map(|r| Ok((r.int(0)?, r.text(1)?)))
            .collect()
    })?)
}

/// A year of records in one community: one household in 50 has a case with four helps; 300
/// gifts; 120 payments; and the other modules' demo records where the module exists.
fn add_year(db: &Db, community: i64, year: i32, now: DateTime<Utc>) -> BoxResult<()> {
    db.write_blocking(|c| -> Result<(), StoreError> {
        let user = match c.query_opt("SELECT id FROM users ORDER BY id LIMIT 1", &[])? {
            Some(r) => r.int(0)?,
            None => {
                linli_store::users::create(c, None, "bench", "bench", "x", now)?.id
            }
        };
        let heads = c.query(
            "SELECT id, household_id, place_path FROM residents WHERE community_id = ? AND household_id IS NOT NULL
             AND relation = 'head' ORDER BY id",
            params![community],
        )?;
        for (i, r) in heads.iter().enumerate().filter(|(i, _)| i % 50 == 0) {
            let input = CaseInput {
                household_id: r.opt_int(1)?,
                resident_id: Some(r.int(0)?),
                place_path: r.text(2)?,
                kinds: vec!["unemployment".into()],
                summary: "夫妻下岗，收入不稳定".into(),
                needs: String::new(),
                worker_id: None,
                next_review_on: None,
                legal_basis: "statutory".into(),
                consent_on: None,
                conflict_of_interest: false,
                conflict_note: String::new(),
            };
            let id = assistance::create_case(c, Tenant::new(community), &input, Some(user), now)?;
            let case = assistance::get_case(c, linli_store::Tenant::new(community), id)?;
            for m in 0..4 {
                let month = (i / 50 + m * 3) % 12 + 1;
                assistance::add_help(
                    c,
                    &case,
                    &HelpInput {
                        kind: if m % 2 == 0 { "goods" } else { "cash" }.into(),
                        given_on: chrono::NaiveDate::from_ymd_opt(year, month as u32, 15)
                            .ok_or_else(|| StoreError::Other(format!("{year}-{month}-15")))?,
                        amount_fen: (m % 2 == 1).then_some(50_000),
                        items_json: r#"[{"name":"米","quantity":"25kg"}]"#.into(),
                        source: "社区".into(),
                        note: String::new(),
                        participants: String::new(),
                    },
                    Some(user),
                    now,
                )?;
            }
        }
        if fund::decision(c, linli_store::Tenant::new(community))?.is_none() {
            fund::record_decision(
                c,
                linli_store::Tenant::new(community),
                &DecisionInput {
                    decided_on: chrono::NaiveDate::from_ymd_opt(year - 5, 3, 15)
                        .ok_or_else(|| StoreError::Other(format!("{}-03-15", year - 5)))?,
                    basis: linli_core::fund::MeetingBasis::Residents,
                    eligible: 150,
                    attendance: 86,
                    quorum_reached: true,
                    resolution: "成立爱心基金".into(),
                    purpose: String::new(),
                    eligibility: String::new(),
                },
                None,
                now,
            )?;
        }
        for i in 0..300u32 {
            let day = chrono::NaiveDate::from_ymd_opt(year, i % 12 + 1, i % 28 + 1)
                .ok_or(StoreError::Db("date".into()))?;
            fund::donate(
                c,
                linli_store::Tenant::new(community),
                &DonationInput {
                    donor_kind: DonorKind::Person,
                    donor_resident_id: None,
                    donor_partner_id: None,
                    donor_name: format!("捐赠人{i}"),
                    amount: Fen(10_000 + i64::from(i) * 37),
                    method: Method::Cash,
                    items: String::new(),
                    received_on: day,
                    publish_name: false,
                },
                Some(user),
                now,
            )?;
        }
        // Payments: the indicator reads the disbursements (the ledger side is the fund's own
        // benchmark), so they are written directly.
        for (i, r) in heads.iter().enumerate().filter(|(i, _)| i % 60 == 1).take(120) {
            c.execute(
                "INSERT INTO fund_disbursements (community_id, beneficiary_resident_id, amount_fen, purpose, status, requested_by, requested_at, paid_by, paid_on)
                 VALUES (?, ?, ?, 'living', 'paid', ?, ?, ?, ?)",
                params![community, r.int(0)?, 30_000, user, linli_store::now_text(now), user,
                    format!("{year}-{:02}-10", i % 12 + 1)],
            )?;
        }
        Ok(())
    })?;
    // The other modules' demo records, each on its own (a module may not be built yet).
    type Populate = fn(&mut dyn linli_store::Conn, i64, DateTime<Utc>) -> Result<(), StoreError>;
    let modules: [(&str, Populate); 2] = [
        ("learning", linli_demo::learning::populate),
        ("partners", linli_demo::partners::populate),
    ];
    for (name, populate) in modules {
        if let Err(e) = db.write_blocking(|c| populate(c, community, now)) {
            eprintln!("  ({name} demo records not added: {e})");
        }
    }
    Ok(())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn ratio(d: Duration, ceiling: Duration) -> f64 {
    d.as_secs_f64() / ceiling.as_secs_f64()
}

fn main() -> BoxResult<()> {
    let Some(args) = parse_args()? else {
        return Ok(());
    };
    let now = Utc::now();
    let path = args.dir.join("bench.db");
    if !path.exists() {
        build_district(&args)?;
    }
    let db = Db::open(&DbConfig::new(path.to_string_lossy().to_string()))?;
    migrate::migrate(&db)?;
    let comms = communities(&db)?;
    let residents = db.read_blocking(|c| c.count("SELECT COUNT(*) FROM residents", &[]))?;
    println!(
        "bench-indicators: {} ({} communities, {residents} residents)",
        path.display(),
        comms.len()
    );
    let (from, to) = summary::year_period(args.year);
    let have = db.read_blocking(|c| c.count("SELECT COUNT(*) FROM help_records", &[]))?;
    if have == 0 {
        println!("adding a year of records to every community (once) …");
        let start = Instant::now();
        for (i, (id, _)) in comms.iter().enumerate() {
            add_year(&db, *id, args.year, now)?;
            if (i + 1) % 10 == 0 || i + 1 == comms.len() {
                eprintln!(
                    "  {}/{} communities, {:.0} s",
                    i + 1,
                    comms.len(),
                    start.elapsed().as_secs_f64()
                );
            }
        }
        db.write_blocking(|c| c.batch("ANALYZE"))?;
    }
    // The community measured: one in the middle of the district.
    let (community, name) = comms.get(comms.len() / 2).ok_or("no community")?.clone();
    println!("community {name} (id {community}), {from} … {to}; median of {} runs\n", args.rounds);
    println!("{:<34} {:>12} {:>10} {:>8}", "indicator", "value", "time", "ratio");
    let mut worst = 0.0f64;
    for ind in linli_core::indicators::CATALOGUE {
        let (t, figs) = timed(args.rounds, || {
            Ok(db.read_blocking(|c| {
                reports::compute_some(c, Tenant::new(community), &from, &to, Some(ind.id))
            })?)
        })?;
        let value = figs
            .first()
            .and_then(|f| f.value.as_ref())
            .map_or_else(|| "unavailable".to_string(), |v| v.to_string());
        worst = worst.max(line(ind.id, &value, t, INDICATOR_CEILING));
    }
    // Every figure of the community at once: what the figures page (`/reports`) reads.
    let (t, figs) = timed(args.rounds, || {
        Ok(db.read_blocking(|c| reports::compute(c, Tenant::new(community), &from, &to))?)
    })?;
    let label = format!("{} figures", figs.len());
    line("every figure (the /reports page)", &label, t, INDICATOR_CEILING);
    let district_worst = measure_district(&db, &comms, &from, &to, args.rounds)?;
    let today = linli_core::clock::shanghai(now).format("%Y-%m-%d").to_string();
    let (t, figures) = timed(args.rounds, || {
        let doc =
            db.read_blocking(|c| summary::build(c, Tenant::new(community), args.year, &today))?;
        let _docx = linli_io::docx::write_docx(&doc)?;
        Ok(doc.notes.len())
    })?;
    println!();
    line("summary (build + DOCX)", &format!("{figures} figures"), t, SUMMARY_CEILING);
    println!(
        "\nceilings: each indicator {} ms, the summary {} ms; worst indicator ratio {worst:.2}, \
         over the whole district {district_worst:.2}",
        INDICATOR_CEILING.as_millis(),
        SUMMARY_CEILING.as_millis()
    );
    Ok(())
}

/// Runs `f` `rounds` times: the median time and the last result.
fn timed<T>(rounds: usize, mut f: impl FnMut() -> BoxResult<T>) -> BoxResult<(Duration, T)> {
    let mut times = Vec::with_capacity(rounds);
    let mut last = None;
    for _ in 0..rounds.max(1) {
        let start = Instant::now();
        last = Some(f()?);
        times.push(start.elapsed());
    }
    let last = last.ok_or("no round ran")?;
    Ok((median(times), last))
}

/// Prints a measurement's line against its ceiling; returns the ratio.
fn line(label: &str, value: &str, t: Duration, ceiling: Duration) -> f64 {
    let r = ratio(t, ceiling);
    println!(
        "{:<34} {:>12} {:>8.2}ms {:>8.2}{}",
        label,
        value,
        t.as_secs_f64() * 1000.0,
        r,
        if r > 1.0 { "  TOO SLOW" } else { "" }
    );
    r
}

/// Each indicator over every community of the district, as the street's page reads its totals
/// (`linli_app::street`: the figure of each community, then the total): the time of one
/// figure for the whole district against the same 50 ms ceiling, and of the whole table.
/// Returns the worst ratio.
fn measure_district(
    db: &Db,
    comms: &[(i64, String)],
    from: &str,
    to: &str,
    rounds: usize,
) -> BoxResult<f64> {
    let residents = db.read_blocking(|c| c.count("SELECT COUNT(*) FROM residents", &[]))?;
    println!(
        "\nthe whole district: {} communities, {residents} residents (each figure read per \
         community and totalled, as the street's page does); median of {rounds} runs\n",
        comms.len()
    );
    println!("{:<34} {:>12} {:>10} {:>8}", "indicator", "with a value", "time", "ratio");
    let mut worst = 0.0f64;
    let mut whole = Duration::ZERO;
    for ind in linli_core::indicators::CATALOGUE {
        let (t, figs) = timed(rounds, || {
            Ok(db.read_blocking(|c| {
                let mut all = Vec::with_capacity(comms.len());
                for (id, _) in comms {
                    all.extend(reports::compute_some(c, Tenant::new(*id), from, to, Some(ind.id))?);
                }
                Ok::<_, StoreError>(all)
            })?)
        })?;
        whole += t;
        let with_value = figs.iter().filter(|f| f.value.is_some()).count();
        worst = worst.max(line(ind.id, &with_value.to_string(), t, INDICATOR_CEILING));
    }
    println!(
        "{:<34} {:>12} {:>8.2}ms",
        "every figure (the street's table)",
        "",
        whole.as_secs_f64() * 1000.0
    );
    Ok(worst)
}
