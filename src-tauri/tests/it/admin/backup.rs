//! Scheduled backups and "Back up now" (`src/admin/backup.rs`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clinic_core::{KdfParams, ManualClock};
use clinic_desktop::Shell;
use clinic_desktop::admin::backup::{BackupSchedule, BackupScheduleInput};
use clinic_desktop::dto::{self, ErrorCode};
use clinic_desktop::shell::Result;

#[test]
fn administrators_schedule_backups_that_run_when_due_and_are_pruned() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::monday_morning());
    let shell = Shell::new(
        tmp.path().to_owned(),
        false,
        clock.clone(),
        KdfParams::FAST_INSECURE_FOR_TESTS,
    );
    shell.set_up("Clinic", "admin", "a long password").unwrap();
    shell
        .create_user(
            "desk",
            None,
            dto::Role::Receptionist,
            "front office 2026",
            &[],
        )
        .unwrap();
    let unset = shell.backup_schedule().unwrap();
    assert_eq!(
        (
            unset.folder.as_str(),
            unset.daily,
            unset.keep,
            unset.last.is_none()
        ),
        ("", false, 7, true),
        "nothing saved yet: no folder, not daily, keep the default 7"
    );
    let field = |r: Result<BackupSchedule>| r.unwrap_err().field;
    let input = |folder: &Path, keep: u32| BackupScheduleInput {
        folder: folder.display().to_string(),
        daily: true,
        keep,
    };
    assert_eq!(
        field(shell.backup_now()).as_deref(),
        Some("folder"),
        "Back up now needs a saved folder"
    );
    assert_eq!(
        field(shell.set_backup_schedule(input(&folder.path().join("missing"), 2))).as_deref(),
        Some("folder")
    );
    assert_eq!(
        field(shell.set_backup_schedule(input(folder.path(), 0))).as_deref(),
        Some("keep")
    );
    let saved = shell.set_backup_schedule(input(folder.path(), 2)).unwrap();
    assert_eq!((saved.daily, saved.keep), (true, 2));
    assert_eq!(
        shell.backup_schedule().unwrap(),
        saved,
        "read back as saved"
    );
    std::fs::write(folder.path().join("notes.txt"), "not a backup").unwrap();

    let now = shell.backup_now().unwrap();
    let last = now.last.clone().expect("Back up now records its result");
    let file = PathBuf::from(last.file.clone().expect("the file written"));
    assert!(last.ok && last.error.is_none(), "{last:?}");
    assert_eq!(
        file.parent(),
        Some(folder.path()),
        "written into the folder"
    );
    assert!(
        clinic_core::maintenance::backup::is_scheduled_name(
            &file.file_name().unwrap().to_string_lossy()
        ),
        "named as scheduled backups are, so it counts towards the kept ones"
    );
    clinic_core::BackupFile::read(&file).expect("a whole backup file");
    assert!(
        !shell.run_due_backup().unwrap(),
        "backed up a moment ago: nothing is due"
    );

    let backups = || {
        let mut names: Vec<String> = std::fs::read_dir(folder.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| clinic_core::maintenance::backup::is_scheduled_name(n))
            .collect();
        names.sort();
        names
    };
    // Each next morning someone signs in, and the timer's step finds a backup due.
    let mut expected = vec![file.file_name().unwrap().to_string_lossy().into_owned()];
    for _ in 0..2 {
        clock.advance(chrono::Duration::hours(25));
        shell.sign_in("admin", "a long password", None).unwrap();
        assert!(shell.run_due_backup().unwrap(), "a day has passed: due");
        assert!(!shell.run_due_backup().unwrap(), "and then not again");
        let last = shell.backup_schedule().unwrap().last.unwrap();
        assert!(last.ok, "{last:?}");
        expected.push(
            PathBuf::from(last.file.unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned(),
        );
    }
    assert_eq!(backups(), expected[1..], "pruned to the newest 2");
    assert!(
        folder.path().join("notes.txt").exists(),
        "pruning never touches other files"
    );

    // The front desk may not change or start backups, but a due one runs in their
    // session too: the administrator already chose where it goes.
    clock.advance(chrono::Duration::hours(25));
    shell.sign_in("desk", "front office 2026", None).unwrap();
    for refused in [
        shell.backup_schedule(),
        shell.set_backup_schedule(input(folder.path(), 5)),
        shell.backup_now(),
    ] {
        assert_eq!(refused.unwrap_err().code, ErrorCode::Forbidden);
    }
    assert!(shell.run_due_backup().unwrap(), "due in any open session");
    assert_eq!(backups().len(), 2, "still the newest 2");

    // A backup that cannot be written is recorded with its error.
    clock.advance(chrono::Duration::hours(25));
    shell.sign_in("admin", "a long password", None).unwrap();
    let folder_path = folder.path().to_owned();
    folder.close().unwrap();
    assert!(shell.run_due_backup().unwrap());
    let failed = shell.backup_schedule().unwrap().last.unwrap();
    assert!(!failed.ok && failed.file.is_none(), "{failed:?}");
    assert!(
        failed
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("does not exist"),
        "the error says what went wrong: {failed:?}"
    );
    assert!(!folder_path.exists());
    assert!(
        !shell.run_due_backup().unwrap(),
        "a failed backup is tried again an hour later, not at once"
    );
}
