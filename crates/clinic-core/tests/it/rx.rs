//! Prescriptions: the drug catalogue, the offline checks, issuing, cancelling, repeating,
//! who may do what, and the administrator's CSV imports.

use clinic_core::clinical::allergies::AllergyInput;
use clinic_core::clinical::diagnoses::DiagnosisInput;
use clinic_core::clinical::prescriptions::{DraftInput, ItemInput};
use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::ids::{PatientId, PrescriptionId};
use clinic_core::{Code, NewUser, Role, Session};

use crate::support::{Clinic, password_of};

struct Rx {
    clinic: Clinic,
    doctor: Session,
    patient: PatientId,
}

fn item(drug: &str, dose: &str, frequency: &str, days: i64) -> ItemInput {
    ItemInput {
        drug: Some(drug.into()),
        dose: dose.into(),
        frequency: frequency.into(),
        duration_days: Some(days),
        ..ItemInput::default()
    }
}

impl Rx {
    fn new() -> Rx {
        let mut clinic = Clinic::new();
        for (name, role) in [
            ("desk", Role::Receptionist),
            ("dr.gp", Role::Doctor),
            ("nurse", Role::Nurse),
            ("pharm", Role::Pharmacist),
        ] {
            clinic.add_user(name, role);
        }
        let mut desk = clinic.sign_in("desk");
        let patient = desk
            .register_patient(
                &PatientInput {
                    given_name: "Wanjiku".into(),
                    family_name: "Mwangi".into(),
                    date_of_birth: "1992-07-02".into(),
                    sex: "female".into(),
                    ..PatientInput::default()
                },
                false,
            )
            .unwrap()
            .id;
        let doctor = clinic.sign_in("dr.gp");
        Rx {
            clinic,
            doctor,
            patient,
        }
    }

    fn draft(&mut self, items: &[ItemInput]) -> PrescriptionId {
        let rx = self
            .doctor
            .new_prescription(self.patient, &DraftInput::default())
            .unwrap();
        for i in items {
            self.doctor.add_prescription_item(rx.id, i).unwrap();
        }
        rx.id
    }
}

#[test]
fn rx_the_starter_catalogue_is_there_offline_with_ingredients_and_classes() {
    let mut r = Rx::new();
    let amox = r
        .doctor
        .drug("Amoxicillin")
        .unwrap()
        .expect("amoxicillin ships");
    assert!(amox.classes.contains(&"penicillins".to_owned()));
    assert_eq!(
        r.doctor
            .drug("amoxicillin/clavulanate")
            .unwrap()
            .unwrap()
            .ingredients
            .len(),
        2
    );
    let penicillins = r.doctor.search_drugs("penicillins", 50).unwrap();
    assert!(
        penicillins.len() >= 4,
        "a class finds its drugs: {penicillins:?}"
    );
    assert!(
        r.doctor
            .interactions()
            .unwrap()
            .iter()
            .all(|i| i.source.contains("Phansalkar"))
    );
}

#[test]
fn rx_allergy_duplicate_and_interaction_checks_fire_and_serious_ones_need_a_reason() {
    let mut r = Rx::new();
    r.doctor
        .add_allergy(
            r.patient,
            &AllergyInput {
                substance: "Penicillin".into(),
                severity: Some("severe".into()),
                ..AllergyInput::default()
            },
        )
        .unwrap();
    let id = r.draft(&[
        item("amoxicillin", "1 capsule", "tds", 7),
        item("clarithromycin", "1 tablet", "bd", 7),
        item("simvastatin", "1 tablet", "nocte", 30),
        item("ibuprofen", "1 tablet", "tds", 5),
        item("naproxen", "1 tablet", "bd", 5),
    ]);
    let rx = r.doctor.prescription(id).unwrap();
    assert_eq!(
        rx.items[0].quantity.as_deref(),
        Some("21 capsules"),
        "1 × tds × 7 days"
    );
    let warnings = r.doctor.check_prescription(id).unwrap();
    let kinds = |k: &str| warnings.iter().filter(|w| w.kind == k).count();
    assert!(
        warnings
            .iter()
            .any(|w| w.kind == "allergy" && w.items == vec![1] && w.is_serious()),
        "a penicillin allergy meets amoxicillin through its class: {warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.kind == "interaction" && w.items == vec![2, 3] && w.is_serious()),
        "simvastatin with clarithromycin (a strong CYP3A4 inhibitor), by class: {warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.kind == "duplicate" && w.items == vec![4, 5]),
        "two NSAIDs: {warnings:?}"
    );
    assert_eq!(kinds("allergy"), 1);

    let refused = r.doctor.issue_prescription(id, None).unwrap_err();
    assert_eq!(refused.code(), Code::Validation);
    assert!(refused.to_string().contains("reason"), "{refused}");
    assert_eq!(
        r.doctor
            .issue_prescription(id, Some("   "))
            .unwrap_err()
            .code(),
        Code::Validation,
        "a blank reason is none"
    );
    assert_eq!(
        r.doctor.prescription(id).unwrap().status,
        "draft",
        "nothing was issued"
    );

    let issued = r
        .doctor
        .issue_prescription(id, Some("Allergy disproved by skin test; statin paused"))
        .unwrap();
    assert_eq!(issued.status, "issued");
    assert!(issued.override_reason.is_some());
    assert_eq!(
        issued.warnings.len(),
        warnings.len(),
        "the warnings shown are kept with it"
    );
    assert_eq!(
        r.clinic.count_audit(&format!(
            "action = 'prescription.override' AND patient_id = '{}'",
            r.patient
        )),
        1,
        "the override is audited"
    );
    let chart = r.doctor.chart(r.patient).unwrap();
    assert_eq!(chart.prescriptions.len(), 1);
    assert!(
        chart.prescriptions[0].override_reason.is_some()
            && !chart.prescriptions[0].warnings.is_empty(),
        "the chart shows the override and what it overrode"
    );
    let mut nurse = r.clinic.sign_in("nurse");
    assert!(
        nurse.chart(r.patient).unwrap().prescriptions.is_empty(),
        "a nurse's chart has no prescriptions (no prescription_read)"
    );
}

#[test]
fn rx_a_new_prescription_is_checked_against_the_patients_other_active_ones() {
    let mut r = Rx::new();
    let first = r.draft(&[item("warfarin", "1 tablet", "od", 90)]);
    r.doctor.issue_prescription(first, None).unwrap();
    let second = r.draft(&[item("diclofenac", "1 tablet", "tds", 5)]);
    let warnings = r.doctor.check_prescription(second).unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.kind == "interaction" && w.message.contains("warfarin")),
        "warfarin (still being taken) with an NSAID: {warnings:?}"
    );
}

#[test]
fn rx_an_issued_prescription_is_numbered_frozen_cancelled_with_a_reason_and_repeated() {
    let mut r = Rx::new();
    let a = r.draft(&[item("paracetamol", "2 tablet", "qds", 3)]);
    let a = r.doctor.issue_prescription(a, None).unwrap();
    let b = r.draft(&[item("metformin", "1 tablet", "bd", 30)]);
    let b = r.doctor.issue_prescription(b, None).unwrap();
    let (na, nb) = (a.number.clone().unwrap(), b.number.clone().unwrap());
    assert!(na.starts_with("BR01-") && na != nb, "{na} {nb}");
    assert_eq!(
        a.items[0].id,
        format!("{}-1", a.id),
        "items take ids from their position"
    );
    assert_eq!(a.items[0].quantity.as_deref(), Some("24 tablets"));

    for refused in [
        r.doctor
            .add_prescription_item(a.id, &item("ibuprofen", "1 tablet", "tds", 3))
            .unwrap_err(),
        r.doctor.issue_prescription(a.id, None).unwrap_err(),
        r.doctor.remove_prescription_item(a.id, 1).unwrap_err(),
    ] {
        assert_eq!(refused.code(), Code::Validation);
        assert!(refused.to_string().contains("immutable"), "{refused}");
    }
    let raw = r.doctor.raw_connection().unwrap();
    assert!(
        raw.execute(
            "UPDATE prescriptions SET follow_up = '2030-01-01' WHERE id = ?1",
            [a.id.to_string()]
        )
        .is_err(),
        "the trigger refuses editing an issued prescription"
    );
    assert!(
        raw.execute(
            "UPDATE prescription_items SET dose = '9 tablet' WHERE prescription_id = ?1",
            [a.id.to_string()]
        )
        .is_err()
    );
    assert!(
        raw.execute(
            "DELETE FROM prescriptions WHERE id = ?1",
            [a.id.to_string()]
        )
        .is_err()
    );

    assert_eq!(
        r.doctor.cancel_prescription(a.id, " ").unwrap_err().code(),
        Code::Validation
    );
    let cancelled = r
        .doctor
        .cancel_prescription(a.id, "Wrong strength")
        .unwrap();
    assert_eq!(cancelled.status, "cancelled");
    assert_eq!(
        cancelled.number.as_deref(),
        Some(na.as_str()),
        "cancelling keeps the number"
    );
    assert!(r.doctor.cancel_prescription(a.id, "again").is_err());

    let again = r.doctor.repeat_prescription(a.id).unwrap();
    assert_eq!(again.status, "draft");
    assert_eq!(again.repeat_of, Some(a.id));
    assert_eq!(again.items.len(), 1);
    assert_eq!(again.items[0].drug_name, "paracetamol");
    let reissued = r.doctor.issue_prescription(again.id, None).unwrap();
    assert_ne!(reissued.number, a.number);
    let all = r.doctor.prescriptions_of(r.patient).unwrap();
    assert_eq!(all.len(), 3);
}

#[test]
fn rx_free_text_items_are_flagged_and_the_diagnosis_comes_from_the_patients_record() {
    let mut r = Rx::new();
    let d = r
        .doctor
        .add_diagnosis(
            r.patient,
            None,
            &DiagnosisInput {
                code: Some("J02.9".into()),
                ..DiagnosisInput::default()
            },
        )
        .unwrap();
    let rx = r
        .doctor
        .new_prescription(
            r.patient,
            &DraftInput {
                diagnosis: Some(d.id),
                follow_up: Some("2026-02-01".into()),
                ..DraftInput::default()
            },
        )
        .unwrap();
    assert_eq!(rx.diagnosis_code.as_deref(), Some("J02.9"));
    let with = r
        .doctor
        .add_prescription_item(
            rx.id,
            &ItemInput {
                free_text: Some("Magic mouthwash".into()),
                dose: "10 mL".into(),
                frequency: "as needed".into(),
                quantity: Some("200 mL".into()),
                ..ItemInput::default()
            },
        )
        .unwrap();
    assert!(with.items[0].free_text);
    assert_eq!(
        r.doctor
            .add_prescription_item(rx.id, &item("unobtainium", "1 tablet", "bd", 2))
            .unwrap_err()
            .code(),
        Code::Validation,
        "a name not in the catalogue is refused unless written as free text"
    );
}

#[test]
fn rx_roles_nurse_and_receptionist_cannot_write_pharmacist_reads_patient_reads_own_only() {
    let mut r = Rx::new();
    let id = r.draft(&[item("amlodipine", "1 tablet", "od", 30)]);
    r.doctor.issue_prescription(id, None).unwrap();
    for name in ["nurse", "desk"] {
        let mut s = r.clinic.sign_in(name);
        assert_eq!(
            s.new_prescription(r.patient, &DraftInput::default())
                .unwrap_err()
                .code(),
            Code::Forbidden,
            "{name} does not prescribe"
        );
        assert_eq!(
            s.cancel_prescription(id, "no").unwrap_err().code(),
            Code::Forbidden,
            "{name}"
        );
    }
    let mut pharm = r.clinic.sign_in("pharm");
    assert_eq!(
        pharm.prescription(id).unwrap().items.len(),
        1,
        "a pharmacist reads prescriptions"
    );
    assert_eq!(
        pharm
            .new_prescription(r.patient, &DraftInput::default())
            .unwrap_err()
            .code(),
        Code::Forbidden
    );

    r.clinic
        .admin
        .create_user(&NewUser {
            patient: Some(r.patient),
            ..NewUser::new("wanjiku", Role::Patient, &password_of("wanjiku"))
        })
        .unwrap();
    let mut own = r.clinic.sign_in("wanjiku");
    assert_eq!(
        own.prescriptions_of(r.patient).unwrap().len(),
        1,
        "a patient reads their own"
    );
    assert_eq!(
        own.repeat_prescription(id).unwrap_err().code(),
        Code::Forbidden
    );
    r.clinic.add_user("someone.else", Role::Patient);
    let mut other = r.clinic.sign_in("someone.else");
    assert_eq!(
        other.prescription(id).unwrap_err().code(),
        Code::Forbidden,
        "and nobody else's"
    );
    assert_eq!(
        other.prescriptions_of(r.patient).unwrap_err().code(),
        Code::Forbidden
    );
    assert!(
        r.clinic.count_audit(&format!(
            "action = 'record.prescriptions' AND patient_id = '{}'",
            r.patient
        )) >= 2,
        "reads are audited"
    );
}

#[test]
fn rx_csv_import_dry_run_lists_rejected_lines_and_changes_nothing() {
    let mut r = Rx::new();
    let csv = "name,strengths,forms,routes,ingredients,classes\n\
               Coartem,20 mg/120 mg,tablet,oral,artemether|lumefantrine,antimalarials\n\
               ,5 mg,tablet,oral,x,y\n\
               Nothing Inside,5 mg,tablet,oral,,y\n\
               too,few,fields\n\
               coartem,1,tablet,oral,artemether,antimalarials\n";
    let before = r.doctor.search_drugs("coartem", 10).unwrap().len();
    let events = r.clinic.count_audit("action LIKE '%.import'");
    let report = r.clinic.admin.import_drugs(csv, true).unwrap();
    assert!(report.dry_run);
    assert_eq!(report.accepted, 1);
    let lines: Vec<usize> = report.rejected.iter().map(|x| x.line).collect();
    assert_eq!(
        lines,
        vec![3, 4, 5, 6],
        "every bad line, by its number: {report:?}"
    );
    assert!(report.rejected[0].reason.contains("name"));
    assert!(report.rejected[1].reason.contains("ingredient"));
    assert!(report.rejected[2].reason.contains("fields"));
    assert!(report.rejected[3].reason.contains("twice"));
    assert_eq!(
        r.doctor.search_drugs("coartem", 10).unwrap().len(),
        before,
        "a dry run writes nothing"
    );
    assert_eq!(
        r.clinic.count_audit("action LIKE '%.import'"),
        events,
        "not even an audit event"
    );
    let real = r.clinic.admin.import_drugs(csv, false).unwrap();
    assert_eq!(real.accepted, 1);
    assert_eq!(
        r.doctor.search_drugs("coartem", 10).unwrap().len(),
        before + 1
    );

    let pairs = "a,b,severity,advice,source\n\
                 lumefantrine,qt-prolonging drugs,serious,Avoid,Clinic formulary 2026\n\
                 unicorn dust,warfarin,serious,Avoid,x\n\
                 warfarin,acetylsalicylic acid,deadly,Avoid,x\n\
                 warfarin,antiplatelets,moderate,,x\n";
    let report = r.clinic.admin.import_interactions(pairs, true).unwrap();
    assert_eq!(report.accepted, 1);
    let reasons: Vec<(usize, &str)> = report
        .rejected
        .iter()
        .map(|x| (x.line, x.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(reasons[0].1.contains("unicorn dust"));
    assert!(reasons[1].1.contains("severity"));
    assert!(reasons[2].1.contains("advice"));
    let count = r.doctor.interactions().unwrap().len();
    r.clinic.admin.import_interactions(pairs, false).unwrap();
    assert_eq!(r.doctor.interactions().unwrap().len(), count + 1);
    assert_eq!(
        r.doctor.import_drugs(csv, true).unwrap_err().code(),
        Code::Forbidden,
        "only an administrator imports"
    );
    assert_eq!(
        r.clinic
            .admin
            .import_drugs("nonsense\n", true)
            .unwrap_err()
            .code(),
        Code::Validation,
        "a file without the header"
    );
}
