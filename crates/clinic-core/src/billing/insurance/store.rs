//! Insurance's SQL. Every write records its change in the same transaction.

use clinic_protocol::tables;
use rusqlite::{Connection, OptionalExtension as _, Row, Transaction, params};

use super::{Claim, Payer, Policy};
use crate::error::{Error, Result};
use crate::ids::{PatientId, UserId};
use crate::store::changes::{self, ChangeKind, WriteContext};

fn all<T>(
    conn: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
    f: fn(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql).map_err(Error::from_sqlite)?;
    let rows = stmt.query_map(args, f).map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)
}

pub(crate) fn upsert_payer(tx: &Transaction<'_>, ctx: &WriteContext, p: &Payer) -> Result<()> {
    tx.execute(
        "INSERT INTO payers (id, code, name, active, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, active = excluded.active,
             updated_at = excluded.updated_at",
        params![
            p.id,
            p.code,
            p.name,
            p.active,
            crate::clock::to_db_time(ctx.now)
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::PAYERS,
        &p.id,
        ChangeKind::Upsert,
        &serde_json::json!({ "code": p.code, "name": p.name, "active": p.active }),
    )?;
    Ok(())
}

pub(crate) fn payers(conn: &Connection) -> Result<Vec<Payer>> {
    all(
        conn,
        "SELECT id, code, name, active FROM payers ORDER BY name COLLATE NOCASE",
        [],
        |r| {
            Ok(Payer {
                id: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
                active: r.get(3)?,
            })
        },
    )
}

const POLICY_COLUMNS: &str =
    "p.id, p.patient_id, p.payer_id, COALESCE(y.name, ''), p.policy_number,
    p.coverage_bp, p.valid_until, p.active";

fn policy_from_row(r: &Row<'_>) -> rusqlite::Result<Policy> {
    Ok(Policy {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        payer_id: r.get(2)?,
        payer_name: r.get(3)?,
        policy_number: r.get(4)?,
        coverage_bp: r.get(5)?,
        valid_until: r.get(6)?,
        active: r.get(7)?,
    })
}

pub(crate) fn insert_policy(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    p: &Policy,
    by: UserId,
) -> Result<()> {
    tx.execute(
        "INSERT INTO policies (id, patient_id, payer_id, policy_number, coverage_bp, valid_until,
             active, created_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8)",
        params![
            p.id,
            p.patient_id,
            p.payer_id,
            p.policy_number,
            p.coverage_bp,
            p.valid_until,
            by,
            crate::clock::to_db_time(ctx.now)
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::POLICIES,
        &p.id,
        ChangeKind::Upsert,
        &serde_json::json!({
            "patient_id": p.patient_id, "payer_id": p.payer_id,
            "policy_number": p.policy_number, "coverage_bp": p.coverage_bp,
            "valid_until": p.valid_until, "active": true, "created_by": by,
        }),
    )?;
    Ok(())
}

pub(crate) fn policies_of(conn: &Connection, patient: PatientId) -> Result<Vec<Policy>> {
    all(
        conn,
        &format!(
            "SELECT {POLICY_COLUMNS} FROM policies p LEFT JOIN payers y ON y.id = p.payer_id
             WHERE p.patient_id = ?1 ORDER BY p.active DESC, y.name"
        ),
        [patient],
        policy_from_row,
    )
}

pub(crate) fn policy(conn: &Connection, id: &str) -> Result<Option<Policy>> {
    conn.query_row(
        &format!(
            "SELECT {POLICY_COLUMNS} FROM policies p LEFT JOIN payers y ON y.id = p.payer_id
             WHERE p.id = ?1"
        ),
        [id],
        policy_from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

const CLAIM_COLUMNS: &str = "id, invoice_id, policy_id, payer_id, status, claimed_minor,
    approved_minor, note, created_by, created_at, submitted_at, decided_at, paid_at";

fn claim_from_row(r: &Row<'_>) -> rusqlite::Result<Claim> {
    Ok(Claim {
        id: r.get(0)?,
        invoice_id: r.get(1)?,
        policy_id: r.get(2)?,
        payer_id: r.get(3)?,
        status: r.get(4)?,
        claimed_minor: r.get(5)?,
        approved_minor: r.get(6)?,
        note: r.get(7)?,
        created_by: r.get(8)?,
        created_at: r.get(9)?,
        submitted_at: r.get(10)?,
        decided_at: r.get(11)?,
        paid_at: r.get(12)?,
    })
}

pub(crate) fn insert_claim(tx: &Transaction<'_>, ctx: &WriteContext, c: &Claim) -> Result<()> {
    tx.execute(
        "INSERT INTO claims (id, invoice_id, policy_id, payer_id, status, claimed_minor,
             created_by, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?6, ?7, ?7)",
        params![
            c.id,
            c.invoice_id,
            c.policy_id,
            c.payer_id,
            c.claimed_minor,
            c.created_by,
            c.created_at
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::CLAIMS,
        &c.id,
        ChangeKind::Upsert,
        &serde_json::json!({
            "invoice_id": c.invoice_id, "policy_id": c.policy_id, "payer_id": c.payer_id,
            "status": "draft", "claimed_minor": c.claimed_minor, "created_by": c.created_by,
            "created_at": c.created_at,
        }),
    )?;
    Ok(())
}

/// Moves a claim to `status`, stamping the step's time; records the fields that change
/// and the amount claimed (which the server checks an approval against).
#[allow(clippy::too_many_arguments)]
pub(crate) fn step_claim(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    id: &str,
    status: &str,
    approved: Option<i64>,
    note: Option<&str>,
    at: &str,
) -> Result<()> {
    let stamp = match status {
        "submitted" => "submitted_at",
        "paid" => "paid_at",
        _ => "decided_at",
    };
    tx.execute(
        &format!(
            "UPDATE claims SET status = ?2, approved_minor = COALESCE(?3, approved_minor),
                 note = COALESCE(?4, note), {stamp} = ?5, updated_at = ?5 WHERE id = ?1"
        ),
        params![id, status, approved, note, at],
    )
    .map_err(Error::from_sqlite)?;
    let claimed: i64 = tx
        .query_row(
            "SELECT claimed_minor FROM claims WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .map_err(Error::from_sqlite)?;
    let mut fields = serde_json::json!({ "status": status, stamp: at, "claimed_minor": claimed });
    if let Some(a) = approved {
        fields["approved_minor"] = serde_json::json!(a);
    }
    if let Some(n) = note {
        fields["note"] = serde_json::json!(n);
    }
    changes::record(tx, ctx, &tables::CLAIMS, id, ChangeKind::Upsert, &fields)?;
    Ok(())
}

pub(crate) fn claim(conn: &Connection, id: &str) -> Result<Option<Claim>> {
    conn.query_row(
        &format!("SELECT {CLAIM_COLUMNS} FROM claims WHERE id = ?1"),
        [id],
        claim_from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

pub(crate) fn claims_of_invoice(conn: &Connection, invoice: &str) -> Result<Vec<Claim>> {
    all(
        conn,
        &format!("SELECT {CLAIM_COLUMNS} FROM claims WHERE invoice_id = ?1 ORDER BY created_at"),
        [invoice],
        claim_from_row,
    )
}

pub(crate) fn claims(conn: &Connection, status: Option<&str>) -> Result<Vec<Claim>> {
    all(
        conn,
        &format!(
            "SELECT {CLAIM_COLUMNS} FROM claims WHERE (?1 IS NULL OR status = ?1)
             ORDER BY created_at DESC"
        ),
        params![status],
        claim_from_row,
    )
}
