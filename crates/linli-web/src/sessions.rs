//! The signed-in callers of recent requests, kept a few seconds so that a busy client's every
//! request does not read its session, grants and community again.
//!
//! An entry is used only while all of these hold: it is younger than the cache's lifetime
//! (`Config::session_cache`, 5 s by default, `0` turns the cache off), the session has not
//! expired, and no account, grant or session changed in this process since it was read
//! ([`linli_app::App::accounts_changed`]: signing out, a password change or reset, a
//! deactivation, revoked tokens). A change made by another instance sharing the database, or by
//! the `linli` command, takes effect here within the lifetime.

use crate::auth::Caller;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept at most; past it, expired entries go, and if none had, all of them.
const MAX_ENTRIES: usize = 10_000;

pub(crate) struct CallerCache {
    lifetime: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

struct Entry {
    caller: Caller,
    /// [`linli_app::App::accounts_generation`] before the caller was read.
    generation: u64,
    read_at: Instant,
    session_expires: DateTime<Utc>,
}

impl CallerCache {
    pub(crate) fn new(lifetime: Duration) -> Self {
        CallerCache { lifetime, entries: Mutex::new(HashMap::new()) }
    }

    /// The caller of a token (by its hash) read since the last change, if it is still valid.
    pub(crate) fn get(
        &self,
        token_hash: &str,
        generation: u64,
        now: DateTime<Utc>,
    ) -> Option<Caller> {
        if self.lifetime.is_zero() {
            return None;
        }
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let e = entries.get(token_hash)?;
        (e.generation == generation
            && e.read_at.elapsed() < self.lifetime
            && now < e.session_expires)
            .then(|| e.caller.clone())
    }

    /// Keeps a caller read from the database; `generation` is the one read before the session.
    pub(crate) fn put(&self, caller: &Caller, generation: u64, session_expires: DateTime<Utc>) {
        if self.lifetime.is_zero() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES {
            let lifetime = self.lifetime;
            entries.retain(|_, e| e.generation == generation && e.read_at.elapsed() < lifetime);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(
            caller.token_hash.clone(),
            Entry { caller: caller.clone(), generation, read_at: Instant::now(), session_expires },
        );
    }
}
