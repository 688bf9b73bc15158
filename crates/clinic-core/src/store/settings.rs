//! Clinic-wide settings an administrator controls: the idle lock and which roles must use
//! a second factor. And this workstation's own preferences (the printer used last),
//! which are kept on its `workstation` row and never sync.

use clinic_protocol::tables;
use rusqlite::{OptionalExtension as _, Transaction, params};

use crate::actor::Role;
use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::OrganisationId;
use crate::store::changes::{self, ChangeKind, WriteContext};

pub(crate) fn idle_lock_minutes(conn: &rusqlite::Connection) -> Result<u32> {
    conn.query_row(
        "SELECT idle_lock_minutes FROM organisation LIMIT 1",
        [],
        |r| r.get(0),
    )
    .map_err(Error::from_sqlite)
}

pub(crate) fn set_idle_lock_minutes(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    organisation: OrganisationId,
    minutes: u32,
) -> Result<()> {
    if !(1..=240).contains(&minutes) {
        return Err(Error::validation(
            "idle_lock_minutes",
            "choose between 1 and 240 minutes",
        ));
    }
    tx.execute(
        "UPDATE organisation SET idle_lock_minutes = ?2, updated_at = ?3 WHERE id = ?1",
        params![organisation, minutes, to_db_time(ctx.now)],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::ORGANISATION,
        &organisation.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({ "idle_lock_minutes": minutes }),
    )?;
    Ok(())
}

pub(crate) fn totp_required(conn: &rusqlite::Connection, role: Role) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT totp_required FROM role_settings WHERE role = ?1",
            [role.as_str()],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::from_sqlite)?
        .unwrap_or(false))
}

pub(crate) fn set_totp_required(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    role: Role,
    required: bool,
) -> Result<()> {
    tx.execute(
        "INSERT INTO role_settings (role, totp_required, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (role) DO UPDATE SET totp_required = excluded.totp_required,
                                          updated_at = excluded.updated_at",
        params![role.as_str(), required, to_db_time(ctx.now)],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::ROLE_SETTINGS,
        role.as_str(),
        ChangeKind::Upsert,
        &serde_json::json!({ "totp_required": required }),
    )?;
    Ok(())
}

/// How vitals are shown: `metric` or `imperial`.
pub(crate) fn units(conn: &rusqlite::Connection) -> Result<String> {
    conn.query_row("SELECT units FROM organisation LIMIT 1", [], |r| r.get(0))
        .map_err(Error::from_sqlite)
}

pub(crate) fn set_units(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    organisation: OrganisationId,
    units: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE organisation SET units = ?2, updated_at = ?3 WHERE id = ?1",
        params![organisation, units, to_db_time(ctx.now)],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::ORGANISATION,
        &organisation.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({ "units": units }),
    )?;
    Ok(())
}

/// The printer this workstation printed to last, if any.
pub(crate) fn last_printer(conn: &rusqlite::Connection) -> Result<Option<String>> {
    conn.query_row("SELECT last_printer FROM workstation", [], |r| r.get(0))
        .map_err(Error::from_sqlite)
}

/// Remembers `printer` as this workstation's last; no change is recorded (never synced).
pub(crate) fn set_last_printer(conn: &rusqlite::Connection, printer: &str) -> Result<()> {
    conn.execute("UPDATE workstation SET last_printer = ?1", [printer])
        .map_err(Error::from_sqlite)?;
    Ok(())
}
