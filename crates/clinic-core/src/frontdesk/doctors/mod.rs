//! Doctor profiles, weekly schedules, time off and free slots.

// The feature's own types, for callers (the shell, the CLI): they live in its store.
pub mod schedule;
pub(crate) mod store;

pub use store::{Doctor, HoursBlock, TimeOff};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use self::store as doctors;
use crate::actor::Role;
use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{DoctorId, new_v7_at};
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::audit::{self, Event, Outcome};
use crate::store::{organisation, users};
use crate::validate;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DoctorInput {
    /// The doctor's user account (role doctor).
    pub username: String,
    pub specialization: String,
    pub licence_number: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Consultation fee in minor units (cents) of the clinic's currency.
    pub fee_minor: i64,
}

/// One block of weekly hours as typed: branch code, weekday 1–7, `HH:MM` times.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HoursInput {
    pub branch_code: String,
    pub weekday: u32,
    pub start: String,
    pub end: String,
    pub slot_minutes: u32,
}

impl Session {
    /// Adds a doctor profile for an existing doctor user (administrators).
    pub fn add_doctor(&mut self, input: &DoctorInput) -> Result<Doctor> {
        self.authorize(Action::DoctorManage, Target::Any)?;
        let specialization = validate::text("specialization", &input.specialization, 100)?;
        let licence = validate::text("licence_number", &input.licence_number, 50)?.to_uppercase();
        let phone = validate::phone("phone", input.phone.as_deref())?;
        let email = validate::email("email", input.email.as_deref())?;
        if input.fee_minor < 0 {
            return Err(Error::validation("fee_minor", "the fee cannot be negative"));
        }
        let username = input.username.clone();
        self.transact(|tx, ctx, actor| {
            let user = users::find_by_username(tx, &username)?.ok_or_else(|| {
                Error::validation(
                    "username",
                    format!("there is no user \"{username}\"; add the user first"),
                )
            })?;
            if user.role != Role::Doctor || user.emergency {
                return Err(Error::validation(
                    "username",
                    format!("\"{username}\" is not a doctor's account"),
                ));
            }
            let doctor = Doctor {
                id: DoctorId(new_v7_at(ctx.now)),
                user_id: user.id,
                name: user.display_name.clone(),
                specialization,
                licence_number: licence,
                phone,
                email,
                fee_minor: input.fee_minor,
                active: true,
            };
            doctors::insert(tx, ctx, &doctor)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("doctor.create", Outcome::Success)
                    .entity("doctor", doctor.id)
                    .details(serde_json::json!({ "licence_number": doctor.licence_number })),
            )?;
            Ok(doctor)
        })
    }

    /// Changes a doctor's profile (administrators); `active = false` deactivates.
    pub fn update_doctor(
        &mut self,
        id: DoctorId,
        specialization: Option<&str>,
        fee_minor: Option<i64>,
        active: Option<bool>,
    ) -> Result<Doctor> {
        self.authorize(Action::DoctorManage, Target::Any)?;
        let specialization = specialization
            .map(|s| validate::text("specialization", s, 100))
            .transpose()?;
        if fee_minor.is_some_and(|f| f < 0) {
            return Err(Error::validation("fee_minor", "the fee cannot be negative"));
        }
        self.transact(|tx, ctx, actor| {
            let old = doctors::get(tx, id)?.ok_or_else(|| no_such_doctor(id))?;
            let new = Doctor {
                specialization: specialization.unwrap_or_else(|| old.specialization.clone()),
                fee_minor: fee_minor.unwrap_or(old.fee_minor),
                active: active.unwrap_or(old.active),
                ..old.clone()
            };
            doctors::update(tx, ctx, &old, &new)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new(
                    if new.active {
                        "doctor.update"
                    } else {
                        "doctor.deactivate"
                    },
                    Outcome::Success,
                )
                .entity("doctor", id),
            )?;
            Ok(new)
        })
    }

    pub fn doctors(&mut self, specialization: Option<&str>) -> Result<Vec<Doctor>> {
        self.authorize(Action::DoctorView, Target::Any)?;
        doctors::list(self.live()?.store.conn(), specialization, false)
    }

    /// The specializations of active doctors, each once whatever its case, sorted
    /// without regard to case: the choices of the booking screen.
    pub fn specializations(&mut self) -> Result<Vec<String>> {
        Ok(distinct_specializations(self.doctors(None)?))
    }

    pub fn doctor(&mut self, id: DoctorId) -> Result<Doctor> {
        self.authorize(Action::DoctorView, Target::Any)?;
        doctors::get(self.live()?.store.conn(), id)?.ok_or_else(|| no_such_doctor(id))
    }

    /// Replaces a doctor's weekly hours (administrators).
    pub fn set_doctor_hours(
        &mut self,
        id: DoctorId,
        hours: &[HoursInput],
    ) -> Result<Vec<HoursBlock>> {
        self.authorize(Action::DoctorManage, Target::Any)?;
        self.transact(|tx, ctx, actor| {
            doctors::get(tx, id)?.ok_or_else(|| no_such_doctor(id))?;
            let mut blocks = Vec::new();
            for h in hours {
                let branch_id =
                    organisation::branch_by_code(tx, &h.branch_code)?.ok_or_else(|| {
                        Error::validation(
                            "branch_code",
                            format!("there is no branch {}", h.branch_code),
                        )
                    })?;
                let bad_time = |t: &str| {
                    Error::validation("hours", format!("\"{t}\" is not a time; use HH:MM"))
                };
                blocks.push(HoursBlock {
                    branch_id,
                    weekday: h.weekday,
                    start_minute: schedule::parse_hhmm(&h.start)
                        .ok_or_else(|| bad_time(&h.start))?,
                    end_minute: schedule::parse_hhmm(&h.end).ok_or_else(|| bad_time(&h.end))?,
                    slot_minutes: h.slot_minutes,
                });
            }
            schedule::check_hours(&blocks).map_err(|m| Error::validation("hours", m))?;
            doctors::set_hours(tx, ctx, id, &blocks)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("doctor.hours", Outcome::Success)
                    .entity("doctor", id)
                    .details(serde_json::json!({ "blocks": blocks.len() })),
            )?;
            Ok(blocks)
        })
    }

    pub fn doctor_hours(&mut self, id: DoctorId) -> Result<Vec<HoursBlock>> {
        self.authorize(Action::DoctorView, Target::Any)?;
        doctors::hours(self.live()?.store.conn(), id)
    }

    /// Adds time off between two clinic-local times (`YYYY-MM-DD HH:MM`).
    pub fn add_time_off(
        &mut self,
        id: DoctorId,
        from: &str,
        to: &str,
        reason: &str,
    ) -> Result<String> {
        self.authorize(Action::DoctorManage, Target::Any)?;
        let clinic_time = self.clinic_time()?;
        let from = clinic_time.parse_local("from", from)?;
        let to = clinic_time.parse_local("to", to)?;
        if from >= to {
            return Err(Error::validation(
                "to",
                "must be after the start of the time off",
            ));
        }
        let reason = validate::text("reason", reason, 200)?;
        self.transact(|tx, ctx, actor| {
            doctors::get(tx, id)?.ok_or_else(|| no_such_doctor(id))?;
            let off =
                doctors::add_time_off(tx, ctx, id, &to_db_time(from), &to_db_time(to), &reason)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("doctor.time_off", Outcome::Success).entity("doctor", id),
            )?;
            Ok(off)
        })
    }

    /// Cancels time off that was entered by mistake or no longer holds; the row stays,
    /// marked, and the doctor's slots in it are free again.
    pub fn cancel_time_off(&mut self, id: DoctorId, time_off: &str) -> Result<()> {
        self.authorize(Action::DoctorManage, Target::Any)?;
        let time_off = time_off.trim().to_owned();
        self.transact(|tx, ctx, actor| {
            if !doctors::cancel_time_off(tx, ctx, id, &time_off)? {
                return Err(Error::validation(
                    "time_off",
                    "this doctor has no such time off in force; refresh the page",
                ));
            }
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("doctor.time_off_cancel", Outcome::Success)
                    .entity("doctor", id)
                    .details(serde_json::json!({ "time_off": time_off })),
            )?;
            Ok(())
        })
    }

    /// A doctor's time off from the start of today (clinic time) for a year (366
    /// days), earliest first: what the doctors screen lists.
    pub fn upcoming_time_off(&mut self, id: DoctorId) -> Result<Vec<TimeOff>> {
        let clinic = self.clinic_time()?;
        let from = clinic.day_start(clinic.date_of(self.now()));
        self.doctor_time_off(id, from, from + chrono::Duration::days(366))
    }

    /// A doctor's time off that overlaps `[from, to)`, earliest first.
    pub fn doctor_time_off(
        &mut self,
        id: DoctorId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<doctors::TimeOff>> {
        self.authorize(Action::DoctorView, Target::Any)?;
        doctors::time_off(
            self.live()?.store.conn(),
            id,
            &to_db_time(from),
            &to_db_time(to),
        )
    }
}

/// The specializations of the active doctors among `doctors`: sorted without regard to
/// case, and each once (spellings that differ only in ASCII case are one, shown as the
/// first met in that order).
fn distinct_specializations(doctors: impl IntoIterator<Item = Doctor>) -> Vec<String> {
    let mut names: Vec<String> = doctors
        .into_iter()
        .filter(|d| d.active)
        .map(|d| d.specialization)
        .collect();
    names.sort_by_key(|s| s.to_lowercase());
    names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    names
}

pub(crate) fn parse_db_time(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| Error::Internal(format!("stored time {text:?} is unreadable: {e}")))
}

pub(crate) fn no_such_doctor(id: DoctorId) -> Error {
    Error::validation("doctor", format!("there is no doctor {id}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;

    fn doctor(specialization: &str, active: bool) -> Doctor {
        Doctor {
            id: DoctorId(uuid::Uuid::nil()),
            user_id: UserId(uuid::Uuid::nil()),
            name: "Dr Test".into(),
            specialization: specialization.into(),
            licence_number: "T-1".into(),
            phone: None,
            email: None,
            fee_minor: 0,
            active,
        }
    }

    #[test]
    fn specializations_are_the_active_doctors_each_once_sorted_without_regard_to_case() {
        let doctors = [
            doctor("Paediatrics", true),
            doctor("general practice", true),
            doctor("General Practice", true),
            doctor("Cardiology", false),
            doctor("paediatrics", true),
        ];
        assert_eq!(
            distinct_specializations(doctors),
            ["general practice", "Paediatrics"],
            "a deactivated doctor's specialization is not offered; case does not make \
             two specializations, and the first spelling in sorted order is shown"
        );
        assert!(distinct_specializations(Vec::new()).is_empty());
    }
}
