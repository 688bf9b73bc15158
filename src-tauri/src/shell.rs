//! The shell's state and the work behind each command, kept apart from Tauri so that it
//! can be tested without a window. Every method is a thin step over clinic-core: parse
//! what the UI sent (ids, days, times), call the core, map the answer to a wire type.
//!
//! The session is in one of three states: signed out, open, or locked. Locked keeps only
//! the user name (the key and the database are gone) so the lock screen can ask the same
//! person for their password again. A core call that finds the session idle-locked moves
//! the shell to locked too.
//!
//! Background sync: signing in (or unlocking) on a workstation that has joined a sync
//! server opens a second session with the same credentials and hands it to a thread that
//! syncs once right away and then every minute, so the UI's session (and its mutex) is
//! never held during network I/O. The thread stops, and drops its session (closing its
//! database and wiping its key), as soon as the UI session it belongs to is locked,
//! signed out, replaced or idle past its limit ([`Session::idle_expired`], which does not
//! count as activity). Its last result is kept for the header's sync indicator.
//!
//! Scheduled backups: every open session also starts a small timer thread that, every
//! [`BACKUP_CHECK_INTERVAL`], asks the core to run the scheduled backup if one is due
//! ([`Session::run_due_backup`], which is not activity). It stops with the session, like
//! the sync thread; the result is kept in the database for the Administration screen.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use clinic_core::frontdesk::appointments::{CalendarDays, Filter};
use clinic_core::ids::{AppointmentId, DoctorId, NotificationId, PatientId};
use clinic_core::policy::{Decision, decide};
use clinic_core::sync::Retries;
use clinic_core::{Action, AuditDays, Clock, KdfParams, Session, Setup, Target, Workstation};
use zeroize::Zeroizing;

use crate::demo;
use crate::dto::{
    AppState, Appointment, AppointmentRow, AuditEntry, AuditQuery, AuditVerification, Availability,
    BackupSchedule, BackupScheduleInput, Branch, CalendarAppointments, Capabilities, CommandError,
    DayAppointments, Doctor, DoctorInput, ErrorCode, GroupDevice, Notification, Patient,
    PatientInput, PatientMerge, PatientSummary, QrMatrix, Role, SessionState, SetUpDone, ShownOnce,
    SignInSettings, SignedIn, Slot, SyncConflict, SyncReport, SyncStatus, TimeOff, TotpSetup,
    UserAccount, WeeklyHours,
};

pub type Result<T, E = CommandError> = std::result::Result<T, E>;

/// Where the workstation lives: `CLINIC_DATA_DIR`, else `$XDG_DATA_HOME/clinic`, else
/// `~/.local/share/clinic`. `var` reads one environment variable (a parameter for tests).
pub fn resolve_data_dir(var: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let set = |name: &str| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = set("CLINIC_DATA_DIR") {
        return Some(dir);
    }
    // The XDG spec says to ignore a relative XDG_DATA_HOME.
    if let Some(xdg) = set("XDG_DATA_HOME").filter(|p| p.is_absolute()) {
        return Some(xdg.join("clinic"));
    }
    set("HOME").map(|home| home.join(".local").join("share").join("clinic"))
}

/// What the command line may say: `--data-dir DIR` (beats CLINIC_DATA_DIR) and
/// `--demo` / `--no-demo` (beat CLINIC_DEMO). Anything else is an error to show.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Args {
    pub data_dir: Option<PathBuf>,
    pub demo: Option<bool>,
}

pub fn parse_args(args: impl IntoIterator<Item = OsString>) -> std::result::Result<Args, String> {
    let mut out = Args::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy();
        if text == "--data-dir" {
            let dir = args.next().ok_or("--data-dir needs a directory after it")?;
            out.data_dir = Some(PathBuf::from(dir));
        } else if let Some(dir) = text.strip_prefix("--data-dir=") {
            out.data_dir = Some(PathBuf::from(dir));
        } else if text == "--demo" {
            out.demo = Some(true);
        } else if text == "--no-demo" {
            out.demo = Some(false);
        } else {
            return Err(format!(
                "unknown argument {text:?}; the app takes --data-dir DIR, --demo and --no-demo"
            ));
        }
    }
    Ok(out)
}

/// Demo mode is on when `CLINIC_DEMO` is `1` (or `true`/`yes`).
pub fn demo_enabled(value: Option<OsString>) -> bool {
    value.is_some_and(|v| matches!(v.to_str(), Some("1" | "true" | "yes")))
}

/// What the signed-in actor may do, screen by screen. `decide` is the core's pure policy
/// function: asking it writes nothing (unlike `Session::authorize`, which audits a
/// refusal), so the UI can ask on every sign-in without filling the audit log.
pub fn capabilities(actor: &clinic_core::Actor) -> Capabilities {
    let may = |action| decide(actor, action, Target::Any) == Decision::Allow;
    Capabilities {
        search_patients: may(Action::PatientView),
        register_patients: may(Action::PatientCreate),
        edit_patients: may(Action::PatientUpdate),
        archive_patients: may(Action::PatientArchive),
        view_doctors: may(Action::DoctorView),
        view_appointments: may(Action::AppointmentView),
        book_appointments: may(Action::AppointmentBook),
        cancel_appointments: may(Action::AppointmentCancel),
        reschedule_appointments: may(Action::AppointmentReschedule),
        check_in: may(Action::AppointmentCheckIn),
        manage_sync: may(Action::SettingsManage),
        manage_users: may(Action::UserManage),
        manage_emergency_accounts: may(Action::EmergencyAccountManage),
        manage_settings: may(Action::SettingsManage),
        read_audit: may(Action::AuditRead),
        manage_doctors: may(Action::DoctorManage),
        merge_patients: may(Action::PatientMerge),
    }
}

enum State {
    SignedOut,
    Open(Box<Open>),
    Locked {
        username: String,
        clinic_name: String,
    },
}

/// An open session and what the shell remembers for it.
struct Open {
    session: Session,
    /// Tells this session's background sync thread (if any) which session it serves.
    generation: u64,
    /// Dropping it (when the session locks, signs out or is replaced) stops the thread.
    background: Option<Background>,
    /// The timer that runs a due scheduled backup; stops the same way.
    _backup_timer: Background,
}

/// How often the background thread syncs (at most; see [`Shell::spawn_background`]).
pub const SYNC_INTERVAL: Duration = Duration::from_secs(60);

/// How often the backup timer looks whether a scheduled backup is due.
pub const BACKUP_CHECK_INTERVAL: Duration = Duration::from_secs(5 * 60);

/// How long "Sync now" waits for the background round it asked for.
const SYNC_NOW_WAIT: Duration = Duration::from_secs(150);

/// What the UI side and one background sync thread say to each other.
#[derive(Default)]
struct Control {
    state: Mutex<ControlState>,
    wake: Condvar,
}

#[derive(Default)]
struct ControlState {
    /// Set when the thread must end (its [`Background`] was dropped).
    stopped: bool,
    /// "Sync now" asked for a round.
    requested: bool,
    /// Rounds begun and finished, so a caller waits for a round that began after it asked.
    started: u64,
    finished: u64,
    last: Option<Result<SyncReport>>,
}

impl Control {
    fn lock(&self) -> MutexGuard<'_, ControlState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn stop(&self) {
        self.lock().stopped = true;
        self.wake.notify_all();
    }

    fn is_stopped(&self) -> bool {
        self.lock().stopped
    }

    /// Called by the thread as a round begins.
    fn begin_round(&self) {
        let mut state = self.lock();
        state.requested = false;
        state.started += 1;
    }

    /// Called by the thread when a round is over.
    fn end_round(&self, result: Result<SyncReport>) {
        let mut state = self.lock();
        state.finished += 1;
        state.last = Some(result);
        self.wake.notify_all();
    }

    /// Sleeps for `pause`, or until stopped or asked for a round; true when stopped.
    fn wait(&self, pause: Duration) -> bool {
        let guard = self.lock();
        let (guard, _) = self
            .wake
            .wait_timeout_while(guard, pause, |s| !s.stopped && !s.requested)
            .unwrap_or_else(PoisonError::into_inner);
        guard.stopped
    }

    /// Asks for a round now and waits for its result (a round that began after the ask).
    fn run_now(&self, limit: Duration) -> Result<SyncReport> {
        let mut state = self.lock();
        let wanted = state.started + 1;
        state.requested = true;
        self.wake.notify_all();
        let (state, timeout) = self
            .wake
            .wait_timeout_while(state, limit, |s| !s.stopped && s.finished < wanted)
            .unwrap_or_else(PoisonError::into_inner);
        if state.finished >= wanted
            && let Some(last) = &state.last
        {
            return last.clone();
        }
        Err(if timeout.timed_out() {
            CommandError {
                code: ErrorCode::Offline,
                message: "the sync server is slow to answer; sync goes on in the background".into(),
                field: None,
            }
        } else {
            CommandError::no_session("the session ended before the sync finished")
        })
    }
}

/// The UI session's handle on its background sync thread.
struct Background {
    control: Arc<Control>,
}

impl Drop for Background {
    fn drop(&mut self) {
        // Not joined: the thread may be in the middle of a request; it drops its session
        // as soon as that returns.
        self.control.stop();
    }
}

/// The last sync the shell ran (in the background or on request).
#[derive(Debug, Clone)]
enum Outcome {
    Synced,
    Failed(String),
}

/// What the header's indicator is shown without asking the core (asking counts as
/// activity for the idle lock).
#[derive(Debug, Default)]
struct SyncCache {
    status: Option<SyncStatus>,
    last: Option<Outcome>,
}

impl SyncCache {
    /// Remembers `core`'s answer, adjusted by the last sync this shell ran, and returns it.
    fn update(&mut self, core: clinic_core::sync::SyncStatus) -> SyncStatus {
        let mut status = SyncStatus::from(core);
        match &self.last {
            Some(Outcome::Synced) => status.online = true,
            Some(Outcome::Failed(message)) => {
                status.online = false;
                if status.last_error.is_none() {
                    status.last_error = Some(message.clone());
                }
            }
            None => {}
        }
        self.status = Some(status.clone());
        status
    }
}

/// The state the commands share: where the workstation is, and the session if any.
pub struct Shell {
    data_dir: PathBuf,
    demo: bool,
    clock: Arc<dyn Clock>,
    kdf: KdfParams,
    state: Arc<Mutex<State>>,
    sync: Arc<Mutex<SyncCache>>,
    generation: AtomicU64,
    /// Background sync threads still holding a session (for tests).
    background_running: Arc<AtomicUsize>,
    sync_interval: Duration,
    backup_interval: Duration,
}

impl std::fmt::Debug for Shell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state.try_lock().ok().map(|s| match &*s {
            State::SignedOut => "signed out",
            State::Open(_) => "open",
            State::Locked { .. } => "locked",
        });
        f.debug_struct("Shell")
            .field("data_dir", &self.data_dir)
            .field("demo", &self.demo)
            .field("state", &state)
            .finish_non_exhaustive()
    }
}

impl Shell {
    pub fn new(data_dir: PathBuf, demo: bool, clock: Arc<dyn Clock>, kdf: KdfParams) -> Self {
        Self {
            data_dir,
            demo,
            clock,
            kdf,
            state: Arc::new(Mutex::new(State::SignedOut)),
            sync: Arc::new(Mutex::new(SyncCache::default())),
            generation: AtomicU64::new(0),
            background_running: Arc::new(AtomicUsize::new(0)),
            sync_interval: SYNC_INTERVAL,
            backup_interval: BACKUP_CHECK_INTERVAL,
        }
    }

    /// The same shell with a shorter background sync interval (tests).
    #[cfg(test)]
    fn with_sync_interval(mut self, interval: Duration) -> Self {
        self.sync_interval = interval;
        self
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn app_state(&self) -> AppState {
        let clinic_name = match &*self.state() {
            State::SignedOut => None,
            State::Open(open) => Some(open.session.clinic().name.clone()),
            State::Locked { clinic_name, .. } => Some(clinic_name.clone()),
        };
        AppState {
            initialized: Workstation::exists(&self.data_dir),
            demo: self.demo,
            demo_accounts: if self.demo {
                demo::accounts()
            } else {
                Vec::new()
            },
            clinic_name,
        }
    }

    /// Where the session stands. An open session the core has already locked (idle) is
    /// reported, and kept, as locked.
    pub fn session_state(&self) -> SessionState {
        let mut state = self.state();
        if let State::Open(open) = &*state
            && open.session.is_locked()
        {
            Self::to_locked(&mut state);
        }
        match &*state {
            State::SignedOut => SessionState::SignedOut,
            State::Open(open) => SessionState::Open {
                session: Box::new(SignedIn::of(&open.session)),
            },
            State::Locked {
                username,
                clinic_name,
            } => SessionState::Locked {
                username: username.clone(),
                clinic_name: clinic_name.clone(),
            },
        }
    }

    /// First-run set-up; signs the new admin in.
    pub fn set_up(
        &self,
        clinic_name: &str,
        admin_username: &str,
        password: &str,
    ) -> Result<SetUpDone> {
        let setup = Setup::new(clinic_name, admin_username, password);
        let init = Workstation::init(&self.data_dir, &setup, self.clock.clone(), self.kdf)?;
        let done = SetUpDone {
            recovery_code: ShownOnce(Zeroizing::new(init.recovery_code.as_str().to_owned())),
            session: SignedIn::of(&init.session),
        };
        self.open(init.session, None);
        Ok(done)
    }

    /// Sets this workstation up for a branch that already syncs: enrolls with the code,
    /// signs the user in on the server, pulls the branch's data, and opens the session
    /// (syncing in the background from now on).
    pub fn join(
        &self,
        server: &str,
        code: &str,
        ca_cert_pem: Option<&str>,
        username: &str,
        password: &str,
    ) -> Result<SetUpDone> {
        let join = clinic_core::Join {
            server: server.trim().to_owned(),
            code: code.trim().to_owned(),
            ca_cert: ca_cert_pem
                .map(str::trim)
                .filter(|pem| !pem.is_empty())
                .map(str::to_owned),
            username: username.trim().to_owned(),
            password: Zeroizing::new(password.to_owned()),
        };
        let mut joined = Workstation::join(&self.data_dir, &join, self.clock.clone(), self.kdf)?;
        let done = SetUpDone {
            recovery_code: ShownOnce(Zeroizing::new(joined.recovery_code.as_str().to_owned())),
            session: SignedIn::of(&joined.session),
        };
        let background = joined.session.sync_companion().ok();
        self.open(joined.session, background);
        Ok(done)
    }

    /// Signs in; `totp_code` is needed when the core answers `totp_required`.
    pub fn sign_in(
        &self,
        username: &str,
        password: &str,
        totp_code: Option<&str>,
    ) -> Result<SignedIn> {
        let workstation = Workstation::open(&self.data_dir, self.clock.clone(), self.kdf)?;
        let mut session = workstation.sign_in(username, password, totp_code)?;
        let signed_in = SignedIn::of(&session);
        // A workstation that has joined a sync server syncs in the background, on a second
        // connection of this sign-in (which takes over its sign-in on the server).
        let enrolled = session.sync_configured().unwrap_or(false);
        let background = if enrolled {
            session.sync_companion().ok()
        } else {
            None
        };
        self.open(session, background);
        Ok(signed_in)
    }

    /// Break-glass: opens a pre-created emergency account, read-only and time-limited; the
    /// core records the reason and tells every administrator.
    pub fn break_glass(
        &self,
        username: &str,
        password: &str,
        totp_code: Option<&str>,
        reason: &str,
    ) -> Result<SignedIn> {
        let workstation = Workstation::open(&self.data_dir, self.clock.clone(), self.kdf)?;
        let session = workstation.break_glass(username, password, totp_code, reason)?;
        let signed_in = SignedIn::of(&session);
        self.open(session, None);
        Ok(signed_in)
    }

    /// Unlocks a locked workstation as the same user who locked it.
    pub fn unlock(&self, password: &str, totp_code: Option<&str>) -> Result<SignedIn> {
        let username = match &*self.state() {
            State::Locked { username, .. } => username.clone(),
            State::Open(open) if !open.session.is_locked() => {
                return Ok(SignedIn::of(&open.session));
            }
            State::Open(open) => open.session.actor().username.clone(),
            State::SignedOut => {
                return Err(CommandError::no_session(
                    "nobody is signed in on this workstation; sign in",
                ));
            }
        };
        self.sign_in(&username, password, totp_code)
    }

    /// Locks: the database closes and the key is wiped; the same user unlocks with their
    /// password. Nothing happens when nobody is signed in.
    pub fn lock(&self) {
        Self::to_locked(&mut self.state());
    }

    /// Records the sign-out and forgets who was signed in.
    pub fn sign_out(&self) {
        let previous = std::mem::replace(&mut *self.state(), State::SignedOut);
        if let State::Open(open) = previous {
            // An idle-locked session cannot record its sign-out (its lock was recorded);
            // either way `sign_out` consumes the session, which closes the database.
            let _ = open.session.sign_out();
        }
    }

    /// Closes everything (the app is exiting).
    pub fn shut_down(&self) {
        self.replace(State::SignedOut);
    }

    // ---- notifications -------------------------------------------------------------

    pub fn notifications(&self, unread_only: bool) -> Result<Vec<Notification>> {
        self.with_open(|open| {
            let list = open.session.notifications(unread_only)?;
            Ok(list.into_iter().map(Notification::from).collect())
        })
    }

    pub fn mark_notification_read(&self, id: &str) -> Result<()> {
        let id: NotificationId = parse_id("notification", id)?;
        self.with_open(|open| Ok(open.session.mark_notification_read(id)?))
    }

    // ---- patients ------------------------------------------------------------------

    pub fn search_patients(&self, text: &str, limit: u32) -> Result<Vec<PatientSummary>> {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        self.with_open(|open| {
            let found = open.session.search_patients(text, limit)?;
            Ok(found.into_iter().map(PatientSummary::from).collect())
        })
    }

    pub fn possible_duplicates(&self, input: PatientInput) -> Result<Vec<PatientSummary>> {
        let input = input.into();
        self.with_open(|open| {
            let found = open.session.possible_duplicates(&input)?;
            Ok(found.into_iter().map(PatientSummary::from).collect())
        })
    }

    pub fn register_patient(
        &self,
        input: PatientInput,
        confirmed_not_duplicate: bool,
    ) -> Result<Patient> {
        let input = input.into();
        self.with_open(|open| {
            Ok(open
                .session
                .register_patient(&input, confirmed_not_duplicate)?
                .into())
        })
    }

    pub fn patient(&self, id: &str) -> Result<Patient> {
        let id: PatientId = parse_id("patient", id)?;
        self.with_open(|open| Ok(open.session.patient(id)?.into()))
    }

    pub fn update_patient(&self, id: &str, input: PatientInput) -> Result<Patient> {
        let id: PatientId = parse_id("patient", id)?;
        let input = input.into();
        self.with_open(|open| Ok(open.session.update_patient(id, &input)?.into()))
    }

    pub fn archive_patient(&self, id: &str, reason: &str) -> Result<Patient> {
        let id: PatientId = parse_id("patient", id)?;
        self.with_open(|open| Ok(open.session.archive_patient(id, reason)?.into()))
    }

    /// Brings an archived (not merged) record back into searches.
    pub fn restore_patient(&self, id: &str) -> Result<Patient> {
        let id: PatientId = parse_id("patient", id)?;
        self.with_open(|open| Ok(open.session.restore_patient(id)?.into()))
    }

    /// Merges `duplicate` into `survivor`: everything linked to the duplicate moves, the
    /// duplicate is archived pointing at the survivor, and the merge is recorded.
    pub fn merge_patients(&self, survivor: &str, duplicate: &str) -> Result<PatientMerge> {
        let survivor: PatientId = parse_id("survivor", survivor)?;
        let duplicate: PatientId = parse_id("duplicate", duplicate)?;
        self.with_open(|open| Ok(open.session.merge_patients(survivor, duplicate)?.into()))
    }

    /// The merges a patient took part in, newest first.
    pub fn patient_merges(&self, id: &str) -> Result<Vec<PatientMerge>> {
        let id: PatientId = parse_id("patient", id)?;
        self.with_open(|open| {
            let list = open.session.patient_merges(id)?;
            Ok(list.into_iter().map(PatientMerge::from).collect())
        })
    }

    /// Puts back everything a merge moved and reactivates the duplicate.
    pub fn undo_merge(&self, merge_id: &str) -> Result<PatientMerge> {
        self.with_open(|open| Ok(open.session.undo_merge(merge_id.trim())?.into()))
    }

    /// A patient's appointments, soonest first, with names.
    pub fn patient_appointments(&self, id: &str) -> Result<Vec<AppointmentRow>> {
        let id: PatientId = parse_id("patient", id)?;
        self.with_open(|open| {
            let list = open.session.appointment_rows(&Filter {
                patient: Some(id),
                ..Filter::default()
            })?;
            Ok(rows(list))
        })
    }

    // ---- doctors -------------------------------------------------------------------

    pub fn doctors(&self, specialization: Option<&str>) -> Result<Vec<Doctor>> {
        let specialization = specialization.map(str::trim).filter(|s| !s.is_empty());
        self.with_open(|open| {
            let list = open.session.doctors(specialization)?;
            Ok(list
                .into_iter()
                .filter(|d| d.active)
                .map(Doctor::from)
                .collect())
        })
    }

    /// Every doctor, deactivated ones too, for the doctors screen.
    pub fn all_doctors(&self) -> Result<Vec<Doctor>> {
        self.with_open(|open| {
            Ok(open
                .session
                .doctors(None)?
                .into_iter()
                .map(Doctor::from)
                .collect())
        })
    }

    /// Adds a doctor profile to an existing user account with the doctor role.
    pub fn add_doctor(&self, input: DoctorInput) -> Result<Doctor> {
        let input = input.into();
        self.with_open(|open| Ok(open.session.add_doctor(&input)?.into()))
    }

    /// Changes a doctor's specialization, fee or active flag (`None` keeps it).
    pub fn update_doctor(
        &self,
        id: &str,
        specialization: Option<&str>,
        fee_minor: Option<i64>,
        active: Option<bool>,
    ) -> Result<Doctor> {
        let id: DoctorId = parse_id("doctor", id)?;
        self.with_open(|open| {
            Ok(open
                .session
                .update_doctor(id, specialization, fee_minor, active)?
                .into())
        })
    }

    /// A doctor's weekly hours, by weekday, branch and start.
    pub fn doctor_hours(&self, id: &str) -> Result<Vec<WeeklyHours>> {
        let id: DoctorId = parse_id("doctor", id)?;
        self.with_open(|open| {
            let blocks = open.session.doctor_hours(id)?;
            weekly_hours(open, blocks)
        })
    }

    /// Replaces a doctor's weekly hours; answers with them as stored.
    pub fn set_doctor_hours(&self, id: &str, hours: Vec<WeeklyHours>) -> Result<Vec<WeeklyHours>> {
        let id: DoctorId = parse_id("doctor", id)?;
        let hours: Vec<clinic_core::frontdesk::doctors::HoursInput> = hours
            .into_iter()
            .map(|h| clinic_core::frontdesk::doctors::HoursInput {
                branch_code: h.branch_code,
                weekday: h.weekday,
                start: h.start,
                end: h.end,
                slot_minutes: h.slot_minutes,
            })
            .collect();
        self.with_open(|open| {
            let blocks = open.session.set_doctor_hours(id, &hours)?;
            weekly_hours(open, blocks)
        })
    }

    /// A doctor's time off from today (clinic time) for a year.
    pub fn doctor_time_off(&self, id: &str) -> Result<Vec<TimeOff>> {
        let id: DoctorId = parse_id("doctor", id)?;
        self.with_open(|open| time_off_list(open.session.upcoming_time_off(id)?))
    }

    /// Cancels time off (kept, marked); answers with the doctor's time off from today.
    pub fn cancel_time_off(&self, id: &str, time_off: &str) -> Result<Vec<TimeOff>> {
        let id: DoctorId = parse_id("doctor", id)?;
        self.with_open(|open| {
            open.session.cancel_time_off(id, time_off)?;
            time_off_list(open.session.upcoming_time_off(id)?)
        })
    }

    /// Adds time off between two clinic-local times (`YYYY-MM-DDTHH:MM`); answers with the
    /// doctor's time off from today.
    pub fn add_time_off(
        &self,
        id: &str,
        from: &str,
        to: &str,
        reason: &str,
    ) -> Result<Vec<TimeOff>> {
        let id: DoctorId = parse_id("doctor", id)?;
        self.with_open(|open| {
            open.session.add_time_off(id, from, to, reason)?;
            time_off_list(open.session.upcoming_time_off(id)?)
        })
    }

    /// The specializations of active doctors, sorted, each once.
    pub fn specializations(&self) -> Result<Vec<String>> {
        self.with_open(|open| Ok(open.session.specializations()?))
    }

    /// Doctors of a specialization with their first free slot on or after `from` (a
    /// clinic-local day; today if absent).
    pub fn find_available_doctors(
        &self,
        specialization: &str,
        from: Option<&str>,
    ) -> Result<Vec<Availability>> {
        let from = from.map(|d| parse_day("from", d)).transpose()?;
        self.with_open(|open| {
            let from = match from {
                Some(from) => from,
                None => open.session.today()?,
            };
            let found = open.session.find_available_doctors(specialization, from)?;
            Ok(found.into_iter().map(Availability::from).collect())
        })
    }

    pub fn free_slots(&self, doctor_id: &str, day: &str) -> Result<Vec<Slot>> {
        let doctor: DoctorId = parse_id("doctor", doctor_id)?;
        let day = parse_day("day", day)?;
        self.with_open(|open| {
            let slots = open.session.free_slots(doctor, day)?;
            Ok(slots.into_iter().map(Slot::from).collect())
        })
    }

    // ---- appointments --------------------------------------------------------------

    pub fn hold_slot(
        &self,
        patient_id: &str,
        doctor_id: &str,
        starts_at: &str,
        reason: Option<&str>,
    ) -> Result<Appointment> {
        let patient: PatientId = parse_id("patient", patient_id)?;
        let doctor: DoctorId = parse_id("doctor", doctor_id)?;
        let starts_at = parse_time("starts_at", starts_at)?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        self.with_open(|open| {
            Ok(open
                .session
                .hold_slot(patient, doctor, starts_at, reason)?
                .into())
        })
    }

    pub fn confirm_appointment(&self, id: &str) -> Result<Appointment> {
        let id: AppointmentId = parse_id("appointment", id)?;
        self.with_open(|open| Ok(open.session.confirm_appointment(id)?.into()))
    }

    pub fn cancel_appointment(&self, id: &str, reason: &str) -> Result<Appointment> {
        let id: AppointmentId = parse_id("appointment", id)?;
        self.with_open(|open| Ok(open.session.cancel_appointment(id, reason)?.into()))
    }

    pub fn reschedule_appointment(
        &self,
        id: &str,
        doctor_id: Option<&str>,
        starts_at: &str,
    ) -> Result<Appointment> {
        let id: AppointmentId = parse_id("appointment", id)?;
        let doctor: Option<DoctorId> = doctor_id.map(|d| parse_id("doctor", d)).transpose()?;
        let starts_at = parse_time("starts_at", starts_at)?;
        self.with_open(|open| {
            Ok(open
                .session
                .reschedule_appointment(id, doctor, starts_at)?
                .into())
        })
    }

    pub fn check_in(&self, id: &str) -> Result<Appointment> {
        let id: AppointmentId = parse_id("appointment", id)?;
        self.with_open(|open| Ok(open.session.check_in(id)?.into()))
    }

    /// One clinic day's appointments at this branch (today if `day` is absent), in time
    /// order, with patient and doctor names.
    pub fn day_appointments(&self, day: Option<&str>) -> Result<DayAppointments> {
        let day = day.map(|d| parse_day("day", d)).transpose()?;
        self.with_open(|open| {
            let (day, list) = open.session.day_queue(day)?;
            Ok(DayAppointments {
                day: day.format("%Y-%m-%d").to_string(),
                rows: rows(list),
            })
        })
    }

    /// Appointments over `days` clinic days from `from` (1 to 31; a day or a week), for
    /// one doctor or all, at one branch (code) or all; `branch` absent means this
    /// workstation's branch, an empty string every branch.
    pub fn calendar(
        &self,
        from: &str,
        days: u32,
        doctor_id: Option<&str>,
        branch: Option<&str>,
    ) -> Result<CalendarAppointments> {
        let days = CalendarDays::new(parse_day("from", from)?, days)?;
        let doctor: Option<DoctorId> = doctor_id
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(|d| parse_id("doctor", d))
            .transpose()?;
        self.with_open(|open| {
            let calendar = open.session.calendar(days, doctor, branch)?;
            Ok(CalendarAppointments {
                days: calendar
                    .days
                    .iter()
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .collect(),
                branch_code: calendar.branch_code,
                doctor_id: calendar.doctor.map(|d| d.to_string()),
                rows: rows(calendar.rows),
            })
        })
    }

    // ---- administration: users, settings, audit -------------------------------------

    /// Every user account, by user name, with the codes of their branches.
    pub fn users(&self) -> Result<Vec<UserAccount>> {
        self.with_open(|open| {
            let users = open.session.list_users()?;
            let codes = open.session.branch_codes()?;
            let mut list: Vec<UserAccount> = users
                .into_iter()
                .map(|u| UserAccount::of(u, &codes))
                .collect();
            list.sort_by_key(|u| u.username.to_lowercase());
            Ok(list)
        })
    }

    pub fn branches(&self) -> Result<Vec<Branch>> {
        self.with_open(|open| {
            Ok(open
                .session
                .branches()?
                .into_iter()
                .map(Branch::from)
                .collect())
        })
    }

    /// Adds a branch to the clinic group (administrators; the core checks and audits it)
    /// and answers with the group's branches as they now stand, so the screen shows the
    /// order the core keeps.
    pub fn add_branch(&self, code: &str, name: &str) -> Result<Vec<Branch>> {
        self.with_open(|open| {
            open.session.add_branch(code, name)?;
            Ok(open
                .session
                .branches()?
                .into_iter()
                .map(Branch::from)
                .collect())
        })
    }

    /// Adds a user with their initial password. `display_name` defaults to the user name;
    /// `branches` (codes) empty means every branch.
    pub fn create_user(
        &self,
        username: &str,
        display_name: Option<&str>,
        role: Role,
        password: &str,
        branches: &[String],
    ) -> Result<UserAccount> {
        let mut new = clinic_core::NewUser::new(username.trim(), role.into(), password);
        if let Some(name) = display_name.map(str::trim).filter(|n| !n.is_empty()) {
            name.clone_into(&mut new.display_name);
        }
        new.branches = clean_codes(branches);
        self.with_open(|open| {
            let user = open.session.create_user(&new)?;
            user_account(open, user)
        })
    }

    /// Adds a disabled break-glass account (doctor-level reading, opened only with a
    /// reason at the sign-in screen).
    pub fn create_emergency_account(&self, username: &str, password: &str) -> Result<UserAccount> {
        self.with_open(|open| {
            let user = open
                .session
                .create_emergency_account(username.trim(), password)?;
            user_account(open, user)
        })
    }

    /// Lets a user made on another workstation of the group sign in here with their own
    /// password, which the sync server confirms. Administrators, enrolled workstations.
    pub fn admit_user_here(&self, username: &str, password: &str) -> Result<()> {
        self.with_open(|open| Ok(open.session.admit_user_here(username.trim(), password)?))
    }

    pub fn set_user_role(&self, username: &str, role: Role) -> Result<UserAccount> {
        self.with_open(|open| {
            let user = open.session.set_role(username, role.into())?;
            user_account(open, user)
        })
    }

    pub fn deactivate_user(&self, username: &str) -> Result<UserAccount> {
        self.with_open(|open| {
            let user = open.session.deactivate_user(username)?;
            user_account(open, user)
        })
    }

    pub fn reactivate_user(&self, username: &str) -> Result<UserAccount> {
        self.with_open(|open| {
            let user = open.session.reactivate_user(username)?;
            user_account(open, user)
        })
    }

    pub fn set_user_branches(&self, username: &str, codes: &[String]) -> Result<UserAccount> {
        let codes = clean_codes(codes);
        self.with_open(|open| {
            let user = open.session.set_user_branches(username, &codes)?;
            user_account(open, user)
        })
    }

    pub fn sign_in_settings(&self) -> Result<SignInSettings> {
        self.with_open(|open| Ok(open.session.sign_in_settings()?.into()))
    }

    /// Turns the second-factor requirement for `role` on or off; answers with the settings
    /// as they now stand.
    pub fn set_totp_required(&self, role: Role, required: bool) -> Result<SignInSettings> {
        self.with_open(|open| {
            open.session.set_totp_required(role.into(), required)?;
            Ok(open.session.sign_in_settings()?.into())
        })
    }

    pub fn set_idle_lock_minutes(&self, minutes: u32) -> Result<SignInSettings> {
        self.with_open(|open| {
            open.session.set_idle_lock_minutes(minutes)?;
            Ok(open.session.sign_in_settings()?.into())
        })
    }

    /// Audit events matching `query`, newest first. The days are clinic-local and the last
    /// one is included.
    pub fn backup_schedule(&self) -> Result<BackupSchedule> {
        self.with_open(|open| Ok(open.session.backup_schedule()?.into()))
    }

    pub fn set_backup_schedule(&self, input: BackupScheduleInput) -> Result<BackupSchedule> {
        self.with_open(|open| {
            Ok(open
                .session
                .set_backup_schedule(&input.folder, input.daily, input.keep)?
                .into())
        })
    }

    /// Writes a backup into the scheduled folder now; the answer's `last` names the file.
    pub fn backup_now(&self) -> Result<BackupSchedule> {
        self.with_open(|open| {
            open.session.backup_now()?;
            Ok(open.session.backup_schedule()?.into())
        })
    }

    pub fn audit_log(&self, query: AuditQuery) -> Result<Vec<AuditEntry>> {
        let text = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let days = AuditDays::parse(query.from.as_deref(), query.to.as_deref())?;
        let username = text(query.username);
        let action = text(query.action);
        let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
        self.with_open(|open| {
            let (from, to) = days.bounds(open.session.clinic_time()?);
            let filter = clinic_core::AuditFilter {
                username,
                patient: None,
                action,
                from,
                to,
                limit,
                newest_first: true,
            };
            let list = open.session.audit_list(&filter)?;
            Ok(list.into_iter().map(AuditEntry::from).collect())
        })
    }

    /// Walks every device's audit hash chain.
    pub fn audit_verify(&self) -> Result<AuditVerification> {
        self.with_open(|open| Ok(open.session.audit_verify()?.into()))
    }

    // ---- second factor, sync -------------------------------------------------------

    pub fn begin_totp_enrolment(&self) -> Result<TotpSetup> {
        self.with_open(|open| {
            let e = open.session.begin_totp_enrolment()?;
            let qr = QrMatrix::encode(&e.uri)?;
            Ok(TotpSetup {
                secret: e.secret,
                uri: e.uri,
                qr,
            })
        })
    }

    /// Turns on the signed-in user's second factor; answers with the session as it now
    /// stands (the core lifts the "enrol first" restriction).
    pub fn enrol_totp(&self, secret: &str, code: &str) -> Result<SignedIn> {
        self.with_open(|open| {
            open.session.enrol_totp(secret.trim(), code.trim())?;
            Ok(SignedIn::of(&open.session))
        })
    }

    /// Whether sync is set up, and what is waiting to be sent. Asks the core (which counts
    /// as activity); [`Shell::cached_sync_status`] does not.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        self.with_open(|open| {
            let core = open.session.sync_status()?;
            Ok(lock_ignoring_poison(&self.sync).update(core))
        })
    }

    /// The sync status last seen (by a command or the background thread), without asking
    /// the core; `None` when nobody is signed in or nothing is known yet.
    pub fn cached_sync_status(&self) -> Option<SyncStatus> {
        if !matches!(&*self.state(), State::Open(_)) {
            return None;
        }
        lock_ignoring_poison(&self.sync).status.clone()
    }

    /// Syncs now on the UI's session (retrying a few times when offline).
    pub fn sync_now(&self) -> Result<SyncReport> {
        // With a background thread, it runs the round: the UI's session is not held while
        // the server is asked, so every other screen stays usable.
        let control =
            self.with_open(|open| Ok(open.background.as_ref().map(|b| Arc::clone(&b.control))))?;
        if let Some(control) = control {
            return control.run_now(SYNC_NOW_WAIT);
        }
        self.with_open(|open| {
            let result = open.session.sync_now();
            let mut cache = lock_ignoring_poison(&self.sync);
            cache.last = Some(match &result {
                Ok(_) => Outcome::Synced,
                Err(err) => Outcome::Failed(err.to_string()),
            });
            if let Ok(core) = open.session.sync_status() {
                cache.update(core);
            }
            Ok(result?.into())
        })
    }

    /// Sets a kept pulled change aside with a reason (administrators); never deleted.
    pub fn dismiss_sync_conflict(&self, change_id: &str, why: &str) -> Result<()> {
        self.with_open(|open| Ok(open.session.sync_dismiss_conflict(change_id, why)?))
    }

    /// Every workstation of the group, from the sync server (administrators). Asks the
    /// server while holding the session: an administrator's occasional look.
    pub fn group_devices(&self) -> Result<Vec<GroupDevice>> {
        self.with_open(|open| {
            let own = open.session.actor().device.to_string();
            let list = open.session.sync_devices()?;
            Ok(list
                .into_iter()
                .map(|d| GroupDevice {
                    this_workstation: d.device_id == own,
                    device_id: d.device_id,
                    name: d.name,
                    branch_code: d.branch_code,
                    enrolled_at: d.enrolled_at,
                    revoked_at: d.revoked_at,
                    last_push_at: d.last_push_at,
                })
                .collect())
        })
    }

    /// Revokes another workstation of the group at once (administrators).
    pub fn revoke_device(&self, device_id: &str) -> Result<()> {
        self.with_open(|open| Ok(open.session.sync_revoke_device(device_id)?))
    }

    /// Joins this workstation to a sync server with a one-time code. Administrators only
    /// (the core checks). Background sync starts at once.
    pub fn sync_join(
        &self,
        server: &str,
        code: &str,
        ca_cert_pem: Option<&str>,
    ) -> Result<SyncStatus> {
        let ca_cert_pem = ca_cert_pem.map(str::trim).filter(|pem| !pem.is_empty());
        self.with_open(|open| {
            open.session.sync_join(server.trim(), code, ca_cert_pem)?;
            if open.background.is_none()
                && let Ok(companion) = open.session.sync_companion()
            {
                open.background = Some(self.spawn_background(open.generation, companion));
            }
            let core = open.session.sync_status()?;
            Ok(lock_ignoring_poison(&self.sync).update(core))
        })
    }

    /// Pulled changes this workstation could not apply (administrators; read-only: the
    /// core keeps them until they are resolved).
    pub fn sync_conflicts(&self) -> Result<Vec<SyncConflict>> {
        self.with_open(|open| {
            let list = open.session.sync_conflicts()?;
            Ok(list.into_iter().map(SyncConflict::from).collect())
        })
    }

    /// Bookings the sync server marked `conflict` (another branch booked the slot
    /// first), soonest first, with names: the front desk rebooks or cancels them.
    pub fn conflicted_appointments(&self) -> Result<Vec<AppointmentRow>> {
        self.with_open(|open| {
            let list = open.session.appointment_rows(&Filter {
                status: Some("conflict".into()),
                ..Filter::default()
            })?;
            Ok(rows(list))
        })
    }

    /// The scheduled-backup step the timer runs, for tests: writes a backup if one is
    /// due. True when one was attempted (its result is in [`Shell::backup_schedule`]).
    #[cfg(test)]
    fn run_due_backup(&self) -> Result<bool> {
        self.with_open(|open| Ok(open.session.run_due_backup()?.is_some()))
    }

    /// Background sync threads that still hold a session.
    #[cfg(test)]
    fn background_threads(&self) -> usize {
        self.background_running.load(Ordering::SeqCst)
    }

    // ---- plumbing ------------------------------------------------------------------

    /// Runs `f` on the open session. If the core reports the session locked (idle), the
    /// shell moves to locked, so `session_state` tells the UI to show the lock screen.
    fn with_open<T>(&self, f: impl FnOnce(&mut Open) -> Result<T>) -> Result<T> {
        let mut state = self.state();
        let State::Open(open) = &mut *state else {
            return Err(match &*state {
                State::Locked { .. } => CommandError::no_session(
                    "the workstation is locked; enter your password to unlock it",
                ),
                _ => CommandError::no_session("nobody is signed in; sign in first"),
            });
        };
        let result = f(open);
        if matches!(&result, Err(e) if e.code == ErrorCode::SessionLocked)
            || open.session.is_locked()
        {
            Self::to_locked(&mut state);
        }
        result
    }

    fn to_locked(state: &mut State) {
        let next = match &*state {
            State::Open(open) => State::Locked {
                username: open.session.actor().username.clone(),
                clinic_name: open.session.clinic().name.clone(),
            },
            _ => return,
        };
        if let State::Open(open) = std::mem::replace(state, next) {
            open.session.lock();
        }
    }

    fn replace(&self, next: State) {
        let previous = std::mem::replace(&mut *self.state(), next);
        if let State::Open(open) = previous {
            open.session.lock();
        }
    }

    /// Makes `session` the open one (locking any previous one, which stops its background
    /// sync) and starts background sync on `background` if given.
    fn open(&self, session: Session, background: Option<Session>) {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        *lock_ignoring_poison(&self.sync) = SyncCache::default();
        let previous = {
            let mut state = self.state();
            // Started while the state is held, the thread's first look finds this session
            // open; started before, it could find the previous one and stop at once.
            let background = background.map(|bg| self.spawn_background(generation, bg));
            std::mem::replace(
                &mut *state,
                State::Open(Box::new(Open {
                    session,
                    generation,
                    background,
                    _backup_timer: self.spawn_backup_timer(generation),
                })),
            )
        };
        if let State::Open(open) = previous {
            open.session.lock();
        }
    }

    /// Starts the thread that syncs `session` while the UI session `generation` stays
    /// open and active. It syncs right away, then every [`SYNC_INTERVAL`] (or half the
    /// idle limit, if shorter, so its own session does not idle-lock between rounds).
    fn spawn_background(&self, generation: u64, mut session: Session) -> Background {
        let control = Arc::new(Control::default());
        let state = Arc::clone(&self.state);
        let cache = Arc::clone(&self.sync);
        let running = Arc::clone(&self.background_running);
        let half_idle = session
            .idle_limit()
            .to_std()
            .map_or(self.sync_interval, |limit| limit / 2);
        let interval = self.sync_interval.min(half_idle);
        running.fetch_add(1, Ordering::SeqCst);
        let thread_control = Arc::clone(&control);
        let spawned = std::thread::Builder::new()
            .name("clinic-sync".into())
            .spawn(move || {
                loop {
                    if thread_control.is_stopped() || !ui_session_active(&state, generation) {
                        break;
                    }
                    thread_control.begin_round();
                    let result = session.sync_with_retries(Retries::NONE);
                    if thread_control.is_stopped() || session.is_locked() {
                        break;
                    }
                    let status = session.sync_status();
                    {
                        let mut cache = lock_ignoring_poison(&cache);
                        cache.last = Some(match &result {
                            Ok(_) => Outcome::Synced,
                            Err(err) => Outcome::Failed(err.to_string()),
                        });
                        if let Ok(core) = status {
                            cache.update(core);
                        }
                    }
                    thread_control.end_round(result.map(Into::into).map_err(Into::into));
                    if thread_control.wait(interval) {
                        break;
                    }
                }
                // Closes its database and wipes its key.
                drop(session);
                running.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            // The session moved into the closure was dropped with it.
            self.background_running.fetch_sub(1, Ordering::SeqCst);
        }
        Background { control }
    }

    /// Starts the timer that, every [`BACKUP_CHECK_INTERVAL`] while the UI session
    /// `generation` stays open and active, runs the scheduled backup if one is due. The
    /// backup runs on the UI session, so commands wait for it (a clinic's database is
    /// copied and checked in seconds, once a day); unlike sync it needs no network and no
    /// second session. It never runs at sign-in itself: the first look is one interval
    /// later, so a busy sign-in is not slowed by it.
    fn spawn_backup_timer(&self, generation: u64) -> Background {
        let control = Arc::new(Control::default());
        let state = Arc::clone(&self.state);
        let interval = self.backup_interval;
        let thread_control = Arc::clone(&control);
        // If the thread cannot start, scheduled backups wait for the next sign-in.
        let _ = std::thread::Builder::new()
            .name("clinic-backup".into())
            .spawn(move || {
                while !thread_control.wait(interval) && ui_session_active(&state, generation) {
                    if let State::Open(open) = &mut *lock_ignoring_poison(&state)
                        && open.generation == generation
                    {
                        // The result is kept in the database for the Administration
                        // screen and in the audit log; a locked session runs nothing.
                        let _ = open.session.run_due_backup();
                    }
                }
            });
        Background { control }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave a half-written state behind.
        lock_ignoring_poison(&self.state)
    }
}

#[cfg(test)]
impl State {
    fn is_open_and_unlocked(&self) -> bool {
        matches!(self, State::Open(open) if !open.session.is_locked())
    }
}

fn lock_ignoring_poison<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether the UI session `generation` is still the open one and not idle past its limit.
/// Holds the state lock only for the check.
fn ui_session_active(state: &Mutex<State>, generation: u64) -> bool {
    match &*lock_ignoring_poison(state) {
        State::Open(open) => open.generation == generation && !open.session.idle_expired(),
        _ => false,
    }
}

/// Appointments with the names the core put on them.
fn rows(list: Vec<clinic_core::frontdesk::appointments::AppointmentRow>) -> Vec<AppointmentRow> {
    list.into_iter().map(AppointmentRow::from).collect()
}

/// Weekly hours with branch codes and `HH:MM` times, in week order.
fn weekly_hours(
    open: &mut Open,
    blocks: Vec<clinic_core::frontdesk::doctors::HoursBlock>,
) -> Result<Vec<WeeklyHours>> {
    let codes = open.session.branch_codes()?;
    let hhmm = |minute: u32| format!("{:02}:{:02}", minute / 60, minute % 60);
    let mut list: Vec<WeeklyHours> = blocks
        .into_iter()
        .map(|b| WeeklyHours {
            branch_code: codes
                .get(&b.branch_id)
                .cloned()
                .unwrap_or_else(|| b.branch_id.to_string()),
            weekday: b.weekday,
            start: hhmm(b.start_minute),
            end: hhmm(b.end_minute),
            slot_minutes: b.slot_minutes,
        })
        .collect();
    list.sort_by(|a, b| {
        (a.weekday, &a.start, &a.branch_code).cmp(&(b.weekday, &b.start, &b.branch_code))
    });
    Ok(list)
}

fn time_off_list(list: Vec<clinic_core::frontdesk::doctors::TimeOff>) -> Result<Vec<TimeOff>> {
    Ok(list.into_iter().map(TimeOff::from).collect())
}

fn user_account(open: &mut Open, user: clinic_core::User) -> Result<UserAccount> {
    let codes = open.session.branch_codes()?;
    Ok(UserAccount::of(user, &codes))
}

/// Branch codes as typed: trimmed, upper case, blanks dropped, each once.
fn clean_codes(codes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = codes
        .iter()
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

fn parse_id<T: FromStr>(field: &str, text: &str) -> Result<T> {
    text.trim()
        .parse()
        .map_err(|_| CommandError::invalid(field, format!("\"{text}\" is not a valid {field} id")))
}

fn parse_day(field: &'static str, text: &str) -> Result<NaiveDate> {
    Ok(clinic_core::clinic_time::parse_date(field, text)?)
}

fn parse_time(field: &str, text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| CommandError::invalid(field, format!("\"{text}\" is not a time")))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use clinic_core::{ManualClock, NewUser, Role};

    use clinic_core::Code;
    use clinic_core::clock::to_db_time;

    use super::*;

    /// No test reads the wall clock. Monday 2026-01-05 at 09:00 in the demo clinic
    /// (Africa/Nairobi, UTC+3) ...
    const NAIROBI_MORNING: &str = "2026-01-05T06:00:00Z";
    /// ... and ten minutes before its day ends, when no slot of the day is left to book.
    const NAIROBI_LATE: &str = "2026-01-05T20:50:00Z";

    fn clock_at(rfc3339: &str) -> Arc<ManualClock> {
        let at = DateTime::parse_from_rfc3339(rfc3339).unwrap();
        Arc::new(ManualClock::new(at.with_timezone(&Utc)))
    }

    /// The demo clinic's date at `clock`'s now, plus `days`, as the UI sends days.
    fn nairobi_day(clock: &dyn Clock, days: i64) -> String {
        let clinic_time = clinic_core::ClinicTime::parse(demo::TIME_ZONE).unwrap();
        (clinic_time.today(clock) + chrono::Duration::days(days))
            .format("%Y-%m-%d")
            .to_string()
    }

    /// A shell on a clock stopped at [`ManualClock::monday_morning`].
    fn shell(dir: &Path) -> Shell {
        Shell::new(
            dir.to_owned(),
            false,
            Arc::new(ManualClock::monday_morning()),
            KdfParams::FAST_INSECURE_FOR_TESTS,
        )
    }

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let map: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), OsString::from(v)))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn data_dir_prefers_clinic_data_dir_then_xdg_then_home() {
        let all = [
            ("CLINIC_DATA_DIR", "/srv/clinic"),
            ("XDG_DATA_HOME", "/home/a/.data"),
            ("HOME", "/home/a"),
        ];
        assert_eq!(resolve_data_dir(env(&all)), Some("/srv/clinic".into()));
        assert_eq!(
            resolve_data_dir(env(&all[1..])),
            Some("/home/a/.data/clinic".into())
        );
        assert_eq!(
            resolve_data_dir(env(&all[2..])),
            Some("/home/a/.local/share/clinic".into())
        );
        assert_eq!(
            resolve_data_dir(env(&[
                ("CLINIC_DATA_DIR", ""),
                ("XDG_DATA_HOME", "relative"),
                ("HOME", "/h")
            ])),
            Some("/h/.local/share/clinic".into()),
            "empty and relative values are ignored"
        );
        assert_eq!(resolve_data_dir(env(&[])), None);
    }

    #[test]
    fn the_command_line_names_the_data_directory_and_the_demo_mode() {
        let parse = |args: &[&str]| parse_args(args.iter().map(OsString::from));
        assert_eq!(parse(&[]).unwrap(), Args::default());
        assert_eq!(
            parse(&["--data-dir", "/srv/clinic", "--no-demo"]).unwrap(),
            Args {
                data_dir: Some(PathBuf::from("/srv/clinic")),
                demo: Some(false)
            }
        );
        assert_eq!(
            parse(&["--data-dir=/tmp/x", "--demo"]).unwrap(),
            Args {
                data_dir: Some(PathBuf::from("/tmp/x")),
                demo: Some(true)
            }
        );
        assert!(
            parse(&["--data-dir"])
                .unwrap_err()
                .contains("needs a directory")
        );
        assert!(
            parse(&["--verbose"])
                .unwrap_err()
                .contains("--data-dir DIR")
        );
    }

    #[test]
    fn demo_mode_needs_an_explicit_yes() {
        assert!(demo_enabled(Some("1".into())));
        assert!(!demo_enabled(Some("0".into())));
        assert!(!demo_enabled(Some("".into())));
        assert!(!demo_enabled(None));
    }

    fn is_open(shell: &Shell) -> bool {
        matches!(shell.session_state(), SessionState::Open { .. })
    }

    /// Polls `done` for up to 30 s. The threads answer in milliseconds; the margin is for
    /// a machine busy with other builds (5 s was seen to run out).
    fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
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
    fn open_with_background(shell: &Shell, clock: Arc<dyn Clock>) {
        let workstation =
            Workstation::open(shell.data_dir(), clock, KdfParams::FAST_INSECURE_FOR_TESTS).unwrap();
        let mut ui = workstation.unlock("admin", "a long password").unwrap();
        let background = ui.sync_companion().unwrap();
        shell.open(ui, Some(background));
    }

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
                .with_open(|open| {
                    Ok(open
                        .session
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
            shell.state().is_open_and_unlocked(),
            "checking the idle limit neither locks the UI session nor counts as activity"
        );
        assert_eq!(
            shell.search_patients("anna", 5).unwrap_err().code,
            ErrorCode::SessionLocked
        );
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
        assert_eq!(done.session.actor.role, crate::dto::Role::Admin);
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
    fn validation_errors_name_the_field_and_drop_the_prefix() {
        let tmp = tempfile::tempdir().unwrap();
        let err = shell(tmp.path())
            .set_up("Clinic", "admin", "short")
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation);
        assert_eq!(err.field.as_deref(), Some("password"));
        assert_eq!(err.message, "must be at least 10 characters long");

        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "validation",
                "message": "must be at least 10 characters long",
                "field": "password"
            })
        );
        let json = serde_json::to_value(CommandError::internal("boom")).unwrap();
        assert_eq!(
            json["field"],
            serde_json::Value::Null,
            "field is null, not absent"
        );
    }

    #[test]
    fn error_codes_are_spelled_as_the_core_spells_them() {
        for code in [
            Code::BadCredentials,
            Code::TotpRequired,
            Code::SessionLocked,
            Code::PossibleDuplicate,
            Code::SlotTaken,
            Code::InvalidTransition,
            Code::Forbidden,
            Code::Internal,
        ] {
            assert_eq!(
                serde_json::to_value(ErrorCode::from(code)).unwrap(),
                serde_json::Value::String(code.as_str().into()),
                "the UI matches on the core's spelling"
            );
        }
    }

    #[test]
    fn ids_days_and_times_that_do_not_parse_are_field_errors() {
        let err = parse_id::<PatientId>("patient", "nope").unwrap_err();
        assert_eq!(
            (err.code, err.field.as_deref()),
            (ErrorCode::Validation, Some("patient"))
        );
        assert!(parse_day("day", "2026-02-30").is_err());
        assert_eq!(
            parse_day("day", " 2026-03-01 ").unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
        );
        let t = parse_time("starts_at", "2026-01-05T09:20:00.000Z").unwrap();
        assert_eq!(to_db_time(t), "2026-01-05T09:20:00.000Z", "round-trips");
        assert!(parse_time("starts_at", "09:20").is_err());
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
            .with_open(|open| {
                let new = NewUser::new("desk", Role::Receptionist, "front office 2026");
                open.session.create_user(&new)?;
                Ok(())
            })
            .unwrap();
        let desk = shell.sign_in("desk", "front office 2026", None).unwrap();
        let caps = desk.capabilities;
        assert!(caps.register_patients && caps.book_appointments && caps.check_in);
        assert!(!caps.archive_patients);
    }

    #[test]
    fn front_desk_registers_searches_books_and_checks_in() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = clock_at(NAIROBI_MORNING);
        let kdf = KdfParams::FAST_INSECURE_FOR_TESTS;
        assert!(demo::ensure_workstation(tmp.path(), clock.clone(), kdf).unwrap());
        let shell = Shell::new(tmp.path().to_owned(), true, clock.clone(), kdf);
        let desk = demo::accounts()
            .into_iter()
            .find(|a| a.role == crate::dto::Role::Receptionist)
            .unwrap();
        shell.sign_in(&desk.username, &desk.password, None).unwrap();

        let input = PatientInput {
            given_name: "Zawadi".into(),
            family_name: "Otieno".into(),
            date_of_birth: "1990-04-12".into(),
            sex: "female".into(),
            phone: Some("0700 111 222".into()),
            ..PatientInput::default()
        };
        assert!(shell.possible_duplicates(input.clone()).unwrap().is_empty());
        let zawadi = shell.register_patient(input.clone(), false).unwrap();
        let again = shell.register_patient(input.clone(), false).unwrap_err();
        assert_eq!(again.code, ErrorCode::PossibleDuplicate);
        assert!(
            again.message.contains(&zawadi.mrn),
            "the warning names the record"
        );
        let dups = shell.possible_duplicates(input.clone()).unwrap();
        assert_eq!(dups.len(), 1);

        let found = shell.search_patients("zawadi otie", 20).unwrap();
        assert!(
            found.iter().any(|p| p.id == zawadi.id),
            "search as you type finds the new record by name prefixes"
        );

        let bad = shell
            .update_patient(
                &zawadi.id,
                PatientInput {
                    date_of_birth: "3000-01-01".into(),
                    ..input.clone()
                },
            )
            .unwrap_err();
        assert_eq!(
            (bad.code, bad.field.as_deref()),
            (ErrorCode::Validation, Some("date_of_birth")),
            "a birth date in the future is refused next to its field"
        );

        let specializations = shell.specializations().unwrap();
        assert!(!specializations.is_empty());
        let available = shell
            .find_available_doctors(&specializations[0], None)
            .unwrap();
        let first = available.first().expect("demo doctors have free slots");
        let day = {
            let clinic_time = clinic_core::ClinicTime::parse(demo::TIME_ZONE).unwrap();
            clinic_time
                .date_of(parse_time("t", &first.first_free.starts_at).unwrap())
                .format("%Y-%m-%d")
                .to_string()
        };
        let slots = shell.free_slots(&first.doctor.id, &day).unwrap();
        assert_eq!(slots.first(), Some(&first.first_free));

        let held = shell
            .hold_slot(
                &zawadi.id,
                &first.doctor.id,
                &first.first_free.starts_at,
                Some("  "),
            )
            .unwrap();
        assert_eq!(held.status, crate::dto::AppointmentStatus::Held);
        assert!(held.hold_expires_at.is_some() && held.provisional);
        let taken = shell
            .hold_slot(
                &zawadi.id,
                &first.doctor.id,
                &first.first_free.starts_at,
                None,
            )
            .unwrap_err();
        assert_eq!(taken.code, ErrorCode::SlotTaken);

        let confirmed = shell.confirm_appointment(&held.id).unwrap();
        assert_eq!(confirmed.status, crate::dto::AppointmentStatus::Confirmed);
        let mine = shell.patient_appointments(&zawadi.id).unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].patient_name, "Zawadi Otieno");
        assert_eq!(mine[0].doctor_name, first.doctor.name);

        let queue = shell.day_appointments(Some(&day)).unwrap();
        assert_eq!(queue.day, day);
        let row = queue
            .rows
            .iter()
            .find(|r| r.appointment.id == confirmed.id)
            .expect("the booking is in that day's queue");
        assert_eq!(row.patient_mrn, zawadi.mrn);
        let checked = shell.check_in(&confirmed.id).unwrap();
        assert_eq!(checked.status, crate::dto::AppointmentStatus::CheckedIn);
        let twice = shell.check_in(&confirmed.id).unwrap_err();
        assert_eq!(twice.code, ErrorCode::InvalidTransition);

        let no_reason = shell.cancel_appointment(&confirmed.id, " ").unwrap_err();
        assert_eq!(no_reason.field.as_deref(), Some("reason"));

        let sync = shell.sync_status().unwrap();
        assert!(!sync.configured && sync.pending_changes > 0);
    }

    #[test]
    fn reschedule_moves_the_booking_and_cancel_frees_it() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = clock_at(NAIROBI_MORNING);
        let kdf = KdfParams::FAST_INSECURE_FOR_TESTS;
        demo::ensure_workstation(tmp.path(), clock.clone(), kdf).unwrap();
        let shell = Shell::new(tmp.path().to_owned(), true, clock.clone(), kdf);
        let desk = demo::accounts()
            .into_iter()
            .find(|a| a.role == crate::dto::Role::Receptionist)
            .unwrap();
        shell.sign_in(&desk.username, &desk.password, None).unwrap();
        let patient = shell.search_patients("a", 1).unwrap().remove(0);
        let doctor = shell.doctors(None).unwrap().remove(0);
        // Tomorrow, well clear of the demo bookings made for today.
        let day = nairobi_day(clock.as_ref(), 1);
        let slots = shell.free_slots(&doctor.id, &day).unwrap();
        assert!(slots.len() > 2, "the demo doctors work every day");
        let held = shell
            .hold_slot(&patient.id, &doctor.id, &slots[0].starts_at, Some("Review"))
            .unwrap();
        let booked = shell.confirm_appointment(&held.id).unwrap();
        let moved = shell
            .reschedule_appointment(&booked.id, None, &slots[1].starts_at)
            .unwrap();
        assert_eq!(moved.starts_at, slots[1].starts_at);
        assert_eq!(moved.rescheduled_from.as_deref(), Some(booked.id.as_str()));
        let free = shell.free_slots(&doctor.id, &day).unwrap();
        assert!(free.contains(&slots[0]), "the old slot is free again");
        assert!(!free.contains(&slots[1]));

        let cancelled = shell
            .cancel_appointment(&moved.id, "Patient phoned to cancel")
            .unwrap();
        assert_eq!(cancelled.status, crate::dto::AppointmentStatus::Cancelled);
        assert!(
            shell
                .free_slots(&doctor.id, &day)
                .unwrap()
                .contains(&slots[1])
        );
    }

    #[test]
    fn notifications_reach_the_doctor_and_can_be_marked_read() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = clock_at(NAIROBI_MORNING);
        let kdf = KdfParams::FAST_INSECURE_FOR_TESTS;
        demo::ensure_workstation(tmp.path(), clock.clone(), kdf).unwrap();
        let shell = Shell::new(tmp.path().to_owned(), true, clock.clone(), kdf);
        let accounts = demo::accounts();
        let account = |role| accounts.iter().find(|a| a.role == role).unwrap();

        // The front desk books the doctor for tomorrow: the doctor is told.
        let desk = account(crate::dto::Role::Receptionist);
        shell.sign_in(&desk.username, &desk.password, None).unwrap();
        let doctor_account = account(crate::dto::Role::Doctor);
        let doctor = shell
            .doctors(None)
            .unwrap()
            .into_iter()
            .find(|d| d.name == "Dr Amina Wanjiru")
            .unwrap();
        let day = nairobi_day(clock.as_ref(), 1);
        let slot = shell.free_slots(&doctor.id, &day).unwrap().remove(0);
        let patient = shell.search_patients("Wanjiku", 1).unwrap().remove(0);
        let held = shell
            .hold_slot(&patient.id, &doctor.id, &slot.starts_at, None)
            .unwrap();
        shell.confirm_appointment(&held.id).unwrap();

        shell
            .sign_in(&doctor_account.username, &doctor_account.password, None)
            .unwrap();
        let unread = shell.notifications(true).unwrap();
        let booked = unread
            .iter()
            .find(|n| n.entity_id.as_deref() == Some(held.id.as_str()))
            .expect("the doctor is notified of the booking");
        assert_eq!(booked.kind, "appointment_booked");
        shell.mark_notification_read(&booked.id).unwrap();
        assert_eq!(shell.notifications(true).unwrap().len(), unread.len() - 1);
        assert!(
            shell
                .notifications(false)
                .unwrap()
                .iter()
                .any(|n| n.id == booked.id && n.read),
            "read notifications stay in the full list"
        );
        let err = shell.mark_notification_read("not-an-id").unwrap_err();
        assert_eq!(err.field.as_deref(), Some("notification"));
    }

    #[test]
    fn break_glass_opens_a_read_only_session_with_its_end_time() {
        let tmp = tempfile::tempdir().unwrap();
        let shell = shell(tmp.path());
        shell.set_up("Clinic", "admin", "a long password").unwrap();
        shell
            .with_open(|open| {
                open.session
                    .create_emergency_account("emergency", "glass breaker 2026")?;
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

    /// Adds a user (as the signed-in administrator) and signs them in instead.
    fn sign_in_new_user(
        shell: &Shell,
        username: &str,
        role: crate::dto::Role,
        password: &str,
    ) -> SignedIn {
        shell
            .create_user(username, None, role, password, &[])
            .unwrap();
        shell.sign_in(username, password, None).unwrap()
    }

    fn sign_in_a_nurse(shell: &Shell) {
        sign_in_new_user(shell, "amy", crate::dto::Role::Nurse, "nurse on ward 7");
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

    #[test]
    fn an_administrator_adds_a_branch_and_a_receptionist_may_not() {
        let tmp = tempfile::tempdir().unwrap();
        let shell = shell(tmp.path());
        shell.set_up("Clinic", "admin", "a long password").unwrap();
        let listed = shell.add_branch(" br02 ", " Westside ").unwrap();
        let codes: Vec<(&str, &str)> = listed
            .iter()
            .map(|b| (b.code.as_str(), b.name.as_str()))
            .collect();
        assert_eq!(
            codes,
            [("BR01", "Main branch"), ("BR02", "Westside")],
            "the answer is the whole list, the new branch upper-cased and trimmed"
        );
        assert_eq!(
            shell.branches().unwrap(),
            listed,
            "the branches command lists what add_branch answered"
        );

        let twice = shell.add_branch("BR02", "Westside again").unwrap_err();
        assert_eq!(
            (twice.code, twice.field.as_deref()),
            (ErrorCode::Validation, Some("branch_code")),
            "a taken code is the code field's error: {twice:?}"
        );
        assert!(
            !twice.message.starts_with("branch_code:"),
            "the UI shows the message next to the field, without the field's name: {}",
            twice.message
        );
        let unnamed = shell.add_branch("BR03", "  ").unwrap_err();
        assert_eq!(unnamed.field.as_deref(), Some("name"), "{unnamed:?}");

        sign_in_new_user(
            &shell,
            "desk",
            crate::dto::Role::Receptionist,
            "reception until five",
        );
        let refused = shell.add_branch("BR03", "Eastside").unwrap_err();
        assert_eq!(refused.code, ErrorCode::Forbidden, "{refused:?}");
        assert_eq!(
            shell.branches().unwrap().len(),
            2,
            "a receptionist still reads the branches, and the refused one was not added"
        );
    }

    #[test]
    fn admitting_a_colleague_needs_an_administrator_and_a_sync_server() {
        let tmp = tempfile::tempdir().unwrap();
        let shell = shell(tmp.path());
        shell.set_up("Clinic", "admin", "a long password").unwrap();
        shell
            .create_user("amy", None, crate::dto::Role::Nurse, "nurse on ward 7", &[])
            .unwrap();
        let here = shell.admit_user_here("amy", "nurse on ward 7").unwrap_err();
        assert_eq!(
            (here.code, here.field.as_deref()),
            (ErrorCode::Validation, Some("username")),
            "amy already signs in here"
        );
        let unknown = shell.admit_user_here("zed", "whatever it is").unwrap_err();
        assert_eq!(unknown.field.as_deref(), Some("username"));
        shell.sign_out();
        shell.sign_in("amy", "nurse on ward 7", None).unwrap();
        let refused = shell
            .admit_user_here("admin", "a long password")
            .unwrap_err();
        assert_eq!(refused.code, ErrorCode::Forbidden, "a nurse admits nobody");
    }

    #[test]
    fn administrators_manage_users_with_errors_next_to_their_fields() {
        let tmp = tempfile::tempdir().unwrap();
        let shell = shell(tmp.path());
        let admin = shell.set_up("Clinic", "admin", "a long password").unwrap();
        let caps = admin.session.capabilities;
        assert!(caps.manage_users && caps.manage_settings && caps.read_audit);
        assert!(caps.manage_emergency_accounts);

        let branches = shell.branches().unwrap();
        assert_eq!(branches.len(), 1);
        let code = branches[0].code.clone();
        let short = shell
            .create_user("amy", None, crate::dto::Role::Nurse, "short", &[])
            .unwrap_err();
        assert_eq!(
            (short.code, short.field.as_deref()),
            (ErrorCode::Validation, Some("password")),
            "a weak initial password is refused next to the password field"
        );
        let bad_name = shell
            .create_user(
                "1 amy",
                None,
                crate::dto::Role::Nurse,
                "nurse on ward 7",
                &[],
            )
            .unwrap_err();
        assert_eq!(bad_name.field.as_deref(), Some("username"));
        let bad_branch = shell
            .create_user(
                "amy",
                None,
                crate::dto::Role::Nurse,
                "nurse on ward 7",
                &["BR99".into()],
            )
            .unwrap_err();
        assert_eq!(bad_branch.field.as_deref(), Some("branches"));

        let amy = shell
            .create_user(
                " amy ",
                Some("Amy Achieng"),
                crate::dto::Role::Nurse,
                "nurse on ward 7",
                &[code.to_lowercase(), String::new()],
            )
            .unwrap();
        assert_eq!(
            (amy.username.as_str(), amy.display_name.as_str()),
            ("amy", "Amy Achieng")
        );
        assert_eq!(amy.branches, vec![code], "codes are named, not ids");
        assert!(amy.active && !amy.emergency);
        let taken = shell
            .create_user("amy", None, crate::dto::Role::Nurse, "nurse on ward 7", &[])
            .unwrap_err();
        assert_eq!(taken.field.as_deref(), Some("username"));

        let doctor = shell
            .set_user_role("amy", crate::dto::Role::Doctor)
            .unwrap();
        assert_eq!(doctor.role, crate::dto::Role::Doctor);
        assert!(!shell.deactivate_user("amy").unwrap().active);
        assert!(shell.reactivate_user("amy").unwrap().active);
        assert!(
            shell
                .set_user_branches("amy", &[])
                .unwrap()
                .branches
                .is_empty()
        );
        let last = shell.deactivate_user("admin").unwrap_err();
        assert_eq!(
            last.field.as_deref(),
            Some("username"),
            "the last administrator cannot be deactivated"
        );

        let glass = shell
            .create_emergency_account("glass", "emergency only 2026")
            .unwrap();
        assert!(glass.emergency && !glass.active, "created disabled");
        let refused = shell.reactivate_user("glass").unwrap_err();
        assert_eq!(refused.field.as_deref(), Some("username"));

        let names: Vec<String> = shell
            .users()
            .unwrap()
            .into_iter()
            .map(|u| u.username)
            .collect();
        assert_eq!(names, ["admin", "amy", "glass"], "sorted by user name");
    }

    #[test]
    fn only_administrators_reach_users_settings_and_the_audit_log() {
        let tmp = tempfile::tempdir().unwrap();
        let shell = shell(tmp.path());
        shell.set_up("Clinic", "admin", "a long password").unwrap();
        let desk = sign_in_new_user(
            &shell,
            "desk",
            crate::dto::Role::Receptionist,
            "front office 2026",
        );
        let caps = desk.capabilities;
        assert!(
            !caps.manage_users && !caps.manage_settings && !caps.read_audit,
            "the admin screens stay hidden from the front desk"
        );
        let forbidden = |result: Result<()>| {
            let err = result.unwrap_err();
            assert_eq!(err.code, ErrorCode::Forbidden, "{err:?}");
        };
        forbidden(shell.users().map(drop));
        forbidden(
            shell
                .create_user("eve", None, crate::dto::Role::Admin, "take over 2026!", &[])
                .map(drop),
        );
        forbidden(
            shell
                .create_emergency_account("glass", "emergency only 2026")
                .map(drop),
        );
        forbidden(
            shell
                .set_user_role("desk", crate::dto::Role::Admin)
                .map(drop),
        );
        forbidden(shell.deactivate_user("admin").map(drop));
        forbidden(shell.reactivate_user("admin").map(drop));
        forbidden(shell.set_user_branches("desk", &[]).map(drop));
        forbidden(shell.sign_in_settings().map(drop));
        forbidden(
            shell
                .set_totp_required(crate::dto::Role::Admin, false)
                .map(drop),
        );
        forbidden(shell.set_idle_lock_minutes(240).map(drop));
        forbidden(shell.audit_log(AuditQuery::default()).map(drop));
        forbidden(shell.audit_verify().map(drop));
        assert_eq!(
            shell.branches().unwrap().len(),
            1,
            "branch names are not secret"
        );
    }

    #[test]
    fn administrators_schedule_backups_that_run_when_due_and_are_pruned() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::monday_morning());
        let shell = Shell::new(
            tmp.path().to_owned(),
            false,
            clock.clone(),
            KdfParams::FAST_INSECURE_FOR_TESTS,
        );
        shell.set_up("Clinic", "admin", "a long password").unwrap();
        shell
            .create_user(
                "desk",
                None,
                crate::dto::Role::Receptionist,
                "front office 2026",
                &[],
            )
            .unwrap();
        let unset = shell.backup_schedule().unwrap();
        assert_eq!(
            (
                unset.folder.as_str(),
                unset.daily,
                unset.keep,
                unset.last.is_none()
            ),
            ("", false, 7, true),
            "nothing saved yet: no folder, not daily, keep the default 7"
        );
        let field = |r: Result<BackupSchedule>| r.unwrap_err().field;
        let input = |folder: &Path, keep: u32| BackupScheduleInput {
            folder: folder.display().to_string(),
            daily: true,
            keep,
        };
        assert_eq!(
            field(shell.backup_now()).as_deref(),
            Some("folder"),
            "Back up now needs a saved folder"
        );
        assert_eq!(
            field(shell.set_backup_schedule(input(&folder.path().join("missing"), 2))).as_deref(),
            Some("folder")
        );
        assert_eq!(
            field(shell.set_backup_schedule(input(folder.path(), 0))).as_deref(),
            Some("keep")
        );
        let saved = shell.set_backup_schedule(input(folder.path(), 2)).unwrap();
        assert_eq!((saved.daily, saved.keep), (true, 2));
        assert_eq!(
            shell.backup_schedule().unwrap(),
            saved,
            "read back as saved"
        );
        std::fs::write(folder.path().join("notes.txt"), "not a backup").unwrap();

        let now = shell.backup_now().unwrap();
        let last = now.last.clone().expect("Back up now records its result");
        let file = PathBuf::from(last.file.clone().expect("the file written"));
        assert!(last.ok && last.error.is_none(), "{last:?}");
        assert_eq!(
            file.parent(),
            Some(folder.path()),
            "written into the folder"
        );
        assert!(
            clinic_core::maintenance::backup::is_scheduled_name(
                &file.file_name().unwrap().to_string_lossy()
            ),
            "named as scheduled backups are, so it counts towards the kept ones"
        );
        clinic_core::BackupFile::read(&file).expect("a whole backup file");
        assert!(
            !shell.run_due_backup().unwrap(),
            "backed up a moment ago: nothing is due"
        );

        let backups = || {
            let mut names: Vec<String> = std::fs::read_dir(folder.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| clinic_core::maintenance::backup::is_scheduled_name(n))
                .collect();
            names.sort();
            names
        };
        // Each next morning someone signs in, and the timer's step finds a backup due.
        let mut expected = vec![file.file_name().unwrap().to_string_lossy().into_owned()];
        for _ in 0..2 {
            clock.advance(chrono::Duration::hours(25));
            shell.sign_in("admin", "a long password", None).unwrap();
            assert!(shell.run_due_backup().unwrap(), "a day has passed: due");
            assert!(!shell.run_due_backup().unwrap(), "and then not again");
            let last = shell.backup_schedule().unwrap().last.unwrap();
            assert!(last.ok, "{last:?}");
            expected.push(
                PathBuf::from(last.file.unwrap())
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
        assert_eq!(backups(), expected[1..], "pruned to the newest 2");
        assert!(
            folder.path().join("notes.txt").exists(),
            "pruning never touches other files"
        );

        // The front desk may not change or start backups, but a due one runs in their
        // session too: the administrator already chose where it goes.
        clock.advance(chrono::Duration::hours(25));
        shell.sign_in("desk", "front office 2026", None).unwrap();
        for refused in [
            shell.backup_schedule(),
            shell.set_backup_schedule(input(folder.path(), 5)),
            shell.backup_now(),
        ] {
            assert_eq!(refused.unwrap_err().code, ErrorCode::Forbidden);
        }
        assert!(shell.run_due_backup().unwrap(), "due in any open session");
        assert_eq!(backups().len(), 2, "still the newest 2");

        // A backup that cannot be written is recorded with its error.
        clock.advance(chrono::Duration::hours(25));
        shell.sign_in("admin", "a long password", None).unwrap();
        let folder_path = folder.path().to_owned();
        folder.close().unwrap();
        assert!(shell.run_due_backup().unwrap());
        let failed = shell.backup_schedule().unwrap().last.unwrap();
        assert!(!failed.ok && failed.file.is_none(), "{failed:?}");
        assert!(
            failed
                .error
                .as_deref()
                .unwrap_or_default()
                .contains("does not exist"),
            "the error says what went wrong: {failed:?}"
        );
        assert!(!folder_path.exists());
        assert!(
            !shell.run_due_backup().unwrap(),
            "a failed backup is tried again an hour later, not at once"
        );
    }

    #[test]
    fn settings_are_read_back_and_the_audit_log_filters_and_verifies() {
        let tmp = tempfile::tempdir().unwrap();
        let shell = shell(tmp.path());
        shell.set_up("Clinic", "admin", "a long password").unwrap();
        let settings = shell.set_idle_lock_minutes(9).unwrap();
        assert_eq!(settings.idle_lock_minutes, 9);
        let out_of_range = shell.set_idle_lock_minutes(0).unwrap_err();
        assert_eq!(out_of_range.field.as_deref(), Some("idle_lock_minutes"));
        let settings = shell
            .set_totp_required(crate::dto::Role::Nurse, true)
            .unwrap();
        assert_eq!(settings.totp_required, [crate::dto::Role::Nurse]);
        assert_eq!(shell.sign_in_settings().unwrap(), settings);

        shell
            .create_user("amy", None, crate::dto::Role::Nurse, "nurse on ward 7", &[])
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

    #[test]
    fn administrators_add_doctors_with_weekly_hours_and_time_off() {
        let tmp = tempfile::tempdir().unwrap();
        let shell = shell(tmp.path());
        let admin = shell.set_up("Clinic", "admin", "a long password").unwrap();
        assert!(admin.session.capabilities.manage_doctors);
        let code = admin.session.clinic.branch_code.clone();
        shell
            .create_user(
                "dr.mo",
                Some("Dr Mo Otieno"),
                crate::dto::Role::Doctor,
                "stethoscope 2026",
                &[],
            )
            .unwrap();
        let input = DoctorInput {
            username: "dr.mo".into(),
            specialization: "Paediatrics".into(),
            licence_number: "pd-77".into(),
            phone: Some(" ".into()),
            email: None,
            fee_minor: 250_000,
        };
        let no_licence = shell
            .add_doctor(DoctorInput {
                licence_number: " ".into(),
                ..input.clone()
            })
            .unwrap_err();
        assert_eq!(no_licence.field.as_deref(), Some("licence_number"));
        let not_a_doctor = shell
            .add_doctor(DoctorInput {
                username: "admin".into(),
                ..input.clone()
            })
            .unwrap_err();
        assert_eq!(not_a_doctor.field.as_deref(), Some("username"));
        let mo = shell.add_doctor(input).unwrap();
        assert_eq!(
            (mo.name.as_str(), mo.licence_number.as_str()),
            ("Dr Mo Otieno", "PD-77"),
            "named after the account; licence in upper case; a blank phone is no phone"
        );
        assert_eq!(mo.phone, None);

        let block = |weekday, start: &str, end: &str| WeeklyHours {
            branch_code: code.clone(),
            weekday,
            start: start.into(),
            end: end.into(),
            slot_minutes: 20,
        };
        let bad = shell
            .set_doctor_hours(&mo.id, vec![block(1, "9am", "12:00")])
            .unwrap_err();
        assert_eq!(bad.field.as_deref(), Some("hours"), "{bad:?}");
        let overlapping = shell
            .set_doctor_hours(
                &mo.id,
                vec![block(1, "09:00", "12:00"), block(1, "11:00", "13:00")],
            )
            .unwrap_err();
        assert_eq!(
            overlapping.field.as_deref(),
            Some("hours"),
            "{overlapping:?}"
        );
        let saved = shell
            .set_doctor_hours(
                &mo.id,
                vec![block(3, "14:00", "17:00"), block(1, "09:00", "12:00")],
            )
            .unwrap();
        assert_eq!(
            saved,
            [block(1, "09:00", "12:00"), block(3, "14:00", "17:00")]
        );
        assert_eq!(
            shell.doctor_hours(&mo.id).unwrap(),
            saved,
            "read back as saved"
        );

        // The shell's clock stands at ManualClock::monday_morning.
        let tomorrow = "2026-01-06";
        let backwards = shell
            .add_time_off(
                &mo.id,
                &format!("{tomorrow}T12:00"),
                &format!("{tomorrow}T08:00"),
                "Leave",
            )
            .unwrap_err();
        assert_eq!(backwards.field.as_deref(), Some("to"));
        let off = shell
            .add_time_off(
                &mo.id,
                &format!("{tomorrow}T08:00"),
                &format!("{tomorrow}T18:00"),
                "Conference",
            )
            .unwrap();
        assert_eq!(off.len(), 1);
        assert_eq!(shell.doctor_time_off(&mo.id).unwrap(), off);
        let unknown = shell.cancel_time_off(&mo.id, "no-such").unwrap_err();
        assert_eq!(unknown.field.as_deref(), Some("time_off"));
        assert!(
            shell
                .cancel_time_off(&mo.id, &off[0].id)
                .unwrap()
                .is_empty(),
            "cancelled time off is no longer listed"
        );

        let cheaper = shell
            .update_doctor(&mo.id, None, Some(200_000), None)
            .unwrap();
        assert_eq!((cheaper.fee_minor, cheaper.active), (200_000, true));
        let negative = shell
            .update_doctor(&mo.id, None, Some(-1), None)
            .unwrap_err();
        assert_eq!(negative.field.as_deref(), Some("fee_minor"));
        let gone = shell
            .update_doctor(&mo.id, None, None, Some(false))
            .unwrap();
        assert!(!gone.active);
        assert!(
            shell.doctors(None).unwrap().is_empty(),
            "booking lists active doctors"
        );
        assert_eq!(
            shell.all_doctors().unwrap().len(),
            1,
            "the doctors screen lists all"
        );

        let desk = sign_in_new_user(
            &shell,
            "desk",
            crate::dto::Role::Receptionist,
            "front office 2026",
        );
        assert!(!desk.capabilities.manage_doctors);
        let forbidden = |err: CommandError| assert_eq!(err.code, ErrorCode::Forbidden, "{err:?}");
        forbidden(shell.add_doctor(DoctorInput::default()).unwrap_err());
        forbidden(
            shell
                .update_doctor(&mo.id, None, None, Some(true))
                .unwrap_err(),
        );
        forbidden(shell.set_doctor_hours(&mo.id, Vec::new()).unwrap_err());
        forbidden(
            shell
                .add_time_off(&mo.id, "2030-01-01T08:00", "2030-01-01T09:00", "x")
                .unwrap_err(),
        );
        assert_eq!(
            shell.doctor_hours(&mo.id).unwrap(),
            saved,
            "the front desk may read the hours it books against"
        );
    }

    #[test]
    fn the_calendar_shows_a_day_or_a_week_per_doctor_and_per_branch() {
        // Late in the clinic's day too: the demo's queue once went missing in its last
        // minutes.
        for now in [NAIROBI_MORNING, NAIROBI_LATE] {
            the_calendar_at(now);
        }
    }

    fn the_calendar_at(now: &str) {
        let tmp = tempfile::tempdir().unwrap();
        let clock = clock_at(now);
        let kdf = KdfParams::FAST_INSECURE_FOR_TESTS;
        demo::ensure_workstation(tmp.path(), clock.clone(), kdf).unwrap();
        let shell = Shell::new(tmp.path().to_owned(), true, clock.clone(), kdf);
        let accounts = demo::accounts();
        let desk = accounts
            .iter()
            .find(|a| a.role == crate::dto::Role::Receptionist)
            .unwrap();
        shell.sign_in(&desk.username, &desk.password, None).unwrap();
        let today = shell.day_appointments(None).unwrap();
        assert_eq!(
            today.day,
            nairobi_day(clock.as_ref(), 0),
            "the clinic's today"
        );
        assert!(!today.rows.is_empty(), "at {now} the demo has booked today");
        let day = shell.calendar(&today.day, 1, None, None).unwrap();
        assert_eq!(day.days, vec![today.day.clone()]);
        assert_eq!(
            day.branch_code.as_deref(),
            Some("BR01"),
            "this branch by default"
        );
        let ids = |rows: &[AppointmentRow]| -> Vec<String> {
            rows.iter().map(|r| r.appointment.id.clone()).collect()
        };
        assert_eq!(
            ids(&day.rows),
            ids(&today.rows),
            "one day at this branch is the check-in queue's day"
        );

        let doctor = today.rows[0].appointment.doctor_id.clone();
        let theirs = shell
            .calendar(&today.day, 1, Some(&doctor), Some(""))
            .unwrap();
        assert!(!theirs.rows.is_empty());
        assert!(
            theirs
                .rows
                .iter()
                .all(|r| r.appointment.doctor_id == doctor),
            "one doctor's column holds only their appointments"
        );
        assert_eq!(
            theirs.branch_code, None,
            "an empty branch means every branch"
        );

        let week_start = parse_day("d", &today.day).unwrap() - chrono::Duration::days(3);
        let week = shell
            .calendar(
                &week_start.format("%Y-%m-%d").to_string(),
                7,
                None,
                Some("br01"),
            )
            .unwrap();
        assert_eq!(week.days.len(), 7);
        assert_eq!(week.days[3], today.day);
        assert!(
            ids(&today.rows)
                .iter()
                .all(|id| ids(&week.rows).contains(id)),
            "the week contains the day"
        );

        let field = |e: CommandError| e.field;
        assert_eq!(
            field(shell.calendar(&today.day, 0, None, None).unwrap_err()).as_deref(),
            Some("days")
        );
        assert_eq!(
            field(
                shell
                    .calendar(&today.day, 1, None, Some("XX9"))
                    .unwrap_err()
            )
            .as_deref(),
            Some("branch")
        );
        assert_eq!(
            field(shell.calendar("monday", 1, None, None).unwrap_err()).as_deref(),
            Some("from")
        );
    }

    #[test]
    fn roles_without_appointments_are_refused_the_calendar() {
        let tmp = tempfile::tempdir().unwrap();
        let shell = shell(tmp.path());
        shell.set_up("Clinic", "admin", "a long password").unwrap();
        let acc = sign_in_new_user(
            &shell,
            "acc",
            crate::dto::Role::Accountant,
            "ledger lines 2026",
        );
        assert!(!acc.capabilities.view_appointments, "no calendar tab");
        let err = shell.calendar("2026-01-05", 7, None, None).unwrap_err();
        assert_eq!(err.code, ErrorCode::Forbidden, "{err:?}");
    }

    #[test]
    fn administrators_merge_duplicates_see_what_moved_and_undo_or_restore() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = clock_at(NAIROBI_MORNING);
        let kdf = KdfParams::FAST_INSECURE_FOR_TESTS;
        demo::ensure_workstation(tmp.path(), clock.clone(), kdf).unwrap();
        let shell = Shell::new(tmp.path().to_owned(), true, clock.clone(), kdf);
        let accounts = demo::accounts();
        let account = |role| accounts.iter().find(|a| a.role == role).unwrap();
        let desk = account(crate::dto::Role::Receptionist);
        shell.sign_in(&desk.username, &desk.password, None).unwrap();
        let input = PatientInput {
            given_name: "Baraka".into(),
            family_name: "Kiprono".into(),
            date_of_birth: "1979-06-30".into(),
            sex: "male".into(),
            ..PatientInput::default()
        };
        let keep = shell.register_patient(input.clone(), false).unwrap();
        let dup = shell.register_patient(input, true).unwrap();
        let doctor = shell.doctors(None).unwrap().remove(0);
        let day = nairobi_day(clock.as_ref(), 2);
        let slot = shell.free_slots(&doctor.id, &day).unwrap().remove(0);
        let held = shell
            .hold_slot(&dup.id, &doctor.id, &slot.starts_at, None)
            .unwrap();
        let booked = shell.confirm_appointment(&held.id).unwrap();
        let forbidden = |err: CommandError| assert_eq!(err.code, ErrorCode::Forbidden, "{err:?}");
        forbidden(shell.merge_patients(&keep.id, &dup.id).unwrap_err());
        forbidden(shell.patient_merges(&keep.id).unwrap_err());
        forbidden(shell.undo_merge("anything").unwrap_err());
        forbidden(shell.restore_patient(&dup.id).unwrap_err());

        let admin = account(crate::dto::Role::Admin);
        let signed_in = shell
            .sign_in(&admin.username, &admin.password, None)
            .unwrap();
        assert!(signed_in.capabilities.merge_patients);
        let itself = shell.merge_patients(&keep.id, &keep.id).unwrap_err();
        assert_eq!(itself.field.as_deref(), Some("duplicate"));
        let merge = shell.merge_patients(&keep.id, &dup.id).unwrap();
        let appointments = merge
            .moved
            .iter()
            .find(|m| m.table == "appointments")
            .expect("the duplicate's booking moved");
        assert_eq!(appointments.ids, vec![booked.id.clone()]);
        assert!(
            merge.moved.iter().all(|m| !m.ids.is_empty()),
            "empty tables left out"
        );
        let merged = shell.patient(&dup.id).unwrap();
        assert_eq!(merged.merged_into.as_deref(), Some(keep.id.as_str()));
        let restore_merged = shell.restore_patient(&dup.id).unwrap_err();
        assert_eq!(
            restore_merged.field.as_deref(),
            Some("patient"),
            "a merged record comes back by undoing the merge"
        );
        assert_eq!(shell.patient_merges(&dup.id).unwrap(), vec![merge.clone()]);
        assert_eq!(
            shell.patient_appointments(&keep.id).unwrap()[0]
                .appointment
                .id,
            booked.id,
            "the survivor now holds the booking"
        );

        let undone = shell.undo_merge(&merge.id).unwrap();
        assert!(undone.undone_at.is_some());
        assert!(shell.patient(&dup.id).unwrap().active);
        assert_eq!(
            shell.patient_appointments(&dup.id).unwrap()[0]
                .appointment
                .id,
            booked.id,
            "the booking went back"
        );
        let twice = shell.undo_merge(&merge.id).unwrap_err();
        assert_eq!(twice.field.as_deref(), Some("merge"));

        let archived = shell.archive_patient(&dup.id, "Registered twice").unwrap();
        assert!(!archived.active);
        assert!(shell.restore_patient(&dup.id).unwrap().active);
    }

    #[test]
    fn bookings_that_lost_a_double_booking_are_listed_for_rebooking() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = clock_at(NAIROBI_MORNING);
        let kdf = KdfParams::FAST_INSECURE_FOR_TESTS;
        demo::ensure_workstation(tmp.path(), clock.clone(), kdf).unwrap();
        let shell = Shell::new(tmp.path().to_owned(), true, clock.clone(), kdf);
        let accounts = demo::accounts();
        let account = |role| accounts.iter().find(|a| a.role == role).unwrap();
        let desk = account(crate::dto::Role::Receptionist);
        shell.sign_in(&desk.username, &desk.password, None).unwrap();
        assert!(
            shell.conflicted_appointments().unwrap().is_empty(),
            "a workstation that never synced has no lost bookings"
        );
        let patient = shell.search_patients("a", 1).unwrap().remove(0);
        let doctor = shell.doctors(None).unwrap().remove(0);
        let day = nairobi_day(clock.as_ref(), 3);
        let slots = shell.free_slots(&doctor.id, &day).unwrap();
        let held = shell
            .hold_slot(&patient.id, &doctor.id, &slots[0].starts_at, None)
            .unwrap();
        let lost = shell.confirm_appointment(&held.id).unwrap();
        // The sync server's verdict arrives as a pulled change; play it directly.
        shell
            .with_open(|open| {
                open.session
                    .raw_connection()?
                    .execute(
                        "UPDATE appointments SET status = 'conflict' WHERE id = ?1",
                        [&lost.id],
                    )
                    .map_err(|e| CommandError::internal(e.to_string()))?;
                Ok(())
            })
            .unwrap();
        let listed = shell.conflicted_appointments().unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].appointment.id, lost.id);
        assert_eq!(
            listed[0].appointment.status,
            crate::dto::AppointmentStatus::Conflict
        );
        assert!(!listed[0].patient_name.is_empty() && !listed[0].doctor_name.is_empty());

        // Rebooking is the booking flow's move: the lost booking becomes `rescheduled`.
        let moved = shell
            .reschedule_appointment(&lost.id, Some(&doctor.id), &slots[1].starts_at)
            .unwrap();
        assert_eq!(moved.rescheduled_from.as_deref(), Some(lost.id.as_str()));
        assert!(
            shell.conflicted_appointments().unwrap().is_empty(),
            "resolved: no longer listed"
        );

        let refused = shell.sync_conflicts().unwrap_err();
        assert_eq!(
            refused.code,
            ErrorCode::Forbidden,
            "unapplied changes are the administrators' to read"
        );
        let admin = account(crate::dto::Role::Admin);
        shell
            .sign_in(&admin.username, &admin.password, None)
            .unwrap();
        assert!(shell.sync_conflicts().unwrap().is_empty());
        let acc_refused = {
            sign_in_new_user(
                &shell,
                "acc",
                crate::dto::Role::Accountant,
                "ledger lines 2026",
            );
            shell.conflicted_appointments().unwrap_err()
        };
        assert_eq!(acc_refused.code, ErrorCode::Forbidden);
    }
}
