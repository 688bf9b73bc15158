//! Allergies: recording one (substance, reaction, severity), correcting it or marking it
//! inactive, archiving one entered in error, and a patient's list (current ones first).

use std::sync::Arc;

use clinic_core::ids::PatientId;
use serde::{Deserialize, Serialize};

use crate::shell::{Reply, Result, Shared, Shell, blocking, parse_id};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn add_allergy(
    shell: Shared<'_>,
    patient_id: String,
    input: AllergyInput,
) -> Reply<Allergy> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.add_allergy(&patient_id, input)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn update_allergy(
    shell: Shared<'_>,
    id: String,
    reaction: Option<String>,
    severity: Option<String>,
    active: bool,
) -> Reply<Allergy> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.update_allergy(&id, reaction.as_deref(), severity.as_deref(), active))
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn archive_allergy(shell: Shared<'_>, id: String, reason: String) -> Reply<Allergy> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.archive_allergy(&id, &reason)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn patient_allergies(shell: Shared<'_>, patient_id: String) -> Reply<Vec<Allergy>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.patient_allergies(&patient_id)).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    pub fn add_allergy(&self, patient_id: &str, input: AllergyInput) -> Result<Allergy> {
        let patient: PatientId = parse_id("patient", patient_id)?;
        let input = input.into();
        self.with_open(|open| Ok(open.session.add_allergy(patient, &input)?.into()))
    }

    /// Corrects the reaction and severity, and marks the allergy active or inactive.
    pub fn update_allergy(
        &self,
        id: &str,
        reaction: Option<&str>,
        severity: Option<&str>,
        active: bool,
    ) -> Result<Allergy> {
        self.with_open(|open| {
            Ok(open
                .session
                .update_allergy(id, reaction, severity, active)?
                .into())
        })
    }

    pub fn archive_allergy(&self, id: &str, reason: &str) -> Result<Allergy> {
        self.with_open(|open| Ok(open.session.archive_allergy(id, reason)?.into()))
    }

    /// A patient's allergies, current ones first (an audited read).
    pub fn patient_allergies(&self, patient_id: &str) -> Result<Vec<Allergy>> {
        let patient: PatientId = parse_id("patient", patient_id)?;
        self.with_open(|open| {
            let list = open.session.allergies_of(patient)?;
            Ok(list.into_iter().map(Allergy::from).collect())
        })
    }
}

// ---- wire types -----------------------------------------------------------------------

/// What a doctor or nurse records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AllergyInput {
    /// "Penicillin", "Peanuts", "Latex".
    pub substance: String,
    /// A drug or class code, when known.
    pub coded: Option<String>,
    /// "Rash", "Anaphylaxis".
    pub reaction: Option<String>,
    /// `mild`, `moderate`, `severe` or `unknown` (null: unknown).
    pub severity: Option<String>,
}

impl From<AllergyInput> for clinic_core::clinical::allergies::AllergyInput {
    fn from(a: AllergyInput) -> Self {
        Self {
            substance: a.substance,
            coded: a.coded,
            reaction: a.reaction,
            severity: a.severity,
        }
    }
}

/// A recorded allergy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Allergy {
    pub id: String,
    pub patient_id: String,
    pub substance: String,
    pub coded: Option<String>,
    pub reaction: Option<String>,
    /// `mild`, `moderate`, `severe` or `unknown`.
    pub severity: String,
    /// Outgrown or disproved: kept, but no longer warned of.
    pub inactive: bool,
    /// Entered in error: kept in the history only.
    pub archived: bool,
    /// Null for an allergy moved from the patient record's old list.
    pub noted_by_name: Option<String>,
    pub noted_at: String,
    pub updated_at: String,
}

impl From<clinic_core::clinical::allergies::Allergy> for Allergy {
    fn from(a: clinic_core::clinical::allergies::Allergy) -> Self {
        Self {
            id: a.id,
            patient_id: a.patient_id.to_string(),
            substance: a.substance,
            coded: a.coded,
            reaction: a.reaction,
            severity: a.severity,
            inactive: a.status != "active",
            archived: !a.active,
            noted_by_name: a.noted_by_name,
            noted_at: a.noted_at,
            updated_at: a.updated_at,
        }
    }
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    AllergyInput::export_all(cfg)?;
    Allergy::export_all(cfg)?;
    Ok(())
}
