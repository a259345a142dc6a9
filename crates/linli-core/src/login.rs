//! Failed logins slow down, then lock for a while (per user name, known or not, so the
//! throttle itself reveals nothing about which accounts exist).

use chrono::{DateTime, Duration, Utc};

/// Failures allowed back to back before waiting starts.
pub const FREE_FAILURES: u32 = 3;
/// Failures after which the name is locked for [`LOCK_MINUTES`].
pub const LOCK_AFTER: u32 = 8;
pub const LOCK_MINUTES: i64 = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttle {
    /// Try now.
    Open,
    /// Wait this many seconds before the next try.
    Wait { seconds: i64 },
    /// Locked: this many seconds remain.
    Locked { seconds: i64 },
}

/// How long must pass after the last failure before another attempt is heard.
pub fn required_wait(failures: u32) -> Duration {
    if failures >= LOCK_AFTER {
        Duration::minutes(LOCK_MINUTES)
    } else if failures >= FREE_FAILURES {
        // 2, 4, 8, 16, 32 seconds: a person retyping hardly notices, a guesser does.
        Duration::seconds(1 << (failures - FREE_FAILURES + 1))
    } else {
        Duration::zero()
    }
}

pub fn throttle(
    failures: u32,
    last_failure: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Throttle {
    let Some(last) = last_failure else {
        return Throttle::Open;
    };
    let remaining = (last + required_wait(failures) - now).num_seconds();
    if remaining <= 0 {
        Throttle::Open
    } else if failures >= LOCK_AFTER {
        Throttle::Locked { seconds: remaining }
    } else {
        Throttle::Wait { seconds: remaining }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap()
    }

    #[test]
    fn the_first_failures_cost_nothing() {
        for f in 0..FREE_FAILURES {
            assert_eq!(throttle(f, Some(t0()), t0()), Throttle::Open);
        }
    }

    #[test]
    fn further_failures_make_the_next_attempt_wait_longer_each_time() {
        assert_eq!(throttle(FREE_FAILURES, Some(t0()), t0()), Throttle::Wait { seconds: 2 });
        assert_eq!(throttle(FREE_FAILURES + 1, Some(t0()), t0()), Throttle::Wait { seconds: 4 });
        assert_eq!(
            throttle(FREE_FAILURES, Some(t0()), t0() + Duration::seconds(2)),
            Throttle::Open
        );
    }

    #[test]
    fn after_too_many_failures_the_name_is_locked_for_fifteen_minutes() {
        assert_eq!(
            throttle(LOCK_AFTER, Some(t0()), t0() + Duration::minutes(1)),
            Throttle::Locked { seconds: 14 * 60 }
        );
        assert_eq!(throttle(LOCK_AFTER, Some(t0()), t0() + Duration::minutes(15)), Throttle::Open);
    }
}
