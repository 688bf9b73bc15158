//! `clinic doctor …`: doctor profiles, weekly hours and time off. Doctors are named by
//! licence number on the command line, because their ids are long.

use anyhow::{Context as _, bail};
use clap::Subcommand;
use clinic_core::Session;
use clinic_core::frontdesk::doctors::{Doctor, HoursBlock};
use clinic_core::frontdesk::doctors::{DoctorInput, HoursInput};
use clinic_core::money::{Currency, Money};

#[derive(Subcommand)]
pub enum DoctorCommand {
    /// Add the doctor profile of an existing user with role doctor (administrators).
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        specialization: String,
        /// Licence (registration) number; how the other commands name this doctor.
        #[arg(long)]
        licence: String,
        /// Consultation fee in minor units of the clinic's currency (2500 = 25.00).
        #[arg(long)]
        fee: i64,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        email: Option<String>,
    },
    /// List doctors with their fee and weekly hours.
    List {
        #[arg(long)]
        specialization: Option<String>,
    },
    /// Replace a doctor's weekly hours (administrators).
    ///
    /// Each --block is `DAYS HH:MM-HH:MM` in clinic time, where DAYS is a day (mon), a
    /// range (mon-fri) or a comma list (mon,wed,sat-sun). Breaks are the gaps between
    /// blocks, so Mon–Fri with a lunch break is:
    ///
    ///   --block "mon-fri 09:00-12:30" --block "mon-fri 13:30-17:00" --slot 15
    #[command(verbatim_doc_comment)]
    Schedule {
        /// The doctor's licence number (see `clinic doctor list`).
        #[arg(long)]
        licence: String,
        /// `DAYS HH:MM-HH:MM` (repeat for several blocks).
        #[arg(long = "block", required_unless_present = "clear")]
        blocks: Vec<String>,
        /// Minutes per appointment slot (5 to 240).
        #[arg(long, default_value_t = 15)]
        slot: u32,
        /// Branch code where these hours are worked (default: this workstation's branch).
        #[arg(long)]
        branch: Option<String>,
        /// Remove every weekly block (the doctor takes no bookings until hours are set).
        #[arg(long, conflicts_with = "blocks")]
        clear: bool,
    },
    /// Block out time off (administrators); times are `YYYY-MM-DD HH:MM`, clinic time.
    TimeOff {
        /// The doctor's licence number (see `clinic doctor list`).
        #[arg(long)]
        licence: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        reason: String,
    },
}

pub fn run(session: &mut Session, command: DoctorCommand) -> anyhow::Result<()> {
    match command {
        DoctorCommand::Add {
            username,
            specialization,
            licence,
            fee,
            phone,
            email,
        } => {
            let d = session.add_doctor(&DoctorInput {
                username,
                specialization,
                licence_number: licence,
                phone,
                email,
                fee_minor: fee,
            })?;
            out!(
                "Added {} ({}, licence {}, fee {})",
                d.name,
                d.specialization,
                d.licence_number,
                fee_text(session, d.fee_minor)
            );
        }
        DoctorCommand::List { specialization } => {
            out!(
                "{:<10} {:<22} {:<27} {:<12} {:<8} HOURS",
                "LICENCE",
                "NAME",
                "SPECIALIZATION",
                "FEE",
                "STATUS"
            );
            for d in session.doctors(specialization.as_deref())? {
                let hours = session.doctor_hours(d.id)?;
                out!(
                    "{:<10} {:<22} {:<27} {:<12} {:<8} {}",
                    d.licence_number,
                    d.name,
                    d.specialization,
                    fee_text(session, d.fee_minor),
                    if d.active { "active" } else { "inactive" },
                    hours_text(&hours)
                );
            }
        }
        DoctorCommand::Schedule {
            licence,
            blocks,
            slot,
            branch,
            clear,
        } => {
            let d = by_licence(session, &licence)?;
            let branch = branch.unwrap_or_else(|| session.clinic().branch_code.clone());
            let mut hours = Vec::new();
            if !clear {
                for block in &blocks {
                    hours.extend(parse_block(block, slot, &branch)?);
                }
            }
            let set = session.set_doctor_hours(d.id, &hours)?;
            out!(
                "Weekly hours of {} ({}): {}",
                d.name,
                d.licence_number,
                hours_text(&set)
            );
        }
        DoctorCommand::TimeOff {
            licence,
            from,
            to,
            reason,
        } => {
            let d = by_licence(session, &licence)?;
            session.add_time_off(d.id, &from, &to, &reason)?;
            out!("{} is off from {from} to {to} ({reason}).", d.name);
        }
    }
    Ok(())
}

/// The doctor with this licence number (active or not).
pub fn by_licence(session: &mut Session, licence: &str) -> anyhow::Result<Doctor> {
    let wanted = licence.trim().to_uppercase();
    session
        .doctors(None)?
        .into_iter()
        .find(|d| d.licence_number == wanted)
        .ok_or_else(|| {
            clinic_core::Error::Validation {
                field: "licence",
                message: format!("no doctor has licence number {wanted}; see `clinic doctor list`"),
            }
            .into()
        })
}

fn fee_text(session: &Session, minor: i64) -> String {
    match Currency::parse(&session.clinic().currency) {
        Ok(currency) => Money::new(minor, currency).to_string(),
        Err(_) => minor.to_string(),
    }
}

const DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// 1 (Monday) to 7 for `mon`, `Monday`, `tues`…; at least three letters.
fn weekday(name: &str) -> anyhow::Result<u32> {
    let name = name.trim().to_ascii_lowercase();
    DAYS.iter()
        .position(|full| name.len() >= 3 && full.starts_with(&name))
        .and_then(|i| u32::try_from(i + 1).ok())
        .with_context(|| {
            format!("\"{name}\" is not a day; use mon, tue, wed, thu, fri, sat or sun")
        })
}

/// Weekdays (1 = Monday) named by `mon`, `mon-fri`, `mon,wed,sat-sun`; ranges may wrap
/// (`sat-mon`).
fn parse_days(text: &str) -> anyhow::Result<Vec<u32>> {
    let mut days = Vec::new();
    for part in text.split(',').filter(|p| !p.trim().is_empty()) {
        match part.split_once('-') {
            Some((from, to)) => {
                let (from, to) = (weekday(from)?, weekday(to)?);
                let mut day = from;
                loop {
                    days.push(day);
                    if day == to {
                        break;
                    }
                    day = day % 7 + 1;
                }
            }
            None => days.push(weekday(part)?),
        }
    }
    if days.is_empty() {
        bail!("say which days, e.g. mon-fri");
    }
    days.sort_unstable();
    days.dedup();
    Ok(days)
}

/// `mon-fri 09:00-12:30` → one block per weekday.
pub fn parse_block(text: &str, slot: u32, branch: &str) -> anyhow::Result<Vec<HoursInput>> {
    let bad =
        || format!("--block \"{text}\" is not `DAYS HH:MM-HH:MM`, e.g. \"mon-fri 09:00-12:30\"");
    let (days, times) = text
        .trim()
        .split_once(char::is_whitespace)
        .with_context(bad)?;
    let times = times.trim().replace(['–', '—'], "-");
    let (start, end) = times.split_once('-').with_context(bad)?;
    Ok(parse_days(days)
        .with_context(bad)?
        .into_iter()
        .map(|weekday| HoursInput {
            branch_code: branch.to_owned(),
            weekday,
            start: start.trim().to_owned(),
            end: end.trim().to_owned(),
            slot_minutes: slot,
        })
        .collect())
}

fn hhmm(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// One day's blocks as (start minute, end minute, slot minutes).
type DayBlocks = Vec<(u32, u32, u32)>;

/// Weekly hours in a line: `Mon–Fri 09:00–12:30, 13:30–17:00 (15 min); Sat 09:00–12:00 (15 min)`.
pub fn hours_text(blocks: &[HoursBlock]) -> String {
    if blocks.is_empty() {
        return "no weekly hours".to_owned();
    }
    // Group the days that share exactly the same blocks.
    let mut by_day: Vec<(u32, DayBlocks)> = Vec::new();
    for day in 1..=7 {
        let mut day_blocks: Vec<_> = blocks
            .iter()
            .filter(|b| b.weekday == day)
            .map(|b| (b.start_minute, b.end_minute, b.slot_minutes))
            .collect();
        day_blocks.sort_unstable();
        if !day_blocks.is_empty() {
            by_day.push((day, day_blocks));
        }
    }
    let mut groups: Vec<(Vec<u32>, DayBlocks)> = Vec::new();
    for (day, day_blocks) in by_day {
        match groups.iter_mut().find(|(_, b)| *b == day_blocks) {
            Some((days, _)) => days.push(day),
            None => groups.push((vec![day], day_blocks)),
        }
    }
    let title = |d: u32| {
        let name = DAYS[(d - 1) as usize];
        format!("{}{}", name[..1].to_uppercase(), &name[1..3])
    };
    groups
        .iter()
        .map(|(days, day_blocks)| {
            // Consecutive days collapse into a range: Mon–Fri.
            let mut runs: Vec<(u32, u32)> = Vec::new();
            for &d in days {
                match runs.last_mut() {
                    Some((_, end)) if *end + 1 == d => *end = d,
                    _ => runs.push((d, d)),
                }
            }
            let days = runs
                .iter()
                .map(|&(a, b)| {
                    if a == b {
                        title(a)
                    } else {
                        format!("{}–{}", title(a), title(b))
                    }
                })
                .collect::<Vec<_>>()
                .join(",");
            let times = day_blocks
                .iter()
                .map(|(s, e, _)| format!("{}–{}", hhmm(*s), hhmm(*e)))
                .collect::<Vec<_>>()
                .join(", ");
            let mut slots: Vec<u32> = day_blocks.iter().map(|b| b.2).collect();
            slots.dedup();
            let slots = slots
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join("/");
            format!("{days} {times} ({slots} min)")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_specs_cover_ranges_lists_and_wrapping() {
        assert_eq!(parse_days("mon-fri").unwrap(), [1, 2, 3, 4, 5]);
        assert_eq!(parse_days("mon,wed,sat-sun").unwrap(), [1, 3, 6, 7]);
        assert_eq!(parse_days("sat-mon").unwrap(), [1, 6, 7]);
        assert_eq!(parse_days("Tuesday").unwrap(), [2]);
        assert!(parse_days("monkey").is_err());
        assert!(parse_days("").is_err());
    }

    #[test]
    fn a_block_is_days_and_a_time_range() {
        let blocks = parse_block("mon-fri 09:00-12:30", 15, "BR01").unwrap();
        assert_eq!(blocks.len(), 5);
        assert_eq!(
            (blocks[0].start.as_str(), blocks[0].end.as_str()),
            ("09:00", "12:30")
        );
        assert_eq!(
            parse_block("sat 09:00–12:00", 20, "BR01").unwrap()[0].weekday,
            6
        );
        assert!(parse_block("09:00-12:00", 15, "BR01").is_err());
        assert!(parse_block("mon 09:00", 15, "BR01").is_err());
    }
}
