//! In-app notifications, per user, read or unread.

use clinic_protocol::tables;
use rusqlite::{Transaction, params};
use serde::Serialize;

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{NotificationId, UserId};
use crate::store::changes::{self, ChangeKind, WriteContext};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    pub id: NotificationId,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub created_at: String,
    pub read: bool,
}

pub(crate) struct New<'a> {
    pub kind: &'a str,
    pub title: String,
    pub body: String,
    pub entity: Option<&'a str>,
    pub entity_id: Option<String>,
}

pub(crate) fn insert(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    to: UserId,
    new: &New<'_>,
) -> Result<NotificationId> {
    let id = NotificationId(crate::ids::new_v7_at(ctx.now));
    let at = to_db_time(ctx.now);
    tx.execute(
        "INSERT INTO notifications (id, user_id, kind, title, body, entity, entity_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id,
            to,
            new.kind,
            new.title,
            new.body,
            new.entity,
            new.entity_id,
            at
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::NOTIFICATIONS,
        &id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "user_id": to, "kind": new.kind, "title": new.title, "body": new.body,
            "entity": new.entity, "entity_id": new.entity_id, "created_at": at,
        }),
    )?;
    Ok(id)
}

pub(crate) fn list_for(
    conn: &rusqlite::Connection,
    user: UserId,
    unread_only: bool,
) -> Result<Vec<Notification>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, kind, title, body, entity, entity_id, created_at, read_at IS NOT NULL
             FROM notifications WHERE user_id = ?1 AND (?2 = 0 OR read_at IS NULL)
             ORDER BY created_at DESC, rowid DESC",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map(params![user, unread_only], |r| {
            Ok(Notification {
                id: r.get(0)?,
                kind: r.get(1)?,
                title: r.get(2)?,
                body: r.get(3)?,
                entity: r.get(4)?,
                entity_id: r.get(5)?,
                created_at: r.get(6)?,
                read: r.get(7)?,
            })
        })
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

/// Marks one of `user`'s notifications read; false if it is not theirs or already read.
pub(crate) fn mark_read(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    user: UserId,
    id: NotificationId,
) -> Result<bool> {
    let at = to_db_time(ctx.now);
    let changed = tx
        .execute(
            "UPDATE notifications SET read_at = ?3 WHERE id = ?1 AND user_id = ?2 AND read_at IS NULL",
            params![id, user, at],
        )
        .map_err(Error::from_sqlite)?;
    if changed == 1 {
        changes::record(
            tx,
            ctx,
            &tables::NOTIFICATIONS,
            &id.to_string(),
            ChangeKind::Upsert,
            &serde_json::json!({ "read_at": at }),
        )?;
    }
    Ok(changed == 1)
}
