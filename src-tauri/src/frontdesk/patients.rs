//! Patients: search as you type, possible duplicates, registration, the record and its
//! edits, archiving and restoring, and merging duplicates (and undoing a merge).

use std::sync::Arc;

use clinic_core::ids::PatientId;
use serde::{Deserialize, Serialize};

use crate::shell::{Reply, Result, Shared, Shell, blocking, parse_id};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn search_patients(
    shell: Shared<'_>,
    text: String,
    limit: u32,
) -> Reply<Vec<PatientSummary>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.search_patients(&text, limit)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn possible_duplicates(
    shell: Shared<'_>,
    input: PatientInput,
) -> Reply<Vec<PatientSummary>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.possible_duplicates(input)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn register_patient(
    shell: Shared<'_>,
    input: PatientInput,
    confirmed_not_duplicate: bool,
) -> Reply<Patient> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.register_patient(input, confirmed_not_duplicate)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn patient(shell: Shared<'_>, id: String) -> Reply<Patient> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.patient(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn update_patient(shell: Shared<'_>, id: String, input: PatientInput) -> Reply<Patient> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.update_patient(&id, input)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn archive_patient(shell: Shared<'_>, id: String, reason: String) -> Reply<Patient> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.archive_patient(&id, &reason)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn restore_patient(shell: Shared<'_>, id: String) -> Reply<Patient> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.restore_patient(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn merge_patients(
    shell: Shared<'_>,
    survivor: String,
    duplicate: String,
) -> Reply<PatientMerge> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.merge_patients(&survivor, &duplicate)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn patient_merges(shell: Shared<'_>, id: String) -> Reply<Vec<PatientMerge>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.patient_merges(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn undo_merge(shell: Shared<'_>, merge_id: String) -> Reply<PatientMerge> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.undo_merge(&merge_id)).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    pub fn search_patients(&self, text: &str, limit: u32) -> Result<Vec<PatientSummary>> {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        self.with_open(|open| {
            let found = open.session.search_patients(text, limit)?;
            Ok(found.into_iter().map(PatientSummary::from).collect())
        })
    }

    pub fn possible_duplicates(&self, input: PatientInput) -> Result<Vec<PatientSummary>> {
        let input = input.into();
        self.with_open(|open| {
            let found = open.session.possible_duplicates(&input)?;
            Ok(found.into_iter().map(PatientSummary::from).collect())
        })
    }

    pub fn register_patient(
        &self,
        input: PatientInput,
        confirmed_not_duplicate: bool,
    ) -> Result<Patient> {
        let input = input.into();
        self.with_open(|open| {
            Ok(open
                .session
                .register_patient(&input, confirmed_not_duplicate)?
                .into())
        })
    }

    pub fn patient(&self, id: &str) -> Result<Patient> {
        let id: PatientId = parse_id("patient", id)?;
        self.with_open(|open| Ok(open.session.patient(id)?.into()))
    }

    pub fn update_patient(&self, id: &str, input: PatientInput) -> Result<Patient> {
        let id: PatientId = parse_id("patient", id)?;
        let input = input.into();
        self.with_open(|open| Ok(open.session.update_patient(id, &input)?.into()))
    }

    pub fn archive_patient(&self, id: &str, reason: &str) -> Result<Patient> {
        let id: PatientId = parse_id("patient", id)?;
        self.with_open(|open| Ok(open.session.archive_patient(id, reason)?.into()))
    }

    /// Brings an archived (not merged) record back into searches.
    pub fn restore_patient(&self, id: &str) -> Result<Patient> {
        let id: PatientId = parse_id("patient", id)?;
        self.with_open(|open| Ok(open.session.restore_patient(id)?.into()))
    }

    /// Merges `duplicate` into `survivor`: everything linked to the duplicate moves, the
    /// duplicate is archived pointing at the survivor, and the merge is recorded.
    pub fn merge_patients(&self, survivor: &str, duplicate: &str) -> Result<PatientMerge> {
        let survivor: PatientId = parse_id("survivor", survivor)?;
        let duplicate: PatientId = parse_id("duplicate", duplicate)?;
        self.with_open(|open| Ok(open.session.merge_patients(survivor, duplicate)?.into()))
    }

    /// The merges a patient took part in, newest first.
    pub fn patient_merges(&self, id: &str) -> Result<Vec<PatientMerge>> {
        let id: PatientId = parse_id("patient", id)?;
        self.with_open(|open| {
            let list = open.session.patient_merges(id)?;
            Ok(list.into_iter().map(PatientMerge::from).collect())
        })
    }

    /// Puts back everything a merge moved and reactivates the duplicate.
    pub fn undo_merge(&self, merge_id: &str) -> Result<PatientMerge> {
        self.with_open(|open| Ok(open.session.undo_merge(merge_id.trim())?.into()))
    }
}

// ---- wire types -----------------------------------------------------------------------

/// The registration and edit form. Optional fields may be empty strings or null.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PatientInput {
    pub given_name: String,
    pub family_name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// `female`, `male`, `other` or `unknown`.
    pub sex: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub blood_group: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub insurance_provider: Option<String>,
    pub insurance_number: Option<String>,
}

impl From<PatientInput> for clinic_core::frontdesk::patients::PatientInput {
    fn from(p: PatientInput) -> Self {
        Self {
            given_name: p.given_name,
            family_name: p.family_name,
            date_of_birth: p.date_of_birth,
            sex: p.sex,
            phone: p.phone,
            email: p.email,
            address: p.address,
            blood_group: p.blood_group,
            emergency_contact_name: p.emergency_contact_name,
            emergency_contact_phone: p.emergency_contact_phone,
            insurance_provider: p.insurance_provider,
            insurance_number: p.insurance_number,
        }
    }
}

/// One row of a search result or duplicate warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PatientSummary {
    pub id: String,
    /// Medical record number, e.g. `BR01-7KQ3M-000042`.
    pub mrn: String,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: String,
    pub sex: String,
    pub phone: Option<String>,
    /// False for an archived record (only administrators see those in searches).
    pub active: bool,
}

impl From<clinic_core::frontdesk::patients::PatientSummary> for PatientSummary {
    fn from(p: clinic_core::frontdesk::patients::PatientSummary) -> Self {
        Self {
            id: p.id.to_string(),
            mrn: p.mrn,
            given_name: p.given_name,
            family_name: p.family_name,
            date_of_birth: p.date_of_birth,
            sex: p.sex,
            phone: p.phone,
            active: p.active,
        }
    }
}

/// A patient's full demographic record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Patient {
    pub id: String,
    pub mrn: String,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: String,
    pub sex: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub blood_group: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub insurance_provider: Option<String>,
    pub insurance_number: Option<String>,
    pub active: bool,
    /// Set when this record was merged into another (the survivor's id).
    pub merged_into: Option<String>,
}

impl From<clinic_core::frontdesk::patients::Patient> for Patient {
    fn from(p: clinic_core::frontdesk::patients::Patient) -> Self {
        Self {
            id: p.id.to_string(),
            mrn: p.mrn,
            given_name: p.given_name,
            family_name: p.family_name,
            date_of_birth: p.date_of_birth,
            sex: p.sex,
            phone: p.phone,
            email: p.email,
            address: p.address,
            blood_group: p.blood_group,
            emergency_contact_name: p.emergency_contact_name,
            emergency_contact_phone: p.emergency_contact_phone,
            insurance_provider: p.insurance_provider,
            insurance_number: p.insurance_number,
            active: p.active,
            merged_into: p.merged_into.map(|id| id.to_string()),
        }
    }
}

/// Rows of one table that a merge moved from the duplicate to the survivor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct MovedRows {
    /// e.g. `appointments`.
    pub table: String,
    pub ids: Vec<String>,
}

/// A recorded patient merge: who survived, who was merged, what moved, and whether it
/// has been undone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PatientMerge {
    pub id: String,
    pub survivor_id: String,
    pub merged_id: String,
    /// Tables with rows that moved (empty tables left out), by table name.
    pub moved: Vec<MovedRows>,
    pub merged_at: String,
    pub undone_at: Option<String>,
}

impl From<clinic_core::frontdesk::patients::Merge> for PatientMerge {
    fn from(m: clinic_core::frontdesk::patients::Merge) -> Self {
        let mut moved: Vec<MovedRows> = m
            .moved
            .as_object()
            .map(|tables| {
                tables
                    .iter()
                    .map(|(table, ids)| MovedRows {
                        table: table.clone(),
                        ids: ids
                            .as_array()
                            .map(|ids| {
                                ids.iter()
                                    .filter_map(|id| id.as_str().map(str::to_owned))
                                    .collect()
                            })
                            .unwrap_or_default(),
                    })
                    .filter(|rows| !rows.ids.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        moved.sort_by(|a, b| a.table.cmp(&b.table));
        Self {
            id: m.id,
            survivor_id: m.survivor_id.to_string(),
            merged_id: m.merged_id.to_string(),
            moved,
            merged_at: m.merged_at,
            undone_at: m.undone_at,
        }
    }
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    PatientInput::export_all(cfg)?;
    PatientSummary::export_all(cfg)?;
    Patient::export_all(cfg)?;
    PatientMerge::export_all(cfg)?;
    Ok(())
}
