//! Time is a parameter: handlers and rules ask the app's clock, so tests can move it.

use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move; for tests of lockouts and expiry.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        ManualClock(Mutex::new(at))
    }

    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *t += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Local time of the people using Linli (Asia/Shanghai: UTC+8 all year, no daylight saving).
pub fn shanghai(t: DateTime<Utc>) -> chrono::NaiveDateTime {
    t.naive_utc() + Duration::hours(8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn late_evening_utc_is_the_next_morning_in_shanghai() {
        let t = Utc.with_ymd_and_hms(2026, 11, 26, 20, 30, 0).unwrap();
        assert_eq!(shanghai(t).format("%Y-%m-%d %H:%M").to_string(), "2026-11-27 04:30");
    }
}
