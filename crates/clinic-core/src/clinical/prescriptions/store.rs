//! The `prescriptions` and `prescription_items` tables. Drafts record no change (they
//! never leave the workstation); issuing records the whole prescription and each item,
//! cancelling records the cancel fields.

use chrono::{DateTime, Utc};
use clinic_protocol::tables;
use rusqlite::{Connection, OptionalExtension as _, Row, Transaction, params};

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{PatientId, PrescriptionId, UserId};
use crate::store::changes::{self, ChangeKind, WriteContext};

use super::{Item, Prescription, Warning};

const COLUMNS: &str = "p.id, p.number, p.patient_id, p.encounter_id, p.prescriber_id,
    coalesce(u.display_name, u.username, ''), p.status, p.diagnosis_code, p.diagnosis_title,
    p.follow_up, p.warnings, p.override_reason, p.repeat_of, p.created_at, p.issued_at,
    p.cancelled_at, p.cancelled_by, p.cancel_reason";

const ITEM_COLUMNS: &str = "id, position, drug_id, drug_name, free_text, ingredients, classes,
    strength, form, dose, route, frequency, duration_days, quantity, refills,
    substitution_allowed, instructions";

fn split(text: String) -> Vec<String> {
    text.split('|')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Prescription> {
    let warnings: String = r.get(10)?;
    Ok(Prescription {
        id: r.get(0)?,
        number: r.get(1)?,
        patient_id: r.get(2)?,
        encounter_id: r.get(3)?,
        prescriber_id: r.get(4)?,
        prescriber_name: r.get(5)?,
        status: r.get(6)?,
        diagnosis_code: r.get(7)?,
        diagnosis_title: r.get(8)?,
        follow_up: r.get(9)?,
        warnings: serde_json::from_str::<Vec<Warning>>(&warnings).unwrap_or_default(),
        override_reason: r.get(11)?,
        repeat_of: r.get(12)?,
        created_at: r.get(13)?,
        issued_at: r.get(14)?,
        cancelled_at: r.get(15)?,
        cancelled_by: r.get(16)?,
        cancel_reason: r.get(17)?,
        items: Vec::new(),
    })
}

fn item_from_row(r: &Row<'_>) -> rusqlite::Result<Item> {
    Ok(Item {
        id: r.get(0)?,
        position: r.get(1)?,
        drug_id: r.get(2)?,
        drug_name: r.get(3)?,
        free_text: r.get(4)?,
        ingredients: split(r.get(5)?),
        classes: split(r.get(6)?),
        strength: r.get(7)?,
        form: r.get(8)?,
        dose: r.get(9)?,
        route: r.get(10)?,
        frequency: r.get(11)?,
        duration_days: r.get(12)?,
        quantity: r.get(13)?,
        refills: r.get(14)?,
        substitution_allowed: r.get(15)?,
        instructions: r.get(16)?,
    })
}

fn items(conn: &Connection, id: PrescriptionId) -> Result<Vec<Item>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {ITEM_COLUMNS} FROM prescription_items WHERE prescription_id = ?1 ORDER BY position"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([id], item_from_row)
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

/// The prescription issued with this number, if any.
pub(crate) fn id_by_number(conn: &Connection, number: &str) -> Result<Option<PrescriptionId>> {
    conn.query_row(
        "SELECT id FROM prescriptions WHERE number = ?1",
        [number],
        |r| r.get(0),
    )
    .optional()
    .map_err(Error::from_sqlite)
}

pub(crate) fn get(conn: &Connection, id: PrescriptionId) -> Result<Option<Prescription>> {
    let rx = conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM prescriptions p LEFT JOIN users u ON u.id = p.prescriber_id
                 WHERE p.id = ?1"
            ),
            [id],
            from_row,
        )
        .optional()
        .map_err(Error::from_sqlite)?;
    rx.map(|mut rx| {
        rx.items = items(conn, id)?;
        Ok(rx)
    })
    .transpose()
}

/// A patient's prescriptions, newest first (records merged into it too).
pub(crate) fn for_patient(conn: &Connection, patient: PatientId) -> Result<Vec<Prescription>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM prescriptions p LEFT JOIN users u ON u.id = p.prescriber_id
             WHERE p.patient_id IN (SELECT id FROM patients WHERE id = ?1 OR merged_into = ?1)
                OR p.patient_id = ?1
             ORDER BY p.created_at DESC, p.id DESC"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([patient], from_row)
        .map_err(Error::from_sqlite)?;
    let mut out = rows
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)?;
    for rx in &mut out {
        rx.items = items(conn, rx.id)?;
    }
    Ok(out)
}

/// Prescriptions issued (and not cancelled) at or after `since` (a database time),
/// oldest first: the pharmacy's queue.
pub(crate) fn issued_since(conn: &Connection, since: &str) -> Result<Vec<Prescription>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM prescriptions p LEFT JOIN users u ON u.id = p.prescriber_id
             WHERE p.status = 'issued' AND p.issued_at >= ?1
             ORDER BY p.issued_at, p.id"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([since], from_row)
        .map_err(Error::from_sqlite)?;
    let mut out = rows
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)?;
    for rx in &mut out {
        rx.items = items(conn, rx.id)?;
    }
    Ok(out)
}

pub(crate) fn insert_draft(tx: &Transaction<'_>, rx: &Prescription) -> Result<()> {
    tx.execute(
        "INSERT INTO prescriptions (id, patient_id, encounter_id, prescriber_id, status,
             diagnosis_code, diagnosis_title, follow_up, repeat_of, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?6, ?7, ?8, ?9, ?9)",
        params![
            rx.id,
            rx.patient_id,
            rx.encounter_id,
            rx.prescriber_id,
            rx.diagnosis_code,
            rx.diagnosis_title,
            rx.follow_up,
            rx.repeat_of,
            rx.created_at
        ],
    )
    .map_err(Error::from_sqlite)?;
    Ok(())
}

pub(crate) fn touch_draft(
    tx: &Transaction<'_>,
    id: PrescriptionId,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "UPDATE prescriptions SET updated_at = ?2 WHERE id = ?1 AND status = 'draft'",
        params![id, to_db_time(now)],
    )
    .map_err(Error::from_sqlite)?;
    Ok(())
}

pub(crate) fn insert_item(tx: &Transaction<'_>, rx: PrescriptionId, i: &Item) -> Result<()> {
    tx.execute(
        &format!(
            "INSERT INTO prescription_items (prescription_id, {ITEM_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
        ),
        params![
            rx,
            i.id,
            i.position,
            i.drug_id,
            i.drug_name,
            i.free_text,
            i.ingredients.join("|"),
            i.classes.join("|"),
            i.strength,
            i.form,
            i.dose,
            i.route,
            i.frequency,
            i.duration_days,
            i.quantity,
            i.refills,
            i.substitution_allowed,
            i.instructions
        ],
    )
    .map_err(Error::from_sqlite)?;
    Ok(())
}

pub(crate) fn delete_item(tx: &Transaction<'_>, rx: PrescriptionId, position: i64) -> Result<bool> {
    let n = tx
        .execute(
            "DELETE FROM prescription_items WHERE prescription_id = ?1 AND position = ?2",
            params![rx, position],
        )
        .map_err(Error::from_sqlite)?;
    Ok(n > 0)
}

fn item_fields(rx: PrescriptionId, i: &Item) -> serde_json::Value {
    serde_json::json!({
        "id": i.id, "prescription_id": rx, "position": i.position, "drug_id": i.drug_id,
        "drug_name": i.drug_name, "free_text": i.free_text,
        "ingredients": i.ingredients.join("|"), "classes": i.classes.join("|"),
        "strength": i.strength, "form": i.form, "dose": i.dose, "route": i.route,
        "frequency": i.frequency, "duration_days": i.duration_days, "quantity": i.quantity,
        "refills": i.refills, "substitution_allowed": i.substitution_allowed,
        "instructions": i.instructions,
    })
}

/// Freezes a draft: items renumbered 1..n with ids `<prescription id>-<position>`, the
/// number, warnings and override kept, and the whole prescription recorded for sync.
pub(crate) fn issue(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    rx: &Prescription,
    number: &str,
    warnings: &[Warning],
    override_reason: Option<&str>,
) -> Result<()> {
    let now = to_db_time(ctx.now);
    tx.execute(
        "DELETE FROM prescription_items WHERE prescription_id = ?1",
        [rx.id],
    )
    .map_err(Error::from_sqlite)?;
    let mut final_items = Vec::new();
    for (n, item) in rx.items.iter().enumerate() {
        let position = n as i64 + 1;
        let item = Item {
            id: format!("{}-{position}", rx.id),
            position,
            ..item.clone()
        };
        insert_item(tx, rx.id, &item)?;
        final_items.push(item);
    }
    let warnings_json =
        serde_json::to_string(warnings).map_err(|e| Error::Internal(e.to_string()))?;
    tx.execute(
        "UPDATE prescriptions SET status = 'issued', number = ?2, item_count = ?3, warnings = ?4,
             override_reason = ?5, issued_at = ?6, updated_at = ?6
         WHERE id = ?1 AND status = 'draft'",
        params![
            rx.id,
            number,
            final_items.len() as i64,
            warnings_json,
            override_reason,
            now
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::PRESCRIPTIONS,
        &rx.id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "number": number, "patient_id": rx.patient_id, "encounter_id": rx.encounter_id,
            "prescriber_id": rx.prescriber_id, "status": "issued",
            "diagnosis_code": rx.diagnosis_code, "diagnosis_title": rx.diagnosis_title,
            "follow_up": rx.follow_up, "item_count": final_items.len(),
            "warnings": warnings_json, "override_reason": override_reason,
            "repeat_of": rx.repeat_of, "created_at": rx.created_at, "issued_at": now,
            "cancelled_at": null, "cancelled_by": null, "cancel_reason": null,
            "updated_at": now,
        }),
    )?;
    for item in &final_items {
        changes::record(
            tx,
            ctx,
            &tables::PRESCRIPTION_ITEMS,
            &item.id,
            ChangeKind::Append,
            &item_fields(rx.id, item),
        )?;
    }
    Ok(())
}

pub(crate) fn cancel(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    id: PrescriptionId,
    by: UserId,
    reason: &str,
) -> Result<()> {
    let now = to_db_time(ctx.now);
    tx.execute(
        "UPDATE prescriptions SET status = 'cancelled', cancelled_at = ?2, cancelled_by = ?3,
             cancel_reason = ?4, updated_at = ?2
         WHERE id = ?1 AND status = 'issued'",
        params![id, now, by, reason],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::PRESCRIPTIONS,
        &id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "status": "cancelled", "cancelled_at": now, "cancelled_by": by,
            "cancel_reason": reason, "updated_at": now,
        }),
    )?;
    Ok(())
}
