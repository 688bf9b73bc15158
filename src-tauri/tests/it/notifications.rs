//! In-app notifications (`src/notifications.rs`).

use clinic_core::KdfParams;
use clinic_desktop::dto;
use clinic_desktop::{Shell, demo};

use crate::support::*;

#[test]
fn notifications_reach_the_doctor_and_can_be_marked_read() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = clock_at(NAIROBI_MORNING);
    let kdf = KdfParams::FAST_INSECURE_FOR_TESTS;
    demo::ensure_workstation(tmp.path(), clock.clone(), kdf).unwrap();
    let shell = Shell::new(tmp.path().to_owned(), true, clock.clone(), kdf);
    let accounts = demo::accounts();
    let account = |role| accounts.iter().find(|a| a.role == role).unwrap();

    // The front desk books the doctor for tomorrow: the doctor is told.
    let desk = account(dto::Role::Receptionist);
    shell.sign_in(&desk.username, &desk.password, None).unwrap();
    let doctor_account = account(dto::Role::Doctor);
    let doctor = shell
        .doctors(None)
        .unwrap()
        .into_iter()
        .find(|d| d.name == "Dr Amina Wanjiru")
        .unwrap();
    let day = nairobi_day(clock.as_ref(), 1);
    let slot = shell.free_slots(&doctor.id, &day).unwrap().remove(0);
    let patient = shell.search_patients("Wanjiku", 1).unwrap().remove(0);
    let held = shell
        .hold_slot(&patient.id, &doctor.id, &slot.starts_at, None)
        .unwrap();
    shell.confirm_appointment(&held.id).unwrap();

    shell
        .sign_in(&doctor_account.username, &doctor_account.password, None)
        .unwrap();
    let unread = shell.notifications(true).unwrap();
    let booked = unread
        .iter()
        .find(|n| n.entity_id.as_deref() == Some(held.id.as_str()))
        .expect("the doctor is notified of the booking");
    assert_eq!(booked.kind, "appointment_booked");
    shell.mark_notification_read(&booked.id).unwrap();
    assert_eq!(shell.notifications(true).unwrap().len(), unread.len() - 1);
    assert!(
        shell
            .notifications(false)
            .unwrap()
            .iter()
            .any(|n| n.id == booked.id && n.read),
        "read notifications stay in the full list"
    );
    let err = shell.mark_notification_read("not-an-id").unwrap_err();
    assert_eq!(err.field.as_deref(), Some("notification"));
}
