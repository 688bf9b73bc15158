//! The clinical record across workstations: a visit written at one branch is read whole
//! at another, and an allergy list from a workstation not yet upgraded is moved on apply.

use clinic_core::Role;
use clinic_core::clinical::allergies::AllergyInput;
use clinic_core::clinical::diagnoses::DiagnosisInput;
use clinic_core::clinical::notes::{NoteContent, NoteKind};
use clinic_core::clinical::vitals::VitalsInput;
use clinic_core::frontdesk::patients::PatientInput;

use crate::harness::{Server, Station};

#[test]
fn a_visit_written_at_one_branch_is_read_whole_at_another() {
    let server = Server::start();
    let mut north = Station::new("BR01", &server);
    let mut desk = north.staff("desk.n", Role::Receptionist);
    let patient = desk
        .register_patient(
            &PatientInput {
                given_name: "Amani".into(),
                family_name: "Njoroge".into(),
                date_of_birth: "1985-03-14".into(),
                sex: "male".into(),
                ..PatientInput::default()
            },
            false,
        )
        .unwrap()
        .id;
    desk.sync_now().unwrap();
    let mut doctor = north.staff("dr.n", Role::Doctor);
    let mut nurse = north.staff("nurse.n", Role::Nurse);
    let visit = doctor.open_walk_in(patient, "Cough").unwrap();
    let content = NoteContent {
        subjective: "Cough for three days.".into(),
        assessment: "Viral URTI.".into(),
        plan: "Fluids.".into(),
        ..NoteContent::default()
    };
    let note = doctor
        .write_note(visit.id, NoteKind::Soap, &content)
        .unwrap();
    doctor
        .revise_note(
            note.id,
            &NoteContent {
                assessment: "Viral URTI, no asthma.".into(),
                ..content.clone()
            },
        )
        .unwrap();
    doctor.sign_note(note.id).unwrap();
    nurse
        .record_vitals(
            patient,
            Some(visit.id),
            &VitalsInput {
                pulse: Some(84),
                temperature_c: Some(38.1),
                ..VitalsInput::default()
            },
        )
        .unwrap();
    nurse
        .add_allergy(
            patient,
            &AllergyInput {
                substance: "Penicillin".into(),
                severity: Some("severe".into()),
                ..AllergyInput::default()
            },
        )
        .unwrap();
    doctor
        .add_diagnosis(
            patient,
            Some(visit.id),
            &DiagnosisInput {
                code: Some("J06.9".into()),
                primary: true,
                ..DiagnosisInput::default()
            },
        )
        .unwrap();
    doctor.complete_encounter(visit.id).unwrap();
    nurse.sync_now().unwrap();
    doctor.sync_now().unwrap();

    let mut south = Station::new("BR02", &server);
    south.admin().sync_now().unwrap();
    let mut reader = south.staff("dr.s", Role::Doctor);
    reader.sync_now().unwrap();
    let chart = reader.chart(patient).unwrap();
    assert_eq!(chart.visits.len(), 1);
    assert_eq!(chart.visits[0].encounter.status, "completed");
    assert_eq!((chart.visits[0].notes, chart.visits[0].signed), (1, 1));
    assert_eq!(chart.allergies.len(), 1);
    assert_eq!(chart.allergies[0].substance, "Penicillin");
    assert_eq!(chart.diagnoses[0].code.as_deref(), Some("J06.9"));
    assert_eq!(
        chart.last_vitals.as_ref().unwrap().vitals.temperature_dc,
        Some(381)
    );
    let history = reader.note_history(note.id).unwrap();
    assert_eq!(history.len(), 2, "every version travels");
    assert_eq!(history[1].content.assessment, "Viral URTI, no asthma.");
    assert!(reader.note(note.id).unwrap().is_signed());
    // The other branch's doctor cannot touch it, here or at the server.
    assert!(
        reader.add_addendum(note.id, "seen").is_ok(),
        "any doctor may add an addendum"
    );
    assert!(reader.revise_note(note.id, &content).is_err());
    reader.sync_now().unwrap();
}

#[test]
fn an_allergy_list_from_a_workstation_not_yet_upgraded_is_moved_on_apply() {
    let server = Server::start();
    let mut north = Station::new("BR01", &server);
    let mut desk = north.staff("desk.n", Role::Receptionist);
    let patient = desk
        .register_patient(
            &PatientInput {
                given_name: "Fatuma".into(),
                family_name: "Ali".into(),
                date_of_birth: "1995-02-27".into(),
                sex: "female".into(),
                ..PatientInput::default()
            },
            false,
        )
        .unwrap()
        .id;
    desk.sync_now().unwrap();
    // A workstation still on the old schema edits the patient's allergy list: its change
    // reaches the log carrying the list.
    let device = desk.actor().device.to_string();
    let user = desk.actor().user.to_string();
    server.log_change(
        "patients",
        &patient.to_string(),
        &serde_json::json!({ "phone": "0726 771 093", "allergies": ["Sulfa", " ", "Latex"] }),
        &format!("{:016}-{:05}-{device}", 1_767_603_660_000u64, 0),
        &device,
        &user,
    );
    let mut south = Station::new("BR02", &server);
    south.admin().sync_now().unwrap();
    let mut nurse = south.staff("nurse.s", Role::Nurse);
    nurse.sync_now().unwrap();
    let allergies = nurse.allergies_of(patient).unwrap();
    let substances: Vec<&str> = allergies.iter().map(|a| a.substance.as_str()).collect();
    assert_eq!(substances, ["Latex", "Sulfa"], "moved, blanks dropped");
    assert!(
        allergies
            .iter()
            .all(|a| a.noted_by.is_none() && a.id.starts_with("legacy-"))
    );
    assert_eq!(
        nurse.patient(patient).unwrap().phone.as_deref(),
        Some("0726 771 093"),
        "the rest of the change applies as usual"
    );
    // Correcting a moved allergy syncs: the server accepts its first sight of it.
    let sulfa = allergies.iter().find(|a| a.substance == "Sulfa").unwrap();
    nurse
        .update_allergy(&sulfa.id, Some("Rash"), Some("moderate"), true)
        .unwrap();
    let report = nurse.sync_now().unwrap();
    assert_eq!(
        nurse.sync_status().unwrap().refused_changes,
        0,
        "{report:?}"
    );
}

/// A change stamped far ahead (a server with a wrong clock, or tampered with) is applied
/// by its merge rule, but the workstation's own clock does not jump to it: its later
/// pushes would all be refused as stamped in the future.
#[test]
fn a_pulled_change_stamped_far_ahead_does_not_drag_the_workstations_clock_with_it() {
    let server = Server::start();
    let mut north = Station::new("BR01", &server);
    let mut desk = north.staff("desk.n", Role::Receptionist);
    let patient = desk
        .register_patient(
            &PatientInput {
                given_name: "Juma".into(),
                family_name: "Hassan".into(),
                date_of_birth: "1958-12-08".into(),
                sex: "male".into(),
                ..PatientInput::default()
            },
            false,
        )
        .unwrap()
        .id;
    desk.sync_now().unwrap();
    let device = desk.actor().device.to_string();
    let user = desk.actor().user.to_string();
    // In 2100: ahead of the test clock and of the server's own.
    server.log_change(
        "patients",
        &patient.to_string(),
        &serde_json::json!({ "phone": "0790 334 876" }),
        &format!("{:016}-{:05}-{device}", 4_102_444_800_000u64, 0),
        &device,
        &user,
    );
    desk.sync_now().unwrap();
    desk.update_patient(
        patient,
        &PatientInput {
            given_name: "Juma".into(),
            family_name: "Hassan".into(),
            date_of_birth: "1958-12-08".into(),
            sex: "male".into(),
            email: Some("juma@example.org".into()),
            ..PatientInput::default()
        },
    )
    .unwrap();
    desk.sync_now().unwrap();
    assert_eq!(
        desk.sync_status().unwrap().refused_changes,
        0,
        "this workstation's own pushes are still accepted"
    );
}
