//! The audit log, filtered by the sign-in settings' events (`src/admin/audit.rs`,
//! `src/admin/settings.rs`).

use chrono::NaiveDate;
use clinic_desktop::admin::audit::AuditQuery;
use clinic_desktop::dto;

use crate::support::*;

#[test]
fn settings_are_read_back_and_the_audit_log_filters_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let shell = shell(tmp.path());
    shell.set_up("Clinic", "admin", "a long password").unwrap();
    let settings = shell.set_idle_lock_minutes(9).unwrap();
    assert_eq!(settings.idle_lock_minutes, 9);
    let out_of_range = shell.set_idle_lock_minutes(0).unwrap_err();
    assert_eq!(out_of_range.field.as_deref(), Some("idle_lock_minutes"));
    let settings = shell.set_totp_required(dto::Role::Nurse, true).unwrap();
    assert_eq!(settings.totp_required, [dto::Role::Nurse]);
    assert_eq!(shell.sign_in_settings().unwrap(), settings);

    shell
        .create_user("amy", None, dto::Role::Nurse, "nurse on ward 7", &[])
        .unwrap();
    // The shell's clock stands at ManualClock::monday_morning; the clinic is on UTC.
    let today = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let day = |d: NaiveDate| Some(d.format("%Y-%m-%d").to_string());
    let settings_events = shell
        .audit_log(AuditQuery {
            action: Some("settings.".into()),
            from: day(today - chrono::Duration::days(1)),
            to: day(today + chrono::Duration::days(1)),
            ..AuditQuery::default()
        })
        .unwrap();
    let actions: Vec<&str> = settings_events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["settings.totp_required", "settings.idle_lock"],
        "newest first; a prefix ending in a dot selects a family; the refused 0 minutes \
         wrote nothing"
    );
    assert!(
        settings_events
            .iter()
            .all(|e| e.username.as_deref() == Some("admin"))
    );
    let tomorrow = shell
        .audit_log(AuditQuery {
            from: day(today + chrono::Duration::days(1)),
            ..AuditQuery::default()
        })
        .unwrap();
    assert!(tomorrow.is_empty(), "nothing has happened tomorrow yet");
    let by_user = shell
        .audit_log(AuditQuery {
            username: Some(" ADMIN ".into()),
            action: Some("user.create".into()),
            ..AuditQuery::default()
        })
        .unwrap();
    assert_eq!(by_user.len(), 1, "user names match whatever their case");
    let swapped = shell
        .audit_log(AuditQuery {
            from: day(today),
            to: day(today - chrono::Duration::days(2)),
            ..AuditQuery::default()
        })
        .unwrap_err();
    assert_eq!(swapped.field.as_deref(), Some("to"));
    let bad_day = shell
        .audit_log(AuditQuery {
            from: Some("yesterday".into()),
            ..AuditQuery::default()
        })
        .unwrap_err();
    assert_eq!(bad_day.field.as_deref(), Some("from"));

    let verified = shell.audit_verify().unwrap();
    assert!(verified.events > 5 && verified.devices == 1);
    assert_eq!(verified.first_break, None, "an untouched log verifies");
}
