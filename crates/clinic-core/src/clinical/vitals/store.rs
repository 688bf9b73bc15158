//! The append-only `vitals` table.

use clinic_protocol::tables;
use rusqlite::{Row, Transaction, params};

use crate::error::{Error, Result};
use crate::ids::PatientId;
use crate::store::changes::{self, ChangeKind, WriteContext};

use super::Vitals;

const COLUMNS: &str = "v.id, v.patient_id, v.encounter_id, v.taken_at, v.recorded_by,
    coalesce(u.display_name, u.username, ''), v.recorded_at, v.systolic, v.diastolic, v.pulse,
    v.temperature_dc, v.respiratory_rate, v.spo2, v.weight_g, v.height_mm, v.pain, v.note";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Vitals> {
    Ok(Vitals {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        encounter_id: r.get(2)?,
        taken_at: r.get(3)?,
        recorded_by: r.get(4)?,
        recorded_by_name: r.get(5)?,
        recorded_at: r.get(6)?,
        systolic: r.get(7)?,
        diastolic: r.get(8)?,
        pulse: r.get(9)?,
        temperature_dc: r.get(10)?,
        respiratory_rate: r.get(11)?,
        spo2: r.get(12)?,
        weight_g: r.get(13)?,
        height_mm: r.get(14)?,
        pain: r.get(15)?,
        note: r.get(16)?,
    })
}

pub(crate) fn insert(tx: &Transaction<'_>, ctx: &WriteContext, v: &Vitals) -> Result<()> {
    tx.execute(
        "INSERT INTO vitals (id, patient_id, encounter_id, taken_at, recorded_by, recorded_at,
             systolic, diastolic, pulse, temperature_dc, respiratory_rate, spo2, weight_g,
             height_mm, pain, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            v.id,
            v.patient_id,
            v.encounter_id,
            v.taken_at,
            v.recorded_by,
            v.recorded_at,
            v.systolic,
            v.diastolic,
            v.pulse,
            v.temperature_dc,
            v.respiratory_rate,
            v.spo2,
            v.weight_g,
            v.height_mm,
            v.pain,
            v.note
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::VITALS,
        &v.id.to_string(),
        ChangeKind::Append,
        &serde_json::json!({
            "id": v.id, "patient_id": v.patient_id, "encounter_id": v.encounter_id,
            "taken_at": v.taken_at, "recorded_by": v.recorded_by, "recorded_at": v.recorded_at,
            "systolic": v.systolic, "diastolic": v.diastolic, "pulse": v.pulse,
            "temperature_dc": v.temperature_dc, "respiratory_rate": v.respiratory_rate,
            "spo2": v.spo2, "weight_g": v.weight_g, "height_mm": v.height_mm, "pain": v.pain,
            "note": v.note,
        }),
    )?;
    Ok(())
}

/// A patient's vitals, oldest first (records merged into it included).
pub(crate) fn for_patient(conn: &rusqlite::Connection, patient: PatientId) -> Result<Vec<Vitals>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM vitals v LEFT JOIN users u ON u.id = v.recorded_by
             WHERE v.patient_id IN (SELECT id FROM patients WHERE id = ?1 OR merged_into = ?1)
                OR v.patient_id = ?1
             ORDER BY v.taken_at, v.id"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([patient], from_row)
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}
