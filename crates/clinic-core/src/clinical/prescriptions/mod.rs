//! Prescriptions: a doctor writes a draft (items from the catalogue, or free text flagged
//! as such; the diagnosis from the patient's recorded ICD-10 diagnoses; a follow-up
//! date), sees the offline checks (`checks.rs`: allergies, duplicates, interactions),
//! and issues it. Cancelling (with a reason) and repeating (a new draft copied from an
//! earlier prescription) are the only ways on.
//!
//! Invariants:
//! - A draft never leaves its workstation and only its prescriber changes or issues it.
//! - Issuing runs the checks again inside the transaction; a serious warning needs an
//!   override reason, which is kept with the warnings on the prescription and audited
//!   (`prescription.override`), shown in the chart only.
//! - An issued prescription has a group-unique number (branch, device tag, counter:
//!   `store::sequences`; the server renumbers a clash) and is immutable: only cancelling
//!   changes it (triggers here, the access rule on the server). Its items have ids
//!   `<prescription id>-<position>`, so none can be added later.
//! - Doctors write (`prescription_write`); pharmacists and doctors read; a patient reads
//!   their own. Every read is audited as `record.prescriptions`.

pub mod checks;
pub(crate) mod store;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::clinical::drugs::{self, fold};
use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{DiagnosisId, EncounterId, PatientId, PrescriptionId, UserId, new_v7_at};
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::audit::{self, Event, Outcome};
use crate::store::sequences;
use crate::validate;

pub use checks::Warning;

/// Frequencies the quantity is computed from, with their doses a day.
pub const FREQUENCIES: [(&str, u32); 11] = [
    ("od", 1),
    ("bd", 2),
    ("tds", 3),
    ("qds", 4),
    ("q4h", 6),
    ("q6h", 4),
    ("q8h", 3),
    ("q12h", 2),
    ("mane", 1),
    ("nocte", 1),
    ("stat", 0),
];

/// What a doctor writes for one item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ItemInput {
    /// A drug of the catalogue, by name.
    pub drug: Option<String>,
    /// A drug not in the catalogue, as free text (flagged as such; checked by name only).
    pub free_text: Option<String>,
    pub strength: Option<String>,
    pub form: Option<String>,
    /// "1 tablet", "5 mL", "2 puffs".
    pub dose: String,
    pub route: Option<String>,
    /// One of [`FREQUENCIES`] (`bd`, `tds`, …) or free text such as "as needed".
    pub frequency: String,
    pub duration_days: Option<i64>,
    /// Computed from dose × frequency × duration when empty and computable.
    pub quantity: Option<String>,
    pub refills: i64,
    /// `None` means allowed.
    pub substitution_allowed: Option<bool>,
    pub instructions: Option<String>,
}

/// One item of a prescription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub id: String,
    pub position: i64,
    pub drug_id: Option<String>,
    pub drug_name: String,
    pub free_text: bool,
    pub ingredients: Vec<String>,
    pub classes: Vec<String>,
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

/// What a draft starts with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DraftInput {
    pub encounter: Option<EncounterId>,
    /// One of the patient's recorded diagnoses; its ICD-10 code and title are copied.
    pub diagnosis: Option<DiagnosisId>,
    /// `YYYY-MM-DD`, today or later.
    pub follow_up: Option<String>,
}

/// A prescription with its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prescription {
    pub id: PrescriptionId,
    /// Given when issued.
    pub number: Option<String>,
    pub patient_id: PatientId,
    pub encounter_id: Option<EncounterId>,
    pub prescriber_id: UserId,
    pub prescriber_name: String,
    /// `draft`, `issued` or `cancelled`.
    pub status: String,
    pub diagnosis_code: Option<String>,
    pub diagnosis_title: Option<String>,
    pub follow_up: Option<String>,
    /// The warnings shown when it was issued (an overridden serious one among them).
    pub warnings: Vec<Warning>,
    pub override_reason: Option<String>,
    pub repeat_of: Option<PrescriptionId>,
    pub created_at: String,
    pub issued_at: Option<String>,
    pub cancelled_at: Option<String>,
    pub cancelled_by: Option<UserId>,
    pub cancel_reason: Option<String>,
    pub items: Vec<Item>,
}

/// Thousandths of a dose amount from the start of `dose` ("1", "0.5", "1/2"), and the
/// rest of it (the unit).
fn dose_amount(dose: &str) -> Option<(u64, &str)> {
    let dose = dose.trim();
    let end = dose
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '/'))
        .unwrap_or(dose.len());
    let (number, unit) = dose.split_at(end);
    let thousandths = if let Some((n, d)) = number.split_once('/') {
        let (n, d): (u64, u64) = (n.parse().ok()?, d.parse().ok()?);
        (d != 0).then(|| n * 1000 / d)?
    } else if let Some((whole, frac)) = number.split_once('.') {
        if frac.len() > 3 {
            return None;
        }
        let frac_value: u64 = format!("{frac:0<3}").parse().ok()?;
        whole.parse::<u64>().ok()? * 1000 + frac_value
    } else {
        number.parse::<u64>().ok()? * 1000
    };
    (thousandths > 0).then_some((thousandths, unit.trim()))
}

/// The quantity dose × doses a day × days, when all three are known.
pub fn compute_quantity(dose: &str, frequency: &str, days: Option<i64>) -> Option<String> {
    let per_day = FREQUENCIES
        .iter()
        .find(|(f, _)| *f == fold(frequency))
        .map(|(_, n)| u64::from(*n))
        .filter(|n| *n > 0)?;
    let days = u64::try_from(days?).ok().filter(|d| *d > 0)?;
    let (amount, unit) = dose_amount(dose)?;
    let total = amount.checked_mul(per_day)?.checked_mul(days)?;
    let number = if total % 1000 == 0 {
        (total / 1000).to_string()
    } else {
        format!("{}.{:03}", total / 1000, total % 1000)
            .trim_end_matches('0')
            .to_owned()
    };
    Some(if unit.is_empty() {
        number
    } else if total != 1000 && COUNTABLE.contains(&unit.to_ascii_lowercase().as_str()) {
        format!("{number} {unit}s")
    } else {
        format!("{number} {unit}")
    })
}

/// `n` whole units in words: "1 tablet", "99 tablets", "2 bottles", "100 mL" (units of
/// measure stay as written).
pub fn counted(n: i64, unit: &str) -> String {
    const MORE: [&str; 8] = [
        "bottle", "tube", "box", "pack", "inhaler", "syringe", "pen", "piece",
    ];
    let lower = unit.to_ascii_lowercase();
    if n != 1 && (COUNTABLE.contains(&lower.as_str()) || MORE.contains(&lower.as_str())) {
        format!("{n} {unit}s")
    } else {
        format!("{n} {unit}")
    }
}

/// Units counted in whole things, written in the singular in a dose ("1 tablet") and
/// the plural in a quantity ("21 tablets"); units of measure ("mL") stay as written.
const COUNTABLE: [&str; 12] = [
    "tablet",
    "capsule",
    "puff",
    "drop",
    "sachet",
    "suppository",
    "patch",
    "pessary",
    "ampoule",
    "vial",
    "lozenge",
    "spray",
];

fn optional(field: &'static str, text: Option<&str>, max: usize) -> Result<Option<String>> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| validate::text(field, t, max))
        .transpose()
}

fn follow_up(text: Option<&str>, today: NaiveDate) -> Result<Option<String>> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let day = crate::clinic_time::parse_date("follow_up", text)?;
    if day < today {
        return Err(Error::validation("follow_up", "is in the past"));
    }
    Ok(Some(day.format("%Y-%m-%d").to_string()))
}

impl Session {
    /// Starts a draft prescription for a patient (it stays on this workstation).
    pub fn new_prescription(
        &mut self,
        patient: PatientId,
        input: &DraftInput,
    ) -> Result<Prescription> {
        self.authorize(Action::PrescriptionWrite, Target::Patient(patient))?;
        if let Some(e) = input.encounter
            && self.encounter_unaudited(e)?.patient_id != patient
        {
            return Err(Error::validation(
                "encounter",
                "this visit is another patient's",
            ));
        }
        let (diagnosis_code, diagnosis_title) = match input.diagnosis {
            None => (None, None),
            Some(d) => {
                let found = crate::clinical::diagnoses::store::get(self.live()?.store.conn(), d)?
                    .filter(|x| x.patient_id == patient && x.active)
                    .ok_or_else(|| {
                        Error::validation(
                            "diagnosis",
                            "choose one of this patient's recorded diagnoses",
                        )
                    })?;
                (found.code, Some(found.title))
            }
        };
        let today = self.today()?;
        let follow_up = follow_up(input.follow_up.as_deref(), today)?;
        self.transact(|tx, ctx, actor| {
            let rx = Prescription {
                id: PrescriptionId(new_v7_at(ctx.now)),
                number: None,
                patient_id: patient,
                encounter_id: input.encounter,
                prescriber_id: actor.user,
                prescriber_name: actor.username.clone(),
                status: "draft".into(),
                diagnosis_code: diagnosis_code.clone(),
                diagnosis_title: diagnosis_title.clone(),
                follow_up: follow_up.clone(),
                warnings: Vec::new(),
                override_reason: None,
                repeat_of: None,
                created_at: to_db_time(ctx.now),
                issued_at: None,
                cancelled_at: None,
                cancelled_by: None,
                cancel_reason: None,
                items: Vec::new(),
            };
            store::insert_draft(tx, &rx)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("prescription.draft", Outcome::Success)
                    .entity("prescription", rx.id)
                    .patient(patient),
            )?;
            Ok(rx)
        })
    }

    /// A draft of this user's, for changing.
    fn own_draft(&mut self, id: PrescriptionId) -> Result<Prescription> {
        let rx = store::get(self.live()?.store.conn(), id)?.ok_or_else(|| {
            Error::validation("prescription", format!("there is no prescription {id}"))
        })?;
        self.authorize(Action::PrescriptionWrite, Target::Patient(rx.patient_id))?;
        if rx.status != "draft" {
            return Err(Error::validation(
                "prescription",
                format!(
                    "prescription {} is {}: an issued prescription is immutable; cancel it and issue a new one",
                    rx.number.as_deref().unwrap_or("?"),
                    rx.status
                ),
            ));
        }
        if rx.prescriber_id != self.actor().user {
            return Err(Error::validation(
                "prescription",
                "only its prescriber changes a draft",
            ));
        }
        Ok(rx)
    }

    /// Adds an item to a draft; the quantity is computed when it is left empty.
    pub fn add_prescription_item(
        &mut self,
        id: PrescriptionId,
        input: &ItemInput,
    ) -> Result<Prescription> {
        let rx = self.own_draft(id)?;
        if rx.items.len() >= 50 {
            return Err(Error::validation(
                "item",
                "a prescription has at most 50 items",
            ));
        }
        self.ensure_reference_data()?;
        let (drug_id, drug_name, free_text, ingredients, classes) = match (
            input
                .drug
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty()),
            input
                .free_text
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty()),
        ) {
            (Some(name), None) => {
                let drug = drugs::store::get(self.live()?.store.conn(), &fold(name))?.ok_or_else(|| {
                        Error::validation(
                            "drug",
                            format!("{name} is not in the catalogue; search for it, or write it as free text"),
                        )
                    })?;
                (
                    Some(drug.id),
                    drug.name,
                    false,
                    drug.ingredients,
                    drug.classes,
                )
            }
            (None, Some(text)) => {
                let text = validate::text("free_text", text, 200)?;
                // Checked by its name as an ingredient: better than nothing.
                (None, text.clone(), true, vec![fold(&text)], Vec::new())
            }
            _ => {
                return Err(Error::validation(
                    "drug",
                    "choose a drug from the catalogue or write one as free text (not both)",
                ));
            }
        };
        let dose = validate::text("dose", input.dose.trim(), 60)?;
        if dose.trim().is_empty() {
            return Err(Error::validation(
                "dose",
                "say how much per dose, e.g. 1 tablet or 5 mL",
            ));
        }
        let frequency = fold(&input.frequency);
        if frequency.is_empty() {
            return Err(Error::validation(
                "frequency",
                "say how often, e.g. bd, tds or as needed",
            ));
        }
        let frequency = validate::text("frequency", &frequency, 60)?;
        if input.duration_days.is_some_and(|d| !(1..=366).contains(&d)) {
            return Err(Error::validation("duration_days", "is 1 to 366 days"));
        }
        if !(0..=12).contains(&input.refills) {
            return Err(Error::validation("refills", "is 0 to 12"));
        }
        let quantity = match optional("quantity", input.quantity.as_deref(), 60)? {
            Some(q) => Some(q),
            None => compute_quantity(&dose, &frequency, input.duration_days),
        };
        let item = Item {
            id: String::new(),
            position: rx.items.iter().map(|i| i.position).max().unwrap_or(0) + 1,
            drug_id,
            drug_name,
            free_text,
            ingredients,
            classes,
            strength: optional("strength", input.strength.as_deref(), 60)?,
            form: optional("form", input.form.as_deref(), 60)?,
            dose,
            route: optional("route", input.route.as_deref(), 60)?,
            frequency,
            duration_days: input.duration_days,
            quantity,
            refills: input.refills,
            substitution_allowed: input.substitution_allowed.unwrap_or(true),
            instructions: optional("instructions", input.instructions.as_deref(), 500)?,
        };
        self.transact(|tx, ctx, _| {
            let item = Item {
                id: new_v7_at(ctx.now).to_string(),
                ..item.clone()
            };
            store::insert_item(tx, id, &item)?;
            store::touch_draft(tx, id, ctx.now)?;
            store::get(tx, id)?.ok_or_else(|| Error::Internal("prescription vanished".into()))
        })
    }

    /// Removes an item from a draft.
    pub fn remove_prescription_item(
        &mut self,
        id: PrescriptionId,
        position: i64,
    ) -> Result<Prescription> {
        self.own_draft(id)?;
        self.transact(|tx, ctx, _| {
            if !store::delete_item(tx, id, position)? {
                return Err(Error::validation(
                    "position",
                    format!("the draft has no item {position}"),
                ));
            }
            store::touch_draft(tx, id, ctx.now)?;
            store::get(tx, id)?.ok_or_else(|| Error::Internal("prescription vanished".into()))
        })
    }

    /// The checks for a prescription as it stands (an audited read of the patient's
    /// allergies and prescriptions).
    pub fn check_prescription(&mut self, id: PrescriptionId) -> Result<Vec<Warning>> {
        let rx = self.prescription(id)?;
        self.ensure_reference_data()?;
        let today = self.today()?;
        warnings(self.live()?.store.conn(), &rx, today)
    }

    /// Issues a draft: runs the checks, refuses a serious warning without an override
    /// reason, numbers it and freezes it.
    pub fn issue_prescription(
        &mut self,
        id: PrescriptionId,
        override_reason: Option<&str>,
    ) -> Result<Prescription> {
        let rx = self.own_draft(id)?;
        if rx.items.is_empty() {
            return Err(Error::validation(
                "items",
                "add at least one item before issuing",
            ));
        }
        let reason = optional("override_reason", override_reason, 500)?;
        self.ensure_reference_data()?;
        let (code, device, today) = (
            self.clinic.branch_code.clone(),
            self.actor().device,
            self.today()?,
        );
        self.transact(|tx, ctx, actor| {
            let found = warnings(tx, &rx, today)?;
            let serious: Vec<&Warning> = found.iter().filter(|w| w.is_serious()).collect();
            if !serious.is_empty() && reason.is_none() {
                return Err(Error::validation(
                    "override_reason",
                    format!(
                        "{} serious warning(s): {}. Change the prescription, or give a reason to override",
                        serious.len(),
                        serious.iter().map(|w| w.message.as_str()).collect::<Vec<_>>().join("; ")
                    ),
                ));
            }
            let number = sequences::number(&code, device, sequences::next(tx, "prescription")?);
            let reason = if serious.is_empty() { None } else { reason.clone() };
            store::issue(tx, ctx, &rx, &number, &found, reason.as_deref())?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("prescription.issue", Outcome::Success)
                    .entity("prescription", rx.id)
                    .patient(rx.patient_id)
                    .details(serde_json::json!({ "number": number, "items": rx.items.len(), "warnings": found.len() })),
            )?;
            if let Some(reason) = &reason {
                audit::append(
                    tx,
                    ctx,
                    Some(actor),
                    ctx.now,
                    &Event::new("prescription.override", Outcome::Success)
                        .entity("prescription", rx.id)
                        .patient(rx.patient_id)
                        .details(serde_json::json!({
                            "number": number, "reason": reason,
                            "warnings": serious.iter().map(|w| &w.message).collect::<Vec<_>>(),
                        })),
                )?;
            }
            store::get(tx, id)?.ok_or_else(|| Error::Internal("prescription vanished".into()))
        })
    }

    /// Cancels an issued prescription (it stays readable, marked cancelled).
    pub fn cancel_prescription(
        &mut self,
        id: PrescriptionId,
        reason: &str,
    ) -> Result<Prescription> {
        let reason = validate::text("reason", reason.trim(), 500)?;
        if reason.is_empty() {
            return Err(Error::validation(
                "reason",
                "say why the prescription is cancelled",
            ));
        }
        let rx = store::get(self.live()?.store.conn(), id)?.ok_or_else(|| {
            Error::validation("prescription", format!("there is no prescription {id}"))
        })?;
        self.authorize(Action::PrescriptionWrite, Target::Patient(rx.patient_id))?;
        if rx.status != "issued" {
            return Err(Error::validation(
                "prescription",
                format!(
                    "only an issued prescription is cancelled; this one is {}",
                    rx.status
                ),
            ));
        }
        self.transact(|tx, ctx, actor| {
            store::cancel(tx, ctx, id, actor.user, &reason)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("prescription.cancel", Outcome::Success)
                    .entity("prescription", id)
                    .patient(rx.patient_id)
                    .details(serde_json::json!({ "number": rx.number, "reason": reason })),
            )?;
            store::get(tx, id)?.ok_or_else(|| Error::Internal("prescription vanished".into()))
        })
    }

    /// A new draft copying an earlier prescription's diagnosis and items (a repeat, or
    /// the reissue of a cancelled one).
    pub fn repeat_prescription(&mut self, id: PrescriptionId) -> Result<Prescription> {
        let old = self.prescription(id)?;
        self.authorize(Action::PrescriptionWrite, Target::Patient(old.patient_id))?;
        if old.status == "draft" {
            return Err(Error::validation(
                "prescription",
                "a draft is edited, not repeated",
            ));
        }
        self.transact(|tx, ctx, actor| {
            let rx = Prescription {
                id: PrescriptionId(new_v7_at(ctx.now)),
                number: None,
                prescriber_id: actor.user,
                prescriber_name: actor.username.clone(),
                status: "draft".into(),
                follow_up: None,
                warnings: Vec::new(),
                override_reason: None,
                repeat_of: Some(old.id),
                created_at: to_db_time(ctx.now),
                issued_at: None,
                cancelled_at: None,
                cancelled_by: None,
                cancel_reason: None,
                items: Vec::new(),
                ..old.clone()
            };
            store::insert_draft(tx, &rx)?;
            for (i, item) in old.items.iter().enumerate() {
                let copy = Item {
                    id: format!("{}-d{}", rx.id, i + 1),
                    position: i as i64 + 1,
                    ..item.clone()
                };
                store::insert_item(tx, rx.id, &copy)?;
            }
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("prescription.repeat", Outcome::Success)
                    .entity("prescription", rx.id)
                    .patient(rx.patient_id)
                    .details(serde_json::json!({ "repeat_of": old.id, "number": old.number })),
            )?;
            store::get(tx, rx.id)?.ok_or_else(|| Error::Internal("prescription vanished".into()))
        })
    }

    /// One prescription (an audited read).
    pub fn prescription(&mut self, id: PrescriptionId) -> Result<Prescription> {
        let rx = store::get(self.live()?.store.conn(), id)?;
        let Some(rx) = rx else {
            self.authorize(Action::PrescriptionRead, Target::Any)?;
            return Err(Error::validation(
                "prescription",
                format!("there is no prescription {id}"),
            ));
        };
        self.read_prescriptions(rx.patient_id, Some(id))?;
        if rx.status == "draft" && rx.prescriber_id != self.actor().user {
            return Err(Error::validation(
                "prescription",
                "a draft is seen only by its prescriber",
            ));
        }
        Ok(rx)
    }

    /// A patient's prescriptions, newest first (other prescribers' drafts left out; an
    /// audited read).
    pub fn prescriptions_of(&mut self, patient: PatientId) -> Result<Vec<Prescription>> {
        self.read_prescriptions(patient, None)?;
        let me = self.actor().user;
        Ok(store::for_patient(self.live()?.store.conn(), patient)?
            .into_iter()
            .filter(|rx| rx.status != "draft" || rx.prescriber_id == me)
            .collect())
    }

    fn read_prescriptions(&mut self, patient: PatientId, id: Option<PrescriptionId>) -> Result<()> {
        self.authorize(Action::PrescriptionRead, Target::Patient(patient))?;
        let mut event = Event::new(
            format!("{}prescriptions", crate::clinical::access::READ_PREFIX),
            Outcome::Success,
        )
        .patient(patient);
        if let Some(id) = id {
            event = event.entity("prescription", id);
        }
        self.write_event(event)
    }
}

/// The checks' facts for one item.
fn facts(item: &Item, label: String) -> checks::Facts {
    checks::Facts {
        position: None,
        label,
        name: item.drug_name.clone(),
        ingredients: item.ingredients.clone(),
        classes: item.classes.clone(),
    }
}

/// Runs the checks for `rx` against what this workstation holds.
fn warnings(
    conn: &rusqlite::Connection,
    rx: &Prescription,
    today: NaiveDate,
) -> Result<Vec<Warning>> {
    let items: Vec<checks::Facts> = rx
        .items
        .iter()
        .map(|i| checks::Facts {
            position: Some(i.position),
            ..facts(i, i.drug_name.clone())
        })
        .collect();
    let mut others = Vec::new();
    for other in store::for_patient(conn, rx.patient_id)? {
        if other.id == rx.id || !active_on(&other, today) {
            continue;
        }
        let number = other.number.clone().unwrap_or_default();
        others.extend(
            other
                .items
                .iter()
                .map(|i| facts(i, format!("{} (on {number})", i.drug_name))),
        );
    }
    let allergies: Vec<(String, Option<String>)> =
        crate::clinical::allergies::store::for_patient(conn, rx.patient_id)?
            .into_iter()
            .filter(|a| a.is_current())
            .map(|a| (a.substance, a.coded))
            .collect();
    let table = drugs::store::all_interactions(conn)?;
    Ok(checks::run(&items, &others, &allergies, &table))
}

/// Whether an issued prescription is still being taken: issued, not cancelled, and its
/// longest item (30 days when none says) not yet over.
fn active_on(rx: &Prescription, today: NaiveDate) -> bool {
    if rx.status != "issued" {
        return false;
    }
    let Some(issued) = rx
        .issued_at
        .as_deref()
        .and_then(|t| t.get(..10))
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    else {
        return false;
    };
    let days = rx
        .items
        .iter()
        .map(|i| i.duration_days.unwrap_or(30))
        .max()
        .unwrap_or(30);
    issued + chrono::Duration::days(days) >= today
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantity_is_dose_times_frequency_times_days() {
        assert_eq!(
            compute_quantity("1 tablet", "tds", Some(7)).as_deref(),
            Some("21 tablets")
        );
        assert_eq!(
            compute_quantity("5 mL", "TDS", Some(5)).as_deref(),
            Some("75 mL")
        );
        assert_eq!(
            compute_quantity("1/2 tablet", "bd", Some(3)).as_deref(),
            Some("3 tablets")
        );
        assert_eq!(
            compute_quantity("0.25 tablet", "od", Some(3)).as_deref(),
            Some("0.75 tablets")
        );
        assert_eq!(
            compute_quantity("1 tablet", "as needed", Some(7)),
            None,
            "unknown frequency"
        );
        assert_eq!(
            compute_quantity("1 tablet", "bd", None),
            None,
            "no duration"
        );
        assert_eq!(
            compute_quantity("one tablet", "bd", Some(2)),
            None,
            "no number"
        );
        assert_eq!(compute_quantity("1 tablet", "stat", Some(2)), None);
    }
}
