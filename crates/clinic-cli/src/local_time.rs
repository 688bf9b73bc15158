//! Clinic-local time for the front-desk commands: people type and read times on the
//! clinic's wall clock (its IANA time zone), the core keeps them in UTC.

use anyhow::{Context as _, bail};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone as _, Utc};
use chrono_tz::Tz;
use clinic_core::Session;
use clinic_core::clock::to_db_time;

/// The clinic's time zone (UTC if the stored name is not one chrono-tz knows).
pub fn zone(session: &Session) -> Tz {
    session.clinic().time_zone.parse().unwrap_or(chrono_tz::UTC)
}

/// Today's date on the clinic's wall clock.
pub fn today(session: &Session) -> NaiveDate {
    Utc::now().with_timezone(&zone(session)).date_naive()
}

/// `YYYY-MM-DD HH:MM` (or with a `T`) on the clinic's wall clock, or an RFC 3339 time
/// with its own offset such as `2026-03-02T09:00Z`.
pub fn parse(session: &Session, text: &str) -> anyhow::Result<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Some(utc) = text.strip_suffix('Z')
        && let Ok(t) = NaiveDateTime::parse_from_str(utc, "%Y-%m-%dT%H:%M")
    {
        return Ok(t.and_utc());
    }
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
        .with_context(|| {
            format!("\"{text}\" is not a time; use YYYY-MM-DD HH:MM (clinic time) or RFC 3339")
        })?;
    let tz = zone(session);
    match tz.from_local_datetime(&local).earliest() {
        Some(t) => Ok(t.with_timezone(&Utc)),
        None => bail!("{text} does not exist in {tz} (the clocks skip it); pick another time"),
    }
}

pub fn parse_date(text: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .with_context(|| format!("\"{text}\" is not a date; use YYYY-MM-DD"))
}

/// A stored (UTC, RFC 3339) time on the clinic's wall clock: `2026-03-02 09:00`.
pub fn show(session: &Session, stored: &str) -> String {
    match DateTime::parse_from_rfc3339(stored) {
        Ok(t) => show_utc(session, t.with_timezone(&Utc)),
        Err(_) => stored.to_owned(),
    }
}

pub fn show_utc(session: &Session, t: DateTime<Utc>) -> String {
    t.with_timezone(&zone(session))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The UTC bounds `[from, to)` of `days` clinic-local days starting with `day`, in the
/// store's text form (for appointment filters).
pub fn day_bounds(session: &Session, day: NaiveDate, days: u32) -> (String, String) {
    let tz = zone(session);
    let start = |d: NaiveDate| {
        let midnight = d.and_time(chrono::NaiveTime::MIN);
        // Midnight can be skipped by a clock change; the earliest existing time after it
        // is within the same day.
        (0..=180)
            .find_map(|m| {
                tz.from_local_datetime(&(midnight + chrono::Duration::minutes(m)))
                    .earliest()
            })
            .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
    };
    let end = day + chrono::Duration::days(i64::from(days.max(1)));
    (to_db_time(start(day)), to_db_time(start(end)))
}
