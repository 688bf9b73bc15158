//! Visits: the doctor's day (today's checked-in patients and the doctor's open visits),
//! opening a visit from a checked-in appointment or as a walk-in, reading one, and
//! completing it (which completes its appointment in the core's same transaction).

use std::sync::Arc;

use clinic_core::ids::{AppointmentId, EncounterId, PatientId};
use serde::Serialize;

use crate::frontdesk::appointments::Appointment;
use crate::shell::{Reply, Result, Shared, Shell, blocking, parse_id};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn doctors_day(shell: Shared<'_>) -> Reply<DoctorsDay> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.doctors_day()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn open_visit(shell: Shared<'_>, appointment_id: String) -> Reply<Encounter> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.open_visit(&appointment_id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn open_walk_in(
    shell: Shared<'_>,
    patient_id: String,
    reason: String,
) -> Reply<Encounter> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.open_walk_in(&patient_id, &reason)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn encounter(shell: Shared<'_>, id: String) -> Reply<Encounter> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.encounter(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn complete_encounter(shell: Shared<'_>, id: String) -> Reply<Encounter> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.complete_encounter(&id)).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    /// The signed-in doctor's day: today's checked-in patients (soonest first) and the
    /// doctor's own open visits (walk-ins and visits left open), oldest first.
    pub fn doctors_day(&self) -> Result<DoctorsDay> {
        self.with_open(|open| {
            let waiting = open.session.doctors_day()?;
            let open_visits = open.session.my_open_visits()?;
            Ok(DoctorsDay {
                waiting: waiting.into_iter().map(WaitingPatient::from).collect(),
                open_visits: open_visits.into_iter().map(OpenVisit::from).collect(),
            })
        })
    }

    /// Opens the visit of a checked-in appointment (the open one if it is already open).
    pub fn open_visit(&self, appointment_id: &str) -> Result<Encounter> {
        let id: AppointmentId = parse_id("appointment", appointment_id)?;
        self.with_open(|open| Ok(open.session.open_encounter_for(id)?.into()))
    }

    pub fn open_walk_in(&self, patient_id: &str, reason: &str) -> Result<Encounter> {
        let patient: PatientId = parse_id("patient", patient_id)?;
        self.with_open(|open| Ok(open.session.open_walk_in(patient, reason)?.into()))
    }

    /// One visit (an audited read of the patient's record).
    pub fn encounter(&self, id: &str) -> Result<Encounter> {
        let id: EncounterId = parse_id("encounter", id)?;
        self.with_open(|open| Ok(open.session.encounter(id)?.into()))
    }

    /// Completes the visit and makes its draft invoice (billing, in the same
    /// transaction).
    pub fn complete_encounter(&self, id: &str) -> Result<Encounter> {
        let id: EncounterId = parse_id("encounter", id)?;
        self.with_open(|open| Ok(open.session.complete_visit(id)?.0.into()))
    }
}

// ---- wire types -----------------------------------------------------------------------

/// Where a visit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    Open,
    Completed,
    /// A status this version of the app does not know (from a newer workstation).
    Unknown,
}

/// One visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Encounter {
    pub id: String,
    pub patient_id: String,
    /// The booking it was opened from; null for a walk-in.
    pub appointment_id: Option<String>,
    /// The doctor who opened it (only they write its SOAP note and complete it).
    pub doctor_user_id: String,
    pub reason: String,
    pub status: VisitStatus,
    pub opened_at: String,
    pub completed_at: Option<String>,
}

impl From<clinic_core::clinical::encounters::Encounter> for Encounter {
    fn from(e: clinic_core::clinical::encounters::Encounter) -> Self {
        Self {
            id: e.id.to_string(),
            patient_id: e.patient_id.to_string(),
            appointment_id: e.appointment_id.map(|a| a.to_string()),
            doctor_user_id: e.doctor_user_id.to_string(),
            status: match e.status.as_str() {
                "open" => VisitStatus::Open,
                "completed" => VisitStatus::Completed,
                _ => VisitStatus::Unknown,
            },
            reason: e.reason,
            opened_at: e.opened_at,
            completed_at: e.completed_at,
        }
    }
}

/// A patient checked in for the doctor today, with the visit once it is open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct WaitingPatient {
    pub appointment: Appointment,
    pub patient_name: String,
    pub mrn: String,
    pub encounter: Option<Encounter>,
}

impl From<clinic_core::clinical::encounters::Waiting> for WaitingPatient {
    fn from(w: clinic_core::clinical::encounters::Waiting) -> Self {
        Self {
            appointment: w.appointment.into(),
            patient_name: w.patient_name,
            mrn: w.mrn,
            encounter: w.encounter.map(Encounter::from),
        }
    }
}

/// One of the doctor's open visits, with whom it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct OpenVisit {
    pub encounter: Encounter,
    pub patient_name: String,
    pub mrn: String,
}

impl From<clinic_core::clinical::encounters::OpenVisit> for OpenVisit {
    fn from(v: clinic_core::clinical::encounters::OpenVisit) -> Self {
        Self {
            encounter: v.encounter.into(),
            patient_name: v.patient_name,
            mrn: v.mrn,
        }
    }
}

/// The doctor's day: who is waiting, and the visits the doctor has open (those opened
/// from today's bookings appear in both).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DoctorsDay {
    pub waiting: Vec<WaitingPatient>,
    pub open_visits: Vec<OpenVisit>,
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    Encounter::export_all(cfg)?;
    DoctorsDay::export_all(cfg)?;
    Ok(())
}
