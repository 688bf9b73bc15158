//! The clinic desktop shell: one Tauri window showing the Svelte UI in `ui/`, over
//! clinic-core. A library so that its tests (`tests/it/`) drive the shell through the
//! same public API the commands use, without a window; `main.rs` only reads the command
//! line.
//!
//! One file per feature holds its commands, their wire types and the shell's steps
//! behind them (`frontdesk/patients.rs`, `admin/users.rs`, …); `shell/` is the state they
//! share and `dto.rs` the wire conventions. The commands are named once more, in the
//! list below, and nowhere else (see ARCHITECTURE.md, "Adding a command").

pub mod admin;
pub mod app;
pub mod billing;
pub mod clinical;
#[doc(hidden)]
pub mod demo;
pub mod documents;
pub mod dto;
pub mod frontdesk;
pub mod interop;
pub mod notifications;
pub mod pharmacy;
pub mod shell;
pub mod signin;
pub mod sync;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clinic_core::{Clock, KdfParams, SystemClock};
use tauri::{Manager, RunEvent};

pub use app::{Args, demo_enabled, parse_args, resolve_data_dir};
pub use shell::Shell;

/// The name of a command, from its path: the path's last segment.
macro_rules! command_name {
    ($name:ident) => {
        stringify!($name)
    };
    ($module:ident $($rest:ident)+) => {
        command_name!($($rest)+)
    };
}

/// Registers the commands from one list of paths: `COMMANDS` (their names) and Tauri's
/// invoke handler. `build.rs` reads the same list from this file's text to declare each
/// command's `allow-…` permission and to write `capabilities/main.json`, which grants
/// them to the window; a test checks that the three agree.
macro_rules! commands {
    ($($($segment:ident)::+),+ $(,)?) => {
        /// Every command the window may call, by name, as registered.
        pub const COMMANDS: &[&str] = &[$(command_name!($($segment)+)),+];

        fn invoke_handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($($segment)::+),+]
        }
    };
}

// The one registration list: a new command is added here, by its path, and nowhere else
// outside its feature's files. `build.rs` reads the entries between `commands![` and
// `];`, so keep them plain paths separated by commas.
commands![
    app::app_state,
    app::ui_ready,
    signin::session_state,
    signin::set_up_workstation,
    signin::join_workstation,
    signin::sign_in,
    signin::break_glass,
    signin::unlock,
    signin::sign_out,
    signin::lock,
    signin::begin_totp_enrolment,
    signin::enrol_totp,
    notifications::notifications,
    notifications::mark_notification_read,
    frontdesk::patients::search_patients,
    frontdesk::patients::possible_duplicates,
    frontdesk::patients::register_patient,
    frontdesk::patients::patient,
    frontdesk::patients::update_patient,
    frontdesk::patients::archive_patient,
    frontdesk::patients::restore_patient,
    frontdesk::patients::merge_patients,
    frontdesk::patients::patient_merges,
    frontdesk::patients::undo_merge,
    frontdesk::doctors::doctors,
    frontdesk::doctors::all_doctors,
    frontdesk::doctors::specializations,
    frontdesk::doctors::add_doctor,
    frontdesk::doctors::update_doctor,
    frontdesk::doctors::doctor_hours,
    frontdesk::doctors::set_doctor_hours,
    frontdesk::doctors::doctor_time_off,
    frontdesk::doctors::add_time_off,
    frontdesk::doctors::cancel_time_off,
    frontdesk::appointments::find_available_doctors,
    frontdesk::appointments::free_slots,
    frontdesk::appointments::hold_slot,
    frontdesk::appointments::confirm_appointment,
    frontdesk::appointments::cancel_appointment,
    frontdesk::appointments::reschedule_appointment,
    frontdesk::appointments::check_in,
    frontdesk::appointments::patient_appointments,
    frontdesk::appointments::day_appointments,
    frontdesk::appointments::calendar,
    frontdesk::appointments::conflicted_appointments,
    clinical::encounters::doctors_day,
    clinical::encounters::open_visit,
    clinical::encounters::open_walk_in,
    clinical::encounters::encounter,
    clinical::encounters::complete_encounter,
    clinical::notes::visit_notes,
    clinical::notes::write_note,
    clinical::notes::revise_note,
    clinical::notes::sign_note,
    clinical::notes::add_addendum,
    clinical::notes::note_history,
    clinical::vitals::record_vitals,
    clinical::vitals::vitals_history,
    clinical::vitals::display_units,
    clinical::vitals::set_display_units,
    clinical::diagnoses::search_diagnosis_codes,
    clinical::diagnoses::add_diagnosis,
    clinical::diagnoses::set_diagnosis_resolved,
    clinical::diagnoses::set_diagnosis_chronic,
    clinical::diagnoses::archive_diagnosis,
    clinical::diagnoses::patient_diagnoses,
    clinical::allergies::add_allergy,
    clinical::allergies::update_allergy,
    clinical::allergies::archive_allergy,
    clinical::allergies::patient_allergies,
    clinical::attachments::patient_attachments,
    clinical::attachments::add_attachment,
    clinical::attachments::archive_attachment,
    clinical::attachments::view_attachment,
    clinical::prescriptions::search_drugs,
    clinical::prescriptions::prescription_quantity,
    clinical::prescriptions::new_prescription,
    clinical::prescriptions::add_prescription_item,
    clinical::prescriptions::remove_prescription_item,
    clinical::prescriptions::check_prescription,
    clinical::prescriptions::issue_prescription,
    clinical::prescriptions::cancel_prescription,
    clinical::prescriptions::repeat_prescription,
    clinical::prescriptions::prescription,
    clinical::prescriptions::patient_prescriptions,
    clinical::lab::lab_catalogue,
    clinical::lab::import_lab_catalogue,
    clinical::lab::order_lab,
    clinical::lab::patient_lab_orders,
    clinical::lab::lab_worklist,
    clinical::lab::cancel_lab_order,
    clinical::lab::collect_sample,
    clinical::lab::reject_sample,
    clinical::lab::sample_by_number,
    clinical::lab::enter_lab_result,
    clinical::lab::verify_lab_result,
    pharmacy::stock_list,
    pharmacy::add_stock_item,
    pharmacy::update_stock_item,
    pharmacy::receive_stock,
    pharmacy::adjust_stock,
    pharmacy::expire_stock,
    pharmacy::move_batch,
    pharmacy::send_transfer,
    pharmacy::receive_transfer,
    pharmacy::stock_transfers,
    pharmacy::stock_discrepancies,
    pharmacy::stock_alerts,
    pharmacy::stock_report,
    pharmacy::stock_movements,
    pharmacy::dispense_queue,
    pharmacy::dispensing,
    pharmacy::dispense,
    pharmacy::sell_otc,
    billing::price_list,
    billing::set_price,
    billing::invoice,
    billing::patient_invoices,
    billing::open_invoices,
    billing::new_invoice,
    billing::add_invoice_line,
    billing::add_dispensed_lines,
    billing::remove_invoice_line,
    billing::discount_line,
    billing::issue_invoice,
    billing::void_invoice,
    billing::credit_invoice,
    billing::record_payment,
    billing::cash_up,
    billing::billing_summary,
    billing::save_billing_report,
    billing::billing_dashboard,
    interop::export_patient_fhir,
    billing::payers,
    billing::set_payer,
    billing::patient_policies,
    billing::add_policy,
    billing::create_claim,
    billing::submit_claim,
    billing::decide_claim,
    billing::claim_paid,
    billing::invoice_shares,
    billing::claims,
    documents::document_page,
    documents::save_document,
    documents::printers,
    documents::print_document,
    documents::issue_certificate,
    documents::letterhead,
    documents::set_letterhead,
    documents::set_letterhead_logo,
    clinical::chart::chart,
    clinical::chart::access_history,
    admin::users::users,
    admin::users::create_user,
    admin::users::create_emergency_account,
    admin::users::admit_user_here,
    admin::users::set_user_role,
    admin::users::deactivate_user,
    admin::users::reactivate_user,
    admin::users::set_user_branches,
    admin::branches::branches,
    admin::branches::add_branch,
    admin::settings::sign_in_settings,
    admin::settings::set_totp_required,
    admin::settings::set_idle_lock_minutes,
    admin::backup::backup_schedule,
    admin::backup::set_backup_schedule,
    admin::backup::backup_now,
    admin::audit::audit_log,
    admin::audit::audit_verify,
    sync::sync_status,
    sync::cached_sync_status,
    sync::sync_now,
    sync::sync_join,
    sync::sync_conflicts,
    sync::dismiss_sync_conflict,
    sync::group_devices,
    sync::revoke_device,
];

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
        .invoke_handler(invoke_handler())
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
