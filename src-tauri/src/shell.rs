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
    #[doc(hidden)]
    pub fn with_sync_interval(mut self, interval: Duration) -> Self {
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
    #[doc(hidden)]
    pub fn run_due_backup(&self) -> Result<bool> {
        self.with_open(|open| Ok(open.session.run_due_backup()?.is_some()))
    }

    /// Background sync threads that still hold a session (tests).
    #[doc(hidden)]
    pub fn background_threads(&self) -> usize {
        self.background_running.load(Ordering::SeqCst)
    }

    /// Runs `f` on the open session, as a command would (tests: a step the UI has no
    /// command for, or raw SQL playing the sync server).
    #[doc(hidden)]
    pub fn with_session<T>(&self, f: impl FnOnce(&mut Session) -> Result<T>) -> Result<T> {
        self.with_open(|open| f(&mut open.session))
    }

    /// Whether a session is open and not locked, without asking the core (tests: asking
    /// would count as activity).
    #[doc(hidden)]
    pub fn is_open_and_unlocked(&self) -> bool {
        matches!(&*self.state(), State::Open(open) if !open.session.is_locked())
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
    /// sync) and starts background sync on `background` if given. Public for tests, which
    /// open a session with a background companion without a sync server.
    #[doc(hidden)]
    pub fn open(&self, session: Session, background: Option<Session>) {
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

pub fn parse_id<T: FromStr>(field: &str, text: &str) -> Result<T> {
    text.trim()
        .parse()
        .map_err(|_| CommandError::invalid(field, format!("\"{text}\" is not a valid {field} id")))
}

pub fn parse_day(field: &'static str, text: &str) -> Result<NaiveDate> {
    Ok(clinic_core::clinic_time::parse_date(field, text)?)
}

pub fn parse_time(field: &str, text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| CommandError::invalid(field, format!("\"{text}\" is not a time")))
}
