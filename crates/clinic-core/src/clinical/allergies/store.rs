//! The `allergies` table, and the move of the patient row's old allergy list into it.

use clinic_protocol::tables;
use rusqlite::{OptionalExtension as _, Row, Transaction, params};

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::PatientId;
use crate::store::changes::{self, ChangeKind, WriteContext};

use super::Allergy;

const COLUMNS: &str = "a.id, a.patient_id, a.substance, a.coded, a.reaction, a.severity, a.status,
    a.active, a.noted_by, coalesce(u.display_name, u.username), a.noted_at, a.updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Allergy> {
    Ok(Allergy {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        substance: r.get(2)?,
        coded: r.get(3)?,
        reaction: r.get(4)?,
        severity: r.get(5)?,
        status: r.get(6)?,
        active: r.get(7)?,
        noted_by: r.get(8)?,
        noted_by_name: r.get(9)?,
        noted_at: r.get(10)?,
        updated_at: r.get(11)?,
    })
}

fn fields(a: &Allergy) -> serde_json::Value {
    serde_json::json!({
        "patient_id": a.patient_id, "substance": a.substance, "coded": a.coded,
        "reaction": a.reaction, "severity": a.severity, "status": a.status,
        "active": a.active, "noted_by": a.noted_by, "noted_at": a.noted_at,
    })
}

pub(crate) fn insert(tx: &Transaction<'_>, ctx: &WriteContext, a: &Allergy) -> Result<()> {
    tx.execute(
        "INSERT INTO allergies (id, patient_id, substance, coded, reaction, severity, status, active,
             noted_by, noted_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        params![
            a.id,
            a.patient_id,
            a.substance,
            a.coded,
            a.reaction,
            a.severity,
            a.status,
            a.active,
            a.noted_by,
            a.noted_at
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::ALLERGIES,
        &a.id,
        ChangeKind::Upsert,
        &fields(a),
    )?;
    Ok(())
}

/// Writes `changed` (status, severity, reaction, active) of an allergy. One moved from
/// the old list sends its whole row: the server has never seen it.
pub(crate) fn update(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    before: &Allergy,
    after: &Allergy,
) -> Result<()> {
    tx.execute(
        "UPDATE allergies SET reaction = ?2, severity = ?3, status = ?4, active = ?5, updated_at = ?6
         WHERE id = ?1",
        params![after.id, after.reaction, after.severity, after.status, after.active, to_db_time(ctx.now)],
    )
    .map_err(Error::from_sqlite)?;
    let sent = if before.id.starts_with("legacy-") {
        fields(after)
    } else {
        let mut changed = serde_json::Map::new();
        if before.reaction != after.reaction {
            changed.insert("reaction".into(), serde_json::json!(after.reaction));
        }
        if before.severity != after.severity {
            changed.insert("severity".into(), serde_json::json!(after.severity));
        }
        if before.status != after.status {
            changed.insert("status".into(), serde_json::json!(after.status));
        }
        if before.active != after.active {
            changed.insert("active".into(), serde_json::json!(after.active));
        }
        serde_json::Value::Object(changed)
    };
    changes::record(
        tx,
        ctx,
        &tables::ALLERGIES,
        &after.id,
        ChangeKind::Upsert,
        &sent,
    )?;
    Ok(())
}

pub(crate) fn get(conn: &rusqlite::Connection, id: &str) -> Result<Option<Allergy>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM allergies a LEFT JOIN users u ON u.id = a.noted_by WHERE a.id = ?1"),
        [id],
        from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

/// A patient's allergies (records merged into it too), active first, then by substance.
pub(crate) fn for_patient(conn: &rusqlite::Connection, patient: PatientId) -> Result<Vec<Allergy>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM allergies a LEFT JOIN users u ON u.id = a.noted_by
             WHERE a.patient_id IN (SELECT id FROM patients WHERE id = ?1 OR merged_into = ?1)
                OR a.patient_id = ?1
             ORDER BY a.active DESC, a.status, a.substance COLLATE NOCASE"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([patient], from_row)
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

/// Moves an allergy list carried by a pulled patient change (from a workstation that has
/// not moved to the allergy record yet) into rows, with the ids the V13 migration gives:
/// every workstation makes the same rows from the same list.
pub(crate) fn move_legacy_list(
    tx: &Transaction<'_>,
    patient: &str,
    list: &serde_json::Value,
    at: &str,
) -> Result<()> {
    let Some(items) = list.as_array() else {
        return Ok(());
    };
    for (index, item) in items.iter().enumerate() {
        let Some(substance) = item.as_str().map(str::trim).filter(|s| !s.is_empty()) else {
            continue;
        };
        tx.execute(
            "INSERT OR IGNORE INTO allergies (id, patient_id, substance, severity, status, active,
                 noted_by, noted_at, updated_at)
             VALUES (?1, ?2, ?3, 'unknown', 'active', 1, NULL, ?4, ?4)",
            params![format!("legacy-{patient}-{index}"), patient, substance, at],
        )
        .map_err(Error::from_sqlite)?;
    }
    Ok(())
}
