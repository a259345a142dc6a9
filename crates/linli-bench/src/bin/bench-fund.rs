//! How many gifts a second the love fund records, each in its own durable transaction
//! (SQLite `synchronous=FULL`, the hash chain and the receipt counter included), next to the
//! ceiling: the same number of bare one-row write transactions on the same database, in the
//! same run. `cargo run --release -p linli-bench --bin bench-fund [-- --gifts N]`
//! With `LINLI_BENCH_PG_URL` set it measures a PostgreSQL database there too.

use chrono::{NaiveDate, Utc};
use linli_core::fund::{DonorKind, Fen, Method};
use linli_store::fund::{self, DecisionInput, DonationInput};
use linli_store::{Db, DbConfig, StoreError, migrate, params};
use std::error::Error;
use std::time::Instant;
// The `linli` binary's allocator comes with the crate's library.
use linli_bench as _;

type BoxResult<T> = Result<T, Box<dyn Error>>;

fn measure(label: &str, db: &Db, gifts: usize) -> BoxResult<()> {
    migrate::migrate(db)?;
    let now = Utc::now();
    let community = linli_store::Tenant::new(linli_demo::seed_demo(db, now)?);
    db.write_blocking(|c| {
        if fund::decision(c, community)?.is_none() {
            fund::record_decision(
                c,
                community,
                &DecisionInput {
                    decided_on: "2011-03-15"
                        .parse()
                        .map_err(|e| StoreError::Other(format!("{e}")))?,
                    basis: linli_core::fund::MeetingBasis::Residents,
                    eligible: 150,
                    attendance: 86,
                    quorum_reached: true,
                    resolution: "bench".into(),
                    purpose: String::new(),
                    eligibility: String::new(),
                },
                None,
                now,
            )?;
        }
        c.batch(
            "CREATE TABLE IF NOT EXISTS bench_ceiling (id BIGINT, community_id BIGINT, note TEXT)",
        )?;
        Ok::<_, StoreError>(())
    })?;
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).ok_or("date")?;
    // The ceiling: one durable transaction with one small insert, nothing else.
    let start = Instant::now();
    for i in 0..gifts {
        db.write_blocking(|c| {
            c.execute(
                "INSERT INTO bench_ceiling (id, community_id, note) VALUES (?, ?, ?)",
                params![i as i64, community, "x"],
            )
        })?;
    }
    let ceiling = start.elapsed();
    let start = Instant::now();
    for i in 0..gifts {
        db.write_blocking(|c| {
            fund::donate(
                c,
                community,
                &DonationInput {
                    donor_kind: DonorKind::Person,
                    donor_resident_id: None,
                    donor_partner_id: None,
                    donor_name: format!("捐赠人{i}"),
                    amount: Fen(100 + i as i64),
                    method: Method::Cash,
                    items: String::new(),
                    received_on: day,
                    publish_name: false,
                },
                None,
                now,
            )
        })?;
    }
    let gifts_time = start.elapsed();
    let per_sec = gifts as f64 / gifts_time.as_secs_f64();
    let ceiling_per_sec = gifts as f64 / ceiling.as_secs_f64();
    println!(
        "{label:<28} {gifts:>6} gifts  {per_sec:>8.0}/s   bare 1-row transactions {ceiling_per_sec:>8.0}/s   ratio {:.2}",
        per_sec / ceiling_per_sec
    );
    Ok(())
}

fn main() -> BoxResult<()> {
    let args: Vec<String> = std::env::args().collect();
    let gifts = args
        .iter()
        .position(|a| a == "--gifts")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let dir = std::env::temp_dir().join(format!("linli-bench-fund-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("fund.db");
    {
        let db = Db::open(&DbConfig::new(path.to_string_lossy().to_string()))?;
        measure("SQLite (WAL, synchronous=FULL)", &db, gifts)?;
    }
    if let Ok(url) = std::env::var("LINLI_BENCH_PG_URL") {
        let db = Db::open(&DbConfig::new(url))?;
        measure("PostgreSQL", &db, gifts)?;
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
