//! The laboratory: ordering from the catalogue, the branch's worklist, samples, results
//! flagged by the patient's sex and age, second-person verification, corrections kept,
//! critical values notifying the ordering doctor, and who may do what.

use clinic_core::clinical::lab::LabOrderInput;
use clinic_core::clinical::lab::catalogue::Flag;
use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::ids::PatientId;
use clinic_core::{Code, Role, Session};

use crate::support::Clinic;

struct Lab {
    clinic: Clinic,
    doctor: Session,
    tech: Session,
    patient: PatientId,
}

fn lab(sex: &str, birth: &str) -> Lab {
    let mut clinic = Clinic::new();
    for (name, role) in [
        ("desk", Role::Receptionist),
        ("dr.lab", Role::Doctor),
        ("nurse", Role::Nurse),
        ("tech.one", Role::LabTechnician),
        ("tech.two", Role::LabTechnician),
    ] {
        clinic.add_user(name, role);
    }
    let patient = clinic
        .sign_in("desk")
        .register_patient(
            &PatientInput {
                given_name: "Amani".into(),
                family_name: "Otieno".into(),
                date_of_birth: birth.into(),
                sex: sex.into(),
                ..PatientInput::default()
            },
            false,
        )
        .unwrap()
        .id;
    Lab {
        doctor: clinic.sign_in("dr.lab"),
        tech: clinic.sign_in("tech.one"),
        clinic,
        patient,
    }
}

fn order(l: &mut Lab, codes: &[&str]) -> clinic_core::clinical::lab::LabOrder {
    l.doctor
        .order_lab(
            l.patient,
            &LabOrderInput {
                codes: codes.iter().map(|c| (*c).to_owned()).collect(),
                priority: Some("urgent".into()),
                note: Some("Weak, on diuretics".into()),
                ..LabOrderInput::default()
            },
        )
        .unwrap()
}

#[test]
fn lab_a_doctor_orders_a_panel_and_the_lab_collects_enters_and_a_second_person_verifies() {
    let mut l = lab("male", "1980-03-01");
    let o = order(&mut l, &["58410-2", "2823-3", "718-7"]);
    assert!(o.number.starts_with("L-BR01-"), "{}", o.number);
    assert_eq!(
        o.tests.len(),
        11,
        "the panel's ten tests and potassium, haemoglobin once"
    );
    let worklist = l.tech.lab_worklist().unwrap();
    assert_eq!(worklist.len(), 1);
    assert_eq!(worklist[0].order.priority, "urgent");
    assert_eq!(
        worklist[0].patient.name, "Amani Otieno",
        "the worklist names whose sample it is"
    );

    let sample = l.tech.collect_sample(o.id, None).unwrap();
    assert!(sample.number.starts_with("S-BR01-"));
    assert_eq!(sample.specimen, "blood (EDTA)");
    let (found, _) = l
        .tech
        .sample_by_number(&sample.number.to_lowercase())
        .unwrap();
    assert_eq!(found.id, sample.id, "a scanned label opens its sample");

    let hb = l
        .tech
        .enter_lab_result(sample.id, "718-7", "18.2", None)
        .unwrap();
    assert_eq!(
        (hb.flag, hb.range_text.as_str(), hb.unit.as_str()),
        (Some(Flag::High), "13.5–17.5", "g/dL")
    );
    let e = l.tech.verify_lab_result(hb.id).unwrap_err();
    assert!(e.to_string().contains("second person"), "{e}");
    let mut second = l.clinic.sign_in("tech.two");
    let verified = second.verify_lab_result(hb.id).unwrap();
    assert!(verified.is_final());
    assert_eq!(
        second.verify_lab_result(hb.id).unwrap_err().code(),
        Code::Validation,
        "verified once"
    );

    let results = l.doctor.lab_results_of(l.patient).unwrap();
    assert_eq!(results.len(), 1);
    assert!(results[0].is_final());
    assert_eq!(
        l.clinic.count_audit(&format!(
            "action = 'record.lab' AND patient_id = '{}'",
            l.patient
        )),
        2,
        "the scanned label's read and the doctor's are both audited"
    );
    for bad in [("2823-3", "4,1"), ("718-7", "high"), ("1742-6", "30")] {
        let e = l
            .tech
            .enter_lab_result(sample.id, bad.0, bad.1, None)
            .unwrap_err();
        assert_eq!(e.code(), Code::Validation, "{bad:?}: {e}");
    }
}

#[test]
fn lab_a_critical_value_notifies_the_ordering_doctor_at_once_and_a_correction_keeps_the_original() {
    let mut l = lab("female", "1990-07-10");
    let o = order(&mut l, &["2823-3"]);
    let sample = l.tech.collect_sample(o.id, None).unwrap();
    let first = l
        .tech
        .enter_lab_result(sample.id, "2823-3", "6.8", None)
        .unwrap();
    assert_eq!(first.flag, Some(Flag::CriticalHigh));
    let notes = l.doctor.notifications(true).unwrap();
    let critical = notes
        .iter()
        .find(|n| n.kind == "lab_critical")
        .expect("the ordering doctor is told");
    assert!(
        critical.title.contains("Potassium 6.8 mmol/L"),
        "{}",
        critical.title
    );
    assert!(critical.body.contains("Amani Otieno"), "{}", critical.body);

    // The sample was haemolysed: the correction is version 2, the first kept.
    let second = l
        .tech
        .enter_lab_result(sample.id, "2823-3", "4.1", Some("repeat after haemolysis"))
        .unwrap();
    assert_eq!((second.version, second.flag), (2, Some(Flag::Normal)));
    let results = l.doctor.lab_results_of(l.patient).unwrap();
    assert_eq!(results.len(), 2);
    assert!(results[0].superseded && results[0].value == "6.8");
    let mut other = l.clinic.sign_in("tech.two");
    let e = other.verify_lab_result(first.id).unwrap_err();
    assert!(e.to_string().contains("latest version"), "{e}");
    other.verify_lab_result(second.id).unwrap();
    let raw: i64 = l
        .clinic
        .admin
        .raw_connection()
        .unwrap()
        .query_row("SELECT count(*) FROM lab_results", [], |r| r.get(0))
        .unwrap();
    assert_eq!(raw, 2);
    let e = l
        .clinic
        .admin
        .raw_connection()
        .unwrap()
        .execute("UPDATE lab_results SET value = '5.0'", [])
        .unwrap_err();
    assert!(e.to_string().contains("never changed"), "{e}");
}

#[test]
fn lab_only_doctors_order_only_lab_technicians_enter_and_a_rejected_sample_takes_no_result() {
    let mut l = lab("male", "2010-01-01");
    for who in ["nurse", "desk", "tech.one"] {
        let mut s = l.clinic.sign_in(who);
        let e = s
            .order_lab(
                l.patient,
                &LabOrderInput {
                    codes: vec!["2823-3".into()],
                    ..LabOrderInput::default()
                },
            )
            .unwrap_err();
        assert_eq!(e.code(), Code::Forbidden, "{who}");
    }
    let e = l
        .doctor
        .order_lab(
            l.patient,
            &LabOrderInput {
                codes: vec!["NOPE-1".into()],
                ..LabOrderInput::default()
            },
        )
        .unwrap_err();
    assert!(e.to_string().contains("NOPE-1"), "{e}");
    let o = order(&mut l, &["2823-3"]);
    assert_eq!(
        l.doctor.collect_sample(o.id, None).unwrap_err().code(),
        Code::Forbidden
    );
    let sample = l.tech.collect_sample(o.id, None).unwrap();
    assert_eq!(
        l.doctor
            .enter_lab_result(sample.id, "2823-3", "4.0", None)
            .unwrap_err()
            .code(),
        Code::Forbidden
    );
    let mut desk = l.clinic.sign_in("desk");
    assert_eq!(
        desk.lab_orders_of(l.patient).unwrap_err().code(),
        Code::Forbidden
    );
    let rejected = l.tech.reject_sample(sample.id, "clotted").unwrap();
    assert_eq!(rejected.reject_reason.as_deref(), Some("clotted"));
    let e = l
        .tech
        .enter_lab_result(sample.id, "2823-3", "4.0", None)
        .unwrap_err();
    assert!(e.to_string().contains("rejected"), "{e}");
    // A boy of 16: potassium has one range from his first birthday.
    let fresh = l.tech.collect_sample(o.id, None).unwrap();
    let k = l
        .tech
        .enter_lab_result(fresh.id, "2823-3", "3.6", None)
        .unwrap();
    assert_eq!(
        (k.flag, k.range_text.as_str()),
        (Some(Flag::Normal), "3.5–5.1")
    );
    // A resulted order is not cancelled; an order without results is.
    assert!(l.doctor.cancel_lab_order(o.id, "duplicate").is_err());
    let spare = order(&mut l, &["718-7"]);
    let cancelled = l.doctor.cancel_lab_order(spare.id, "duplicate").unwrap();
    assert_eq!(cancelled.status, "cancelled");
    assert!(l.tech.collect_sample(spare.id, None).is_err());
}

#[test]
fn lab_the_report_and_the_label_print_for_whom_they_are_for() {
    use clinic_core::documents::DocumentRef;
    let mut l = lab("female", "1990-07-10");
    let o = order(&mut l, &["2823-3", "718-7"]);
    let sample = l.tech.collect_sample(o.id, None).unwrap();
    let k = l
        .tech
        .enter_lab_result(sample.id, "2823-3", "6.8", None)
        .unwrap();
    l.clinic
        .sign_in("tech.two")
        .verify_lab_result(k.id)
        .unwrap();
    let label = l.tech.document(DocumentRef::LabLabel(sample.id)).unwrap();
    assert_eq!(label.title, format!("Sample label {}", sample.number));
    assert_eq!(
        l.doctor
            .document(DocumentRef::LabLabel(sample.id))
            .unwrap_err()
            .code(),
        Code::Forbidden,
        "labels are the lab's"
    );
    let report = l.doctor.document(DocumentRef::LabReport(o.id)).unwrap();
    assert!(report.pdf.starts_with(b"%PDF"));
    assert_eq!(report.file_name, format!("lab-report-{}.pdf", o.number));
    let mut desk = l.clinic.sign_in("desk");
    assert_eq!(
        desk.document(DocumentRef::LabReport(o.id))
            .unwrap_err()
            .code(),
        Code::Forbidden
    );
}
