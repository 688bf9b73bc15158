//! Booking: hold a slot, confirm, check in, complete, cancel, no-show, reschedule. Only
//! the legal transitions are possible; overlaps are refused in code and, whatever
//! happens, by the database.

// The feature's own types, for callers (the shell, the CLI): they live in its store.
mod availability;
mod calendar;
pub(crate) mod store;

pub use availability::{Availability, SEARCH_DAYS};
pub use calendar::{Calendar, CalendarDays, MAX_DAYS};
pub use store::{Appointment, Filter};

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::frontdesk::doctors::parse_db_time;
use crate::frontdesk::doctors::store as doctors;
use crate::frontdesk::patients::store as patients;
use crate::ids::{AppointmentId, DoctorId, PatientId, new_v7_at};
use crate::policy::{self, Action, Decision, Target};
use crate::session::{PatientLabel, Session};
use crate::store::audit::{self, Event, Outcome};
use crate::store::{notifications, sequences};
use crate::validate;
use availability::free_slots_on;
use store::StatusChange;

/// An appointment with the names a list shows.
#[derive(Debug, Clone, PartialEq)]
pub struct AppointmentRow {
    pub appointment: Appointment,
    pub patient: PatientLabel,
    /// Empty when the actor may not read the doctor directory.
    pub doctor_name: String,
}

/// How long a held slot stays reserved while the desk finishes the booking.
pub const HOLD_MINUTES: i64 = 5;

/// The transitions the front desk and doctors may make (declared with the appointments
/// table, so the sync server checks the same ones).
pub use clinic_protocol::tables::appointment_transition_allowed as transition_allowed;

impl Session {
    /// Holds a free slot for a patient for [`HOLD_MINUTES`]; confirm it to book. The slot
    /// may be at any branch where the doctor works then; the appointment belongs to that
    /// branch.
    pub fn hold_slot(
        &mut self,
        patient: PatientId,
        doctor: DoctorId,
        starts_at: DateTime<Utc>,
        reason: Option<&str>,
    ) -> Result<Appointment> {
        self.authorize(Action::AppointmentBook, Target::Patient(patient))?;
        let reason = validate::optional_text("reason", reason, 300)?;
        let (tz, code, device) = (
            self.clinic_time()?,
            self.clinic.branch_code.clone(),
            self.actor.device,
        );
        self.transact(|tx, ctx, actor| {
            store::expire_holds(tx, ctx)?;
            let p = patients::get(tx, patient)?
                .ok_or_else(|| Error::validation("patient", "there is no such patient"))?;
            if !p.active {
                return Err(Error::validation(
                    "patient",
                    "this patient's record is archived",
                ));
            }
            let d = doctors::get(tx, doctor)?
                .ok_or_else(|| Error::validation("doctor", "there is no such doctor"))?;
            if !d.active {
                return Err(Error::validation(
                    "doctor",
                    "this doctor is not taking appointments",
                ));
            }
            let day: NaiveDate = tz.date_of(starts_at);
            let slot = free_slots_on(tx, doctor, day, tz, None, ctx.now)?
                .into_iter()
                .find(|s| s.starts_at == starts_at)
                .ok_or(Error::SlotTaken { who: "the doctor" })?;
            let number = sequences::number(&code, device, sequences::next(tx, "appointment")?);
            let a = Appointment {
                id: AppointmentId(new_v7_at(ctx.now)),
                number,
                patient_id: patient,
                doctor_id: doctor,
                branch_id: slot.branch_id,
                starts_at: to_db_time(slot.starts_at),
                ends_at: to_db_time(slot.ends_at),
                status: "held".into(),
                hold_expires_at: Some(to_db_time(ctx.now + Duration::minutes(HOLD_MINUTES))),
                provisional: true,
                reason: reason.clone(),
                cancel_reason: None,
                rescheduled_from: None,
            };
            store::insert(tx, ctx, &a, actor.user)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("appointment.hold", Outcome::Success)
                    .entity("appointment", a.id)
                    .patient(patient)
                    .details(serde_json::json!({ "number": a.number, "starts_at": a.starts_at })),
            )?;
            Ok(a)
        })
    }

    /// Confirms a held slot; the doctor is notified of the booking.
    pub fn confirm_appointment(&mut self, id: AppointmentId) -> Result<Appointment> {
        self.move_appointment(id, Action::AppointmentBook, "confirmed", None)
    }

    /// Holds and confirms in one step.
    pub fn book_appointment(
        &mut self,
        patient: PatientId,
        doctor: DoctorId,
        starts_at: DateTime<Utc>,
        reason: Option<&str>,
    ) -> Result<Appointment> {
        let held = self.hold_slot(patient, doctor, starts_at, reason)?;
        self.confirm_appointment(held.id)
    }

    pub fn check_in(&mut self, id: AppointmentId) -> Result<Appointment> {
        self.move_appointment(id, Action::AppointmentCheckIn, "checked_in", None)
    }

    pub fn complete_appointment(&mut self, id: AppointmentId) -> Result<Appointment> {
        self.move_appointment(id, Action::AppointmentComplete, "completed", None)
    }

    pub fn mark_no_show(&mut self, id: AppointmentId) -> Result<Appointment> {
        self.move_appointment(id, Action::AppointmentCheckIn, "no_show", None)
    }

    /// Cancels with a reason; the doctor is notified.
    pub fn cancel_appointment(&mut self, id: AppointmentId, reason: &str) -> Result<Appointment> {
        let reason = validate::text("reason", reason, 300)?;
        self.move_appointment(id, Action::AppointmentCancel, "cancelled", Some(&reason))
    }

    /// Moves an appointment to a new slot (and possibly another doctor). The old one is
    /// kept as `rescheduled`; the new one is confirmed and points back to it.
    pub fn reschedule_appointment(
        &mut self,
        id: AppointmentId,
        doctor: Option<DoctorId>,
        starts_at: DateTime<Utc>,
    ) -> Result<Appointment> {
        let old = self.appointment(id)?;
        self.authorize(
            Action::AppointmentReschedule,
            Target::Patient(old.patient_id),
        )?;
        if !transition_allowed(&old.status, "rescheduled") {
            return Err(Error::InvalidTransition {
                from: old.status.clone(),
                to: "rescheduled",
            });
        }
        let doctor = doctor.unwrap_or(old.doctor_id);
        let (tz, code, device) = (
            self.clinic_time()?,
            self.clinic.branch_code.clone(),
            self.actor.device,
        );
        let new = self.transact(|tx, ctx, actor| {
            store::expire_holds(tx, ctx)?;
            let old = store::set_status(tx, ctx, &old, "rescheduled", None, actor.user)?;
            let day = tz.date_of(starts_at);
            let slot = free_slots_on(tx, doctor, day, tz, None, ctx.now)?
                .into_iter()
                .find(|s| s.starts_at == starts_at)
                .ok_or(Error::SlotTaken { who: "the doctor" })?;
            let new = Appointment {
                branch_id: slot.branch_id,
                id: AppointmentId(new_v7_at(ctx.now)),
                number: sequences::number(&code, device, sequences::next(tx, "appointment")?),
                doctor_id: doctor,
                starts_at: to_db_time(slot.starts_at),
                ends_at: to_db_time(slot.ends_at),
                status: "confirmed".into(),
                hold_expires_at: None,
                provisional: true,
                cancel_reason: None,
                rescheduled_from: Some(old.id),
                ..old.clone()
            };
            store::insert(tx, ctx, &new, actor.user)?;
            notify_doctor(tx, ctx, &new, "appointment_booked", "Appointment rescheduled")?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("appointment.reschedule", Outcome::Success)
                    .entity("appointment", new.id)
                    .patient(new.patient_id)
                    .details(serde_json::json!({ "from": old.number, "to": new.number, "starts_at": new.starts_at })),
            )?;
            Ok(new)
        })?;
        Ok(new)
    }

    fn move_appointment(
        &mut self,
        id: AppointmentId,
        action: Action,
        to: &'static str,
        reason: Option<&str>,
    ) -> Result<Appointment> {
        let current = self.appointment(id)?;
        self.authorize(action, Target::Patient(current.patient_id))?;
        self.transact(|tx, ctx, actor| {
            if to == "confirmed" {
                // Only the booking desk lapses holds (it may cancel); a doctor completing
                // a visit must not cancel someone's hold as a side effect.
                store::expire_holds(tx, ctx)?;
            }
            let a = store::get(tx, id)?.ok_or_else(|| no_such_appointment(id))?;
            if !transition_allowed(&a.status, to) {
                return Err(Error::InvalidTransition { from: a.status.clone(), to });
            }
            let moved = store::set_status(tx, ctx, &a, to, reason, actor.user)?;
            match to {
                "confirmed" => notify_doctor(tx, ctx, &moved, "appointment_booked", "New appointment")?,
                "cancelled" => notify_doctor(tx, ctx, &moved, "appointment_cancelled", "Appointment cancelled")?,
                _ => {}
            }
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new(format!("appointment.{to}"), Outcome::Success)
                    .entity("appointment", id)
                    .patient(moved.patient_id)
                    .details(serde_json::json!({ "number": moved.number, "from": a.status, "reason": reason })),
            )?;
            Ok(moved)
        })
    }

    /// One appointment, by id.
    pub fn appointment(&mut self, id: AppointmentId) -> Result<Appointment> {
        let a =
            store::get(self.live()?.store.conn(), id)?.ok_or_else(|| no_such_appointment(id))?;
        self.authorize(Action::AppointmentView, Target::Patient(a.patient_id))?;
        Ok(a)
    }

    /// One appointment, by its number (as printed).
    pub fn appointment_by_number(&mut self, number: &str) -> Result<Appointment> {
        let a = store::get_by_number(self.live()?.store.conn(), number)?.ok_or_else(|| {
            Error::validation("number", format!("there is no appointment {number}"))
        })?;
        self.authorize(Action::AppointmentView, Target::Patient(a.patient_id))?;
        Ok(a)
    }

    /// Appointments matching `filter`. A patient user sees only their own.
    pub fn appointments(&mut self, filter: &Filter) -> Result<Vec<Appointment>> {
        let target = match (self.actor.patient, filter.patient) {
            (Some(mine), _) => Target::Patient(mine),
            (None, Some(p)) => Target::Patient(p),
            (None, None) => Target::Any,
        };
        self.authorize(Action::AppointmentView, target)?;
        let mut filter = filter.clone();
        if let Some(mine) = self.actor.patient {
            filter.patient = Some(mine);
        }
        store::list(self.live()?.store.conn(), &filter)
    }

    /// Appointments matching `filter`, with the names a list shows. Each patient is
    /// named by `Session::patient_label` (their record read once per session, and
    /// audited then). Doctors are named only for an actor the policy lets read the
    /// directory, asked first without auditing: a nurse's list would otherwise write a
    /// refusal into the audit log on every refresh; it shows no doctor names instead.
    pub fn appointment_rows(&mut self, filter: &Filter) -> Result<Vec<AppointmentRow>> {
        let list = self.appointments(filter)?;
        let doctors: HashMap<DoctorId, String> =
            if policy::decide(&self.actor, Action::DoctorView, Target::Any) == Decision::Allow {
                self.doctors(None)?
                    .into_iter()
                    .map(|d| (d.id, d.name))
                    .collect()
            } else {
                HashMap::new()
            };
        let mut rows = Vec::with_capacity(list.len());
        for appointment in list {
            let patient = self.patient_label(appointment.patient_id)?;
            let doctor_name = doctors
                .get(&appointment.doctor_id)
                .cloned()
                .unwrap_or_default();
            rows.push(AppointmentRow {
                appointment,
                patient,
                doctor_name,
            });
        }
        Ok(rows)
    }

    /// Every status an appointment went through.
    pub fn appointment_history(&mut self, id: AppointmentId) -> Result<Vec<StatusChange>> {
        self.appointment(id)?;
        store::history(self.live()?.store.conn(), id)
    }
}

fn notify_doctor(
    tx: &rusqlite::Transaction<'_>,
    ctx: &crate::store::changes::WriteContext,
    a: &Appointment,
    kind: &'static str,
    title: &str,
) -> Result<()> {
    let doctor =
        doctors::get(tx, a.doctor_id)?.ok_or_else(|| Error::Internal("doctor vanished".into()))?;
    let patient = patients::get(tx, a.patient_id)?
        .ok_or_else(|| Error::Internal("patient vanished".into()))?;
    let when = parse_db_time(&a.starts_at)?;
    notifications::insert(
        tx,
        ctx,
        doctor.user_id,
        &notifications::New {
            kind,
            title: title.to_owned(),
            body: format!(
                "{} {} ({}) at {} UTC, appointment {}",
                patient.given_name,
                patient.family_name,
                patient.mrn,
                when.format("%Y-%m-%d %H:%M"),
                a.number
            ),
            entity: Some("appointment"),
            entity_id: Some(a.id.to_string()),
        },
    )?;
    Ok(())
}

fn no_such_appointment(id: AppointmentId) -> Error {
    Error::validation("appointment", format!("there is no appointment {id}"))
}

/// Completes a checked-in appointment in the caller's transaction: the end of a
/// visit (`clinical::encounters`) completes its booking with it.
pub(crate) fn complete_in(
    tx: &rusqlite::Transaction<'_>,
    ctx: &crate::store::changes::WriteContext,
    actor: &crate::actor::Actor,
    id: AppointmentId,
) -> Result<Appointment> {
    let a = store::get(tx, id)?.ok_or_else(|| no_such_appointment(id))?;
    if a.status == "completed" {
        return Ok(a);
    }
    if !transition_allowed(&a.status, "completed") {
        return Err(Error::InvalidTransition {
            from: a.status.clone(),
            to: "completed",
        });
    }
    let moved = store::set_status(tx, ctx, &a, "completed", None, actor.user)?;
    audit::append(
        tx,
        ctx,
        Some(actor),
        ctx.now,
        &Event::new("appointment.completed", Outcome::Success)
            .entity("appointment", id)
            .patient(moved.patient_id)
            .details(
                serde_json::json!({ "number": moved.number, "from": a.status, "reason": null }),
            ),
    )?;
    Ok(moved)
}
