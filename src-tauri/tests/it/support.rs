//! What the tests share: a shell on a manual clock (no test reads the wall clock), the
//! demo clinic's days, and signing people in.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use clinic_core::{Clock, KdfParams, ManualClock, Workstation};
use clinic_desktop::dto;
use clinic_desktop::signin::{SessionState, SignedIn};
use clinic_desktop::{Shell, demo};

/// No test reads the wall clock. Monday 2026-01-05 at 09:00 in the demo clinic
/// (Africa/Nairobi, UTC+3) ...
pub const NAIROBI_MORNING: &str = "2026-01-05T06:00:00Z";

/// ... and ten minutes before its day ends, when no slot of the day is left to book.
pub const NAIROBI_LATE: &str = "2026-01-05T20:50:00Z";

pub fn clock_at(rfc3339: &str) -> Arc<ManualClock> {
    let at = DateTime::parse_from_rfc3339(rfc3339).unwrap();
    Arc::new(ManualClock::new(at.with_timezone(&Utc)))
}

/// The demo clinic's date at `clock`'s now, plus `days`, as the UI sends days.
pub fn nairobi_day(clock: &dyn Clock, days: i64) -> String {
    let clinic_time = clinic_core::ClinicTime::parse(demo::TIME_ZONE).unwrap();
    (clinic_time.today(clock) + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// A shell on a clock stopped at [`ManualClock::monday_morning`].
pub fn shell(dir: &Path) -> Shell {
    Shell::new(
        dir.to_owned(),
        false,
        Arc::new(ManualClock::monday_morning()),
        KdfParams::FAST_INSECURE_FOR_TESTS,
    )
}

pub fn is_open(shell: &Shell) -> bool {
    matches!(shell.session_state(), SessionState::Open { .. })
}

/// Polls `done` for up to 30 s. The threads answer in milliseconds; the margin is for
/// a machine busy with other builds (5 s was seen to run out).
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while std::time::Instant::now() < deadline {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("timed out waiting until {what}");
}

/// Opens `admin` in `shell` with a background sync session, as signing in on an
/// enrolled workstation does (enrolling needs a sync server).
pub fn open_with_background(shell: &Shell, clock: Arc<dyn Clock>) {
    let workstation =
        Workstation::open(shell.data_dir(), clock, KdfParams::FAST_INSECURE_FOR_TESTS).unwrap();
    let mut ui = workstation.unlock("admin", "a long password").unwrap();
    let background = ui.sync_companion().unwrap();
    shell.open(ui, Some(background));
}

/// Adds a user (as the signed-in administrator) and signs them in instead.
pub fn sign_in_new_user(
    shell: &Shell,
    username: &str,
    role: dto::Role,
    password: &str,
) -> SignedIn {
    shell
        .create_user(username, None, role, password, &[])
        .unwrap();
    shell.sign_in(username, password, None).unwrap()
}

pub fn sign_in_a_nurse(shell: &Shell) {
    sign_in_new_user(shell, "amy", dto::Role::Nurse, "nurse on ward 7");
}
