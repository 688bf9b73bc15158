//! The record saved as a FHIR bundle from the window's shell: written whole into the
//! chosen folder, never over a file unasked, refused to who may not read the chart.

use crate::clinical::{DESK, DOCTOR, demo_clinic, forbidden, invalid, patient_named, sign_in_as};

#[test]
fn a_doctor_saves_a_record_as_a_fhir_bundle_and_the_front_desk_may_not() {
    let (dir, shell) = demo_clinic();
    sign_in_as(&shell, DOCTOR);
    let patient = patient_named(&shell, "Amani Njoroge");
    let folder = dir.path().join("exports");
    std::fs::create_dir(&folder).unwrap();
    let folder_text = folder.display().to_string();
    let saved = shell
        .export_patient_fhir(&patient, &folder_text, "amani", false)
        .unwrap();
    assert!(saved.path.ends_with("amani.json"), "{saved:?}");
    let bundle: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&saved.path).unwrap()).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    let entries = bundle["entry"].as_array().unwrap();
    assert_eq!(entries.len(), saved.resources as usize);
    assert!(
        entries
            .iter()
            .any(|e| e["resource"]["resourceType"] == "Patient"),
        "the patient is in it"
    );
    invalid(
        shell
            .export_patient_fhir(&patient, &folder_text, "amani", false)
            .unwrap_err(),
        "file_name",
    );
    shell
        .export_patient_fhir(&patient, &folder_text, "amani.json", true)
        .unwrap();
    invalid(
        shell
            .export_patient_fhir("not-an-id", &folder_text, "x", false)
            .unwrap_err(),
        "patient",
    );
    assert_eq!(
        std::fs::read_dir(&folder).unwrap().count(),
        1,
        "no partial file is left beside it"
    );
    shell.sign_out();

    sign_in_as(&shell, DESK);
    forbidden(
        shell
            .export_patient_fhir(&patient, &folder_text, "desk", false)
            .unwrap_err(),
    );
    assert!(
        !folder.join("desk.json").exists(),
        "a refused export writes nothing"
    );
}
