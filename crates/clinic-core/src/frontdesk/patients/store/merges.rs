//! Patient merges: what moved where, so a merge can be undone.

use clinic_protocol::tables;
use rusqlite::{OptionalExtension as _, Transaction, params};
use serde::Serialize;

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{PatientId, UserId, new_v7_at};
use crate::store::changes::{self, ChangeKind, WriteContext};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Merge {
    pub id: String,
    pub survivor_id: PatientId,
    pub merged_id: PatientId,
    /// Row ids that moved, by table.
    pub moved: serde_json::Value,
    pub merged_at: String,
    pub undone_at: Option<String>,
}

pub(crate) fn insert(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    survivor: PatientId,
    merged: PatientId,
    moved: &serde_json::Value,
    by: UserId,
) -> Result<Merge> {
    let merge = Merge {
        id: new_v7_at(ctx.now).to_string(),
        survivor_id: survivor,
        merged_id: merged,
        moved: moved.clone(),
        merged_at: to_db_time(ctx.now),
        undone_at: None,
    };
    tx.execute(
        "INSERT INTO patient_merges (id, survivor_id, merged_id, moved, merged_at, merged_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            merge.id,
            survivor,
            merged,
            moved.to_string(),
            merge.merged_at,
            by
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::PATIENT_MERGES,
        &merge.id,
        ChangeKind::Upsert,
        &serde_json::json!({
            "survivor_id": survivor, "merged_id": merged, "moved": moved,
            "merged_at": merge.merged_at, "merged_by": by,
        }),
    )?;
    Ok(merge)
}

pub(crate) fn get(conn: &rusqlite::Connection, id: &str) -> Result<Option<Merge>> {
    conn.query_row(
        "SELECT id, survivor_id, merged_id, moved, merged_at, undone_at FROM patient_merges WHERE id = ?1",
        [id],
        |r| {
            let moved: String = r.get(3)?;
            Ok(Merge {
                id: r.get(0)?,
                survivor_id: r.get(1)?,
                merged_id: r.get(2)?,
                moved: serde_json::from_str(&moved).unwrap_or_default(),
                merged_at: r.get(4)?,
                undone_at: r.get(5)?,
            })
        },
    )
    .optional()
    .map_err(Error::from_sqlite)
}

/// Every merge a patient took part in, as survivor or as the merged duplicate, newest first.
pub(crate) fn for_patient(conn: &rusqlite::Connection, patient: PatientId) -> Result<Vec<Merge>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, survivor_id, merged_id, moved, merged_at, undone_at FROM patient_merges
             WHERE survivor_id = ?1 OR merged_id = ?1 ORDER BY merged_at DESC, id DESC",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([patient], |r| {
            let moved: String = r.get(3)?;
            Ok(Merge {
                id: r.get(0)?,
                survivor_id: r.get(1)?,
                merged_id: r.get(2)?,
                moved: serde_json::from_str(&moved).unwrap_or_default(),
                merged_at: r.get(4)?,
                undone_at: r.get(5)?,
            })
        })
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

pub(crate) fn mark_undone(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    id: &str,
    by: UserId,
) -> Result<Merge> {
    let at = to_db_time(ctx.now);
    tx.execute(
        "UPDATE patient_merges SET undone_at = ?2, undone_by = ?3 WHERE id = ?1",
        params![id, at, by],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::PATIENT_MERGES,
        id,
        ChangeKind::Upsert,
        &serde_json::json!({ "undone_at": at, "undone_by": by }),
    )?;
    get(tx, id)?.ok_or_else(|| Error::Internal("merge vanished".into()))
}
