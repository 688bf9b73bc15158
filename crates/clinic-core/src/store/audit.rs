//! The audit log: append-only (triggers refuse UPDATE and DELETE) and hash-chained per
//! device. Each event's hash covers all its fields and the previous event's hash, so a
//! row edited or removed by hand breaks the chain at that point, and [`verify`] names it.
//! Events are written in the same transaction as the action they describe, and travel to
//! the server like any other append-only data.

use chrono::{DateTime, NaiveDate, Utc};
use clinic_protocol::audit::GENESIS;
use clinic_protocol::tables;
use rusqlite::{OptionalExtension as _, Transaction, params};
use serde::Serialize;

use crate::actor::Actor;
use crate::clinic_time::{self, ClinicTime};
use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{AuditEventId, PatientId};
use crate::store::changes::{self, ChangeKind, WriteContext};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success,
    Denied,
    Failure,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Denied => "denied",
            Outcome::Failure => "failure",
        }
    }
}

/// One event to record.
#[derive(Debug, Clone)]
pub struct Event {
    pub action: String,
    pub entity: Option<&'static str>,
    pub entity_id: Option<String>,
    pub patient: Option<PatientId>,
    pub outcome: Outcome,
    pub details: serde_json::Value,
}

impl Event {
    pub fn new(action: impl Into<String>, outcome: Outcome) -> Self {
        Self {
            action: action.into(),
            entity: None,
            entity_id: None,
            patient: None,
            outcome,
            details: serde_json::json!({}),
        }
    }

    pub fn entity(mut self, entity: &'static str, id: impl ToString) -> Self {
        self.entity = Some(entity);
        self.entity_id = Some(id.to_string());
        self
    }

    pub fn patient(mut self, patient: PatientId) -> Self {
        self.patient = Some(patient);
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub id: String,
    pub device_id: String,
    pub device_seq: i64,
    pub at: String,
    pub user_id: Option<String>,
    pub username: Option<String>,
    pub role: Option<String>,
    pub session_id: Option<String>,
    pub action: String,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub patient_id: Option<String>,
    pub outcome: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

impl Entry {
    /// The chain hash (`clinic_protocol::audit::chain_hash`, which the sync server
    /// computes too).
    fn compute_hash(&self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(fields)) => clinic_protocol::audit::chain_hash(&fields),
            _ => String::new(),
        }
    }
}

/// Appends one event for `actor` (None: nobody signed in, e.g. a failed sign-in) at
/// `at`, in the caller's transaction.
pub(crate) fn append(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    actor: Option<&Actor>,
    at: DateTime<Utc>,
    event: &Event,
) -> Result<Entry> {
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT device_seq, hash FROM audit_log WHERE device_id = ?1
             ORDER BY device_seq DESC LIMIT 1",
            [ctx.device],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(Error::from_sqlite)?;
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_owned()),
    };
    let mut entry = Entry {
        id: AuditEventId(crate::ids::new_v7_at(at)).to_string(),
        device_id: ctx.device.to_string(),
        device_seq: seq,
        at: to_db_time(at),
        user_id: actor.map(|a| a.user.to_string()),
        username: actor.map(|a| a.username.clone()),
        role: actor.map(|a| a.role.as_str().to_owned()),
        session_id: actor.map(|a| a.session.to_string()),
        action: event.action.clone(),
        entity: event.entity.map(str::to_owned),
        entity_id: event.entity_id.clone(),
        patient_id: event.patient.map(|p| p.to_string()),
        outcome: event.outcome.as_str().to_owned(),
        details: event.details.to_string(),
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry.compute_hash();
    tx.execute(
        "INSERT INTO audit_log (id, device_id, device_seq, at, user_id, username, role,
             session_id, action, entity, entity_id, patient_id, outcome, details, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            entry.id,
            entry.device_id,
            entry.device_seq,
            entry.at,
            entry.user_id,
            entry.username,
            entry.role,
            entry.session_id,
            entry.action,
            entry.entity,
            entry.entity_id,
            entry.patient_id,
            entry.outcome,
            entry.details,
            entry.prev_hash,
            entry.hash,
        ],
    )
    .map_err(Error::from_sqlite)?;
    let fields = serde_json::to_value(&entry)
        .map_err(|e| Error::Internal(format!("encoding an audit event: {e}")))?;
    changes::record(
        tx,
        ctx,
        &tables::AUDIT_LOG,
        &entry.id,
        ChangeKind::Append,
        &fields,
    )?;
    Ok(entry)
}

/// The reason given when `session` was opened as break-glass access, if it was.
pub(crate) fn break_glass_reason(
    conn: &rusqlite::Connection,
    session: &str,
) -> Result<Option<String>> {
    let details: Option<String> = conn
        .query_row(
            "SELECT details FROM audit_log WHERE session_id = ?1 AND action = 'break_glass.open'
             ORDER BY device_seq LIMIT 1",
            [session],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::from_sqlite)?;
    Ok(details
        .and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok())
        .and_then(|d| {
            d.get("reason")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        }))
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub username: Option<String>,
    pub patient: Option<PatientId>,
    /// Exact action name, or a prefix ending in `.` (e.g. `sign_in.`).
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: usize,
    /// Newest first (a viewer shows the latest events; the limit then cuts the oldest).
    pub newest_first: bool,
}

/// The days an audit search covers, as the audit screen types them: clinic-local
/// `YYYY-MM-DD`, either end open, the last day included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Days {
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
}

impl Days {
    /// Reads the typed days; blank (or absent) leaves that end open. A day that does
    /// not parse is its field's error (`from`, `to`), and so is a last day before the
    /// first.
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<Days> {
        let day = |field: &'static str, text: Option<&str>| {
            text.map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| clinic_time::parse_date(field, t))
                .transpose()
        };
        let days = Days {
            first: day("from", from)?,
            last: day("to", to)?,
        };
        if let (Some(first), Some(last)) = (days.first, days.last)
            && last < first
        {
            return Err(Error::validation(
                "to",
                "the last day is before the first day; swap them",
            ));
        }
        Ok(days)
    }

    /// The UTC bounds `[from, to)` of these days in the clinic's zone: from the first
    /// instant of the first day to the first instant after the last one.
    pub fn bounds(self, clinic: ClinicTime) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        (
            self.first.map(|d| clinic.day_start(d)),
            self.last.map(|d| clinic.days(d, 1).1),
        )
    }
}

pub(crate) fn list(conn: &rusqlite::Connection, filter: &Filter) -> Result<Vec<Entry>> {
    let action_exact = filter.action.clone().filter(|a| !a.ends_with('.'));
    let action_prefix = filter
        .action
        .clone()
        .filter(|a| a.ends_with('.'))
        .map(|a| format!("{}%", a.replace('%', "")));
    let limit = if filter.limit == 0 {
        1000
    } else {
        filter.limit
    };
    let order = if filter.newest_first {
        "at DESC, device_id DESC, device_seq DESC"
    } else {
        "at, device_id, device_seq"
    };
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT id, device_id, device_seq, at, user_id, username, role, session_id, action,
                    entity, entity_id, patient_id, outcome, details, prev_hash, hash
             FROM audit_log
             WHERE (?1 IS NULL OR username = ?1 COLLATE NOCASE)
               AND (?2 IS NULL OR patient_id = ?2)
               AND (?3 IS NULL OR action = ?3)
               AND (?4 IS NULL OR action LIKE ?4)
               AND (?5 IS NULL OR at >= ?5)
               AND (?6 IS NULL OR at < ?6)
             ORDER BY {order}
             LIMIT ?7"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map(
            params![
                filter.username,
                filter.patient,
                action_exact,
                action_prefix,
                filter.from.map(to_db_time),
                filter.to.map(to_db_time),
                i64::try_from(limit).unwrap_or(i64::MAX),
            ],
            read_entry,
        )
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

fn read_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        id: r.get(0)?,
        device_id: r.get(1)?,
        device_seq: r.get(2)?,
        at: r.get(3)?,
        user_id: r.get(4)?,
        username: r.get(5)?,
        role: r.get(6)?,
        session_id: r.get(7)?,
        action: r.get(8)?,
        entity: r.get(9)?,
        entity_id: r.get(10)?,
        patient_id: r.get(11)?,
        outcome: r.get(12)?,
        details: r.get(13)?,
        prev_hash: r.get(14)?,
        hash: r.get(15)?,
    })
}

/// The result of walking every device's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub events: u64,
    pub devices: u64,
    /// The first broken link found, if any.
    pub first_break: Option<Break>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Break {
    pub device_id: String,
    pub device_seq: i64,
    pub event_id: String,
    pub reason: String,
}

/// The stored hash of a device's event number `seq`, if this log holds it.
pub(crate) fn hash_at(
    conn: &rusqlite::Connection,
    device: &str,
    seq: i64,
) -> Result<Option<String>> {
    conn.query_row(
        "SELECT hash FROM audit_log WHERE device_id = ?1 AND device_seq = ?2",
        params![device, seq],
        |r| r.get(0),
    )
    .optional()
    .map_err(Error::from_sqlite)
}

pub(crate) fn verify(conn: &rusqlite::Connection) -> Result<Verification> {
    let mut stmt = conn
        .prepare(
            "SELECT id, device_id, device_seq, at, user_id, username, role, session_id, action,
                    entity, entity_id, patient_id, outcome, details, prev_hash, hash
             FROM audit_log ORDER BY device_id, device_seq",
        )
        .map_err(Error::from_sqlite)?;
    let mut rows = stmt.query([]).map_err(Error::from_sqlite)?;
    let mut result = Verification {
        events: 0,
        devices: 0,
        first_break: None,
    };
    let mut previous: Option<Entry> = None;
    while let Some(row) = rows.next().map_err(Error::from_sqlite)? {
        let entry = read_entry(row).map_err(Error::from_sqlite)?;
        result.events += 1;
        let same_device = previous
            .as_ref()
            .is_some_and(|p| p.device_id == entry.device_id);
        if !same_device {
            result.devices += 1;
        }
        let broken = |reason: String| Break {
            device_id: entry.device_id.clone(),
            device_seq: entry.device_seq,
            event_id: entry.id.clone(),
            reason,
        };
        let (expected_seq, expected_prev) = match (&previous, same_device) {
            (Some(p), true) => (p.device_seq + 1, p.hash.clone()),
            _ => (1, GENESIS.to_owned()),
        };
        let problem = if entry.device_seq != expected_seq {
            Some(format!(
                "event {expected_seq} of this device is missing (found {})",
                entry.device_seq
            ))
        } else if entry.prev_hash != expected_prev {
            Some("it does not follow the previous event (previous-hash mismatch)".to_owned())
        } else if entry.compute_hash() != entry.hash {
            Some("its content was changed after it was written (hash mismatch)".to_owned())
        } else {
            None
        };
        if let Some(reason) = problem {
            result.first_break = Some(broken(reason));
            break;
        }
        previous = Some(entry);
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;

    fn date(text: &str) -> NaiveDate {
        clinic_time::parse_date("day", text).unwrap()
    }

    #[test]
    fn audit_days_are_clinic_days_either_end_open_and_in_order() {
        assert_eq!(
            Days::parse(None, Some("  ")).unwrap(),
            Days::default(),
            "blank is an open end"
        );
        let days = Days::parse(Some(" 2026-01-05 "), Some("2026-01-06")).unwrap();
        assert_eq!(
            (days.first, days.last),
            (Some(date("2026-01-05")), Some(date("2026-01-06")))
        );
        let nairobi = ClinicTime::parse("Africa/Nairobi").unwrap();
        let (from, to) = days.bounds(nairobi);
        assert_eq!(
            (from.map(to_db_time), to.map(to_db_time)),
            (
                Some("2026-01-04T21:00:00.000Z".into()),
                Some("2026-01-06T21:00:00.000Z".into())
            ),
            "from the clinic's midnight before the first day to the one after the last"
        );
        assert_eq!(
            Days::parse(Some("2026-01-05"), Some("2026-01-05"))
                .unwrap()
                .bounds(nairobi)
                .1,
            Some(nairobi.days(date("2026-01-05"), 1).1),
            "one day is a whole day"
        );

        let field = |from: Option<&str>, to: Option<&str>| {
            let err = Days::parse(from, to).unwrap_err();
            assert_eq!(err.code(), Code::Validation);
            err.field()
        };
        assert_eq!(field(Some("yesterday"), None), Some("from"));
        assert_eq!(field(None, Some("2026-02-30")), Some("to"));
        assert_eq!(
            field(Some("2026-01-05"), Some("2026-01-03")),
            Some("to"),
            "a last day before the first is the last day's error"
        );
        assert!(
            Days::parse(Some("yesterday"), None)
                .unwrap_err()
                .to_string()
                .contains("\"yesterday\" is not a day"),
            "the message quotes the day as typed, without its blanks"
        );
    }
}
