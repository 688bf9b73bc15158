//! Free slots: a doctor's weekly hours turned into concrete appointment slots for a day,
//! minus time off, bookings and the past. Pure functions over plain data, so the rules
//! are tested without a database.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Serialize;

use crate::clinic_time::ClinicTime;
use crate::frontdesk::doctors::store::HoursBlock;
use crate::ids::BranchId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Slot {
    pub branch_id: BranchId,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// An interval that blocks slots: time off or an active appointment.
pub(crate) type Busy = (DateTime<Utc>, DateTime<Utc>);

/// Every slot the hours define on `day` (clinic-local), at `branch` if given.
pub(crate) fn slots_on(
    hours: &[HoursBlock],
    day: NaiveDate,
    tz: ClinicTime,
    branch: Option<BranchId>,
) -> Vec<Slot> {
    let weekday = day.weekday().number_from_monday();
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    let mut slots = Vec::new();
    for block in hours
        .iter()
        .filter(|b| b.weekday == weekday && branch.is_none_or(|br| br == b.branch_id))
    {
        let mut minute = block.start_minute;
        while minute + block.slot_minutes <= block.end_minute {
            let local_start = midnight + Duration::minutes(i64::from(minute));
            let local_end = local_start + Duration::minutes(i64::from(block.slot_minutes));
            // A local time skipped by a daylight-saving change has no slot.
            if let (Some(start), Some(end)) = (tz.resolve(local_start), tz.resolve(local_end)) {
                slots.push(Slot {
                    branch_id: block.branch_id,
                    starts_at: start,
                    ends_at: end,
                });
            }
            minute += block.slot_minutes;
        }
    }
    slots.sort_by_key(|s| s.starts_at);
    slots
}

/// The slots of `day` that start after `now` and overlap nothing busy.
pub(crate) fn free_on(
    hours: &[HoursBlock],
    busy: &[Busy],
    day: NaiveDate,
    tz: ClinicTime,
    branch: Option<BranchId>,
    now: DateTime<Utc>,
) -> Vec<Slot> {
    slots_on(hours, day, tz, branch)
        .into_iter()
        .filter(|s| s.starts_at >= now)
        .filter(|s| {
            !busy
                .iter()
                .any(|(from, to)| *from < s.ends_at && s.starts_at < *to)
        })
        .collect()
}

/// Checks a weekly schedule: blocks inside a day, slot lengths that fit, no overlaps
/// between blocks of the same day (at any branch: a doctor is in one place at a time).
pub(crate) fn check_hours(blocks: &[HoursBlock]) -> Result<(), String> {
    for b in blocks {
        if !(1..=7).contains(&b.weekday) {
            return Err(format!(
                "weekday {} is not 1 (Monday) to 7 (Sunday)",
                b.weekday
            ));
        }
        if b.start_minute >= b.end_minute || b.end_minute > 1440 {
            return Err(format!(
                "{} to {} is not a period within one day",
                hhmm(b.start_minute),
                hhmm(b.end_minute)
            ));
        }
        if !(5..=240).contains(&b.slot_minutes) {
            return Err(format!(
                "a slot of {} minutes is not allowed; use 5 to 240",
                b.slot_minutes
            ));
        }
        if b.slot_minutes > b.end_minute - b.start_minute {
            return Err(format!(
                "{}–{} is shorter than one {}-minute slot",
                hhmm(b.start_minute),
                hhmm(b.end_minute),
                b.slot_minutes
            ));
        }
    }
    for (i, a) in blocks.iter().enumerate() {
        for b in &blocks[i + 1..] {
            if a.weekday == b.weekday
                && a.start_minute < b.end_minute
                && b.start_minute < a.end_minute
            {
                return Err(format!(
                    "{}–{} overlaps {}–{} on day {}",
                    hhmm(a.start_minute),
                    hhmm(a.end_minute),
                    hhmm(b.start_minute),
                    hhmm(b.end_minute),
                    a.weekday
                ));
            }
        }
    }
    Ok(())
}

pub(crate) fn hhmm(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Parses `HH:MM` into minutes after midnight (24:00 allowed as an end).
pub(crate) fn parse_hhmm(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn branch() -> BranchId {
        BranchId::new(&ManualClock::monday_morning())
    }

    fn block(branch: BranchId, weekday: u32, from: &str, to: &str, slot: u32) -> HoursBlock {
        HoursBlock {
            branch_id: branch,
            weekday,
            start_minute: parse_hhmm(from).unwrap(),
            end_minute: parse_hhmm(to).unwrap(),
            slot_minutes: slot,
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn utc() -> ClinicTime {
        ClinicTime::parse("UTC").unwrap()
    }

    #[test]
    fn a_morning_and_an_afternoon_block_leave_the_lunch_break_free_of_slots() {
        let b = branch();
        let hours = [
            block(b, 1, "09:00", "12:00", 30),
            block(b, 1, "13:00", "14:00", 20),
        ];
        let monday = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let slots = slots_on(&hours, monday, utc(), None);
        let starts: Vec<_> = slots
            .iter()
            .map(|s| s.starts_at.format("%H:%M").to_string())
            .collect();
        assert_eq!(
            starts,
            [
                "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "13:00", "13:20", "13:40"
            ]
        );
        assert!(
            slots_on(&hours, monday.succ_opt().unwrap(), utc(), None).is_empty(),
            "Tuesday: no hours"
        );
    }

    #[test]
    fn slots_are_in_the_clinic_time_zone_and_skip_busy_and_past_times() {
        let b = branch();
        let hours = [block(b, 1, "09:00", "11:00", 30)];
        let monday = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let nairobi = ClinicTime::parse("Africa/Nairobi").unwrap();
        let busy = [
            (at("2026-01-05T06:30:00Z"), at("2026-01-05T07:00:00Z")), // 09:30 local, booked
        ];
        let now = at("2026-01-05T06:10:00Z"); // 09:10 local: the 09:00 slot has begun
        let free = free_on(&hours, &busy, monday, nairobi, Some(b), now);
        let starts: Vec<_> = free.iter().map(|s| s.starts_at.to_rfc3339()).collect();
        assert_eq!(
            starts,
            ["2026-01-05T07:00:00+00:00", "2026-01-05T07:30:00+00:00"]
        );
        assert!(
            free_on(&hours, &busy, monday, nairobi, Some(branch()), now).is_empty(),
            "other branch"
        );
    }

    #[test]
    fn schedules_that_cannot_work_are_refused_with_the_reason() {
        let b = branch();
        assert!(check_hours(&[block(b, 1, "09:00", "12:00", 15)]).is_ok());
        let overlap = check_hours(&[
            block(b, 2, "09:00", "12:00", 15),
            block(b, 2, "11:00", "13:00", 15),
        ]);
        assert!(overlap.unwrap_err().contains("overlaps"));
        let short = check_hours(&[block(b, 3, "09:00", "09:10", 15)]);
        assert!(short.unwrap_err().contains("shorter"));
        assert_eq!(parse_hhmm("24:00"), Some(1440));
        assert_eq!(parse_hhmm("12:60"), None);
    }
}
