//! Embedded, append-only migrations, run on both engines from the same files.

use crate::db::{Conn, Db, Dialect, now_text};
use crate::error::StoreError;
use crate::{Result, params};

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sql: include_str!("../migrations/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "registry",
        sql: include_str!("../migrations/0002_registry.sql"),
    },
    Migration { version: 3, name: "fund", sql: include_str!("../migrations/0003_fund.sql") },
    Migration {
        version: 4,
        name: "registry_indexes",
        sql: include_str!("../migrations/0004_registry_indexes.sql"),
    },
    Migration {
        version: 5,
        name: "assistance",
        sql: include_str!("../migrations/0005_assistance.sql"),
    },
    Migration {
        version: 6,
        name: "service_stations",
        sql: include_str!("../migrations/0006_service_stations.sql"),
    },
    Migration {
        version: 7,
        name: "learning",
        sql: include_str!("../migrations/0007_learning.sql"),
    },
    Migration {
        version: 8,
        name: "partners",
        sql: include_str!("../migrations/0008_partners.sql"),
    },
    Migration { version: 9, name: "visits", sql: include_str!("../migrations/0009_visits.sql") },
    Migration { version: 10, name: "summary", sql: include_str!("../migrations/0010_summary.sql") },
    Migration {
        version: 11,
        name: "course_signups",
        sql: include_str!("../migrations/0011_course_signups.sql"),
    },
    Migration {
        version: 12,
        name: "partner_activity_photos",
        sql: include_str!("../migrations/0012_partner_activity_photos.sql"),
    },
    Migration {
        version: 13,
        name: "account_lifecycle",
        sql: include_str!("../migrations/0013_account_lifecycle.sql"),
    },
    Migration {
        version: 14,
        name: "resident_accounts",
        sql: include_str!("../migrations/0014_resident_accounts.sql"),
    },
    Migration {
        version: 15,
        name: "neighbour_cards",
        sql: include_str!("../migrations/0015_neighbour_cards.sql"),
    },
    Migration {
        version: 16,
        name: "corrections",
        sql: include_str!("../migrations/0016_corrections.sql"),
    },
    Migration {
        version: 17,
        name: "resident_claims",
        sql: include_str!("../migrations/0017_resident_claims.sql"),
    },
    Migration {
        version: 18,
        name: "volunteers",
        sql: include_str!("../migrations/0018_volunteers.sql"),
    },
    Migration {
        version: 19,
        name: "corridors",
        sql: include_str!("../migrations/0019_corridors.sql"),
    },
    Migration {
        version: 20,
        name: "publicity",
        sql: include_str!("../migrations/0020_publicity.sql"),
    },
    Migration {
        version: 21,
        name: "search_speed",
        sql: include_str!("../migrations/0021_search_speed.sql"),
    },
    Migration {
        version: 22,
        name: "corridor_settings",
        sql: include_str!("../migrations/0022_corridor_settings.sql"),
    },
    Migration {
        version: 23,
        name: "idempotency_request",
        sql: include_str!("../migrations/0023_idempotency_request.sql"),
    },
    Migration {
        version: 24,
        name: "fund_seal",
        sql: include_str!("../migrations/0024_fund_seal.sql"),
    },
    Migration {
        version: 25,
        name: "retired_boards_and_items",
        sql: include_str!("../migrations/0025_retired_boards_and_items.sql"),
    },
    Migration {
        version: 26,
        name: "calendar_years",
        sql: include_str!("../migrations/0026_calendar_years.sql"),
    },
    Migration {
        version: 27,
        name: "fund_meeting_and_postings",
        sql: include_str!("../migrations/0027_fund_meeting_and_postings.sql"),
    },
    Migration {
        version: 28,
        name: "summary_suggestions",
        sql: include_str!("../migrations/0028_summary_suggestions.sql"),
    },
    Migration { version: 29, name: "dibao", sql: include_str!("../migrations/0029_dibao.sql") },
    Migration {
        version: 30,
        name: "search_stats",
        sql: include_str!("../migrations/0030_search_stats.sql"),
    },
    Migration {
        version: 31,
        name: "figure_indexes",
        sql: include_str!("../migrations/0031_figure_indexes.sql"),
    },
    Migration {
        version: 32,
        name: "resident_name_chars",
        sql: include_str!("../migrations/0032_resident_name_chars.sql"),
    },
    Migration {
        version: 33,
        name: "search_postings",
        sql: include_str!("../migrations/0033_search_postings.sql"),
    },
    Migration {
        version: 34,
        name: "registry_counts",
        sql: include_str!("../migrations/0034_registry_counts.sql"),
    },
    Migration {
        version: 35,
        name: "birth_counts",
        sql: include_str!("../migrations/0035_birth_counts.sql"),
    },
];

/// A migration's step that SQL cannot do, run right after its SQL in the same transaction.
type Step = fn(&mut dyn Conn) -> Result<()>;

/// The steps, by migration version.
const STEPS: &[(i64, Step)] = &[
    (30, crate::search::backfill_stats),
    (32, crate::registry::backfill_name_chars),
    (33, crate::search::backfill_postings),
];

/// The newest schema version this binary knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Turns a migration file into the SQL of one engine (see the file's header).
pub fn render(sql: &str, dialect: Dialect) -> String {
    let (id, binary, keep, drop) = match dialect {
        Dialect::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "", "-- @sqlite", "-- @postgres"),
        Dialect::Postgres => {
            ("BIGSERIAL PRIMARY KEY", "COLLATE \"C\"", "-- @postgres", "-- @sqlite")
        }
    };
    let mut out = String::with_capacity(sql.len());
    let mut skipping = false;
    for line in sql.lines() {
        let t = line.trim();
        if t == drop {
            skipping = true;
        } else if t == "-- @end" {
            skipping = false;
        } else if t != keep && !skipping {
            out.push_str(&line.replace("@ID@", id).replace("@BINARY@", binary));
            out.push('\n');
        }
    }
    out
}

/// What `migrate` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub from: i64,
    pub to: i64,
    /// The append-only guards that were missing or disabled and are back.
    pub restored: Vec<crate::guards::Breach>,
}

/// Brings the schema up to date. Refuses a database whose schema is newer than this binary.
/// Safe to run from several instances at once: PostgreSQL serializes them on an advisory
/// lock, SQLite on its write lock.
pub fn migrate(db: &Db) -> Result<Outcome> {
    migrate_until(db, latest_version())
}

/// [`migrate`], stopping at `version` (the tests of a migration's upgrade of older data).
pub(crate) fn migrate_until(db: &Db, version: i64) -> Result<Outcome> {
    db.write_blocking(|c| {
        if c.dialect() == Dialect::Postgres {
            c.execute("SELECT pg_advisory_xact_lock(7447304)", params![])?;
        }
        c.batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )",
        )?;
        let from = current_version(c)?;
        let known = latest_version();
        if from > known {
            return Err(StoreError::NewerSchema { found: from, known });
        }
        for m in MIGRATIONS.iter().filter(|m| m.version > from && m.version <= version) {
            c.batch(&render(m.sql, c.dialect()))?;
            for (_, step) in STEPS.iter().filter(|(v, _)| *v == m.version) {
                step(c)?;
            }
            c.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                params![m.version, m.name, now_text(chrono::Utc::now())],
            )?;
            tracing::info!(version = m.version, name = m.name, "migration applied");
        }
        // A guard dropped or disabled since is put back on every run.
        let restored = crate::guards::restore(c)?;
        Ok(Outcome { from, to: known, restored })
    })
}

pub fn current_version(c: &mut dyn Conn) -> Result<i64> {
    c.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", params![])?.int(0)
}

/// The tables and their columns, sorted, for the test that both engines end up alike. Each
/// engine's own full-text index is left out: SQLite's FTS5 tables and PostgreSQL's postings
/// (both `search_fts*`; a narrow tsvector table from migration 21 to 33) hold the same tokens
/// as `search_docs` (`search_docs.tsv` was PostgreSQL's before).
pub fn describe_schema(db: &Db) -> Result<Vec<(String, Vec<String>)>> {
    db.read_blocking(|c| {
        let rows = match c.dialect() {
            Dialect::Sqlite => c.query(
                "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'search_fts%'
                 ORDER BY m.name, p.name",
                params![],
            )?,
            Dialect::Postgres => c.query(
                "SELECT table_name::text, column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema()
                   AND NOT (table_name = 'search_docs' AND column_name = 'tsv')
                   AND table_name NOT LIKE 'search_fts%'
                 ORDER BY table_name, column_name",
                params![],
            )?,
        };
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for r in rows {
            let (t, col) = (r.text(0)?, r.text(1)?);
            match out.last_mut() {
                Some((last, cols)) if *last == t => cols.push(col),
                _ => out.push((t, vec![col])),
            }
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_engine_keeps_only_its_own_blocks() {
        let sql = "A @ID@\n-- @sqlite\nS\n-- @end\n-- @postgres\nP\n-- @end\nB";
        assert_eq!(render(sql, Dialect::Sqlite), "A INTEGER PRIMARY KEY AUTOINCREMENT\nS\nB\n");
        assert_eq!(render(sql, Dialect::Postgres), "A BIGSERIAL PRIMARY KEY\nP\nB\n");
    }

    #[test]
    fn migrations_are_numbered_in_order_without_gaps() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "{}", m.name);
        }
    }
}
