//! When a doctor is free: their weekly hours at a branch, less time off and less the
//! bookings that hold time (confirmed, checked in, completed, or held and not expired).
//! It lives with appointments because bookings are what take the time.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use crate::clinic_time::ClinicTime;
use crate::clock::to_db_time;
use crate::error::Result;
use crate::frontdesk::doctors::schedule::{self, Slot};
use crate::frontdesk::doctors::store as doctors;
use crate::frontdesk::doctors::{Doctor, no_such_doctor, parse_db_time};
use crate::ids::DoctorId;
use crate::policy::{Action, Target};
use crate::session::Session;

use super::store as appointments;

/// A doctor with a free slot, for the booking flow.
#[derive(Debug, Clone, Serialize)]
pub struct Availability {
    pub doctor: Doctor,
    pub first_free: Slot,
}

/// How far ahead "find a doctor with a free slot" looks.
pub const SEARCH_DAYS: i64 = 31;

impl Session {
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
