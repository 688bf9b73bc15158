//! Sync as the UI sees it: the header's indicator (asked, or cached so that a timer does
//! not count as activity), "Sync now", joining a sync server, pulled changes kept for a
//! person, and the group's workstations. The background thread that syncs is the
//! shell's (`shell/background.rs`).

use std::sync::Arc;

use serde::Serialize;
use zeroize::Zeroizing;

use crate::shell::background::{Outcome, SYNC_NOW_WAIT};
use crate::shell::{Reply, Result, Shared, Shell, State, blocking, lock_ignoring_poison};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_status(shell: Shared<'_>) -> Reply<SyncStatus> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.sync_status()).await
}

/// The sync status last seen, without asking the core (so it does not count as
/// activity for the idle lock); for the indicator's timer.
#[tauri::command(rename_all = "snake_case")]
pub fn cached_sync_status(shell: Shared<'_>) -> Option<SyncStatus> {
    shell.cached_sync_status()
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_now(shell: Shared<'_>) -> Reply<SyncReport> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.sync_now()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_join(
    shell: Shared<'_>,
    server: String,
    code: String,
    ca_cert_pem: Option<String>,
) -> Reply<SyncStatus> {
    let (shell, code) = (Arc::clone(&shell), Zeroizing::new(code));
    blocking(move || shell.sync_join(&server, &code, ca_cert_pem.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_conflicts(shell: Shared<'_>) -> Reply<Vec<SyncConflict>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.sync_conflicts()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn dismiss_sync_conflict(shell: Shared<'_>, change_id: String, why: String) -> Reply<()> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.dismiss_sync_conflict(&change_id, &why)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn group_devices(shell: Shared<'_>) -> Reply<Vec<GroupDevice>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.group_devices()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn revoke_device(shell: Shared<'_>, device_id: String) -> Reply<()> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.revoke_device(&device_id)).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    /// Whether sync is set up, and what is waiting to be sent. Asks the core (which counts
    /// as activity); [`Shell::cached_sync_status`] does not.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        self.with_open(|open| {
            let core = open.session.sync_status()?;
            Ok(lock_ignoring_poison(&self.sync).update(core))
        })
    }

    /// The sync status last seen (by a command or the background thread), without asking
    /// the core; `None` when nobody is signed in or nothing is known yet.
    pub fn cached_sync_status(&self) -> Option<SyncStatus> {
        if !matches!(&*self.state(), State::Open(_)) {
            return None;
        }
        lock_ignoring_poison(&self.sync).status.clone()
    }

    /// Syncs now on the UI's session (retrying a few times when offline).
    pub fn sync_now(&self) -> Result<SyncReport> {
        // With a background thread, it runs the round: the UI's session is not held while
        // the server is asked, so every other screen stays usable.
        let control =
            self.with_open(|open| Ok(open.background.as_ref().map(|b| Arc::clone(&b.control))))?;
        if let Some(control) = control {
            return control.run_now(SYNC_NOW_WAIT);
        }
        self.with_open(|open| {
            let result = open.session.sync_now();
            let mut cache = lock_ignoring_poison(&self.sync);
            cache.last = Some(match &result {
                Ok(_) => Outcome::Synced,
                Err(err) => Outcome::Failed(err.to_string()),
            });
            if let Ok(core) = open.session.sync_status() {
                cache.update(core);
            }
            Ok(result?.into())
        })
    }

    /// Joins this workstation to a sync server with a one-time code. Administrators only
    /// (the core checks). Background sync starts at once.
    pub fn sync_join(
        &self,
        server: &str,
        code: &str,
        ca_cert_pem: Option<&str>,
    ) -> Result<SyncStatus> {
        let ca_cert_pem = ca_cert_pem.map(str::trim).filter(|pem| !pem.is_empty());
        self.with_open(|open| {
            open.session.sync_join(server.trim(), code, ca_cert_pem)?;
            if open.background.is_none()
                && let Ok(companion) = open.session.sync_companion()
            {
                open.background = Some(self.spawn_background(open.generation, companion));
            }
            let core = open.session.sync_status()?;
            Ok(lock_ignoring_poison(&self.sync).update(core))
        })
    }

    /// Pulled changes this workstation could not apply (administrators; read-only: the
    /// core keeps them until they are resolved).
    pub fn sync_conflicts(&self) -> Result<Vec<SyncConflict>> {
        self.with_open(|open| {
            let list = open.session.sync_conflicts()?;
            Ok(list.into_iter().map(SyncConflict::from).collect())
        })
    }

    /// Sets a kept pulled change aside with a reason (administrators); never deleted.
    pub fn dismiss_sync_conflict(&self, change_id: &str, why: &str) -> Result<()> {
        self.with_open(|open| Ok(open.session.sync_dismiss_conflict(change_id, why)?))
    }

    /// Every workstation of the group, from the sync server (administrators). Asks the
    /// server while holding the session: an administrator's occasional look.
    pub fn group_devices(&self) -> Result<Vec<GroupDevice>> {
        self.with_open(|open| {
            let own = open.session.actor().device.to_string();
            let list = open.session.sync_devices()?;
            Ok(list
                .into_iter()
                .map(|d| GroupDevice {
                    this_workstation: d.device_id == own,
                    device_id: d.device_id,
                    name: d.name,
                    branch_code: d.branch_code,
                    enrolled_at: d.enrolled_at,
                    revoked_at: d.revoked_at,
                    last_push_at: d.last_push_at,
                })
                .collect())
        })
    }

    /// Revokes another workstation of the group at once (administrators).
    pub fn revoke_device(&self, device_id: &str) -> Result<()> {
        self.with_open(|open| Ok(open.session.sync_revoke_device(device_id)?))
    }
}

// ---- wire types -----------------------------------------------------------------------

/// The header's sync indicator: whether this workstation has joined a sync server, and
/// what is waiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncStatus {
    pub configured: bool,
    /// The last sync attempt reached the server and succeeded.
    pub online: bool,
    pub server_url: Option<String>,
    pub last_attempt_at: Option<String>,
    pub last_success_at: Option<String>,
    pub last_error: Option<String>,
    /// Changes made here that the server has not accepted yet.
    pub pending_changes: i64,
    /// Changes the server refused, for a person to look at.
    pub refused_changes: i64,
    /// Pulled changes that could not be applied here.
    pub conflicts: i64,
}

impl From<clinic_core::sync::SyncStatus> for SyncStatus {
    fn from(s: clinic_core::sync::SyncStatus) -> Self {
        let (server_url, last_attempt_at, last_success_at, last_error) = match s.configured {
            Some(state) => (
                Some(state.server_url),
                state.last_attempt_at,
                state.last_success_at,
                state.last_error,
            ),
            None => (None, None, None, None),
        };
        Self {
            configured: server_url.is_some(),
            online: last_error.is_none() && last_success_at.is_some(),
            server_url,
            last_attempt_at,
            last_success_at,
            last_error,
            pending_changes: s.pending_changes,
            refused_changes: s.refused_changes,
            conflicts: s.conflicts,
        }
    }
}

/// A workstation of the clinic group, as the sync server knows it (administrators).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct GroupDevice {
    pub device_id: String,
    pub name: String,
    pub branch_code: String,
    pub enrolled_at: String,
    pub revoked_at: Option<String>,
    /// When the server last received a change from it.
    pub last_push_at: Option<String>,
    /// The workstation this app runs on.
    pub this_workstation: bool,
}

/// A pulled change that could not be applied on this workstation, kept for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncConflict {
    pub change_id: String,
    /// The table the change was for, e.g. `appointments`.
    pub table: String,
    pub row_id: String,
    /// Why it could not be applied.
    pub reason: String,
    pub received_at: String,
}

impl From<clinic_core::sync::Conflict> for SyncConflict {
    fn from(c: clinic_core::sync::Conflict) -> Self {
        Self {
            change_id: c.change_id,
            table: c.table,
            row_id: c.row_id,
            reason: c.reason,
            received_at: c.received_at,
        }
    }
}

/// What one sync round did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncReport {
    pub pushed: u64,
    pub rejected: u64,
    pub pulled: u64,
    pub cursor: i64,
}

impl From<clinic_core::sync::SyncReport> for SyncReport {
    fn from(r: clinic_core::sync::SyncReport) -> Self {
        let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        Self {
            pushed: count(r.pushed),
            rejected: count(r.rejected),
            pulled: count(r.pulled),
            cursor: r.cursor,
        }
    }
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    SyncStatus::export_all(cfg)?;
    GroupDevice::export_all(cfg)?;
    SyncConflict::export_all(cfg)?;
    SyncReport::export_all(cfg)?;
    Ok(())
}
