//! Allergies: one row each (substance, optional coded drug or class, reaction, severity,
//! status, who noted it and when), the one source of truth since workstation migration
//! V13 moved the patient row's old list into it.
//!
//! Invariants: doctors and nurses record and correct allergies (`allergy_record`); an
//! allergy is never deleted, only marked inactive or archived (entered in error); the
//! chart shows active ones first; reading them is an audited read of the patient's
//! record.

pub(crate) mod store;

use serde::{Deserialize, Serialize};

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{AllergyId, PatientId, UserId, new_v7_at};
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::audit::{self, Event, Outcome};
use crate::validate;

/// The severities a reaction is recorded with.
pub const SEVERITIES: [&str; 4] = ["mild", "moderate", "severe", "unknown"];

/// What a doctor or nurse records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AllergyInput {
    /// What the patient reacts to: "Penicillin", "Peanuts", "Latex".
    pub substance: String,
    /// A drug or class code, when known (free text: an ATC code, a local formulary id).
    pub coded: Option<String>,
    /// What happens: "Rash", "Anaphylaxis".
    pub reaction: Option<String>,
    /// One of [`SEVERITIES`]; `unknown` when empty.
    pub severity: Option<String>,
}

/// A recorded allergy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allergy {
    pub id: String,
    pub patient_id: PatientId,
    pub substance: String,
    pub coded: Option<String>,
    pub reaction: Option<String>,
    pub severity: String,
    /// `active` or `inactive` (outgrown, disproved).
    pub status: String,
    /// False once archived (entered in error).
    pub active: bool,
    /// Who noted it; `None` for an allergy moved from the old list on the patient row.
    pub noted_by: Option<UserId>,
    pub noted_by_name: Option<String>,
    pub noted_at: String,
    pub updated_at: String,
}

impl Allergy {
    /// Whether the chart warns with it.
    pub fn is_current(&self) -> bool {
        self.active && self.status == "active"
    }
}

fn severity(text: Option<&str>) -> Result<String> {
    let text = text
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or("unknown")
        .to_lowercase();
    if SEVERITIES.contains(&text.as_str()) {
        Ok(text)
    } else {
        Err(Error::validation(
            "severity",
            format!(
                "\"{text}\" is not a severity; use {}",
                SEVERITIES.join(", ")
            ),
        ))
    }
}

fn optional(field: &'static str, text: Option<&str>, max: usize) -> Result<Option<String>> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| validate::text(field, t, max))
        .transpose()
}

impl Session {
    /// Records an allergy for a patient.
    pub fn add_allergy(&mut self, patient: PatientId, input: &AllergyInput) -> Result<Allergy> {
        self.authorize(Action::AllergyRecord, Target::Patient(patient))?;
        let substance = validate::text("substance", &input.substance, 120)?;
        let coded = optional("coded", input.coded.as_deref(), 60)?;
        let reaction = optional("reaction", input.reaction.as_deref(), 300)?;
        let severity = severity(input.severity.as_deref())?;
        let current = store::for_patient(self.live()?.store.conn(), patient)?;
        if current
            .iter()
            .any(|a| a.is_current() && validate::fold(&a.substance) == validate::fold(&substance))
        {
            return Err(Error::validation(
                "substance",
                format!("{substance} is already on this patient's allergy list"),
            ));
        }
        self.transact(|tx, ctx, actor| {
            let a = Allergy {
                id: AllergyId(new_v7_at(ctx.now)).to_string(),
                patient_id: patient,
                substance: substance.clone(),
                coded: coded.clone(),
                reaction: reaction.clone(),
                severity: severity.clone(),
                status: "active".into(),
                active: true,
                noted_by: Some(actor.user),
                noted_by_name: Some(actor.username.clone()),
                noted_at: to_db_time(ctx.now),
                updated_at: to_db_time(ctx.now),
            };
            store::insert(tx, ctx, &a)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("allergy.add", Outcome::Success)
                    .entity("allergy", &a.id)
                    .patient(patient)
                    .details(
                        serde_json::json!({ "substance": a.substance, "severity": a.severity }),
                    ),
            )?;
            Ok(a)
        })
    }

    /// Corrects an allergy's reaction and severity, or marks it inactive (outgrown,
    /// disproved) or active again.
    pub fn update_allergy(
        &mut self,
        id: &str,
        reaction: Option<&str>,
        severity_text: Option<&str>,
        active_status: bool,
    ) -> Result<Allergy> {
        let before = self.allergy_unaudited(id)?;
        let mut after = before.clone();
        after.reaction = optional("reaction", reaction, 300)?;
        after.severity = severity(severity_text)?;
        after.status = if active_status { "active" } else { "inactive" }.into();
        self.change_allergy(before, after, "allergy.update")
    }

    /// Archives an allergy entered in error; it stays in the history.
    pub fn archive_allergy(&mut self, id: &str, reason: &str) -> Result<Allergy> {
        let reason = validate::text("reason", reason, 300)?;
        let before = self.allergy_unaudited(id)?;
        let mut after = before.clone();
        after.active = false;
        after.reaction = Some(match &before.reaction {
            Some(r) => format!("{r} (entered in error: {reason})"),
            None => format!("Entered in error: {reason}"),
        });
        self.change_allergy(before, after, "allergy.archive")
    }

    fn change_allergy(&mut self, before: Allergy, after: Allergy, action: &str) -> Result<Allergy> {
        self.authorize(Action::AllergyRecord, Target::Patient(before.patient_id))?;
        if !before.active {
            return Err(Error::validation("allergy", "this allergy is archived"));
        }
        self.transact(|tx, ctx, actor| {
            store::update(tx, ctx, &before, &after)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new(action.to_owned(), Outcome::Success)
                    .entity("allergy", &after.id)
                    .patient(after.patient_id)
                    .details(serde_json::json!({ "status": after.status, "severity": after.severity, "active": after.active })),
            )?;
            store::get(tx, &after.id)?.ok_or_else(|| Error::Internal("allergy vanished".into()))
        })
    }

    /// A patient's allergies, current ones first (an audited read).
    pub fn allergies_of(&mut self, patient: PatientId) -> Result<Vec<Allergy>> {
        self.read_record(patient, "allergies", None)?;
        store::for_patient(self.live()?.store.conn(), patient)
    }

    fn allergy_unaudited(&mut self, id: &str) -> Result<Allergy> {
        store::get(self.live()?.store.conn(), id.trim())?
            .ok_or_else(|| Error::validation("allergy", format!("there is no allergy {id}")))
    }
}
