//! Time is injected: core logic asks a [`Clock`] instead of the system, so scheduling,
//! expiry and sync tests are deterministic.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to; for tests and simulations.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self(Mutex::new(start))
    }

    /// Starts at 2026-01-05 09:00 UTC, a Monday morning, which keeps test data readable.
    pub fn monday_morning() -> Self {
        Self::new(
            DateTime::parse_from_rfc3339("2026-01-05T09:00:00Z")
                .expect("valid literal")
                .with_timezone(&Utc),
        )
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Formats a time the way the store keeps it: RFC 3339 UTC with milliseconds, so text
/// order is time order.
pub fn to_db_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let clock = ManualClock::monday_morning();
        let t0 = clock.now();
        assert_eq!(clock.now(), t0, "nothing advanced it");
        clock.advance(Duration::minutes(10));
        assert_eq!(clock.now() - t0, Duration::minutes(10));
    }

    #[test]
    fn db_time_text_sorts_in_time_order() {
        let a = to_db_time(DateTime::from_timestamp(1_700_000_000, 5_000_000).unwrap());
        let b = to_db_time(DateTime::from_timestamp(1_700_000_000, 60_000_000).unwrap());
        assert!(a < b, "{a} must sort before {b}");
        assert!(a.ends_with('Z'));
    }
}
