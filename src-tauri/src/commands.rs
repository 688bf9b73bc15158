//! The commands the UI invokes: thin adapters from IPC to [`Shell`]. Argument names are
//! snake_case on the wire, like the DTOs. Everything that touches the encrypted database
//! or unlocks it (Argon2id, about a quarter of a second) runs on the blocking pool so the
//! window stays responsive.

use std::io::Write;
use std::sync::Arc;

use tauri::State;
use zeroize::Zeroizing;

use crate::dto::{
    AppState, Appointment, AppointmentRow, AuditEntry, AuditQuery, AuditVerification, Availability,
    BackupSchedule, BackupScheduleInput, Branch, CalendarAppointments, CommandError,
    DayAppointments, Doctor, DoctorInput, GroupDevice, Notification, Patient, PatientInput,
    PatientMerge, PatientSummary, Role, SessionState, SetUpDone, SignInSettings, SignedIn, Slot,
    SyncConflict, SyncReport, SyncStatus, TimeOff, TotpSetup, UserAccount, WeeklyHours,
};
use crate::shell::Shell;

type Shared<'a> = State<'a, Arc<Shell>>;
type Reply<T> = Result<T, CommandError>;

#[tauri::command(rename_all = "snake_case")]
pub fn app_state(shell: Shared<'_>) -> AppState {
    shell.app_state()
}

#[tauri::command(rename_all = "snake_case")]
pub fn session_state(shell: Shared<'_>) -> SessionState {
    shell.session_state()
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_up_workstation(
    shell: Shared<'_>,
    clinic_name: String,
    admin_username: String,
    password: String,
) -> Reply<SetUpDone> {
    let (shell, password) = (Arc::clone(&shell), Zeroizing::new(password));
    blocking(move || shell.set_up(&clinic_name, &admin_username, &password)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn join_workstation(
    shell: Shared<'_>,
    server: String,
    code: String,
    ca_cert_pem: Option<String>,
    username: String,
    password: String,
) -> Reply<SetUpDone> {
    let (shell, password) = (Arc::clone(&shell), Zeroizing::new(password));
    blocking(move || shell.join(&server, &code, ca_cert_pem.as_deref(), &username, &password)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sign_in(
    shell: Shared<'_>,
    username: String,
    password: String,
    totp_code: Option<String>,
) -> Reply<SignedIn> {
    let (shell, password) = (Arc::clone(&shell), Zeroizing::new(password));
    blocking(move || shell.sign_in(&username, &password, totp_code.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn break_glass(
    shell: Shared<'_>,
    username: String,
    password: String,
    totp_code: Option<String>,
    reason: String,
) -> Reply<SignedIn> {
    let (shell, password) = (Arc::clone(&shell), Zeroizing::new(password));
    blocking(move || shell.break_glass(&username, &password, totp_code.as_deref(), &reason)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn unlock(
    shell: Shared<'_>,
    password: String,
    totp_code: Option<String>,
) -> Reply<SignedIn> {
    let (shell, password) = (Arc::clone(&shell), Zeroizing::new(password));
    blocking(move || shell.unlock(&password, totp_code.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sign_out(shell: Shared<'_>) -> Reply<()> {
    let shell = Arc::clone(&shell);
    blocking(move || {
        shell.sign_out();
        Ok(())
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn lock(shell: Shared<'_>) -> Reply<()> {
    let shell = Arc::clone(&shell);
    blocking(move || {
        shell.lock();
        Ok(())
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn notifications(shell: Shared<'_>, unread_only: bool) -> Reply<Vec<Notification>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.notifications(unread_only)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn mark_notification_read(shell: Shared<'_>, id: String) -> Reply<()> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.mark_notification_read(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn search_patients(
    shell: Shared<'_>,
    text: String,
    limit: u32,
) -> Reply<Vec<PatientSummary>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.search_patients(&text, limit)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn possible_duplicates(
    shell: Shared<'_>,
    input: PatientInput,
) -> Reply<Vec<PatientSummary>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.possible_duplicates(input)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn register_patient(
    shell: Shared<'_>,
    input: PatientInput,
    confirmed_not_duplicate: bool,
) -> Reply<Patient> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.register_patient(input, confirmed_not_duplicate)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn patient(shell: Shared<'_>, id: String) -> Reply<Patient> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.patient(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn update_patient(shell: Shared<'_>, id: String, input: PatientInput) -> Reply<Patient> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.update_patient(&id, input)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn archive_patient(shell: Shared<'_>, id: String, reason: String) -> Reply<Patient> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.archive_patient(&id, &reason)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn patient_appointments(shell: Shared<'_>, id: String) -> Reply<Vec<AppointmentRow>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.patient_appointments(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn doctors(shell: Shared<'_>, specialization: Option<String>) -> Reply<Vec<Doctor>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.doctors(specialization.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn specializations(shell: Shared<'_>) -> Reply<Vec<String>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.specializations()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn find_available_doctors(
    shell: Shared<'_>,
    specialization: String,
    from: Option<String>,
) -> Reply<Vec<Availability>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.find_available_doctors(&specialization, from.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn free_slots(shell: Shared<'_>, doctor_id: String, day: String) -> Reply<Vec<Slot>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.free_slots(&doctor_id, &day)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn hold_slot(
    shell: Shared<'_>,
    patient_id: String,
    doctor_id: String,
    starts_at: String,
    reason: Option<String>,
) -> Reply<Appointment> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.hold_slot(&patient_id, &doctor_id, &starts_at, reason.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn confirm_appointment(shell: Shared<'_>, id: String) -> Reply<Appointment> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.confirm_appointment(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn cancel_appointment(
    shell: Shared<'_>,
    id: String,
    reason: String,
) -> Reply<Appointment> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.cancel_appointment(&id, &reason)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn reschedule_appointment(
    shell: Shared<'_>,
    id: String,
    doctor_id: Option<String>,
    starts_at: String,
) -> Reply<Appointment> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.reschedule_appointment(&id, doctor_id.as_deref(), &starts_at)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn check_in(shell: Shared<'_>, id: String) -> Reply<Appointment> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.check_in(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn day_appointments(shell: Shared<'_>, day: Option<String>) -> Reply<DayAppointments> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.day_appointments(day.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn begin_totp_enrolment(shell: Shared<'_>) -> Reply<TotpSetup> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.begin_totp_enrolment()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn enrol_totp(shell: Shared<'_>, secret: String, code: String) -> Reply<SignedIn> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.enrol_totp(&secret, &code)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_status(shell: Shared<'_>) -> Reply<SyncStatus> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.sync_status()).await
}

/// The sync status last seen, without asking the core (so it does not count as
/// activity for the idle lock); for the indicator's timer.
#[tauri::command(rename_all = "snake_case")]
pub fn cached_sync_status(shell: Shared<'_>) -> Option<SyncStatus> {
    shell.cached_sync_status()
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_now(shell: Shared<'_>) -> Reply<SyncReport> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.sync_now()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_join(
    shell: Shared<'_>,
    server: String,
    code: String,
    ca_cert_pem: Option<String>,
) -> Reply<SyncStatus> {
    let (shell, code) = (Arc::clone(&shell), Zeroizing::new(code));
    blocking(move || shell.sync_join(&server, &code, ca_cert_pem.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn users(shell: Shared<'_>) -> Reply<Vec<UserAccount>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.users()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn branches(shell: Shared<'_>) -> Reply<Vec<Branch>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.branches()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_branch(shell: Shared<'_>, code: String, name: String) -> Reply<Vec<Branch>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.add_branch(&code, &name)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn create_user(
    shell: Shared<'_>,
    username: String,
    display_name: Option<String>,
    role: Role,
    password: String,
    branches: Vec<String>,
) -> Reply<UserAccount> {
    let (shell, password) = (Arc::clone(&shell), Zeroizing::new(password));
    blocking(move || {
        shell.create_user(
            &username,
            display_name.as_deref(),
            role,
            &password,
            &branches,
        )
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn dismiss_sync_conflict(shell: Shared<'_>, change_id: String, why: String) -> Reply<()> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.dismiss_sync_conflict(&change_id, &why)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn group_devices(shell: Shared<'_>) -> Reply<Vec<GroupDevice>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.group_devices()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn revoke_device(shell: Shared<'_>, device_id: String) -> Reply<()> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.revoke_device(&device_id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn admit_user_here(shell: Shared<'_>, username: String, password: String) -> Reply<()> {
    let (shell, password) = (Arc::clone(&shell), Zeroizing::new(password));
    blocking(move || shell.admit_user_here(&username, &password)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn create_emergency_account(
    shell: Shared<'_>,
    username: String,
    password: String,
) -> Reply<UserAccount> {
    let (shell, password) = (Arc::clone(&shell), Zeroizing::new(password));
    blocking(move || shell.create_emergency_account(&username, &password)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_user_role(shell: Shared<'_>, username: String, role: Role) -> Reply<UserAccount> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.set_user_role(&username, role)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn deactivate_user(shell: Shared<'_>, username: String) -> Reply<UserAccount> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.deactivate_user(&username)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn reactivate_user(shell: Shared<'_>, username: String) -> Reply<UserAccount> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.reactivate_user(&username)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_user_branches(
    shell: Shared<'_>,
    username: String,
    branches: Vec<String>,
) -> Reply<UserAccount> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.set_user_branches(&username, &branches)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sign_in_settings(shell: Shared<'_>) -> Reply<SignInSettings> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.sign_in_settings()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_totp_required(
    shell: Shared<'_>,
    role: Role,
    required: bool,
) -> Reply<SignInSettings> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.set_totp_required(role, required)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_idle_lock_minutes(shell: Shared<'_>, minutes: u32) -> Reply<SignInSettings> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.set_idle_lock_minutes(minutes)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn backup_schedule(shell: Shared<'_>) -> Reply<BackupSchedule> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.backup_schedule()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_backup_schedule(
    shell: Shared<'_>,
    input: BackupScheduleInput,
) -> Reply<BackupSchedule> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.set_backup_schedule(input)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn backup_now(shell: Shared<'_>) -> Reply<BackupSchedule> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.backup_now()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn audit_log(shell: Shared<'_>, query: AuditQuery) -> Reply<Vec<AuditEntry>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.audit_log(query)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn audit_verify(shell: Shared<'_>) -> Reply<AuditVerification> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.audit_verify()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn all_doctors(shell: Shared<'_>) -> Reply<Vec<Doctor>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.all_doctors()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_doctor(shell: Shared<'_>, input: DoctorInput) -> Reply<Doctor> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.add_doctor(input)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn update_doctor(
    shell: Shared<'_>,
    id: String,
    specialization: Option<String>,
    fee_minor: Option<i64>,
    active: Option<bool>,
) -> Reply<Doctor> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.update_doctor(&id, specialization.as_deref(), fee_minor, active)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn doctor_hours(shell: Shared<'_>, id: String) -> Reply<Vec<WeeklyHours>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.doctor_hours(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_doctor_hours(
    shell: Shared<'_>,
    id: String,
    hours: Vec<WeeklyHours>,
) -> Reply<Vec<WeeklyHours>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.set_doctor_hours(&id, hours)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn doctor_time_off(shell: Shared<'_>, id: String) -> Reply<Vec<TimeOff>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.doctor_time_off(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_time_off(
    shell: Shared<'_>,
    id: String,
    from: String,
    to: String,
    reason: String,
) -> Reply<Vec<TimeOff>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.add_time_off(&id, &from, &to, &reason)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn cancel_time_off(
    shell: Shared<'_>,
    id: String,
    time_off: String,
) -> Reply<Vec<TimeOff>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.cancel_time_off(&id, &time_off)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn calendar(
    shell: Shared<'_>,
    from: String,
    days: u32,
    doctor_id: Option<String>,
    branch: Option<String>,
) -> Reply<CalendarAppointments> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.calendar(&from, days, doctor_id.as_deref(), branch.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn restore_patient(shell: Shared<'_>, id: String) -> Reply<Patient> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.restore_patient(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn merge_patients(
    shell: Shared<'_>,
    survivor: String,
    duplicate: String,
) -> Reply<PatientMerge> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.merge_patients(&survivor, &duplicate)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn patient_merges(shell: Shared<'_>, id: String) -> Reply<Vec<PatientMerge>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.patient_merges(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn undo_merge(shell: Shared<'_>, merge_id: String) -> Reply<PatientMerge> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.undo_merge(&merge_id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sync_conflicts(shell: Shared<'_>) -> Reply<Vec<SyncConflict>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.sync_conflicts()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn conflicted_appointments(shell: Shared<'_>) -> Reply<Vec<AppointmentRow>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.conflicted_appointments()).await
}

/// Announces on stdout that a screen has been painted; the screenshot scripts wait for
/// `clinic-desktop: screen shown: login`.
#[tauri::command(rename_all = "snake_case")]
pub fn ui_ready(screen: String) {
    let screen: String = screen
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(32)
        .collect();
    let mut out = std::io::stdout().lock();
    // Nobody may be reading stdout; that is not an error worth reporting to the UI.
    let _ = writeln!(out, "clinic-desktop: screen shown: {screen}").and_then(|()| out.flush());
}

async fn blocking<T: Send + 'static>(work: impl FnOnce() -> Reply<T> + Send + 'static) -> Reply<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|err| CommandError::internal(format!("the operation did not finish: {err}")))?
}
