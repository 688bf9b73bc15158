//! Times as the front-desk commands take them. The rules of clinic time (its zone, days,
//! wall-clock parsing and display) live in `clinic_core::clinic_time`; a command line
//! also accepts an RFC 3339 time with its own offset, for scripts.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use clinic_core::ClinicTime;

/// `YYYY-MM-DD HH:MM` (or with a `T`) on the clinic's wall clock, or an RFC 3339 time
/// with its own offset such as `2026-03-02T09:00Z`.
pub fn parse(clinic: &ClinicTime, text: &str) -> anyhow::Result<DateTime<Utc>> {
    let trimmed = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(trimmed) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Some(utc) = trimmed.strip_suffix('Z')
        && let Ok(t) = NaiveDateTime::parse_from_str(utc, "%Y-%m-%dT%H:%M")
    {
        return Ok(t.and_utc());
    }
    Ok(clinic.parse_local("at", text)?)
}

/// A clinic-local day typed as `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> anyhow::Result<NaiveDate> {
    Ok(clinic_core::clinic_time::parse_date("date", text)?)
}
