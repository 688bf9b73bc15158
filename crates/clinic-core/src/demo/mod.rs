//! The demo clinic, one seeder for the desktop app (`CLINIC_DEMO=1`) and for
//! `clinic demo-seed`: a cast of staff and doctors, a register of patients, and bookings,
//! all made through the core's ordinary operations (users by the administrator, patients
//! and bookings by the receptionist), so demo data carries the same audit trail and
//! change log as real use.
//!
//! Invariants: the same [`Plan`] gives the same people on every machine (the generated
//! ones are a pure function of the seed, [`people`]); the seeder never books in the past
//! (the core refuses it) and never reads the wall clock (everything runs on the
//! workstation's injected clock); it refuses a workstation that already holds any of the
//! cast rather than mixing two demos. Every account shares [`PASSWORD`]: demo data only.

pub mod people;

pub use people::{Rng, allergies, patient, patients, patients_range};

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Datelike as _, Duration, Utc};

use crate::actor::Role;
use crate::clinic_time::ClinicTime;
use crate::clinical::allergies::AllergyInput;
use crate::clinical::diagnoses::DiagnosisInput;
use crate::clinical::notes::{NoteContent, NoteKind};
use crate::clinical::prescriptions::{DraftInput, ItemInput};
use crate::clinical::vitals::VitalsInput;
use crate::clock::Clock;
use crate::envelope::KdfParams;
use crate::error::{Code, Error, Result};
use crate::frontdesk::doctors::{Doctor, DoctorInput, HoursInput};
use crate::frontdesk::patients::PatientInput;
use crate::identity::NewUser;
use crate::ids::{AppointmentId, DiagnosisId, EncounterId, PatientId};
use crate::session::Session;
use crate::signin::setup::Setup;
use crate::workstation::Workstation;

/// Every demo account's password (the sign-in screen shows it in demo mode).
pub const PASSWORD: &str = "demo-clinic-2026";
/// The demo clinic the app sets up.
pub const CLINIC: &str = "Demo Clinic";
pub const TIME_ZONE: &str = "Africa/Nairobi";
pub const BRANCH_NAME: &str = "Riverside";
/// The administrator the app's demo is set up with (`clinic demo-seed` keeps whoever
/// ran `clinic init`).
pub const ADMIN: &str = "admin";
/// The receptionist, who registers the patients and books.
pub const FRONT_DESK: &str = "frontdesk";

/// A member of the demo cast.
#[derive(Debug, Clone, Copy)]
pub struct Staff {
    pub username: &'static str,
    pub name: &'static str,
    pub role: Role,
}

/// The staff other than doctors, in the order they are added.
pub const STAFF: &[Staff] = &[
    Staff {
        username: FRONT_DESK,
        name: "Grace Muthoni",
        role: Role::Receptionist,
    },
    Staff {
        username: "nurse.akinyi",
        name: "Nurse Akinyi",
        role: Role::Nurse,
    },
    Staff {
        username: "pharm.otieno",
        name: "Peter Otieno",
        role: Role::Pharmacist,
    },
    Staff {
        username: "lab.chen",
        name: "Mei Chen",
        role: Role::LabTechnician,
    },
    // A second lab technician, because a result is verified by someone other than the
    // one who entered it.
    Staff {
        username: "lab.owino",
        name: "Daniel Owino",
        role: Role::LabTechnician,
    },
    Staff {
        username: "acc.kowalski",
        name: "Zofia Kowalski",
        role: Role::Accountant,
    },
];

/// A demo doctor: the user, the profile and the office hours
/// (`(first weekday, last weekday, start, end)`, Monday = 1).
#[derive(Debug, Clone, Copy)]
pub struct DemoDoctor {
    pub username: &'static str,
    pub name: &'static str,
    pub specialization: &'static str,
    pub licence: &'static str,
    pub fee_minor: i64,
    pub office: &'static [(u32, u32, &'static str, &'static str)],
    pub slot_minutes: u32,
}

/// The doctors, in the order they are added; a plan takes the first few.
pub const DOCTORS: &[DemoDoctor] = &[
    DemoDoctor {
        username: "dr.wanjiru",
        name: "Dr Amina Wanjiru",
        specialization: "General practice",
        licence: "KMPDC-GP-1042",
        fee_minor: 150_000,
        office: &[
            (1, 5, "08:30", "12:30"),
            (1, 5, "13:30", "17:00"),
            (6, 6, "09:00", "12:00"),
        ],
        slot_minutes: 20,
    },
    DemoDoctor {
        username: "dr.kamau",
        name: "Dr Peter Kamau",
        specialization: "Paediatrics",
        licence: "KMPDC-PD-2210",
        fee_minor: 250_000,
        office: &[(1, 5, "08:00", "12:00"), (1, 5, "13:00", "16:00")],
        slot_minutes: 20,
    },
    DemoDoctor {
        username: "dr.odhiambo",
        name: "Dr Ruth Odhiambo",
        specialization: "General practice",
        licence: "KMPDC-GP-3377",
        fee_minor: 150_000,
        office: &[(1, 5, "09:00", "13:00"), (1, 5, "14:00", "18:00")],
        slot_minutes: 20,
    },
    DemoDoctor {
        username: "dr.nguyen",
        name: "Dr Linh Nguyen",
        specialization: "Obstetrics and gynaecology",
        licence: "KMPDC-OG-4120",
        fee_minor: 500_000,
        office: &[
            (1, 1, "09:00", "12:00"),
            (3, 3, "09:00", "12:00"),
            (5, 5, "14:00", "17:00"),
        ],
        slot_minutes: 30,
    },
    DemoDoctor {
        username: "dr.patel",
        name: "Dr Arjun Patel",
        specialization: "Cardiology",
        licence: "KMPDC-CA-5081",
        fee_minor: 700_000,
        office: &[(2, 2, "09:00", "12:30"), (4, 4, "13:30", "16:00")],
        slot_minutes: 30,
    },
    DemoDoctor {
        username: "dr.muller",
        name: "Dr Zoë Müller",
        specialization: "Dermatology",
        licence: "KMPDC-DE-6007",
        fee_minor: 450_000,
        office: &[(1, 4, "10:00", "13:00"), (1, 4, "14:00", "17:00")],
        slot_minutes: 20,
    },
    DemoDoctor {
        username: "dr.haddad",
        name: "Dr Omar Haddad",
        specialization: "Dentistry",
        licence: "KMPDC-DN-7311",
        fee_minor: 400_000,
        office: &[
            (1, 5, "08:00", "12:00"),
            (1, 5, "13:00", "17:00"),
            (6, 6, "09:00", "13:00"),
        ],
        slot_minutes: 30,
    },
];

/// When the demo's doctors work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hours {
    /// Each doctor's office hours (a believable diary).
    Office,
    /// Every doctor every hour of every day, so the app has free slots and a queue
    /// whenever it is opened. A real clinic sets its own hours.
    RoundTheClock,
}

/// What to seed.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Patients in all: the hand-written register first, then generated ones.
    pub patients: u64,
    /// Seed of the generated patients and of the bookings.
    pub seed: u64,
    /// Patients per import transaction.
    pub batch: usize,
    /// How many of [`DOCTORS`] to add (all when larger).
    pub doctors: usize,
    pub hours: Hours,
    /// Book today's queue: three patients on each of the first two doctors' next free
    /// slots today, the first of each checked in.
    pub queue_today: bool,
    /// Fill this many days ahead (from tomorrow) to about half the free slots, with some
    /// cancellations and reschedules (0: none).
    pub days: u32,
    /// Past visits of the hand-written patients, with vitals, signed notes and diagnoses
    /// (0: none). Seeded on the clock set back, most recent first.
    pub past_visits: usize,
}

impl Plan {
    /// The app's demo: a small clinic open round the clock with a queue at any hour.
    pub fn app() -> Self {
        Plan {
            patients: (KNOWN_PATIENTS.len() + 200) as u64,
            seed: 2026,
            batch: 10_000,
            doctors: 3,
            hours: Hours::RoundTheClock,
            queue_today: true,
            days: 0,
            past_visits: 12,
        }
    }

    /// `clinic demo-seed`: every doctor in office hours and a diary `days` ahead.
    pub fn office(patients: u64, seed: u64, days: u32) -> Self {
        Plan {
            patients,
            seed,
            batch: 10_000,
            doctors: DOCTORS.len(),
            hours: Hours::Office,
            queue_today: true,
            days,
            past_visits: 12,
        }
    }
}

/// What the seeder made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seeded {
    pub patients: usize,
    pub doctors: usize,
    pub booked: usize,
    pub confirmed: usize,
    pub checked_in: usize,
    pub cancelled: usize,
    pub rescheduled: usize,
    pub past_visits: usize,
    pub allergies: usize,
    /// Stock items the pharmacy was given, each with a delivered batch.
    pub stock_items: usize,
    /// Past visits' invoices the front desk issued (most paid, one in part).
    pub invoices: usize,
}

/// Progress lines for a long seed (patients imported, days booked).
pub type Progress<'a> = &'a mut dyn FnMut(&str);

/// The demo accounts a person signs in with, with their roles: the cast, then the
/// doctors the plan adds.
pub fn accounts(plan: &Plan) -> Vec<Staff> {
    let mut all = STAFF.to_vec();
    all.extend(DOCTORS.iter().take(plan.doctors).map(|d| Staff {
        username: d.username,
        name: d.name,
        role: Role::Doctor,
    }));
    all
}

/// Seeds `plan` into a workstation as its administrator `admin` (signed out at the end);
/// the receptionist then registers the patients and books.
pub fn seed(
    workstation: &Workstation,
    mut admin: Session,
    plan: &Plan,
    progress: Progress<'_>,
) -> Result<Seeded> {
    let cast = accounts(plan);
    let taken: Vec<String> = admin
        .list_users()?
        .into_iter()
        .map(|u| u.username)
        .filter(|u| cast.iter().any(|s| s.username == u))
        .collect();
    if !taken.is_empty() {
        return Err(Error::validation(
            "workstation",
            format!(
                "this workstation already has demo users ({}): the demo fills a new workstation once; set up one in an empty directory first",
                taken.join(", ")
            ),
        ));
    }
    for s in &cast {
        let mut new = NewUser::new(s.username, s.role, PASSWORD);
        new.display_name = s.name.into();
        admin.create_user(&new)?;
    }
    let branch = admin.clinic().branch_code.clone();
    let mut doctors = Vec::new();
    for d in DOCTORS.iter().take(plan.doctors) {
        let doctor = admin.add_doctor(&DoctorInput {
            username: d.username.into(),
            specialization: d.specialization.into(),
            licence_number: d.licence.into(),
            phone: None,
            email: Some(format!(
                "{}@clinic.example.org",
                d.username.replace('.', "-")
            )),
            fee_minor: d.fee_minor,
        })?;
        admin.set_doctor_hours(doctor.id, &hours(d, plan.hours, &branch))?;
        doctors.push(doctor);
    }
    price_list(&mut admin)?;
    admin.sign_out()?;

    let mut desk = workstation.sign_in(FRONT_DESK, PASSWORD, None)?;
    let patients = import(&mut desk, plan, progress)?;
    let mut seeded = Seeded {
        patients: patients.len(),
        doctors: doctors.len(),
        ..Seeded::default()
    };
    seeded.allergies = record_allergies(workstation, &patients, plan)?;
    if plan.past_visits > 0 && plan.doctors > 0 {
        seeded.past_visits = past_visits(workstation, &patients, plan.past_visits)?;
    }
    seeded.stock_items = stock_pharmacy(workstation)?;
    seeded.invoices = bill_past_visits(workstation)?;
    if !patients.is_empty() {
        let mut rng = Rng::new(plan.seed ^ 0xA990_1A7E);
        if plan.queue_today {
            queue_today(&mut desk, &doctors, &patients, &mut seeded)?;
        }
        if plan.days > 0 {
            diary(
                &mut desk,
                &doctors,
                &patients,
                plan,
                &mut rng,
                &mut seeded,
                progress,
            )?;
        }
    }
    seeded.confirmed = seeded.booked - seeded.cancelled - seeded.checked_in;
    desk.sign_out()?;
    Ok(seeded)
}

/// Sets up the app's demo clinic in `dir` when it holds no workstation yet, returning
/// whether it made one. Every session it opens is closed again: people sign in with
/// [`accounts`].
///
/// The core books only slots that have not begun, so late in the day the clinic is
/// seeded on the injected clock set back to leave room before the day ends: today still
/// has slots to book, the first of them just past. Everything is seeded on that one
/// clock, so the demo's history reads in order.
pub fn set_up_app_demo(dir: &Path, clock: Arc<dyn Clock>, kdf: KdfParams) -> Result<bool> {
    if Workstation::exists(dir) {
        return Ok(false);
    }
    let clinic_time = ClinicTime::parse(TIME_ZONE)?;
    let now = clock.now();
    let latest = clinic_time.days(clinic_time.date_of(now), 1).1 - QUEUE_ROOM;
    let clock: Arc<dyn Clock> = Arc::new(SetBack {
        by: (now - latest).max(Duration::zero()),
        clock,
    });
    let mut setup = Setup::new(CLINIC, ADMIN, PASSWORD);
    setup.time_zone = TIME_ZONE.into();
    setup.currency = "KES".into();
    setup.branch_name = BRANCH_NAME.into();
    setup.admin_display_name = "Clinic administrator".into();
    let init = Workstation::init(dir, &setup, clock, kdf)?;
    seed(&init.workstation, init.session, &Plan::app(), &mut |_| {})?;
    Ok(true)
}

/// The latest the app's demo is seeded before its day ends: room for three 20-minute
/// slots after the seconds that seeding itself takes.
const QUEUE_ROOM: Duration = Duration::minutes(90);

/// The injected clock set back by a fixed amount.
struct SetBack {
    clock: Arc<dyn Clock>,
    by: Duration,
}

impl Clock for SetBack {
    fn now(&self) -> DateTime<Utc> {
        self.clock.now() - self.by
    }
}

fn hours(d: &DemoDoctor, hours: Hours, branch: &str) -> Vec<HoursInput> {
    let block = |weekday: u32, start: &str, end: &str| HoursInput {
        branch_code: branch.to_owned(),
        weekday,
        start: start.to_owned(),
        end: end.to_owned(),
        slot_minutes: d.slot_minutes,
    };
    match hours {
        Hours::RoundTheClock => (1..=7).map(|day| block(day, "00:00", "24:00")).collect(),
        Hours::Office => d
            .office
            .iter()
            .flat_map(|&(first, last, start, end)| {
                (first..=last).map(move |day| block(day, start, end))
            })
            .collect(),
    }
}

fn import(desk: &mut Session, plan: &Plan, progress: Progress<'_>) -> Result<Vec<PatientId>> {
    let known = known_patients();
    let total = plan.patients;
    let mut ids = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    let first = known
        .len()
        .min(usize::try_from(total).unwrap_or(usize::MAX));
    for p in desk.import_patients(&known[..first])? {
        ids.push(p.id);
    }
    let generated = total.saturating_sub(first as u64);
    let batch = plan.batch.clamp(1, 100_000) as u64;
    let mut start = 0;
    while start < generated {
        let end = (start + batch).min(generated);
        for p in desk.import_patients(&patients_range(plan.seed, start..end))? {
            ids.push(p.id);
        }
        start = end;
        progress(&format!("patients: {}/{total}", ids.len()));
    }
    Ok(ids)
}

/// Three bookings on each of the first two doctors' next free slots today, the first one
/// checked in.
fn queue_today(
    desk: &mut Session,
    doctors: &[Doctor],
    patients: &[PatientId],
    seeded: &mut Seeded,
) -> Result<()> {
    const REASONS: [&str; 3] = ["Check-up", "Follow-up visit", "Fever and cough"];
    let today = desk.today()?;
    for (i, doctor) in doctors.iter().take(2).enumerate() {
        let slots = desk.free_slots(doctor.id, today)?;
        for (j, slot) in slots.iter().take(3).enumerate() {
            let Some(patient) = patients.get(i * 3 + j) else {
                break;
            };
            let booked =
                desk.book_appointment(*patient, doctor.id, slot.starts_at, Some(REASONS[j]))?;
            seeded.booked += 1;
            if j == 0 {
                desk.check_in(booked.id)?;
                seeded.checked_in += 1;
            }
        }
    }
    Ok(())
}

/// Of the slots a doctor has free in the coming days, the share booked on average
/// (percent); the first week is fuller than the last.
const TARGET_FILL: u64 = 55;

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

/// Books the coming days (from tomorrow) through the desk's own operations: mostly
/// confirmed, some cancelled or moved to a later day.
fn diary(
    desk: &mut Session,
    doctors: &[Doctor],
    patients: &[PatientId],
    plan: &Plan,
    rng: &mut Rng,
    seeded: &mut Seeded,
    progress: Progress<'_>,
) -> Result<()> {
    let today = desk.today()?;
    let mut free = Vec::new();
    for offset in 1..=plan.days {
        let day = today + Duration::days(i64::from(offset));
        for doctor in doctors {
            for slot in desk.free_slots(doctor.id, day)? {
                free.push((offset, doctor.id, slot.starts_at));
            }
        }
    }
    // A small clinic books about one visit per patient this month; a large one fills its
    // diary to the target and no further.
    let capacity = free.len() as u64;
    let wanted = (capacity * TARGET_FILL / 100).min(patients.len() as u64);
    let mut booked: Vec<(AppointmentId, DateTime<Utc>)> = Vec::new();
    let mut last_day = 0;
    for (offset, doctor, starts_at) in &free {
        // Sooner days are fuller: the chance falls from about 1.5x to 0.5x the average.
        let nearness = 150 - 100 * u64::from(*offset - 1) / u64::from(plan.days.max(1));
        let chance = (wanted * nearness / capacity.max(1)).min(95);
        if rng.below(100) >= chance {
            continue;
        }
        let reason = *rng.pick(VISIT_REASONS);
        // A patient already booked at an overlapping time is refused; try someone else.
        for _ in 0..3 {
            let patient = *rng.pick(patients);
            match desk.book_appointment(patient, *doctor, *starts_at, Some(reason)) {
                Ok(a) => {
                    booked.push((a.id, *starts_at));
                    break;
                }
                Err(e) if e.code() == Code::SlotTaken => continue,
                Err(e) => return Err(e),
            }
        }
        if *offset != last_day {
            last_day = *offset;
            progress(&format!(
                "appointments: {} booked, day {offset}/{}",
                booked.len(),
                plan.days
            ));
        }
    }
    seeded.booked += booked.len();
    for (id, starts_at) in &booked {
        let roll = rng.below(100);
        if roll < 7 {
            let reason = *rng.pick(CANCEL_REASONS);
            desk.cancel_appointment(*id, reason)?;
            seeded.cancelled += 1;
        } else if roll < 11 && reschedule_later(desk, *id, *starts_at, rng)? {
            seeded.rescheduled += 1;
        }
    }
    Ok(())
}

/// Moves a booking to the same doctor's first free slot two to seven days later, as when
/// a patient calls to push it back. False if there is none in range.
fn reschedule_later(
    desk: &mut Session,
    id: AppointmentId,
    starts_at: DateTime<Utc>,
    rng: &mut Rng,
) -> Result<bool> {
    let a = desk.appointment(id)?;
    let day = desk.clinic_time()?.date_of(starts_at) + Duration::days(i64::from(rng.between(2, 7)));
    for later in 0..7 {
        let day = day + Duration::days(later);
        if day.weekday() == chrono::Weekday::Sun {
            continue;
        }
        if let Some(slot) = desk.free_slots(a.doctor_id, day)?.into_iter().next() {
            return match desk.reschedule_appointment(id, None, slot.starts_at) {
                Ok(_) => Ok(true),
                Err(e) if e.code() == Code::SlotTaken => Ok(false),
                Err(e) => Err(e),
            };
        }
    }
    Ok(false)
}

/// How many generated patients have their allergies recorded (a nurse does it one by
/// one, as in the chart; a million-patient seed would take hours).
const ALLERGY_PATIENTS: usize = 300;

/// The nurse records the allergies the patients report: penicillin for every fifth of
/// the hand-written register, and what the generator gives the first generated ones.
fn record_allergies(
    workstation: &Workstation,
    patients: &[PatientId],
    plan: &Plan,
) -> Result<usize> {
    let known = KNOWN_PATIENTS.len().min(patients.len());
    let mut nurse = workstation.sign_in("nurse.akinyi", PASSWORD, None)?;
    let mut made = 0;
    for (i, patient) in patients.iter().enumerate().take(known + ALLERGY_PATIENTS) {
        let reported: Vec<String> = if i < known {
            if i % 5 == 0 {
                vec!["Penicillin".into()]
            } else {
                Vec::new()
            }
        } else {
            allergies(plan.seed, (i - known) as u64)
        };
        for (k, substance) in reported.into_iter().enumerate() {
            nurse.add_allergy(
                *patient,
                &AllergyInput {
                    substance,
                    reaction: Some(["Rash", "Hives", "Swelling of the lips"][(i + k) % 3].into()),
                    severity: Some(["moderate", "mild", "severe"][(i + k) % 3].into()),
                    ..AllergyInput::default()
                },
            )?;
            made += 1;
        }
    }
    nurse.lock();
    Ok(made)
}

/// A past visit's story: reason, SOAP note, vitals, its diagnosis (an ICD-10-CM code,
/// chronic or not) and the drug prescribed for it, if any.
struct Story {
    reason: &'static str,
    soap: [&'static str; 4],
    vitals: VitalsInput,
    code: &'static str,
    chronic: bool,
    rx: Option<StoryRx>,
}

/// One catalogue drug as the story's doctor writes it.
struct StoryRx {
    drug: &'static str,
    strength: &'static str,
    dose: &'static str,
    frequency: &'static str,
    days: i64,
    instructions: Option<&'static str>,
}

impl StoryRx {
    fn item(&self) -> ItemInput {
        ItemInput {
            drug: Some(self.drug.into()),
            strength: Some(self.strength.into()),
            dose: self.dose.into(),
            frequency: self.frequency.into(),
            duration_days: Some(self.days),
            instructions: self.instructions.map(str::to_owned),
            ..ItemInput::default()
        }
    }
}

fn stories() -> Vec<Story> {
    let v = |systolic, diastolic, pulse, temp: f64, spo2, weight: f64| VitalsInput {
        systolic: Some(systolic),
        diastolic: Some(diastolic),
        pulse: Some(pulse),
        temperature_c: Some(temp),
        spo2: Some(spo2),
        weight_kg: Some(weight),
        height_cm: Some(168.0),
        ..VitalsInput::default()
    };
    vec![
        Story {
            reason: "Blood pressure review",
            soap: [
                "Occasional morning headaches. Taking amlodipine 5 mg daily.",
                "BP raised on two readings. Heart sounds normal, no oedema.",
                "Essential hypertension, not at target.",
                "Increase amlodipine to 10 mg daily. Salt reduction. Review in 4 weeks.",
            ],
            vitals: v(152, 96, 78, 36.7, 98, 84.0),
            code: "I10",
            chronic: true,
            rx: Some(StoryRx {
                drug: "amlodipine",
                strength: "10 mg",
                dose: "1 tablet",
                frequency: "od",
                days: 28,
                instructions: None,
            }),
        },
        Story {
            reason: "Diabetes review",
            soap: [
                "Thirst improved since starting metformin. No hypoglycaemia.",
                "Feet: pulses present, sensation intact. HbA1c 7.4%.",
                "Type 2 diabetes, fair control.",
                "Continue metformin 500 mg twice daily. Diet advice. HbA1c in 3 months.",
            ],
            vitals: v(134, 84, 74, 36.6, 97, 91.0),
            code: "E11.9",
            chronic: true,
            rx: Some(StoryRx {
                drug: "metformin",
                strength: "500 mg",
                dose: "1 tablet",
                frequency: "bd",
                days: 90,
                instructions: Some("Take with meals"),
            }),
        },
        Story {
            reason: "Fever and cough",
            soap: [
                "Three days of cough, sore throat and fever. No breathlessness.",
                "Throat red, chest clear, no rash.",
                "Acute upper respiratory infection.",
                "Paracetamol, fluids, rest. Return if breathless or fever beyond 5 days.",
            ],
            vitals: v(118, 76, 96, 38.2, 97, 62.0),
            code: "J06.9",
            chronic: false,
            rx: None,
        },
        Story {
            reason: "Wheeze at night",
            soap: [
                "Night-time wheeze twice a week, worse with dust.",
                "Scattered wheeze, no distress. Peak flow 80% of predicted.",
                "Asthma, partly controlled.",
                "Inhaler technique checked. Start low-dose inhaled steroid. Review in 6 weeks.",
            ],
            vitals: v(122, 78, 88, 36.8, 95, 58.0),
            code: "J45.909",
            chronic: true,
            rx: None,
        },
        Story {
            reason: "Back pain",
            soap: [
                "Low back pain for a week after lifting. No leg weakness or numbness.",
                "Paraspinal tenderness, straight-leg raise negative.",
                "Mechanical low back pain.",
                "Ibuprofen with food for 5 days, keep moving, physiotherapy leaflet.",
            ],
            vitals: VitalsInput {
                pain: Some(6),
                ..v(126, 80, 80, 36.6, 98, 77.0)
            },
            code: "M54.50",
            chronic: false,
            rx: Some(StoryRx {
                drug: "ibuprofen",
                strength: "400 mg",
                dose: "1 tablet",
                frequency: "tds",
                days: 5,
                instructions: Some("Take with food"),
            }),
        },
        Story {
            reason: "Diarrhoea and vomiting",
            soap: [
                "Two days of watery diarrhoea and vomiting; others at home unwell.",
                "Mildly dry, abdomen soft, non-tender.",
                "Infectious gastroenteritis.",
                "Oral rehydration salts, zinc, return if blood in stool or unable to drink.",
            ],
            vitals: v(112, 70, 102, 37.9, 98, 66.0),
            code: "A09",
            chronic: false,
            rx: None,
        },
    ]
}

/// A clock some time before the one it wraps, moved by the seeder.
struct Earlier {
    clock: Arc<dyn Clock>,
    by_ms: std::sync::atomic::AtomicI64,
}

impl Clock for Earlier {
    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
            - Duration::milliseconds(self.by_ms.load(std::sync::atomic::Ordering::SeqCst))
    }
}

/// Seeds `count` past visits of the hand-written patients on the workstation's clock set
/// back, most recent first (moving a session's clock back never idles it out, and each
/// visit takes less than the idle limit): the
/// nurse takes vitals, the doctor writes a SOAP note (revising some), signs it, records
/// the diagnosis and completes the visit; one note gets an addendum, one visit a scanned
/// referral letter.
fn past_visits(workstation: &Workstation, patients: &[PatientId], count: usize) -> Result<usize> {
    let real = workstation.clock_handle();
    let clock = Arc::new(Earlier {
        clock: real.clone(),
        by_ms: std::sync::atomic::AtomicI64::new(0),
    });
    let tz = {
        let desk = workstation.sign_in(FRONT_DESK, PASSWORD, None)?;
        let tz = desk.clinic_time()?;
        desk.lock();
        tz
    };
    let back = workstation.with_clock(clock.clone());
    let today = tz.date_of(real.now());
    let set = |days_ago: i64, minute: i64| {
        let day = today - Duration::days(days_ago);
        let at = tz.day_start(day) + Duration::hours(9) + Duration::minutes(minute);
        clock.by_ms.store(
            (real.now() - at).num_milliseconds().max(0),
            std::sync::atomic::Ordering::SeqCst,
        );
    };
    let stories = stories();
    let people = patients.len().min(KNOWN_PATIENTS.len()).min(6);
    if people == 0 {
        return Ok(0);
    }
    set(3, 0);
    let mut doctor = back.sign_in(DOCTORS[0].username, PASSWORD, None)?;
    let mut nurse = back.sign_in("nurse.akinyi", PASSWORD, None)?;
    let mut made = 0;
    for k in 0..count {
        let patient = patients[k % people];
        let story = &stories[(k * 5 + k / people) % stories.len()];
        // Most recent first: three days ago, then every nine days further back.
        let days_ago = 3 + 9 * i64::try_from(k).unwrap_or(0);
        set(days_ago, 0);
        let visit = doctor.open_walk_in(patient, story.reason)?;
        set(days_ago, 2);
        nurse.record_vitals(patient, Some(visit.id), &story.vitals)?;
        set(days_ago, 4);
        let [subjective, objective, assessment, plan] = story.soap;
        let mut content = NoteContent {
            subjective: subjective.into(),
            objective: objective.into(),
            assessment: assessment.into(),
            plan: plan.into(),
            body: String::new(),
        };
        let note = doctor.write_note(visit.id, NoteKind::Soap, &content)?;
        if k % 3 == 0 {
            set(days_ago, 6);
            content.plan.push_str(" Patient given written advice.");
            doctor.revise_note(note.id, &content)?;
        }
        set(days_ago, 7);
        doctor.sign_note(note.id)?;
        let diagnosis = doctor.add_diagnosis(
            patient,
            Some(visit.id),
            &DiagnosisInput {
                code: Some(story.code.into()),
                primary: true,
                chronic: story.chronic,
                ..DiagnosisInput::default()
            },
        )?;
        if let Some(rx) = &story.rx {
            set(days_ago, 8);
            prescribe(&mut doctor, patient, visit.id, diagnosis.id, rx)?;
        }
        if k == 0 {
            set(days_ago, 8);
            nurse.add_attachment(
                patient,
                Some(visit.id),
                "referral-letter.pdf",
                Some("Referral letter from the district hospital"),
                &letter_pdf(&[
                    "District Hospital - Outpatients",
                    "Referral letter",
                    "",
                    "Reason: blood pressure above target on three visits.",
                    "Please review treatment and repeat renal function.",
                    "Signed: Dr M. Achieng, Physician",
                ]),
            )?;
        }
        if k == 1 {
            set(days_ago, 9);
            doctor.add_addendum(
                note.id,
                "Results reviewed by telephone: no change to the plan.",
            )?;
        }
        doctor.complete_visit(visit.id)?;
        made += 1;
    }
    doctor.lock();
    nurse.lock();
    Ok(made)
}

/// The demo's price list: services the desk adds to an invoice, and one price per
/// line category whose tax rate a visit's draft uses (no tax on care in the demo).
fn price_list(admin: &mut Session) -> Result<()> {
    use crate::billing::invoices::PriceItem;
    for (code, name, category, price_minor) in [
        ("CONSULTATION", "Consultation (tax rate)", "consultation", 0),
        ("LAB", "Laboratory (tax rate)", "lab", 0),
        ("PHARMACY", "Pharmacy (tax rate)", "pharmacy", 0),
        ("DRESS", "Wound dressing", "procedure", 150_000),
        ("INJ", "Injection given", "procedure", 50_000),
        ("ECG", "Electrocardiogram", "service", 300_000),
        ("NEB", "Nebulisation", "service", 80_000),
        ("CERT", "Medical certificate copy", "other", 20_000),
    ] {
        admin.set_price(&PriceItem {
            id: String::new(),
            code: code.into(),
            name: name.into(),
            category: category.into(),
            price_minor,
            tax_bp: 0,
            active: true,
        })?;
    }
    Ok(())
}

/// The front desk bills the past visits: every draft but the newest is issued, and all
/// but one of those paid (cash, card or mobile money), that one in part, so the cash-up,
/// the month and the outstanding list have something to show.
fn bill_past_visits(workstation: &Workstation) -> Result<usize> {
    use crate::billing::invoices::PaymentInput;
    let mut desk = workstation.sign_in(FRONT_DESK, PASSWORD, None)?;
    let drafts: Vec<_> = desk
        .open_invoices()?
        .into_iter()
        .filter(|v| v.invoice.status == "draft" && !v.lines.is_empty())
        .collect();
    let mut issued = 0;
    for (i, draft) in drafts.iter().enumerate().skip(1) {
        let view = desk.issue_invoice(&draft.invoice.id)?;
        issued += 1;
        let method = ["cash", "card", "mobile_money"][i % 3];
        let amount_minor = if i == 1 {
            view.totals.total_minor / 2
        } else {
            view.totals.total_minor
        };
        if amount_minor > 0 {
            desk.record_payment(
                &draft.invoice.id,
                &PaymentInput {
                    method: method.into(),
                    amount_minor,
                    reference: (method != "cash").then(|| format!("DEMO-{i:04}")),
                    ..PaymentInput::default()
                },
            )?;
        }
    }
    desk.sign_out()?;
    Ok(issued)
}

/// What the demo pharmacy stocks: (drug, strength, form, unit, reorder level, price,
/// over the counter, batch, units, days to expiry, cost).
#[allow(clippy::type_complexity)]
const STOCK: &[(&str, &str, &str, &str, i64, i64, bool, &str, i64, i64, i64)] = &[
    // 120 on a reorder level of 100: the queue's amlodipine prescription (28) runs it low.
    (
        "amlodipine",
        "10 mg",
        "tablet",
        "tablet",
        100,
        1000,
        false,
        "AML-2407",
        120,
        420,
        600,
    ),
    (
        "metformin",
        "500 mg",
        "tablet",
        "tablet",
        200,
        500,
        false,
        "MET-118",
        600,
        540,
        250,
    ),
    (
        "ibuprofen",
        "400 mg",
        "tablet",
        "tablet",
        50,
        800,
        true,
        "IBU-33",
        60,
        300,
        300,
    ),
    (
        "paracetamol",
        "500 mg",
        "tablet",
        "tablet",
        100,
        300,
        true,
        "PCM-77",
        500,
        700,
        100,
    ),
    (
        "amoxicillin",
        "500 mg",
        "capsule",
        "capsule",
        60,
        1500,
        false,
        "AMX-12",
        84,
        365,
        900,
    ),
];

/// Stocks the demo pharmacy: the items the past visits prescribe and two over the
/// counter, one delivery, and a metformin batch that expires within two months (so the
/// pharmacist sees an expiry alert).
fn stock_pharmacy(workstation: &Workstation) -> Result<usize> {
    use crate::pharmacy::stock::{Delivery, ItemInput as StockItemInput, ReceiveLine};
    let Some(pharmacist) = STAFF.iter().find(|s| s.role == Role::Pharmacist) else {
        return Ok(0);
    };
    let mut pharm = workstation.sign_in(pharmacist.username, PASSWORD, None)?;
    let today = pharm.today()?;
    let mut lines = Vec::new();
    for &(drug, strength, form, unit, reorder_level, price_minor, otc, batch, units, days, cost) in
        STOCK
    {
        let item = pharm.add_stock_item(&StockItemInput {
            drug: Some(drug.into()),
            strength: Some(strength.into()),
            form: Some(form.into()),
            unit: unit.into(),
            reorder_level,
            price_minor,
            otc,
            ..StockItemInput::default()
        })?;
        let expiry = |days: i64| {
            (today + Duration::days(days))
                .format("%Y-%m-%d")
                .to_string()
        };
        lines.push(ReceiveLine {
            item: item.id,
            batch_number: batch.into(),
            expiry_date: expiry(days),
            quantity: units,
            cost_minor: cost,
            location: Some(format!("Shelf {}", drug[..1].to_ascii_uppercase())),
        });
        if drug == "metformin" {
            lines.push(ReceiveLine {
                item: item.id,
                batch_number: "MET-090".into(),
                expiry_date: expiry(45),
                quantity: 40,
                cost_minor: cost,
                location: Some("Shelf M".into()),
            });
        }
    }
    pharm.receive_stock(&Delivery {
        supplier: "Riverside Pharmaceuticals Ltd".into(),
        reference: "DN-2026-0412".into(),
        lines,
    })?;
    pharm.sign_out()?;
    Ok(STOCK.len())
}

/// Writes and issues the story's prescription for the visit (numbered and audited as any
/// other). A patient seen twice for the same story is still taking the first one, so the
/// duplicate warning is overridden as a doctor continuing treatment would.
fn prescribe(
    doctor: &mut Session,
    patient: PatientId,
    visit: EncounterId,
    diagnosis: DiagnosisId,
    rx: &StoryRx,
) -> Result<()> {
    let draft = doctor.new_prescription(
        patient,
        &DraftInput {
            encounter: Some(visit),
            diagnosis: Some(diagnosis),
            follow_up: None,
        },
    )?;
    doctor.add_prescription_item(draft.id, &rx.item())?;
    let serious = doctor
        .check_prescription(draft.id)?
        .iter()
        .any(|w| w.is_serious());
    let reason = serious.then_some("Continuing the current treatment, reviewed today");
    doctor.issue_prescription(draft.id, reason)?;
    Ok(())
}

/// A one-page PDF letter with `lines` of text (the demo's scanned document). Built by
/// hand: a catalogue, one page, a standard font, one text stream, and the cross-reference
/// table with each object's byte offset.
fn letter_pdf(lines: &[&str]) -> Vec<u8> {
    let escape = |t: &str| {
        t.replace('\\', "\\\\")
            .replace('(', "\\(")
            .replace(')', "\\)")
    };
    let mut text = String::from("BT /F1 14 Tf 72 770 Td");
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            text.push_str(" 0 -22 Td");
        }
        text.push_str(&format!(" ({}) Tj", escape(line)));
    }
    text.push_str(" ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{body}\nendobj\n", i + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for offset in offsets {
        pdf.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.into_bytes()
}

/// The hand-written register every demo starts with (the flows and screenshots look for
/// some of them by name): given, family, born, sex, phone.
const KNOWN_PATIENTS: &[(&str, &str, &str, &str, &str)] = &[
    ("Amani", "Njoroge", "1985-03-14", "male", "0712 345 678"),
    ("Wanjiku", "Mwangi", "1992-07-02", "female", "0722 118 904"),
    ("Baraka", "Otieno", "2016-11-23", "male", "0733 402 611"),
    (
        "Achieng",
        "Odhiambo",
        "1978-01-30",
        "female",
        "0701 556 230",
    ),
    ("Kipchoge", "Rotich", "1969-09-05", "male", "0711 908 442"),
    (
        "Nyambura",
        "Kariuki",
        "2001-05-19",
        "female",
        "0745 220 117",
    ),
    ("Juma", "Hassan", "1958-12-08", "male", "0790 334 876"),
    ("Fatuma", "Ali", "1995-02-27", "female", "0726 771 093"),
    ("Otieno", "Ouma", "2019-08-11", "male", "0768 145 902"),
    ("Anna", "Kamau", "1988-04-22", "female", "0714 667 380"),
    ("Anne", "Wambui", "1990-10-03", "female", "0729 903 551"),
    ("Annette", "Chebet", "1974-06-16", "female", "0708 412 996"),
    ("Brian", "Kiprono", "2009-03-01", "male", "0757 218 640"),
    ("Mercy", "Atieno", "1999-12-24", "female", "0731 585 207"),
    ("Daniel", "Mutua", "1981-08-30", "male", "0719 046 338"),
    ("Esther", "Naliaka", "1963-02-12", "female", "0740 673 115"),
    ("Hassan", "Abdi", "2012-07-07", "male", "0795 381 724"),
    ("Grace", "Wairimu", "1997-11-15", "female", "0723 550 862"),
];

fn known_patients() -> Vec<PatientInput> {
    const BLOOD: [&str; 4] = ["O+", "A+", "B+", "AB-"];
    KNOWN_PATIENTS
        .iter()
        .enumerate()
        .map(|(i, (given, family, born, sex, phone))| PatientInput {
            given_name: (*given).into(),
            family_name: (*family).into(),
            date_of_birth: (*born).into(),
            sex: (*sex).into(),
            phone: Some((*phone).into()),
            email: None,
            address: Some(format!("{} Riverside Drive, Nairobi", 10 + i * 7)),
            blood_group: Some(BLOOD[i % BLOOD.len()].into()),
            emergency_contact_name: None,
            emergency_contact_phone: None,
            insurance_provider: (i % 3 == 0).then(|| "NHIF".into()),
            insurance_number: (i % 3 == 0).then(|| format!("NHIF-{:06}", 104_200 + i * 37)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{ManualClock, to_db_time};
    use crate::frontdesk::appointments::Filter;

    fn clock_at(rfc3339: &str) -> Arc<dyn Clock> {
        let at = DateTime::parse_from_rfc3339(rfc3339).unwrap();
        Arc::new(ManualClock::new(at.with_timezone(&Utc)))
    }

    #[test]
    fn the_app_demo_is_made_once_and_every_account_signs_in() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = clock_at("2026-01-05T06:00:00Z");
        let kdf = KdfParams::FAST_INSECURE_FOR_TESTS;
        assert!(set_up_app_demo(tmp.path(), clock.clone(), kdf).unwrap());
        assert!(
            !set_up_app_demo(tmp.path(), clock.clone(), kdf).unwrap(),
            "an existing workstation is left alone"
        );
        let workstation = Workstation::open(tmp.path(), clock, kdf).unwrap();
        let mut people = accounts(&Plan::app());
        people.push(Staff {
            username: ADMIN,
            name: "Clinic administrator",
            role: Role::Admin,
        });
        assert_eq!(people.len(), STAFF.len() + 3 + 1);
        for account in people {
            let mut session = workstation
                .sign_in(account.username, PASSWORD, None)
                .unwrap_or_else(|e| panic!("{} cannot sign in: {e}", account.username));
            assert_eq!(session.clinic().name, CLINIC);
            assert_eq!(session.actor().role, account.role);
            if account.role == Role::Receptionist {
                let found = session.search_patients("ann", 20).unwrap();
                assert!(found.len() >= 3, "Anna, Anne and Annette: {found:?}");
            }
            session.lock();
        }
    }

    #[test]
    fn the_demo_has_past_visits_with_signed_notes_vitals_and_diagnoses() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = clock_at("2026-03-02T06:00:00Z");
        let kdf = KdfParams::FAST_INSECURE_FOR_TESTS;
        assert!(set_up_app_demo(tmp.path(), clock.clone(), kdf).unwrap());
        let workstation = Workstation::open(tmp.path(), clock.clone(), kdf).unwrap();
        let mut desk = workstation.sign_in(FRONT_DESK, PASSWORD, None).unwrap();
        let amani = desk.search_patients("amani njoroge", 1).unwrap()[0].id;
        desk.lock();
        let mut doctor = workstation
            .sign_in(DOCTORS[0].username, PASSWORD, None)
            .unwrap();
        let chart = doctor.chart(amani).unwrap();
        assert!(chart.visits.len() >= 2, "{:?}", chart.visits);
        assert!(
            chart
                .visits
                .iter()
                .all(|v| v.encounter.status == "completed")
        );
        assert!(
            chart
                .visits
                .iter()
                .all(|v| v.notes >= 1 && v.signed == v.notes)
        );
        assert!(chart.last_vitals.is_some());
        assert!(!chart.diagnoses.is_empty() || !chart.problems.is_empty());
        assert!(
            !chart.prescriptions.is_empty()
                && chart
                    .prescriptions
                    .iter()
                    .all(|rx| rx.status == "issued" && rx.number.is_some()),
            "her blood pressure and diabetes visits each issued a numbered prescription: {:?}",
            chart.prescriptions
        );
        let newest = &chart.visits[0].encounter;
        assert!(
            newest.opened_at.as_str() < "2026-03-02",
            "past visits are in the past: {}",
            newest.opened_at
        );
        let notes = doctor.visit_notes(newest.id).unwrap();
        assert!(notes.iter().all(|n| n.is_signed()));
        let letters = doctor.attachments_of(amani).unwrap();
        assert_eq!(letters.len(), 1, "a scanned letter on the first visit");
        let (mime, bytes) = doctor.attachment_bytes(letters[0].id).unwrap();
        assert_eq!(mime, "application/pdf");
        assert!(bytes.starts_with(b"%PDF-1.4") && bytes.ends_with(b"%%EOF\n"));
        let xref = String::from_utf8_lossy(&bytes).find("xref").unwrap();
        assert!(String::from_utf8_lossy(&bytes).contains(&format!("startxref\n{xref}\n")));
        doctor.lock();
        let mut admin = workstation.sign_in(ADMIN, PASSWORD, None).unwrap();
        assert!(
            admin.audit_verify().unwrap().first_break.is_none(),
            "the audit chain holds"
        );
    }

    #[test]
    fn the_app_demo_books_a_queue_for_today_at_any_hour_of_the_clinic_day() {
        let kdf = KdfParams::FAST_INSECURE_FOR_TESTS;
        // Nairobi is UTC+3: 09:00, the first second of the day, its last ten minutes
        // (when the core has no slot left to book for today) and its last second.
        for now in [
            "2026-01-05T06:00:00Z",
            "2026-01-04T21:00:00Z",
            "2026-01-05T20:50:00Z",
            "2026-01-05T20:59:59Z",
        ] {
            let tmp = tempfile::tempdir().unwrap();
            let clock = clock_at(now);
            assert!(set_up_app_demo(tmp.path(), clock.clone(), kdf).unwrap());
            let workstation = Workstation::open(tmp.path(), clock.clone(), kdf).unwrap();
            let mut desk = workstation.sign_in(FRONT_DESK, PASSWORD, None).unwrap();
            let clinic_time = desk.clinic_time().unwrap();
            let today = clinic_time.today(clock.as_ref());
            let (from, to) = clinic_time.days(today, 1);
            let queue = desk
                .appointments(&Filter {
                    from: Some(to_db_time(from)),
                    to: Some(to_db_time(to)),
                    ..Filter::default()
                })
                .unwrap();
            assert_eq!(
                queue.len(),
                6,
                "at {now}: three bookings for each of two doctors, all today ({today})"
            );
            assert_eq!(
                queue.iter().filter(|a| a.status == "checked_in").count(),
                2,
                "at {now}: each doctor's first patient has arrived"
            );
            desk.lock();
        }
    }

    #[test]
    fn an_office_diary_books_ahead_in_office_hours_and_counts_what_it_did() {
        let tmp = tempfile::tempdir().unwrap();
        // A Monday, 07:00 in Nairobi: before any office opens.
        let clock = clock_at("2026-01-05T04:00:00Z");
        let kdf = KdfParams::FAST_INSECURE_FOR_TESTS;
        let mut setup = Setup::new("Hillside", "boss", "a long clinic secret");
        setup.time_zone = TIME_ZONE.into();
        let init = Workstation::init(tmp.path(), &setup, clock.clone(), kdf).unwrap();
        let plan = Plan::office(60, 7, 5);
        let mut lines = Vec::new();
        let seeded = seed(&init.workstation, init.session, &plan, &mut |l| {
            lines.push(l.to_owned())
        })
        .unwrap();
        assert_eq!(
            seeded.patients, 60,
            "the hand-written register counts in the total"
        );
        assert_eq!(seeded.doctors, DOCTORS.len());
        assert!(seeded.booked > 6, "today's queue and the diary: {seeded:?}");
        assert_eq!(
            seeded.confirmed + seeded.cancelled + seeded.checked_in,
            seeded.booked
        );
        assert!(
            lines.iter().any(|l| l.starts_with("patients: 60/60")),
            "{lines:?}"
        );

        let mut desk = init
            .workstation
            .sign_in(FRONT_DESK, PASSWORD, None)
            .unwrap();
        let tz = desk.clinic_time().unwrap();
        let all = desk.appointments(&Filter::default()).unwrap();
        assert_eq!(
            all.len(),
            seeded.booked + seeded.rescheduled,
            "a reschedule books the new time and keeps the old row"
        );
        for a in &all {
            let at = crate::frontdesk::doctors::parse_db_time(&a.starts_at)
                .unwrap()
                .with_timezone(&tz.zone());
            assert!(
                (8..18).contains(&chrono::Timelike::hour(&at)),
                "{} is in office hours",
                a.starts_at
            );
        }
        let again = seed(
            &init.workstation,
            init.workstation
                .sign_in("boss", "a long clinic secret", None)
                .unwrap(),
            &plan,
            &mut |_| {},
        )
        .unwrap_err();
        assert!(
            again.to_string().contains("already has demo users"),
            "{again}"
        );
        desk.lock();
    }
}
