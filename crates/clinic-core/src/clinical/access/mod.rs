//! Who looked at a patient's record: every read of clinical data goes through
//! [`Session::read_record`], which authorizes it (`record_read` for that patient) and
//! writes a `record.<what>` audit event naming the patient, the user, their role, and
//! the break-glass reason when the session is emergency access. A patient's access
//! history lists those events for administrators and for the patient themselves.
//!
//! Invariants: no clinical read without its audit event in the same call (a read whose
//! event cannot be written fails); the history is read from the audit chain itself, so
//! it cannot disagree with `audit verify`. Audit events are branch-scoped: a workstation
//! lists the reads made in its own branch.

use serde::Serialize;

use crate::actor::Role;
use crate::error::Result;
use crate::ids::PatientId;
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::audit::{self, Event, Filter, Outcome};

/// The audit action prefix of every clinical read.
pub const READ_PREFIX: &str = "record.";

/// One look at a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Access {
    pub at: String,
    pub username: Option<String>,
    pub role: Option<String>,
    /// What was opened: `chart`, `note`, `note_history`, `vitals`, `diagnoses`, …
    pub what: String,
    /// The break-glass reason, when the look was emergency access.
    pub emergency_reason: Option<String>,
    /// False for a refused attempt.
    pub allowed: bool,
}

impl Session {
    /// Authorizes reading `what` of `patient`'s record and audits it. Every clinical read
    /// in the core calls this first.
    pub(crate) fn read_record(
        &mut self,
        patient: PatientId,
        what: &str,
        entity: Option<(&'static str, String)>,
    ) -> Result<()> {
        self.authorize(Action::RecordRead, Target::Patient(patient))?;
        let mut event =
            Event::new(format!("{READ_PREFIX}{what}"), Outcome::Success).patient(patient);
        if let Some((kind, id)) = entity {
            event = event.entity(kind, id);
        }
        if self.actor().emergency_until.is_some() {
            event = event.details(serde_json::json!({ "emergency": true }));
        }
        self.write_event(event)
    }

    /// Who opened `patient`'s record, newest first: administrators, and the patient
    /// themselves.
    pub fn access_history(&mut self, patient: PatientId, limit: usize) -> Result<Vec<Access>> {
        if self.actor().role == Role::Patient {
            self.authorize(Action::RecordRead, Target::Patient(patient))?;
        } else {
            self.authorize(Action::AuditRead, Target::Any)?;
        }
        let conn = self.live()?.store.conn();
        let entries = audit::list(
            conn,
            &Filter {
                patient: Some(patient),
                limit: limit.clamp(1, 5000),
                newest_first: true,
                ..Filter::default()
            },
        )?;
        let mut found = Vec::new();
        for e in entries {
            let (what, allowed) = if let Some(what) = e.action.strip_prefix(READ_PREFIX) {
                (what.to_owned(), e.outcome == "success")
            } else if e.action == Action::RecordRead.as_str() {
                ("record".to_owned(), false)
            } else {
                continue;
            };
            let emergency = serde_json::from_str::<serde_json::Value>(&e.details)
                .ok()
                .and_then(|d| d.get("emergency").and_then(serde_json::Value::as_bool))
                .unwrap_or(false);
            let emergency_reason = match (&e.session_id, emergency) {
                (Some(session), true) => audit::break_glass_reason(conn, session)?,
                _ => None,
            };
            found.push(Access {
                at: e.at,
                username: e.username,
                role: e.role,
                what,
                emergency_reason,
                allowed,
            });
        }
        self.write_event(Event::new("audit.access_history", Outcome::Success).patient(patient))?;
        Ok(found)
    }
}
