//! The clinic desktop shell: one Tauri window showing the Svelte UI in `ui/`, over
//! clinic-core. A library so that its tests drive the shell through the same public
//! API the commands use, without a window; `main.rs` only reads the command line.
//! See `shell.rs` for the state and `commands.rs` for the IPC surface.

pub mod commands;
#[doc(hidden)]
pub mod demo;
pub mod dto;
pub mod shell;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clinic_core::{Clock, KdfParams, SystemClock};
use tauri::{Manager, RunEvent};

pub use shell::{Args, Shell, demo_enabled, parse_args, resolve_data_dir};

/// Opens the window on the workstation in `data_dir` (seeding the demo clinic there
/// first in demo mode) and runs until it closes.
pub fn run(data_dir: PathBuf, demo_mode: bool) -> ExitCode {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let kdf = KdfParams::DEFAULT;

    if demo_mode {
        match demo::ensure_workstation(&data_dir, clock.clone(), kdf) {
            Ok(true) => println!(
                "clinic-desktop: demo workstation created in {}",
                data_dir.display()
            ),
            Ok(false) => {}
            Err(err) => {
                eprintln!("clinic-desktop: could not create the demo workstation: {err}");
                return ExitCode::FAILURE;
            }
        }
    }

    let shell = Arc::new(Shell::new(data_dir, demo_mode, clock, kdf));
    println!(
        "clinic-desktop: data directory {}",
        shell.data_dir().display()
    );

    let app = tauri::Builder::default()
        .manage(shell)
        .invoke_handler(tauri::generate_handler![
            commands::app_state,
            commands::session_state,
            commands::set_up_workstation,
            commands::sign_in,
            commands::break_glass,
            commands::unlock,
            commands::sign_out,
            commands::lock,
            commands::notifications,
            commands::mark_notification_read,
            commands::search_patients,
            commands::possible_duplicates,
            commands::register_patient,
            commands::patient,
            commands::update_patient,
            commands::archive_patient,
            commands::patient_appointments,
            commands::doctors,
            commands::specializations,
            commands::find_available_doctors,
            commands::free_slots,
            commands::hold_slot,
            commands::confirm_appointment,
            commands::cancel_appointment,
            commands::reschedule_appointment,
            commands::check_in,
            commands::day_appointments,
            commands::begin_totp_enrolment,
            commands::enrol_totp,
            commands::sync_status,
            commands::cached_sync_status,
            commands::sync_now,
            commands::sync_join,
            commands::users,
            commands::branches,
            commands::add_branch,
            commands::create_user,
            commands::create_emergency_account,
            commands::admit_user_here,
            commands::join_workstation,
            commands::group_devices,
            commands::dismiss_sync_conflict,
            commands::cancel_time_off,
            commands::revoke_device,
            commands::set_user_role,
            commands::deactivate_user,
            commands::reactivate_user,
            commands::set_user_branches,
            commands::sign_in_settings,
            commands::set_totp_required,
            commands::set_idle_lock_minutes,
            commands::backup_schedule,
            commands::set_backup_schedule,
            commands::backup_now,
            commands::audit_log,
            commands::audit_verify,
            commands::all_doctors,
            commands::add_doctor,
            commands::update_doctor,
            commands::doctor_hours,
            commands::set_doctor_hours,
            commands::doctor_time_off,
            commands::add_time_off,
            commands::calendar,
            commands::restore_patient,
            commands::merge_patients,
            commands::patient_merges,
            commands::undo_merge,
            commands::sync_conflicts,
            commands::conflicted_appointments,
            commands::ui_ready,
        ])
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(err) => {
            eprintln!("clinic-desktop: could not open the window: {err}");
            return ExitCode::FAILURE;
        }
    };
    app.run(|handle, event| {
        if let RunEvent::Exit = event {
            // Close the database and forget the key before the process goes.
            handle.state::<Arc<Shell>>().shut_down();
        }
    });
    ExitCode::SUCCESS
}
