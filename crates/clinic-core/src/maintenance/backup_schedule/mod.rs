//! Scheduled backups of this workstation: an administrator names a folder, turns daily
//! backups on or off and says how many to keep; the app then writes one when it is due.
//!
//! Invariants: only administrators change the schedule or ask for a backup now; a due
//! backup runs in whichever session is open (the administrator already chose where it
//! goes, and it adds nothing anyone can read without a password), and it is not activity:
//! it never keeps a session from idle-locking. A backup is due when daily backups are on
//! and none succeeded in the last 24 hours; after a failure it is tried again no sooner
//! than an hour later, so a missing drive does not fill the audit log. Pruning runs only
//! after a backup succeeded and only ever touches the app's own scheduled names
//! ([`crate::maintenance::backup::prune`]). Every attempt is audited with its outcome and its result
//! kept for the Administration screen.

pub(crate) mod store;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};

use crate::error::{Error, Result};
use crate::maintenance::backup::{self, Written};
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::audit::{self, Event, Outcome};
use store::Row;

/// How many scheduled backups are kept unless an administrator says otherwise.
pub const DEFAULT_KEEP: u32 = 7;
/// The most backups one may ask to keep.
pub const MAX_KEEP: u32 = 365;
/// A backup is due once the last success is this old.
pub const PERIOD: Duration = Duration::hours(24);
/// After a failed attempt, the next one waits this long.
pub const RETRY_AFTER: Duration = Duration::hours(1);

/// This workstation's backup setting and how its last backup went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSchedule {
    /// Empty until an administrator saves a folder.
    pub folder: String,
    pub daily: bool,
    pub keep: u32,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last: Option<LastBackup>,
}

/// The last backup attempted, scheduled or asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastBackup {
    pub at: DateTime<Utc>,
    /// The file written, or why none was.
    pub result: std::result::Result<String, String>,
}

impl From<Option<Row>> for BackupSchedule {
    fn from(row: Option<Row>) -> Self {
        let Some(row) = row else {
            return BackupSchedule {
                folder: String::new(),
                daily: false,
                keep: DEFAULT_KEEP,
                last_success_at: None,
                last: None,
            };
        };
        let last = row.last_attempt_at.map(|at| LastBackup {
            at,
            result: if row.last_ok == Some(true) {
                Ok(row.last_file.clone().unwrap_or_default())
            } else {
                Err(row.last_error.clone().unwrap_or_default())
            },
        });
        BackupSchedule {
            folder: row.folder,
            daily: row.daily,
            keep: row.keep,
            last_success_at: row.last_success_at,
            last,
        }
    }
}

/// Whether a scheduled backup is due at `now` (see the module's invariants).
pub fn is_due(schedule: &BackupSchedule, now: DateTime<Utc>) -> bool {
    if !schedule.daily || schedule.folder.is_empty() {
        return false;
    }
    if schedule.last_success_at.is_some_and(|at| now - at < PERIOD) {
        return false;
    }
    !matches!(&schedule.last, Some(LastBackup { at, result: Err(_) }) if now - *at < RETRY_AFTER)
}

fn validate(folder: &str, keep: u32) -> Result<PathBuf> {
    let folder = folder.trim();
    if folder.is_empty() {
        return Err(Error::validation(
            "folder",
            "choose the folder the backups go to",
        ));
    }
    let path = PathBuf::from(folder);
    if !path.is_absolute() {
        return Err(Error::validation(
            "folder",
            "give the folder's full path (for example D:\\Backups or /media/backups)",
        ));
    }
    if !path.is_dir() {
        return Err(Error::validation(
            "folder",
            format!("the folder {folder} does not exist; create it or choose another"),
        ));
    }
    if !(1..=MAX_KEEP).contains(&keep) {
        return Err(Error::validation(
            "keep",
            format!("keep between 1 and {MAX_KEEP} backups"),
        ));
    }
    Ok(path)
}

impl Session {
    /// This workstation's backup setting and last result. Administrators only.
    pub fn backup_schedule(&mut self) -> Result<BackupSchedule> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        Ok(store::get(self.live()?.store.conn())?.into())
    }

    /// Saves where scheduled backups go, whether they run daily, and how many are kept.
    /// The folder must exist. Administrators only; audited (`settings.backup_schedule`).
    pub fn set_backup_schedule(
        &mut self,
        folder: &str,
        daily: bool,
        keep: u32,
    ) -> Result<BackupSchedule> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        let path = validate(folder, keep)?;
        let folder = path.display().to_string();
        self.transact(|tx, ctx, actor| {
            store::set(tx, &folder, daily, keep, ctx.now)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("settings.backup_schedule", Outcome::Success)
                    .details(serde_json::json!({ "folder": folder, "daily": daily, "keep": keep })),
            )?;
            Ok(())
        })?;
        Ok(store::get(self.live()?.store.conn())?.into())
    }

    /// Writes a backup into the scheduled folder now (under the scheduled name, so it
    /// counts towards the kept ones), then prunes. Administrators only; audited.
    pub fn backup_now(&mut self) -> Result<Written> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        let schedule: BackupSchedule = store::get(self.live()?.store.conn())?.into();
        if schedule.folder.is_empty() {
            return Err(Error::validation(
                "folder",
                "save a folder for the backups first",
            ));
        }
        self.backup_into(&schedule, "manual")
    }

    /// Runs the scheduled backup if one is due (see [`is_due`]); `None` when none was.
    /// Any open session may run it; it does not count as activity, and an idle or locked
    /// session runs nothing.
    pub fn run_due_backup(&mut self) -> Result<Option<std::result::Result<Written, String>>> {
        if self.is_locked() || self.idle_expired() {
            return Ok(None);
        }
        let Some(unlocked) = self.unlocked.as_ref() else {
            return Ok(None);
        };
        let schedule: BackupSchedule = store::get(unlocked.store.conn())?.into();
        if !is_due(&schedule, self.now()) {
            return Ok(None);
        }
        let last_activity = self.last_activity;
        let result = self.backup_into(&schedule, "scheduled");
        self.last_activity = last_activity;
        match result {
            Ok(written) => Ok(Some(Ok(written))),
            Err(err @ (Error::SessionLocked { .. } | Error::EmergencyExpired)) => Err(err),
            Err(err @ Error::UserInactive(_)) => Err(err),
            Err(err) => Ok(Some(Err(err.to_string()))),
        }
    }

    /// Writes, prunes, and records the result and its audit event in one transaction.
    fn backup_into(&mut self, schedule: &BackupSchedule, how: &str) -> Result<Written> {
        let at = self.now();
        let folder = Path::new(&schedule.folder);
        let out = folder.join(backup::scheduled_name(at));
        let result = self.write_backup(&out);
        let pruned = match &result {
            Ok(_) => backup::prune(folder, schedule.keep as usize),
            Err(_) => Ok(Vec::new()),
        };
        let (event, stored) = match &result {
            Ok(written) => {
                let file = written.path.display().to_string();
                let pruned = match &pruned {
                    Ok(paths) => serde_json::json!(paths.len()),
                    Err(err) => serde_json::json!(err.to_string()),
                };
                (
                    Event::new("backup.write", Outcome::Success).details(serde_json::json!({
                        "file": file, "bytes": written.bytes, "how": how, "pruned": pruned,
                    })),
                    Ok(file),
                )
            }
            Err(err) => (
                Event::new("backup.write", Outcome::Failure).details(serde_json::json!({
                    "file": out.display().to_string(), "how": how, "error": err.to_string(),
                })),
                Err(err.to_string()),
            ),
        };
        self.transact(|tx, ctx, actor| {
            store::record_result(tx, at, stored.as_deref().map_err(String::as_str))?;
            audit::append(tx, ctx, Some(actor), ctx.now, &event)
        })?;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap() + Duration::hours(hours)
    }

    fn schedule(daily: bool) -> BackupSchedule {
        BackupSchedule {
            folder: "/backups".into(),
            daily,
            keep: DEFAULT_KEEP,
            last_success_at: None,
            last: None,
        }
    }

    #[test]
    fn a_backup_is_due_daily_after_the_last_success_and_an_hour_after_a_failure() {
        let mut s = schedule(false);
        assert!(!is_due(&s, at(0)), "daily backups are off");
        s.daily = true;
        assert!(is_due(&s, at(0)), "never backed up");
        s.last_success_at = Some(at(0));
        s.last = Some(LastBackup {
            at: at(0),
            result: Ok("f".into()),
        });
        assert!(!is_due(&s, at(23)), "backed up 23 hours ago");
        assert!(is_due(&s, at(24)), "backed up 24 hours ago");
        s.last = Some(LastBackup {
            at: at(24),
            result: Err("the drive is gone".into()),
        });
        assert!(!is_due(&s, at(24)), "failed just now: wait");
        assert!(is_due(&s, at(25)), "failed an hour ago: try again");
        s.folder.clear();
        assert!(!is_due(&s, at(48)), "no folder saved");
    }

    #[test]
    fn the_folder_must_be_a_full_path_to_a_folder_and_keep_within_bounds() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().display().to_string();
        let field = |r: Result<PathBuf>| match r {
            Err(Error::Validation { field, .. }) => field,
            other => panic!("expected a field error, got {other:?}"),
        };
        assert_eq!(field(validate("  ", 7)), "folder");
        assert_eq!(field(validate("relative/dir", 7)), "folder");
        assert_eq!(
            field(validate(&format!("{dir}/missing"), 7)),
            "folder",
            "a folder that does not exist"
        );
        assert_eq!(field(validate(&dir, 0)), "keep");
        assert_eq!(field(validate(&dir, MAX_KEEP + 1)), "keep");
        assert!(validate(&format!(" {dir} "), 1).is_ok(), "trimmed");
    }
}
