//! The front desk: registering and finding patients, doctors' schedules, booking.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use clinic_core::frontdesk::doctors::{DoctorInput, HoursInput};
use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::ids::{DoctorId, PatientId};
use clinic_core::{Clock as _, Code, KdfParams, ManualClock, Role, Session, Setup, Workstation};

use crate::support::Clinic;

fn patient(given: &str, family: &str, dob: &str) -> PatientInput {
    PatientInput {
        given_name: given.into(),
        family_name: family.into(),
        date_of_birth: dob.into(),
        sex: "female".into(),
        ..PatientInput::default()
    }
}

fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()
}

fn at(hhmm: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("2026-01-05T{hhmm}:00Z"))
        .unwrap()
        .with_timezone(&Utc)
}

/// A clinic with a receptionist and one general practitioner working weekday mornings.
struct FrontDesk {
    clinic: Clinic,
    desk: Session,
    doctor: DoctorId,
}

impl FrontDesk {
    fn new() -> FrontDesk {
        let mut clinic = Clinic::new();
        clinic.add_user("desk", Role::Receptionist);
        clinic.add_user("dr.gp", Role::Doctor);
        let doctor = add_doctor(&mut clinic.admin, "dr.gp", "General practice", "GP-001");
        let desk = clinic.sign_in("desk");
        FrontDesk {
            clinic,
            desk,
            doctor,
        }
    }

    fn register(&mut self, given: &str, family: &str, dob: &str) -> PatientId {
        self.desk
            .register_patient(&patient(given, family, dob), false)
            .unwrap()
            .id
    }
}

fn add_doctor(
    admin: &mut Session,
    username: &str,
    specialization: &str,
    licence: &str,
) -> DoctorId {
    let doctor = admin
        .add_doctor(&DoctorInput {
            username: username.into(),
            specialization: specialization.into(),
            licence_number: licence.into(),
            fee_minor: 2500,
            ..DoctorInput::default()
        })
        .unwrap();
    let hours: Vec<HoursInput> = (1..=5)
        .map(|weekday| HoursInput {
            branch_code: "BR01".into(),
            weekday,
            start: "09:00".into(),
            end: "12:00".into(),
            slot_minutes: 30,
        })
        .collect();
    admin.set_doctor_hours(doctor.id, &hours).unwrap();
    doctor.id
}

#[test]
fn every_registration_rule_names_its_field_and_what_is_accepted() {
    let mut fd = FrontDesk::new();
    let cases: Vec<(PatientInput, &str, &str)> = vec![
        (
            patient("", "Otieno", "1990-01-01"),
            "given_name",
            "required",
        ),
        (
            patient("Amina", "0tieno", "1990-01-01"),
            "family_name",
            "letters",
        ),
        (
            patient("Amina", "Otieno", "2026-01-06"),
            "date_of_birth",
            "future",
        ),
        (
            patient("Amina", "Otieno", "1880-01-01"),
            "date_of_birth",
            "130 years",
        ),
        (
            patient("Amina", "Otieno", "01-01-90"),
            "date_of_birth",
            "YYYY-MM-DD",
        ),
        (
            PatientInput {
                sex: "f".into(),
                ..patient("Amina", "Otieno", "1990-01-01")
            },
            "sex",
            "female, male, other or unknown",
        ),
        (
            PatientInput {
                phone: Some("12-34".into()),
                ..patient("Amina", "Otieno", "1990-01-01")
            },
            "phone",
            "7 to 15 digits",
        ),
        (
            PatientInput {
                email: Some("amina@".into()),
                ..patient("Amina", "Otieno", "1990-01-01")
            },
            "email",
            "name@example.org",
        ),
        (
            PatientInput {
                blood_group: Some("Z+".into()),
                ..patient("Amina", "Otieno", "1990-01-01")
            },
            "blood_group",
            "AB+",
        ),
        (
            PatientInput {
                emergency_contact_phone: Some("call me".into()),
                ..patient("Amina", "Otieno", "1990-01-01")
            },
            "emergency_contact_phone",
            "phone number",
        ),
    ];
    for (input, field, says) in cases {
        let err = fd.desk.register_patient(&input, false).unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
        assert!(err.to_string().contains(says), "{field}: {err}");
    }
    let ok = fd
        .desk
        .register_patient(
            &PatientInput {
                phone: Some("+254 712 345678".into()),
                email: Some("amina@example.org".into()),
                blood_group: Some("o-".into()),
                ..patient("Amina", "Otieno", "1990-01-01")
            },
            false,
        )
        .unwrap();
    assert_eq!(ok.blood_group.as_deref(), Some("O-"));
}

#[test]
fn record_numbers_are_unique_across_branches_set_up_apart() {
    let mut numbers = std::collections::HashSet::new();
    for (code, dir) in [
        ("BR01", tempfile::tempdir().unwrap()),
        ("BR02", tempfile::tempdir().unwrap()),
    ] {
        let made = Workstation::init(
            dir.path(),
            &Setup {
                branch_code: code.into(),
                ..Setup::new("Group", "admin", crate::support::ADMIN_PASSWORD)
            },
            Arc::new(ManualClock::monday_morning()),
            KdfParams::FAST_INSECURE_FOR_TESTS,
        )
        .unwrap();
        let mut admin = made.session;
        admin
            .create_user(&clinic_core::NewUser::new(
                "desk",
                Role::Receptionist,
                "morning tea phrase",
            ))
            .unwrap();
        let mut desk = made
            .workstation
            .unlock("desk", "morning tea phrase")
            .unwrap();
        for i in 0..20 {
            let p = desk
                .register_patient(
                    &patient("Same", "Name", &format!("19{:02}-01-01", 50 + i)),
                    true,
                )
                .unwrap();
            assert!(
                p.mrn.starts_with(&format!("{code}-")),
                "{} carries its branch",
                p.mrn
            );
            assert!(numbers.insert(p.mrn.clone()), "{} handed out twice", p.mrn);
        }
    }
    assert_eq!(numbers.len(), 40);
}

#[test]
fn search_folds_accents_and_case_takes_words_in_any_order_and_forgives_a_typo() {
    let mut fd = FrontDesk::new();
    let jose = fd
        .desk
        .register_patient(
            &PatientInput {
                phone: Some("+34 612 345 678".into()),
                ..patient("José", "Álvarez", "1975-03-14")
            },
            false,
        )
        .unwrap();
    fd.register("Josephine", "Baker", "1980-06-03");
    fd.register("Alvaro", "Mendes", "1991-11-30");

    let find = |fd: &mut FrontDesk, text: &str| -> Vec<String> {
        fd.desk
            .search_patients(text, 20)
            .unwrap()
            .into_iter()
            .map(|p| p.family_name)
            .collect()
    };
    assert_eq!(
        find(&mut fd, "jose alv"),
        ["Álvarez"],
        "accents and case folded, prefixes"
    );
    assert_eq!(find(&mut fd, "ALV JOS"), ["Álvarez"], "any order");
    assert_eq!(find(&mut fd, "612 345"), ["Álvarez"], "by phone digits");
    assert_eq!(
        find(&mut fd, "+34612345678"),
        ["Álvarez"],
        "the whole number as typed"
    );
    assert_eq!(find(&mut fd, "14/03/1975"), ["Álvarez"], "by date of birth");
    assert_eq!(find(&mut fd, &jose.mrn), ["Álvarez"], "by record number");
    assert_eq!(
        find(&mut fd, "alvraez"),
        ["Álvarez"],
        "a swapped pair of letters"
    );
    assert_eq!(
        find(&mut fd, "jose alvares"),
        ["Álvarez"],
        "a wrong last letter"
    );
    let mut jos = find(&mut fd, "jos");
    jos.sort();
    assert_eq!(jos, ["Baker", "Álvarez"]);
    assert!(find(&mut fd, "zzzz").is_empty());
    assert!(
        find(&mut fd, "\"; DROP TABLE patients; --").is_empty(),
        "search syntax is inert"
    );
}

#[test]
fn registering_someone_already_on_file_warns_until_confirmed() {
    let mut fd = FrontDesk::new();
    let first = fd
        .desk
        .register_patient(
            &PatientInput {
                phone: Some("0712 000111".into()),
                ..patient("Wanjiru", "Kamau", "1988-08-08")
            },
            false,
        )
        .unwrap();
    let err = fd
        .desk
        .register_patient(&patient("wanjiru", "KAMAU", "1988-08-08"), false)
        .unwrap_err();
    assert_eq!(err.code(), Code::PossibleDuplicate);
    assert!(
        err.to_string().contains(&first.mrn),
        "names the record on file: {err}"
    );
    let err = fd
        .desk
        .register_patient(
            &PatientInput {
                phone: Some("0712-000-111".into()),
                ..patient("Other", "Person", "2001-02-03")
            },
            false,
        )
        .unwrap_err();
    assert_eq!(err.code(), Code::PossibleDuplicate, "same phone number");
    let similar = fd
        .desk
        .possible_duplicates(&patient("Wanjiru", "Kamau", "1988-08-08"))
        .unwrap();
    assert_eq!(similar.len(), 1);
    fd.desk
        .register_patient(&patient("Wanjiru", "Kamau", "1988-08-08"), true)
        .expect("the desk checked: a different person with the same name and birthday");
}

#[test]
fn concurrent_attempts_to_book_one_slot_give_exactly_one_booking() {
    let mut fd = FrontDesk::new();
    let patients: Vec<PatientId> = (0..6)
        .map(|i| {
            fd.register(
                "Queue",
                &format!("Person{}", char::from(b'a' + i)),
                "1970-01-01",
            )
        })
        .collect();
    let doctor = fd.doctor;
    let workstation = fd.clinic.workstation.clone();
    let outcomes: Vec<Result<String, Code>> = std::thread::scope(|scope| {
        let handles: Vec<_> = patients
            .iter()
            .map(|&p| {
                let ws = workstation.clone();
                scope.spawn(move || {
                    let mut desk = ws
                        .unlock("desk", &crate::support::password_of("desk"))
                        .unwrap();
                    desk.book_appointment(p, doctor, at("10:00"), None)
                        .map(|a| a.number)
                        .map_err(|e| e.code())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let booked = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(booked, 1, "exactly one booking: {outcomes:?}");
    assert!(
        outcomes
            .iter()
            .filter_map(|o| o.as_ref().err())
            .all(|c| *c == Code::SlotTaken),
        "{outcomes:?}"
    );
    let on_slot = fd
        .desk
        .appointments(&clinic_core::frontdesk::appointments::Filter {
            doctor: Some(doctor),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        on_slot.iter().filter(|a| a.status == "confirmed").count(),
        1
    );
}

#[test]
fn the_database_itself_refuses_overlapping_bookings() {
    let mut fd = FrontDesk::new();
    let p = fd.register("Ada", "Lovelace", "1985-12-10");
    let q = fd.register("Charles", "Babbage", "1991-12-26");
    let booked = fd
        .desk
        .book_appointment(p, fd.doctor, at("09:30"), None)
        .unwrap();
    let conn = fd.clinic.admin.raw_connection().unwrap();
    let sneaky = conn.execute(
        "INSERT INTO appointments (id, number, patient_id, doctor_id, branch_id, starts_at, ends_at,
             status, created_by, created_at, updated_at)
         SELECT 'x', 'X-1', ?1, doctor_id, branch_id, starts_at, ends_at, 'confirmed', created_by,
             created_at, updated_at FROM appointments WHERE id = ?2",
        rusqlite::params![q.to_string(), booked.id.to_string()],
    );
    assert!(
        sneaky
            .unwrap_err()
            .to_string()
            .contains("doctor_double_booked")
    );
}

#[test]
fn a_patient_cannot_hold_two_overlapping_appointments() {
    let mut fd = FrontDesk::new();
    fd.clinic.add_user("dr.two", Role::Doctor);
    let other = add_doctor(&mut fd.clinic.admin, "dr.two", "Dermatology", "DE-002");
    let p = fd.register("Grace", "Hopper", "1966-12-09");
    fd.desk
        .book_appointment(p, fd.doctor, at("11:00"), None)
        .unwrap();
    let err = fd
        .desk
        .book_appointment(p, other, at("11:00"), None)
        .unwrap_err();
    assert_eq!(err.code(), Code::SlotTaken);
    assert!(err.to_string().contains("the patient"), "{err}");
}

#[test]
fn only_legal_status_transitions_are_possible() {
    let mut fd = FrontDesk::new();
    let p = fd.register("Alan", "Turing", "1962-06-23");
    let a = fd
        .desk
        .book_appointment(p, fd.doctor, at("09:00"), Some("cough"))
        .unwrap();
    assert_eq!(a.status, "confirmed");
    assert!(a.provisional, "not yet accepted by the sync server");
    let mut doctor = fd.clinic.sign_in("dr.gp");
    let err = doctor.complete_appointment(a.id).unwrap_err();
    assert_eq!(
        err.code(),
        Code::InvalidTransition,
        "not checked in yet: {err}"
    );
    fd.desk.check_in(a.id).unwrap();
    let err = fd
        .desk
        .cancel_appointment(a.id, "changed mind")
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidTransition);
    let err = fd.desk.complete_appointment(a.id).unwrap_err();
    assert_eq!(err.code(), Code::Forbidden, "completing is the doctor's");
    doctor.complete_appointment(a.id).unwrap();
    let err = fd.desk.check_in(a.id).unwrap_err();
    assert_eq!(err.code(), Code::InvalidTransition, "completed is final");

    // A hold not confirmed in time lapses and frees the slot.
    let q = fd.register("Hedy", "Lamarr", "1964-11-09");
    let held = fd.desk.hold_slot(q, fd.doctor, at("10:30"), None).unwrap();
    fd.clinic.clock.advance(Duration::minutes(6));
    let err = fd.desk.confirm_appointment(held.id).unwrap_err();
    assert_eq!(err.code(), Code::InvalidTransition, "{err}");
    let again = fd.desk.hold_slot(q, fd.doctor, at("10:30"), None).unwrap();
    assert_eq!(
        fd.desk.confirm_appointment(again.id).unwrap().status,
        "confirmed"
    );
    let lapsed = fd.desk.appointment(held.id).unwrap();
    assert_eq!(
        (lapsed.status.as_str(), lapsed.cancel_reason.as_deref()),
        ("cancelled", Some("hold expired"))
    );
}

#[test]
fn rescheduling_keeps_the_history_and_the_doctor_hears_of_bookings_and_cancellations() {
    let mut fd = FrontDesk::new();
    let p = fd.register("Rosalind", "Franklin", "1970-07-25");
    let first = fd
        .desk
        .book_appointment(p, fd.doctor, at("09:30"), None)
        .unwrap();
    let moved = fd
        .desk
        .reschedule_appointment(first.id, None, at("11:30"))
        .unwrap();
    assert_eq!(moved.rescheduled_from, Some(first.id));
    assert_eq!(fd.desk.appointment(first.id).unwrap().status, "rescheduled");
    let history: Vec<String> = fd
        .desk
        .appointment_history(first.id)
        .unwrap()
        .into_iter()
        .map(|h| h.to_status)
        .collect();
    assert_eq!(history, ["held", "confirmed", "rescheduled"]);
    // The old slot is free again.
    let free: Vec<String> = fd
        .desk
        .free_slots(fd.doctor, monday())
        .unwrap()
        .into_iter()
        .map(|s| s.starts_at.format("%H:%M").to_string())
        .collect();
    assert!(
        free.contains(&"09:30".to_string()) && !free.contains(&"11:30".to_string()),
        "{free:?}"
    );
    fd.desk
        .cancel_appointment(moved.id, "feeling better")
        .unwrap();

    let mut doctor = fd.clinic.sign_in("dr.gp");
    let kinds: Vec<String> = doctor
        .notifications(false)
        .unwrap()
        .into_iter()
        .map(|n| n.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "appointment_cancelled",
            "appointment_booked",
            "appointment_booked"
        ],
        "newest first"
    );
    assert!(
        doctor.notifications(false).unwrap()[0]
            .body
            .contains("Franklin")
    );
}

#[test]
fn find_doctors_by_specialization_with_a_free_slot_and_respect_time_off() {
    let mut fd = FrontDesk::new();
    fd.clinic.add_user("dr.skin", Role::Doctor);
    let skin = add_doctor(&mut fd.clinic.admin, "dr.skin", "Dermatology", "DE-007");
    fd.clinic
        .admin
        .add_time_off(skin, "2026-01-05 00:00", "2026-01-07 00:00", "conference")
        .unwrap();
    let found = fd
        .desk
        .find_available_doctors("dermatology", monday())
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].doctor.id, skin);
    assert_eq!(
        found[0].first_free.starts_at.to_rfc3339(),
        "2026-01-07T09:00:00+00:00",
        "after the time off"
    );
    assert!(
        fd.desk
            .find_available_doctors("cardiology", monday())
            .unwrap()
            .is_empty()
    );
    let err = fd.desk.add_doctor(&DoctorInput::default()).unwrap_err();
    assert_eq!(err.code(), Code::Forbidden, "only admins manage doctors");
    let err = fd
        .clinic
        .admin
        .add_doctor(&DoctorInput {
            username: "dr.gp".into(),
            specialization: "Again".into(),
            licence_number: "GP-001".into(),
            ..DoctorInput::default()
        })
        .unwrap_err();
    assert_eq!(err.field(), Some("licence_number"), "{err}");

    let at = |text: &str| {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    };
    let listed = fd
        .desk
        .doctor_time_off(skin, at("2026-01-06T00:00:00Z"), at("2026-02-01T00:00:00Z"))
        .unwrap();
    assert_eq!(listed.len(), 1, "time off overlapping the window is listed");
    assert_eq!(listed[0].reason, "conference");
    assert!(
        fd.desk
            .doctor_time_off(skin, at("2026-01-08T00:00:00Z"), at("2026-02-01T00:00:00Z"))
            .unwrap()
            .is_empty(),
        "time off that ended before the window is not"
    );

    // Cancelled time off frees the slots again; the row stays.
    let err = fd.desk.cancel_time_off(skin, &listed[0].id).unwrap_err();
    assert_eq!(
        err.code(),
        Code::Forbidden,
        "the front desk cannot cancel it"
    );
    fd.clinic
        .admin
        .cancel_time_off(skin, &listed[0].id)
        .unwrap();
    let found = fd
        .desk
        .find_available_doctors("dermatology", monday())
        .unwrap();
    assert_eq!(
        found[0].first_free.starts_at.to_rfc3339(),
        "2026-01-05T09:00:00+00:00",
        "Monday is free again"
    );
    assert!(
        fd.desk
            .doctor_time_off(skin, at("2026-01-01T00:00:00Z"), at("2026-02-01T00:00:00Z"))
            .unwrap()
            .is_empty()
    );
    let again = fd
        .clinic
        .admin
        .cancel_time_off(skin, &listed[0].id)
        .unwrap_err();
    assert_eq!(again.field(), Some("time_off"));
    let kept: i64 = fd
        .clinic
        .admin
        .raw_connection()
        .unwrap()
        .query_row(
            "SELECT count(*) FROM doctor_time_off WHERE cancelled_at IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, 1, "cancelled, not deleted");
    assert_eq!(
        fd.clinic.count_audit("action = 'doctor.time_off_cancel'"),
        1
    );
}

#[test]
fn archive_merge_and_undo_keep_every_related_row() {
    let mut fd = FrontDesk::new();
    let keep = fd.register("Mary", "Seacole", "1955-11-23");
    let dup = fd
        .desk
        .register_patient(&patient("Mary", "Seacole", "1955-11-23"), true)
        .unwrap()
        .id;
    let a1 = fd
        .desk
        .book_appointment(dup, fd.doctor, at("10:00"), None)
        .unwrap();
    let a2 = fd
        .desk
        .book_appointment(keep, fd.doctor, at("10:30"), None)
        .unwrap();
    let count = |fd: &mut FrontDesk, table: &str| -> i64 {
        fd.clinic
            .admin
            .raw_connection()
            .unwrap()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    let (patients_before, appts_before) =
        (count(&mut fd, "patients"), count(&mut fd, "appointments"));

    assert_eq!(
        fd.desk.merge_patients(keep, dup).unwrap_err().code(),
        Code::Forbidden,
        "admins merge"
    );
    let merge = fd.clinic.admin.merge_patients(keep, dup).unwrap();
    assert_eq!(
        fd.desk.appointment(a1.id).unwrap().patient_id,
        keep,
        "moved to the survivor"
    );
    let gone = fd.clinic.admin.patient(dup).unwrap();
    assert!(!gone.active && gone.merged_into == Some(keep));
    assert!(
        fd.desk
            .search_patients("seacole", 10)
            .unwrap()
            .iter()
            .all(|p| p.id == keep)
    );

    fd.clinic.admin.undo_merge(&merge.id).unwrap();
    assert_eq!(
        fd.desk.appointment(a1.id).unwrap().patient_id,
        dup,
        "moved back"
    );
    assert_eq!(
        fd.desk.appointment(a2.id).unwrap().patient_id,
        keep,
        "the survivor's own stay"
    );
    assert!(fd.clinic.admin.patient(dup).unwrap().active);
    assert_eq!(
        fd.clinic.admin.undo_merge(&merge.id).unwrap_err().field(),
        Some("merge")
    );
    for side in [keep, dup] {
        let listed = fd.clinic.admin.patient_merges(side).unwrap();
        assert_eq!(
            listed.len(),
            1,
            "both records list the merge they took part in"
        );
        assert_eq!(listed[0].id, merge.id);
        assert!(listed[0].undone_at.is_some(), "marked undone");
    }
    assert_eq!(
        fd.desk.patient_merges(keep).unwrap_err().code(),
        Code::Forbidden,
        "the merge record is the administrators'"
    );

    fd.clinic
        .admin
        .archive_patient(dup, "registered twice by mistake")
        .unwrap();
    assert!(
        fd.desk
            .search_patients("seacole", 10)
            .unwrap()
            .iter()
            .all(|p| p.id == keep),
        "archived: hidden"
    );
    assert_eq!(
        fd.desk.appointment(a1.id).unwrap().patient_id,
        dup,
        "its appointment stays"
    );
    assert_eq!(
        (count(&mut fd, "patients"), count(&mut fd, "appointments")),
        (patients_before, appts_before)
    );
    let deleted = fd
        .clinic
        .admin
        .raw_connection()
        .unwrap()
        .execute("DELETE FROM patients", []);
    assert!(deleted.is_err(), "the database refuses to delete patients");
    let _ = fd.clinic.clock.now();
}
