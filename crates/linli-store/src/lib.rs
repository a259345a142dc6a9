//! Linli's storage: one small query layer over embedded SQLite and PostgreSQL, the embedded
//! migrations, and one repository module per domain module.
//!
//! Why not sqlx: its SQLite driver spends ~100 µs of CPU per point lookup on this machine
//! (0.19× of a bare axum handler), rusqlite ~17 µs. So the SQLite path is rusqlite with a
//! dedicated writer connection and a pool of reader connections; PostgreSQL goes through the
//! `postgres` crate. Both sit behind [`Conn`], which takes the same SQL text (`?`
//! placeholders, portable SQL) and the same [`Value`]s, so each repository is written once.
//! Queries run on blocking threads (`Db::read`/`Db::write` use `spawn_blocking`).

pub mod affairs;
pub mod assistance;
pub mod audit;
pub mod claims;
pub mod corrections;
pub mod corridors;
mod db;
mod error;
pub mod fund;
pub mod guards;
pub mod learning;
pub mod migrate;
pub mod partners;
mod pg;
pub mod photo;
pub mod places;
mod pool;
pub mod privacy;
pub mod publicity;
pub mod registry;
pub mod reports;
pub mod search;
pub mod setup;
mod sqlite;
pub mod summary;
mod tenant;
pub mod users;
pub mod visits;
pub mod volunteers;

pub use db::{
    Column, Columns, Conn, Db, DbConfig, DbCounts, Dialect, ReplicaLag, Row, Value, now_text,
};
pub use sqlite::WRITER_CACHE_KIB;
pub use tenant::Tenant;

/// The OFFSET of a page of `per_page` rows. Pages come from query strings: a huge or negative
/// number is clamped, never overflowed into a negative OFFSET (which PostgreSQL refuses and
/// SQLite reads as 0).
pub fn page_offset(page: i64, per_page: i64) -> i64 {
    (page.clamp(1, 1_000_000) - 1).saturating_mul(per_page.max(0))
}
pub use error::{DbCode, DbFailure, FailureKind, StoreError, UNAVAILABLE_RETRY_SECS};

/// Builds a parameter slice from values of mixed types: `params![id, name, None::<String>]`.
#[macro_export]
macro_rules! params {
    () => { &[] as &[$crate::Value] };
    ($($v:expr),+ $(,)?) => { &[$($crate::Value::from($v)),+] as &[$crate::Value] };
}

/// A struct built from a row, its fields read from the row's columns in the order named, each as
/// its type asks ([`Column`]): `from_row!(r => Seeker { id, community_id, skills })` is
/// `Seeker { id: r.int(0)?, community_id: r.int(1)?, skills: r.text(2)? }`. Fields that are not
/// columns follow a `;` with their values: `from_row!(r => Entry { id, memo; postings: p })`.
/// The list reads as the `SELECT` it mirrors; it is used where `?` returns a store error.
#[macro_export]
macro_rules! from_row {
    ($row:expr => $ty:ident { $($field:ident),+ $(,)? $(; $($extra:ident : $value:expr),+ $(,)?)? }) => {{
        let mut columns = $crate::Columns::new(&$row);
        $ty { $($field: columns.take()?,)+ $($($extra: $value,)+)? }
    }};
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::page_offset;

    #[test]
    fn page_offsets_never_overflow_or_go_negative() {
        assert_eq!(page_offset(1, 50), 0);
        assert_eq!(page_offset(3, 50), 100);
        assert_eq!(page_offset(0, 50), 0);
        assert_eq!(page_offset(-5, 50), 0);
        assert_eq!(page_offset(i64::MAX, 50), 999_999 * 50);
    }
}
