//! Clinic time: the one place that turns instants into the clinic's wall-clock dates and
//! times and back. Times are stored in UTC; people type and read them in the clinic's
//! IANA time zone, which is kept beside them in `organisation.time_zone`.
//!
//! Invariants:
//! - A zone name that chrono-tz does not know is an [`Error::UnknownTimeZone`], never a
//!   silent UTC: a clinic whose days were cut at the wrong hour would book and list the
//!   wrong appointments without anyone noticing.
//! - "Now" and "today" come from the injected [`Clock`]; nothing here reads the system
//!   clock.
//! - A clinic day is the half-open UTC interval from the first instant whose local date
//!   is that day to the first instant of the next one. Where a clock change skips
//!   midnight the day begins at the change (01:00 local), where midnight happens twice
//!   it begins at the first one; so days are 23, 24 or 25 hours long and never overlap
//!   or leave a gap.
//! - A typed local time that the clocks skip is refused; one that happens twice (the
//!   hour after summer time ends) means the first of the two.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone as _, Utc};
use chrono_tz::Tz;

use crate::clock::Clock;
use crate::error::{Error, Result};

/// The clinic's time zone, checked. Small and `Copy`: take one per operation from
/// [`crate::Session::clinic_time`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClinicTime {
    zone: Tz,
}

impl ClinicTime {
    /// Checks a time-zone name (`UTC`, `Africa/Nairobi`, …) as chrono-tz spells it.
    pub fn parse(name: &str) -> Result<Self> {
        let name = name.trim();
        name.parse::<Tz>()
            .map(|zone| Self { zone })
            .map_err(|_| Error::UnknownTimeZone(name.to_owned()))
    }

    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The zone's name, as stored.
    pub fn name(&self) -> &'static str {
        self.zone.name()
    }

    /// The clinic-local date of an instant.
    pub fn date_of(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.zone).date_naive()
    }

    /// Today's date on the clinic's wall clock.
    pub fn today(&self, clock: &dyn Clock) -> NaiveDate {
        self.date_of(clock.now())
    }

    /// The first instant of a clinic-local day.
    pub fn day_start(&self, day: NaiveDate) -> DateTime<Utc> {
        let midnight = day.and_time(NaiveTime::MIN);
        if let Some(t) = self.resolve(midnight) {
            return t;
        }
        // Midnight is skipped, so the day begins at the clock change: the first instant
        // whose local date is `day`. No offset is more than 15 hours from UTC, so that
        // instant lies within 15 hours of midnight read as UTC; offsets change on whole
        // seconds, so a search over whole seconds finds it exactly.
        let mut before = midnight.and_utc().timestamp() - 15 * 3600;
        let mut from = midnight.and_utc().timestamp() + 15 * 3600;
        while from - before > 1 {
            let mid = before + (from - before) / 2;
            if self.date_of(utc(mid)) >= day {
                from = mid;
            } else {
                before = mid;
            }
        }
        utc(from)
    }

    /// The UTC bounds `[start, end)` of `days` clinic days beginning with `first` (at
    /// least one day).
    pub fn days(&self, first: NaiveDate, days: u32) -> (DateTime<Utc>, DateTime<Utc>) {
        let after = first
            .checked_add_days(chrono::Days::new(u64::from(days.max(1))))
            .unwrap_or(NaiveDate::MAX);
        (self.day_start(first), self.day_start(after))
    }

    /// The instant a clinic-local wall-clock time names: the first of two in an overlap,
    /// none when the clocks skip it.
    pub fn resolve(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        self.zone
            .from_local_datetime(&local)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    }

    /// A time typed on the clinic's wall clock, `YYYY-MM-DD HH:MM` (or with a `T`).
    /// Errors name `field`.
    pub fn parse_local(&self, field: &'static str, text: &str) -> Result<DateTime<Utc>> {
        let trimmed = text.trim();
        let local = NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%d %H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M"))
            .map_err(|_| {
                Error::validation(
                    field,
                    format!("\"{text}\" is not a time; use YYYY-MM-DD HH:MM (clinic time)"),
                )
            })?;
        self.resolve(local).ok_or_else(|| {
            Error::validation(
                field,
                format!(
                    "{trimmed} does not exist in {} (the clocks skip it); pick another time",
                    self.name()
                ),
            )
        })
    }

    /// An instant on the clinic's wall clock: `2026-03-02 09:00`.
    pub fn show(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.zone)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    /// A stored time (RFC 3339) on the clinic's wall clock; text that is not a time is
    /// shown as it is.
    pub fn show_stored(&self, stored: &str) -> String {
        match DateTime::parse_from_rfc3339(stored) {
            Ok(t) => self.show(t.with_timezone(&Utc)),
            Err(_) => stored.to_owned(),
        }
    }
}

/// A date typed as `YYYY-MM-DD` (a clinic-local day). Errors name `field`.
pub fn parse_date(field: &'static str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Error::validation(field, format!("\"{text}\" is not a day; use YYYY-MM-DD")))
}

fn utc(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).expect("within 15 hours of a valid date")
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::clock::{ManualClock, to_db_time};
    use crate::error::Code;

    fn zone(name: &str) -> ClinicTime {
        ClinicTime::parse(name).unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        parse_date("day", text).unwrap()
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn bounds(clinic: ClinicTime, first: &str, days: u32) -> (String, String) {
        let (from, to) = clinic.days(day(first), days);
        (to_db_time(from), to_db_time(to))
    }

    #[test]
    fn an_ordinary_day_runs_from_local_midnight_to_local_midnight() {
        assert_eq!(
            bounds(zone("Africa/Nairobi"), "2026-01-05", 1),
            (
                "2026-01-04T21:00:00.000Z".into(),
                "2026-01-05T21:00:00.000Z".into()
            ),
            "Nairobi is UTC+3 all year"
        );
        assert_eq!(
            bounds(zone("Africa/Nairobi"), "2026-01-05", 7).1,
            "2026-01-11T21:00:00.000Z",
            "a week ends at the midnight after its seventh day"
        );
        assert_eq!(
            bounds(zone("Africa/Nairobi"), "2026-01-05", 0),
            bounds(zone("Africa/Nairobi"), "2026-01-05", 1),
            "asking for no days still gives the one day"
        );
    }

    #[test]
    fn a_day_whose_midnight_is_skipped_begins_at_the_clock_change() {
        // São Paulo started summer time on 2018-11-04: at 00:00 (UTC-3) the clocks went
        // to 01:00 (UTC-2), both 03:00 UTC. The day has 23 hours.
        let sao_paulo = zone("America/Sao_Paulo");
        let (from, to) = sao_paulo.days(day("2018-11-04"), 1);
        assert_eq!(to_db_time(from), "2018-11-04T03:00:00.000Z");
        assert_eq!(
            from.with_timezone(&sao_paulo.zone())
                .format("%H:%M")
                .to_string(),
            "01:00",
            "the first local time that exists"
        );
        assert_eq!(
            sao_paulo.date_of(from - Duration::seconds(1)),
            day("2018-11-03"),
            "the instant before belongs to the day before: no gap between days"
        );
        assert_eq!(to_db_time(to), "2018-11-05T02:00:00.000Z");
        assert_eq!(to - from, Duration::hours(23));
        let skipped = sao_paulo.parse_local("at", "2018-11-04 00:30").unwrap_err();
        assert_eq!(
            (skipped.code(), skipped.field()),
            (Code::Validation, Some("at"))
        );
        assert!(
            skipped.to_string().contains("the clocks skip it"),
            "{skipped}"
        );
        // Santiago does the same on 2026-09-06 (UTC-4 to UTC-3).
        assert_eq!(
            bounds(zone("America/Santiago"), "2026-09-06", 1).0,
            "2026-09-06T04:00:00.000Z"
        );
    }

    #[test]
    fn a_day_with_an_hour_twice_is_twenty_five_hours_long() {
        // London leaves summer time on 2026-10-25: 01:00–02:00 happens first in BST
        // (UTC+1), then again in GMT.
        let london = zone("Europe/London");
        let (from, to) = london.days(day("2026-10-25"), 1);
        assert_eq!(to_db_time(from), "2026-10-24T23:00:00.000Z");
        assert_eq!(to_db_time(to), "2026-10-26T00:00:00.000Z");
        assert_eq!(to - from, Duration::hours(25));
        assert_eq!(
            to_db_time(london.parse_local("at", "2026-10-25 01:30").unwrap()),
            "2026-10-25T00:30:00.000Z",
            "a time that happens twice means the first"
        );
        assert_eq!(
            london.show(at("2026-10-25T01:30:00Z")),
            "2026-10-25 01:30",
            "the second 01:30 reads as 01:30 too"
        );
        assert_eq!(
            london.date_of(at("2026-10-25T23:59:59Z")),
            day("2026-10-25")
        );
    }

    #[test]
    fn a_zone_chrono_tz_does_not_know_is_an_error_never_utc() {
        for bad in ["Mars/Olympus_Mons", "", "Africa/nairobi", "+03:00"] {
            let err = ClinicTime::parse(bad).unwrap_err();
            assert!(
                matches!(err, Error::UnknownTimeZone(_)),
                "{bad:?} must not fall back to UTC: {err:?}"
            );
            assert_eq!(
                (err.code(), err.field()),
                (Code::Validation, Some("time_zone"))
            );
            assert!(
                err.to_string().contains("such as Africa/Nairobi"),
                "the message says what to type: {err}"
            );
        }
        assert_eq!(
            zone(" UTC ").name(),
            "UTC",
            "surrounding blanks are ignored"
        );
        assert_eq!(zone("Africa/Nairobi").name(), "Africa/Nairobi");
    }

    #[test]
    fn today_follows_the_injected_clock_across_local_midnight() {
        let nairobi = zone("Africa/Nairobi");
        // 20:59:59 UTC is 23:59:59 in Nairobi, still Monday there.
        let clock = ManualClock::new(at("2026-01-05T20:59:59Z"));
        assert_eq!(nairobi.today(&clock), day("2026-01-05"));
        clock.advance(Duration::seconds(1));
        assert_eq!(
            nairobi.today(&clock),
            day("2026-01-06"),
            "midnight in Nairobi is 21:00 UTC, while UTC is still on Monday"
        );
        assert_eq!(zone("UTC").today(&clock), day("2026-01-05"));
        assert_eq!(
            nairobi.day_start(nairobi.today(&clock)),
            clock.now(),
            "the day that has just begun starts now"
        );
    }

    #[test]
    fn typed_times_and_dates_parse_in_the_clinic_zone_and_read_back_the_same() {
        let nairobi = zone("Africa/Nairobi");
        for typed in ["2026-03-02 09:00", " 2026-03-02T09:00 "] {
            let t = nairobi.parse_local("from", typed).unwrap();
            assert_eq!(to_db_time(t), "2026-03-02T06:00:00.000Z", "{typed:?}");
            assert_eq!(nairobi.show(t), "2026-03-02 09:00");
        }
        assert_eq!(
            nairobi.show_stored("2026-03-02T06:00:00.000Z"),
            "2026-03-02 09:00"
        );
        assert_eq!(
            nairobi.show_stored("soon"),
            "soon",
            "not a time: shown as it is"
        );
        let err = nairobi.parse_local("from", "9am").unwrap_err();
        assert_eq!(err.field(), Some("from"));
        assert!(parse_date("day", "2026-02-30").is_err());
        assert_eq!(
            parse_date("day", " 2026-03-01 ").unwrap(),
            day("2026-03-01")
        );
        assert_eq!(
            parse_date("from", "yesterday").unwrap_err().field(),
            Some("from")
        );
    }
}
