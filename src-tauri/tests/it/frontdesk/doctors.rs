//! Doctors, their weekly hours and time off (`src/frontdesk/doctors.rs`).

use clinic_desktop::dto::{self, CommandError, ErrorCode};
use clinic_desktop::frontdesk::doctors::{DoctorInput, WeeklyHours};

use crate::support::*;

#[test]
fn administrators_add_doctors_with_weekly_hours_and_time_off() {
    let tmp = tempfile::tempdir().unwrap();
    let shell = shell(tmp.path());
    let admin = shell.set_up("Clinic", "admin", "a long password").unwrap();
    assert!(admin.session.capabilities.manage_doctors);
    let code = admin.session.clinic.branch_code.clone();
    shell
        .create_user(
            "dr.mo",
            Some("Dr Mo Otieno"),
            dto::Role::Doctor,
            "stethoscope 2026",
            &[],
        )
        .unwrap();
    let input = DoctorInput {
        username: "dr.mo".into(),
        specialization: "Paediatrics".into(),
        licence_number: "pd-77".into(),
        phone: Some(" ".into()),
        email: None,
        fee_minor: 250_000,
    };
    let no_licence = shell
        .add_doctor(DoctorInput {
            licence_number: " ".into(),
            ..input.clone()
        })
        .unwrap_err();
    assert_eq!(no_licence.field.as_deref(), Some("licence_number"));
    let not_a_doctor = shell
        .add_doctor(DoctorInput {
            username: "admin".into(),
            ..input.clone()
        })
        .unwrap_err();
    assert_eq!(not_a_doctor.field.as_deref(), Some("username"));
    let mo = shell.add_doctor(input).unwrap();
    assert_eq!(
        (mo.name.as_str(), mo.licence_number.as_str()),
        ("Dr Mo Otieno", "PD-77"),
        "named after the account; licence in upper case; a blank phone is no phone"
    );
    assert_eq!(mo.phone, None);

    let block = |weekday, start: &str, end: &str| WeeklyHours {
        branch_code: code.clone(),
        weekday,
        start: start.into(),
        end: end.into(),
        slot_minutes: 20,
    };
    let bad = shell
        .set_doctor_hours(&mo.id, vec![block(1, "9am", "12:00")])
        .unwrap_err();
    assert_eq!(bad.field.as_deref(), Some("hours"), "{bad:?}");
    let overlapping = shell
        .set_doctor_hours(
            &mo.id,
            vec![block(1, "09:00", "12:00"), block(1, "11:00", "13:00")],
        )
        .unwrap_err();
    assert_eq!(
        overlapping.field.as_deref(),
        Some("hours"),
        "{overlapping:?}"
    );
    let saved = shell
        .set_doctor_hours(
            &mo.id,
            vec![block(3, "14:00", "17:00"), block(1, "09:00", "12:00")],
        )
        .unwrap();
    assert_eq!(
        saved,
        [block(1, "09:00", "12:00"), block(3, "14:00", "17:00")]
    );
    assert_eq!(
        shell.doctor_hours(&mo.id).unwrap(),
        saved,
        "read back as saved"
    );

    // The shell's clock stands at ManualClock::monday_morning.
    let tomorrow = "2026-01-06";
    let backwards = shell
        .add_time_off(
            &mo.id,
            &format!("{tomorrow}T12:00"),
            &format!("{tomorrow}T08:00"),
            "Leave",
        )
        .unwrap_err();
    assert_eq!(backwards.field.as_deref(), Some("to"));
    let off = shell
        .add_time_off(
            &mo.id,
            &format!("{tomorrow}T08:00"),
            &format!("{tomorrow}T18:00"),
            "Conference",
        )
        .unwrap();
    assert_eq!(off.len(), 1);
    assert_eq!(shell.doctor_time_off(&mo.id).unwrap(), off);
    let unknown = shell.cancel_time_off(&mo.id, "no-such").unwrap_err();
    assert_eq!(unknown.field.as_deref(), Some("time_off"));
    assert!(
        shell
            .cancel_time_off(&mo.id, &off[0].id)
            .unwrap()
            .is_empty(),
        "cancelled time off is no longer listed"
    );

    let cheaper = shell
        .update_doctor(&mo.id, None, Some(200_000), None)
        .unwrap();
    assert_eq!((cheaper.fee_minor, cheaper.active), (200_000, true));
    let negative = shell
        .update_doctor(&mo.id, None, Some(-1), None)
        .unwrap_err();
    assert_eq!(negative.field.as_deref(), Some("fee_minor"));
    let gone = shell
        .update_doctor(&mo.id, None, None, Some(false))
        .unwrap();
    assert!(!gone.active);
    assert!(
        shell.doctors(None).unwrap().is_empty(),
        "booking lists active doctors"
    );
    assert_eq!(
        shell.all_doctors().unwrap().len(),
        1,
        "the doctors screen lists all"
    );

    let desk = sign_in_new_user(&shell, "desk", dto::Role::Receptionist, "front office 2026");
    assert!(!desk.capabilities.manage_doctors);
    let forbidden = |err: CommandError| assert_eq!(err.code, ErrorCode::Forbidden, "{err:?}");
    forbidden(shell.add_doctor(DoctorInput::default()).unwrap_err());
    forbidden(
        shell
            .update_doctor(&mo.id, None, None, Some(true))
            .unwrap_err(),
    );
    forbidden(shell.set_doctor_hours(&mo.id, Vec::new()).unwrap_err());
    forbidden(
        shell
            .add_time_off(&mo.id, "2030-01-01T08:00", "2030-01-01T09:00", "x")
            .unwrap_err(),
    );
    assert_eq!(
        shell.doctor_hours(&mo.id).unwrap(),
        saved,
        "the front desk may read the hours it books against"
    );
}
