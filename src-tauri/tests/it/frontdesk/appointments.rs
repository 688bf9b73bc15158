//! Booking, the check-in queue and the calendar (`src/frontdesk/appointments.rs`).

use clinic_core::KdfParams;
use clinic_desktop::dto::{self, CommandError, ErrorCode};
use clinic_desktop::frontdesk::appointments::{AppointmentRow, AppointmentStatus};
use clinic_desktop::frontdesk::patients::PatientInput;
use clinic_desktop::shell::{parse_day, parse_time};
use clinic_desktop::{Shell, demo};

use crate::support::*;

#[test]
fn front_desk_registers_searches_books_and_checks_in() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = clock_at(NAIROBI_MORNING);
    let kdf = KdfParams::FAST_INSECURE_FOR_TESTS;
    assert!(demo::ensure_workstation(tmp.path(), clock.clone(), kdf).unwrap());
    let shell = Shell::new(tmp.path().to_owned(), true, clock.clone(), kdf);
    let desk = demo::accounts()
        .into_iter()
        .find(|a| a.role == dto::Role::Receptionist)
        .unwrap();
    shell.sign_in(&desk.username, &desk.password, None).unwrap();

    let input = PatientInput {
        given_name: "Zawadi".into(),
        family_name: "Otieno".into(),
        date_of_birth: "1990-04-12".into(),
        sex: "female".into(),
        phone: Some("0700 111 222".into()),
        ..PatientInput::default()
    };
    assert!(shell.possible_duplicates(input.clone()).unwrap().is_empty());
    let zawadi = shell.register_patient(input.clone(), false).unwrap();
    let again = shell.register_patient(input.clone(), false).unwrap_err();
    assert_eq!(again.code, ErrorCode::PossibleDuplicate);
    assert!(
        again.message.contains(&zawadi.mrn),
        "the warning names the record"
    );
    let dups = shell.possible_duplicates(input.clone()).unwrap();
    assert_eq!(dups.len(), 1);

    let found = shell.search_patients("zawadi otie", 20).unwrap();
    assert!(
        found.iter().any(|p| p.id == zawadi.id),
        "search as you type finds the new record by name prefixes"
    );

    let bad = shell
        .update_patient(
            &zawadi.id,
            PatientInput {
                date_of_birth: "3000-01-01".into(),
                ..input.clone()
            },
        )
        .unwrap_err();
    assert_eq!(
        (bad.code, bad.field.as_deref()),
        (ErrorCode::Validation, Some("date_of_birth")),
        "a birth date in the future is refused next to its field"
    );

    let specializations = shell.specializations().unwrap();
    assert!(!specializations.is_empty());
    let available = shell
        .find_available_doctors(&specializations[0], None)
        .unwrap();
    let first = available.first().expect("demo doctors have free slots");
    let day = {
        let clinic_time = clinic_core::ClinicTime::parse(demo::TIME_ZONE).unwrap();
        clinic_time
            .date_of(parse_time("t", &first.first_free.starts_at).unwrap())
            .format("%Y-%m-%d")
            .to_string()
    };
    let slots = shell.free_slots(&first.doctor.id, &day).unwrap();
    assert_eq!(slots.first(), Some(&first.first_free));

    let held = shell
        .hold_slot(
            &zawadi.id,
            &first.doctor.id,
            &first.first_free.starts_at,
            Some("  "),
        )
        .unwrap();
    assert_eq!(held.status, AppointmentStatus::Held);
    assert!(held.hold_expires_at.is_some() && held.provisional);
    let taken = shell
        .hold_slot(
            &zawadi.id,
            &first.doctor.id,
            &first.first_free.starts_at,
            None,
        )
        .unwrap_err();
    assert_eq!(taken.code, ErrorCode::SlotTaken);

    let confirmed = shell.confirm_appointment(&held.id).unwrap();
    assert_eq!(confirmed.status, AppointmentStatus::Confirmed);
    let mine = shell.patient_appointments(&zawadi.id).unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].patient_name, "Zawadi Otieno");
    assert_eq!(mine[0].doctor_name, first.doctor.name);

    let queue = shell.day_appointments(Some(&day)).unwrap();
    assert_eq!(queue.day, day);
    let row = queue
        .rows
        .iter()
        .find(|r| r.appointment.id == confirmed.id)
        .expect("the booking is in that day's queue");
    assert_eq!(row.patient_mrn, zawadi.mrn);
    let checked = shell.check_in(&confirmed.id).unwrap();
    assert_eq!(checked.status, AppointmentStatus::CheckedIn);
    let twice = shell.check_in(&confirmed.id).unwrap_err();
    assert_eq!(twice.code, ErrorCode::InvalidTransition);

    let no_reason = shell.cancel_appointment(&confirmed.id, " ").unwrap_err();
    assert_eq!(no_reason.field.as_deref(), Some("reason"));

    let sync = shell.sync_status().unwrap();
    assert!(!sync.configured && sync.pending_changes > 0);
}

#[test]
fn reschedule_moves_the_booking_and_cancel_frees_it() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = clock_at(NAIROBI_MORNING);
    let kdf = KdfParams::FAST_INSECURE_FOR_TESTS;
    demo::ensure_workstation(tmp.path(), clock.clone(), kdf).unwrap();
    let shell = Shell::new(tmp.path().to_owned(), true, clock.clone(), kdf);
    let desk = demo::accounts()
        .into_iter()
        .find(|a| a.role == dto::Role::Receptionist)
        .unwrap();
    shell.sign_in(&desk.username, &desk.password, None).unwrap();
    let patient = shell.search_patients("a", 1).unwrap().remove(0);
    let doctor = shell.doctors(None).unwrap().remove(0);
    // Tomorrow, well clear of the demo bookings made for today.
    let day = nairobi_day(clock.as_ref(), 1);
    let slots = shell.free_slots(&doctor.id, &day).unwrap();
    assert!(slots.len() > 2, "the demo doctors work every day");
    let held = shell
        .hold_slot(&patient.id, &doctor.id, &slots[0].starts_at, Some("Review"))
        .unwrap();
    let booked = shell.confirm_appointment(&held.id).unwrap();
    let moved = shell
        .reschedule_appointment(&booked.id, None, &slots[1].starts_at)
        .unwrap();
    assert_eq!(moved.starts_at, slots[1].starts_at);
    assert_eq!(moved.rescheduled_from.as_deref(), Some(booked.id.as_str()));
    let free = shell.free_slots(&doctor.id, &day).unwrap();
    assert!(free.contains(&slots[0]), "the old slot is free again");
    assert!(!free.contains(&slots[1]));

    let cancelled = shell
        .cancel_appointment(&moved.id, "Patient phoned to cancel")
        .unwrap();
    assert_eq!(cancelled.status, AppointmentStatus::Cancelled);
    assert!(
        shell
            .free_slots(&doctor.id, &day)
            .unwrap()
            .contains(&slots[1])
    );
}

#[test]
fn the_calendar_shows_a_day_or_a_week_per_doctor_and_per_branch() {
    // Late in the clinic's day too: the demo's queue once went missing in its last
    // minutes.
    for now in [NAIROBI_MORNING, NAIROBI_LATE] {
        the_calendar_at(now);
    }
}

fn the_calendar_at(now: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let clock = clock_at(now);
    let kdf = KdfParams::FAST_INSECURE_FOR_TESTS;
    demo::ensure_workstation(tmp.path(), clock.clone(), kdf).unwrap();
    let shell = Shell::new(tmp.path().to_owned(), true, clock.clone(), kdf);
    let accounts = demo::accounts();
    let desk = accounts
        .iter()
        .find(|a| a.role == dto::Role::Receptionist)
        .unwrap();
    shell.sign_in(&desk.username, &desk.password, None).unwrap();
    let today = shell.day_appointments(None).unwrap();
    assert_eq!(
        today.day,
        nairobi_day(clock.as_ref(), 0),
        "the clinic's today"
    );
    assert!(!today.rows.is_empty(), "at {now} the demo has booked today");
    let day = shell.calendar(&today.day, 1, None, None).unwrap();
    assert_eq!(day.days, vec![today.day.clone()]);
    assert_eq!(
        day.branch_code.as_deref(),
        Some("BR01"),
        "this branch by default"
    );
    let ids = |rows: &[AppointmentRow]| -> Vec<String> {
        rows.iter().map(|r| r.appointment.id.clone()).collect()
    };
    assert_eq!(
        ids(&day.rows),
        ids(&today.rows),
        "one day at this branch is the check-in queue's day"
    );

    let doctor = today.rows[0].appointment.doctor_id.clone();
    let theirs = shell
        .calendar(&today.day, 1, Some(&doctor), Some(""))
        .unwrap();
    assert!(!theirs.rows.is_empty());
    assert!(
        theirs
            .rows
            .iter()
            .all(|r| r.appointment.doctor_id == doctor),
        "one doctor's column holds only their appointments"
    );
    assert_eq!(
        theirs.branch_code, None,
        "an empty branch means every branch"
    );

    let week_start = parse_day("d", &today.day).unwrap() - chrono::Duration::days(3);
    let week = shell
        .calendar(
            &week_start.format("%Y-%m-%d").to_string(),
            7,
            None,
            Some("br01"),
        )
        .unwrap();
    assert_eq!(week.days.len(), 7);
    assert_eq!(week.days[3], today.day);
    assert!(
        ids(&today.rows)
            .iter()
            .all(|id| ids(&week.rows).contains(id)),
        "the week contains the day"
    );

    let field = |e: CommandError| e.field;
    assert_eq!(
        field(shell.calendar(&today.day, 0, None, None).unwrap_err()).as_deref(),
        Some("days")
    );
    assert_eq!(
        field(
            shell
                .calendar(&today.day, 1, None, Some("XX9"))
                .unwrap_err()
        )
        .as_deref(),
        Some("branch")
    );
    assert_eq!(
        field(shell.calendar("monday", 1, None, None).unwrap_err()).as_deref(),
        Some("from")
    );
}

#[test]
fn roles_without_appointments_are_refused_the_calendar() {
    let tmp = tempfile::tempdir().unwrap();
    let shell = shell(tmp.path());
    shell.set_up("Clinic", "admin", "a long password").unwrap();
    let acc = sign_in_new_user(&shell, "acc", dto::Role::Accountant, "ledger lines 2026");
    assert!(!acc.capabilities.view_appointments, "no calendar tab");
    let err = shell.calendar("2026-01-05", 7, None, None).unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden, "{err:?}");
}

#[test]
fn bookings_that_lost_a_double_booking_are_listed_for_rebooking() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = clock_at(NAIROBI_MORNING);
    let kdf = KdfParams::FAST_INSECURE_FOR_TESTS;
    demo::ensure_workstation(tmp.path(), clock.clone(), kdf).unwrap();
    let shell = Shell::new(tmp.path().to_owned(), true, clock.clone(), kdf);
    let accounts = demo::accounts();
    let account = |role| accounts.iter().find(|a| a.role == role).unwrap();
    let desk = account(dto::Role::Receptionist);
    shell.sign_in(&desk.username, &desk.password, None).unwrap();
    assert!(
        shell.conflicted_appointments().unwrap().is_empty(),
        "a workstation that never synced has no lost bookings"
    );
    let patient = shell.search_patients("a", 1).unwrap().remove(0);
    let doctor = shell.doctors(None).unwrap().remove(0);
    let day = nairobi_day(clock.as_ref(), 3);
    let slots = shell.free_slots(&doctor.id, &day).unwrap();
    let held = shell
        .hold_slot(&patient.id, &doctor.id, &slots[0].starts_at, None)
        .unwrap();
    let lost = shell.confirm_appointment(&held.id).unwrap();
    // The sync server's verdict arrives as a pulled change; play it directly.
    shell
        .with_session(|session| {
            session
                .raw_connection()?
                .execute(
                    "UPDATE appointments SET status = 'conflict' WHERE id = ?1",
                    [&lost.id],
                )
                .map_err(|e| CommandError::internal(e.to_string()))?;
            Ok(())
        })
        .unwrap();
    let listed = shell.conflicted_appointments().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].appointment.id, lost.id);
    assert_eq!(listed[0].appointment.status, AppointmentStatus::Conflict);
    assert!(!listed[0].patient_name.is_empty() && !listed[0].doctor_name.is_empty());

    // Rebooking is the booking flow's move: the lost booking becomes `rescheduled`.
    let moved = shell
        .reschedule_appointment(&lost.id, Some(&doctor.id), &slots[1].starts_at)
        .unwrap();
    assert_eq!(moved.rescheduled_from.as_deref(), Some(lost.id.as_str()));
    assert!(
        shell.conflicted_appointments().unwrap().is_empty(),
        "resolved: no longer listed"
    );

    let refused = shell.sync_conflicts().unwrap_err();
    assert_eq!(
        refused.code,
        ErrorCode::Forbidden,
        "unapplied changes are the administrators' to read"
    );
    let admin = account(dto::Role::Admin);
    shell
        .sign_in(&admin.username, &admin.password, None)
        .unwrap();
    assert!(shell.sync_conflicts().unwrap().is_empty());
    let acc_refused = {
        sign_in_new_user(&shell, "acc", dto::Role::Accountant, "ledger lines 2026");
        shell.conflicted_appointments().unwrap_err()
    };
    assert_eq!(acc_refused.code, ErrorCode::Forbidden);
}
