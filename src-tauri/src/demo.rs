//! Demo mode (`CLINIC_DEMO=1`): a clinic with a few staff accounts, three doctors who work
//! round the clock, a couple of hundred patients and today's bookings, so that every
//! screen has something to show. Everything goes through the core's ordinary calls
//! (users, doctors, patients, bookings), audited like real use. The accounts share one
//! password, shown on the sign-in screen.
//!
//! Today's queue is booked around now on the injected clock, in the clinic's own time
//! zone, so that the demo has a queue to show at any hour, including the day's last.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use clinic_core::frontdesk::doctors::{DoctorInput, HoursInput};
use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::{ClinicTime, Clock, KdfParams, NewUser, Role, Setup, Workstation};

use crate::dto::DemoAccount;

pub const CLINIC: &str = "Demo Clinic";
pub const PASSWORD: &str = "demo-clinic-2026";
pub const TIME_ZONE: &str = "Africa/Nairobi";
const ADMIN: &str = "admin";
const FRONT_DESK: &str = "frontdesk";
const NURSE: &str = "nurse.akinyi";
/// Generated patients (`clinic_core::demo`) on top of the hand-written few, so that
/// search has a register to search.
const GENERATED_PATIENTS: usize = 200;
const DEMO_SEED: u64 = 2026;
/// The latest a demo is seeded before its day ends: room for three 20-minute slots
/// after the seconds that seeding itself takes.
const QUEUE_ROOM: chrono::Duration = chrono::Duration::minutes(90);

struct DemoDoctor {
    username: &'static str,
    name: &'static str,
    specialization: &'static str,
    licence: &'static str,
    fee_minor: i64,
}

const DOCTORS: [DemoDoctor; 3] = [
    DemoDoctor {
        username: "dr.wanjiru",
        name: "Dr Amina Wanjiru",
        specialization: "General practice",
        licence: "KMPDC-GP-1042",
        fee_minor: 150_000,
    },
    DemoDoctor {
        username: "dr.kamau",
        name: "Dr Peter Kamau",
        specialization: "Paediatrics",
        licence: "KMPDC-PD-2210",
        fee_minor: 250_000,
    },
    DemoDoctor {
        username: "dr.odhiambo",
        name: "Dr Ruth Odhiambo",
        specialization: "General practice",
        licence: "KMPDC-GP-3377",
        fee_minor: 150_000,
    },
];

/// The accounts the sign-in screen lists in demo mode.
pub fn accounts() -> Vec<DemoAccount> {
    let account = |username: &str, role: Role| DemoAccount {
        username: username.to_owned(),
        password: PASSWORD.to_owned(),
        role: role.into(),
    };
    vec![
        account(FRONT_DESK, Role::Receptionist),
        account(ADMIN, Role::Admin),
        account(DOCTORS[0].username, Role::Doctor),
        account(NURSE, Role::Nurse),
    ]
}

/// Sets up the demo clinic when the directory holds no workstation yet. Returns whether
/// it created one. Every session it opens is locked again before returning: people sign
/// in with the accounts the sign-in screen shows.
pub fn ensure_workstation(
    dir: &Path,
    clock: Arc<dyn Clock>,
    kdf: KdfParams,
) -> clinic_core::Result<bool> {
    if Workstation::exists(dir) {
        return Ok(false);
    }
    // The core books only slots that have not begun, so late in the day the clinic is
    // seeded on the injected clock set back to `QUEUE_ROOM` before the day ends: today
    // still has slots to book, the first of them just past. Everything is seeded on that
    // one clock, so the demo's history reads in order.
    let clinic_time = ClinicTime::parse(TIME_ZONE)?;
    let now = clock.now();
    let latest = clinic_time.days(clinic_time.date_of(now), 1).1 - QUEUE_ROOM;
    let clock: Arc<dyn Clock> = Arc::new(SetBack {
        by: (now - latest).max(chrono::Duration::zero()),
        clock,
    });
    let mut setup = Setup::new(CLINIC, ADMIN, PASSWORD);
    setup.time_zone = TIME_ZONE.into();
    setup.currency = "KES".into();
    setup.branch_name = "Riverside".into();
    setup.admin_display_name = "Clinic administrator".into();
    let init = Workstation::init(dir, &setup, clock.clone(), kdf)?;
    let mut admin = init.session;

    let mut user = |username: &str, display: &str, role: Role| {
        let mut new = NewUser::new(username, role, PASSWORD);
        new.display_name = display.into();
        admin.create_user(&new).map(|_| ())
    };
    user(FRONT_DESK, "Grace Muthoni", Role::Receptionist)?;
    user(NURSE, "Nurse Akinyi", Role::Nurse)?;
    for d in &DOCTORS {
        user(d.username, d.name, Role::Doctor)?;
    }
    let mut doctor_ids = Vec::new();
    for d in &DOCTORS {
        let doctor = admin.add_doctor(&DoctorInput {
            username: d.username.into(),
            specialization: d.specialization.into(),
            licence_number: d.licence.into(),
            phone: None,
            email: None,
            fee_minor: d.fee_minor,
        })?;
        // Round the clock, every day: the demo has free slots (and today's queue has
        // bookings) whenever it is opened. A real clinic sets its own hours.
        let hours: Vec<HoursInput> = (1..=7)
            .map(|weekday| HoursInput {
                branch_code: "BR01".into(),
                weekday,
                start: "00:00".into(),
                end: "24:00".into(),
                slot_minutes: 20,
            })
            .collect();
        admin.set_doctor_hours(doctor.id, &hours)?;
        doctor_ids.push(doctor.id);
    }
    admin.lock();

    let workstation = init.workstation;
    let mut desk = workstation.sign_in(FRONT_DESK, PASSWORD, None)?;
    let mut register = patients();
    register.extend(clinic_core::demo::patients(DEMO_SEED, GENERATED_PATIENTS));
    let patients = desk.import_patients(&register)?;
    // Today's queue: three bookings on each of two doctors' next free slots, the first
    // one already checked in.
    let today = desk.today()?;
    for (i, doctor) in doctor_ids.iter().take(2).enumerate() {
        let slots = desk.free_slots(*doctor, today)?;
        for (j, slot) in slots.iter().take(3).enumerate() {
            let Some(patient) = patients.get(i * 3 + j) else {
                break;
            };
            let booked = desk.book_appointment(
                patient.id,
                *doctor,
                slot.starts_at,
                Some(["Check-up", "Follow-up visit", "Fever and cough"][j]),
            )?;
            if j == 0 {
                desk.check_in(booked.id)?;
            }
        }
    }
    desk.lock();
    Ok(true)
}

/// The injected clock set back by a fixed amount.
struct SetBack {
    clock: Arc<dyn Clock>,
    by: chrono::Duration,
}

impl Clock for SetBack {
    fn now(&self) -> DateTime<Utc> {
        self.clock.now() - self.by
    }
}

/// A small hand-written register of patients.
fn patients() -> Vec<PatientInput> {
    const PEOPLE: &[(&str, &str, &str, &str, &str)] = &[
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
    const BLOOD: [&str; 4] = ["O+", "A+", "B+", "AB-"];
    PEOPLE
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
            allergies: if i % 5 == 0 {
                vec!["Penicillin".into()]
            } else {
                Vec::new()
            },
            insurance_provider: (i % 3 == 0).then(|| "NHIF".into()),
            insurance_number: (i % 3 == 0).then(|| format!("NHIF-{:06}", 104_200 + i * 37)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use clinic_core::ManualClock;
    use clinic_core::clock::to_db_time;
    use clinic_core::frontdesk::appointments::Filter;

    use super::*;

    fn clock_at(rfc3339: &str) -> Arc<dyn Clock> {
        let at = DateTime::parse_from_rfc3339(rfc3339).unwrap();
        Arc::new(ManualClock::new(at.with_timezone(&Utc)))
    }

    #[test]
    fn demo_workstation_is_made_once_and_every_listed_account_signs_in() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = clock_at("2026-01-05T06:00:00Z");
        let kdf = KdfParams::FAST_INSECURE_FOR_TESTS;
        assert!(ensure_workstation(tmp.path(), clock.clone(), kdf).unwrap());
        assert!(
            !ensure_workstation(tmp.path(), clock.clone(), kdf).unwrap(),
            "an existing workstation is left alone"
        );
        let workstation = Workstation::open(tmp.path(), clock, kdf).unwrap();
        for account in accounts() {
            let mut session = workstation
                .sign_in(&account.username, &account.password, None)
                .unwrap_or_else(|e| panic!("{} cannot sign in: {e}", account.username));
            assert_eq!(session.clinic().name, CLINIC);
            assert_eq!(crate::dto::Role::from(session.actor().role), account.role);
            if account.role == crate::dto::Role::Receptionist {
                let found = session.search_patients("ann", 20).unwrap();
                assert!(found.len() >= 3, "Anna, Anne and Annette: {found:?}");
            }
            session.lock();
        }
    }

    #[test]
    fn the_demo_books_a_queue_for_today_at_any_hour_of_the_clinic_day() {
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
            assert!(ensure_workstation(tmp.path(), clock.clone(), kdf).unwrap());
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
}
