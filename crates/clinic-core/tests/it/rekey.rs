//! Taking access away: deactivation disables emergency accounts and removes envelopes,
//! and re-keying makes every earlier copy of the key file useless.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use clinic_core::{Action, Code, KdfParams, ManualClock, Role, Setup, Target, Workstation};

use crate::support::{ADMIN_PASSWORD, Clinic, password_of};

const GLASS_PW: &str = "sealed envelope pw";
const REASON: &str = "unconscious patient, need allergy list";

fn reopen(dir: &Path) -> Workstation {
    Workstation::open(
        dir,
        Arc::new(ManualClock::monday_morning()),
        KdfParams::FAST_INSECURE_FOR_TESTS,
    )
    .unwrap()
}

fn envelope_holders(dir: &Path) -> Vec<String> {
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("keys.json")).unwrap()).unwrap();
    json["envelopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["holder"]["username"]
                .as_str()
                .unwrap_or("<recovery>")
                .to_owned()
        })
        .collect()
}

#[test]
fn a_deactivated_emergency_account_is_refused_break_glass_audited_until_reactivated() {
    let mut clinic = Clinic::new();
    clinic
        .admin
        .create_emergency_account("glass", GLASS_PW)
        .unwrap();
    let user = clinic.admin.deactivate_user("glass").unwrap();
    assert!(user.emergency_disabled, "the flag says it is switched off");

    let err = clinic
        .workstation
        .break_glass("glass", GLASS_PW, None, REASON)
        .unwrap_err();
    assert_eq!(
        err.code(),
        Code::UserInactive,
        "a deactivated emergency account is refused with a clear error: {err}"
    );
    // The refusal could not be written (no envelope, so no key); the next sign-in does.
    clinic.admin = clinic.workstation.unlock("admin", ADMIN_PASSWORD).unwrap();
    assert_eq!(
        clinic.count_audit(
            "action = 'break_glass.open' AND outcome = 'denied' AND details LIKE '%glass%'"
        ),
        1,
        "the refused break-glass is in the audit log"
    );

    clinic.admin.reactivate_user("glass").unwrap();
    clinic
        .admin
        .seal_user_here("glass", "a new sealed pw 2026")
        .unwrap();
    let session = clinic
        .workstation
        .break_glass("glass", "a new sealed pw 2026", None, REASON)
        .expect("reactivated and sealed again, it opens");
    assert_eq!(session.actor().role, Role::Doctor);
}

#[test]
fn deactivating_an_open_emergency_account_ends_its_session_at_the_next_call() {
    let mut clinic = Clinic::new();
    clinic
        .admin
        .create_emergency_account("glass", GLASS_PW)
        .unwrap();
    let mut emergency = clinic
        .workstation
        .break_glass("glass", GLASS_PW, None, REASON)
        .unwrap();
    emergency
        .authorize(Action::RecordRead, Target::Any)
        .expect("open");

    clinic.admin.deactivate_user("glass").unwrap();
    let err = emergency
        .authorize(Action::RecordRead, Target::Any)
        .unwrap_err();
    assert_eq!(err.code(), Code::UserInactive, "{err}");
    assert!(emergency.is_locked(), "the key is wiped, not just refused");
    let err = clinic
        .workstation
        .break_glass("glass", GLASS_PW, None, REASON)
        .unwrap_err();
    assert_eq!(err.code(), Code::UserInactive, "and it cannot be reopened");
}

#[test]
fn a_deactivated_users_envelope_leaves_the_key_file() {
    let mut clinic = Clinic::new();
    clinic.add_user("nina", Role::Nurse);
    let mut nina = clinic.sign_in("nina");
    assert!(envelope_holders(clinic.path()).contains(&"nina".to_owned()));

    clinic.admin.deactivate_user("nina").unwrap();
    assert!(
        !envelope_holders(clinic.path()).contains(&"nina".to_owned()),
        "the envelope is gone from the file on disk"
    );
    let err = reopen(clinic.path())
        .unlock("nina", &password_of("nina"))
        .unwrap_err();
    assert_eq!(err.code(), Code::UserInactive, "{err}");
    assert!(
        nina.notifications(false).is_err() && nina.is_locked(),
        "her open session stops too"
    );
    assert_eq!(
        clinic.count_audit(
            "action = 'user.deactivate' AND details LIKE '%\"envelope_removed\":true%'"
        ),
        1,
        "the removal is audited"
    );
}

#[test]
fn rekey_makes_an_old_key_file_useless_and_keeps_the_admin_and_a_new_recovery_code() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::monday_morning());
    let made = Workstation::init(
        dir.path(),
        &Setup::new("Test Clinic", "admin", ADMIN_PASSWORD),
        clock.clone(),
        KdfParams::FAST_INSECURE_FOR_TESTS,
    )
    .unwrap();
    let ws = made.workstation;
    let mut admin = made.session;
    for (name, role) in [("nina", Role::Nurse), ("doc", Role::Doctor)] {
        admin
            .create_user(&clinic_core::NewUser::new(name, role, &password_of(name)))
            .unwrap();
    }
    let old_keys = fs::read(dir.path().join("keys.json")).unwrap();
    admin.deactivate_user("nina").unwrap();

    let rekeyed = admin.rekey(ADMIN_PASSWORD).unwrap();
    assert_eq!(rekeyed.readmit, ["doc"], "only doc still had an envelope");
    assert_ne!(rekeyed.recovery_code.as_str(), made.recovery_code.as_str());
    assert!(
        !dir.path().join("keys.json.rekey").exists(),
        "nothing staged"
    );

    // An attacker kept the old key file and knows nina's (and even the admin's) password.
    let stolen = tempfile::tempdir().unwrap();
    fs::copy(
        dir.path().join("clinic.db"),
        stolen.path().join("clinic.db"),
    )
    .unwrap();
    fs::write(stolen.path().join("keys.json"), &old_keys).unwrap();
    for (name, pw) in [
        ("nina", password_of("nina")),
        ("admin", ADMIN_PASSWORD.into()),
    ] {
        let err = reopen(stolen.path()).unlock(name, &pw).unwrap_err();
        assert!(
            matches!(err.code(), Code::DatabaseCorrupt | Code::NotOurDatabase),
            "the old key no longer opens the database for {name}: {err}"
        );
    }
    let err = reopen(stolen.path())
        .recover(made.recovery_code.as_str(), "admin", "a brand new password")
        .unwrap_err();
    assert!(
        matches!(err.code(), Code::DatabaseCorrupt | Code::NotOurDatabase),
        "nor does the old recovery code: {err}"
    );

    // The survivors.
    let fresh = reopen(dir.path());
    let mut again = fresh.unlock("admin", ADMIN_PASSWORD).unwrap();
    assert!(again.integrity_check().unwrap().is_empty(), "clinic check");
    assert!(again.audit_verify().unwrap().first_break.is_none());
    let err = fresh.unlock("doc", &password_of("doc")).unwrap_err();
    assert_eq!(err.field(), Some("username"), "doc is told to ask: {err}");
    again.seal_user_here("doc", &password_of("doc")).unwrap();
    fresh.unlock("doc", &password_of("doc")).unwrap();
    let err = fresh
        .recover(made.recovery_code.as_str(), "admin", "a brand new password")
        .unwrap_err();
    assert_eq!(err.code(), Code::BadRecoveryCode);
    fresh
        .recover(
            rekeyed.recovery_code.as_str(),
            "admin",
            "a brand new password",
        )
        .expect("the new recovery code works");
    fresh.unlock("admin", "a brand new password").unwrap();
    drop(ws);
}

/// Copies a workstation's files (the admin's session must be idle).
fn copy_files(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn a_rekey_that_died_after_the_database_committed_is_finished_at_the_admins_sign_in() {
    let mut clinic = Clinic::new();
    clinic.add_user("doc", Role::Doctor);
    let old_keys = fs::read(clinic.path().join("keys.json")).unwrap();
    clinic.admin.rekey(ADMIN_PASSWORD).unwrap();
    // The state just before step 3: new key in the database, old keys.json, staged new one.
    fs::rename(
        clinic.path().join("keys.json"),
        clinic.path().join("keys.json.rekey"),
    )
    .unwrap();
    fs::write(clinic.path().join("keys.json"), &old_keys).unwrap();

    let ws = reopen(clinic.path());
    let err = ws.unlock("doc", &password_of("doc")).unwrap_err();
    assert_eq!(
        err.field(),
        Some("username"),
        "not 'the database is damaged', but who can finish it: {err}"
    );
    let mut admin = ws.unlock("admin", ADMIN_PASSWORD).expect("finishes it");
    assert!(!clinic.path().join("keys.json.rekey").exists());
    assert!(admin.integrity_check().unwrap().is_empty());
    let finished = admin
        .audit_list(&clinic_core::AuditFilter {
            action: Some("database.".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(
        finished.iter().any(|e| e.action == "database.rekey.finish"),
        "finishing is audited"
    );
    reopen(clinic.path())
        .unlock("admin", ADMIN_PASSWORD)
        .unwrap();
}

#[test]
fn a_rekey_that_died_before_the_database_committed_is_rolled_back_at_the_next_sign_in() {
    let mut clinic = Clinic::new();
    clinic.add_user("doc", Role::Doctor);
    clinic.admin.integrity_check().unwrap();
    // A re-key made on a copy gives a staged file for a key this database never took.
    let copy = tempfile::tempdir().unwrap();
    copy_files(clinic.path(), copy.path());
    reopen(copy.path())
        .unlock("admin", ADMIN_PASSWORD)
        .unwrap()
        .rekey(ADMIN_PASSWORD)
        .unwrap();
    fs::copy(
        copy.path().join("keys.json"),
        clinic.path().join("keys.json.rekey"),
    )
    .unwrap();

    let ws = reopen(clinic.path());
    ws.unlock("doc", &password_of("doc"))
        .expect("the old key still opens the database, so anyone settles it");
    assert!(
        !clinic.path().join("keys.json.rekey").exists(),
        "rolled back"
    );
    assert_eq!(
        clinic.count_audit("action = 'database.rekey.roll_back'"),
        1,
        "the roll-back is audited"
    );
}
