//! The chart (who the patient is, current allergies, problem list, latest vitals, active
//! diagnoses, visits, prescriptions) in one audited read, and who opened the record
//! (administrators, and a patient for themselves).

use std::sync::Arc;

use clinic_core::ids::PatientId;
use serde::Serialize;

use crate::clinical::allergies::Allergy;
use crate::clinical::diagnoses::Diagnosis;
use crate::clinical::encounters::Encounter;
use crate::clinical::prescriptions::Prescription;
use crate::clinical::vitals::VitalsReading;
use crate::dto::Role;
use crate::shell::{Reply, Result, Shared, Shell, blocking, parse_id};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn chart(shell: Shared<'_>, patient_id: String) -> Reply<Chart> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.chart(&patient_id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn access_history(
    shell: Shared<'_>,
    patient_id: String,
    limit: u32,
) -> Reply<Vec<RecordAccess>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.access_history(&patient_id, limit)).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    /// Opens a patient's chart (an audited read of the record).
    pub fn chart(&self, patient_id: &str) -> Result<Chart> {
        let patient: PatientId = parse_id("patient", patient_id)?;
        self.with_open(|open| Ok(open.session.chart(patient)?.into()))
    }

    /// Who opened the record, newest first (at most `limit`; the core caps it).
    pub fn access_history(&self, patient_id: &str, limit: u32) -> Result<Vec<RecordAccess>> {
        let patient: PatientId = parse_id("patient", patient_id)?;
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        self.with_open(|open| {
            let list = open.session.access_history(patient, limit)?;
            Ok(list.into_iter().map(RecordAccess::from).collect())
        })
    }
}

// ---- wire types -----------------------------------------------------------------------

/// Who the chart is about (no contact details: the front desk keeps those).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ChartPatient {
    pub id: String,
    pub mrn: String,
    pub name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    pub sex: String,
    pub blood_group: Option<String>,
    /// False for an archived record.
    pub active: bool,
}

/// One visit on the chart, with how many notes it has and how many are signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VisitLine {
    pub encounter: Encounter,
    pub notes: i64,
    pub signed: i64,
}

/// What a doctor or nurse sees on opening a patient.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Chart {
    pub patient: ChartPatient,
    /// Current allergies (active, not archived): the chart's warning, never hidden.
    pub allergies: Vec<Allergy>,
    /// Active chronic diagnoses, one per code or title.
    pub problems: Vec<Diagnosis>,
    /// Active diagnoses, newest first.
    pub diagnoses: Vec<Diagnosis>,
    pub last_vitals: Option<VitalsReading>,
    /// Newest first.
    pub visits: Vec<VisitLine>,
    /// Issued and cancelled prescriptions, newest first, with the warnings shown when each
    /// was issued and any override reason (empty for a role that may not read them).
    pub prescriptions: Vec<Prescription>,
}

impl From<clinic_core::clinical::chart::Chart> for Chart {
    fn from(c: clinic_core::clinical::chart::Chart) -> Self {
        let p = c.patient;
        Self {
            patient: ChartPatient {
                id: p.id.to_string(),
                mrn: p.mrn,
                name: p.name,
                date_of_birth: p.date_of_birth,
                sex: p.sex,
                blood_group: p.blood_group,
                active: p.active,
            },
            allergies: c.allergies.into_iter().map(Allergy::from).collect(),
            problems: c.problems.into_iter().map(Diagnosis::from).collect(),
            diagnoses: c.diagnoses.into_iter().map(Diagnosis::from).collect(),
            last_vitals: c.last_vitals.map(VitalsReading::from),
            visits: c
                .visits
                .into_iter()
                .map(|v| VisitLine {
                    encounter: v.encounter.into(),
                    notes: v.notes,
                    signed: v.signed,
                })
                .collect(),
            prescriptions: c
                .prescriptions
                .into_iter()
                .map(Prescription::from)
                .collect(),
        }
    }
}

/// One look at a record, or a refused attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RecordAccess {
    pub at: String,
    pub username: Option<String>,
    pub role: Option<Role>,
    /// What was opened: `chart`, `notes`, `note_history`, `vitals`, `diagnoses`, … or
    /// `record` for a refused attempt.
    pub what: String,
    /// The break-glass reason, when the look was emergency access.
    pub emergency_reason: Option<String>,
    /// False for a refused attempt.
    pub allowed: bool,
}

impl From<clinic_core::clinical::access::Access> for RecordAccess {
    fn from(a: clinic_core::clinical::access::Access) -> Self {
        Self {
            at: a.at,
            username: a.username,
            role: a
                .role
                .as_deref()
                .and_then(|r| r.parse::<clinic_core::Role>().ok())
                .map(Role::from),
            what: a.what,
            emergency_reason: a.emergency_reason,
            allowed: a.allowed,
        }
    }
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    Chart::export_all(cfg)?;
    RecordAccess::export_all(cfg)?;
    Ok(())
}
