//! Requests counted per key in one-minute windows ([`linli_core::window`]), in this instance's
//! memory: client addresses at the public doors, accounts searching by digits.

use chrono::{DateTime, Utc};
use linli_core::window::{Window, admit};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

/// Keys remembered before the expired ones are dropped.
const MAX_TRACKED: usize = 10_000;

pub struct Windows<K> {
    windows: Mutex<HashMap<K, Window>>,
}

impl<K> Default for Windows<K> {
    fn default() -> Self {
        Windows { windows: Mutex::new(HashMap::new()) }
    }
}

impl<K: Eq + Hash> Windows<K> {
    /// Counts one request of `key`: `Ok` when admitted, or the seconds to wait.
    pub fn check(&self, key: K, now: DateTime<Utc>, limit: u32) -> Result<(), i64> {
        let mut windows = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() >= MAX_TRACKED {
            windows.retain(|_, w| !w.expired(now));
        }
        let w = windows.entry(key).or_insert_with(|| Window::new(now));
        admit(w, now, limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn keys_are_counted_apart() {
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap();
        let w: Windows<i64> = Windows::default();
        for _ in 0..3 {
            assert!(w.check(1, now, 3).is_ok());
        }
        assert!(w.check(1, now, 3).is_err());
        assert!(w.check(2, now, 3).is_ok());
    }
}
