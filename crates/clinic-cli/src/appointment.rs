//! `clinic appointment …`: free slots, booking and the day's flow (check in, complete,
//! no-show, cancel, reschedule). Times are typed and shown in clinic time; appointments
//! are named by their number as printed (`BR01-7KQ3M-000012`).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use anyhow::Context as _;
use clap::Subcommand;
use clinic_core::clock::to_db_time;
use clinic_core::frontdesk::appointments::{Appointment, Filter};
use clinic_core::ids::{DoctorId, PatientId, UserId};
use clinic_core::{ClinicTime, Session};

use crate::doctor::by_licence;
use crate::local_time;

#[derive(Subcommand)]
pub enum AppointmentCommand {
    /// A doctor's free slots on one day (clinic time), soonest first.
    Slots {
        /// The doctor's licence number (see `clinic doctor list`).
        #[arg(long)]
        licence: String,
        /// YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Book a free slot for a patient (held, then confirmed; the doctor is notified).
    Book {
        #[arg(long)]
        mrn: String,
        /// The doctor's licence number (see `clinic doctor list`).
        #[arg(long)]
        licence: String,
        /// Start of the slot: `YYYY-MM-DD HH:MM` in clinic time (as `slots` prints it).
        #[arg(long)]
        at: String,
        #[arg(long)]
        reason: Option<String>,
        /// Only hold the slot (for 5 minutes); confirm it with `appointment confirm`.
        #[arg(long)]
        hold: bool,
    },
    /// Confirm a held slot.
    Confirm { number: String },
    /// Cancel, with the reason (the doctor is notified).
    Cancel {
        number: String,
        #[arg(long)]
        reason: String,
    },
    /// Move to another slot (and possibly another doctor); the old booking is kept as
    /// rescheduled and the new one has its own number.
    Reschedule {
        number: String,
        /// The new start, `YYYY-MM-DD HH:MM` in clinic time.
        #[arg(long)]
        at: String,
        /// Another doctor's licence number (default: the same doctor).
        #[arg(long)]
        licence: Option<String>,
    },
    /// The patient has arrived.
    #[command(alias = "check-in")]
    Checkin { number: String },
    /// The consultation is over (doctors).
    Complete { number: String },
    /// The patient did not come.
    NoShow { number: String },
    /// Appointments of one day or more, by start time.
    ///
    /// Without --date: today, unless --mrn is given (then all of that patient's).
    List {
        /// First day, YYYY-MM-DD (clinic time).
        #[arg(long)]
        date: Option<String>,
        /// Number of days from --date.
        #[arg(long, default_value_t = 1)]
        days: u32,
        /// Only this doctor (licence number).
        #[arg(long)]
        licence: Option<String>,
        #[arg(long)]
        mrn: Option<String>,
        /// Only this status: held, confirmed, checked_in, completed, cancelled, no_show,
        /// rescheduled.
        #[arg(long)]
        status: Option<String>,
    },
    /// Every status an appointment went through, and who moved it.
    History { number: String },
}

pub fn run(session: &mut Session, command: AppointmentCommand) -> anyhow::Result<()> {
    let clinic = session.clinic_time()?;
    match command {
        AppointmentCommand::Slots { licence, date } => {
            let doctor = by_licence(session, &licence)?;
            let day = match date {
                Some(d) => local_time::parse_date(&d)?,
                None => session.today()?,
            };
            let slots = session.free_slots(doctor.id, day)?;
            if slots.is_empty() {
                eprintln!("{} has no free slot on {day}.", doctor.name);
            }
            for slot in slots {
                out!(
                    "{}  to {}",
                    clinic.show(slot.starts_at),
                    clinic
                        .show(slot.ends_at)
                        .split(' ')
                        .nth(1)
                        .unwrap_or_default()
                );
            }
        }
        AppointmentCommand::Book {
            mrn,
            licence,
            at,
            reason,
            hold,
        } => {
            let patient = session.patient_by_mrn(&mrn)?;
            let doctor = by_licence(session, &licence)?;
            let starts_at = local_time::parse(&clinic, &at)?;
            let a = if hold {
                session.hold_slot(patient.id, doctor.id, starts_at, reason.as_deref())?
            } else {
                session.book_appointment(patient.id, doctor.id, starts_at, reason.as_deref())?
            };
            out!(
                "Booked {}: {} {} ({}) with {} at {} ({})",
                a.number,
                patient.given_name,
                patient.family_name,
                patient.mrn,
                doctor.name,
                clinic.show_stored(&a.starts_at),
                status_text(&a)
            );
        }
        AppointmentCommand::Confirm { number } => {
            let a = by_number(session, &number)?;
            let a = session.confirm_appointment(a.id)?;
            report(&clinic, &a)?;
        }
        AppointmentCommand::Cancel { number, reason } => {
            let a = by_number(session, &number)?;
            let a = session.cancel_appointment(a.id, &reason)?;
            report(&clinic, &a)?;
        }
        AppointmentCommand::Reschedule {
            number,
            at,
            licence,
        } => {
            let a = by_number(session, &number)?;
            let doctor = licence
                .map(|l| by_licence(session, &l).map(|d| d.id))
                .transpose()?;
            let starts_at = local_time::parse(&clinic, &at)?;
            let new = session.reschedule_appointment(a.id, doctor, starts_at)?;
            out!(
                "Rescheduled {} to {}: {} ({})",
                a.number,
                new.number,
                clinic.show_stored(&new.starts_at),
                status_text(&new)
            );
        }
        AppointmentCommand::Checkin { number } => {
            let a = by_number(session, &number)?;
            let a = session.check_in(a.id)?;
            report(&clinic, &a)?;
        }
        AppointmentCommand::Complete { number } => {
            let a = by_number(session, &number)?;
            let a = session.complete_appointment(a.id)?;
            report(&clinic, &a)?;
        }
        AppointmentCommand::NoShow { number } => {
            let a = by_number(session, &number)?;
            let a = session.mark_no_show(a.id)?;
            report(&clinic, &a)?;
        }
        AppointmentCommand::List {
            date,
            days,
            licence,
            mrn,
            status,
        } => list(session, date, days, licence, mrn, status)?,
        AppointmentCommand::History { number } => {
            let a = by_number(session, &number)?;
            let names = user_names(session)?;
            for change in session.appointment_history(a.id)? {
                let who = change
                    .by_user
                    .parse::<UserId>()
                    .ok()
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or(change.by_user);
                out!(
                    "{}  {:<12} -> {:<12} by {}{}",
                    clinic.show_stored(&change.at),
                    change.from_status.as_deref().unwrap_or("(new)"),
                    change.to_status,
                    who,
                    change.note.map(|n| format!(" ({n})")).unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}

fn by_number(session: &mut Session, number: &str) -> anyhow::Result<Appointment> {
    Ok(session.appointment_by_number(number)?)
}

fn status_text(a: &Appointment) -> String {
    if a.provisional {
        format!("{}, provisional", a.status)
    } else {
        a.status.clone()
    }
}

fn report(clinic: &ClinicTime, a: &Appointment) -> anyhow::Result<()> {
    out!(
        "{} at {} is now {}.",
        a.number,
        clinic.show_stored(&a.starts_at),
        status_text(a)
    );
    Ok(())
}

fn list(
    session: &mut Session,
    date: Option<String>,
    days: u32,
    licence: Option<String>,
    mrn: Option<String>,
    status: Option<String>,
) -> anyhow::Result<()> {
    let mut filter = Filter {
        branch: None,
        status,
        ..Filter::default()
    };
    if let Some(licence) = licence {
        filter.doctor = Some(by_licence(session, &licence)?.id);
    }
    let mut patients: HashMap<PatientId, String> = HashMap::new();
    if let Some(mrn) = mrn {
        let p = session.patient_by_mrn(&mrn)?;
        patients.insert(
            p.id,
            format!("{} {} ({})", p.given_name, p.family_name, p.mrn),
        );
        filter.patient = Some(p.id);
    }
    let day = match date {
        Some(d) => Some(local_time::parse_date(&d)?),
        None if filter.patient.is_none() => Some(session.today()?),
        None => None,
    };
    let clinic = session.clinic_time()?;
    if let Some(day) = day {
        let (from, to) = clinic.days(day, days);
        filter.from = Some(to_db_time(from));
        filter.to = Some(to_db_time(to));
    }
    let doctors: HashMap<DoctorId, String> = session
        .doctors(None)?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let found = session.appointments(&filter)?;
    for a in &found {
        if let Entry::Vacant(name) = patients.entry(a.patient_id) {
            // Each look-up is an audited view of the patient's record, as on screen.
            let p = session
                .patient(a.patient_id)
                .context("reading a booked patient's record")?;
            name.insert(format!("{} {} ({})", p.given_name, p.family_name, p.mrn));
        }
        out!(
            "{:<20} {}  {:<24} {:<44} {:<11}{}",
            a.number,
            clinic.show_stored(&a.starts_at),
            doctors.get(&a.doctor_id).map_or("?", String::as_str),
            patients.get(&a.patient_id).map_or("?", String::as_str),
            a.status,
            if a.provisional { " provisional" } else { "" }
        );
    }
    if found.is_empty() {
        eprintln!("No appointments match.");
    }
    Ok(())
}

/// User names by id, for the history, when this user may list users (administrators);
/// otherwise the history shows ids, and "you" for this user's own changes.
fn user_names(session: &mut Session) -> anyhow::Result<HashMap<UserId, String>> {
    let me = session.actor().user;
    let mut names = HashMap::from([(me, format!("{} (you)", session.actor().username))]);
    if session.actor().role == clinic_core::Role::Admin {
        for user in session.list_users()? {
            names.entry(user.id).or_insert(user.username);
        }
    }
    Ok(names)
}
