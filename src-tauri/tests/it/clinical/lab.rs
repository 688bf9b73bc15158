//! The laboratory (`src/clinical/lab.rs`): a doctor orders potassium, the lab collects a
//! sample, finds it by its scanned number, enters a high and a critical value, a second
//! lab technician verifies, the doctor sees the flags, the notification and the report;
//! who may not.

use clinic_desktop::clinical::lab::{LabFlag, LabOrderInput, LabResultType};
use clinic_desktop::documents::DocumentRef;

use super::*;

const LAB: &str = "lab.chen";
const LAB_TWO: &str = "lab.owino";
const POTASSIUM: &str = "2823-3";
const HAEMOGLOBIN: &str = "718-7";

fn order(shell: &Shell, patient: &str) -> clinic_desktop::clinical::lab::LabOrder {
    shell
        .order_lab(
            patient,
            LabOrderInput {
                codes: vec![POTASSIUM.into(), HAEMOGLOBIN.into()],
                priority: Some("urgent".into()),
                note: Some("on ACE inhibitor".into()),
                ..LabOrderInput::default()
            },
        )
        .unwrap()
}

#[test]
fn a_doctor_orders_the_lab_enters_and_a_second_technician_verifies_and_the_doctor_is_told() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, DOCTOR);
    let catalogue = shell.lab_catalogue().unwrap();
    assert!(
        catalogue
            .tests
            .iter()
            .any(|t| t.code == POTASSIUM && t.result_type == LabResultType::Numeric),
        "the starter catalogue has potassium as a numeric test"
    );
    assert!(
        catalogue
            .panels
            .iter()
            .any(|p| p.tests.contains(&POTASSIUM.to_string())),
        "a panel (the basic metabolic panel) carries potassium"
    );
    let patient = patient_named(&shell, "amani njoroge");
    invalid(
        shell
            .order_lab(
                &patient,
                LabOrderInput {
                    codes: vec![],
                    ..LabOrderInput::default()
                },
            )
            .unwrap_err(),
        "codes",
    );
    let ordered = order(&shell, &patient);
    assert!(ordered.number.starts_with("L-"), "{ordered:?}");
    assert_eq!(ordered.tests.len(), 2, "the two tests copied on the order");

    sign_in_as(&shell, LAB);
    let worklist = shell.lab_worklist().unwrap();
    assert_eq!(
        worklist.first().map(|row| row.order.id.as_str()),
        Some(ordered.id.as_str()),
        "the urgent order heads the branch's worklist"
    );
    assert_eq!(
        worklist[0].patient_name, "Amani Njoroge",
        "the worklist names whose order it is, without the window reading each patient"
    );
    let sample = shell.collect_sample(&ordered.id, None).unwrap();
    assert!(sample.number.starts_with("S-"), "{sample:?}");
    let label = shell
        .document_page(&DocumentRef::LabLabel(sample.id.clone()), 1)
        .unwrap();
    assert_eq!(label.pages, 1, "a sample's label is one page");
    let scanned = shell
        .sample_by_number(&format!(" {} ", sample.number.to_lowercase()))
        .unwrap();
    assert_eq!(
        scanned.sample.id, sample.id,
        "a scanned number opens the sample"
    );
    assert_eq!(scanned.order.id, ordered.id);
    invalid(shell.sample_by_number("S-NOPE").unwrap_err(), "number");

    let high = shell
        .enter_lab_result(&sample.id, HAEMOGLOBIN, "18.2", None)
        .unwrap();
    assert_eq!(high.flag, Some(LabFlag::High), "{high:?}");
    let critical = shell
        .enter_lab_result(&sample.id, POTASSIUM, "6.9", Some("repeat: not haemolysed"))
        .unwrap();
    assert_eq!(critical.flag, Some(LabFlag::CriticalHigh), "{critical:?}");
    assert_eq!(critical.unit, "mmol/L");
    invalid(
        shell
            .enter_lab_result(&sample.id, POTASSIUM, "lots", None)
            .unwrap_err(),
        "value",
    );
    let own = shell.verify_lab_result(&critical.id).unwrap_err();
    invalid(own, "result");

    sign_in_as(&shell, LAB_TWO);
    let verified = shell.verify_lab_result(&critical.id).unwrap();
    assert!(verified.verified_at.is_some(), "{verified:?}");
    shell.verify_lab_result(&high.id).unwrap();
    assert!(
        shell
            .lab_worklist()
            .unwrap()
            .iter()
            .all(|row| row.order.id != ordered.id),
        "an order whose every test is verified leaves the worklist"
    );

    sign_in_as(&shell, DOCTOR);
    let orders = shell.patient_lab_orders(&patient).unwrap();
    let mine = orders.iter().find(|o| o.id == ordered.id).unwrap();
    assert!(mine.complete, "both results verified: {mine:?}");
    assert!(
        mine.results
            .iter()
            .any(|r| r.test_code == POTASSIUM && r.flag == Some(LabFlag::CriticalHigh)),
        "the doctor sees the critical flag the core gave"
    );
    let told = shell.notifications(true).unwrap();
    assert!(
        told.iter().any(|n| n.kind == "lab_critical"
            && n.entity_id.as_deref() == Some(critical.id.as_str())
            && n.title.contains("6.9")),
        "a critical value notifies the ordering doctor: {told:?}"
    );
    let report = shell
        .document_page(&DocumentRef::LabReport(ordered.id.clone()), 1)
        .unwrap();
    assert!(report.pages >= 1);
}

#[test]
fn a_receptionist_cannot_read_or_order_a_doctor_cannot_enter_and_a_rejection_needs_a_reason() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, DESK);
    let patient = patient_named(&shell, "amani njoroge");
    forbidden(shell.lab_catalogue().unwrap_err());
    forbidden(shell.patient_lab_orders(&patient).unwrap_err());
    forbidden(
        shell
            .order_lab(
                &patient,
                LabOrderInput {
                    codes: vec![POTASSIUM.into()],
                    ..LabOrderInput::default()
                },
            )
            .unwrap_err(),
    );
    forbidden(shell.lab_worklist().unwrap_err());

    sign_in_as(&shell, DOCTOR);
    let ordered = order(&shell, &patient);
    forbidden(shell.lab_worklist().unwrap_err());
    forbidden(shell.collect_sample(&ordered.id, None).unwrap_err());

    sign_in_as(&shell, LAB);
    forbidden(
        shell
            .order_lab(
                &patient,
                LabOrderInput {
                    codes: vec![POTASSIUM.into()],
                    ..LabOrderInput::default()
                },
            )
            .unwrap_err(),
    );
    let sample = shell.collect_sample(&ordered.id, None).unwrap();
    invalid(shell.reject_sample(&sample.id, "  ").unwrap_err(), "reason");
    let rejected = shell.reject_sample(&sample.id, "haemolysed").unwrap();
    assert_eq!(rejected.status, "rejected");
    assert_eq!(rejected.reject_reason.as_deref(), Some("haemolysed"));
    invalid(
        shell
            .enter_lab_result(&sample.id, POTASSIUM, "4.0", None)
            .unwrap_err(),
        "sample",
    );

    forbidden(
        shell
            .cancel_lab_order(&ordered.id, "not needed")
            .unwrap_err(),
    );

    sign_in_as(&shell, DOCTOR);
    forbidden(
        shell
            .enter_lab_result(&sample.id, POTASSIUM, "4.0", None)
            .unwrap_err(),
    );
}

#[test]
fn a_doctor_cancels_an_order_with_a_reason_and_it_leaves_the_worklist() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, DOCTOR);
    let patient = patient_named(&shell, "amani njoroge");
    let ordered = order(&shell, &patient);
    invalid(
        shell.cancel_lab_order(&ordered.id, " ").unwrap_err(),
        "reason",
    );
    let cancelled = shell
        .cancel_lab_order(&ordered.id, "ordered on the wrong visit")
        .unwrap();
    assert_eq!(cancelled.status, "cancelled");
    assert_eq!(
        cancelled.cancel_reason.as_deref(),
        Some("ordered on the wrong visit")
    );
    invalid(
        shell.cancel_lab_order(&ordered.id, "again").unwrap_err(),
        "order",
    );
    sign_in_as(&shell, LAB);
    assert!(
        shell
            .lab_worklist()
            .unwrap()
            .iter()
            .all(|row| row.order.id != ordered.id),
        "a cancelled order leaves the lab's worklist"
    );
    invalid(
        shell.collect_sample(&ordered.id, None).unwrap_err(),
        "order",
    );
}

#[test]
fn an_administrator_checks_then_imports_the_clinics_own_tests_and_a_doctor_may_not() {
    let (_dir, shell) = demo_clinic();
    let tests = "code,name,specimen,unit,type,choices,price_minor\n\
                 CLN-LACT,Lactate,plasma,mmol/L,numeric,,1500\n\
                 bad code,Bad,,,numeric,,0\n";
    let ranges = "code,sex,age_from,age_to,low,high,critical_low,critical_high\n\
                  CLN-LACT,any,18y,,0.5,2.2,,4.0\n";
    sign_in_as(&shell, DOCTOR);
    forbidden(
        shell
            .import_lab_catalogue(Some(tests), Some(ranges), None, true)
            .unwrap_err(),
    );
    shell.sign_out();
    sign_in_as(&shell, ADMIN);
    let check = shell
        .import_lab_catalogue(Some(tests), Some(ranges), Some(""), true)
        .unwrap();
    assert!(check.dry_run);
    assert_eq!((check.tests, check.ranges, check.panels), (1, 1, 0));
    assert_eq!(check.rejected.len(), 1);
    assert_eq!(
        (check.rejected[0].file.as_str(), check.rejected[0].line),
        ("tests", 3)
    );
    shell.sign_out();
    sign_in_as(&shell, DOCTOR);
    assert!(
        !shell
            .lab_catalogue()
            .unwrap()
            .tests
            .iter()
            .any(|t| t.code == "CLN-LACT"),
        "a dry run writes nothing"
    );
    shell.sign_out();
    sign_in_as(&shell, ADMIN);
    let done = shell
        .import_lab_catalogue(Some(tests), Some(ranges), None, false)
        .unwrap();
    assert!(!done.dry_run);
    shell.sign_out();
    sign_in_as(&shell, DOCTOR);
    assert!(
        shell
            .lab_catalogue()
            .unwrap()
            .tests
            .iter()
            .any(|t| t.code == "CLN-LACT" && t.name == "Lactate")
    );
}
