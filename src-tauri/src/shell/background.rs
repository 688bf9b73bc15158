//! The shell's background threads. Each open session has a timer that runs a due
//! scheduled backup, and (on a workstation that has joined a sync server) a thread that
//! syncs on a companion session; both stop when the UI session they belong to locks,
//! signs out, is replaced or sits idle past its limit.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use clinic_core::Session;
use clinic_core::sync::Retries;

use crate::dto::{CommandError, ErrorCode};
use crate::shell::{Result, Shell, State, lock_ignoring_poison, ui_session_active};
use crate::sync::{SyncReport, SyncStatus};

/// How often the background thread syncs (at most; see [`Shell::spawn_background`]).
pub const SYNC_INTERVAL: Duration = Duration::from_secs(60);

/// How often the backup timer looks whether a scheduled backup is due.
pub const BACKUP_CHECK_INTERVAL: Duration = Duration::from_secs(5 * 60);

/// How long "Sync now" waits for the background round it asked for.
pub(crate) const SYNC_NOW_WAIT: Duration = Duration::from_secs(150);

/// What the UI side and one background sync thread say to each other.
#[derive(Default)]
pub(crate) struct Control {
    state: Mutex<ControlState>,
    wake: Condvar,
}

#[derive(Default)]
pub(crate) struct ControlState {
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
    pub(crate) fn run_now(&self, limit: Duration) -> Result<SyncReport> {
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
pub(crate) struct Background {
    pub(crate) control: Arc<Control>,
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
pub(crate) enum Outcome {
    Synced,
    Failed(String),
}

/// What the header's indicator is shown without asking the core (asking counts as
/// activity for the idle lock).
#[derive(Debug, Default)]
pub(crate) struct SyncCache {
    pub(crate) status: Option<SyncStatus>,
    pub(crate) last: Option<Outcome>,
}

impl SyncCache {
    /// Remembers `core`'s answer, adjusted by the last sync this shell ran, and returns it.
    pub(crate) fn update(&mut self, core: clinic_core::sync::SyncStatus) -> SyncStatus {
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

impl Shell {
    /// Starts the thread that syncs `session` while the UI session `generation` stays
    /// open and active. It syncs right away, then every [`SYNC_INTERVAL`] (or half the
    /// idle limit, if shorter, so its own session does not idle-lock between rounds).
    pub(crate) fn spawn_background(&self, generation: u64, mut session: Session) -> Background {
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
    pub(crate) fn spawn_backup_timer(&self, generation: u64) -> Background {
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
}
