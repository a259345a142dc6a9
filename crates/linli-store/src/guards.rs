//! The append-only guards: the triggers that refuse to change or remove audit and fund
//! records. A guard dropped or disabled directly in the database (by someone who can, and then
//! could rewrite history) is reported by `linli verify` and put back by `linli migrate`.

use crate::db::{Conn, Dialect};
use crate::{Result, params};

/// The tables whose rows are never changed or removed.
pub const APPEND_ONLY: [&str; 3] = ["audit_log", "fund_transactions", "fund_postings"];

/// One trigger that guards a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard {
    pub table: &'static str,
    pub name: String,
    create: String,
}

/// The guards each table has on this engine: on SQLite a trigger per refused statement; on
/// PostgreSQL one row trigger for UPDATE and DELETE and one for TRUNCATE.
pub fn expected(dialect: Dialect) -> Vec<Guard> {
    let mut out = Vec::new();
    for table in APPEND_ONLY {
        match dialect {
            Dialect::Sqlite => {
                for (suffix, op) in [("no_update", "UPDATE"), ("no_delete", "DELETE")] {
                    out.push(Guard {
                        table,
                        name: format!("{table}_{suffix}"),
                        create: format!(
                            "CREATE TRIGGER {table}_{suffix} BEFORE {op} ON {table}\nBEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                        ),
                    });
                }
            }
            Dialect::Postgres => {
                out.push(Guard {
                    table,
                    name: format!("{table}_append_only"),
                    create: format!(
                        "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION linli_append_only()"
                    ),
                });
                out.push(Guard {
                    table,
                    name: format!("{table}_no_truncate"),
                    create: format!(
                        "CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION linli_append_only()"
                    ),
                });
            }
        }
    }
    out
}

/// What is wrong with a guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Missing,
    Disabled,
}

/// A guard that does not guard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    pub guard: Guard,
    pub fault: Fault,
}

impl std::fmt::Display for Breach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.fault {
            Fault::Missing => "is missing",
            Fault::Disabled => "is disabled",
        };
        write!(
            f,
            "trigger {} on {} {what}: {} can be changed or deleted (run `linli migrate` to restore it)",
            self.guard.name, self.guard.table, self.guard.table
        )
    }
}

/// The guards that are missing or disabled, in the order of [`expected`].
pub fn breaches(c: &mut dyn Conn) -> Result<Vec<Breach>> {
    let dialect = c.dialect();
    // (name, enabled) of the triggers on the guarded tables.
    let present: Vec<(String, bool)> = match dialect {
        Dialect::Sqlite => c
            .query(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('audit_log', 'fund_transactions', 'fund_postings')",
                params![],
            )?
            .iter()
            .map(|r| Ok((r.text(0)?, true)))
            .collect::<Result<_>>()?,
        Dialect::Postgres => c
            .query(
                "SELECT t.tgname, t.tgenabled <> 'D' AND p.proname IS NOT NULL
                   FROM pg_trigger t JOIN pg_class k ON k.oid = t.tgrelid
                   JOIN pg_namespace n ON n.oid = k.relnamespace
                   LEFT JOIN pg_proc p ON p.oid = t.tgfoid AND p.proname = 'linli_append_only'
                  WHERE NOT t.tgisinternal AND n.nspname = current_schema()
                    AND k.relname IN ('audit_log', 'fund_transactions', 'fund_postings')",
                params![],
            )?
            .iter()
            .map(|r| Ok((r.text(0)?, r.bool(1)?)))
            .collect::<Result<_>>()?,
    };
    Ok(expected(dialect)
        .into_iter()
        .filter_map(|guard| {
            let fault = match present.iter().find(|(n, _)| *n == guard.name) {
                None => Fault::Missing,
                Some((_, false)) => Fault::Disabled,
                Some((_, true)) => return None,
            };
            Some(Breach { guard, fault })
        })
        .collect())
}

/// Puts back every missing or disabled guard (and, on PostgreSQL, the function they call);
/// gives what it restored. Part of `linli migrate`, in its transaction.
pub fn restore(c: &mut dyn Conn) -> Result<Vec<Breach>> {
    let found = breaches(c)?;
    if found.is_empty() {
        return Ok(found);
    }
    if c.dialect() == Dialect::Postgres {
        c.batch(
            "CREATE OR REPLACE FUNCTION linli_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END
$$",
        )?;
    }
    for b in &found {
        match b.fault {
            Fault::Missing => c.batch(&b.guard.create)?,
            Fault::Disabled => c.batch(&format!(
                "DROP TRIGGER {} ON {}; {}",
                b.guard.name, b.guard.table, b.guard.create
            ))?,
        }
        tracing::warn!(trigger = %b.guard.name, table = b.guard.table, "append-only guard restored");
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_append_only_table_is_guarded_against_change_and_removal_on_both_engines() {
        let lite = expected(Dialect::Sqlite);
        let pg = expected(Dialect::Postgres);
        for table in APPEND_ONLY {
            assert_eq!(lite.iter().filter(|g| g.table == table).count(), 2);
            assert_eq!(pg.iter().filter(|g| g.table == table).count(), 2);
        }
        assert!(lite.iter().any(|g| g.name == "audit_log_no_delete"));
        assert!(pg.iter().any(|g| g.name == "fund_postings_no_truncate"));
    }
}
