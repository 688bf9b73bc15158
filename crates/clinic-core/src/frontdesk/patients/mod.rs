//! Registering, finding, editing, archiving and merging patients: the front desk's day.
//!
//! Invariants:
//! - Reading one patient's whole record is audited (`patient.view`); a search is not.
//! - A list that names patients (appointments) reads each patient's record once per
//!   session, audited, and names them from the session's memory after that
//!   (`Session::appointment_rows`); the session forgets when it locks. Which reads are
//!   audited is decided here, never by a caller.

// The feature's own types, for callers (the shell, the CLI): they live in its store.
pub(crate) mod store;

pub use crate::session::PatientLabel;
pub use store::merges::Merge;
pub use store::{Patient, PatientSummary};

use serde::{Deserialize, Serialize};

use self::store as patients;
use crate::error::{Error, Result};
use crate::ids::{PatientId, new_v7_at};
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::audit::{self, Event, Outcome};
use crate::store::sequences;
use crate::validate;
use store::merges;

/// What the registration form sends. Optional fields may be empty strings.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PatientInput {
    pub given_name: String,
    pub family_name: String,
    /// YYYY-MM-DD (DD/MM/YYYY is accepted too).
    pub date_of_birth: String,
    /// female, male, other or unknown.
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

/// A registration that was refused because the patient may already be on file.
#[derive(Debug, Clone, Serialize)]
pub struct Registration {
    pub patient: Patient,
}

impl Session {
    /// Patients already on file who look like this one (same name and birth date, or
    /// same phone). The registration form shows these before saving.
    pub fn possible_duplicates(&mut self, input: &PatientInput) -> Result<Vec<PatientSummary>> {
        self.authorize(Action::PatientCreate, Target::Any)?;
        let checked = self.validate_patient(input)?;
        let unlocked = self.live()?;
        patients::possible_duplicates(
            unlocked.store.conn(),
            &checked.given_name,
            &checked.family_name,
            &checked.date_of_birth,
            checked.phone.as_deref(),
        )
    }

    /// Registers a patient. If someone who looks the same is on file, refuses with
    /// [`Error::PossibleDuplicate`] unless `confirmed_not_duplicate` says the person at
    /// the desk has checked.
    pub fn register_patient(
        &mut self,
        input: &PatientInput,
        confirmed_not_duplicate: bool,
    ) -> Result<Patient> {
        self.authorize(Action::PatientCreate, Target::Any)?;
        let mut patient = self.validate_patient(input)?;
        let branch_code = self.clinic.branch_code.clone();
        let branch = self.clinic.branch_id;
        let device = self.actor.device;
        let now = self.now();
        patient.id = PatientId(new_v7_at(now));
        patient.branch_id = branch;
        self.transact(|tx, ctx, actor| {
            if !confirmed_not_duplicate {
                let similar = patients::possible_duplicates(
                    tx,
                    &patient.given_name,
                    &patient.family_name,
                    &patient.date_of_birth,
                    patient.phone.as_deref(),
                )?;
                if !similar.is_empty() {
                    return Err(Error::PossibleDuplicate {
                        records: similar.into_iter().map(|p| p.mrn).collect(),
                    });
                }
            }
            let seq = sequences::next(tx, "patient_mrn")?;
            patient.mrn = sequences::number(&branch_code, device, seq);
            patients::insert(tx, ctx, &patient)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("patient.create", Outcome::Success)
                    .entity("patient", patient.id)
                    .patient(patient.id)
                    .details(serde_json::json!({
                        "mrn": patient.mrn,
                        "confirmed_not_duplicate": confirmed_not_duplicate,
                    })),
            )?;
            Ok(patient.clone())
        })
        .inspect(|patient| self.remember_patient(patient))
    }

    /// Registers many patients in one transaction (imports and the demo clinic). Each is
    /// validated and audited exactly as [`Session::register_patient`] would; duplicates
    /// are not checked, because an import is reviewed as a whole. All or nothing.
    pub fn import_patients(&mut self, inputs: &[PatientInput]) -> Result<Vec<Patient>> {
        self.authorize(Action::PatientCreate, Target::Any)?;
        let mut checked = Vec::with_capacity(inputs.len());
        for (row, input) in inputs.iter().enumerate() {
            let mut patient = self.validate_patient(input).map_err(|e| match e {
                Error::Validation { field, message } => Error::Validation {
                    field,
                    message: format!("row {}: {message}", row + 1),
                },
                other => other,
            })?;
            patient.branch_id = self.clinic.branch_id;
            checked.push(patient);
        }
        let branch_code = self.clinic.branch_code.clone();
        let device = self.actor.device;
        self.transact(|tx, ctx, actor| {
            for patient in &mut checked {
                patient.id = PatientId(new_v7_at(ctx.now));
                patient.mrn =
                    sequences::number(&branch_code, device, sequences::next(tx, "patient_mrn")?);
                patients::insert(tx, ctx, patient)?;
                audit::append(
                    tx,
                    ctx,
                    Some(actor),
                    ctx.now,
                    &Event::new("patient.create", Outcome::Success)
                        .entity("patient", patient.id)
                        .patient(patient.id)
                        .details(serde_json::json!({ "mrn": patient.mrn, "import": true })),
                )?;
            }
            Ok(checked)
        })
    }

    /// Edits demographics. Only fields that changed are recorded (and synced), so two
    /// desks editing different fields of one patient offline both keep their edits.
    pub fn update_patient(&mut self, id: PatientId, input: &PatientInput) -> Result<Patient> {
        self.authorize(Action::PatientUpdate, Target::Patient(id))?;
        let checked = self.validate_patient(input)?;
        self.transact(|tx, ctx, actor| {
            let old = patients::get(tx, id)?.ok_or_else(|| no_such_patient(id))?;
            if !old.active {
                return Err(Error::validation(
                    "patient",
                    "this record is archived; ask an administrator to restore it before editing",
                ));
            }
            let new = Patient {
                id,
                mrn: old.mrn.clone(),
                branch_id: old.branch_id,
                active: old.active,
                merged_into: old.merged_into,
                ..checked
            };
            let changed = patients::update(tx, ctx, &old, &new)?;
            if !changed.is_empty() {
                audit::append(
                    tx,
                    ctx,
                    Some(actor),
                    ctx.now,
                    &Event::new("patient.update", Outcome::Success)
                        .entity("patient", id)
                        .patient(id)
                        .details(serde_json::json!({ "fields": changed })),
                )?;
            }
            Ok(new)
        })
        .inspect(|patient| self.remember_patient(patient))
    }

    /// One patient's full record of demographics. The look-up is audited.
    pub fn patient(&mut self, id: PatientId) -> Result<Patient> {
        self.authorize(Action::PatientView, Target::Patient(id))?;
        let patient =
            patients::get(self.live()?.store.conn(), id)?.ok_or_else(|| no_such_patient(id))?;
        self.write_event(
            Event::new("patient.view", Outcome::Success)
                .entity("patient", id)
                .patient(id),
        )?;
        self.remember_patient(&patient);
        Ok(patient)
    }

    /// A patient's name and record number for a list. The first time in a session this
    /// reads the record through [`Session::patient`] (checked and audited as a view);
    /// afterwards, and for a patient this session registered or edited, the session's
    /// memory answers without another audit event, so a list refreshed all day does
    /// not write one per row each time. Only for a list the caller has just read
    /// through a checked call (the memory answers without asking [`Session::live`]).
    pub(crate) fn patient_label(&mut self, id: PatientId) -> Result<PatientLabel> {
        if let Some(label) = self.patients_read.get(&id) {
            return Ok(label.clone());
        }
        let patient = self.patient(id)?;
        Ok(label_of(&patient))
    }

    fn remember_patient(&mut self, patient: &Patient) {
        self.patients_read.insert(patient.id, label_of(patient));
    }

    /// Finds a patient by record number.
    pub fn patient_by_mrn(&mut self, mrn: &str) -> Result<Patient> {
        let found = patients::get_by_mrn(self.live()?.store.conn(), mrn)?.ok_or_else(|| {
            Error::validation(
                "mrn",
                format!("there is no patient with record number {mrn}"),
            )
        })?;
        self.patient(found.id)
    }

    /// Search as you type (see [`crate::frontdesk::patients::store`] for what matches).
    pub fn search_patients(&mut self, text: &str, limit: usize) -> Result<Vec<PatientSummary>> {
        self.authorize(Action::PatientView, Target::Any)?;
        let include_archived = self.actor.role == crate::Role::Admin;
        patients::search(
            self.live()?.store.conn(),
            text,
            limit.clamp(1, 200),
            include_archived,
        )
    }

    /// Every patient record, oldest first (archived ones for administrators, as in
    /// search). A whole-list read is audited (`patient.list`, with how many), unlike a
    /// search, because it is how records would leave in bulk.
    pub fn list_patients(&mut self) -> Result<Vec<PatientSummary>> {
        self.authorize(Action::PatientView, Target::Any)?;
        let include_archived = self.actor.role == crate::Role::Admin;
        let all = patients::list(self.live()?.store.conn(), include_archived)?;
        self.write_event(
            Event::new("patient.list", Outcome::Success)
                .details(serde_json::json!({ "records": all.len() })),
        )?;
        Ok(all)
    }

    /// Archives a patient (administrators). Nothing is deleted; the record and everything
    /// linked to it stay, and the patient no longer appears in searches.
    pub fn archive_patient(&mut self, id: PatientId, reason: &str) -> Result<Patient> {
        self.authorize(Action::PatientArchive, Target::Patient(id))?;
        let reason = validate::text("reason", reason, 500)?;
        self.set_active(id, false, "patient.archive", &reason)
    }

    /// Brings an archived (not merged) patient back.
    pub fn restore_patient(&mut self, id: PatientId) -> Result<Patient> {
        self.authorize(Action::PatientArchive, Target::Patient(id))?;
        self.set_active(id, true, "patient.restore", "")
    }

    fn set_active(
        &mut self,
        id: PatientId,
        active: bool,
        action: &'static str,
        reason: &str,
    ) -> Result<Patient> {
        self.transact(|tx, ctx, actor| {
            let old = patients::get(tx, id)?.ok_or_else(|| no_such_patient(id))?;
            if old.merged_into.is_some() {
                return Err(Error::validation(
                    "patient",
                    "this record was merged into another; undo the merge instead",
                ));
            }
            let new = Patient {
                active,
                ..old.clone()
            };
            patients::update(tx, ctx, &old, &new)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new(action, Outcome::Success)
                    .entity("patient", id)
                    .patient(id)
                    .details(serde_json::json!({ "reason": reason })),
            )?;
            Ok(new)
        })
    }

    /// Merges a duplicate record into the survivor (administrators): everything linked to
    /// the duplicate moves to the survivor, the duplicate is archived and points at it.
    /// The merge is recorded with the list of what moved, so [`Session::undo_merge`] can
    /// put everything back.
    pub fn merge_patients(
        &mut self,
        survivor: PatientId,
        duplicate: PatientId,
    ) -> Result<merges::Merge> {
        self.authorize(Action::PatientMerge, Target::Patient(survivor))?;
        if survivor == duplicate {
            return Err(Error::validation(
                "duplicate",
                "a record cannot be merged into itself",
            ));
        }
        self.transact(|tx, ctx, actor| {
            let keep = patients::get(tx, survivor)?.ok_or_else(|| no_such_patient(survivor))?;
            let gone = patients::get(tx, duplicate)?.ok_or_else(|| no_such_patient(duplicate))?;
            if !keep.active || !gone.active {
                return Err(Error::validation(
                    "duplicate",
                    "both records must be active (not archived or already merged)",
                ));
            }
            let moved = patients::owned_rows(tx, duplicate)?;
            patients::move_rows(tx, ctx, &moved, survivor)?;
            let archived = Patient {
                active: false,
                merged_into: Some(survivor),
                ..gone.clone()
            };
            patients::update(tx, ctx, &gone, &archived)?;
            let merge = merges::insert(tx, ctx, survivor, duplicate, &moved, actor.user)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("patient.merge", Outcome::Success)
                    .entity("patient_merge", &merge.id)
                    .patient(survivor)
                    .details(serde_json::json!({
                        "survivor": keep.mrn, "merged": gone.mrn, "moved": moved,
                    })),
            )?;
            Ok(merge)
        })
        // The survivor's name stays; the duplicate's rows now show it.
        .inspect(|_| {
            self.patients_read.remove(&duplicate);
        })
    }

    /// The merges a patient took part in (as survivor or duplicate), newest first, with
    /// what moved (administrators: the same permission as merging).
    pub fn patient_merges(&mut self, id: PatientId) -> Result<Vec<merges::Merge>> {
        self.authorize(Action::PatientMerge, Target::Patient(id))?;
        merges::for_patient(self.live()?.store.conn(), id)
    }

    /// Undoes a merge: the moved rows go back, the duplicate is active again.
    pub fn undo_merge(&mut self, merge_id: &str) -> Result<merges::Merge> {
        self.authorize(Action::PatientMerge, Target::Any)?;
        let merge_id = merge_id.to_owned();
        self.transact(move |tx, ctx, actor| {
            let merge = merges::get(tx, &merge_id)?.ok_or_else(|| {
                Error::validation("merge", format!("there is no merge {merge_id}"))
            })?;
            if merge.undone_at.is_some() {
                return Err(Error::validation(
                    "merge",
                    "this merge has already been undone",
                ));
            }
            patients::move_rows(tx, ctx, &merge.moved, merge.merged_id)?;
            let gone = patients::get(tx, merge.merged_id)?
                .ok_or_else(|| no_such_patient(merge.merged_id))?;
            let back = Patient {
                active: true,
                merged_into: None,
                ..gone.clone()
            };
            patients::update(tx, ctx, &gone, &back)?;
            let merge = merges::mark_undone(tx, ctx, &merge_id, actor.user)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("patient.merge_undo", Outcome::Success)
                    .entity("patient_merge", &merge.id)
                    .patient(merge.merged_id),
            )?;
            Ok(merge)
        })
    }

    fn validate_patient(&self, input: &PatientInput) -> Result<Patient> {
        let sex = input.sex.trim().to_ascii_lowercase();
        if !["female", "male", "other", "unknown"].contains(&sex.as_str()) {
            return Err(Error::validation(
                "sex",
                format!(
                    "\"{}\" is not accepted; use female, male, other or unknown",
                    input.sex
                ),
            ));
        }
        let dob = validate::date_of_birth(&input.date_of_birth, self.today()?)?;
        Ok(Patient {
            id: PatientId(uuid::Uuid::nil()),
            mrn: String::new(),
            given_name: validate::person_name("given_name", &input.given_name)?,
            family_name: validate::person_name("family_name", &input.family_name)?,
            date_of_birth: dob.format("%Y-%m-%d").to_string(),
            sex,
            phone: validate::phone("phone", input.phone.as_deref())?,
            email: validate::email("email", input.email.as_deref())?,
            address: validate::optional_text("address", input.address.as_deref(), 300)?,
            blood_group: validate::blood_group(input.blood_group.as_deref())?,
            emergency_contact_name: validate::optional_text(
                "emergency_contact_name",
                input.emergency_contact_name.as_deref(),
                100,
            )?,
            emergency_contact_phone: validate::phone(
                "emergency_contact_phone",
                input.emergency_contact_phone.as_deref(),
            )?,
            insurance_provider: validate::optional_text(
                "insurance_provider",
                input.insurance_provider.as_deref(),
                100,
            )?,
            insurance_number: validate::optional_text(
                "insurance_number",
                input.insurance_number.as_deref(),
                50,
            )?,
            branch_id: self.clinic.branch_id,
            active: true,
            merged_into: None,
        })
    }
}

fn label_of(patient: &Patient) -> PatientLabel {
    PatientLabel {
        name: format!("{} {}", patient.given_name, patient.family_name),
        mrn: patient.mrn.clone(),
    }
}

fn no_such_patient(id: PatientId) -> Error {
    Error::validation("patient", format!("there is no patient {id}"))
}

/// The search's SQL on any connection, unchecked and unaudited: only for the benchmark's
/// baseline (the same query on a plain SQLite file), never for a caller with a session.
#[doc(hidden)]
pub fn search_baseline(
    conn: &rusqlite::Connection,
    text: &str,
    limit: usize,
) -> Result<Vec<PatientSummary>> {
    store::search(conn, text, limit, false)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::{KdfParams, ManualClock, NewUser, Role, Setup, Workstation};

    /// The `patient.view` events written about `id`.
    fn views(session: &mut Session, id: PatientId) -> i64 {
        session
            .live()
            .unwrap()
            .store
            .conn()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'patient.view' AND patient_id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .unwrap()
    }

    fn input(given: &str, family: &str) -> PatientInput {
        PatientInput {
            given_name: given.into(),
            family_name: family.into(),
            date_of_birth: "1990-04-12".into(),
            sex: "female".into(),
            ..PatientInput::default()
        }
    }

    #[test]
    fn lists_name_a_patient_from_one_audited_read_per_session() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::monday_morning());
        let init = Workstation::init(
            tmp.path(),
            &Setup::new("Clinic", "admin", "a long password"),
            clock.clone(),
            KdfParams::FAST_INSECURE_FOR_TESTS,
        )
        .unwrap();
        let (workstation, mut admin) = (init.workstation, init.session);
        admin
            .create_user(&NewUser::new(
                "desk",
                Role::Receptionist,
                "front office 2026",
            ))
            .unwrap();
        let mut desk = workstation.unlock("desk", "front office 2026").unwrap();
        let zawadi = desk
            .register_patient(&input("Zawadi", "Otieno"), false)
            .unwrap();
        assert_eq!(
            desk.patient_label(zawadi.id).unwrap(),
            PatientLabel {
                name: "Zawadi Otieno".into(),
                mrn: zawadi.mrn.clone()
            }
        );
        assert_eq!(
            views(&mut desk, zawadi.id),
            0,
            "the session that registered the record has it already: no view to audit"
        );

        desk.lock();
        let mut desk = workstation.unlock("desk", "front office 2026").unwrap();
        desk.patient_label(zawadi.id).unwrap();
        desk.patient_label(zawadi.id).unwrap();
        assert_eq!(
            views(&mut desk, zawadi.id),
            1,
            "a new session reads the record once, audited; then it names it from memory"
        );
        let renamed = desk
            .update_patient(zawadi.id, &input("Zawadi", "Kamau"))
            .unwrap();
        assert_eq!(
            desk.patient_label(renamed.id).unwrap().name,
            "Zawadi Kamau",
            "an edit made in the session is what its lists show"
        );
        assert_eq!(views(&mut desk, zawadi.id), 1);
        clock.advance(desk.idle_limit() + chrono::Duration::seconds(1));
        assert!(desk.search_patients("za", 5).is_err(), "idle: it locks");
        assert!(
            desk.patients_read.is_empty(),
            "a locked session forgets whom it has read"
        );

        let twin = workstation
            .unlock("desk", "front office 2026")
            .unwrap()
            .register_patient(&input("Zawadi", "Kamau"), true)
            .unwrap();
        let mut admin = workstation.unlock("admin", "a long password").unwrap();
        admin.patient_label(twin.id).unwrap();
        admin.merge_patients(zawadi.id, twin.id).unwrap();
        assert!(
            !admin.patients_read.contains_key(&twin.id),
            "a merged-away record is read afresh (its rows now show the survivor)"
        );
    }
}
