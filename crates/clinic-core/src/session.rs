//! A signed-in session: the open encrypted store and the authenticated [`Actor`].
//!
//! Every operation goes through [`Session::live`], which locks the session (closing the
//! database and wiping the key) once it has been idle longer than the clinic's limit or
//! its break-glass period has ended or its user has been deactivated, and through [`Session::authorize`], which asks the
//! policy and audits a refusal. Writes run in one transaction with their audit event and
//! change-log rows ([`Session::transact`]).

use chrono::{DateTime, Duration, Utc};
use rusqlite::Transaction;

use crate::actor::Actor;
use crate::clinic_time::ClinicTime;
use crate::envelope::DataKey;
use crate::error::{Error, Result};
use crate::ids::{NotificationId, PatientId};
use crate::policy::{self, Action, Decision, Target};
use crate::printing;
use crate::store::Store;
use crate::store::audit::{self, Event, Outcome};
use crate::store::changes::{self, WriteContext};
use crate::store::notifications::{self, Notification};
use crate::store::organisation::ClinicInfo;
use crate::store::settings;
use crate::workstation::Workstation;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::time::Instant;
use zeroize::Zeroizing;

/// The open database and the key, present only while the session is unlocked.
pub(crate) struct Unlocked {
    pub(crate) store: Store,
    /// Kept to seal envelopes for new users; zeroized when dropped.
    pub(crate) key: DataKey,
}

pub struct Session {
    pub(crate) unlocked: Option<Unlocked>,
    pub(crate) actor: Actor,
    pub(crate) clinic: ClinicInfo,
    pub(crate) workstation: Workstation,
    pub(crate) last_activity: DateTime<Utc>,
    pub(crate) idle_limit: Duration,
    /// The sign-in on the sync server, if the workstation has joined one.
    pub(crate) server: std::sync::Arc<std::sync::Mutex<ServerLogin>>,
    /// The patients whose record this session has read whole (each read audited as a
    /// view), with what lists show of them. The front desk's patient feature keeps it
    /// and decides from it which reads are audited; forgotten when the session locks.
    pub(crate) patients_read: HashMap<PatientId, PatientLabel>,
}

/// What a list shows of a patient (an appointment's row): the name and the record
/// number. The session remembers it once it has read the record, so a list refreshed
/// every few seconds does not audit one view per row each time.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PatientLabel {
    /// Given and family name, as the record spells them.
    pub name: String,
    /// The medical record number.
    pub mrn: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("actor", &self.actor)
            .field("locked", &self.unlocked.is_none())
            .finish_non_exhaustive()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Dropping `Unlocked` closes SQLCipher (which wipes its key copy) and zeroizes
        // ours; nothing else holds either.
        self.unlocked = None;
    }
}

impl Session {
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn clinic(&self) -> &ClinicInfo {
        &self.clinic
    }

    pub fn workstation(&self) -> &Workstation {
        &self.workstation
    }

    pub fn is_locked(&self) -> bool {
        self.unlocked.is_none()
    }

    /// How long the session may sit idle before it locks itself.
    pub fn idle_limit(&self) -> Duration {
        self.idle_limit
    }

    /// Whether the session is locked or has sat idle past its limit, so that its next
    /// call would lock it. Read-only: asking does not count as activity.
    pub fn idle_expired(&self) -> bool {
        self.unlocked.is_none() || self.now() - self.last_activity > self.idle_limit
    }

    /// The time on the injected clock (the one the workstation was opened with).
    pub fn now(&self) -> DateTime<Utc> {
        self.workstation.clock().now()
    }

    /// Locks now: records it, closes the database and wipes the key. Signing in again is
    /// the only way back.
    pub fn lock(mut self) {
        self.lock_because("manual");
    }

    fn lock_because(&mut self, reason: &str) {
        if self.unlocked.is_none() {
            return;
        }
        // Best effort: the lock itself must happen even if the event cannot be written.
        let _ = self.write_event(
            Event::new("session.lock", Outcome::Success)
                .details(serde_json::json!({ "reason": reason })),
        );
        self.unlocked = None;
        self.patients_read.clear();
    }

    /// A second session of the same sign-in, on its own database connection, for work
    /// that must not hold this one (the desktop app syncs on it in the background). It
    /// shares the sign-in on the sync server. No second sign-in is recorded: it acts
    /// as this session, and is closed (its key wiped) when dropped.
    pub fn sync_companion(&mut self) -> Result<Session> {
        let key = self.live()?.key.duplicate();
        let (store, clinic) = self.workstation.open_store(&key)?;
        Ok(Session {
            unlocked: Some(Unlocked { store, key }),
            actor: self.actor.clone(),
            clinic,
            workstation: self.workstation.clone(),
            last_activity: self.now(),
            idle_limit: self.idle_limit,
            server: std::sync::Arc::clone(&self.server),
            patients_read: HashMap::new(),
        })
    }

    /// Records the sign-out and locks.
    pub fn sign_out(mut self) -> Result<()> {
        self.live()?;
        self.write_event(Event::new("sign_out", Outcome::Success))?;
        self.unlocked = None;
        Ok(())
    }

    /// The open store, after checking the idle limit and the break-glass period.
    pub(crate) fn live(&mut self) -> Result<&mut Unlocked> {
        let now = self.now();
        let minutes = self.idle_limit.num_minutes();
        if self.unlocked.is_none() {
            return Err(Error::SessionLocked { minutes });
        }
        if now - self.last_activity > self.idle_limit {
            self.lock_because("idle");
            return Err(Error::SessionLocked { minutes });
        }
        if self.actor.emergency_until.is_some_and(|until| now >= until) {
            self.lock_because("emergency_access_ended");
            return Err(Error::EmergencyExpired);
        }
        // Deactivation (here, in another session, or pulled from another workstation)
        // ends a session that is already open at its next call.
        let allowed = match self.unlocked.as_ref() {
            Some(unlocked) => {
                crate::store::users::still_allowed(unlocked.store.conn(), self.actor.user)?
            }
            None => false,
        };
        if !allowed {
            self.lock_because("deactivated");
            return Err(Error::UserInactive(self.actor.username.clone()));
        }
        self.last_activity = now;
        self.unlocked
            .as_mut()
            .ok_or(Error::SessionLocked { minutes })
    }

    /// Asks the policy whether this session's actor may do `action` to `target`. A
    /// refusal is written to the audit log (and nothing else) before it is returned.
    pub fn authorize(&mut self, action: Action, target: Target) -> Result<()> {
        self.live()?;
        match policy::decide(&self.actor, action, target) {
            Decision::Allow => Ok(()),
            Decision::Deny(reason) => {
                let mut event = Event::new(action.as_str(), Outcome::Denied)
                    .details(serde_json::json!({ "reason": reason.as_str() }));
                match target {
                    Target::Patient(patient) => event = event.patient(patient),
                    Target::NoteBy(author) => event = event.entity("note_author", author),
                    Target::Any => {}
                }
                self.write_event(event)?;
                Err(Error::Forbidden {
                    action: action.as_str(),
                    reason: reason.as_str(),
                })
            }
        }
    }

    /// Runs `f` in one transaction with this session's write context. `f` writes its
    /// rows, their change-log rows and its audit event; all commit or none do.
    pub(crate) fn transact<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>, &WriteContext, &Actor) -> Result<T>,
    ) -> Result<T> {
        let actor = self.actor.clone();
        let now = self.now();
        let unlocked = self.live()?;
        let ctx = WriteContext {
            device: actor.device,
            user: Some(actor.user),
            now,
        };
        let tx = unlocked.store.transaction()?;
        let out = f(&tx, &ctx, &actor)?;
        tx.commit().map_err(Error::from_sqlite)?;
        Ok(out)
    }

    /// Writes one audit event on its own (reads, refusals, sign-out).
    pub(crate) fn write_event(&mut self, event: Event) -> Result<()> {
        let actor = self.actor.clone();
        let now = self.now();
        let Some(unlocked) = self.unlocked.as_mut() else {
            return Err(Error::SessionLocked {
                minutes: self.idle_limit.num_minutes(),
            });
        };
        let ctx = WriteContext {
            device: actor.device,
            user: Some(actor.user),
            now,
        };
        let tx = unlocked.store.transaction()?;
        audit::append(&tx, &ctx, Some(&actor), now, &event)?;
        tx.commit().map_err(Error::from_sqlite)
    }

    /// Changes waiting to be pushed to the sync server, oldest first.
    pub fn pending_changes(&mut self, limit: usize) -> Result<Vec<changes::Change>> {
        let unlocked = self.live()?;
        changes::pending(unlocked.store.conn(), limit)
    }

    /// Verifies every page of the database. Administrators only.
    pub fn integrity_check(&mut self) -> Result<Vec<String>> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        let problems = self.live()?.store.integrity_check()?;
        let event = Event::new(
            "database.check",
            if problems.is_empty() {
                Outcome::Success
            } else {
                Outcome::Failure
            },
        )
        .details(serde_json::json!({ "problems": problems.len() }));
        match self.write_event(event) {
            Ok(()) => {}
            // A damaged database may refuse the write; the damage report matters more.
            Err(_) if !problems.is_empty() => {}
            Err(err) => return Err(err),
        }
        Ok(problems)
    }

    /// The signed-in user's notifications, newest first.
    pub fn notifications(&mut self, unread_only: bool) -> Result<Vec<Notification>> {
        let user = self.actor.user;
        let unlocked = self.live()?;
        notifications::list_for(unlocked.store.conn(), user, unread_only)
    }

    pub fn mark_notification_read(&mut self, id: NotificationId) -> Result<()> {
        self.transact(|tx, ctx, actor| {
            notifications::mark_read(tx, ctx, actor.user, id)?;
            Ok(())
        })
    }

    /// The printer this workstation printed to last (any signed-in user's choice: it is
    /// the machine's preference, not theirs). `None` until one is remembered; it may name
    /// a printer since removed, which [`crate::printing::Printers::preferred`] passes over.
    pub fn last_printer(&mut self) -> Result<Option<String>> {
        settings::last_printer(self.live()?.store.conn())
    }

    /// Remembers `printer` as this workstation's last, to offer it first next time. Local
    /// to this workstation, never synced and not audited (a preference, not a record).
    pub fn remember_printer(&mut self, printer: &str) -> Result<()> {
        printing::check_printer_name(printer)?;
        settings::set_last_printer(self.live()?.store.conn(), printer)
    }

    /// Audit events matching `filter`. Administrators only; the look-up is itself audited.
    pub fn audit_list(&mut self, filter: &audit::Filter) -> Result<Vec<audit::Entry>> {
        self.authorize(Action::AuditRead, Target::Any)?;
        let entries = audit::list(self.live()?.store.conn(), filter)?;
        self.write_event(
            Event::new("audit.list", Outcome::Success).details(serde_json::json!({
                "username": filter.username,
                "patient": filter.patient,
                "action": filter.action,
                "results": entries.len(),
            })),
        )?;
        Ok(entries)
    }

    /// Walks every device's hash chain. Administrators only.
    pub fn audit_verify(&mut self) -> Result<audit::Verification> {
        self.authorize(Action::AuditRead, Target::Any)?;
        let result = audit::verify(self.live()?.store.conn())?;
        self.write_event(
            Event::new(
                "audit.verify",
                if result.first_break.is_none() {
                    Outcome::Success
                } else {
                    Outcome::Failure
                },
            )
            .details(serde_json::json!({ "events": result.events })),
        )?;
        Ok(result)
    }

    /// Direct SQL access for tests that play an attacker who has the key.
    #[cfg(feature = "test-support")]
    pub fn raw_connection(&mut self) -> Result<&rusqlite::Connection> {
        Ok(self.live()?.store.conn())
    }
}

impl Session {
    /// The clinic's time zone, for everything that reads or types clinic-local time.
    pub fn clinic_time(&self) -> Result<ClinicTime> {
        ClinicTime::parse(&self.clinic().time_zone)
    }

    /// Today's date on the clinic's wall clock, by the injected clock.
    pub fn today(&self) -> Result<NaiveDate> {
        Ok(self.clinic_time()?.date_of(self.now()))
    }
}

/// The session's sign-in on the sync server: the password until the first login
/// succeeds (a workstation often signs in offline), then only the tokens. All of it is
/// zeroized when the session locks or ends.
#[derive(Default)]
pub(crate) struct ServerLogin {
    pub(crate) password: Option<Zeroizing<String>>,
    pub(crate) access: Option<(Zeroizing<String>, Instant)>,
    pub(crate) refresh: Option<Zeroizing<String>>,
}

impl ServerLogin {
    pub(crate) fn with_password(password: &str) -> ServerLogin {
        ServerLogin {
            password: Some(Zeroizing::new(password.to_owned())),
            ..ServerLogin::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::Duration;

    use crate::{KdfParams, ManualClock, Setup, Workstation};

    #[test]
    fn idle_expired_reads_the_idle_limit_without_counting_as_activity() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::monday_morning());
        let init = Workstation::init(
            tmp.path(),
            &Setup::new("Clinic", "admin", "a long password"),
            clock.clone(),
            KdfParams::FAST_INSECURE_FOR_TESTS,
        )
        .unwrap();
        let mut session = init.session;
        let limit = session.idle_limit();
        assert!(!session.idle_expired());
        clock.advance(limit);
        assert!(
            !session.idle_expired(),
            "exactly at the limit is not past it"
        );
        let before = session.last_activity;
        assert!(!session.idle_expired());
        assert_eq!(session.last_activity, before, "asking is not activity");
        clock.advance(Duration::seconds(1));
        assert!(session.idle_expired());
        assert!(!session.is_locked(), "asking does not lock either");
        assert!(session.notifications(false).is_err(), "the next call locks");
        assert!(session.idle_expired() && session.is_locked());
    }
}
