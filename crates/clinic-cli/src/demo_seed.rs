//! `clinic demo-seed`: fills a new workstation with a believable clinic for demos,
//! screenshots and benchmarks. Everything goes through the same core services as the
//! desk would use (users by the administrator, patients and bookings by the
//! receptionist), so the demo data carries the same audit trail and change log as real
//! data. The people come from `clinic_core::demo`, a pure function of the seed.

use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use chrono::{Datelike as _, Utc};
use clap::Args;
use clinic_core::demo::{self, Rng};
use clinic_core::frontdesk::doctors::Doctor;
use clinic_core::frontdesk::doctors::DoctorInput;
use clinic_core::ids::{AppointmentId, PatientId};
use clinic_core::{Code, NewUser, Role, Session, Workstation};
use zeroize::Zeroizing;

#[derive(Args)]
pub struct DemoSeedArgs {
    /// How many patients to register (imported in batches, one transaction each).
    #[arg(long)]
    patients: u64,
    /// Seed of the generator: the same seed gives the same patients on any workstation.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// How many days ahead to fill with appointments (0: none).
    #[arg(long, default_value_t = 30)]
    days: u32,
    /// Patients per import transaction.
    #[arg(long, default_value_t = 10_000)]
    batch: usize,
}

/// A demo staff member. Passwords are printed at the end: this is demo data.
struct Staff {
    username: &'static str,
    name: &'static str,
    role: Role,
    password: &'static str,
}

/// A demo doctor: the user, the profile and the weekly hours (`crate::doctor` syntax).
struct DemoDoctor {
    username: &'static str,
    name: &'static str,
    specialization: &'static str,
    licence: &'static str,
    fee_minor: i64,
    blocks: &'static [&'static str],
    slot: u32,
}

pub const RECEPTIONIST: &str = "reception";
const RECEPTION_PASSWORD: &str = "demo-frontdesk-2026";
const DOCTOR_PASSWORD: &str = "demo-doctor-2026";

const STAFF: &[Staff] = &[
    Staff {
        username: RECEPTIONIST,
        name: "Grace Njeri",
        role: Role::Receptionist,
        password: RECEPTION_PASSWORD,
    },
    Staff {
        username: "nurse.amina",
        name: "Amina Yusuf",
        role: Role::Nurse,
        password: "demo-nurse-2026",
    },
    Staff {
        username: "pharm.otieno",
        name: "Peter Otieno",
        role: Role::Pharmacist,
        password: "demo-pharmacist-2026",
    },
    Staff {
        username: "lab.chen",
        name: "Mei Chen",
        role: Role::LabTechnician,
        password: "demo-lab-2026",
    },
    Staff {
        username: "acc.kowalski",
        name: "Zofia Kowalski",
        role: Role::Accountant,
        password: "demo-accountant-2026",
    },
];

const DOCTORS: &[DemoDoctor] = &[
    DemoDoctor {
        username: "dr.okafor",
        name: "Dr Ngozi Okafor",
        specialization: "General practice",
        licence: "MP-1001",
        fee_minor: 2500,
        blocks: &[
            "mon-fri 08:30-12:30",
            "mon-fri 13:30-17:00",
            "sat 09:00-12:00",
        ],
        slot: 15,
    },
    DemoDoctor {
        username: "dr.alvarez",
        name: "Dr José Álvarez",
        specialization: "General practice",
        licence: "MP-1002",
        fee_minor: 2500,
        blocks: &["mon-fri 09:00-13:00", "mon-fri 14:00-18:00"],
        slot: 15,
    },
    DemoDoctor {
        username: "dr.mwangi",
        name: "Dr Wanjiru Mwangi",
        specialization: "Paediatrics",
        licence: "MP-1003",
        fee_minor: 3500,
        blocks: &["mon-fri 08:00-12:00", "mon-fri 13:00-16:00"],
        slot: 20,
    },
    DemoDoctor {
        username: "dr.nguyen",
        name: "Dr Linh Nguyen",
        specialization: "Obstetrics and gynaecology",
        licence: "MP-1004",
        fee_minor: 5000,
        blocks: &["mon,wed,fri 09:00-12:00", "mon,wed,fri 14:00-17:00"],
        slot: 30,
    },
    DemoDoctor {
        username: "dr.patel",
        name: "Dr Arjun Patel",
        specialization: "Cardiology",
        licence: "MP-1005",
        fee_minor: 7000,
        blocks: &["tue,thu 09:00-12:30", "tue,thu 13:30-16:00"],
        slot: 30,
    },
    DemoDoctor {
        username: "dr.muller",
        name: "Dr Zoë Müller",
        specialization: "Dermatology",
        licence: "MP-1006",
        fee_minor: 4500,
        blocks: &["mon-thu 10:00-13:00", "mon-thu 14:00-17:00"],
        slot: 20,
    },
    DemoDoctor {
        username: "dr.haddad",
        name: "Dr Omar Haddad",
        specialization: "Dentistry",
        licence: "MP-1007",
        fee_minor: 4000,
        blocks: &[
            "mon-fri 08:00-12:00",
            "mon-fri 13:00-17:00",
            "sat 09:00-13:00",
        ],
        slot: 30,
    },
];

const VISIT_REASONS: &[&str] = &[
    "Follow-up visit",
    "Fever and cough",
    "Blood pressure review",
    "Annual check-up",
    "Headache",
    "Back pain",
    "Skin rash",
    "Vaccination",
    "Antenatal visit",
    "Diabetes review",
    "Stomach pain",
    "Prescription renewal",
    "Sore throat",
    "Ear infection",
    "Lab results review",
];

const CANCEL_REASONS: &[&str] = &[
    "Patient called to cancel",
    "Patient is travelling",
    "Feeling better, no longer needed",
    "Booked by mistake",
    "Transport problems",
];

/// Of the slots a doctor has free in the coming days, the share booked on average
/// (percent); the first week is fuller than the last.
const TARGET_FILL: u64 = 55;

pub fn run(ws: &Workstation, mut admin: Session, args: &DemoSeedArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let existing = admin.list_users()?;
    let taken: Vec<&str> = existing
        .iter()
        .map(|u| u.username.as_str())
        .filter(|u| {
            STAFF.iter().any(|s| s.username == *u) || DOCTORS.iter().any(|d| d.username == *u)
        })
        .collect();
    if !taken.is_empty() {
        bail!(
            "this workstation already has demo users ({}): demo-seed fills a new workstation once; run `clinic init` in an empty directory first",
            taken.join(", ")
        );
    }

    eprintln!(
        "Adding {} staff accounts and {} doctors…",
        STAFF.len(),
        DOCTORS.len()
    );
    for s in STAFF {
        admin.create_user(&NewUser {
            display_name: s.name.to_owned(),
            password: Zeroizing::new(s.password.to_owned()),
            ..NewUser::new(s.username, s.role, "")
        })?;
    }
    let branch = admin.clinic().branch_code.clone();
    let mut doctors = Vec::new();
    for d in DOCTORS {
        admin.create_user(&NewUser {
            display_name: d.name.to_owned(),
            password: Zeroizing::new(DOCTOR_PASSWORD.to_owned()),
            ..NewUser::new(d.username, Role::Doctor, "")
        })?;
        let doctor = admin.add_doctor(&DoctorInput {
            username: d.username.to_owned(),
            specialization: d.specialization.to_owned(),
            licence_number: d.licence.to_owned(),
            phone: None,
            email: Some(format!(
                "{}@clinic.example.org",
                d.username.replace('.', "-")
            )),
            fee_minor: d.fee_minor,
        })?;
        let mut hours = Vec::new();
        for block in d.blocks {
            hours.extend(crate::doctor::parse_block(block, d.slot, &branch)?);
        }
        admin.set_doctor_hours(doctor.id, &hours)?;
        doctors.push(doctor);
    }
    let admin_name = admin.actor().username.clone();
    admin.sign_out()?;

    let mut desk = ws
        .unlock(RECEPTIONIST, RECEPTION_PASSWORD)
        .context("signing in as the demo receptionist")?;
    let patients = import_patients(&mut desk, args)?;
    let booked = if args.days > 0 && !patients.is_empty() {
        book_appointments(&mut desk, &doctors, &patients, args)?
    } else {
        Booked::default()
    };
    desk.sign_out()?;

    out!(
        "Demo clinic ready in {:.1} s: {} patients, {} doctors, {} appointments over the next {} days ({} confirmed, {} of them moved to a later day; {} checked in; {} cancelled).",
        started.elapsed().as_secs_f64(),
        patients.len(),
        doctors.len(),
        booked.total,
        args.days,
        booked.confirmed,
        booked.rescheduled,
        booked.checked_in,
        booked.cancelled
    );
    out!("");
    out!("Demo accounts (demo data only: change these before any real use):");
    out!(
        "  {:<14} {:<24} {:<14} PASSWORD",
        "USERNAME",
        "NAME",
        "ROLE"
    );
    out!(
        "  {:<14} {:<24} {:<14} (unchanged)",
        admin_name,
        "administrator",
        "admin"
    );
    for s in STAFF {
        out!(
            "  {:<14} {:<24} {:<14} {}",
            s.username,
            s.name,
            s.role.as_str(),
            s.password
        );
    }
    for d in DOCTORS {
        out!(
            "  {:<14} {:<24} {:<14} {}   (licence {}, {})",
            d.username,
            d.name,
            "doctor",
            DOCTOR_PASSWORD,
            d.licence,
            d.specialization
        );
    }
    Ok(())
}

fn import_patients(desk: &mut Session, args: &DemoSeedArgs) -> anyhow::Result<Vec<PatientId>> {
    let batch = args.batch.clamp(1, 100_000) as u64;
    let started = Instant::now();
    let mut last_report = Instant::now();
    let mut ids = Vec::with_capacity(usize::try_from(args.patients).unwrap_or(0));
    let mut start = 0;
    while start < args.patients {
        let end = (start + batch).min(args.patients);
        let inputs = demo::patients_range(args.seed, start..end);
        for p in desk.import_patients(&inputs)? {
            ids.push(p.id);
        }
        start = end;
        if last_report.elapsed() >= Duration::from_secs(2) || end == args.patients {
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "patients: {end}/{} in {secs:.1} s ({:.0}/s)",
                args.patients,
                end as f64 / secs.max(0.001)
            );
            last_report = Instant::now();
        }
    }
    Ok(ids)
}

#[derive(Default)]
struct Booked {
    total: usize,
    confirmed: usize,
    checked_in: usize,
    cancelled: usize,
    rescheduled: usize,
}

/// Books the coming `days` through the desk's own services. The core books only slots
/// that start after now (there is no booking the past), so the demo has no visit
/// history: it has a full diary ahead, with some cancellations and reschedules, and the
/// patients due in the next half hour already checked in.
fn book_appointments(
    desk: &mut Session,
    doctors: &[Doctor],
    patients: &[PatientId],
    args: &DemoSeedArgs,
) -> anyhow::Result<Booked> {
    let started = Instant::now();
    let today = desk.today()?;
    let mut free = Vec::new();
    for offset in 0..args.days {
        let day = today + chrono::Duration::days(i64::from(offset));
        for doctor in doctors {
            for slot in desk.free_slots(doctor.id, day)? {
                free.push((offset, doctor.id, slot.starts_at));
            }
        }
    }
    // A small clinic books about one visit per patient this month; a large one fills
    // its diary to the target and no further.
    let capacity = free.len() as u64;
    let wanted = (capacity * TARGET_FILL / 100).min(patients.len() as u64);
    let mut rng = Rng::new(args.seed ^ 0xA990_1A7E);
    let mut booked: Vec<(AppointmentId, chrono::DateTime<Utc>)> = Vec::new();
    let mut last_report = Instant::now();
    for (offset, doctor, starts_at) in &free {
        // Sooner days are fuller: the chance falls from about 1.5× to 0.5× the average.
        let nearness = 150 - 100 * u64::from(*offset) / u64::from(args.days.max(1));
        let chance = (wanted * nearness / capacity.max(1)).min(95);
        if rng.below(100) >= chance {
            continue;
        }
        let reason = *rng.pick(VISIT_REASONS);
        // A patient already booked at an overlapping time is refused by the core; try
        // someone else.
        for _ in 0..3 {
            let patient = *rng.pick(patients);
            match desk.book_appointment(patient, *doctor, *starts_at, Some(reason)) {
                Ok(a) => {
                    booked.push((a.id, *starts_at));
                    break;
                }
                Err(e) if e.code() == Code::SlotTaken => continue,
                Err(e) => return Err(e.into()),
            }
        }
        if last_report.elapsed() >= Duration::from_secs(2) {
            eprintln!(
                "appointments: {} booked, day {}/{}",
                booked.len(),
                offset + 1,
                args.days
            );
            last_report = Instant::now();
        }
    }

    let mut counts = Booked {
        total: booked.len(),
        ..Booked::default()
    };
    let now = desk.now();
    for (id, starts_at) in &booked {
        let roll = rng.below(100);
        if *starts_at <= now + chrono::Duration::minutes(30) {
            desk.check_in(*id)?;
            counts.checked_in += 1;
        } else if roll < 7 {
            let reason = *rng.pick(CANCEL_REASONS);
            desk.cancel_appointment(*id, reason)?;
            counts.cancelled += 1;
        } else if roll < 11 && reschedule_later(desk, *id, *starts_at, &mut rng)? {
            counts.rescheduled += 1;
        }
    }
    counts.confirmed = counts.total - counts.cancelled - counts.checked_in;
    eprintln!(
        "appointments: {} booked in {:.1} s",
        counts.total,
        started.elapsed().as_secs_f64()
    );
    Ok(counts)
}

/// Moves a booking to the same doctor's first free slot two to seven days later, as when
/// a patient calls to push it back. False if there is none in range.
fn reschedule_later(
    desk: &mut Session,
    id: AppointmentId,
    starts_at: chrono::DateTime<Utc>,
    rng: &mut Rng,
) -> anyhow::Result<bool> {
    let a = desk.appointment(id)?;
    let day = desk.clinic_time()?.date_of(starts_at)
        + chrono::Duration::days(i64::from(rng.between(2, 7)));
    for later in 0..7 {
        let day = day + chrono::Duration::days(later);
        if day.weekday() == chrono::Weekday::Sun {
            continue;
        }
        if let Some(slot) = desk.free_slots(a.doctor_id, day)?.into_iter().next() {
            return match desk.reschedule_appointment(id, None, slot.starts_at) {
                Ok(_) => Ok(true),
                Err(e) if e.code() == Code::SlotTaken => Ok(false),
                Err(e) => Err(e.into()),
            };
        }
    }
    Ok(false)
}
