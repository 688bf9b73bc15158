//! What a clinic trusts the workstation files with: no plaintext on disk, clean refusals
//! for wrong secrets and damaged or foreign files, and nothing written when refusing.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use clinic_core::{
    Code, Error, Initialized, KdfParams, ManualClock, NewUser, Role, Setup, Workstation,
};

const PASSWORD: &str = "correct horse battery";
const FAST: KdfParams = KdfParams::FAST_INSECURE_FOR_TESTS;

fn init_in(dir: &Path, clinic: &str) -> Initialized {
    Workstation::init(
        dir,
        &Setup::new(clinic, "admin", PASSWORD),
        Arc::new(ManualClock::monday_morning()),
        FAST,
    )
    .expect("set-up succeeds in an empty directory")
}

fn reopen(dir: &Path) -> Workstation {
    Workstation::open(dir, Arc::new(ManualClock::monday_morning()), FAST).expect("key file loads")
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

#[test]
fn database_file_and_wal_contain_none_of_the_inserted_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let Initialized { mut session, .. } = init_in(dir.path(), "Quokka Valley Clinic");
    session
        .create_user(&NewUser {
            display_name: "Xanthippe Marsupialis".into(),
            ..NewUser::new("xanthippe", Role::Doctor, "another long secret")
        })
        .unwrap();

    // The session is still open, so the last write sits in the write-ahead log.
    let db = read(&dir.path().join("clinic.db"));
    let wal = read(&dir.path().join("clinic.db-wal"));
    assert!(
        !wal.is_empty(),
        "the WAL must hold the new user, or this test proves nothing"
    );
    for secret in [
        "Quokka Valley",
        "Xanthippe Marsupialis",
        "xanthippe",
        "CREATE TABLE",
        "SQLite format 3",
    ] {
        assert!(
            !contains(&db, secret),
            "{secret:?} found in plaintext in the database file"
        );
        assert!(
            !contains(&wal, secret),
            "{secret:?} found in plaintext in the WAL"
        );
    }
    let keys = read(&dir.path().join("keys.json"));
    assert!(
        !contains(&keys, "Quokka"),
        "the key file holds no clinical or clinic data"
    );

    // And the data is really there, for whoever has the key.
    drop(session);
    let session = reopen(dir.path())
        .unlock("xanthippe", "another long secret")
        .unwrap();
    assert_eq!(session.actor().role, Role::Doctor);
    assert_eq!(session.clinic().name, "Quokka Valley Clinic");
}

#[test]
fn a_wrong_password_or_unknown_user_fails_cleanly_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    drop(init_in(dir.path(), "Clinic"));
    let db_path = dir.path().join("clinic.db");
    let before = read(&db_path);
    let keys_before = read(&dir.path().join("keys.json"));

    let ws = reopen(dir.path());
    let err = ws.unlock("admin", "correct horse batterx").unwrap_err();
    assert_eq!(err.code(), Code::BadCredentials, "{err}");
    let err = ws.unlock("nobody", PASSWORD).unwrap_err();
    assert_eq!(
        err.code(),
        Code::BadCredentials,
        "an unknown user looks like a wrong password"
    );

    assert_eq!(
        read(&db_path),
        before,
        "a refused unlock must not write to the database"
    );
    assert_eq!(read(&dir.path().join("keys.json")), keys_before);
    assert!(
        ws.unlock("ADMIN", PASSWORD).is_ok(),
        "user names are case-insensitive"
    );
}

#[test]
fn the_recovery_code_sets_a_new_admin_password() {
    let dir = tempfile::tempdir().unwrap();
    let Initialized { recovery_code, .. } = init_in(dir.path(), "Clinic");
    let ws = reopen(dir.path());

    let err = ws
        .recover(
            "0000-0000-0000-0000-0000-0000-0000-0000",
            "admin",
            "brand new password",
        )
        .unwrap_err();
    assert_eq!(err.code(), Code::BadRecoveryCode);

    let typed = recovery_code.as_str().to_lowercase().replace('-', " ");
    ws.recover(&typed, "admin", "brand new password").unwrap();
    assert_eq!(
        ws.unlock("admin", PASSWORD).unwrap_err().code(),
        Code::BadCredentials,
        "the forgotten password is gone"
    );
    assert!(ws.unlock("admin", "brand new password").is_ok());
    assert!(
        reopen(dir.path())
            .unlock("admin", "brand new password")
            .is_ok(),
        "the change was saved"
    );
    // The code stays valid: it is the clinic's last resort and lives on paper.
    ws.recover(recovery_code.as_str(), "admin", "a third password")
        .unwrap();
}

#[test]
fn changing_a_password_rewraps_one_envelope_and_leaves_the_database_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let Initialized { mut session, .. } = init_in(dir.path(), "Clinic");
    session
        .create_user(&NewUser {
            display_name: "Joy".into(),
            ..NewUser::new("nurse.joy", Role::Nurse, "nurse password 1")
        })
        .unwrap();
    drop(session);
    let db_path = dir.path().join("clinic.db");
    let before = read(&db_path);

    let ws = reopen(dir.path());
    ws.change_password("admin", PASSWORD, "a fresh long password")
        .unwrap();

    assert_eq!(
        read(&db_path),
        before,
        "the database file is byte-for-byte the same"
    );
    assert!(
        !dir.path().join("clinic.db-wal").exists()
            || read(&dir.path().join("clinic.db-wal")).is_empty()
    );
    let ws = reopen(dir.path());
    assert_eq!(
        ws.unlock("admin", PASSWORD).unwrap_err().code(),
        Code::BadCredentials
    );
    assert!(ws.unlock("admin", "a fresh long password").is_ok());
    assert!(
        ws.unlock("nurse.joy", "nurse password 1").is_ok(),
        "other envelopes are untouched"
    );

    let err = ws
        .change_password("admin", "wrong old password", "whatever else 123")
        .unwrap_err();
    assert_eq!(
        err.code(),
        Code::BadCredentials,
        "the old password is checked"
    );
    let err = ws
        .change_password("admin", "a fresh long password", "short")
        .unwrap_err();
    assert_eq!(err.field(), Some("password"), "{err}");
}

/// SQLCipher's page size: the byte offsets below land inside page 1 and a later page.
const PAGE: usize = 4096;

fn flip_byte(path: &Path, offset: usize) {
    let mut bytes = read(path);
    assert!(
        bytes.len() > offset,
        "database has only {} bytes",
        bytes.len()
    );
    bytes[offset] ^= 0x5a;
    fs::write(path, bytes).unwrap();
}

#[test]
fn a_flipped_byte_in_the_first_page_is_reported_as_damage_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    drop(init_in(dir.path(), "Clinic"));
    let db_path = dir.path().join("clinic.db");
    flip_byte(&db_path, 100);
    let damaged = read(&db_path);

    let err = reopen(dir.path()).unlock("admin", PASSWORD).unwrap_err();
    assert_eq!(err.code(), Code::DatabaseCorrupt, "{err}");
    assert!(
        err.to_string().contains("backup"),
        "the message says what to do: {err}"
    );
    assert_eq!(read(&db_path), damaged, "a refused open must not write");
}

#[test]
fn a_flipped_byte_in_a_later_page_is_found_by_the_integrity_check_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    drop(init_in(dir.path(), "Clinic"));
    let db_path = dir.path().join("clinic.db");
    let pages = read(&db_path).len() / PAGE;
    assert!(pages >= 4, "expected several pages, found {pages}");
    flip_byte(&db_path, (pages - 1) * PAGE + 1000);

    // Depending on which table the page belongs to, opening fails at once or succeeds
    // and the check finds it; both are clean, typed outcomes.
    match reopen(dir.path()).unlock("admin", PASSWORD) {
        Err(err) => assert_eq!(err.code(), Code::DatabaseCorrupt, "{err}"),
        Ok(mut session) => {
            let problems = session.integrity_check().unwrap();
            assert!(!problems.is_empty(), "the damaged page must be reported");
        }
    }
}

#[test]
fn a_database_that_is_not_ours_is_refused_by_name_and_left_alone() {
    let ours = tempfile::tempdir().unwrap();
    let theirs = tempfile::tempdir().unwrap();
    drop(init_in(ours.path(), "Ours"));
    drop(init_in(theirs.path(), "Theirs"));
    fs::copy(
        theirs.path().join("clinic.db"),
        ours.path().join("clinic.db"),
    )
    .unwrap();
    let foreign = read(&ours.path().join("clinic.db"));

    let err = reopen(ours.path()).unlock("admin", PASSWORD).unwrap_err();
    assert_eq!(err.code(), Code::NotOurDatabase, "{err}");
    assert_eq!(read(&ours.path().join("clinic.db")), foreign);

    fs::write(
        ours.path().join("clinic.db"),
        b"just some text file, not a database at all",
    )
    .unwrap();
    let err = reopen(ours.path()).unlock("admin", PASSWORD).unwrap_err();
    assert_eq!(err.code(), Code::NotOurDatabase, "{err}");

    fs::remove_file(ours.path().join("clinic.db")).unwrap();
    let err = reopen(ours.path()).unlock("admin", PASSWORD).unwrap_err();
    assert_eq!(err.code(), Code::DatabaseMissing, "{err}");
}

#[test]
fn a_missing_or_damaged_key_file_gives_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    drop(init_in(dir.path(), "Clinic"));
    let keys = dir.path().join("keys.json");
    let good = read(&keys);
    let open = || Workstation::open(dir.path(), Arc::new(ManualClock::monday_morning()), FAST);

    fs::write(&keys, &good[..good.len() / 2]).unwrap();
    assert_eq!(
        open().unwrap_err().code(),
        Code::KeyFileCorrupt,
        "truncated"
    );

    let tampered = String::from_utf8(good.clone())
        .unwrap()
        .replace("\"recovery\"", "\"nothing\"");
    fs::write(&keys, tampered).unwrap();
    assert_eq!(
        open().unwrap_err().code(),
        Code::KeyFileCorrupt,
        "envelope kind altered"
    );

    let mut flipped = good.clone();
    let at = String::from_utf8_lossy(&good).find("sealed_key").unwrap() + 20;
    flipped[at] = if flipped[at] == b'A' { b'B' } else { b'A' };
    fs::write(&keys, &flipped).unwrap();
    let err = open().unwrap().unlock("admin", PASSWORD).unwrap_err();
    assert!(
        matches!(err.code(), Code::BadCredentials | Code::KeyFileCorrupt),
        "{err}"
    );

    fs::remove_file(&keys).unwrap();
    assert_eq!(open().unwrap_err().code(), Code::KeyFileMissing);

    let empty = tempfile::tempdir().unwrap();
    let err =
        Workstation::open(empty.path(), Arc::new(ManualClock::monday_morning()), FAST).unwrap_err();
    assert_eq!(err.code(), Code::NotInitialized);
}

#[test]
fn set_up_refuses_an_existing_workstation_and_bad_input_without_leaving_files() {
    let dir = tempfile::tempdir().unwrap();
    drop(init_in(dir.path(), "Clinic"));
    let err = Workstation::init(
        dir.path(),
        &Setup::new("Other", "admin", PASSWORD),
        Arc::new(ManualClock::monday_morning()),
        FAST,
    )
    .unwrap_err();
    assert_eq!(err.code(), Code::AlreadyInitialized);

    let fresh = tempfile::tempdir().unwrap();
    let cases = [
        (Setup::new("  ", "admin", PASSWORD), "clinic_name"),
        (Setup::new("Clinic", "a", PASSWORD), "username"),
        (Setup::new("Clinic", "admin", "short"), "password"),
        (
            Setup::new("Clinic", "admin", "my admin password"),
            "password",
        ),
        (
            Setup {
                branch_code: "br 1".into(),
                ..Setup::new("Clinic", "admin", PASSWORD)
            },
            "branch_code",
        ),
        (
            Setup {
                currency: "euro".into(),
                ..Setup::new("Clinic", "admin", PASSWORD)
            },
            "currency",
        ),
    ];
    for (setup, field) in cases {
        let err = Workstation::init(
            fresh.path(),
            &setup,
            Arc::new(ManualClock::monday_morning()),
            FAST,
        )
        .unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
    }
    assert_eq!(
        fs::read_dir(fresh.path()).unwrap().count(),
        0,
        "refused set-ups leave nothing behind"
    );
}

#[test]
fn every_write_to_a_synced_table_records_a_change_in_the_same_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let Initialized { mut session, .. } = init_in(dir.path(), "Clinic");
    let pending = session.pending_changes(100).unwrap();
    let tables: Vec<_> = pending.iter().map(|c| c.table.as_str()).collect();
    assert_eq!(
        tables,
        ["organisation", "branches", "users", "audit_log"],
        "set-up wrote three synced rows and its audit event"
    );

    session
        .create_user(&NewUser {
            display_name: "Front Desk".into(),
            ..NewUser::new("reception", Role::Receptionist, "front desk secret")
        })
        .unwrap();
    // A refused write records nothing.
    let err = session
        .create_user(&NewUser {
            display_name: "Duplicate".into(),
            ..NewUser::new("reception", Role::Nurse, "front desk secret")
        })
        .unwrap_err();
    assert_eq!(err.field(), Some("username"));

    let pending = session.pending_changes(100).unwrap();
    let tables: Vec<_> = pending[4..].iter().map(|c| c.table.as_str()).collect();
    assert_eq!(
        tables,
        ["users", "audit_log"],
        "the new user and its audit event, nothing for the refusal"
    );
    let last = &pending[4];
    assert_eq!(last.fields["username"], "reception");
    assert_eq!(
        last.user,
        Some(session.actor().user),
        "the change names who made it"
    );
    assert!(
        pending.windows(2).all(|w| w[0].hlc < w[1].hlc),
        "clock stamps strictly increase even though the test clock never moved"
    );
}

/// A table the migrations add must say whether and how it syncs, in one place: a synced
/// table without a declaration would be refused by the server (or, before, writable by
/// every role), and a local one must be named so nobody wonders.
#[test]
fn every_workstation_table_is_declared_exactly_once_as_synced_or_local() {
    use clinic_protocol::tables::{LOCAL_TABLES, TABLES};
    let dir = tempfile::tempdir().unwrap();
    let Initialized { mut session, .. } = init_in(dir.path(), "Clinic");
    let conn = session.raw_connection().unwrap();
    let virtual_tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let schema: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        // A full-text index's own storage tables come and go with it.
        .filter(|name: &String| !virtual_tables.iter().any(|v| name.starts_with(&format!("{v}_"))))
        .collect();
    for table in &schema {
        let synced = TABLES.iter().filter(|t| t.name == table).count();
        let local = LOCAL_TABLES.iter().filter(|(l, _)| l == table).count();
        assert_eq!(
            synced + local,
            1,
            "{table} must be declared exactly once, in clinic_protocol::tables (TABLES or LOCAL_TABLES)"
        );
    }
    for declared in TABLES
        .iter()
        .map(|t| t.name)
        .chain(LOCAL_TABLES.iter().map(|(l, _)| *l))
    {
        assert!(
            schema.iter().any(|t| t == declared),
            "{declared} is declared but no migration makes it"
        );
    }
}

#[test]
fn a_totp_seed_is_never_recorded_in_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let Initialized { mut session, .. } = init_in(dir.path(), "Clinic");
    let user = session.actor().user;
    use clinic_core::Clock as _;
    let enrolment = session.begin_totp_enrolment().unwrap();
    let key = clinic_core::totp::base32_decode(&enrolment.secret).unwrap();
    let now = u64::try_from(ManualClock::monday_morning().now().timestamp()).unwrap();
    let code = format!("{:06}", clinic_core::totp::code_at(&key, now, 6));
    session.enrol_totp(&enrolment.secret, &code).unwrap();
    let conn = session.raw_connection().unwrap();
    let seed: Option<String> = conn
        .query_row(
            "SELECT totp_secret FROM users WHERE id = ?1",
            [user.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    let seed = seed.expect("enrolment keeps the seed on this workstation");
    let leaked: i64 = conn
        .query_row(
            "SELECT count(*) FROM change_log WHERE fields LIKE '%totp_secret%' OR instr(fields, ?1) > 0",
            [&seed],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        leaked, 0,
        "the seed stays out of the outbox, so it never reaches the server"
    );
}

#[test]
fn only_administrators_create_users() {
    let dir = tempfile::tempdir().unwrap();
    let Initialized { mut session, .. } = init_in(dir.path(), "Clinic");
    session
        .create_user(&NewUser {
            display_name: "Doctor".into(),
            ..NewUser::new("doc", Role::Doctor, "physician secret 1")
        })
        .unwrap();
    let mut doctor = reopen(dir.path())
        .unlock("doc", "physician secret 1")
        .unwrap();
    let err = doctor
        .create_user(&NewUser {
            display_name: "Sneaky".into(),
            ..NewUser::new("sneaky", Role::Admin, "sneaky secret 1")
        })
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. }), "{err}");
    let users_written = doctor
        .pending_changes(100)
        .unwrap()
        .into_iter()
        .filter(|c| c.table == "users")
        .count();
    assert_eq!(
        users_written, 2,
        "the admin and the doctor only: the refused user was not written"
    );
    assert_eq!(
        reopen(dir.path())
            .unlock("sneaky", "sneaky secret 1")
            .unwrap_err()
            .code(),
        Code::BadCredentials
    );
}

#[test]
fn production_key_derivation_parameters_work_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let Initialized { recovery_code, .. } = Workstation::init(
        dir.path(),
        &Setup::new("Clinic", "admin", PASSWORD),
        Arc::new(ManualClock::monday_morning()),
        KdfParams::DEFAULT,
    )
    .unwrap();
    let keys = String::from_utf8(read(&dir.path().join("keys.json"))).unwrap();
    assert!(
        keys.contains("\"memory_kib\": 65536"),
        "parameters are stored with the envelope"
    );
    let ws = Workstation::open(
        dir.path(),
        Arc::new(ManualClock::monday_morning()),
        KdfParams::DEFAULT,
    )
    .unwrap();
    assert!(ws.unlock("admin", PASSWORD).is_ok());
    assert!(
        ws.recover(recovery_code.as_str(), "admin", "recovered password")
            .is_ok()
    );
}

/// Every entry under `dir` with its permission bits, the directory itself first.
#[cfg(unix)]
fn modes(dir: &Path) -> Vec<(std::path::PathBuf, u32)> {
    use std::os::unix::fs::PermissionsExt as _;
    let mut found = vec![(
        dir.to_owned(),
        fs::metadata(dir).unwrap().permissions().mode() & 0o777,
    )];
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
        if entry.file_type().unwrap().is_dir() {
            found.extend(modes(&entry.path()));
        } else {
            found.push((entry.path(), mode));
        }
    }
    found
}

#[cfg(unix)]
fn assert_private(dir: &Path, when: &str) {
    let found = modes(dir);
    for (path, mode) in &found {
        let want = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(
            *mode,
            want,
            "{when}: {} is {mode:o}; the workstation's files hold the sealed key and the \
             encrypted records, so only their owner may read them",
            path.display()
        );
    }
}

#[cfg(unix)]
#[test]
fn a_new_workstation_makes_its_directory_and_every_file_private_to_the_user() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("clinic-data");
    let Initialized {
        workstation,
        session,
        ..
    } = init_in(&dir, "Private Clinic");
    let names: Vec<String> = modes(&dir)
        .iter()
        .filter_map(|(p, _)| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    for expected in ["clinic.db", "keys.json"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    assert_private(&dir, "right after set-up, with the session open");

    // A refused sign-in writes signin.json; a password change rewrites keys.json through a
    // temporary file; both must come out private too.
    assert!(workstation.unlock("admin", "not the password").is_err());
    workstation
        .change_password("admin", PASSWORD, "another long passphrase")
        .unwrap();
    let again = workstation
        .unlock("admin", "another long passphrase")
        .unwrap();
    let names: Vec<String> = modes(&dir)
        .iter()
        .filter_map(|(p, _)| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    assert!(names.iter().any(|n| n == "signin.json"), "{names:?}");
    assert_private(&dir, "after a refused sign-in and a password change");
    drop((session, again));
    assert_private(&dir, "after the sessions closed");
}

#[cfg(unix)]
#[test]
fn opening_an_older_world_readable_install_makes_it_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("clinic-data");
    let Initialized {
        workstation,
        session,
        ..
    } = init_in(&dir, "Old Clinic");
    assert!(workstation.unlock("admin", "not the password").is_err());
    // Keep the WAL and shared-memory files on disk while the modes are loosened.
    for (path, _) in modes(&dir) {
        let loose = if path.is_dir() { 0o755 } else { 0o644 };
        fs::set_permissions(&path, fs::Permissions::from_mode(loose)).unwrap();
    }
    assert!(
        modes(&dir)
            .iter()
            .any(|(p, _)| p.ends_with("clinic.db-wal")),
        "the test loosens a WAL file as well"
    );
    let reopened = reopen(&dir);
    assert_private(&dir, "after opening an install whose files were 0644");
    drop(reopened.unlock("admin", PASSWORD).unwrap());
    drop(session);
}
