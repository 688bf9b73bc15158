//! Prescriptions: searching the drug catalogue, writing a draft (items from the catalogue
//! or flagged free text, the diagnosis from the patient's recorded ones, a follow-up
//! date), the quantity the core computes from dose × frequency × days, the offline checks
//! (allergies, duplicates, interactions), issuing (a serious warning needs an override
//! reason), cancelling with a reason, repeating, and a patient's list.
//!
//! The core decides everything here: who may write or read, what a warning is and whether
//! it is serious, the number, and what is audited; these steps only parse and map.

use std::sync::Arc;

use clinic_core::clinical::prescriptions as core;
use clinic_core::ids::{DiagnosisId, EncounterId, PatientId, PrescriptionId};
use serde::{Deserialize, Serialize};

use crate::shell::{Reply, Result, Shared, Shell, blocking, parse_id};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn search_drugs(shell: Shared<'_>, text: String, limit: u32) -> Reply<Vec<Drug>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.search_drugs(&text, limit)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn prescription_quantity(
    shell: Shared<'_>,
    dose: String,
    frequency: String,
    duration_days: Option<i64>,
) -> Reply<Option<String>> {
    let shell = Arc::clone(&shell);
    blocking(move || Ok(shell.prescription_quantity(&dose, &frequency, duration_days))).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn new_prescription(
    shell: Shared<'_>,
    patient_id: String,
    input: PrescriptionDraftInput,
) -> Reply<Prescription> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.new_prescription(&patient_id, input)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_prescription_item(
    shell: Shared<'_>,
    id: String,
    input: PrescriptionItemInput,
) -> Reply<Prescription> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.add_prescription_item(&id, input)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn remove_prescription_item(
    shell: Shared<'_>,
    id: String,
    position: i64,
) -> Reply<Prescription> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.remove_prescription_item(&id, position)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn check_prescription(shell: Shared<'_>, id: String) -> Reply<Vec<PrescriptionWarning>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.check_prescription(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn issue_prescription(
    shell: Shared<'_>,
    id: String,
    override_reason: Option<String>,
) -> Reply<Prescription> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.issue_prescription(&id, override_reason.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn cancel_prescription(
    shell: Shared<'_>,
    id: String,
    reason: String,
) -> Reply<Prescription> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.cancel_prescription(&id, &reason)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn repeat_prescription(shell: Shared<'_>, id: String) -> Reply<Prescription> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.repeat_prescription(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn prescription(shell: Shared<'_>, id: String) -> Reply<Prescription> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.prescription(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn patient_prescriptions(
    shell: Shared<'_>,
    patient_id: String,
) -> Reply<Vec<Prescription>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.patient_prescriptions(&patient_id)).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    /// Catalogue drugs whose name, ingredient or class starts with `text` (at most
    /// `limit`; the core caps it).
    pub fn search_drugs(&self, text: &str, limit: u32) -> Result<Vec<Drug>> {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        self.with_open(|open| {
            let found = open.session.search_drugs(text, limit)?;
            Ok(found.into_iter().map(Drug::from).collect())
        })
    }

    /// The quantity the core would fill in for this dose, frequency and duration (none
    /// when it cannot be computed, e.g. "as needed"). Pure: no record is read.
    pub fn prescription_quantity(
        &self,
        dose: &str,
        frequency: &str,
        duration_days: Option<i64>,
    ) -> Option<String> {
        core::compute_quantity(dose, frequency, duration_days)
    }

    pub fn new_prescription(
        &self,
        patient_id: &str,
        input: PrescriptionDraftInput,
    ) -> Result<Prescription> {
        let patient: PatientId = parse_id("patient", patient_id)?;
        let input = core::DraftInput {
            encounter: optional_id::<EncounterId>("encounter", input.encounter_id.as_deref())?,
            diagnosis: optional_id::<DiagnosisId>("diagnosis", input.diagnosis_id.as_deref())?,
            follow_up: input.follow_up,
        };
        self.with_open(|open| Ok(open.session.new_prescription(patient, &input)?.into()))
    }

    pub fn add_prescription_item(
        &self,
        id: &str,
        input: PrescriptionItemInput,
    ) -> Result<Prescription> {
        let id: PrescriptionId = parse_id("prescription", id)?;
        let input = input.into();
        self.with_open(|open| Ok(open.session.add_prescription_item(id, &input)?.into()))
    }

    pub fn remove_prescription_item(&self, id: &str, position: i64) -> Result<Prescription> {
        let id: PrescriptionId = parse_id("prescription", id)?;
        self.with_open(|open| Ok(open.session.remove_prescription_item(id, position)?.into()))
    }

    /// The warnings for the prescription as it stands (an audited read).
    pub fn check_prescription(&self, id: &str) -> Result<Vec<PrescriptionWarning>> {
        let id: PrescriptionId = parse_id("prescription", id)?;
        self.with_open(|open| {
            let found = open.session.check_prescription(id)?;
            Ok(found.into_iter().map(PrescriptionWarning::from).collect())
        })
    }

    pub fn issue_prescription(
        &self,
        id: &str,
        override_reason: Option<&str>,
    ) -> Result<Prescription> {
        let id: PrescriptionId = parse_id("prescription", id)?;
        self.with_open(|open| Ok(open.session.issue_prescription(id, override_reason)?.into()))
    }

    pub fn cancel_prescription(&self, id: &str, reason: &str) -> Result<Prescription> {
        let id: PrescriptionId = parse_id("prescription", id)?;
        self.with_open(|open| Ok(open.session.cancel_prescription(id, reason)?.into()))
    }

    /// A new draft copying an issued or cancelled prescription.
    pub fn repeat_prescription(&self, id: &str) -> Result<Prescription> {
        let id: PrescriptionId = parse_id("prescription", id)?;
        self.with_open(|open| Ok(open.session.repeat_prescription(id)?.into()))
    }

    /// One prescription (an audited read).
    pub fn prescription(&self, id: &str) -> Result<Prescription> {
        let id: PrescriptionId = parse_id("prescription", id)?;
        self.with_open(|open| Ok(open.session.prescription(id)?.into()))
    }

    /// A patient's prescriptions, newest first, with this prescriber's drafts (an audited
    /// read).
    pub fn patient_prescriptions(&self, patient_id: &str) -> Result<Vec<Prescription>> {
        let patient: PatientId = parse_id("patient", patient_id)?;
        self.with_open(|open| {
            let list = open.session.prescriptions_of(patient)?;
            Ok(list.into_iter().map(Prescription::from).collect())
        })
    }
}

/// An optional id: absent or blank is none, anything else must parse.
fn optional_id<T: std::str::FromStr>(field: &str, text: Option<&str>) -> Result<Option<T>> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| parse_id(field, t))
        .transpose()
}

// ---- wire types -----------------------------------------------------------------------

/// A drug of the catalogue, with what may be chosen for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Drug {
    /// The generic name, as an item names it.
    pub name: String,
    pub strengths: Vec<String>,
    pub forms: Vec<String>,
    pub routes: Vec<String>,
    pub ingredients: Vec<String>,
    pub classes: Vec<String>,
    /// `starter` (shipped) or `formulary` (imported by the clinic).
    pub source: String,
}

impl From<clinic_core::clinical::drugs::Drug> for Drug {
    fn from(d: clinic_core::clinical::drugs::Drug) -> Self {
        Self {
            name: d.name,
            strengths: d.strengths,
            forms: d.forms,
            routes: d.routes,
            ingredients: d.ingredients,
            classes: d.classes,
            source: d.source,
        }
    }
}

/// What a draft starts with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PrescriptionDraftInput {
    /// The visit it is written in, if any (it must be this patient's).
    pub encounter_id: Option<String>,
    /// One of the patient's recorded diagnoses; its ICD-10 code and title are copied.
    pub diagnosis_id: Option<String>,
    /// `YYYY-MM-DD`, today or later.
    pub follow_up: Option<String>,
}

/// What a doctor writes for one item: a catalogue `drug` or `free_text` (not both).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PrescriptionItemInput {
    pub drug: Option<String>,
    /// A drug not in the catalogue (flagged as such; checked by its name only).
    pub free_text: Option<String>,
    pub strength: Option<String>,
    pub form: Option<String>,
    /// "1 tablet", "5 mL", "2 puffs".
    pub dose: String,
    pub route: Option<String>,
    /// `od`, `bd`, `tds`, … or free text such as "as needed".
    pub frequency: String,
    pub duration_days: Option<i64>,
    /// Empty: computed by the core from dose × frequency × days when it can be.
    pub quantity: Option<String>,
    pub refills: i64,
    pub substitution_allowed: bool,
    pub instructions: Option<String>,
}

impl From<PrescriptionItemInput> for core::ItemInput {
    fn from(i: PrescriptionItemInput) -> Self {
        Self {
            drug: i.drug,
            free_text: i.free_text,
            strength: i.strength,
            form: i.form,
            dose: i.dose,
            route: i.route,
            frequency: i.frequency,
            duration_days: i.duration_days,
            quantity: i.quantity,
            refills: i.refills,
            substitution_allowed: Some(i.substitution_allowed),
            instructions: i.instructions,
        }
    }
}

/// Where a prescription stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PrescriptionStatus {
    Draft,
    Issued,
    Cancelled,
    /// A status this version of the app does not know (from a newer workstation).
    Unknown,
}

/// How much a warning matters: a serious one needs an override reason to issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum WarningSeverity {
    Serious,
    Moderate,
    Minor,
}

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    Allergy,
    Duplicate,
    Interaction,
    /// A kind this version of the app does not know.
    Other,
}

/// One warning of the checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PrescriptionWarning {
    pub kind: WarningKind,
    pub severity: WarningSeverity,
    /// What was found: the drugs (and the allergy) it is about.
    pub message: String,
    /// What to do about it (empty in warnings kept by an older version).
    pub advice: String,
    /// Where the rule comes from (empty in warnings kept by an older version).
    pub source: String,
    /// True when issuing needs an override reason (the core's rule).
    pub serious: bool,
    /// The positions of this prescription's items it is about.
    pub items: Vec<i64>,
}

impl From<core::Warning> for PrescriptionWarning {
    fn from(w: core::Warning) -> Self {
        let serious = w.is_serious();
        Self {
            kind: match w.kind.as_str() {
                "allergy" => WarningKind::Allergy,
                "duplicate" => WarningKind::Duplicate,
                "interaction" => WarningKind::Interaction,
                _ => WarningKind::Other,
            },
            // An unknown severity is shown as the strongest, never played down.
            severity: match w.severity.as_str() {
                "moderate" => WarningSeverity::Moderate,
                "minor" => WarningSeverity::Minor,
                _ => WarningSeverity::Serious,
            },
            message: w.message,
            advice: w.advice,
            source: w.source,
            serious,
            items: w.items,
        }
    }
}

/// One item of a prescription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PrescriptionItem {
    pub position: i64,
    pub drug_name: String,
    /// Written as free text, not from the catalogue (checked by its name only).
    pub free_text: bool,
    pub strength: Option<String>,
    pub form: Option<String>,
    pub dose: String,
    pub route: Option<String>,
    pub frequency: String,
    pub duration_days: Option<i64>,
    pub quantity: Option<String>,
    pub refills: i64,
    pub substitution_allowed: bool,
    pub instructions: Option<String>,
}

impl From<core::Item> for PrescriptionItem {
    fn from(i: core::Item) -> Self {
        Self {
            position: i.position,
            drug_name: i.drug_name,
            free_text: i.free_text,
            strength: i.strength,
            form: i.form,
            dose: i.dose,
            route: i.route,
            frequency: i.frequency,
            duration_days: i.duration_days,
            quantity: i.quantity,
            refills: i.refills,
            substitution_allowed: i.substitution_allowed,
            instructions: i.instructions,
        }
    }
}

/// A prescription with its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Prescription {
    pub id: String,
    /// Given when issued.
    pub number: Option<String>,
    pub patient_id: String,
    pub encounter_id: Option<String>,
    pub prescriber_name: String,
    pub status: PrescriptionStatus,
    pub diagnosis_code: Option<String>,
    pub diagnosis_title: Option<String>,
    /// `YYYY-MM-DD`.
    pub follow_up: Option<String>,
    /// The warnings shown when it was issued (an overridden serious one among them).
    pub warnings: Vec<PrescriptionWarning>,
    pub override_reason: Option<String>,
    /// The prescription this one repeats.
    pub repeat_of: Option<String>,
    pub created_at: String,
    pub issued_at: Option<String>,
    pub cancelled_at: Option<String>,
    pub cancel_reason: Option<String>,
    pub items: Vec<PrescriptionItem>,
}

impl From<core::Prescription> for Prescription {
    fn from(rx: core::Prescription) -> Self {
        Self {
            id: rx.id.to_string(),
            number: rx.number,
            patient_id: rx.patient_id.to_string(),
            encounter_id: rx.encounter_id.map(|e| e.to_string()),
            prescriber_name: rx.prescriber_name,
            status: match rx.status.as_str() {
                "draft" => PrescriptionStatus::Draft,
                "issued" => PrescriptionStatus::Issued,
                "cancelled" => PrescriptionStatus::Cancelled,
                _ => PrescriptionStatus::Unknown,
            },
            diagnosis_code: rx.diagnosis_code,
            diagnosis_title: rx.diagnosis_title,
            follow_up: rx.follow_up,
            warnings: rx
                .warnings
                .into_iter()
                .map(PrescriptionWarning::from)
                .collect(),
            override_reason: rx.override_reason,
            repeat_of: rx.repeat_of.map(|r| r.to_string()),
            created_at: rx.created_at,
            issued_at: rx.issued_at,
            cancelled_at: rx.cancelled_at,
            cancel_reason: rx.cancel_reason,
            items: rx.items.into_iter().map(PrescriptionItem::from).collect(),
        }
    }
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    Drug::export_all(cfg)?;
    PrescriptionDraftInput::export_all(cfg)?;
    PrescriptionItemInput::export_all(cfg)?;
    Prescription::export_all(cfg)?;
    Ok(())
}
