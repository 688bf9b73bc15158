//! The sync client's bookkeeping and the generic application of pulled changes to the
//! local tables. Column names from the wire are checked against the table's real columns
//! before any SQL is built, so a malformed or hostile page cannot inject SQL.

use std::collections::HashMap;

use clinic_protocol::merge::Rule;
use clinic_protocol::tables;
use clinic_protocol::{Change, ChangeKind};
use rusqlite::types::Value as SqlValue;
use rusqlite::{OptionalExtension as _, Transaction, params, params_from_iter};
use serde::Serialize;
use serde_json::Value;

use crate::clock::to_db_time;
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncState {
    pub server_url: String,
    pub branch_code: String,
    pub cursor: i64,
    pub last_attempt_at: Option<String>,
    pub last_success_at: Option<String>,
    pub last_error: Option<String>,
}

/// The sync state, the device token and the extra certificate to trust, if any.
pub(crate) fn get(
    conn: &rusqlite::Connection,
) -> Result<Option<(SyncState, String, Option<String>)>> {
    conn.query_row(
        "SELECT server_url, branch_code, cursor, last_attempt_at, last_success_at, last_error, device_token,
                ca_cert
         FROM sync_state WHERE singleton = 1",
        [],
        |r| {
            Ok((
                SyncState {
                    server_url: r.get(0)?,
                    branch_code: r.get(1)?,
                    cursor: r.get(2)?,
                    last_attempt_at: r.get(3)?,
                    last_success_at: r.get(4)?,
                    last_error: r.get(5)?,
                },
                r.get(6)?,
                r.get(7)?,
            ))
        },
    )
    .optional()
    .map_err(Error::from_sqlite)
}

pub(crate) fn join(
    conn: &rusqlite::Connection,
    server_url: &str,
    token: &str,
    branch_code: &str,
    ca_cert: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_state (singleton, server_url, device_token, branch_code, ca_cert)
         VALUES (1, ?1, ?2, ?3, ?4)
         ON CONFLICT (singleton) DO UPDATE SET server_url = excluded.server_url,
             device_token = excluded.device_token, branch_code = excluded.branch_code,
             ca_cert = excluded.ca_cert, cursor = 0",
        params![server_url, token, branch_code, ca_cert],
    )
    .map_err(Error::from_sqlite)?;
    Ok(())
}

pub(crate) fn record_attempt(
    conn: &rusqlite::Connection,
    at: chrono::DateTime<chrono::Utc>,
    error: Option<&str>,
) -> Result<()> {
    let at = to_db_time(at);
    conn.execute(
        "UPDATE sync_state SET last_attempt_at = ?1,
             last_success_at = CASE WHEN ?2 IS NULL THEN ?1 ELSE last_success_at END,
             last_error = ?2
         WHERE singleton = 1",
        params![at, error],
    )
    .map_err(Error::from_sqlite)?;
    Ok(())
}

/// Marks pushed changes; refused ones keep their reason and stay unpushed.
pub(crate) fn mark_pushed(
    tx: &Transaction<'_>,
    accepted: &[String],
    rejected: &[(String, String)],
    at: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let at = to_db_time(at);
    for id in accepted {
        tx.execute(
            "UPDATE change_log SET pushed_at = ?2, push_error = NULL WHERE change_id = ?1 AND pushed_at IS NULL",
            params![id, at],
        )
        .map_err(Error::from_sqlite)?;
        // The server has accepted these bookings: they are no longer provisional.
        tx.execute(
            "UPDATE appointments SET provisional = 0
             WHERE id = (SELECT row_id FROM change_log WHERE change_id = ?1 AND table_name = 'appointments')",
            [id],
        )
        .map_err(Error::from_sqlite)?;
    }
    for (id, reason) in rejected {
        tx.execute(
            "UPDATE change_log SET push_error = ?2 WHERE change_id = ?1",
            params![id, reason],
        )
        .map_err(Error::from_sqlite)?;
    }
    Ok(())
}

pub(crate) fn set_cursor(tx: &Transaction<'_>, cursor: i64) -> Result<()> {
    tx.execute(
        "UPDATE sync_state SET cursor = ?1 WHERE singleton = 1",
        [cursor],
    )
    .map_err(Error::from_sqlite)?;
    Ok(())
}

/// Counts for the status line.
pub(crate) fn counts(conn: &rusqlite::Connection) -> Result<(i64, i64, i64)> {
    conn.query_row(
        "SELECT (SELECT count(*) FROM change_log WHERE pushed_at IS NULL),
                (SELECT count(*) FROM change_log WHERE pushed_at IS NULL AND push_error IS NOT NULL),
                (SELECT count(*) FROM sync_conflicts WHERE resolved_at IS NULL)
                  + (SELECT count(*) FROM appointments WHERE status = 'conflict')",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .map_err(Error::from_sqlite)
}

/// An attachment made here whose sealed bytes wait for the sync server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Upload {
    pub(crate) attachment_id: String,
    pub(crate) size: u64,
}

/// Queues an attachment's bytes for upload by `user` (its author), in the transaction
/// that records the attachment.
pub(crate) fn queue_upload(
    tx: &Transaction<'_>,
    attachment_id: &str,
    user: &str,
    size: u64,
    now: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO attachment_uploads (attachment_id, user_id, size, queued_at) VALUES (?1, ?2, ?3, ?4)",
        params![attachment_id, user, i64::try_from(size).unwrap_or(i64::MAX), now],
    )
    .map_err(Error::from_sqlite)?;
    Ok(())
}

/// The uploads `user` still owes the server, oldest first.
pub(crate) fn pending_uploads(conn: &rusqlite::Connection, user: &str) -> Result<Vec<Upload>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT attachment_id, size FROM attachment_uploads
             WHERE user_id = ?1 AND done_at IS NULL ORDER BY queued_at, attachment_id",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([user], |r| {
            Ok(Upload {
                attachment_id: r.get(0)?,
                size: u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
            })
        })
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

/// Whether an attachment made here still waits to be uploaded (then this workstation
/// holds its only copy).
pub(crate) fn upload_pending(conn: &rusqlite::Connection, attachment_id: &str) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM attachment_uploads WHERE attachment_id = ?1 AND done_at IS NULL)",
        [attachment_id],
        |r| r.get(0),
    )
    .map_err(Error::from_sqlite)
}

/// Records how an upload went: done (`error` None), or why it waits.
pub(crate) fn upload_outcome(
    conn: &rusqlite::Connection,
    attachment_id: &str,
    error: Option<&str>,
    now: &str,
) -> Result<()> {
    match error {
        None => conn.execute(
            "UPDATE attachment_uploads SET done_at = ?2, last_error = NULL WHERE attachment_id = ?1",
            params![attachment_id, now],
        ),
        Some(e) => conn.execute(
            "UPDATE attachment_uploads SET last_error = ?2 WHERE attachment_id = ?1",
            params![attachment_id, e],
        ),
    }
    .map_err(Error::from_sqlite)?;
    Ok(())
}

/// Attachments made here whose bytes the server does not hold yet, and the last reason
/// one of them could not be sent.
pub(crate) fn uploads_waiting(conn: &rusqlite::Connection) -> Result<(i64, Option<String>)> {
    conn.query_row(
        "SELECT count(*), (SELECT last_error FROM attachment_uploads
                           WHERE done_at IS NULL AND last_error IS NOT NULL
                           ORDER BY queued_at DESC LIMIT 1)
         FROM attachment_uploads WHERE done_at IS NULL",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .map_err(Error::from_sqlite)
}

/// Marks an unresolved kept change resolved, with a note; false if there is none.
pub(crate) fn dismiss_conflict(
    conn: &rusqlite::Connection,
    change_id: &str,
    note: &str,
    now: &str,
) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE sync_conflicts SET resolved_at = ?3, reason = reason || ' (' || ?2 || ')'
             WHERE change_id = ?1 AND resolved_at IS NULL",
            params![change_id, note, now],
        )
        .map_err(Error::from_sqlite)?;
    Ok(n == 1)
}

/// A pulled change that could not be applied, kept for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub change_id: String,
    pub table: String,
    pub row_id: String,
    pub reason: String,
    pub received_at: String,
}

pub(crate) fn conflicts(conn: &rusqlite::Connection) -> Result<Vec<Conflict>> {
    let mut stmt = conn
        .prepare(
            "SELECT change_id, table_name, row_id, reason, received_at FROM sync_conflicts
             WHERE resolved_at IS NULL ORDER BY received_at",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Conflict {
                change_id: r.get(0)?,
                table: r.get(1)?,
                row_id: r.get(2)?,
                reason: r.get(3)?,
                received_at: r.get(4)?,
            })
        })
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

/// Applies one pulled page in the caller's transaction. Changes this device made itself
/// and still holds are already in place and are skipped (echo safety; a workstation
/// restored from a backup gets back those it made after the backup); everything else is merged by its
/// table's rule. Returns the largest HLC stamp seen, for the local clock to observe.
pub(crate) fn apply_page(
    tx: &Transaction<'_>,
    own_device: &str,
    changes: &[Change],
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Option<String>> {
    let now_text = crate::clock::to_db_time(at);
    let now = now_text.as_str();
    let now_ms = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    tx.execute(
        "INSERT OR IGNORE INTO sync_applying (singleton) VALUES (1)",
        [],
    )
    .map_err(Error::from_sqlite)?;
    // Foreign keys are checked change by change (not deferred to commit), so a change
    // whose parent never arrived (the server refused it) is kept as a conflict instead of
    // failing the whole page forever.
    let mut columns_of: HashMap<String, Vec<String>> = HashMap::new();
    let mut latest: Option<String> = None;
    for (index, change) in changes.iter().enumerate() {
        // A stamp from the future would drag this workstation's clock (and every later
        // merge) along with it: such a change waits, kept with its reason, and is not
        // observed.
        if change.device_id != own_device
            && let Err(reason) =
                clinic_protocol::limits::check_stamp(&change.hlc, &change.device_id, now_ms)
        {
            keep_conflict(tx, change, &reason, now)?;
            continue;
        }
        if latest.as_deref().is_none_or(|l| change.hlc.as_str() > l) {
            latest = Some(change.hlc.clone());
        }
        // This device's own changes are already here, unless the workstation was
        // restored from a backup taken before it made them: those are applied.
        if change.device_id == own_device && made_here(tx, &change.change_id)? {
            continue;
        }
        let Some(rule) = tables::spec(&change.table).map(|t| t.rule) else {
            keep_conflict(tx, change, "this table is not known to this version", now)?;
            continue;
        };
        if !columns_of.contains_key(&change.table) {
            let columns = table_columns(tx, &change.table)?;
            columns_of.insert(change.table.clone(), columns);
        }
        let columns = &columns_of[&change.table];
        if let Err(e) = apply_one(tx, change, rule, columns, now)?
            && !apply_with_verdicts(tx, change, &changes[index + 1..], columns, now)?
        {
            keep_conflict(tx, change, &e.to_string(), now)?;
        }
        if change.table == "appointments" {
            // Whatever another branch booked, the server has accepted.
            tx.execute(
                "UPDATE appointments SET provisional = 0 WHERE id = ?1",
                [&change.row_id],
            )
            .map_err(Error::from_sqlite)?;
        }
    }
    retry_conflicts(tx, &mut columns_of, now, now_ms)?;
    tx.execute("DELETE FROM sync_applying", [])
        .map_err(Error::from_sqlite)?;
    Ok(latest)
}

/// Whether this workstation's outbox holds the change (it made it and still has it).
fn made_here(tx: &Transaction<'_>, change_id: &str) -> Result<bool> {
    tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM change_log WHERE change_id = ?1)",
        [change_id],
        |r| r.get(0),
    )
    .map_err(Error::from_sqlite)
}

/// Applies one change under a savepoint: `Ok(Err(e))` when it could not be applied
/// (nothing of it is left), `Err` only for a damaged database.
fn apply_one(
    tx: &Transaction<'_>,
    change: &Change,
    rule: Rule,
    columns: &[String],
    now: &str,
) -> Result<std::result::Result<(), Error>> {
    tx.execute("SAVEPOINT pulled", [])
        .map_err(Error::from_sqlite)?;
    // A patient change from a workstation that has not moved allergies to their own
    // record yet (before V13) still carries the old list: it is moved the way V13 moved
    // ours, and the rest of the change applied as usual.
    let moved;
    let change = if change.table == clinic_protocol::tables::PATIENTS.name
        && let Some(list) = change.fields.get("allergies")
    {
        let mut rest = change.clone();
        rest.fields.remove("allergies");
        moved = crate::clinical::allergies::store::move_legacy_list(tx, &change.row_id, list, now);
        if let Err(e) = moved {
            tx.execute("ROLLBACK TO SAVEPOINT pulled", [])
                .map_err(Error::from_sqlite)?;
            tx.execute("RELEASE SAVEPOINT pulled", [])
                .map_err(Error::from_sqlite)?;
            return Ok(Err(e));
        }
        std::borrow::Cow::Owned(rest)
    } else {
        std::borrow::Cow::Borrowed(change)
    };
    let change = change.as_ref();
    let outcome = match (rule, change.kind) {
        (Rule::AppendOnly, _) => insert_row(
            tx,
            &change.table,
            columns,
            &change.row_id,
            &change.fields,
            true,
            now,
        ),
        (_, ChangeKind::Tombstone) => remove_row(tx, change),
        _ => upsert_fields(tx, change, columns, now),
    };
    match outcome {
        Ok(()) => {
            tx.execute("RELEASE SAVEPOINT pulled", [])
                .map_err(Error::from_sqlite)?;
            Ok(Ok(()))
        }
        Err(e) if e.code() == crate::Code::DatabaseCorrupt => Err(e),
        Err(e) => {
            tx.execute("ROLLBACK TO SAVEPOINT pulled", [])
                .map_err(Error::from_sqlite)?;
            tx.execute("RELEASE SAVEPOINT pulled", [])
                .map_err(Error::from_sqlite)?;
            Ok(Err(e))
        }
    }
}

/// Tries again every kept change, oldest first, until a pass applies nothing more: what
/// waited for a parent row, or for a number another row held, goes in once that is
/// resolved. An applied one is marked resolved (kept, never deleted).
fn retry_conflicts(
    tx: &Transaction<'_>,
    columns_of: &mut HashMap<String, Vec<String>>,
    now: &str,
    now_ms: u64,
) -> Result<()> {
    let mut tried: Vec<String> = Vec::new();
    loop {
        let kept: Vec<(String, String)> = {
            let mut stmt = tx
                .prepare(
                    "SELECT change_id, change FROM sync_conflicts
                     WHERE resolved_at IS NULL AND change IS NOT NULL
                       AND (retry_at IS NULL OR retry_at <= ?1)
                     ORDER BY received_at, rowid",
                )
                .map_err(Error::from_sqlite)?;
            let rows = stmt
                .query_map([now], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(Error::from_sqlite)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
                .map_err(Error::from_sqlite)?
        };
        let mut progress = false;
        for (change_id, text) in kept {
            if !tried.contains(&change_id) {
                tried.push(change_id.clone());
            }
            let Ok(change) = serde_json::from_str::<Change>(&text) else {
                continue;
            };
            if clinic_protocol::limits::check_stamp(&change.hlc, &change.device_id, now_ms).is_err()
            {
                continue;
            }
            let Some(rule) = tables::spec(&change.table).map(|t| t.rule) else {
                continue;
            };
            if !columns_of.contains_key(&change.table) {
                let columns = table_columns(tx, &change.table)?;
                columns_of.insert(change.table.clone(), columns);
            }
            if apply_one(tx, &change, rule, &columns_of[&change.table], now)?.is_ok() {
                tx.execute(
                    "UPDATE sync_conflicts SET resolved_at = ?2,
                         reason = reason || ' (applied later, once it could be)'
                     WHERE change_id = ?1",
                    params![change_id, now],
                )
                .map_err(Error::from_sqlite)?;
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }
    // What is still kept after this pass waits longer before its next try.
    for change_id in tried {
        let attempts: Option<i64> = tx
            .query_row(
                "UPDATE sync_conflicts SET attempts = attempts + 1
                 WHERE change_id = ?1 AND resolved_at IS NULL RETURNING attempts",
                [&change_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(Error::from_sqlite)?;
        if let Some(attempts) = attempts.filter(|a| *a >= IMMEDIATE_RETRIES) {
            let minutes = 1_i64 << (attempts - IMMEDIATE_RETRIES).min(6);
            let due = i64::try_from(now_ms).unwrap_or(0) + minutes.min(60) * 60_000;
            let due = chrono::DateTime::from_timestamp_millis(due).unwrap_or_default();
            tx.execute(
                "UPDATE sync_conflicts SET retry_at = ?2 WHERE change_id = ?1",
                params![change_id, crate::clock::to_db_time(due)],
            )
            .map_err(Error::from_sqlite)?;
        }
    }
    Ok(())
}

/// Tries a kept change gets with every pulled page before it waits between tries.
const IMMEDIATE_RETRIES: i64 = 3;

/// A new row that cannot be written as it came (its record number is taken here) may
/// be fixed by the server's verdict later in the same page (the page never splits a push
/// from its verdicts): writes the row with those later fields folded in. The verdict
/// itself is then applied as usual and wins by its newer stamp.
fn apply_with_verdicts(
    tx: &Transaction<'_>,
    change: &Change,
    later: &[Change],
    columns: &[String],
    now: &str,
) -> Result<bool> {
    if change.kind != ChangeKind::Upsert {
        return Ok(false);
    }
    let mut merged = change.clone();
    let mut folded = false;
    for next in later.iter().filter(|c| {
        c.table == change.table && c.row_id == change.row_id && c.kind == ChangeKind::Upsert
    }) {
        for (k, v) in &next.fields {
            merged.fields.insert(k.clone(), v.clone());
        }
        folded = true;
    }
    if !folded {
        return Ok(false);
    }
    let Some(rule) = tables::spec(&change.table).map(|t| t.rule) else {
        return Ok(false);
    };
    Ok(apply_one(tx, &merged, rule, columns, now)?.is_ok())
}

fn keep_conflict(tx: &Transaction<'_>, change: &Change, reason: &str, now: &str) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO sync_conflicts (change_id, table_name, row_id, fields, reason, received_at, change)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            change.change_id,
            change.table,
            change.row_id,
            Value::Object(change.fields.clone()).to_string(),
            reason,
            now,
            serde_json::to_string(change).map_err(|e| Error::Internal(e.to_string()))?
        ],
    )
    .map_err(Error::from_sqlite)?;
    Ok(())
}

fn table_columns(tx: &Transaction<'_>, table: &str) -> Result<Vec<String>> {
    // `table` comes from the protocol's closed list of synced tables (checked by the
    // caller), so it is safe to name in the pragma.
    let mut stmt = tx
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([], |r| r.get(0))
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

fn to_sql(value: &Value) -> SqlValue {
    match value {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Number(n) => n
            .as_i64()
            .map(SqlValue::Integer)
            .or_else(|| n.as_f64().map(SqlValue::Real))
            .unwrap_or(SqlValue::Null),
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}

/// The table's key for a row id: most tables have `id`; link tables encode their key.
fn key_columns(table: &str) -> &'static [&'static str] {
    match table {
        "user_branches" => &["user_id", "branch_id"],
        "role_settings" => &["role"],
        _ => &["id"],
    }
}

fn key_values(table: &str, row_id: &str) -> Vec<SqlValue> {
    match table {
        "user_branches" => row_id
            .split('/')
            .map(|p| SqlValue::Text(p.to_owned()))
            .collect(),
        _ => vec![SqlValue::Text(row_id.to_owned())],
    }
}

fn known<'a>(
    columns: &[String],
    fields: &'a serde_json::Map<String, Value>,
) -> Result<Vec<(&'a String, &'a Value)>> {
    fields
        .iter()
        .map(|(k, v)| {
            if columns.iter().any(|c| c == k) {
                Ok((k, v))
            } else {
                Err(Error::Internal(format!("unknown column {k:?}")))
            }
        })
        .collect()
}

fn insert_row(
    tx: &Transaction<'_>,
    table: &str,
    columns: &[String],
    row_id: &str,
    fields: &serde_json::Map<String, Value>,
    ignore_existing: bool,
    now: &str,
) -> Result<()> {
    let fields = known(columns, fields)?;
    let mut names: Vec<String> = key_columns(table).iter().map(|c| (*c).to_owned()).collect();
    let mut values = key_values(table, row_id);
    for (k, v) in &fields {
        if !names.contains(k) {
            names.push((*k).clone());
            values.push(to_sql(v));
        }
    }
    if columns.iter().any(|c| c == "created_at") && !names.iter().any(|n| n == "created_at") {
        names.push("created_at".into());
        values.push(SqlValue::Text(now.to_owned()));
    }
    if columns.iter().any(|c| c == "updated_at") && !names.iter().any(|n| n == "updated_at") {
        names.push("updated_at".into());
        values.push(SqlValue::Text(now.to_owned()));
    }
    if table == "appointments" && !names.iter().any(|n| n == "created_by") {
        names.push("created_by".into());
        values.push(SqlValue::Text("sync".into()));
    }
    let sql = format!(
        "INSERT {} INTO {table} ({}) VALUES ({})",
        if ignore_existing { "OR IGNORE" } else { "" },
        names.join(", "),
        (1..=names.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    tx.execute(&sql, params_from_iter(values.iter()))
        .map_err(Error::from_sqlite)?;
    Ok(())
}

fn upsert_fields(
    tx: &Transaction<'_>,
    change: &Change,
    columns: &[String],
    now: &str,
) -> Result<()> {
    let mut winners = serde_json::Map::new();
    for (field, value) in &change.fields {
        // A field's clock is the later of its own entry and the whole-row entry.
        let current: Option<String> = tx
            .query_row(
                "SELECT max(hlc) FROM field_clocks WHERE table_name = ?1 AND row_id = ?2 AND field IN (?3, ?4)",
                params![change.table, change.row_id, field, crate::store::changes::WHOLE_ROW],
                |r| r.get(0),
            )
            .map_err(Error::from_sqlite)?;
        if current.as_deref().is_none_or(|c| change.hlc.as_str() > c) {
            winners.insert(field.clone(), value.clone());
        }
    }
    let won: Vec<&str> = winners.keys().map(String::as_str).collect();
    crate::store::changes::stamp_fields(tx, &change.table, &change.row_id, &won, &change.hlc)?;
    if winners.is_empty() {
        return Ok(());
    }
    let keys = key_columns(&change.table);
    let where_clause: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| format!("{k} = ?{}", i + 1))
        .collect();
    let exists: bool = tx
        .query_row(
            &format!(
                "SELECT EXISTS (SELECT 1 FROM {} WHERE {})",
                change.table,
                where_clause.join(" AND ")
            ),
            params_from_iter(key_values(&change.table, &change.row_id).iter()),
            |r| r.get(0),
        )
        .map_err(Error::from_sqlite)?;
    if !exists {
        return insert_row(
            tx,
            &change.table,
            columns,
            &change.row_id,
            &winners,
            false,
            now,
        );
    }
    let fields = known(columns, &winners)?;
    let mut values = key_values(&change.table, &change.row_id);
    let mut sets = Vec::new();
    for (k, v) in fields {
        values.push(to_sql(v));
        sets.push(format!("{k} = ?{}", values.len()));
    }
    let sql = format!(
        "UPDATE {} SET {} WHERE {}",
        change.table,
        sets.join(", "),
        where_clause.join(" AND ")
    );
    tx.execute(&sql, params_from_iter(values.iter()))
        .map_err(Error::from_sqlite)?;
    Ok(())
}

fn remove_row(tx: &Transaction<'_>, change: &Change) -> Result<()> {
    let current: Option<String> = tx
        .query_row(
            "SELECT hlc FROM field_clocks WHERE table_name = ?1 AND row_id = ?2 AND field = '_deleted'",
            params![change.table, change.row_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::from_sqlite)?;
    if current.as_deref().is_some_and(|c| change.hlc.as_str() <= c) {
        return Ok(());
    }
    let keys = key_columns(&change.table);
    let where_clause: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| format!("{k} = ?{}", i + 1))
        .collect();
    tx.execute(
        &format!(
            "DELETE FROM {} WHERE {}",
            change.table,
            where_clause.join(" AND ")
        ),
        params_from_iter(key_values(&change.table, &change.row_id).iter()),
    )
    .map_err(Error::from_sqlite)?;
    tx.execute(
        "INSERT INTO field_clocks (table_name, row_id, field, hlc) VALUES (?1, ?2, '_deleted', ?3)
         ON CONFLICT (table_name, row_id, field) DO UPDATE SET hlc = excluded.hlc",
        params![change.table, change.row_id, change.hlc],
    )
    .map_err(Error::from_sqlite)?;
    Ok(())
}
