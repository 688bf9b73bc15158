//! Setting up, signing in, locking and unlocking, break-glass and the second factor
//! (`src/signin.rs`).

use std::sync::Arc;

use clinic_core::{KdfParams, NewUser, Role};
use clinic_desktop::Shell;
use clinic_desktop::dto::{self, ErrorCode};
use clinic_desktop::signin::{QrMatrix, SessionState};

use crate::support::*;

/// Reads a QR matrix back the way a phone camera would: drawn with a quiet zone, then
/// detected and decoded by an independent decoder.
fn decode_qr(qr: &QrMatrix) -> String {
    let size = usize::try_from(qr.size).unwrap();
    assert_eq!(qr.modules.len(), size * size, "a square of modules");
    let (scale, margin) = (4, 4);
    let side = (size + 2 * margin) * scale;
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
        let (mx, my) = (
            (x / scale).wrapping_sub(margin),
            (y / scale).wrapping_sub(margin),
        );
        let dark = mx < size && my < size && qr.modules[my * size + mx];
        if dark { 0 } else { 255 }
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one code is found");
    grids[0].decode().unwrap().1
}

#[test]
fn set_up_signs_in_lock_keeps_the_user_and_unlock_needs_their_password() {
    let tmp = tempfile::tempdir().unwrap();
    let shell = shell(tmp.path());
    assert!(!shell.app_state().initialized);
    assert_eq!(shell.session_state(), SessionState::SignedOut);

    let done = shell
        .set_up("Riverside Clinic", "admin", "a long password")
        .unwrap();
    assert_eq!(done.recovery_code.0.len(), 39);
    assert_eq!(done.session.actor.role, dto::Role::Admin);
    assert!(done.session.idle_lock_seconds > 0, "the core's idle limit");
    let state = shell.app_state();
    assert!(state.initialized && !state.demo && state.demo_accounts.is_empty());
    assert_eq!(state.clinic_name.as_deref(), Some("Riverside Clinic"));

    shell.lock();
    assert_eq!(
        shell.session_state(),
        SessionState::Locked {
            username: "admin".into(),
            clinic_name: "Riverside Clinic".into()
        }
    );
    assert_eq!(
        shell.app_state().clinic_name.as_deref(),
        Some("Riverside Clinic"),
        "the lock screen still names the clinic"
    );
    let locked = shell.search_patients("anna", 10).unwrap_err();
    assert_eq!(locked.code, ErrorCode::SessionLocked);

    let wrong = shell.unlock("not the password", None).unwrap_err();
    assert_eq!(wrong.code, ErrorCode::BadCredentials);
    assert_eq!(wrong.field, None);
    assert!(!is_open(&shell), "a wrong password leaves it locked");

    let signed_in = shell.unlock("a long password", None).unwrap();
    assert_eq!(signed_in.clinic.name, "Riverside Clinic");
    assert_eq!(signed_in.actor.username, "admin");
    assert!(is_open(&shell));

    shell.sign_out();
    assert_eq!(shell.session_state(), SessionState::SignedOut);
    assert_eq!(shell.app_state().clinic_name, None);
    let err = shell.unlock("a long password", None).unwrap_err();
    assert_eq!(
        err.code,
        ErrorCode::SessionLocked,
        "after sign-out there is nobody to unlock as"
    );
}

#[test]
fn capabilities_follow_the_core_policy_per_role() {
    let tmp = tempfile::tempdir().unwrap();
    let shell = shell(tmp.path());
    let admin = shell.set_up("Clinic", "admin", "a long password").unwrap();
    let caps = admin.session.capabilities;
    assert!(caps.search_patients && caps.archive_patients);
    assert!(
        !caps.register_patients && !caps.book_appointments,
        "the core does not let administrators register or book"
    );

    shell
        .with_session(|session| {
            let new = NewUser::new("desk", Role::Receptionist, "front office 2026");
            session.create_user(&new)?;
            Ok(())
        })
        .unwrap();
    let desk = shell.sign_in("desk", "front office 2026", None).unwrap();
    let caps = desk.capabilities;
    assert!(caps.register_patients && caps.book_appointments && caps.check_in);
    assert!(!caps.archive_patients);
}

#[test]
fn break_glass_opens_a_read_only_session_with_its_end_time() {
    let tmp = tempfile::tempdir().unwrap();
    let shell = shell(tmp.path());
    shell.set_up("Clinic", "admin", "a long password").unwrap();
    shell
        .with_session(|session| {
            session.create_emergency_account("emergency", "glass breaker 2026")?;
            Ok(())
        })
        .unwrap();
    let normal = shell
        .sign_in("emergency", "glass breaker 2026", None)
        .unwrap_err();
    assert_eq!(normal.code, ErrorCode::EmergencyAccount);
    let short = shell
        .break_glass("emergency", "glass breaker 2026", None, "x")
        .unwrap_err();
    assert_eq!(short.field.as_deref(), Some("reason"));
    let open = shell
        .break_glass(
            "emergency",
            "glass breaker 2026",
            None,
            "Patient unconscious, regular doctor unreachable",
        )
        .unwrap();
    assert!(open.actor.emergency_until.is_some());
    assert!(open.capabilities.search_patients, "clinical reading");
    assert!(
        !open.capabilities.register_patients && !open.capabilities.edit_patients,
        "break-glass is read-only"
    );
}

#[test]
fn the_core_locking_an_idle_session_moves_the_shell_to_locked() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(clinic_core::ManualClock::monday_morning());
    let shell = Shell::new(
        tmp.path().to_owned(),
        false,
        clock.clone(),
        KdfParams::FAST_INSECURE_FOR_TESTS,
    );
    let admin = shell.set_up("Clinic", "admin", "a long password").unwrap();
    clock.advance(chrono::Duration::seconds(
        i64::from(admin.session.idle_lock_seconds) + 1,
    ));
    let err = shell.search_patients("anna", 5).unwrap_err();
    assert_eq!(err.code, ErrorCode::SessionLocked);
    assert!(
        matches!(shell.session_state(), SessionState::Locked { ref username, .. } if username == "admin")
    );
    shell.unlock("a long password", None).unwrap();
    assert!(is_open(&shell));
}

#[test]
fn joining_a_group_that_cannot_be_reached_leaves_the_workstation_unset() {
    let tmp = tempfile::tempdir().unwrap();
    let shell = shell(tmp.path());
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}", closed.local_addr().unwrap().port());
    drop(closed);
    let err = shell
        .join(&url, "code", None, "admin", "a long password")
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Offline, "{err:?}");
    assert!(!shell.app_state().initialized, "nothing half set up");
    let bad = shell
        .join("ftp://sync", "code", None, "admin", "a long password")
        .unwrap_err();
    assert_eq!(bad.field.as_deref(), Some("server"));
    assert_eq!(shell.session_state(), SessionState::SignedOut);
}

#[test]
fn the_totp_link_is_offered_as_a_qr_code_that_decodes_to_the_same_link() {
    let tmp = tempfile::tempdir().unwrap();
    let shell = shell(tmp.path());
    shell
        .set_up("Riverside Clinic", "admin", "a long password")
        .unwrap();
    let setup = shell.begin_totp_enrolment().unwrap();
    assert!(setup.uri.starts_with("otpauth://totp/"));
    assert_eq!(
        decode_qr(&setup.qr),
        setup.uri,
        "scanning gives the link back"
    );
    assert_eq!(
        (setup.qr.size - 17) % 4,
        0,
        "a QR version's side is 17 + 4 * version modules"
    );
    let short = QrMatrix::encode("otpauth://x").unwrap();
    assert_eq!(short.size, 21, "11 bytes fit version 1 (14 at level M)");
}
