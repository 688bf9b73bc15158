//! Diagnoses with ICD-10-CM codes (the full code list ships with the app,
//! [`clinic_icd10`]) or free text, primary or secondary, with onset and status; chronic
//! ones make the patient's problem list.
//!
//! Invariants: a code is stored only if it is in the ICD-10-CM list, with the list's
//! title (free text goes beside it, in `note`, or alone in `title` without a code); only
//! a user who may write the record records or corrects a diagnosis; a diagnosis is
//! never deleted (archived when entered in error, with the reason audited); reading them
//! is an audited read of the patient's record.

pub(crate) mod store;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{DiagnosisId, EncounterId, PatientId, UserId, new_v7_at};
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::audit::{self, Event, Outcome};
use crate::validate;

pub use clinic_icd10::Entry as IcdEntry;

/// What a doctor records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DiagnosisInput {
    /// An ICD-10-CM code (`E11.9`, `e119`); its title comes from the list.
    pub code: Option<String>,
    /// Free text: the diagnosis itself when there is no code.
    pub title: Option<String>,
    /// Free text beside a code.
    pub note: Option<String>,
    /// Primary (false: secondary).
    pub primary: bool,
    /// `YYYY-MM-DD`, when it began, if known.
    pub onset: Option<String>,
    /// Makes the problem list.
    pub chronic: bool,
}

/// A recorded diagnosis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    pub id: DiagnosisId,
    pub patient_id: PatientId,
    pub encounter_id: Option<EncounterId>,
    pub code: Option<String>,
    pub title: String,
    pub note: Option<String>,
    /// `primary` or `secondary`.
    pub rank: String,
    pub onset: Option<String>,
    /// `active` or `resolved`.
    pub status: String,
    pub chronic: bool,
    /// False once archived (entered in error).
    pub active: bool,
    pub recorded_by: UserId,
    pub recorded_by_name: String,
    pub recorded_at: String,
    pub updated_at: String,
}

/// Searches the ICD-10-CM list by code prefix or by words of the title (any order,
/// accents and case folded).
pub fn search_codes(query: &str, limit: usize) -> Vec<IcdEntry> {
    clinic_icd10::search(query, limit.clamp(1, 200))
}

fn onset(text: Option<&str>, today: NaiveDate) -> Result<Option<String>> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let day = crate::clinic_time::parse_date("onset", text)?;
    if day > today {
        return Err(Error::validation("onset", "is in the future"));
    }
    Ok(Some(day.format("%Y-%m-%d").to_string()))
}

impl Session {
    /// Searches the ICD-10-CM list (no patient data: any user who may read records).
    pub fn search_icd10(&mut self, query: &str, limit: usize) -> Result<Vec<IcdEntry>> {
        self.authorize(Action::RecordRead, Target::Any)?;
        Ok(search_codes(query, limit))
    }

    /// Records a diagnosis for a patient, on a visit or not.
    pub fn add_diagnosis(
        &mut self,
        patient: PatientId,
        encounter: Option<EncounterId>,
        input: &DiagnosisInput,
    ) -> Result<Diagnosis> {
        self.authorize(Action::RecordWrite, Target::Patient(patient))?;
        if let Some(e) = encounter
            && self.encounter_unaudited(e)?.patient_id != patient
        {
            return Err(Error::validation(
                "encounter",
                "this visit is another patient's",
            ));
        }
        let note = input
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| validate::text("note", n, 500))
            .transpose()?;
        let (code, title) = match input
            .code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            Some(code) => {
                let entry = clinic_icd10::lookup(code).ok_or_else(|| {
                    Error::validation(
                        "code",
                        format!("{code} is not an ICD-10-CM code; search by words or leave the code empty and type the diagnosis"),
                    )
                })?;
                (Some(entry.code.to_owned()), entry.title.to_owned())
            }
            None => {
                let title = input.title.as_deref().unwrap_or_default();
                if title.trim().is_empty() {
                    return Err(Error::validation(
                        "title",
                        "choose an ICD-10-CM code or type the diagnosis",
                    ));
                }
                (None, validate::text("title", title, 300)?)
            }
        };
        let today = self.today()?;
        let onset = onset(input.onset.as_deref(), today)?;
        self.transact(|tx, ctx, actor| {
            let d = Diagnosis {
                id: DiagnosisId(new_v7_at(ctx.now)),
                patient_id: patient,
                encounter_id: encounter,
                code: code.clone(),
                title: title.clone(),
                note: note.clone(),
                rank: if input.primary {
                    "primary"
                } else {
                    "secondary"
                }
                .into(),
                onset: onset.clone(),
                status: "active".into(),
                chronic: input.chronic,
                active: true,
                recorded_by: actor.user,
                recorded_by_name: actor.username.clone(),
                recorded_at: to_db_time(ctx.now),
                updated_at: to_db_time(ctx.now),
            };
            store::insert(tx, ctx, &d)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("diagnosis.add", Outcome::Success)
                    .entity("diagnosis", d.id)
                    .patient(patient)
                    .details(serde_json::json!({ "code": d.code, "chronic": d.chronic })),
            )?;
            Ok(d)
        })
    }

    /// Marks a diagnosis resolved or active again.
    pub fn set_diagnosis_status(&mut self, id: DiagnosisId, resolved: bool) -> Result<Diagnosis> {
        let status = if resolved { "resolved" } else { "active" };
        self.change_diagnosis(
            id,
            "diagnosis.status",
            serde_json::json!({ "status": status }),
        )
    }

    /// Puts a diagnosis on the problem list or takes it off.
    pub fn set_diagnosis_chronic(&mut self, id: DiagnosisId, chronic: bool) -> Result<Diagnosis> {
        self.change_diagnosis(
            id,
            "diagnosis.chronic",
            serde_json::json!({ "chronic": chronic }),
        )
    }

    /// Archives a diagnosis entered in error (it stays readable in the history).
    pub fn archive_diagnosis(&mut self, id: DiagnosisId, reason: &str) -> Result<Diagnosis> {
        let reason = validate::text("reason", reason, 300)?;
        self.change_diagnosis(
            id,
            "diagnosis.archive",
            serde_json::json!({ "active": false, "note": format!("Entered in error: {reason}") }),
        )
    }

    fn change_diagnosis(
        &mut self,
        id: DiagnosisId,
        action: &str,
        fields: serde_json::Value,
    ) -> Result<Diagnosis> {
        let current = store::get(self.live()?.store.conn(), id)?
            .ok_or_else(|| Error::validation("diagnosis", format!("there is no diagnosis {id}")))?;
        self.authorize(Action::RecordWrite, Target::Patient(current.patient_id))?;
        if !current.active {
            return Err(Error::validation("diagnosis", "this diagnosis is archived"));
        }
        let fields = fields.as_object().cloned().unwrap_or_default();
        self.transact(|tx, ctx, actor| {
            store::update(tx, ctx, id, &fields)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new(action.to_owned(), Outcome::Success)
                    .entity("diagnosis", id)
                    .patient(current.patient_id)
                    .details(serde_json::Value::Object(fields.clone())),
            )?;
            store::get(tx, id)?.ok_or_else(|| Error::Internal("diagnosis vanished".into()))
        })
    }

    /// A patient's diagnoses, newest first, archived ones included (an audited read).
    pub fn diagnoses_of(&mut self, patient: PatientId) -> Result<Vec<Diagnosis>> {
        self.read_record(patient, "diagnoses", None)?;
        store::for_patient(self.live()?.store.conn(), patient)
    }
}

/// The problem list: active, unresolved, chronic diagnoses, one per code or title.
pub fn problem_list(diagnoses: &[Diagnosis]) -> Vec<Diagnosis> {
    let mut seen = std::collections::HashSet::new();
    diagnoses
        .iter()
        .filter(|d| d.active && d.chronic && d.status == "active")
        .filter(|d| seen.insert(d.code.clone().unwrap_or_else(|| d.title.to_lowercase())))
        .cloned()
        .collect()
}
