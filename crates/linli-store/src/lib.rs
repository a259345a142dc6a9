//! Linli's storage: one small query layer over embedded SQLite and PostgreSQL, the embedded
//! migrations, and one repository module per domain module.
//!
//! Why not sqlx: its SQLite driver spends ~100 µs of CPU per point lookup on this machine
//! (0.19× of a bare axum handler), rusqlite ~17 µs. So the SQLite path is rusqlite with a
//! dedicated writer connection and a pool of reader connections; PostgreSQL goes through the
//! `postgres` crate. Both sit behind [`Conn`], which takes the same SQL text (`?`
//! placeholders, portable SQL) and the same [`Value`]s, so each repository is written once.
//! Queries run on blocking threads (`Db::read`/`Db::write` use `spawn_blocking`).

pub mod assistance;
pub mod audit;
mod db;
mod error;
pub mod fund;
pub mod learning;
pub mod migrate;
pub mod partners;
mod pg;
pub mod places;
mod pool;
pub mod population;
pub mod registry;
pub mod reports;
pub mod setup;
mod sqlite;
pub mod summary;
pub mod users;
pub mod visits;

pub use db::{Conn, Db, DbConfig, Dialect, Row, Value, now_text};
pub use error::StoreError;

/// Builds a parameter slice from values of mixed types: `params![id, name, None::<String>]`.
#[macro_export]
macro_rules! params {
    () => { &[] as &[$crate::Value] };
    ($($v:expr),+ $(,)?) => { &[$($crate::Value::from($v)),+] as &[$crate::Value] };
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
