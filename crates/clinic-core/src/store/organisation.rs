//! The organisation, its branches, and this workstation's identity row.

use clinic_protocol::tables;
use rusqlite::{Transaction, params};
use serde::Serialize;

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{BranchId, DatabaseId, DeviceId, OrganisationId};
use crate::money::Currency;
use crate::store::changes::{self, ChangeKind, WriteContext};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClinicInfo {
    pub organisation_id: OrganisationId,
    pub name: String,
    pub currency: String,
    pub time_zone: String,
    pub branch_id: BranchId,
    pub branch_code: String,
    pub branch_name: String,
    pub device_id: DeviceId,
    pub database_id: DatabaseId,
}

pub(crate) struct NewClinic<'a> {
    pub organisation_id: OrganisationId,
    pub name: &'a str,
    pub currency: Currency,
    pub time_zone: &'a str,
    pub branch_id: BranchId,
    pub branch_code: &'a str,
    pub branch_name: &'a str,
    pub database_id: DatabaseId,
}

pub(crate) fn insert(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    clinic: &NewClinic<'_>,
) -> Result<()> {
    let now = to_db_time(ctx.now);
    tx.execute(
        "INSERT INTO organisation (id, name, currency, time_zone, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![clinic.organisation_id, clinic.name, clinic.currency.code(), clinic.time_zone, now],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::ORGANISATION,
        &clinic.organisation_id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "name": clinic.name,
            "currency": clinic.currency.code(),
            "time_zone": clinic.time_zone,
        }),
    )?;
    insert_branch(
        tx,
        ctx,
        clinic.organisation_id,
        clinic.branch_id,
        clinic.branch_code,
        clinic.branch_name,
    )?;
    insert_workstation(
        tx,
        clinic.database_id,
        ctx.device,
        clinic.branch_id,
        ctx.now,
    )
}

/// A branch of the organisation, with its change record. Its code is unique: a clash
/// is a validation error on `branch_code`.
pub(crate) fn insert_branch(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    organisation: OrganisationId,
    id: BranchId,
    code: &str,
    name: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO branches (id, organisation_id, code, name, active, updated_at)
         VALUES (?1, ?2, ?3, ?4, 1, ?5)",
        params![id, organisation, code, name, to_db_time(ctx.now)],
    )
    .map_err(|e| {
        if e.to_string()
            .contains("UNIQUE constraint failed: branches.code")
        {
            Error::validation("branch_code", format!("there is a branch {code} already"))
        } else {
            Error::from_sqlite(e)
        }
    })?;
    changes::record(
        tx,
        ctx,
        &tables::BRANCHES,
        &id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "organisation_id": organisation,
            "code": code,
            "name": name,
            "active": true,
        }),
    )?;
    Ok(())
}

/// The workstation row: it describes this device only and is not synced.
pub(crate) fn insert_workstation(
    tx: &Transaction<'_>,
    database_id: DatabaseId,
    device: DeviceId,
    branch: BranchId,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO workstation (singleton, database_id, device_id, branch_id, created_at)
         VALUES (1, ?1, ?2, ?3, ?4)",
        params![database_id, device, branch, to_db_time(now)],
    )
    .map_err(Error::from_sqlite)?;
    Ok(())
}

pub(crate) fn get(conn: &rusqlite::Connection) -> Result<ClinicInfo> {
    conn.query_row(
        "SELECT o.id, o.name, o.currency, o.time_zone, b.id, b.code, b.name, w.device_id, w.database_id
         FROM workstation w JOIN branches b ON b.id = w.branch_id
         JOIN organisation o ON o.id = b.organisation_id",
        [],
        |r| {
            Ok(ClinicInfo {
                organisation_id: r.get(0)?,
                name: r.get(1)?,
                currency: r.get(2)?,
                time_zone: r.get(3)?,
                branch_id: r.get(4)?,
                branch_code: r.get(5)?,
                branch_name: r.get(6)?,
                device_id: r.get(7)?,
                database_id: r.get(8)?,
            })
        },
    )
    .map_err(Error::from_sqlite)
}

pub(crate) fn branch_by_code(conn: &rusqlite::Connection, code: &str) -> Result<Option<BranchId>> {
    use rusqlite::OptionalExtension as _;
    conn.query_row(
        "SELECT id FROM branches WHERE code = ?1",
        [code.trim().to_ascii_uppercase()],
        |r| r.get(0),
    )
    .optional()
    .map_err(Error::from_sqlite)
}

/// A branch of the clinic, as pickers show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Branch {
    pub id: BranchId,
    pub code: String,
    pub name: String,
    pub active: bool,
}

/// Every branch this workstation knows (its own, and any pulled from the sync server),
/// by code.
pub(crate) fn branches(conn: &rusqlite::Connection) -> Result<Vec<Branch>> {
    let mut stmt = conn
        .prepare_cached("SELECT id, code, name, active FROM branches ORDER BY code")
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Branch {
                id: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
                active: r.get(3)?,
            })
        })
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}
