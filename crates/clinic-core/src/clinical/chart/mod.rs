//! The chart: what a doctor or nurse sees on opening a patient — who they are, their
//! current allergies, their problem list, their latest vitals, their active diagnoses, and their visits with how
//! many notes each has and how many are signed, and (for a role that may read them) their
//! issued and cancelled prescriptions with the warnings overridden and why. One audited
//! read (`record.chart`).
//!
//! Invariants: opening a chart is authorized as a read of that patient's record and
//! audited before anything is returned; the chart shows records merged into the patient
//! too; it computes nothing the features do not (BMI and flags come from `vitals`, the
//! problem list from `diagnoses`).

use serde::Serialize;

use crate::clinical::allergies::{self, Allergy};
use crate::clinical::diagnoses::{self, Diagnosis};
use crate::clinical::encounters::{self, Encounter};
use crate::clinical::notes;
use crate::clinical::prescriptions::{self, Prescription};
use crate::clinical::vitals::{self, VitalsReading};
use crate::error::{Error, Result};
use crate::frontdesk::patients;
use crate::ids::PatientId;
use crate::policy::{Action, Decision, Target, decide};
use crate::session::Session;

/// Who the chart is about (no contact details: the front desk keeps those).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChartPatient {
    pub id: PatientId,
    pub mrn: String,
    pub name: String,
    pub date_of_birth: String,
    pub sex: String,
    pub blood_group: Option<String>,
    pub active: bool,
}

/// One visit on the chart's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitLine {
    pub encounter: Encounter,
    pub notes: i64,
    pub signed: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub patient: ChartPatient,
    /// Current allergies (active, not archived), the chart's warning.
    pub allergies: Vec<Allergy>,
    pub problems: Vec<Diagnosis>,
    pub diagnoses: Vec<Diagnosis>,
    pub last_vitals: Option<VitalsReading>,
    pub visits: Vec<VisitLine>,
    /// Issued and cancelled prescriptions, newest first, with the warnings shown when each
    /// was issued and any override reason (empty for a role that may not read them).
    pub prescriptions: Vec<Prescription>,
}

impl Session {
    /// Opens a patient's chart (an audited read of the record).
    pub fn chart(&mut self, patient: PatientId) -> Result<Chart> {
        self.read_record(patient, "chart", None)?;
        let mut chart = assemble(self.live()?.store.conn(), patient)?;
        if decide(
            self.actor(),
            Action::PrescriptionRead,
            Target::Patient(patient),
        ) != Decision::Allow
        {
            chart.prescriptions.clear();
        }
        Ok(chart)
    }
}

/// The chart's queries on any connection (the session's, or a benchmark's plain copy).
fn assemble(conn: &rusqlite::Connection, patient: PatientId) -> Result<Chart> {
    let p = patients::store::get(conn, patient)?
        .ok_or_else(|| Error::validation("patient", format!("there is no patient {patient}")))?;
    let allergies = allergies::store::for_patient(conn, patient)?
        .into_iter()
        .filter(Allergy::is_current)
        .collect();
    let all_diagnoses = diagnoses::store::for_patient(conn, patient)?;
    let problems = diagnoses::problem_list(&all_diagnoses);
    let diagnoses: Vec<Diagnosis> = all_diagnoses
        .into_iter()
        .filter(|d| d.active && d.status == "active")
        .collect();
    let history = vitals::store::for_patient(conn, patient)?;
    let last_vitals = vitals::readings(history).pop();
    let counts: std::collections::HashMap<_, _> = notes::store::count_for_patient(conn, patient)?
        .into_iter()
        .map(|(id, n, s)| (id, (n, s)))
        .collect();
    let visits = encounters::store::for_patient(conn, patient)?
        .into_iter()
        .map(|e| {
            let (n, s) = counts.get(&e.id).copied().unwrap_or((0, 0));
            VisitLine {
                encounter: e,
                notes: n,
                signed: s,
            }
        })
        .collect();
    let prescriptions = prescriptions::store::for_patient(conn, patient)?
        .into_iter()
        .filter(|rx| rx.status != "draft")
        .collect();
    Ok(Chart {
        patient: ChartPatient {
            id: p.id,
            mrn: p.mrn,
            name: format!("{} {}", p.given_name, p.family_name),
            date_of_birth: p.date_of_birth,
            sex: p.sex,
            blood_group: p.blood_group,
            active: p.active,
        },
        allergies,
        problems,
        diagnoses,
        last_vitals,
        visits,
        prescriptions,
    })
}

/// A chart and the vitals history from any connection, unchecked and unaudited: only for
/// the benchmark's baseline (the same queries on a plain SQLite copy), never for a caller
/// with a session.
#[doc(hidden)]
pub fn chart_baseline(conn: &rusqlite::Connection, patient: PatientId) -> Result<(Chart, usize)> {
    let chart = assemble(conn, patient)?;
    let vitals = vitals::readings(vitals::store::for_patient(conn, patient)?).len();
    Ok((chart, vitals))
}
