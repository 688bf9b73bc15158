//! Backups: one encrypted file of a live workstation that a recovery code or any user's
//! password restores, and that refuses to restore when damaged, foreign or aimed at a
//! directory that already holds something.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::maintenance::backup::{self, BackupFile, Secret};
use clinic_core::{Code, Initialized, KdfParams, ManualClock, Role, Setup, Workstation};

use crate::support::{ADMIN_PASSWORD, password_of};

const NAME: &str = "Wanjiku-Quassowitz";

struct Founded {
    dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
    init: Initialized,
}

fn found(clinic: &str) -> Founded {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::monday_morning());
    let init = Workstation::init(
        dir.path(),
        &Setup::new(clinic, "admin", ADMIN_PASSWORD),
        clock.clone(),
        KdfParams::FAST_INSECURE_FOR_TESTS,
    )
    .unwrap();
    Founded { dir, clock, init }
}

/// Registers a patient as the clinic's receptionist (administrators may not).
fn register(clinic: &mut Founded, family: &str) {
    // The first call makes the receptionist; later ones find it made.
    let _ = clinic.init.session.create_user(&clinic_core::NewUser::new(
        "desk",
        Role::Receptionist,
        &password_of("desk"),
    ));
    let mut session = clinic
        .init
        .workstation
        .unlock("desk", &password_of("desk"))
        .unwrap();
    session
        .register_patient(
            &PatientInput {
                given_name: "Amani".into(),
                family_name: family.into(),
                date_of_birth: "1990-02-03".into(),
                sex: "female".into(),
                ..PatientInput::default()
            },
            true,
        )
        .unwrap();
}

fn restore(
    file: &Path,
    dir: &Path,
    secret: Secret<'_>,
) -> clinic_core::Result<clinic_core::Restored> {
    BackupFile::read(file)?.restore(
        dir,
        secret,
        Arc::new(ManualClock::monday_morning()),
        KdfParams::FAST_INSECURE_FOR_TESTS,
        true,
    )
}

fn entries(dir: &Path) -> Vec<String> {
    match fs::read_dir(dir) {
        Ok(read) => read
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn a_backup_restores_with_the_recovery_code_or_a_users_password_and_is_audited() {
    let mut clinic = found("Backup Clinic");
    clinic
        .init
        .session
        .create_user(&clinic_core::NewUser::new(
            "nurse",
            Role::Nurse,
            &password_of("nurse"),
        ))
        .unwrap();
    register(&mut clinic, NAME);
    let admin = &mut clinic.init.session;
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("b.clinicbak");
    let written = admin.backup(&file).unwrap();
    assert_eq!(written.bytes, fs::metadata(&file).unwrap().len());
    assert_eq!(
        entries(out.path()),
        vec!["b.clinicbak".to_owned()],
        "no staged copy is left beside the backup"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a backup is as private as the data directory");
    }

    // A patient registered after the backup is not in it.
    register(&mut clinic, "After-Backup");

    let code = clinic.init.recovery_code.as_str().to_owned();
    for (label, secret) in [
        ("recovery", Secret::RecoveryCode(&code)),
        (
            "nurse",
            Secret::Password {
                username: "nurse",
                password: &password_of("nurse"),
            },
        ),
    ] {
        let target = tempfile::tempdir().unwrap();
        let dir = target.path().join(label);
        let restored = restore(&file, &dir, secret).unwrap();
        assert_eq!(
            restored.caught_up, None,
            "not enrolled: nothing to catch up"
        );
        let mut session = restored
            .workstation
            .unlock("admin", ADMIN_PASSWORD)
            .expect("the admin's own envelope travelled in the backup");
        let found = session.search_patients(NAME, 10).unwrap();
        assert_eq!(
            found.len(),
            1,
            "the patient in the backup is back ({label})"
        );
        assert!(
            session
                .search_patients("After-Backup", 10)
                .unwrap()
                .is_empty(),
            "what came after the backup is not in it"
        );
        let restores = session
            .audit_list(&clinic_core::AuditFilter {
                action: Some("backup.restore".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            restores.len(),
            1,
            "the restore is audited at the next sign-in"
        );
        let writes = session
            .audit_list(&clinic_core::AuditFilter {
                action: Some("backup.write".into()),
                ..Default::default()
            })
            .unwrap();
        assert!(
            writes.is_empty(),
            "the backup's own write event is written after the copy, on the original"
        );
        assert!(session.integrity_check().unwrap().is_empty());
    }
    let _ = (&clinic.dir, &clinic.clock);
}

#[test]
fn the_backup_file_holds_no_plaintext_of_a_patient_name() {
    let mut clinic = found("Plain Clinic");
    register(&mut clinic, NAME);
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("b.clinicbak");
    clinic.init.session.backup(&file).unwrap();
    let bytes = fs::read(&file).unwrap();
    for needle in [NAME.as_bytes(), b"Amani".as_slice(), b"SQLite format 3"] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{} must not appear in clear in the backup",
            String::from_utf8_lossy(needle)
        );
    }
}

#[test]
fn damaged_foreign_and_occupied_targets_are_refused_and_leave_nothing() {
    let mut clinic = found("Refusing Clinic");
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("b.clinicbak");
    clinic.init.session.backup(&file).unwrap();
    let code = clinic.init.recovery_code.as_str().to_owned();
    let target = tempfile::tempdir().unwrap();

    // A byte flipped anywhere: in the header, the database, the tags.
    let good = fs::read(&file).unwrap();
    for at in [20, good.len() / 2, good.len() - 40, good.len() - 1] {
        let mut bad = good.clone();
        bad[at] ^= 0x01;
        let damaged = out.path().join(format!("damaged-{at}.clinicbak"));
        fs::write(&damaged, &bad).unwrap();
        let dir = target.path().join(format!("d{at}"));
        let err = restore(&damaged, &dir, Secret::RecoveryCode(&code)).unwrap_err();
        assert_eq!(err.code(), Code::BackupDamaged, "byte {at}: {err}");
        assert!(!dir.exists(), "a refused restore leaves nothing behind");
    }

    // Re-checksummed after tampering: only the key-derived tag can tell.
    let mut forged = good.clone();
    let n = forged.len();
    forged[n / 2] ^= 0x01;
    let digest = <sha2::Sha256 as sha2::Digest>::digest(&forged[..n - 32]);
    forged[n - 32..].copy_from_slice(&digest);
    let forged_file = out.path().join("forged.clinicbak");
    fs::write(&forged_file, &forged).unwrap();
    let dir = target.path().join("forged");
    let err = restore(&forged_file, &dir, Secret::RecoveryCode(&code)).unwrap_err();
    assert_eq!(err.code(), Code::BackupDamaged, "{err}");
    assert!(!dir.exists());

    // Not a clinic backup at all.
    let plain = out.path().join("notes.clinicbak");
    fs::write(&plain, b"SQLite format 3\0 and other things entirely").unwrap();
    let err = restore(&plain, &dir, Secret::RecoveryCode(&code)).unwrap_err();
    assert_eq!(err.code(), Code::NotABackup, "{err}");
    assert!(!dir.exists());

    // Another clinic's backup: this clinic's recovery code does not open it.
    let mut other = found("Other Clinic");
    let other_file = out.path().join("other.clinicbak");
    other.init.session.backup(&other_file).unwrap();
    let err = restore(&other_file, &dir, Secret::RecoveryCode(&code)).unwrap_err();
    assert_eq!(err.code(), Code::BadRecoveryCode, "{err}");
    assert!(!dir.exists());

    // A directory that holds a workstation (or anything) is never restored over.
    let before = fs::read(clinic.dir.path().join("keys.json")).unwrap();
    let err = restore(&file, clinic.dir.path(), Secret::RecoveryCode(&code)).unwrap_err();
    assert_eq!(err.code(), Code::Validation);
    assert!(
        err.to_string().contains("move"),
        "says to move it away: {err}"
    );
    assert_eq!(
        fs::read(clinic.dir.path().join("keys.json")).unwrap(),
        before,
        "the existing workstation is untouched"
    );
    let busy = target.path().join("busy");
    fs::create_dir(&busy).unwrap();
    fs::write(busy.join("photo.jpg"), b"x").unwrap();
    assert_eq!(
        restore(&file, &busy, Secret::RecoveryCode(&code))
            .unwrap_err()
            .code(),
        Code::Validation
    );
    assert_eq!(entries(&busy), vec!["photo.jpg".to_owned()]);

    // A wrong password is refused before anything is written.
    let err = restore(
        &file,
        &dir,
        Secret::Password {
            username: "admin",
            password: "not the password at all",
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), Code::BadCredentials);
    assert!(!dir.exists());
}

#[test]
fn only_administrators_back_up() {
    let mut clinic = found("Role Clinic");
    clinic
        .init
        .session
        .create_user(&clinic_core::NewUser::new(
            "nurse",
            Role::Nurse,
            &password_of("nurse"),
        ))
        .unwrap();
    let mut nurse = clinic
        .init
        .workstation
        .unlock("nurse", &password_of("nurse"))
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let err = nurse.backup(&out.path().join("b.clinicbak")).unwrap_err();
    assert_eq!(err.code(), Code::Forbidden);
    assert!(entries(out.path()).is_empty(), "nothing written");
}

#[test]
fn pruning_keeps_the_newest_n_and_touches_nothing_else() {
    let mut clinic = found("Prune Clinic");
    let out = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for _ in 0..5 {
        let name = backup::scheduled_name(clinic_core::Clock::now(clinic.clock.as_ref()));
        clinic.init.session.backup(&out.path().join(&name)).unwrap();
        names.push(name);
        clinic.clock.advance(chrono::Duration::hours(25));
        clinic.init.session = clinic
            .init
            .workstation
            .unlock("admin", ADMIN_PASSWORD)
            .unwrap();
    }
    for other in [
        "notes.txt",
        "clinic-backup-old.clinicbak",
        "clinic-backup-20200101-000000.clinicbak.part",
    ] {
        fs::write(out.path().join(other), b"keep me").unwrap();
    }
    let deleted = backup::prune(out.path(), 3).unwrap();
    assert_eq!(deleted.len(), 2);
    let mut left = entries(out.path());
    left.sort();
    let mut expected: Vec<String> = names[2..].to_vec();
    expected.extend(
        [
            "notes.txt",
            "clinic-backup-old.clinicbak",
            "clinic-backup-20200101-000000.clinicbak.part",
        ]
        .map(String::from),
    );
    expected.sort();
    assert_eq!(left, expected, "the newest three and every other file stay");
}

/// Attachment files live outside the database; a backup that left them out would lose
/// every scan not yet uploaded. They travel in the backup as they are (sealed), and a
/// restored workstation opens them with no server at all.
#[test]
fn a_backup_carries_attachment_files_and_the_restore_opens_them_offline() {
    let mut clinic = found("Attached Clinic");
    register(&mut clinic, NAME);
    let _ = clinic.init.session.create_user(&clinic_core::NewUser::new(
        "nurse",
        Role::Nurse,
        &password_of("nurse"),
    ));
    let mut nurse = clinic
        .init
        .workstation
        .unlock("nurse", &password_of("nurse"))
        .unwrap();
    let patient = nurse.search_patients(NAME, 1).unwrap()[0].id;
    let mut scan = b"%PDF-1.4\n".to_vec();
    scan.extend(std::iter::repeat_n(b'x', 300_000));
    scan.extend_from_slice(b"\n%%EOF\n");
    let added = nurse
        .add_attachment(patient, None, "scan.pdf", Some("Scan"), &scan)
        .unwrap();
    drop(nurse);
    let out = clinic.dir.path().join("with-scan.clinicbak");
    clinic.init.session.backup(&out).unwrap();

    let target = tempfile::tempdir().unwrap();
    let restored = restore(
        &out,
        &target.path().join("ws"),
        Secret::RecoveryCode(clinic.init.recovery_code.as_str()),
    )
    .unwrap();
    let mut reader = restored
        .workstation
        .unlock("nurse", &password_of("nurse"))
        .unwrap();
    let (mime, bytes) = reader.attachment_bytes(added.id).unwrap();
    assert_eq!(mime, "application/pdf");
    assert!(bytes == scan, "the scan comes back bit for bit");
}
