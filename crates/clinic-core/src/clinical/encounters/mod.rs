//! Encounters: a visit, opened by a doctor from a checked-in appointment (one key from
//! the doctor's day) or as a walk-in, with its reason; completing it completes the
//! appointment in the same transaction (billing will hang the invoice on this step).
//!
//! Invariants: only a user who may write the record (a doctor) opens one, and only that
//! doctor changes or completes it; an appointment has at most one encounter (opening it
//! again returns the open one); a completed encounter stays completed; nothing is
//! deleted. Reading one is an audited read of the patient's record.

pub(crate) mod store;

use serde::Serialize;

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::frontdesk::appointments::{self, Appointment};
use crate::frontdesk::doctors;
use crate::frontdesk::patients;
use crate::ids::{AppointmentId, BranchId, EncounterId, PatientId, UserId, new_v7_at};
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::audit::{self, Event, Outcome};
use crate::validate;

/// One visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Encounter {
    pub id: EncounterId,
    pub patient_id: PatientId,
    pub appointment_id: Option<AppointmentId>,
    pub branch_id: BranchId,
    pub doctor_user_id: UserId,
    pub reason: String,
    /// `open` or `completed`.
    pub status: String,
    pub opened_at: String,
    pub completed_at: Option<String>,
}

impl Encounter {
    pub fn is_open(&self) -> bool {
        self.status == "open"
    }
}

/// A checked-in patient waiting for this doctor today, with the visit if it is open.
#[derive(Debug, Clone, Serialize)]
pub struct Waiting {
    pub appointment: Appointment,
    pub patient_name: String,
    pub mrn: String,
    pub encounter: Option<Encounter>,
}

impl Session {
    /// Opens the visit of a checked-in appointment; opening it again returns the open one.
    pub fn open_encounter_for(&mut self, appointment: AppointmentId) -> Result<Encounter> {
        let a = self.appointment(appointment)?;
        self.authorize(Action::RecordWrite, Target::Patient(a.patient_id))?;
        if let Some(existing) = store::for_appointment(self.live()?.store.conn(), appointment)? {
            if existing.is_open() && existing.doctor_user_id == self.actor().user {
                return Ok(existing);
            }
            return Err(Error::validation(
                "appointment",
                if existing.is_open() {
                    "another doctor has this visit open".to_owned()
                } else {
                    "this visit is already completed; open the chart to add an addendum".to_owned()
                },
            ));
        }
        if a.status != "checked_in" {
            return Err(Error::validation(
                "appointment",
                format!(
                    "appointment {} is {}, not checked in: the front desk checks the patient in first",
                    a.number, a.status
                ),
            ));
        }
        let reason = a
            .reason
            .clone()
            .unwrap_or_else(|| "Consultation".to_owned());
        self.start_encounter(a.patient_id, Some(appointment), &reason)
    }

    /// Opens a visit for a patient who came without an appointment.
    pub fn open_walk_in(&mut self, patient: PatientId, reason: &str) -> Result<Encounter> {
        self.authorize(Action::RecordWrite, Target::Patient(patient))?;
        let reason = validate::text("reason", reason, 300)?;
        self.start_encounter(patient, None, &reason)
    }

    fn start_encounter(
        &mut self,
        patient: PatientId,
        appointment: Option<AppointmentId>,
        reason: &str,
    ) -> Result<Encounter> {
        let branch = self.clinic().branch_id;
        self.transact(|tx, ctx, actor| {
            let p = patients::store::get(tx, patient)?
                .ok_or_else(|| Error::validation("patient", format!("there is no patient {patient}")))?;
            if !p.active {
                return Err(Error::validation(
                    "patient",
                    format!("{} is archived; restore the record first", p.mrn),
                ));
            }
            let e = Encounter {
                id: EncounterId(new_v7_at(ctx.now)),
                patient_id: patient,
                appointment_id: appointment,
                branch_id: branch,
                doctor_user_id: actor.user,
                reason: reason.to_owned(),
                status: "open".into(),
                opened_at: to_db_time(ctx.now),
                completed_at: None,
            };
            store::insert(tx, ctx, &e)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("encounter.open", Outcome::Success)
                    .entity("encounter", e.id)
                    .patient(patient)
                    .details(serde_json::json!({ "appointment": appointment, "walk_in": appointment.is_none() })),
            )?;
            Ok(e)
        })
    }

    /// Completes the visit, and its appointment with it.
    pub fn complete_encounter(&mut self, id: EncounterId) -> Result<Encounter> {
        let e = self.completable_encounter(id)?;
        self.transact(|tx, ctx, actor| complete_in(tx, ctx, actor, &e))
    }

    /// The visit `id` if the signed-in doctor may complete it now (their own, open).
    pub(crate) fn completable_encounter(&mut self, id: EncounterId) -> Result<Encounter> {
        let e = self.encounter_unaudited(id)?;
        self.authorize(Action::RecordWrite, Target::Patient(e.patient_id))?;
        if e.doctor_user_id != self.actor().user {
            return Err(Error::validation(
                "encounter",
                "only the doctor who opened this visit completes it",
            ));
        }
        if !e.is_open() {
            return Err(Error::validation(
                "encounter",
                "this visit is already completed",
            ));
        }
        Ok(e)
    }

    /// One visit (an audited read of the patient's record).
    pub fn encounter(&mut self, id: EncounterId) -> Result<Encounter> {
        let e = self.encounter_unaudited(id)?;
        self.read_record(
            e.patient_id,
            "encounter",
            Some(("encounter", id.to_string())),
        )?;
        Ok(e)
    }

    /// A patient's visits, newest first (an audited read).
    pub fn encounters_of(&mut self, patient: PatientId) -> Result<Vec<Encounter>> {
        self.read_record(patient, "encounters", None)?;
        store::for_patient(self.live()?.store.conn(), patient)
    }

    pub(crate) fn encounter_unaudited(&mut self, id: EncounterId) -> Result<Encounter> {
        store::get(self.live()?.store.conn(), id)?
            .ok_or_else(|| Error::validation("encounter", format!("there is no visit {id}")))
    }

    /// The signed-in doctor's day: patients checked in for them today (soonest first),
    /// with the visit when it is open. Walk-ins and visits left open are in
    /// [`Session::my_open_visits`].
    pub fn doctors_day(&mut self) -> Result<Vec<Waiting>> {
        self.authorize(Action::RecordWrite, Target::Any)?;
        let me = self.actor().user;
        let (from, to) = {
            let tz = self.clinic_time()?;
            tz.days(self.today()?, 1)
        };
        let conn = self.live()?.store.conn();
        let mine: Vec<_> = doctors::store::list(conn, None, false)?
            .into_iter()
            .filter(|d| d.user_id == me)
            .map(|d| d.id)
            .collect();
        let mut waiting = Vec::new();
        for doctor in mine {
            let day = appointments::store::list(
                conn,
                &appointments::Filter {
                    doctor: Some(doctor),
                    from: Some(to_db_time(from)),
                    to: Some(to_db_time(to)),
                    status: Some("checked_in".into()),
                    ..appointments::Filter::default()
                },
            )?;
            for a in day {
                let encounter = store::for_appointment(conn, a.id)?;
                waiting.push(waiting_for(conn, a, encounter)?);
            }
        }
        waiting.sort_by(|a, b| a.appointment.starts_at.cmp(&b.appointment.starts_at));
        Ok(waiting)
    }

    /// The doctor's own open visits (walk-ins included), oldest first, with the names a
    /// list needs: the rest of the doctor's day beside [`Session::doctors_day`].
    pub fn my_open_visits(&mut self) -> Result<Vec<OpenVisit>> {
        self.authorize(Action::RecordWrite, Target::Any)?;
        let me = self.actor().user;
        let conn = self.live()?.store.conn();
        store::open_for(conn, me)?
            .into_iter()
            .map(|encounter| {
                let p = patients::store::get(conn, encounter.patient_id)?.ok_or_else(|| {
                    Error::Internal("a visit names a patient this workstation lacks".into())
                })?;
                Ok(OpenVisit {
                    patient_name: format!("{} {}", p.given_name, p.family_name),
                    mrn: p.mrn,
                    encounter,
                })
            })
            .collect()
    }
}

/// One of the doctor's open visits, with whom it is for.
#[derive(Debug, Clone, Serialize)]
pub struct OpenVisit {
    pub encounter: Encounter,
    pub patient_name: String,
    pub mrn: String,
}

fn waiting_for(
    conn: &rusqlite::Connection,
    appointment: Appointment,
    encounter: Option<Encounter>,
) -> Result<Waiting> {
    let p = patients::store::get(conn, appointment.patient_id)?.ok_or_else(|| {
        Error::Internal("a booking names a patient this workstation lacks".into())
    })?;
    Ok(Waiting {
        patient_name: format!("{} {}", p.given_name, p.family_name),
        mrn: p.mrn,
        appointment,
        encounter,
    })
}

/// Completes a checked visit (see [`Session::completable_encounter`]) and its
/// appointment, audited, inside the caller's transaction: billing completes a visit and
/// makes its draft invoice in one.
pub(crate) fn complete_in(
    tx: &rusqlite::Transaction<'_>,
    ctx: &crate::store::changes::WriteContext,
    actor: &crate::actor::Actor,
    e: &Encounter,
) -> Result<Encounter> {
    store::complete(tx, ctx, e.id)?;
    if let Some(appointment) = e.appointment_id {
        appointments::complete_in(tx, ctx, actor, appointment)?;
    }
    audit::append(
        tx,
        ctx,
        Some(actor),
        ctx.now,
        &Event::new("encounter.complete", Outcome::Success)
            .entity("encounter", e.id)
            .patient(e.patient_id),
    )?;
    store::get(tx, e.id)?.ok_or_else(|| Error::Internal("encounter vanished".into()))
}
