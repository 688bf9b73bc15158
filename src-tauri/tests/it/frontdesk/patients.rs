//! Patients: registration, the record, archive and merges
//! (`src/frontdesk/patients.rs`).

use clinic_core::KdfParams;
use clinic_desktop::dto::{self, CommandError, ErrorCode};
use clinic_desktop::frontdesk::patients::PatientInput;
use clinic_desktop::{Shell, demo};

use crate::support::*;

#[test]
fn administrators_merge_duplicates_see_what_moved_and_undo_or_restore() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = clock_at(NAIROBI_MORNING);
    let kdf = KdfParams::FAST_INSECURE_FOR_TESTS;
    demo::ensure_workstation(tmp.path(), clock.clone(), kdf).unwrap();
    let shell = Shell::new(tmp.path().to_owned(), true, clock.clone(), kdf);
    let accounts = demo::accounts();
    let account = |role| accounts.iter().find(|a| a.role == role).unwrap();
    let desk = account(dto::Role::Receptionist);
    shell.sign_in(&desk.username, &desk.password, None).unwrap();
    let input = PatientInput {
        given_name: "Baraka".into(),
        family_name: "Kiprono".into(),
        date_of_birth: "1979-06-30".into(),
        sex: "male".into(),
        ..PatientInput::default()
    };
    let keep = shell.register_patient(input.clone(), false).unwrap();
    let dup = shell.register_patient(input, true).unwrap();
    let doctor = shell.doctors(None).unwrap().remove(0);
    let day = nairobi_day(clock.as_ref(), 2);
    let slot = shell.free_slots(&doctor.id, &day).unwrap().remove(0);
    let held = shell
        .hold_slot(&dup.id, &doctor.id, &slot.starts_at, None)
        .unwrap();
    let booked = shell.confirm_appointment(&held.id).unwrap();
    let forbidden = |err: CommandError| assert_eq!(err.code, ErrorCode::Forbidden, "{err:?}");
    forbidden(shell.merge_patients(&keep.id, &dup.id).unwrap_err());
    forbidden(shell.patient_merges(&keep.id).unwrap_err());
    forbidden(shell.undo_merge("anything").unwrap_err());
    forbidden(shell.restore_patient(&dup.id).unwrap_err());

    let admin = account(dto::Role::Admin);
    let signed_in = shell
        .sign_in(&admin.username, &admin.password, None)
        .unwrap();
    assert!(signed_in.capabilities.merge_patients);
    let itself = shell.merge_patients(&keep.id, &keep.id).unwrap_err();
    assert_eq!(itself.field.as_deref(), Some("duplicate"));
    let merge = shell.merge_patients(&keep.id, &dup.id).unwrap();
    let appointments = merge
        .moved
        .iter()
        .find(|m| m.table == "appointments")
        .expect("the duplicate's booking moved");
    assert_eq!(appointments.ids, vec![booked.id.clone()]);
    assert!(
        merge.moved.iter().all(|m| !m.ids.is_empty()),
        "empty tables left out"
    );
    let merged = shell.patient(&dup.id).unwrap();
    assert_eq!(merged.merged_into.as_deref(), Some(keep.id.as_str()));
    let restore_merged = shell.restore_patient(&dup.id).unwrap_err();
    assert_eq!(
        restore_merged.field.as_deref(),
        Some("patient"),
        "a merged record comes back by undoing the merge"
    );
    assert_eq!(shell.patient_merges(&dup.id).unwrap(), vec![merge.clone()]);
    assert_eq!(
        shell.patient_appointments(&keep.id).unwrap()[0]
            .appointment
            .id,
        booked.id,
        "the survivor now holds the booking"
    );

    let undone = shell.undo_merge(&merge.id).unwrap();
    assert!(undone.undone_at.is_some());
    assert!(shell.patient(&dup.id).unwrap().active);
    assert_eq!(
        shell.patient_appointments(&dup.id).unwrap()[0]
            .appointment
            .id,
        booked.id,
        "the booking went back"
    );
    let twice = shell.undo_merge(&merge.id).unwrap_err();
    assert_eq!(twice.field.as_deref(), Some("merge"));

    let archived = shell.archive_patient(&dup.id, "Registered twice").unwrap();
    assert!(!archived.active);
    assert!(shell.restore_patient(&dup.id).unwrap().active);
}
