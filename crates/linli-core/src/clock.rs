//! Time is a parameter: handlers and rules ask the app's clock, so tests can move it.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use std::fmt;
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

/// A moment a record keeps (when a request was made, a step taken): UTC, stored and sent as
/// `2026-12-08T01:20:35.123456Z` (text order is time order), and read by people in Shanghai
/// time, so an event at 23:00 UTC is shown on the next day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp(pub DateTime<Utc>);

impl Stamp {
    /// A stored moment: RFC 3339 with any offset (what the store writes is UTC, `Z`).
    pub fn parse(text: &str) -> Option<Stamp> {
        DateTime::parse_from_rfc3339(text).ok().map(|t| Stamp(t.with_timezone(&Utc)))
    }

    /// Shanghai time.
    pub fn local(self) -> NaiveDateTime {
        shanghai(self.0)
    }

    /// The day it was in Shanghai.
    pub fn day(self) -> NaiveDate {
        self.local().date()
    }

    /// Shanghai time to the minute, as lists show it: `2026-12-08 09:20`.
    pub fn minute(self) -> String {
        self.local().format("%Y-%m-%d %H:%M").to_string()
    }
}

/// The stored text: UTC, microseconds, `Z`.
impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%dT%H:%M:%S%.6fZ"))
    }
}

impl serde::Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl schemars::JsonSchema for Stamp {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Stamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date-time" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_stamp_is_stored_in_utc_and_read_in_shanghai() {
        let s = Stamp::parse("2026-12-07T20:30:00.000123Z").unwrap();
        assert_eq!(s.to_string(), "2026-12-07T20:30:00.000123Z", "the stored text, unchanged");
        assert_eq!(s.day(), NaiveDate::from_ymd_opt(2026, 12, 8).unwrap(), "already the 8th there");
        assert_eq!(s.minute(), "2026-12-08 04:30");
        assert_eq!(serde_json::to_value(s).unwrap(), "2026-12-07T20:30:00.000123Z");
        let offset = Stamp::parse("2026-12-08T04:30:00+08:00").unwrap();
        assert_eq!(offset.to_string(), "2026-12-07T20:30:00.000000Z", "any offset, written as UTC");
        assert_eq!(Stamp::parse("2026-12-08"), None);
        assert_eq!(Stamp::parse("2026-12-08 04:30"), None);
    }

    #[test]
    fn late_evening_utc_is_the_next_morning_in_shanghai() {
        let t = Utc.with_ymd_and_hms(2026, 11, 26, 20, 30, 0).unwrap();
        assert_eq!(shanghai(t).format("%Y-%m-%d %H:%M").to_string(), "2026-11-27 04:30");
    }
}
