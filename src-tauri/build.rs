//! Generates the Tauri context inputs: reads `tauri.conf.json`, the capabilities and the
//! permissions of the app's own commands (each command gets an `allow-…` permission that
//! `capabilities/main.json` must grant, so a command the UI does not list stays closed).

use std::path::Path;

/// The app's commands, as registered in `src/main.rs`.
const COMMANDS: &[&str] = &[
    "app_state",
    "session_state",
    "set_up_workstation",
    "sign_in",
    "break_glass",
    "unlock",
    "sign_out",
    "lock",
    "notifications",
    "mark_notification_read",
    "search_patients",
    "possible_duplicates",
    "register_patient",
    "patient",
    "update_patient",
    "archive_patient",
    "patient_appointments",
    "doctors",
    "specializations",
    "find_available_doctors",
    "free_slots",
    "hold_slot",
    "confirm_appointment",
    "cancel_appointment",
    "reschedule_appointment",
    "check_in",
    "day_appointments",
    "begin_totp_enrolment",
    "enrol_totp",
    "sync_status",
    "cached_sync_status",
    "sync_now",
    "sync_join",
    "users",
    "branches",
    "add_branch",
    "create_user",
    "create_emergency_account",
    "admit_user_here",
    "join_workstation",
    "group_devices",
    "dismiss_sync_conflict",
    "cancel_time_off",
    "revoke_device",
    "set_user_role",
    "deactivate_user",
    "reactivate_user",
    "set_user_branches",
    "sign_in_settings",
    "set_totp_required",
    "set_idle_lock_minutes",
    "backup_schedule",
    "set_backup_schedule",
    "backup_now",
    "audit_log",
    "audit_verify",
    "all_doctors",
    "add_doctor",
    "update_doctor",
    "doctor_hours",
    "set_doctor_hours",
    "doctor_time_off",
    "add_time_off",
    "calendar",
    "restore_patient",
    "merge_patients",
    "patient_merges",
    "undo_merge",
    "sync_conflicts",
    "conflicted_appointments",
    "ui_ready",
];

fn main() {
    // `generate_context!` embeds `ui/dist` when the crate compiles, so a rebuilt UI must
    // make the crate compile again: rerunning this script does that.
    println!("cargo:rerun-if-changed=../ui/dist");
    if std::env::var_os("CARGO_FEATURE_CUSTOM_PROTOCOL").is_some()
        && !Path::new("../ui/dist/index.html").is_file()
    {
        panic!(
            "ui/dist/index.html is missing: build the user interface first \
             (`cd ui && npm ci && npm run build`), or build without the \
             `custom-protocol` feature to use the Vite dev server"
        );
    }
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(err) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {err:#}");
    }
}
