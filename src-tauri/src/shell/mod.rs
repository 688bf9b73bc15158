//! The state every command shares, kept apart from Tauri so that it can be tested
//! without a window: where the workstation is, the session, the background threads,
//! running a command's step on the open session (`with_open`), errors, and parsing what
//! the UI sends (ids, days, times). Each feature's commands and steps are in its own file
//! (`frontdesk/patients.rs`, …), as `impl Shell` blocks over this.
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
//! [`background::BACKUP_CHECK_INTERVAL`], asks the core to run the scheduled backup if one is due
//! ([`Session::run_due_backup`], which is not activity). It stops with the session, like
//! the sync thread; the result is kept in the database for the Administration screen.

pub(crate) mod background;
pub(crate) mod pdf;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use clinic_core::{Clock, KdfParams, Session};

use self::background::{BACKUP_CHECK_INTERVAL, Background, SYNC_INTERVAL, SyncCache};
use crate::dto::{CommandError, ErrorCode};

/// What a step answers: its value, or the error the UI shows.
pub type Result<T, E = CommandError> = std::result::Result<T, E>;

/// The shell as a command receives it.
pub type Shared<'a> = tauri::State<'a, Arc<Shell>>;
/// What a command answers: its value, or `{code, message, field}`.
pub type Reply<T> = Result<T, CommandError>;

pub(crate) enum State {
    SignedOut,
    Open(Box<Open>),
    Locked {
        username: String,
        clinic_name: String,
    },
}

/// An open session and what the shell remembers for it.
pub(crate) struct Open {
    pub(crate) session: Session,
    /// Tells this session's background sync thread (if any) which session it serves.
    pub(crate) generation: u64,
    /// Dropping it (when the session locks, signs out or is replaced) stops the thread.
    pub(crate) background: Option<Background>,
    /// The timer that runs a due scheduled backup; stops the same way.
    pub(crate) _backup_timer: Background,
}

/// The state the commands share: where the workstation is, and the session if any.
pub struct Shell {
    pub(crate) data_dir: PathBuf,
    pub(crate) demo: bool,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) kdf: KdfParams,
    pub(crate) state: Arc<Mutex<State>>,
    pub(crate) sync: Arc<Mutex<SyncCache>>,
    pub(crate) generation: AtomicU64,
    /// Background sync threads still holding a session (for tests).
    pub(crate) background_running: Arc<AtomicUsize>,
    pub(crate) sync_interval: Duration,
    pub(crate) backup_interval: Duration,
    /// The CUPS tools documents are printed with.
    pub(crate) cups: clinic_core::printing::Cups,
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
            cups: clinic_core::printing::Cups::default(),
        }
    }

    /// The same shell printing with other CUPS tools (tests point `lp` at a script).
    #[doc(hidden)]
    pub fn with_cups(mut self, cups: clinic_core::printing::Cups) -> Self {
        self.cups = cups;
        self
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

    /// Runs `f` on the open session. If the core reports the session locked (idle), the
    /// shell moves to locked, so `session_state` tells the UI to show the lock screen.
    pub(crate) fn with_open<T>(&self, f: impl FnOnce(&mut Open) -> Result<T>) -> Result<T> {
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

    pub(crate) fn to_locked(state: &mut State) {
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

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave a half-written state behind.
        lock_ignoring_poison(&self.state)
    }
}

pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Reply<T> + Send + 'static,
) -> Reply<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|err| CommandError::internal(format!("the operation did not finish: {err}")))?
}

pub(crate) fn lock_ignoring_poison<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether the UI session `generation` is still the open one and not idle past its limit.
/// Holds the state lock only for the check.
pub(crate) fn ui_session_active(state: &Mutex<State>, generation: u64) -> bool {
    match &*lock_ignoring_poison(state) {
        State::Open(open) => open.generation == generation && !open.session.idle_expired(),
        _ => false,
    }
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
