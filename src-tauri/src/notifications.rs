//! In-app notifications: a doctor hears of bookings and cancellations, administrators of
//! break-glass openings.

use std::sync::Arc;

use clinic_core::ids::NotificationId;
use serde::Serialize;

use crate::shell::{Reply, Result, Shared, Shell, blocking, parse_id};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn notifications(shell: Shared<'_>, unread_only: bool) -> Reply<Vec<Notification>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.notifications(unread_only)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn mark_notification_read(shell: Shared<'_>, id: String) -> Reply<()> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.mark_notification_read(&id)).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    pub fn notifications(&self, unread_only: bool) -> Result<Vec<Notification>> {
        self.with_open(|open| {
            let list = open.session.notifications(unread_only)?;
            Ok(list.into_iter().map(Notification::from).collect())
        })
    }

    pub fn mark_notification_read(&self, id: &str) -> Result<()> {
        let id: NotificationId = parse_id("notification", id)?;
        self.with_open(|open| Ok(open.session.mark_notification_read(id)?))
    }
}

// ---- wire types -----------------------------------------------------------------------

/// An in-app notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Notification {
    pub id: String,
    /// e.g. `appointment_booked`, `appointment_cancelled`, `break_glass`.
    pub kind: String,
    pub title: String,
    pub body: String,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub created_at: String,
    pub read: bool,
}

impl From<clinic_core::Notification> for Notification {
    fn from(n: clinic_core::Notification) -> Self {
        Self {
            id: n.id.to_string(),
            kind: n.kind,
            title: n.title,
            body: n.body,
            entity: n.entity,
            entity_id: n.entity_id,
            created_at: n.created_at,
            read: n.read,
        }
    }
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    Notification::export_all(cfg)?;
    Ok(())
}
