//! The change log (transactional outbox). Every write to a synced table calls [`record`]
//! inside the same transaction, so the data and the record of the change commit or roll
//! back together. Each change is stamped with the device's hybrid logical clock, which is
//! persisted in the same transaction and therefore never goes backwards across restarts.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension as _, Transaction, params};
use serde::{Deserialize, Serialize};

use clinic_protocol::tables::TableSpec;

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::hlc::{HlcStamp, HybridClock};
use crate::ids::{ChangeId, DeviceId, UserId};
use crate::store::schema_version;

/// How a change merges: per-field last-writer-wins, append-only union, or archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Upsert,
    Append,
    Tombstone,
}

impl ChangeKind {
    fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Upsert => "upsert",
            ChangeKind::Append => "append",
            ChangeKind::Tombstone => "tombstone",
        }
    }
}

/// Who is writing, from where, and when; every write carries one.
#[derive(Debug, Clone, Copy)]
pub struct WriteContext {
    pub device: DeviceId,
    pub user: Option<UserId>,
    pub now: DateTime<Utc>,
}

impl WriteContext {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.now.timestamp_millis()).unwrap_or(0)
    }
}

/// Records one change in the same transaction as the write it describes.
pub(crate) fn record(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    table: &TableSpec,
    row_id: &str,
    kind: ChangeKind,
    fields: &serde_json::Value,
) -> Result<ChangeId> {
    // Secrets (TOTP seeds) stay in this workstation's encrypted database: they are never
    // part of a change, so they never reach the server or another workstation.
    let mut fields = fields.clone();
    if let Some(map) = fields.as_object_mut() {
        table.strip_secrets(map);
    }
    let stamp = next_stamp(tx, ctx)?;
    let id = ChangeId(uuid::Uuid::new_v7(uuid::Timestamp::from_unix(
        uuid::NoContext,
        stamp.wall_ms / 1000,
        u32::try_from(stamp.wall_ms % 1000).unwrap_or(0) * 1_000_000,
    )));
    tx.execute(
        "INSERT INTO change_log (change_id, table_name, row_id, kind, fields, hlc, device_id,
                                 user_id, schema_version, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id,
            table.name,
            row_id,
            kind.as_str(),
            fields.to_string(),
            stamp.encode(),
            ctx.device,
            ctx.user,
            schema_version(),
            to_db_time(ctx.now),
        ],
    )
    .map_err(Error::from_sqlite)?;
    // Local writes stamp their fields too, so a pulled older write cannot undo them.
    let stamped: Vec<&str> = match kind {
        ChangeKind::Upsert => fields
            .as_object()
            .map(|f| f.keys().map(String::as_str).collect())
            .unwrap_or_default(),
        ChangeKind::Tombstone => vec!["_deleted"],
        ChangeKind::Append => Vec::new(),
    };
    stamp_fields(tx, table.name, row_id, &stamped, &stamp.encode())?;
    Ok(id)
}

/// The field name that stamps every field of a row at once: a row's first write sets
/// all its fields, so one clock row stands for all of them instead of one per field.
/// A field's clock is the later of its own entry and this one.
pub(crate) const WHOLE_ROW: &str = "*";

/// Records `hlc` as the clock of `fields` of a row (a row's first write: one entry).
pub(crate) fn stamp_fields(
    tx: &Transaction<'_>,
    table: &str,
    row_id: &str,
    fields: &[&str],
    hlc: &str,
) -> Result<()> {
    if fields.is_empty() {
        return Ok(());
    }
    let first_write = fields != ["_deleted"]
        && !tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM field_clocks WHERE table_name = ?1 AND row_id = ?2)",
                params![table, row_id],
                |r| r.get::<_, bool>(0),
            )
            .map_err(Error::from_sqlite)?;
    let entries: Vec<&str> = if first_write {
        vec![WHOLE_ROW]
    } else {
        fields.to_vec()
    };
    for field in entries {
        tx.execute(
            "INSERT INTO field_clocks (table_name, row_id, field, hlc) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (table_name, row_id, field) DO UPDATE SET hlc = excluded.hlc",
            params![table, row_id, field, hlc],
        )
        .map_err(Error::from_sqlite)?;
    }
    Ok(())
}

/// Takes in the newest stamp seen from other devices, so every later local write orders
/// after everything this workstation has pulled.
pub(crate) fn observe(
    tx: &Transaction<'_>,
    device: DeviceId,
    remote: &HlcStamp,
    now: DateTime<Utc>,
) -> Result<()> {
    let (wall, counter): (i64, i64) = tx
        .query_row(
            "SELECT wall_ms, counter FROM hlc_state WHERE singleton = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(Error::from_sqlite)?
        .unwrap_or((0, 0));
    let now_ms = u64::try_from(now.timestamp_millis()).unwrap_or(0);
    // A stamp further ahead than any server accepts (a server with a wrong clock, or one
    // that was tampered with) is applied by its merge rule but never adopted: this
    // device's clock jumping ahead would get every later push of its refused.
    if remote.wall_ms > now_ms.saturating_add(clinic_protocol::limits::MAX_CLOCK_SKEW_MS) {
        return Ok(());
    }
    let mut clock = HybridClock::resume(
        device,
        u64::try_from(wall).unwrap_or(0),
        u32::try_from(counter).unwrap_or(0),
    );
    let stamp = clock.observe(remote, now_ms);
    tx.execute(
        "INSERT INTO hlc_state (singleton, wall_ms, counter) VALUES (1, ?1, ?2)
         ON CONFLICT (singleton) DO UPDATE SET wall_ms = excluded.wall_ms, counter = excluded.counter",
        params![i64::try_from(stamp.wall_ms).unwrap_or(i64::MAX), i64::from(stamp.counter)],
    )
    .map_err(Error::from_sqlite)?;
    Ok(())
}

fn next_stamp(tx: &Transaction<'_>, ctx: &WriteContext) -> Result<HlcStamp> {
    let last: Option<(i64, i64)> = tx
        .query_row(
            "SELECT wall_ms, counter FROM hlc_state WHERE singleton = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(Error::from_sqlite)?;
    let (wall, counter) = last.unwrap_or((0, 0));
    let mut clock = HybridClock::resume(
        ctx.device,
        u64::try_from(wall).unwrap_or(0),
        u32::try_from(counter).unwrap_or(0),
    );
    let stamp = clock.tick(ctx.now_ms());
    tx.execute(
        "INSERT INTO hlc_state (singleton, wall_ms, counter) VALUES (1, ?1, ?2)
         ON CONFLICT (singleton) DO UPDATE SET wall_ms = excluded.wall_ms, counter = excluded.counter",
        params![
            i64::try_from(stamp.wall_ms).unwrap_or(i64::MAX),
            i64::from(stamp.counter)
        ],
    )
    .map_err(Error::from_sqlite)?;
    Ok(stamp)
}

/// One recorded change, as the sync client will push it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub seq: i64,
    pub change_id: ChangeId,
    pub table: String,
    pub row_id: String,
    pub kind: String,
    pub fields: serde_json::Value,
    pub hlc: HlcStamp,
    pub device: DeviceId,
    pub user: Option<UserId>,
    /// Why the sync server refused it, if it did.
    pub push_error: Option<String>,
}

/// Changes not yet pushed, oldest first.
pub(crate) fn pending(conn: &rusqlite::Connection, limit: usize) -> Result<Vec<Change>> {
    select(
        conn,
        "SELECT seq, change_id, table_name, row_id, kind, fields, hlc, device_id, user_id, push_error
         FROM change_log WHERE pushed_at IS NULL ORDER BY seq LIMIT ?1",
        params![i64::try_from(limit).unwrap_or(i64::MAX)],
    )
}

/// The changes `user` may push now, oldest first: their own and the device's (its audit
/// chain, or no author), not refused. The sync server takes a change only from its
/// author, so another user's changes wait for that user's next sync here, and a row with
/// such a waiting change holds its later changes back too: the server sees each row's
/// transitions in the order they were made.
pub(crate) fn pushable(
    conn: &rusqlite::Connection,
    user: UserId,
    limit: usize,
) -> Result<Vec<Change>> {
    select(
        conn,
        "SELECT seq, change_id, table_name, row_id, kind, fields, hlc, device_id, user_id, push_error
         FROM change_log c
         WHERE c.pushed_at IS NULL AND c.push_error IS NULL
           AND (c.user_id IS NULL OR c.user_id = ?1 OR c.table_name IN (SELECT value FROM json_each(?3)))
           AND NOT EXISTS (
               SELECT 1 FROM change_log o
               WHERE o.pushed_at IS NULL AND o.table_name = c.table_name AND o.row_id = c.row_id
                 AND o.seq < c.seq AND o.user_id IS NOT NULL AND o.user_id <> ?1)
         ORDER BY seq LIMIT ?2",
        params![
            user,
            i64::try_from(limit).unwrap_or(i64::MAX),
            device_owned_tables()
        ],
    )
}

/// The tables whose rows belong to the device (its audit chain), as a JSON array.
fn device_owned_tables() -> String {
    let names: Vec<&str> = clinic_protocol::tables::TABLES
        .iter()
        .filter(|t| matches!(t.access, clinic_protocol::tables::Access::DeviceOwn { .. }))
        .map(|t| t.name)
        .collect();
    serde_json::to_string(&names).unwrap_or_else(|_| "[]".into())
}

fn select(
    conn: &rusqlite::Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<Change>> {
    let mut stmt = conn.prepare_cached(sql).map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map(params, |r| {
            let fields: String = r.get(5)?;
            let hlc: String = r.get(6)?;
            Ok(Change {
                seq: r.get(0)?,
                change_id: r.get(1)?,
                table: r.get(2)?,
                row_id: r.get(3)?,
                kind: r.get(4)?,
                fields: serde_json::from_str(&fields).unwrap_or(serde_json::Value::Null),
                hlc: hlc.parse().map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        6,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })?,
                device: r.get(7)?,
                user: r.get(8)?,
                push_error: r.get(9)?,
            })
        })
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}
