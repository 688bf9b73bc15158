//! This workstation's scheduled backups and "Back up now" (administrators). The timer
//! that runs a due backup is the shell's (`shell/background.rs`).

use std::sync::Arc;

use clinic_core::clock::to_db_time;
use serde::{Deserialize, Serialize};

use crate::shell::{Reply, Result, Shared, Shell, blocking};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn backup_schedule(shell: Shared<'_>) -> Reply<BackupSchedule> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.backup_schedule()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_backup_schedule(
    shell: Shared<'_>,
    input: BackupScheduleInput,
) -> Reply<BackupSchedule> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.set_backup_schedule(input)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn backup_now(shell: Shared<'_>) -> Reply<BackupSchedule> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.backup_now()).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    /// Audit events matching `query`, newest first. The days are clinic-local and the last
    /// one is included.
    pub fn backup_schedule(&self) -> Result<BackupSchedule> {
        self.with_open(|open| Ok(open.session.backup_schedule()?.into()))
    }

    pub fn set_backup_schedule(&self, input: BackupScheduleInput) -> Result<BackupSchedule> {
        self.with_open(|open| {
            Ok(open
                .session
                .set_backup_schedule(&input.folder, input.daily, input.keep)?
                .into())
        })
    }

    /// Writes a backup into the scheduled folder now; the answer's `last` names the file.
    pub fn backup_now(&self) -> Result<BackupSchedule> {
        self.with_open(|open| {
            open.session.backup_now()?;
            Ok(open.session.backup_schedule()?.into())
        })
    }

    /// The scheduled-backup step the timer runs, for tests: writes a backup if one is
    /// due. True when one was attempted (its result is in [`Shell::backup_schedule`]).
    #[doc(hidden)]
    pub fn run_due_backup(&self) -> Result<bool> {
        self.with_open(|open| Ok(open.session.run_due_backup()?.is_some()))
    }
}

// ---- wire types -----------------------------------------------------------------------

/// This workstation's scheduled backups and how the last backup went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BackupSchedule {
    /// Full path of the folder; empty until an administrator saves one.
    pub folder: String,
    pub daily: bool,
    /// How many scheduled backups are kept (the newest).
    pub keep: u32,
    /// RFC 3339 UTC.
    pub last_success_at: Option<String>,
    pub last: Option<LastBackup>,
}

impl From<clinic_core::maintenance::backup_schedule::BackupSchedule> for BackupSchedule {
    fn from(s: clinic_core::maintenance::backup_schedule::BackupSchedule) -> Self {
        Self {
            folder: s.folder,
            daily: s.daily,
            keep: s.keep,
            last_success_at: s.last_success_at.map(to_db_time),
            last: s.last.map(|last| LastBackup {
                at: to_db_time(last.at),
                ok: last.result.is_ok(),
                file: last.result.as_ref().ok().cloned(),
                error: last.result.err(),
            }),
        }
    }
}

/// The last backup attempted: the file written, or the error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LastBackup {
    /// RFC 3339 UTC.
    pub at: String,
    pub ok: bool,
    pub file: Option<String>,
    pub error: Option<String>,
}

/// What an administrator saves on the backup form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BackupScheduleInput {
    pub folder: String,
    pub daily: bool,
    pub keep: u32,
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    BackupSchedule::export_all(cfg)?;
    LastBackup::export_all(cfg)?;
    BackupScheduleInput::export_all(cfg)?;
    Ok(())
}
