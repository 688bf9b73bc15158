//! Diagnoses: searching the ICD-10-CM list as the doctor types, recording a diagnosis (a
//! code, or free text when nothing fits), resolving it, putting it on the problem list
//! (chronic), archiving one entered in error, and a patient's list.

use std::sync::Arc;

use clinic_core::ids::{DiagnosisId, EncounterId, PatientId};
use serde::{Deserialize, Serialize};

use crate::shell::{Reply, Result, Shared, Shell, blocking, parse_id};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn search_diagnosis_codes(
    shell: Shared<'_>,
    text: String,
    limit: u32,
) -> Reply<Vec<IcdCode>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.search_diagnosis_codes(&text, limit)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_diagnosis(
    shell: Shared<'_>,
    patient_id: String,
    encounter_id: Option<String>,
    input: DiagnosisInput,
) -> Reply<Diagnosis> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.add_diagnosis(&patient_id, encounter_id.as_deref(), input)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_diagnosis_resolved(
    shell: Shared<'_>,
    id: String,
    resolved: bool,
) -> Reply<Diagnosis> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.set_diagnosis_resolved(&id, resolved)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_diagnosis_chronic(
    shell: Shared<'_>,
    id: String,
    chronic: bool,
) -> Reply<Diagnosis> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.set_diagnosis_chronic(&id, chronic)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn archive_diagnosis(shell: Shared<'_>, id: String, reason: String) -> Reply<Diagnosis> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.archive_diagnosis(&id, &reason)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn patient_diagnoses(shell: Shared<'_>, patient_id: String) -> Reply<Vec<Diagnosis>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.patient_diagnoses(&patient_id)).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    /// ICD-10-CM codes by code prefix or words of the title, best first (at most
    /// `limit`; the core caps it).
    pub fn search_diagnosis_codes(&self, text: &str, limit: u32) -> Result<Vec<IcdCode>> {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        self.with_open(|open| {
            let found = open.session.search_icd10(text, limit)?;
            Ok(found.into_iter().map(IcdCode::from).collect())
        })
    }

    pub fn add_diagnosis(
        &self,
        patient_id: &str,
        encounter_id: Option<&str>,
        input: DiagnosisInput,
    ) -> Result<Diagnosis> {
        let patient: PatientId = parse_id("patient", patient_id)?;
        let encounter: Option<EncounterId> = encounter_id
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|e| parse_id("encounter", e))
            .transpose()?;
        let input = input.into();
        self.with_open(|open| {
            Ok(open
                .session
                .add_diagnosis(patient, encounter, &input)?
                .into())
        })
    }

    pub fn set_diagnosis_resolved(&self, id: &str, resolved: bool) -> Result<Diagnosis> {
        let id: DiagnosisId = parse_id("diagnosis", id)?;
        self.with_open(|open| Ok(open.session.set_diagnosis_status(id, resolved)?.into()))
    }

    pub fn set_diagnosis_chronic(&self, id: &str, chronic: bool) -> Result<Diagnosis> {
        let id: DiagnosisId = parse_id("diagnosis", id)?;
        self.with_open(|open| Ok(open.session.set_diagnosis_chronic(id, chronic)?.into()))
    }

    pub fn archive_diagnosis(&self, id: &str, reason: &str) -> Result<Diagnosis> {
        let id: DiagnosisId = parse_id("diagnosis", id)?;
        self.with_open(|open| Ok(open.session.archive_diagnosis(id, reason)?.into()))
    }

    /// A patient's diagnoses, newest first, archived ones included (an audited read).
    pub fn patient_diagnoses(&self, patient_id: &str) -> Result<Vec<Diagnosis>> {
        let patient: PatientId = parse_id("patient", patient_id)?;
        self.with_open(|open| {
            let list = open.session.diagnoses_of(patient)?;
            Ok(list.into_iter().map(Diagnosis::from).collect())
        })
    }
}

// ---- wire types -----------------------------------------------------------------------

/// An ICD-10-CM code with its title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct IcdCode {
    /// As usually written, with its dot: `E11.9`.
    pub code: String,
    pub title: String,
    /// False for a category with more specific codes under it (`E11`).
    pub billable: bool,
}

impl From<clinic_core::clinical::diagnoses::IcdEntry> for IcdCode {
    fn from(e: clinic_core::clinical::diagnoses::IcdEntry) -> Self {
        Self {
            code: e.code.to_owned(),
            title: e.title.to_owned(),
            billable: e.billable,
        }
    }
}

/// What a doctor records: an ICD-10-CM `code` (its title comes from the list), or a
/// free-text `title` when no code fits.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DiagnosisInput {
    pub code: Option<String>,
    pub title: Option<String>,
    /// Free text beside a code.
    pub note: Option<String>,
    /// Primary (false: secondary).
    pub primary: bool,
    /// `YYYY-MM-DD`, when it began, if known.
    pub onset: Option<String>,
    /// Puts it on the problem list.
    pub chronic: bool,
}

impl From<DiagnosisInput> for clinic_core::clinical::diagnoses::DiagnosisInput {
    fn from(d: DiagnosisInput) -> Self {
        Self {
            code: d.code,
            title: d.title,
            note: d.note,
            primary: d.primary,
            onset: d.onset,
            chronic: d.chronic,
        }
    }
}

/// A recorded diagnosis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Diagnosis {
    pub id: String,
    pub patient_id: String,
    pub encounter_id: Option<String>,
    /// Null for a free-text diagnosis.
    pub code: Option<String>,
    pub title: String,
    pub note: Option<String>,
    pub primary: bool,
    /// `YYYY-MM-DD`.
    pub onset: Option<String>,
    pub resolved: bool,
    /// On the problem list.
    pub chronic: bool,
    /// Entered in error: kept, but no longer counted.
    pub archived: bool,
    pub recorded_by_name: String,
    pub recorded_at: String,
    pub updated_at: String,
}

impl From<clinic_core::clinical::diagnoses::Diagnosis> for Diagnosis {
    fn from(d: clinic_core::clinical::diagnoses::Diagnosis) -> Self {
        Self {
            id: d.id.to_string(),
            patient_id: d.patient_id.to_string(),
            encounter_id: d.encounter_id.map(|e| e.to_string()),
            code: d.code,
            title: d.title,
            note: d.note,
            primary: d.rank == "primary",
            onset: d.onset,
            resolved: d.status == "resolved",
            chronic: d.chronic,
            archived: !d.active,
            recorded_by_name: d.recorded_by_name,
            recorded_at: d.recorded_at,
            updated_at: d.updated_at,
        }
    }
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    IcdCode::export_all(cfg)?;
    DiagnosisInput::export_all(cfg)?;
    Diagnosis::export_all(cfg)?;
    Ok(())
}
