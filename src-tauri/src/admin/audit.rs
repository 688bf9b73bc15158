//! The audit log (administrators): events filtered by user, action and clinic days, and
//! the hash chains verified.

use std::sync::Arc;

use clinic_core::AuditDays;
use serde::{Deserialize, Serialize};

use crate::shell::{Reply, Result, Shared, Shell, blocking};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn audit_log(shell: Shared<'_>, query: AuditQuery) -> Reply<Vec<AuditEntry>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.audit_log(query)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn audit_verify(shell: Shared<'_>) -> Reply<AuditVerification> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.audit_verify()).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    pub fn audit_log(&self, query: AuditQuery) -> Result<Vec<AuditEntry>> {
        let text = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let days = AuditDays::parse(query.from.as_deref(), query.to.as_deref())?;
        let username = text(query.username);
        let action = text(query.action);
        let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
        self.with_open(|open| {
            let (from, to) = days.bounds(open.session.clinic_time()?);
            let filter = clinic_core::AuditFilter {
                username,
                patient: None,
                action,
                from,
                to,
                limit,
                newest_first: true,
            };
            let list = open.session.audit_list(&filter)?;
            Ok(list.into_iter().map(AuditEntry::from).collect())
        })
    }

    /// Walks every device's audit hash chain.
    pub fn audit_verify(&self) -> Result<AuditVerification> {
        self.with_open(|open| Ok(open.session.audit_verify()?.into()))
    }
}

// ---- wire types -----------------------------------------------------------------------

/// What the audit log viewer asks for. Empty strings count as "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AuditQuery {
    pub username: Option<String>,
    /// An exact action (`user.create`) or a prefix ending in a dot (`user.`).
    pub action: Option<String>,
    /// First day, `YYYY-MM-DD` in the clinic's time zone.
    pub from: Option<String>,
    /// Last day (included), `YYYY-MM-DD` in the clinic's time zone.
    pub to: Option<String>,
    /// At most this many events (newest first); 0 means the core's default.
    pub limit: u32,
}

/// One audit event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AuditEntry {
    pub id: String,
    pub device_id: String,
    /// Position in its device's hash chain (from 1).
    pub device_seq: i64,
    pub at: String,
    pub username: Option<String>,
    pub role: Option<String>,
    /// e.g. `sign_in`, `user.create`, `patient.view`.
    pub action: String,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub patient_id: Option<String>,
    /// `success`, `failure` or `denied`.
    pub outcome: String,
    /// JSON text.
    pub details: String,
}

impl From<clinic_core::AuditEntry> for AuditEntry {
    fn from(e: clinic_core::AuditEntry) -> Self {
        Self {
            id: e.id,
            device_id: e.device_id,
            device_seq: e.device_seq,
            at: e.at,
            username: e.username,
            role: e.role,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            patient_id: e.patient_id,
            outcome: e.outcome,
            details: e.details,
        }
    }
}

/// The first broken link in a device's audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AuditBreak {
    pub device_id: String,
    pub device_seq: i64,
    pub event_id: String,
    pub reason: String,
}

/// The result of walking every device's audit hash chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AuditVerification {
    pub events: u64,
    pub devices: u64,
    /// Null when every chain is whole.
    pub first_break: Option<AuditBreak>,
}

impl From<clinic_core::Verification> for AuditVerification {
    fn from(v: clinic_core::Verification) -> Self {
        Self {
            events: v.events,
            devices: v.devices,
            first_break: v.first_break.map(|b| AuditBreak {
                device_id: b.device_id,
                device_seq: b.device_seq,
                event_id: b.event_id,
                reason: b.reason,
            }),
        }
    }
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    AuditQuery::export_all(cfg)?;
    AuditEntry::export_all(cfg)?;
    AuditBreak::export_all(cfg)?;
    AuditVerification::export_all(cfg)?;
    Ok(())
}
