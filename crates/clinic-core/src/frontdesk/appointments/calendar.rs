//! The days the calendar and the check-in queue show, on the clinic's wall clock, and
//! which branch's appointments they hold.
//!
//! Invariants:
//! - A calendar shows whole clinic days, 1 to [`MAX_DAYS`] of them (a day or a week; a
//!   month at most), so one request never lists an unbounded stretch of bookings.
//! - Its bounds are the clinic days' UTC bounds ([`ClinicTime::days`]): an appointment
//!   is on a day when it overlaps that day in the clinic's zone, across clock changes.
//! - No branch asked means this workstation's branch, a blank code every branch; a code
//!   that no branch has is refused, never read as "every branch".

use chrono::{DateTime, NaiveDate, Utc};

use super::{AppointmentRow, Filter};
use crate::clinic_time::ClinicTime;
use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::DoctorId;
use crate::session::Session;

/// The most days one calendar request shows.
pub const MAX_DAYS: u32 = 31;

/// Consecutive clinic days, first to last: what a calendar or the queue shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarDays {
    first: NaiveDate,
    count: u32,
}

impl CalendarDays {
    /// `count` days from `first`; a count outside 1 to [`MAX_DAYS`] is the `days`
    /// field's error.
    pub fn new(first: NaiveDate, count: u32) -> Result<Self> {
        if !(1..=MAX_DAYS).contains(&count) {
            return Err(Error::validation(
                "days",
                format!("show between 1 and {MAX_DAYS} days"),
            ));
        }
        Ok(Self { first, count })
    }

    /// One day (the check-in queue's).
    pub fn one(day: NaiveDate) -> Self {
        Self {
            first: day,
            count: 1,
        }
    }

    pub fn first(self) -> NaiveDate {
        self.first
    }

    /// The days, first to last.
    pub fn days(self) -> Vec<NaiveDate> {
        self.first
            .iter_days()
            .take(usize::try_from(self.count).unwrap_or(usize::MAX))
            .collect()
    }

    /// The UTC bounds `[start, end)` of these days in the clinic's zone.
    pub fn bounds(self, clinic: ClinicTime) -> (DateTime<Utc>, DateTime<Utc>) {
        clinic.days(self.first, self.count)
    }

    /// The appointments that fall in these days (nothing else filtered).
    fn filter(self, clinic: ClinicTime) -> Filter {
        let (start, end) = self.bounds(clinic);
        Filter {
            from: Some(to_db_time(start)),
            to: Some(to_db_time(end)),
            ..Filter::default()
        }
    }
}

/// What the calendar shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    /// The days shown, first to last.
    pub days: Vec<NaiveDate>,
    /// The branch shown (its code), or `None` for every branch.
    pub branch_code: Option<String>,
    /// The doctor shown, or `None` for every doctor.
    pub doctor: Option<DoctorId>,
    /// In time order, with names.
    pub rows: Vec<AppointmentRow>,
}

impl Session {
    /// The appointments over `days`, for one doctor or all, at one branch or all:
    /// `branch` absent means this workstation's branch, blank every branch, otherwise a
    /// branch code (any case). Needs the right to see appointments.
    pub fn calendar(
        &mut self,
        days: CalendarDays,
        doctor: Option<DoctorId>,
        branch: Option<&str>,
    ) -> Result<Calendar> {
        let mut filter = days.filter(self.clinic_time()?);
        let (branch_id, branch_code) = match branch.map(str::trim) {
            None => (
                Some(self.clinic.branch_id),
                Some(self.clinic.branch_code.clone()),
            ),
            Some("") => (None, None),
            Some(code) => {
                let found = self.branch_by_code("branch", code)?;
                (Some(found.id), Some(found.code))
            }
        };
        filter.doctor = doctor;
        filter.branch = branch_id;
        Ok(Calendar {
            days: days.days(),
            branch_code,
            doctor,
            rows: self.appointment_rows(&filter)?,
        })
    }

    /// One clinic day's appointments at this workstation's branch, in time order with
    /// names: the check-in queue. `day` absent means today on the clinic's wall clock;
    /// the answer says which day it was.
    pub fn day_queue(
        &mut self,
        day: Option<NaiveDate>,
    ) -> Result<(NaiveDate, Vec<AppointmentRow>)> {
        let clinic = self.clinic_time()?;
        let day = day.unwrap_or_else(|| clinic.date_of(self.now()));
        let filter = Filter {
            branch: Some(self.clinic.branch_id),
            ..CalendarDays::one(day).filter(clinic)
        };
        Ok((day, self.appointment_rows(&filter)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clinic_time::parse_date;
    use crate::error::Code;

    fn date(text: &str) -> NaiveDate {
        parse_date("day", text).unwrap()
    }

    #[test]
    fn a_calendar_shows_one_to_thirty_one_whole_clinic_days() {
        for count in [0, MAX_DAYS + 1] {
            let err = CalendarDays::new(date("2026-01-05"), count).unwrap_err();
            assert_eq!(
                (err.code(), err.field()),
                (Code::Validation, Some("days")),
                "{count} days is the days field's error"
            );
            assert!(err.to_string().ends_with("show between 1 and 31 days"));
        }
        let week = CalendarDays::new(date("2026-01-05"), 7).unwrap();
        assert_eq!(week.first(), date("2026-01-05"));
        assert_eq!(
            week.days(),
            (5..=11)
                .map(|d| date(&format!("2026-01-{d:02}")))
                .collect::<Vec<_>>(),
            "first to last, each day once"
        );
        assert_eq!(
            CalendarDays::new(date("2026-01-05"), 31)
                .unwrap()
                .days()
                .len(),
            31
        );
    }

    #[test]
    fn calendar_days_are_bounded_in_the_clinics_zone() {
        let nairobi = ClinicTime::parse("Africa/Nairobi").unwrap();
        let week = CalendarDays::new(date("2026-01-05"), 7).unwrap();
        let (start, end) = week.bounds(nairobi);
        assert_eq!(
            (to_db_time(start), to_db_time(end)),
            (
                "2026-01-04T21:00:00.000Z".to_owned(),
                "2026-01-11T21:00:00.000Z".to_owned()
            ),
            "from the clinic's midnight before the first day to the one after the last"
        );
        assert_eq!(
            CalendarDays::one(date("2026-01-05")).bounds(nairobi),
            nairobi.days(date("2026-01-05"), 1),
            "the queue's day is one clinic day"
        );
        let filter = week.filter(nairobi);
        assert_eq!(
            (filter.from, filter.to),
            (Some(to_db_time(start)), Some(to_db_time(end)))
        );
        assert!(
            filter.branch.is_none() && filter.doctor.is_none() && filter.status.is_none(),
            "the days filter nothing else"
        );
    }
}
