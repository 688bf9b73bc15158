//! User accounts. Users are never deleted; they are deactivated.

use rusqlite::{OptionalExtension as _, Transaction, params};
use serde::Serialize;

use crate::actor::Role;
use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::store::changes::{self, ChangeKind, SyncedTable, WriteContext};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
}

pub(crate) fn insert(tx: &Transaction<'_>, ctx: &WriteContext, user: &User) -> Result<()> {
    let now = to_db_time(ctx.now);
    tx.execute(
        "INSERT INTO users (id, username, display_name, role, active, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![
            user.id,
            user.username,
            user.display_name,
            user.role.as_str(),
            user.active,
            now
        ],
    )
    .map_err(|e| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => Error::validation(
            "username",
            format!(
                "the user name \"{}\" is already taken; choose another",
                user.username
            ),
        ),
        _ => Error::from_sqlite(e),
    })?;
    changes::record(
        tx,
        ctx,
        SyncedTable::Users,
        &user.id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "username": user.username,
            "display_name": user.display_name,
            "role": user.role.as_str(),
            "active": user.active,
        }),
    )?;
    Ok(())
}

pub(crate) fn get(conn: &rusqlite::Connection, id: UserId) -> Result<Option<User>> {
    conn.query_row(
        "SELECT id, username, display_name, role, active FROM users WHERE id = ?1",
        [id],
        |r| {
            let role: String = r.get(3)?;
            Ok(User {
                id: r.get(0)?,
                username: r.get(1)?,
                display_name: r.get(2)?,
                role: role.parse().map_err(|e: Error| {
                    rusqlite::Error::FromSqlConversionFailure(
                        3,
                        rusqlite::types::Type::Text,
                        e.to_string().into(),
                    )
                })?,
                active: r.get(4)?,
            })
        },
    )
    .optional()
    .map_err(Error::from_sqlite)
}
