//! Prescriptions (`src/clinical/prescriptions.rs`): the doctor's draft from today's visit,
//! the interaction the shipped table knows, the override a serious warning needs, the
//! number, cancelling and repeating; who may not.

use clinic_desktop::clinical::prescriptions::{
    PrescriptionDraftInput, PrescriptionItemInput, PrescriptionStatus, WarningKind, WarningSeverity,
};

use super::*;

fn item(
    drug: &str,
    strength: &str,
    dose: &str,
    frequency: &str,
    days: i64,
) -> PrescriptionItemInput {
    PrescriptionItemInput {
        drug: Some(drug.into()),
        strength: Some(strength.into()),
        dose: dose.into(),
        frequency: frequency.into(),
        duration_days: Some(days),
        substitution_allowed: true,
        ..PrescriptionItemInput::default()
    }
}

#[test]
fn a_doctor_prescribes_overrides_an_interaction_with_a_reason_and_cancels_and_repeats() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, DOCTOR);
    let found = shell.search_drugs("simva", 10).unwrap();
    assert!(
        found
            .iter()
            .any(|d| d.name == "simvastatin" && !d.strengths.is_empty()),
        "the starter catalogue has simvastatin with its strengths: {found:?}"
    );
    assert_eq!(
        shell
            .prescription_quantity("1 tablet", "tds", Some(7))
            .as_deref(),
        Some("21 tablets"),
        "the core's dose × frequency × days"
    );
    assert_eq!(
        shell.prescription_quantity("1 tablet", "as needed", Some(7)),
        None
    );

    let day = shell.doctors_day().unwrap();
    let visit = shell.open_visit(&day.waiting[0].appointment.id).unwrap();
    let patient = visit.patient_id.clone();
    let diagnosis = shell
        .add_diagnosis(
            &patient,
            Some(&visit.id),
            clinic_desktop::clinical::diagnoses::DiagnosisInput {
                code: Some("E78.5".into()),
                primary: true,
                ..Default::default()
            },
        )
        .unwrap();
    invalid(
        shell
            .new_prescription(
                &patient,
                PrescriptionDraftInput {
                    follow_up: Some("2020-01-01".into()),
                    ..PrescriptionDraftInput::default()
                },
            )
            .unwrap_err(),
        "follow_up",
    );
    let draft = shell
        .new_prescription(
            &patient,
            PrescriptionDraftInput {
                encounter_id: Some(visit.id.clone()),
                diagnosis_id: Some(diagnosis.id.clone()),
                follow_up: None,
            },
        )
        .unwrap();
    assert_eq!(draft.status, PrescriptionStatus::Draft);
    assert_eq!(draft.diagnosis_code.as_deref(), Some("E78.5"));
    invalid(
        shell
            .add_prescription_item(&draft.id, item("notadrug", "1 mg", "1 tablet", "od", 5))
            .unwrap_err(),
        "drug",
    );
    shell
        .add_prescription_item(
            &draft.id,
            item("simvastatin", "20 mg", "1 tablet", "nocte", 30),
        )
        .unwrap();
    let rx = shell
        .add_prescription_item(
            &draft.id,
            item("clarithromycin", "500 mg", "1 tablet", "bd", 7),
        )
        .unwrap();
    assert_eq!(rx.items.len(), 2);
    assert_eq!(rx.items[1].quantity.as_deref(), Some("14 tablets"));

    let warnings = shell.check_prescription(&draft.id).unwrap();
    let interaction = warnings
        .iter()
        .find(|w| w.kind == WarningKind::Interaction)
        .unwrap_or_else(|| panic!("a statin with a strong CYP3A4 inhibitor: {warnings:?}"));
    assert!(interaction.serious && interaction.severity == WarningSeverity::Serious);
    assert_eq!(interaction.items, vec![1, 2]);
    assert!(
        interaction.advice.contains("myopathy") && interaction.source.contains("Phansalkar"),
        "the table's advice and source come as their own fields: {interaction:?}"
    );
    invalid(
        shell.issue_prescription(&draft.id, None).unwrap_err(),
        "override_reason",
    );
    let issued = shell
        .issue_prescription(&draft.id, Some("Statin paused by the patient for the week"))
        .unwrap();
    assert_eq!(issued.status, PrescriptionStatus::Issued);
    let number = issued
        .number
        .clone()
        .expect("an issued prescription is numbered");
    assert!(number.starts_with("BR01"), "{number}");
    assert_eq!(
        issued.override_reason.as_deref(),
        Some("Statin paused by the patient for the week")
    );
    assert!(
        issued
            .warnings
            .iter()
            .any(|w| w.kind == WarningKind::Interaction)
    );
    invalid(
        shell.remove_prescription_item(&issued.id, 1).unwrap_err(),
        "prescription",
    );
    let chart = shell.chart(&patient).unwrap();
    assert!(
        chart
            .prescriptions
            .iter()
            .any(|p| p.number.as_deref() == Some(number.as_str())),
        "the chart lists the issued prescription"
    );
    assert_eq!(shell.prescription(&issued.id).unwrap(), issued);

    invalid(
        shell.cancel_prescription(&issued.id, " ").unwrap_err(),
        "reason",
    );
    let cancelled = shell
        .cancel_prescription(&issued.id, "Wrong strength")
        .unwrap();
    assert_eq!(cancelled.status, PrescriptionStatus::Cancelled);
    assert_eq!(cancelled.cancel_reason.as_deref(), Some("Wrong strength"));
    let again = shell.repeat_prescription(&issued.id).unwrap();
    assert_eq!(
        (again.status, again.items.len(), again.repeat_of.as_deref()),
        (PrescriptionStatus::Draft, 2, Some(issued.id.as_str()))
    );
    let fewer = shell.remove_prescription_item(&again.id, 2).unwrap();
    assert_eq!(fewer.items.len(), 1);
    let free = shell
        .add_prescription_item(
            &again.id,
            PrescriptionItemInput {
                free_text: Some("Herbal sleep tea".into()),
                dose: "1 cup".into(),
                frequency: "nocte".into(),
                substitution_allowed: true,
                ..PrescriptionItemInput::default()
            },
        )
        .unwrap();
    assert!(
        free.items
            .iter()
            .any(|i| i.free_text && i.drug_name == "Herbal sleep tea")
    );
    let list = shell.patient_prescriptions(&patient).unwrap();
    assert!(
        list.iter()
            .any(|p| p.id == again.id && p.status == PrescriptionStatus::Draft),
        "the prescriber sees their own draft in the list"
    );
}

#[test]
fn a_receptionist_or_a_nurse_cannot_prescribe_and_a_receptionist_cannot_read_them() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, DESK);
    let patient = patient_named(&shell, "amani njoroge");
    forbidden(
        shell
            .new_prescription(&patient, PrescriptionDraftInput::default())
            .unwrap_err(),
    );
    forbidden(shell.patient_prescriptions(&patient).unwrap_err());
    forbidden(shell.search_drugs("amox", 5).unwrap_err());

    sign_in_as(&shell, NURSE);
    forbidden(
        shell
            .new_prescription(&patient, PrescriptionDraftInput::default())
            .unwrap_err(),
    );
    assert!(
        shell.chart(&patient).unwrap().prescriptions.is_empty(),
        "a nurse's chart carries no prescriptions (no prescription_read)"
    );

    sign_in_as(&shell, DOCTOR);
    let list = shell.patient_prescriptions(&patient).unwrap();
    assert!(
        list.iter()
            .any(|p| p.status == PrescriptionStatus::Issued && p.number.is_some()),
        "the demo's past visits issued her prescriptions: {list:?}"
    );
}
