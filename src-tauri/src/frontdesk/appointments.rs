//! Appointments: finding a doctor with a free slot, holding and confirming a booking,
//! cancelling and rescheduling, checking in, and the lists that name patients and
//! doctors (a patient's appointments, the check-in queue, the calendar, and the bookings
//! that lost a double booking).

use std::sync::Arc;

use clinic_core::clock::to_db_time;
use clinic_core::frontdesk::appointments::{CalendarDays, Filter};
use clinic_core::ids::{AppointmentId, DoctorId, PatientId};
use serde::Serialize;

use crate::frontdesk::doctors::Doctor;
use crate::shell::{Reply, Result, Shared, Shell, blocking, parse_day, parse_id, parse_time};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn find_available_doctors(
    shell: Shared<'_>,
    specialization: String,
    from: Option<String>,
) -> Reply<Vec<Availability>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.find_available_doctors(&specialization, from.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn free_slots(shell: Shared<'_>, doctor_id: String, day: String) -> Reply<Vec<Slot>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.free_slots(&doctor_id, &day)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn hold_slot(
    shell: Shared<'_>,
    patient_id: String,
    doctor_id: String,
    starts_at: String,
    reason: Option<String>,
) -> Reply<Appointment> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.hold_slot(&patient_id, &doctor_id, &starts_at, reason.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn confirm_appointment(shell: Shared<'_>, id: String) -> Reply<Appointment> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.confirm_appointment(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn cancel_appointment(
    shell: Shared<'_>,
    id: String,
    reason: String,
) -> Reply<Appointment> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.cancel_appointment(&id, &reason)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn reschedule_appointment(
    shell: Shared<'_>,
    id: String,
    doctor_id: Option<String>,
    starts_at: String,
) -> Reply<Appointment> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.reschedule_appointment(&id, doctor_id.as_deref(), &starts_at)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn check_in(shell: Shared<'_>, id: String) -> Reply<Appointment> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.check_in(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn patient_appointments(shell: Shared<'_>, id: String) -> Reply<Vec<AppointmentRow>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.patient_appointments(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn day_appointments(shell: Shared<'_>, day: Option<String>) -> Reply<DayAppointments> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.day_appointments(day.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn calendar(
    shell: Shared<'_>,
    from: String,
    days: u32,
    doctor_id: Option<String>,
    branch: Option<String>,
) -> Reply<CalendarAppointments> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.calendar(&from, days, doctor_id.as_deref(), branch.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn conflicted_appointments(shell: Shared<'_>) -> Reply<Vec<AppointmentRow>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.conflicted_appointments()).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    /// Doctors of a specialization with their first free slot on or after `from` (a
    /// clinic-local day; today if absent).
    pub fn find_available_doctors(
        &self,
        specialization: &str,
        from: Option<&str>,
    ) -> Result<Vec<Availability>> {
        let from = from.map(|d| parse_day("from", d)).transpose()?;
        self.with_open(|open| {
            let from = match from {
                Some(from) => from,
                None => open.session.today()?,
            };
            let found = open.session.find_available_doctors(specialization, from)?;
            Ok(found.into_iter().map(Availability::from).collect())
        })
    }

    pub fn free_slots(&self, doctor_id: &str, day: &str) -> Result<Vec<Slot>> {
        let doctor: DoctorId = parse_id("doctor", doctor_id)?;
        let day = parse_day("day", day)?;
        self.with_open(|open| {
            let slots = open.session.free_slots(doctor, day)?;
            Ok(slots.into_iter().map(Slot::from).collect())
        })
    }

    pub fn hold_slot(
        &self,
        patient_id: &str,
        doctor_id: &str,
        starts_at: &str,
        reason: Option<&str>,
    ) -> Result<Appointment> {
        let patient: PatientId = parse_id("patient", patient_id)?;
        let doctor: DoctorId = parse_id("doctor", doctor_id)?;
        let starts_at = parse_time("starts_at", starts_at)?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        self.with_open(|open| {
            Ok(open
                .session
                .hold_slot(patient, doctor, starts_at, reason)?
                .into())
        })
    }

    pub fn confirm_appointment(&self, id: &str) -> Result<Appointment> {
        let id: AppointmentId = parse_id("appointment", id)?;
        self.with_open(|open| Ok(open.session.confirm_appointment(id)?.into()))
    }

    pub fn cancel_appointment(&self, id: &str, reason: &str) -> Result<Appointment> {
        let id: AppointmentId = parse_id("appointment", id)?;
        self.with_open(|open| Ok(open.session.cancel_appointment(id, reason)?.into()))
    }

    pub fn reschedule_appointment(
        &self,
        id: &str,
        doctor_id: Option<&str>,
        starts_at: &str,
    ) -> Result<Appointment> {
        let id: AppointmentId = parse_id("appointment", id)?;
        let doctor: Option<DoctorId> = doctor_id.map(|d| parse_id("doctor", d)).transpose()?;
        let starts_at = parse_time("starts_at", starts_at)?;
        self.with_open(|open| {
            Ok(open
                .session
                .reschedule_appointment(id, doctor, starts_at)?
                .into())
        })
    }

    pub fn check_in(&self, id: &str) -> Result<Appointment> {
        let id: AppointmentId = parse_id("appointment", id)?;
        self.with_open(|open| Ok(open.session.check_in(id)?.into()))
    }

    /// A patient's appointments, soonest first, with names.
    pub fn patient_appointments(&self, id: &str) -> Result<Vec<AppointmentRow>> {
        let id: PatientId = parse_id("patient", id)?;
        self.with_open(|open| {
            let list = open.session.appointment_rows(&Filter {
                patient: Some(id),
                ..Filter::default()
            })?;
            Ok(rows(list))
        })
    }

    /// One clinic day's appointments at this branch (today if `day` is absent), in time
    /// order, with patient and doctor names.
    pub fn day_appointments(&self, day: Option<&str>) -> Result<DayAppointments> {
        let day = day.map(|d| parse_day("day", d)).transpose()?;
        self.with_open(|open| {
            let (day, list) = open.session.day_queue(day)?;
            Ok(DayAppointments {
                day: day.format("%Y-%m-%d").to_string(),
                rows: rows(list),
            })
        })
    }

    /// Appointments over `days` clinic days from `from` (1 to 31; a day or a week), for
    /// one doctor or all, at one branch (code) or all; `branch` absent means this
    /// workstation's branch, an empty string every branch.
    pub fn calendar(
        &self,
        from: &str,
        days: u32,
        doctor_id: Option<&str>,
        branch: Option<&str>,
    ) -> Result<CalendarAppointments> {
        let days = CalendarDays::new(parse_day("from", from)?, days)?;
        let doctor: Option<DoctorId> = doctor_id
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(|d| parse_id("doctor", d))
            .transpose()?;
        self.with_open(|open| {
            let calendar = open.session.calendar(days, doctor, branch)?;
            Ok(CalendarAppointments {
                days: calendar
                    .days
                    .iter()
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .collect(),
                branch_code: calendar.branch_code,
                doctor_id: calendar.doctor.map(|d| d.to_string()),
                rows: rows(calendar.rows),
            })
        })
    }

    /// Bookings the sync server marked `conflict` (another branch booked the slot
    /// first), soonest first, with names: the front desk rebooks or cancels them.
    pub fn conflicted_appointments(&self) -> Result<Vec<AppointmentRow>> {
        self.with_open(|open| {
            let list = open.session.appointment_rows(&Filter {
                status: Some("conflict".into()),
                ..Filter::default()
            })?;
            Ok(rows(list))
        })
    }
}

/// Appointments with the names the core put on them.
fn rows(list: Vec<clinic_core::frontdesk::appointments::AppointmentRow>) -> Vec<AppointmentRow> {
    list.into_iter().map(AppointmentRow::from).collect()
}

// ---- wire types -----------------------------------------------------------------------

/// A free appointment slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Slot {
    pub starts_at: String,
    pub ends_at: String,
}

impl From<clinic_core::frontdesk::doctors::schedule::Slot> for Slot {
    fn from(s: clinic_core::frontdesk::doctors::schedule::Slot) -> Self {
        Self {
            starts_at: to_db_time(s.starts_at),
            ends_at: to_db_time(s.ends_at),
        }
    }
}

/// A doctor with their first free slot, for the booking flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Availability {
    pub doctor: Doctor,
    pub first_free: Slot,
}

impl From<clinic_core::frontdesk::appointments::Availability> for Availability {
    fn from(a: clinic_core::frontdesk::appointments::Availability) -> Self {
        Self {
            doctor: a.doctor.into(),
            first_free: a.first_free.into(),
        }
    }
}

/// An appointment's status, as the core's state machine names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Held,
    Confirmed,
    CheckedIn,
    Completed,
    Cancelled,
    NoShow,
    Rescheduled,
    /// Two branches booked the slot offline; the front desk must resolve it.
    Conflict,
    /// A status this version of the app does not know (from a newer workstation).
    Unknown,
}

impl AppointmentStatus {
    pub fn parse(status: &str) -> Self {
        match status {
            "held" => Self::Held,
            "confirmed" => Self::Confirmed,
            "checked_in" => Self::CheckedIn,
            "completed" => Self::Completed,
            "cancelled" => Self::Cancelled,
            "no_show" => Self::NoShow,
            "rescheduled" => Self::Rescheduled,
            "conflict" => Self::Conflict,
            _ => Self::Unknown,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Appointment {
    pub id: String,
    /// The number printed on slips, e.g. `BR01-7KQ3M-000007`.
    pub number: String,
    pub patient_id: String,
    pub doctor_id: String,
    pub starts_at: String,
    pub ends_at: String,
    pub status: AppointmentStatus,
    /// While `held`: when the hold runs out and the slot is free again.
    pub hold_expires_at: Option<String>,
    /// True until the sync server has accepted the booking ("not yet synced").
    pub provisional: bool,
    pub reason: Option<String>,
    pub cancel_reason: Option<String>,
    pub rescheduled_from: Option<String>,
}

impl From<clinic_core::frontdesk::appointments::Appointment> for Appointment {
    fn from(a: clinic_core::frontdesk::appointments::Appointment) -> Self {
        Self {
            id: a.id.to_string(),
            number: a.number,
            patient_id: a.patient_id.to_string(),
            doctor_id: a.doctor_id.to_string(),
            starts_at: a.starts_at,
            ends_at: a.ends_at,
            status: AppointmentStatus::parse(&a.status),
            hold_expires_at: a.hold_expires_at,
            provisional: a.provisional,
            reason: a.reason,
            cancel_reason: a.cancel_reason,
            rescheduled_from: a.rescheduled_from.map(|id| id.to_string()),
        }
    }
}

/// An appointment with the names a list needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AppointmentRow {
    pub appointment: Appointment,
    pub patient_name: String,
    pub patient_mrn: String,
    pub doctor_name: String,
}

impl From<clinic_core::frontdesk::appointments::AppointmentRow> for AppointmentRow {
    fn from(row: clinic_core::frontdesk::appointments::AppointmentRow) -> Self {
        Self {
            appointment: row.appointment.into(),
            patient_name: row.patient.name,
            patient_mrn: row.patient.mrn,
            doctor_name: row.doctor_name,
        }
    }
}

/// One clinic day's appointments at this branch (the check-in queue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DayAppointments {
    /// `YYYY-MM-DD` in the clinic's time zone.
    pub day: String,
    pub rows: Vec<AppointmentRow>,
}

/// Appointments over one or more clinic days, for the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CalendarAppointments {
    /// The days shown, `YYYY-MM-DD` in the clinic's time zone, first to last.
    pub days: Vec<String>,
    /// The branch shown (code), or null for every branch.
    pub branch_code: Option<String>,
    /// The doctor shown, or null for every doctor.
    pub doctor_id: Option<String>,
    /// In time order.
    pub rows: Vec<AppointmentRow>,
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    Slot::export_all(cfg)?;
    Availability::export_all(cfg)?;
    AppointmentStatus::export_all(cfg)?;
    Appointment::export_all(cfg)?;
    AppointmentRow::export_all(cfg)?;
    DayAppointments::export_all(cfg)?;
    CalendarAppointments::export_all(cfg)?;
    Ok(())
}
