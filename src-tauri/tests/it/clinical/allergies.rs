//! Allergies (`src/clinical/allergies.rs`).

use clinic_desktop::clinical::allergies::AllergyInput;

use super::*;

#[test]
fn a_nurse_adds_an_allergy_marks_it_inactive_and_archives_one_entered_in_error() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, NURSE);
    let patient = patient_named(&shell, "wanjiku mwangi");
    let input = |substance: &str, severity: &str| AllergyInput {
        substance: substance.into(),
        reaction: Some("Hives".into()),
        severity: Some(severity.into()),
        ..AllergyInput::default()
    };
    invalid(
        shell
            .add_allergy(&patient, input("Latex", "deadly"))
            .unwrap_err(),
        "severity",
    );
    invalid(
        shell.add_allergy(&patient, input("", "mild")).unwrap_err(),
        "substance",
    );
    let latex = shell
        .add_allergy(&patient, input("Latex", "severe"))
        .unwrap();
    assert_eq!((latex.severity.as_str(), latex.inactive), ("severe", false));
    assert_eq!(latex.noted_by_name.as_deref(), Some(NURSE));
    invalid(
        shell
            .add_allergy(&patient, input("latex", "mild"))
            .unwrap_err(),
        "substance",
    );
    let peanuts = shell
        .add_allergy(&patient, input("Peanuts", "mild"))
        .unwrap();

    let inactive = shell
        .update_allergy(&latex.id, Some("Hives"), Some("severe"), false)
        .unwrap();
    assert!(inactive.inactive && !inactive.archived);
    invalid(
        shell.archive_allergy(&peanuts.id, "").unwrap_err(),
        "reason",
    );
    let archived = shell.archive_allergy(&peanuts.id, "Wrong patient").unwrap();
    assert!(archived.archived);
    invalid(
        shell
            .update_allergy(&peanuts.id, None, None, true)
            .unwrap_err(),
        "allergy",
    );
    let list = shell.patient_allergies(&patient).unwrap();
    assert_eq!(list.len(), 2, "nothing is deleted");
    sign_in_as(&shell, DOCTOR);
    assert!(
        shell.chart(&patient).unwrap().allergies.is_empty(),
        "the chart warns of current allergies only"
    );

    sign_in_as(&shell, DESK);
    forbidden(shell.patient_allergies(&patient).unwrap_err());
    forbidden(
        shell
            .add_allergy(&patient, input("Dust", "mild"))
            .unwrap_err(),
    );
}
