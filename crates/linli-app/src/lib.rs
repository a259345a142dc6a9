//! Linli's operations: one function per use case — validate the typed input, authorize the
//! actor, run the transaction, write the audit record — called alike by the pages, the JSON
//! API and the command line. Nothing here knows HTTP or HTML: an operation takes an [`App`],
//! an [`Actor`] and typed input, and returns typed output or an [`Error`].
//!
//! Store functions take the community as a [`linli_store::Tenant`], which an operation only
//! ever builds from the actor's own community ([`Actor::tenant`]): an id from another
//! community finds nothing.

mod actor;
mod error;
pub mod throttle;
mod tx;

pub mod accounts;
pub mod affairs;
pub mod assistance;
pub mod calendar;
pub mod cards;
pub mod claims;
pub mod corrections;
pub mod corridors;
pub mod employment;
pub mod fund;
pub mod import;
pub mod learning;
pub mod me;
pub mod partners;
pub mod places;
pub mod publicity;
pub mod registry;
pub mod reports;
pub mod street;
pub mod visits;
pub mod volunteers;

pub use actor::{Actor, Principal};
pub use error::{Error, Result};
pub use tx::Tx;

use linli_core::Clock;
use linli_store::{Conn, Db, StoreError};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// What the operations need: the database and the clock.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    /// Searches by digits per account this minute (see `registry::DIGIT_SEARCHES_PER_MINUTE`).
    pub searches: Arc<throttle::Windows<i64>>,
    /// Changes to accounts, grants and sessions made by this process so far: what a cache of
    /// signed-in callers compares to know that an entry may be out of date.
    accounts: Arc<AtomicU64>,
}

impl App {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        App { db, clock, searches: Arc::default(), accounts: Arc::default() }
    }

    /// Says that an account, its grants or its sessions changed (signing out, a password
    /// change or reset, a deactivation, revoked tokens): callers cached before are read again.
    pub fn accounts_changed(&self) {
        self.accounts.fetch_add(1, Ordering::AcqRel);
    }

    /// How many times [`App::accounts_changed`] was said: read it before reading a session.
    pub fn accounts_generation(&self) -> u64 {
        self.accounts.load(Ordering::Acquire)
    }

    /// Runs `f` in one write transaction of `actor` (on a blocking thread): the changes and the
    /// audit records it writes through [`Tx::audit`] commit together, or nothing does.
    pub async fn write<T, F>(&self, actor: &Actor, f: F) -> Result<T>
    where
        F: FnOnce(&mut Tx<'_>) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let actor = actor.clone();
        self.db
            .write(move |c| {
                let mut tx = Tx { c, actor: &actor };
                f(&mut tx)
            })
            .await
    }

    /// [`App::write`] on this thread (the command line, which has no runtime to spare).
    pub fn write_blocking<T, F>(&self, actor: &Actor, f: F) -> Result<T>
    where
        F: FnOnce(&mut Tx<'_>) -> Result<T>,
    {
        self.db.write_blocking(|c| {
            let mut tx = Tx { c, actor };
            f(&mut tx)
        })
    }

    /// Like [`App::read`], on the database's replica when it has one within its lag bound:
    /// for read-only work that may see the data a few seconds late (figures, summaries).
    pub async fn read_replica<T, E, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&mut dyn Conn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        Error: From<E>,
    {
        self.db.read_replica(f).await.map_err(Error::from)
    }

    /// Runs `f` on a read connection, in one snapshot. `f` may fail with a store error or an
    /// operation error.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&mut dyn Conn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        Error: From<E>,
    {
        self.db.read(f).await.map_err(Error::from)
    }

    /// [`App::read`] for a few rows found by key, on this thread when it can be
    /// ([`Db::read_small`]).
    pub async fn read_small<T, E, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&mut dyn Conn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        Error: From<E>,
    {
        self.db.read_small(f).await.map_err(Error::from)
    }
}

/// A text field trimmed and cut to `n` characters (not bytes: Chinese text).
pub fn clip(s: Option<&str>, n: usize) -> String {
    s.unwrap_or_default().trim().chars().take(n).collect()
}
