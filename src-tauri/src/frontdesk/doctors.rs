//! Doctors: the directory and its specializations, profiles (administrators), weekly
//! hours and time off.

use std::sync::Arc;

use clinic_core::ids::DoctorId;
use serde::{Deserialize, Serialize};

use crate::shell::{Open, Reply, Result, Shared, Shell, blocking, parse_id};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn doctors(shell: Shared<'_>, specialization: Option<String>) -> Reply<Vec<Doctor>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.doctors(specialization.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn all_doctors(shell: Shared<'_>) -> Reply<Vec<Doctor>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.all_doctors()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn specializations(shell: Shared<'_>) -> Reply<Vec<String>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.specializations()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_doctor(shell: Shared<'_>, input: DoctorInput) -> Reply<Doctor> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.add_doctor(input)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn update_doctor(
    shell: Shared<'_>,
    id: String,
    specialization: Option<String>,
    fee_minor: Option<i64>,
    active: Option<bool>,
) -> Reply<Doctor> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.update_doctor(&id, specialization.as_deref(), fee_minor, active)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn doctor_hours(shell: Shared<'_>, id: String) -> Reply<Vec<WeeklyHours>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.doctor_hours(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_doctor_hours(
    shell: Shared<'_>,
    id: String,
    hours: Vec<WeeklyHours>,
) -> Reply<Vec<WeeklyHours>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.set_doctor_hours(&id, hours)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn doctor_time_off(shell: Shared<'_>, id: String) -> Reply<Vec<TimeOff>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.doctor_time_off(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_time_off(
    shell: Shared<'_>,
    id: String,
    from: String,
    to: String,
    reason: String,
) -> Reply<Vec<TimeOff>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.add_time_off(&id, &from, &to, &reason)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn cancel_time_off(
    shell: Shared<'_>,
    id: String,
    time_off: String,
) -> Reply<Vec<TimeOff>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.cancel_time_off(&id, &time_off)).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    pub fn doctors(&self, specialization: Option<&str>) -> Result<Vec<Doctor>> {
        let specialization = specialization.map(str::trim).filter(|s| !s.is_empty());
        self.with_open(|open| {
            let list = open.session.doctors(specialization)?;
            Ok(list
                .into_iter()
                .filter(|d| d.active)
                .map(Doctor::from)
                .collect())
        })
    }

    /// Every doctor, deactivated ones too, for the doctors screen.
    pub fn all_doctors(&self) -> Result<Vec<Doctor>> {
        self.with_open(|open| {
            Ok(open
                .session
                .doctors(None)?
                .into_iter()
                .map(Doctor::from)
                .collect())
        })
    }

    /// The specializations of active doctors, sorted, each once.
    pub fn specializations(&self) -> Result<Vec<String>> {
        self.with_open(|open| Ok(open.session.specializations()?))
    }

    /// Adds a doctor profile to an existing user account with the doctor role.
    pub fn add_doctor(&self, input: DoctorInput) -> Result<Doctor> {
        let input = input.into();
        self.with_open(|open| Ok(open.session.add_doctor(&input)?.into()))
    }

    /// Changes a doctor's specialization, fee or active flag (`None` keeps it).
    pub fn update_doctor(
        &self,
        id: &str,
        specialization: Option<&str>,
        fee_minor: Option<i64>,
        active: Option<bool>,
    ) -> Result<Doctor> {
        let id: DoctorId = parse_id("doctor", id)?;
        self.with_open(|open| {
            Ok(open
                .session
                .update_doctor(id, specialization, fee_minor, active)?
                .into())
        })
    }

    /// A doctor's weekly hours, by weekday, branch and start.
    pub fn doctor_hours(&self, id: &str) -> Result<Vec<WeeklyHours>> {
        let id: DoctorId = parse_id("doctor", id)?;
        self.with_open(|open| {
            let blocks = open.session.doctor_hours(id)?;
            weekly_hours(open, blocks)
        })
    }

    /// Replaces a doctor's weekly hours; answers with them as stored.
    pub fn set_doctor_hours(&self, id: &str, hours: Vec<WeeklyHours>) -> Result<Vec<WeeklyHours>> {
        let id: DoctorId = parse_id("doctor", id)?;
        let hours: Vec<clinic_core::frontdesk::doctors::HoursInput> = hours
            .into_iter()
            .map(|h| clinic_core::frontdesk::doctors::HoursInput {
                branch_code: h.branch_code,
                weekday: h.weekday,
                start: h.start,
                end: h.end,
                slot_minutes: h.slot_minutes,
            })
            .collect();
        self.with_open(|open| {
            let blocks = open.session.set_doctor_hours(id, &hours)?;
            weekly_hours(open, blocks)
        })
    }

    /// A doctor's time off from today (clinic time) for a year.
    pub fn doctor_time_off(&self, id: &str) -> Result<Vec<TimeOff>> {
        let id: DoctorId = parse_id("doctor", id)?;
        self.with_open(|open| time_off_list(open.session.upcoming_time_off(id)?))
    }

    /// Cancels time off (kept, marked); answers with the doctor's time off from today.
    pub fn cancel_time_off(&self, id: &str, time_off: &str) -> Result<Vec<TimeOff>> {
        let id: DoctorId = parse_id("doctor", id)?;
        self.with_open(|open| {
            open.session.cancel_time_off(id, time_off)?;
            time_off_list(open.session.upcoming_time_off(id)?)
        })
    }

    /// Adds time off between two clinic-local times (`YYYY-MM-DDTHH:MM`); answers with the
    /// doctor's time off from today.
    pub fn add_time_off(
        &self,
        id: &str,
        from: &str,
        to: &str,
        reason: &str,
    ) -> Result<Vec<TimeOff>> {
        let id: DoctorId = parse_id("doctor", id)?;
        self.with_open(|open| {
            open.session.add_time_off(id, from, to, reason)?;
            time_off_list(open.session.upcoming_time_off(id)?)
        })
    }
}

/// Weekly hours with branch codes and `HH:MM` times, in week order.
fn weekly_hours(
    open: &mut Open,
    blocks: Vec<clinic_core::frontdesk::doctors::HoursBlock>,
) -> Result<Vec<WeeklyHours>> {
    let codes = open.session.branch_codes()?;
    let hhmm = |minute: u32| format!("{:02}:{:02}", minute / 60, minute % 60);
    let mut list: Vec<WeeklyHours> = blocks
        .into_iter()
        .map(|b| WeeklyHours {
            branch_code: codes
                .get(&b.branch_id)
                .cloned()
                .unwrap_or_else(|| b.branch_id.to_string()),
            weekday: b.weekday,
            start: hhmm(b.start_minute),
            end: hhmm(b.end_minute),
            slot_minutes: b.slot_minutes,
        })
        .collect();
    list.sort_by(|a, b| {
        (a.weekday, &a.start, &a.branch_code).cmp(&(b.weekday, &b.start, &b.branch_code))
    });
    Ok(list)
}

fn time_off_list(list: Vec<clinic_core::frontdesk::doctors::TimeOff>) -> Result<Vec<TimeOff>> {
    Ok(list.into_iter().map(TimeOff::from).collect())
}

// ---- wire types -----------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Doctor {
    pub id: String,
    /// The doctor's user account.
    pub user_id: String,
    pub name: String,
    pub specialization: String,
    /// Unique, upper case, e.g. `MP-1001`.
    pub licence_number: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Consultation fee in minor units of the clinic's currency.
    pub fee_minor: i64,
    pub active: bool,
}

impl From<clinic_core::frontdesk::doctors::Doctor> for Doctor {
    fn from(d: clinic_core::frontdesk::doctors::Doctor) -> Self {
        Self {
            id: d.id.to_string(),
            user_id: d.user_id.to_string(),
            name: d.name,
            specialization: d.specialization,
            licence_number: d.licence_number,
            phone: d.phone,
            email: d.email,
            fee_minor: d.fee_minor,
            active: d.active,
        }
    }
}

/// A new doctor profile, for an existing user account with the doctor role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DoctorInput {
    pub username: String,
    pub specialization: String,
    pub licence_number: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Consultation fee in minor units of the clinic's currency.
    pub fee_minor: i64,
}

impl From<DoctorInput> for clinic_core::frontdesk::doctors::DoctorInput {
    fn from(d: DoctorInput) -> Self {
        let optional = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        Self {
            username: d.username.trim().to_owned(),
            specialization: d.specialization,
            licence_number: d.licence_number,
            phone: optional(d.phone),
            email: optional(d.email),
            fee_minor: d.fee_minor,
        }
    }
}

/// One block of a doctor's weekly hours, in the clinic's time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct WeeklyHours {
    /// e.g. `BR01`.
    pub branch_code: String,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u32,
    /// `HH:MM`.
    pub start: String,
    /// `HH:MM` (`24:00` for midnight at the end of the day).
    pub end: String,
    /// Length of one appointment slot.
    pub slot_minutes: u32,
}

/// A doctor's time off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TimeOff {
    pub id: String,
    pub starts_at: String,
    pub ends_at: String,
    pub reason: String,
}

impl From<clinic_core::frontdesk::doctors::TimeOff> for TimeOff {
    fn from(t: clinic_core::frontdesk::doctors::TimeOff) -> Self {
        Self {
            id: t.id,
            starts_at: t.starts_at,
            ends_at: t.ends_at,
            reason: t.reason,
        }
    }
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    Doctor::export_all(cfg)?;
    DoctorInput::export_all(cfg)?;
    WeeklyHours::export_all(cfg)?;
    TimeOff::export_all(cfg)?;
    Ok(())
}
