//! The FHIR R4 export of a patient's record: a Bundle that an independent implementation
//! of the standard (`scripts/fhir-validate.py`, the `fhir.resources` models) accepts, its
//! codes with their systems, references that resolve inside it, who may export, and the
//! audit.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use clinic_core::clinical::allergies::AllergyInput;
use clinic_core::clinical::diagnoses::DiagnosisInput;
use clinic_core::clinical::lab::LabOrderInput;
use clinic_core::clinical::prescriptions::{DraftInput, ItemInput};
use clinic_core::clinical::vitals::VitalsInput;
use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::ids::PatientId;
use clinic_core::{Code, Role, Session};
use serde_json::Value;

use crate::support::Clinic;

struct Record {
    clinic: Clinic,
    doctor: Session,
    patient: PatientId,
}

/// A patient with one finished visit, a coded and a free-text diagnosis, an allergy, a
/// set of vitals, a verified lab result, an issued prescription and an attachment.
fn record() -> Record {
    let mut clinic = Clinic::new();
    for (name, role) in [
        ("desk", Role::Receptionist),
        ("dr.fhir", Role::Doctor),
        ("nurse", Role::Nurse),
        ("pharm", Role::Pharmacist),
        ("tech.one", Role::LabTechnician),
        ("tech.two", Role::LabTechnician),
    ] {
        clinic.add_user(name, role);
    }
    let patient = clinic
        .sign_in("desk")
        .register_patient(
            &PatientInput {
                given_name: "Achieng".into(),
                family_name: "Odhiambo".into(),
                date_of_birth: "1985-11-23".into(),
                sex: "female".into(),
                phone: Some("+254 700 123456".into()),
                ..PatientInput::default()
            },
            false,
        )
        .unwrap()
        .id;
    let mut doctor = clinic.sign_in("dr.fhir");
    let visit = doctor.open_walk_in(patient, "Cough and fever").unwrap();
    let dm = doctor
        .add_diagnosis(
            patient,
            Some(visit.id),
            &DiagnosisInput {
                code: Some("E11.9".into()),
                primary: true,
                chronic: true,
                onset: Some("2019-03-01".into()),
                ..DiagnosisInput::default()
            },
        )
        .unwrap();
    doctor
        .add_diagnosis(
            patient,
            Some(visit.id),
            &DiagnosisInput {
                title: Some("Suspected food intolerance".into()),
                ..DiagnosisInput::default()
            },
        )
        .unwrap();
    doctor
        .add_allergy(
            patient,
            &AllergyInput {
                substance: "Penicillin".into(),
                reaction: Some("Rash".into()),
                severity: Some("moderate".into()),
                ..AllergyInput::default()
            },
        )
        .unwrap();
    doctor
        .record_vitals(
            patient,
            Some(visit.id),
            &VitalsInput {
                systolic: Some(128),
                diastolic: Some(82),
                pulse: Some(76),
                temperature_c: Some(37.4),
                respiratory_rate: Some(16),
                spo2: Some(97),
                weight_kg: Some(72.5),
                height_cm: Some(168.0),
                ..VitalsInput::default()
            },
        )
        .unwrap();
    let order = doctor
        .order_lab(
            patient,
            &LabOrderInput {
                encounter: Some(visit.id),
                codes: vec!["718-7".into(), "2823-3".into()],
                ..LabOrderInput::default()
            },
        )
        .unwrap();
    let mut tech = clinic.sign_in("tech.one");
    let sample = tech.collect_sample(order.id, None).unwrap();
    let hb = tech
        .enter_lab_result(sample.id, "718-7", "12.9", None)
        .unwrap();
    clinic.sign_in("tech.two").verify_lab_result(hb.id).unwrap();
    // Potassium entered, not yet verified: preliminary, and the report only partial.
    tech.enter_lab_result(sample.id, "2823-3", "4.2", None)
        .unwrap();
    let wrong = doctor
        .add_diagnosis(
            patient,
            Some(visit.id),
            &DiagnosisInput {
                title: Some("Asthma".into()),
                ..DiagnosisInput::default()
            },
        )
        .unwrap();
    doctor.archive_diagnosis(wrong.id, "Wrong patient").unwrap();
    let rx = doctor
        .new_prescription(
            patient,
            &DraftInput {
                encounter: Some(visit.id),
                diagnosis: Some(dm.id),
                ..DraftInput::default()
            },
        )
        .unwrap();
    doctor
        .add_prescription_item(
            rx.id,
            &ItemInput {
                drug: Some("metformin".into()),
                strength: Some("500 mg".into()),
                dose: "1 tablet".into(),
                frequency: "bd".into(),
                duration_days: Some(30),
                ..ItemInput::default()
            },
        )
        .unwrap();
    doctor.issue_prescription(rx.id, None).unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.resize(4096, 7);
    doctor
        .add_attachment(
            patient,
            Some(visit.id),
            "cxr.png",
            Some("Chest X-ray"),
            &png,
        )
        .unwrap();
    doctor.complete_encounter(visit.id).unwrap();
    Record {
        clinic,
        doctor,
        patient,
    }
}

/// The resources of a bundle, by type.
fn resources<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    bundle["entry"]
        .as_array()
        .expect("a bundle has entries")
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

fn references(node: &Value, found: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("reference", Value::String(r)) => found.push(r.clone()),
                    _ => references(value, found),
                }
            }
        }
        Value::Array(list) => list.iter().for_each(|v| references(v, found)),
        _ => {}
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs the independent validator on a bundle written to a file; its output on failure.
fn validate(bundle: &Value) -> Result<(), String> {
    let python = std::env::var_os("CLINIC_FHIR_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set"))
                .join(".cache/clinic-fhir-venv/bin/python")
        });
    assert!(
        python.exists(),
        "the FHIR validator's python {} is missing: run `. scripts/lib.sh; ensure_fhir_validator` (scripts/run-tests.sh does)",
        python.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bundle.json");
    std::fs::write(&file, serde_json::to_vec_pretty(bundle).unwrap()).unwrap();
    let out = Command::new(&python)
        .arg(repo_root().join("scripts/fhir-validate.py"))
        .arg(&file)
        .output()
        .expect("the validator runs");
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

#[test]
fn fhir_export_of_a_whole_record_passes_an_independent_r4_validator() {
    let mut r = record();
    let bundle = r.doctor.fhir_patient_bundle(r.patient).unwrap();
    if let Err(problems) = validate(&bundle) {
        panic!("fhir.resources refuses the bundle:\n{problems}");
    }
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    for kind in [
        "Patient",
        "Encounter",
        "Condition",
        "AllergyIntolerance",
        "Observation",
        "DiagnosticReport",
        "MedicationRequest",
        "DocumentReference",
    ] {
        assert!(
            !resources(&bundle, kind).is_empty(),
            "the record has a {kind}: every part of it is exported"
        );
    }
}

#[test]
fn fhir_export_must_be_rejected_by_the_validator_when_a_resource_is_broken() {
    // The validator's own check: a test that trusted a validator which accepts anything
    // could not fail.
    let mut r = record();
    let mut bundle = r.doctor.fhir_patient_bundle(r.patient).unwrap();
    let patient = bundle["entry"][0]["resource"]
        .as_object_mut()
        .expect("the patient comes first");
    patient.insert("birthDate".into(), "23/11/1985".into());
    let problems = validate(&bundle).expect_err("a date that is not FHIR's is refused");
    assert!(
        problems.contains("Patient/") && problems.contains("birthDate"),
        "the refusal names the resource and the field: {problems}"
    );
}

#[test]
fn fhir_export_codes_carry_their_systems_and_every_reference_resolves_in_the_bundle() {
    let mut r = record();
    let bundle = r.doctor.fhir_patient_bundle(r.patient).unwrap();

    let ids: HashSet<String> = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let id = e["resource"]["id"]
                .as_str()
                .expect("every resource has an id");
            assert_eq!(
                e["fullUrl"].as_str(),
                Some(format!("urn:uuid:{id}").as_str()),
                "the fullUrl is the resource's uuid"
            );
            e["fullUrl"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        ids.len(),
        bundle["entry"].as_array().unwrap().len(),
        "no two entries share an id"
    );
    let mut refs = Vec::new();
    references(&bundle, &mut refs);
    assert!(refs.len() > 10, "resources point at the patient and visit");
    for r in &refs {
        assert!(ids.contains(r), "{r} points at an entry of the bundle");
    }

    let patient = resources(&bundle, "Patient")[0];
    assert_eq!(
        patient["id"],
        r.patient.to_string(),
        "the record's own uuid"
    );
    assert_eq!(patient["identifier"][0]["system"], "urn:clinic:mrn");
    assert!(
        patient["identifier"][0]["value"]
            .as_str()
            .unwrap()
            .starts_with("BR01-")
    );
    assert_eq!(patient["birthDate"], "1985-11-23");
    assert_eq!(patient["gender"], "female");
    assert_eq!(patient["telecom"][0]["value"], "+254 700 123456");

    let encounter = resources(&bundle, "Encounter")[0];
    assert_eq!(encounter["status"], "finished", "the visit was completed");
    assert_eq!(encounter["class"]["code"], "AMB");
    assert!(encounter["period"]["end"].is_string());

    let conditions = resources(&bundle, "Condition");
    let coded = conditions
        .iter()
        .find(|c| c["code"]["coding"].is_array())
        .expect("the coded diagnosis");
    assert_eq!(
        (
            &coded["code"]["coding"][0]["system"],
            &coded["code"]["coding"][0]["code"]
        ),
        (&"http://hl7.org/fhir/sid/icd-10-cm".into(), &"E11.9".into())
    );
    assert_eq!(coded["clinicalStatus"]["coding"][0]["code"], "active");
    assert_eq!(coded["onsetDateTime"], "2019-03-01");
    let free = conditions
        .iter()
        .find(|c| c["code"]["text"] == "Suspected food intolerance")
        .expect("the free-text diagnosis");
    assert!(
        free["code"]["coding"].is_null(),
        "free text is exported as text, with no invented code"
    );
    assert_eq!(free["verificationStatus"]["coding"][0]["code"], "confirmed");
    let archived = conditions
        .iter()
        .find(|c| c["code"]["text"] == "Asthma")
        .expect("an archived diagnosis is exported, marked");
    assert_eq!(
        archived["verificationStatus"]["coding"][0]["code"],
        "entered-in-error"
    );
    assert!(
        archived["clinicalStatus"].is_null(),
        "FHIR (con-5): no clinical status on an entered-in-error condition"
    );

    let observations = resources(&bundle, "Observation");
    let by_code = |code: &str| {
        observations
            .iter()
            .find(|o| o["code"]["coding"][0]["code"] == code)
            .unwrap_or_else(|| panic!("an Observation coded {code}"))
    };
    for (code, value, unit) in [
        ("8867-4", 76.0, "/min"),
        ("8310-5", 37.4, "Cel"),
        ("29463-7", 72.5, "kg"),
        ("8302-2", 168.0, "cm"),
        ("59408-5", 97.0, "%"),
        ("9279-1", 16.0, "/min"),
    ] {
        let o = by_code(code);
        assert_eq!(o["code"]["coding"][0]["system"], "http://loinc.org");
        assert_eq!(o["category"][0]["coding"][0]["code"], "vital-signs");
        assert_eq!(o["valueQuantity"]["value"], value, "{code}");
        assert_eq!(o["valueQuantity"]["code"], unit, "{code} in UCUM");
        assert_eq!(
            o["valueQuantity"]["system"], "http://unitsofmeasure.org",
            "{code}"
        );
    }
    let bp = by_code("85354-9");
    assert_eq!(bp["component"][0]["code"]["coding"][0]["code"], "8480-6");
    assert_eq!(bp["component"][0]["valueQuantity"]["value"], 128.0);
    assert_eq!(bp["component"][1]["code"]["coding"][0]["code"], "8462-4");

    let hb = by_code("718-7");
    assert_eq!(hb["code"]["coding"][0]["system"], "http://loinc.org");
    assert_eq!(hb["category"][0]["coding"][0]["code"], "laboratory");
    assert_eq!(hb["status"], "final", "verified by a second technician");
    assert_eq!(hb["valueQuantity"]["value"], 12.9);
    assert_eq!(hb["interpretation"][0]["coding"][0]["code"], "N");
    let k = by_code("2823-3");
    assert_eq!(k["status"], "preliminary", "entered, not verified");
    assert_eq!(
        (&k["valueQuantity"]["code"], &k["valueQuantity"]["system"]),
        (&"mmol/L".into(), &"http://unitsofmeasure.org".into())
    );
    let report = resources(&bundle, "DiagnosticReport")[0];
    assert_eq!(
        report["status"], "partial",
        "one result final, one preliminary"
    );
    let listed: HashSet<&str> = report["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    let expected: HashSet<String> = [hb, k]
        .iter()
        .map(|o| format!("urn:uuid:{}", o["id"].as_str().unwrap()))
        .collect();
    assert_eq!(
        listed,
        expected.iter().map(String::as_str).collect(),
        "the report lists its results"
    );

    let med = resources(&bundle, "MedicationRequest")[0];
    assert_eq!(
        (&med["status"], &med["intent"]),
        (&"active".into(), &"order".into())
    );
    assert!(
        med["medicationCodeableConcept"]["text"]
            .as_str()
            .unwrap()
            .contains("500 mg"),
        "{med}"
    );
    assert!(
        med["dosageInstruction"][0]["text"]
            .as_str()
            .unwrap()
            .contains("1 tablet bd")
    );
    assert_eq!(med["reasonCode"][0]["coding"][0]["code"], "E11.9");

    let doc = resources(&bundle, "DocumentReference")[0];
    assert_eq!(doc["status"], "current");
    assert_eq!(doc["content"][0]["attachment"]["contentType"], "image/png");
    assert_eq!(doc["content"][0]["attachment"]["title"], "Chest X-ray");
    assert!(
        doc["content"][0]["attachment"]["data"].is_null(),
        "the export never carries an attachment's bytes"
    );

    let again = r.doctor.fhir_patient_bundle(r.patient).unwrap();
    assert_eq!(
        again["entry"], bundle["entry"],
        "every resource keeps its id from one export to the next"
    );
}

#[test]
fn fhir_export_is_audited_and_refused_to_roles_that_may_not_read_the_chart() {
    let mut r = record();
    let patient = r.patient;
    r.doctor.fhir_patient_bundle(patient).unwrap();
    assert_eq!(
        r.clinic.count_audit(&format!(
            "action = 'record.fhir_export' AND outcome = 'success' AND patient_id = '{patient}'"
        )),
        1,
        "one export, one audit event naming the patient"
    );
    for name in ["desk", "pharm", "tech.one"] {
        let mut session = r.clinic.sign_in(name);
        let refused = session.fhir_patient_bundle(patient).unwrap_err();
        assert_eq!(
            refused.code(),
            Code::Forbidden,
            "{name} may not open the chart, so may not export it"
        );
    }
    assert_eq!(
        r.clinic.count_audit(&format!(
            "action = 'record_read' AND outcome = 'denied' AND patient_id = '{patient}'"
        )),
        3,
        "each refusal is audited, as the chart's are"
    );
    assert_eq!(
        r.clinic.count_audit(&format!(
            "action = 'record.fhir_export' AND patient_id = '{patient}'"
        )),
        1,
        "a refused export is not recorded as an export"
    );
    let history = r.clinic.admin.access_history(patient, 100).unwrap();
    assert!(
        history.iter().any(|a| a.what == "fhir_export" && a.allowed),
        "the export is listed in who saw the record: {history:?}"
    );
}

#[test]
fn fhir_export_leaves_out_prescriptions_and_lab_for_a_role_that_may_not_read_them() {
    let r = record();
    let mut nurse = r.clinic.sign_in("nurse");
    let bundle = nurse.fhir_patient_bundle(r.patient).unwrap();
    assert!(
        resources(&bundle, "MedicationRequest").is_empty(),
        "a nurse's chart shows no prescriptions"
    );
    assert!(
        resources(&bundle, "DiagnosticReport").is_empty()
            && resources(&bundle, "Observation")
                .iter()
                .all(|o| o["category"][0]["coding"][0]["code"] == "vital-signs"),
        "a nurse may not read lab results"
    );
    assert!(
        !resources(&bundle, "Condition").is_empty(),
        "the rest of the record is there"
    );
    validate(&bundle).expect("the smaller bundle is valid too");
}
