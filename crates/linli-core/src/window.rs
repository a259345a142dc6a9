//! A fixed one-minute window that admits a number of requests: the rule behind the rate limit
//! of the public doors (per client address) and the digit-search throttle (per account).

use chrono::{DateTime, Duration, Utc};

/// One key's current minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub started: DateTime<Utc>,
    pub count: u32,
}

impl Window {
    pub fn new(now: DateTime<Utc>) -> Self {
        Window { started: now, count: 0 }
    }

    /// Whether the window is over at `now` (a key no longer worth remembering).
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.started + Duration::minutes(1)
    }
}

/// Counts one request in a fixed one-minute window: `Ok` when admitted, or the seconds until
/// the window ends.
pub fn admit(window: &mut Window, now: DateTime<Utc>, limit: u32) -> Result<(), i64> {
    if window.expired(now) {
        *window = Window::new(now);
    }
    if window.count >= limit {
        return Err((window.started + Duration::minutes(1) - now).num_seconds().max(1));
    }
    window.count += 1;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap()
    }

    #[test]
    fn a_minute_admits_the_limit_then_says_how_long_to_wait() {
        let mut w = Window::new(t0());
        for _ in 0..3 {
            assert_eq!(admit(&mut w, t0(), 3), Ok(()));
        }
        assert_eq!(admit(&mut w, t0() + Duration::seconds(20), 3), Err(40));
        assert_eq!(admit(&mut w, t0() + Duration::seconds(60), 3), Ok(()));
        assert_eq!(w.count, 1, "a new minute starts counting afresh");
    }
}
