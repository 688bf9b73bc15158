//! Background sync, "Sync now", kept changes and the group's workstations
//! (`src/sync.rs`).

use std::sync::Arc;
use std::time::Duration;

use clinic_core::{Clock, KdfParams, ManualClock, Workstation};
use clinic_desktop::Shell;
use clinic_desktop::dto::ErrorCode;

use crate::support::*;

#[test]
fn sync_now_runs_on_the_background_thread_and_never_holds_the_ui_session() {
    let tmp = tempfile::tempdir().unwrap();
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::monday_morning());
    let shell = Arc::new(shell(tmp.path()));
    shell.set_up("Clinic", "admin", "a long password").unwrap();
    // A "server" that takes connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}", silent.local_addr().unwrap().port());
    {
        let workstation = Workstation::open(
            shell.data_dir(),
            clock.clone(),
            KdfParams::FAST_INSECURE_FOR_TESTS,
        )
        .unwrap();
        let mut admin = workstation.unlock("admin", "a long password").unwrap();
        admin
            .raw_connection()
            .unwrap()
            .execute(
                "INSERT INTO sync_state (singleton, server_url, device_token, branch_code)
                 VALUES (1, ?1, 'token', 'BR01')",
                [&url],
            )
            .unwrap();
    }
    let sign_ins = |shell: &Shell| -> i64 {
        shell
            .with_session(|session| {
                Ok(session
                    .raw_connection()
                    .unwrap()
                    .query_row(
                        "SELECT count(*) FROM audit_log WHERE action = 'sign_in'",
                        [],
                        |r| r.get(0),
                    )
                    .unwrap())
            })
            .unwrap()
    };
    let sign_ins_before = sign_ins(&shell);
    shell.sign_in("admin", "a long password", None).unwrap();
    assert_eq!(
        shell.background_threads(),
        1,
        "an enrolled workstation syncs in the background"
    );
    assert_eq!(
        sign_ins(&shell),
        sign_ins_before + 1,
        "one sign-in, one event: the background uses a companion of the same session"
    );
    let waiting = Arc::clone(&shell);
    let sync = std::thread::spawn(move || waiting.sync_now());
    std::thread::sleep(Duration::from_millis(300));
    // While the round waits for the server, the UI's session answers at once.
    assert!(shell.search_patients("anna", 5).is_ok());
    assert!(!sync.is_finished(), "sync now waits for its round");
    drop(silent);
    shell.lock();
    let answer = sync.join().unwrap();
    assert!(answer.is_err(), "{answer:?}");
    // The thread ends once its request fails; a test process exiting under a thread
    // still inside SQLCipher or TLS code can crash in their exit handlers.
    wait_until("the background thread ends", || {
        shell.background_threads() == 0
    });
}

#[test]
fn background_sync_records_its_result_and_stops_when_the_session_locks_or_signs_out() {
    let tmp = tempfile::tempdir().unwrap();
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::monday_morning());
    let shell = shell(tmp.path()).with_sync_interval(Duration::from_millis(20));
    shell.set_up("Clinic", "admin", "a long password").unwrap();
    assert_eq!(shell.background_threads(), 0, "not enrolled: no background");
    assert_eq!(shell.cached_sync_status(), None);

    open_with_background(&shell, clock.clone());
    assert_eq!(shell.background_threads(), 1);
    // Not enrolled, so each round fails; the failure is what the indicator shows.
    wait_until("the first round is recorded", || {
        shell
            .cached_sync_status()
            .is_some_and(|s| !s.online && s.last_error.is_some())
    });
    shell.lock();
    wait_until("locking stops the thread", || {
        shell.background_threads() == 0
    });
    assert_eq!(
        shell.cached_sync_status(),
        None,
        "nothing shown while locked"
    );

    open_with_background(&shell, clock.clone());
    assert_eq!(shell.background_threads(), 1);
    shell.sign_out();
    wait_until("signing out stops the thread", || {
        shell.background_threads() == 0
    });

    open_with_background(&shell, clock.clone());
    open_with_background(&shell, clock);
    wait_until("a new session stops the old one's thread", || {
        shell.background_threads() == 1
    });
    shell.shut_down();
    wait_until("shutting down stops it", || shell.background_threads() == 0);
}

#[test]
fn background_sync_stops_once_the_ui_session_is_idle_past_its_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(clinic_core::ManualClock::monday_morning());
    let shell = Shell::new(
        tmp.path().to_owned(),
        false,
        clock.clone(),
        KdfParams::FAST_INSECURE_FOR_TESTS,
    )
    .with_sync_interval(Duration::from_millis(20));
    let admin = shell.set_up("Clinic", "admin", "a long password").unwrap();
    open_with_background(&shell, clock.clone());
    wait_until("the first round is recorded", || {
        shell.cached_sync_status().is_some()
    });
    assert_eq!(shell.background_threads(), 1);
    clock.advance(chrono::Duration::seconds(
        i64::from(admin.session.idle_lock_seconds) + 1,
    ));
    wait_until("the idle UI session stops the thread", || {
        shell.background_threads() == 0
    });
    assert!(
        shell.is_open_and_unlocked(),
        "checking the idle limit neither locks the UI session nor counts as activity"
    );
    assert_eq!(
        shell.search_patients("anna", 5).unwrap_err().code,
        ErrorCode::SessionLocked
    );
}

#[test]
fn setting_a_kept_change_aside_needs_a_reason_and_an_administrator() {
    let tmp = tempfile::tempdir().unwrap();
    let shell = shell(tmp.path());
    shell.set_up("Clinic", "admin", "a long password").unwrap();
    let missing = shell
        .dismiss_sync_conflict("nope", "not for this branch")
        .unwrap_err();
    assert_eq!(missing.field.as_deref(), Some("change_id"));
    let short = shell.dismiss_sync_conflict("nope", "no").unwrap_err();
    assert_eq!(short.field.as_deref(), Some("why"));
    sign_in_a_nurse(&shell);
    assert_eq!(
        shell
            .dismiss_sync_conflict("nope", "not for this branch")
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
}

#[test]
fn the_groups_workstations_need_an_administrator_and_a_sync_server() {
    let tmp = tempfile::tempdir().unwrap();
    let shell = shell(tmp.path());
    shell.set_up("Clinic", "admin", "a long password").unwrap();
    let err = shell.group_devices().unwrap_err();
    assert_eq!(
        (err.code, err.field.as_deref()),
        (ErrorCode::Validation, Some("server")),
        "not enrolled: {err:?}"
    );
    sign_in_a_nurse(&shell);
    assert_eq!(
        shell.group_devices().unwrap_err().code,
        ErrorCode::Forbidden
    );
    assert_eq!(
        shell.revoke_device("0190").unwrap_err().code,
        ErrorCode::Forbidden
    );
}
