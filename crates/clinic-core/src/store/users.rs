//! User accounts. Users are never deleted (a trigger refuses it); they are deactivated.
//! Each update records only the fields it changed, so concurrent edits on two
//! workstations merge field by field.

use chrono::{DateTime, Utc};
use clinic_protocol::tables;
use rusqlite::{OptionalExtension as _, Transaction, params};
use serde::Serialize;

use crate::actor::Role;
use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{BranchId, PatientId, UserId};
use crate::store::changes::{self, ChangeKind, WriteContext};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    /// For a patient user: their own patient record.
    pub patient: Option<PatientId>,
    /// A break-glass account (disabled until someone breaks the glass).
    pub emergency: bool,
    /// While break-glass access is open: when it closes (UTC, RFC 3339).
    pub emergency_until: Option<String>,
    /// An emergency account an administrator has deactivated: break-glass is refused.
    pub emergency_disabled: bool,
    pub totp_enrolled: bool,
    /// Branches the user may work at; empty means all.
    pub branches: Vec<BranchId>,
}

impl User {
    pub(crate) fn new(id: UserId, username: String, display_name: String, role: Role) -> Self {
        Self {
            id,
            username,
            display_name,
            role,
            active: true,
            patient: None,
            emergency: false,
            emergency_until: None,
            emergency_disabled: false,
            totp_enrolled: false,
            branches: Vec::new(),
        }
    }
}

pub(crate) fn insert(tx: &Transaction<'_>, ctx: &WriteContext, user: &User) -> Result<()> {
    let now = to_db_time(ctx.now);
    tx.execute(
        "INSERT INTO users (id, username, display_name, role, active, created_at, updated_at,
                            patient_id, emergency)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8)",
        params![
            user.id,
            user.username,
            user.display_name,
            user.role.as_str(),
            user.active,
            now,
            user.patient,
            user.emergency
        ],
    )
    .map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) if e.to_string().contains("UNIQUE") => {
            Error::validation(
                "username",
                format!(
                    "the user name \"{}\" is already taken; choose another",
                    user.username
                ),
            )
        }
        Some(rusqlite::ErrorCode::ConstraintViolation) => Error::validation(
            "patient",
            "a patient user must be linked to one patient record, and only a patient user",
        ),
        _ => Error::from_sqlite(e),
    })?;
    changes::record(
        tx,
        ctx,
        &tables::USERS,
        &user.id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "username": user.username,
            "display_name": user.display_name,
            "role": user.role.as_str(),
            "active": user.active,
            "patient_id": user.patient,
            "emergency": user.emergency,
        }),
    )?;
    set_branches(tx, ctx, user.id, &user.branches)?;
    Ok(())
}

/// A change to some of a user's fields.
#[derive(Debug, Clone, Default)]
pub(crate) struct Update {
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub display_name: Option<String>,
    pub totp_secret: Option<Option<String>>,
    pub emergency_until: Option<Option<DateTime<Utc>>>,
    pub emergency_disabled: Option<bool>,
}

pub(crate) fn update(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    id: UserId,
    update: &Update,
) -> Result<()> {
    let mut fields = serde_json::Map::new();
    let now = to_db_time(ctx.now);
    let map_err = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => Error::validation(
            "role",
            "a patient user must stay linked to one patient record; make a new account instead",
        ),
        _ => Error::from_sqlite(e),
    };
    if let Some(role) = update.role {
        tx.execute(
            "UPDATE users SET role = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, role.as_str(), now],
        )
        .map_err(map_err)?;
        fields.insert("role".into(), role.as_str().into());
    }
    if let Some(active) = update.active {
        tx.execute(
            "UPDATE users SET active = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, active, now],
        )
        .map_err(map_err)?;
        fields.insert("active".into(), active.into());
    }
    if let Some(name) = &update.display_name {
        tx.execute(
            "UPDATE users SET display_name = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, name, now],
        )
        .map_err(map_err)?;
        fields.insert("display_name".into(), name.clone().into());
    }
    if let Some(secret) = &update.totp_secret {
        tx.execute(
            "UPDATE users SET totp_secret = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, secret, now],
        )
        .map_err(map_err)?;
        // Not a synced field: the seed stays on this workstation (see `tables::USERS`).
    }
    if let Some(until) = &update.emergency_until {
        let until = until.map(to_db_time);
        tx.execute(
            "UPDATE users SET emergency_until = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, until, now],
        )
        .map_err(map_err)?;
        fields.insert("emergency_until".into(), until.into());
    }
    if let Some(disabled) = update.emergency_disabled {
        tx.execute(
            "UPDATE users SET emergency_disabled = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, disabled, now],
        )
        .map_err(map_err)?;
        fields.insert("emergency_disabled".into(), disabled.into());
    }
    if !fields.is_empty() {
        changes::record(
            tx,
            ctx,
            &tables::USERS,
            &id.to_string(),
            ChangeKind::Upsert,
            &serde_json::Value::Object(fields),
        )?;
    }
    Ok(())
}

pub(crate) fn set_branches(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    id: UserId,
    branches: &[BranchId],
) -> Result<()> {
    let current = branches_of(tx, id)?;
    for branch in current.iter().filter(|b| !branches.contains(b)) {
        tx.execute(
            "DELETE FROM user_branches WHERE user_id = ?1 AND branch_id = ?2",
            params![id, branch],
        )
        .map_err(Error::from_sqlite)?;
        changes::record(
            tx,
            ctx,
            &tables::USER_BRANCHES,
            &format!("{id}/{branch}"),
            ChangeKind::Tombstone,
            &serde_json::json!({ "user_id": id, "branch_id": branch }),
        )?;
    }
    for branch in branches.iter().filter(|b| !current.contains(b)) {
        tx.execute(
            "INSERT INTO user_branches (user_id, branch_id) VALUES (?1, ?2)",
            params![id, branch],
        )
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ConstraintViolation) => {
                Error::validation("branches", format!("there is no branch {branch}"))
            }
            _ => Error::from_sqlite(e),
        })?;
        changes::record(
            tx,
            ctx,
            &tables::USER_BRANCHES,
            &format!("{id}/{branch}"),
            ChangeKind::Upsert,
            &serde_json::json!({ "user_id": id, "branch_id": branch }),
        )?;
    }
    Ok(())
}

fn branches_of(conn: &rusqlite::Connection, id: UserId) -> Result<Vec<BranchId>> {
    let mut stmt = conn
        .prepare_cached("SELECT branch_id FROM user_branches WHERE user_id = ?1 ORDER BY branch_id")
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([id], |r| r.get(0))
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

const COLUMNS: &str = "id, username, display_name, role, active, patient_id, emergency,
                       emergency_until, totp_secret IS NOT NULL, emergency_disabled";

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let role: String = r.get(3)?;
    Ok(User {
        id: r.get(0)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        role: role.parse().map_err(|e: crate::actor::UnknownRoleError| {
            rusqlite::Error::FromSqlConversionFailure(
                3,
                rusqlite::types::Type::Text,
                e.to_string().into(),
            )
        })?,
        active: r.get(4)?,
        patient: r.get(5)?,
        emergency: r.get(6)?,
        emergency_until: r.get(7)?,
        totp_enrolled: r.get(8)?,
        emergency_disabled: r.get(9)?,
        branches: Vec::new(),
    })
}

pub(crate) fn get(conn: &rusqlite::Connection, id: UserId) -> Result<Option<User>> {
    let user = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM users WHERE id = ?1"),
            [id],
            read,
        )
        .optional()
        .map_err(Error::from_sqlite)?;
    match user {
        Some(mut user) => {
            user.branches = branches_of(conn, user.id)?;
            Ok(Some(user))
        }
        None => Ok(None),
    }
}

pub(crate) fn find_by_username(
    conn: &rusqlite::Connection,
    username: &str,
) -> Result<Option<User>> {
    let id: Option<UserId> = conn
        .query_row(
            "SELECT id FROM users WHERE username = ?1 COLLATE NOCASE",
            [username],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::from_sqlite)?;
    match id {
        Some(id) => get(conn, id),
        None => Ok(None),
    }
}

pub(crate) fn list(conn: &rusqlite::Connection) -> Result<Vec<User>> {
    let mut stmt = conn
        .prepare(&format!("SELECT {COLUMNS} FROM users ORDER BY username"))
        .map_err(Error::from_sqlite)?;
    let users = stmt
        .query_map([], read)
        .map_err(Error::from_sqlite)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)?;
    users
        .into_iter()
        .map(|mut u| {
            u.branches = branches_of(conn, u.id)?;
            Ok(u)
        })
        .collect()
}

/// Active administrators, who are told about break-glass use.
pub(crate) fn active_admins(conn: &rusqlite::Connection) -> Result<Vec<UserId>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id FROM users WHERE role = 'admin' AND active = 1 AND emergency = 0",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([], |r| r.get(0))
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

/// Whether `id` may still use a session opened earlier: an ordinary user while active,
/// an emergency account while its access is open and it is not disabled. A single
/// primary-key read, made on every call of a session.
pub(crate) fn still_allowed(conn: &rusqlite::Connection, id: UserId) -> Result<bool> {
    conn.query_row(
        "SELECT CASE WHEN emergency = 1
                     THEN emergency_disabled = 0 AND emergency_until IS NOT NULL
                     ELSE active = 1 END
         FROM users WHERE id = ?1",
        [id],
        |r| r.get::<_, bool>(0),
    )
    .optional()
    .map(|allowed| allowed.unwrap_or(false))
    .map_err(Error::from_sqlite)
}

pub(crate) fn totp_secret(conn: &rusqlite::Connection, id: UserId) -> Result<Option<String>> {
    conn.query_row("SELECT totp_secret FROM users WHERE id = ?1", [id], |r| {
        r.get(0)
    })
    .optional()
    .map(Option::flatten)
    .map_err(Error::from_sqlite)
}
