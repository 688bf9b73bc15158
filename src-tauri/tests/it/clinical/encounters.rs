//! Visits: the doctor's day, opening and completing a visit (`src/clinical/encounters.rs`).

use clinic_desktop::clinical::encounters::VisitStatus;
use clinic_desktop::frontdesk::appointments::AppointmentStatus;

use super::*;

#[test]
fn the_doctors_day_lists_the_checked_in_patient_and_completing_the_visit_clears_it() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, DOCTOR);
    let day = shell.doctors_day().unwrap();
    assert_eq!(
        day.waiting.len(),
        1,
        "the demo checks one patient in per doctor"
    );
    let waiting = &day.waiting[0];
    assert_eq!(waiting.patient_name, "Amani Njoroge");
    assert_eq!(waiting.appointment.status, AppointmentStatus::CheckedIn);
    assert!(
        waiting.encounter.is_none(),
        "nobody has opened the visit yet"
    );
    assert!(
        day.open_visits.is_empty(),
        "the demo's past visits are completed"
    );

    let visit = shell.open_visit(&waiting.appointment.id).unwrap();
    assert_eq!(visit.status, VisitStatus::Open);
    assert_eq!(visit.patient_id, waiting.appointment.patient_id);
    assert_eq!(
        shell.open_visit(&waiting.appointment.id).unwrap().id,
        visit.id,
        "opening it again (Enter on the row twice) returns the same visit"
    );
    let day = shell.doctors_day().unwrap();
    assert_eq!(
        day.waiting[0].encounter.as_ref().map(|e| &e.id),
        Some(&visit.id)
    );
    assert_eq!(day.open_visits.len(), 1);
    assert_eq!(day.open_visits[0].patient_name, "Amani Njoroge");

    let walk_in = shell.open_walk_in(&visit.patient_id, "  ").unwrap_err();
    invalid(walk_in, "reason");
    let wanjiku = patient_named(&shell, "wanjiku mwangi");
    let walk_in = shell.open_walk_in(&wanjiku, "Dressing change").unwrap();
    assert!(walk_in.appointment_id.is_none());
    assert_eq!(shell.doctors_day().unwrap().open_visits.len(), 2);
    assert_eq!(shell.encounter(&walk_in.id).unwrap(), walk_in);

    let done = shell.complete_encounter(&visit.id).unwrap();
    assert_eq!(done.status, VisitStatus::Completed);
    assert!(done.completed_at.is_some());
    invalid(
        shell.complete_encounter(&visit.id).unwrap_err(),
        "encounter",
    );
    let day = shell.doctors_day().unwrap();
    assert!(
        day.waiting.is_empty(),
        "the completed appointment is no longer waiting"
    );
    assert_eq!(day.open_visits.len(), 1, "the walk-in is still open");
    invalid(shell.encounter("not-an-id").unwrap_err(), "encounter");
}

#[test]
fn only_doctors_open_visits_and_see_a_day() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, DOCTOR);
    let appointment = shell.doctors_day().unwrap().waiting[0].appointment.clone();
    for who in [NURSE, DESK, ADMIN] {
        sign_in_as(&shell, who);
        forbidden(shell.doctors_day().unwrap_err());
        forbidden(shell.open_visit(&appointment.id).unwrap_err());
        forbidden(
            shell
                .open_walk_in(&appointment.patient_id, "Walk-in")
                .unwrap_err(),
        );
    }
}
