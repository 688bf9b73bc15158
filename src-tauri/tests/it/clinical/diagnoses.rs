//! ICD-10-CM search and diagnoses (`src/clinical/diagnoses.rs`).

use clinic_desktop::clinical::diagnoses::DiagnosisInput;

use super::*;

#[test]
fn a_doctor_finds_a_code_by_words_records_it_and_resolves_or_archives_diagnoses() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, DOCTOR);
    let found = shell.search_diagnosis_codes("diabetes type 2", 20).unwrap();
    assert!(
        found.iter().any(|c| c.code == "E11.9"),
        "words in any order find E11.9: {found:?}"
    );
    assert!(shell.search_diagnosis_codes("", 20).unwrap().is_empty());
    let day = shell.doctors_day().unwrap();
    let visit = shell.open_visit(&day.waiting[0].appointment.id).unwrap();
    let patient = visit.patient_id.clone();

    invalid(
        shell
            .add_diagnosis(
                &patient,
                Some(&visit.id),
                DiagnosisInput {
                    code: Some("Q99.99".into()),
                    ..DiagnosisInput::default()
                },
            )
            .unwrap_err(),
        "code",
    );
    invalid(
        shell
            .add_diagnosis(&patient, None, DiagnosisInput::default())
            .unwrap_err(),
        "title",
    );
    let coded = shell
        .add_diagnosis(
            &patient,
            Some(&visit.id),
            DiagnosisInput {
                code: Some("e119".into()),
                primary: true,
                chronic: true,
                onset: Some("2025-11-01".into()),
                ..DiagnosisInput::default()
            },
        )
        .unwrap();
    assert_eq!(coded.code.as_deref(), Some("E11.9"));
    assert_eq!(
        coded.title,
        "Type 2 diabetes mellitus without complications"
    );
    assert!(coded.primary && coded.chronic && !coded.resolved && !coded.archived);
    assert_eq!(coded.encounter_id.as_deref(), Some(visit.id.as_str()));
    let free = shell
        .add_diagnosis(
            &patient,
            Some(&visit.id),
            DiagnosisInput {
                title: Some("Worried about weight".into()),
                ..DiagnosisInput::default()
            },
        )
        .unwrap();
    assert_eq!((free.code, free.primary), (None, false));

    assert!(
        shell
            .set_diagnosis_resolved(&free.id, true)
            .unwrap()
            .resolved
    );
    assert!(
        !shell
            .set_diagnosis_chronic(&coded.id, false)
            .unwrap()
            .chronic
    );
    invalid(
        shell.archive_diagnosis(&free.id, " ").unwrap_err(),
        "reason",
    );
    let archived = shell
        .archive_diagnosis(&free.id, "Not a diagnosis")
        .unwrap();
    assert!(archived.archived);
    invalid(
        shell.set_diagnosis_chronic(&free.id, true).unwrap_err(),
        "diagnosis",
    );
    let all = shell.patient_diagnoses(&patient).unwrap();
    assert!(all.iter().any(|d| d.id == free.id && d.archived), "kept");

    sign_in_as(&shell, NURSE);
    forbidden(
        shell
            .add_diagnosis(
                &patient,
                None,
                DiagnosisInput {
                    code: Some("I10".into()),
                    ..DiagnosisInput::default()
                },
            )
            .unwrap_err(),
    );
    forbidden(shell.set_diagnosis_resolved(&coded.id, true).unwrap_err());
    sign_in_as(&shell, DESK);
    forbidden(shell.search_diagnosis_codes("asthma", 5).unwrap_err());
    forbidden(shell.patient_diagnoses(&patient).unwrap_err());
}
