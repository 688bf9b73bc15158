//! Doctor profiles, weekly schedules, time off and free slots.

// The feature's own types, for callers (the shell, the CLI): they live in its store.
pub use crate::store::doctors::{Doctor, HoursBlock, TimeOff};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::actor::Role;
use crate::clinic_time::ClinicTime;
use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{DoctorId, new_v7_at};
use crate::policy::{Action, Target};
use crate::schedule::{self, Slot};
use crate::session::Session;
use crate::store::appointments;
use crate::store::audit::{self, Event, Outcome};
use crate::store::doctors;
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

/// A doctor with a free slot, for the booking flow.
#[derive(Debug, Clone, Serialize)]
pub struct Availability {
    pub doctor: Doctor,
    pub first_free: Slot,
}

/// How far ahead "find a doctor with a free slot" looks.
pub const SEARCH_DAYS: i64 = 31;

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

    /// Free slots of a doctor on one clinic-local day at this workstation's branch.
    /// (Booking may also take a slot the doctor works at another branch, for a desk that
    /// books on that branch's behalf: see [`Session::hold_slot`].)
    pub fn free_slots(&mut self, id: DoctorId, day: NaiveDate) -> Result<Vec<Slot>> {
        self.authorize(Action::AppointmentView, Target::Any)?;
        let tz = self.clinic_time()?;
        let branch = self.clinic.branch_id;
        let now = self.now();
        let conn = self.live()?.store.conn();
        let doctor = doctors::get(conn, id)?.ok_or_else(|| no_such_doctor(id))?;
        if !doctor.active {
            return Ok(Vec::new());
        }
        free_slots_on(conn, id, day, tz, Some(branch), now)
    }

    /// Active doctors of a specialization with a free slot on or after `from`, soonest
    /// first, for the booking flow.
    pub fn find_available_doctors(
        &mut self,
        specialization: &str,
        from: NaiveDate,
    ) -> Result<Vec<Availability>> {
        self.authorize(Action::AppointmentView, Target::Any)?;
        let tz = self.clinic_time()?;
        let branch = self.clinic.branch_id;
        let now = self.now();
        let conn = self.live()?.store.conn();
        let mut found = Vec::new();
        for doctor in doctors::list(conn, Some(specialization.trim()), true)? {
            let mut day = from;
            while day < from + Duration::days(SEARCH_DAYS) {
                if let Some(slot) = free_slots_on(conn, doctor.id, day, tz, Some(branch), now)?
                    .into_iter()
                    .next()
                {
                    found.push(Availability {
                        doctor,
                        first_free: slot,
                    });
                    break;
                }
                day = day.succ_opt().unwrap_or(day);
            }
        }
        found.sort_by_key(|a| a.first_free.starts_at);
        Ok(found)
    }
}

pub(crate) fn free_slots_on(
    conn: &rusqlite::Connection,
    doctor: DoctorId,
    day: NaiveDate,
    tz: ClinicTime,
    branch: Option<crate::ids::BranchId>,
    now: DateTime<Utc>,
) -> Result<Vec<Slot>> {
    let hours = doctors::hours(conn, doctor)?;
    let all = schedule::slots_on(&hours, day, tz, branch);
    let (Some(first), Some(last)) = (all.first(), all.last()) else {
        return Ok(Vec::new());
    };
    let (from, to) = (to_db_time(first.starts_at), to_db_time(last.ends_at));
    let mut busy = Vec::new();
    for off in doctors::time_off(conn, doctor, &from, &to)? {
        busy.push((parse_db_time(&off.starts_at)?, parse_db_time(&off.ends_at)?));
    }
    for (start, end) in appointments::busy_for_doctor(conn, doctor, &from, &to, now)? {
        busy.push((parse_db_time(&start)?, parse_db_time(&end)?));
    }
    Ok(schedule::free_on(&hours, &busy, day, tz, branch, now))
}

pub(crate) fn parse_db_time(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| Error::Internal(format!("stored time {text:?} is unreadable: {e}")))
}

fn no_such_doctor(id: DoctorId) -> Error {
    Error::validation("doctor", format!("there is no doctor {id}"))
}
