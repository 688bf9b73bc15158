//! A patient's record as a FHIR R4 `Bundle` of type `collection`: the Patient, an
//! Encounter per visit, a Condition per diagnosis, an AllergyIntolerance per allergy, an
//! Observation per vital sign and per current lab result, a DiagnosticReport per lab
//! order with results, a MedicationRequest per item of an issued or cancelled
//! prescription, and a DocumentReference per attachment (its record only, never its
//! bytes).
//!
//! Invariants:
//! - The export is one read of the record: authorized as `record_read` for that patient
//!   (the chart's permission; a refusal is audited by `Session::authorize`) and audited
//!   as `record.fhir_export` naming the patient before the bundle is returned, so it is
//!   listed in the record's access history. Prescriptions are left out for a role
//!   without `prescription_read` (as the chart leaves them out) and lab orders and
//!   results for one without `lab_order_read`.
//! - Every resource has a stable `id`, the uuid of the record it comes from (a vital
//!   sign's is derived from its set's uuid and its LOINC code, a record whose id is not a
//!   uuid gets one derived from that id), and the `fullUrl` `urn:uuid:<id>`; every
//!   `reference` points at an entry of the same bundle.
//! - Codes carry their systems: ICD-10-CM for coded diagnoses, LOINC for vital signs and
//!   for catalogue tests with a LOINC code (the clinic's own `CLN-` codes are in
//!   `urn:clinic:lab-test`), UCUM for units when the unit has a UCUM spelling.
//! - Times are FHIR `instant`s in UTC with milliseconds; dates are `YYYY-MM-DD`. A stored
//!   time that does not parse refuses the export rather than writing an invalid bundle.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use sha1::{Digest as _, Sha1};
use uuid::Uuid;

use crate::clinical::allergies::{self, Allergy};
use crate::clinical::attachments::{self, Attachment};
use crate::clinical::diagnoses::{self, Diagnosis};
use crate::clinical::encounters::{self, Encounter};
use crate::clinical::lab::catalogue::Flag;
use crate::clinical::lab::{self, LabOrder, LabResult};
use crate::clinical::prescriptions::{self, Item, Prescription};
use crate::clinical::vitals::{self, VitalsReading};
use crate::error::{Error, Result};
use crate::frontdesk::patients::{self, Patient};
use crate::ids::{PatientId, new_v7_at};
use crate::policy::{Action, Decision, Target, decide};
use crate::session::Session;
use crate::store::audit::{Event, Outcome};

/// The system of the patient's identifier (the medical record number).
pub const MRN_SYSTEM: &str = "urn:clinic:mrn";
pub const ICD10CM: &str = "http://hl7.org/fhir/sid/icd-10-cm";
pub const LOINC: &str = "http://loinc.org";
pub const UCUM: &str = "http://unitsofmeasure.org";
/// The system of the lab catalogue's own codes (those that are not LOINC).
pub const LAB_TEST_SYSTEM: &str = "urn:clinic:lab-test";
const LAB_ORDER_SYSTEM: &str = "urn:clinic:lab-order";
const PRESCRIPTION_SYSTEM: &str = "urn:clinic:prescription";
const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const INTERPRETATION: &str = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
const CONDITION_CLINICAL: &str = "http://terminology.hl7.org/CodeSystem/condition-clinical";
const CONDITION_VERIFICATION: &str = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
const CONDITION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/condition-category";
const ALLERGY_CLINICAL: &str = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
const ALLERGY_VERIFICATION: &str =
    "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
const DIAGNOSTIC_SERVICE: &str = "http://terminology.hl7.org/CodeSystem/v2-0074";

/// Everything the bundle is made from, read through the features' store functions.
struct Record {
    patient: Patient,
    encounters: Vec<Encounter>,
    diagnoses: Vec<Diagnosis>,
    allergies: Vec<Allergy>,
    vitals: Vec<VitalsReading>,
    lab_orders: Vec<LabOrder>,
    prescriptions: Vec<Prescription>,
    attachments: Vec<Attachment>,
}

impl Session {
    /// A patient's record as a FHIR R4 `collection` Bundle (an audited read of the
    /// record, `record.fhir_export`, listed in its access history).
    pub fn fhir_patient_bundle(&mut self, patient: PatientId) -> Result<Value> {
        self.authorize(Action::RecordRead, Target::Patient(patient))?;
        let allowed =
            |action| decide(self.actor(), action, Target::Patient(patient)) == Decision::Allow;
        let (may_read_rx, may_read_lab) = (
            allowed(Action::PrescriptionRead),
            allowed(Action::LabOrderRead),
        );
        let now = self.now();
        let conn = self.live()?.store.conn();
        let p = patients::store::get(conn, patient)?.ok_or_else(|| {
            Error::validation("patient", format!("there is no patient {patient}"))
        })?;
        let mut lab_orders = Vec::new();
        if may_read_lab {
            lab_orders = lab::store::orders_of_patient(conn, patient)?;
            for o in &mut lab_orders {
                o.samples = lab::store::samples_of_order(conn, o.id)?;
                o.results = lab::store::results_of_order(conn, o.id)?;
            }
        }
        let prescriptions = if may_read_rx {
            prescriptions::store::for_patient(conn, patient)?
                .into_iter()
                .filter(|rx| rx.status != "draft")
                .collect()
        } else {
            Vec::new()
        };
        let record = Record {
            patient: p,
            encounters: encounters::store::for_patient(conn, patient)?,
            diagnoses: diagnoses::store::for_patient(conn, patient)?,
            allergies: allergies::store::for_patient(conn, patient)?,
            vitals: vitals::readings(vitals::store::for_patient(conn, patient)?),
            lab_orders,
            prescriptions,
            attachments: attachments::store::for_patient(conn, patient)?,
        };
        let id = new_v7_at(now);
        let bundle = bundle(&record, id, now)?;
        let resources = bundle["entry"].as_array().map_or(0, Vec::len);
        let mut details = json!({
            "resources": resources,
            "prescriptions": may_read_rx,
            "lab": may_read_lab,
        });
        if self.actor().emergency_until.is_some() {
            details["emergency"] = json!(true);
        }
        self.write_event(
            Event::new("record.fhir_export", Outcome::Success)
                .patient(patient)
                .entity("fhir_bundle", id)
                .details(details),
        )?;
        Ok(bundle)
    }
}

/// The bundle for a record read whole (pure: no session, no clock).
fn bundle(r: &Record, id: Uuid, now: DateTime<Utc>) -> Result<Value> {
    let patient_id = r.patient.id.0;
    let mut entries = vec![entry(patient_id, patient(&r.patient)?)];
    let visits: HashSet<Uuid> = r.encounters.iter().map(|e| e.id.0).collect();
    let encounter_ref = |e: Option<Uuid>| e.filter(|e| visits.contains(e)).map(reference);
    let subject = reference(patient_id);
    for e in &r.encounters {
        entries.push(entry(e.id.0, encounter(e, &subject)?));
    }
    for d in &r.diagnoses {
        let mut c = condition(d, &subject)?;
        put(
            &mut c,
            "encounter",
            encounter_ref(d.encounter_id.map(|e| e.0)),
        );
        entries.push(entry(d.id.0, c));
    }
    for a in &r.allergies {
        entries.push(entry(record_uuid(&a.id), allergy(a, &subject)?));
    }
    for reading in &r.vitals {
        let v = &reading.vitals;
        for (code, mut o) in vital_signs(reading, &subject)? {
            put(
                &mut o,
                "encounter",
                encounter_ref(v.encounter_id.map(|e| e.0)),
            );
            entries.push(entry(derived_uuid(v.id.0, code), o));
        }
    }
    for order in &r.lab_orders {
        let current: Vec<&LabResult> = order.results.iter().filter(|x| !x.superseded).collect();
        if current.is_empty() {
            continue;
        }
        let encounter = encounter_ref(order.encounter_id.map(|e| e.0));
        let mut results = Vec::new();
        for x in &current {
            let mut o = lab_observation(order, x, &subject)?;
            put(&mut o, "encounter", encounter.clone());
            results.push(reference(x.id.0));
            entries.push(entry(x.id.0, o));
        }
        let mut report = diagnostic_report(order, &current, &subject, results)?;
        put(&mut report, "encounter", encounter);
        entries.push(entry(order.id.0, report));
    }
    for rx in &r.prescriptions {
        for item in &rx.items {
            let mut m = medication_request(rx, item, &subject)?;
            put(
                &mut m,
                "encounter",
                encounter_ref(rx.encounter_id.map(|e| e.0)),
            );
            entries.push(entry(record_uuid(&item.id), m));
        }
    }
    for a in &r.attachments {
        let mut d = document_reference(a, &subject)?;
        if let Some(e) = encounter_ref(a.encounter_id.map(|e| e.0)) {
            d["context"] = json!({ "encounter": [e] });
        }
        entries.push(entry(a.id.0, d));
    }
    let now = now.to_rfc3339_opts(SecondsFormat::Millis, true);
    Ok(json!({
        "resourceType": "Bundle",
        "id": id.to_string(),
        "meta": { "lastUpdated": now },
        "type": "collection",
        "timestamp": now,
        "entry": entries,
    }))
}

fn patient(p: &Patient) -> Result<Value> {
    let mut r = json!({
        "resourceType": "Patient",
        "identifier": [{ "use": "usual", "system": MRN_SYSTEM, "value": p.mrn }],
        "active": p.active,
        "name": [{
            "use": "official",
            "text": format!("{} {}", p.given_name, p.family_name),
            "family": p.family_name,
            "given": [p.given_name],
        }],
        "gender": gender(&p.sex),
        "birthDate": date(&p.date_of_birth)?,
    });
    let mut telecom = Vec::new();
    if let Some(phone) = text(p.phone.as_deref()) {
        telecom.push(json!({ "system": "phone", "value": phone }));
    }
    if let Some(email) = text(p.email.as_deref()) {
        telecom.push(json!({ "system": "email", "value": email }));
    }
    if !telecom.is_empty() {
        r["telecom"] = json!(telecom);
    }
    if let Some(address) = text(p.address.as_deref()) {
        r["address"] = json!([{ "text": address }]);
    }
    Ok(r)
}

/// The front desk records `female`, `male`, `other` or `unknown`: FHIR's own values.
fn gender(sex: &str) -> &'static str {
    match sex {
        "female" => "female",
        "male" => "male",
        "other" => "other",
        _ => "unknown",
    }
}

fn encounter(e: &Encounter, subject: &Value) -> Result<Value> {
    let mut period = json!({ "start": instant(&e.opened_at)? });
    if let Some(end) = &e.completed_at {
        period["end"] = json!(instant(end)?);
    }
    let mut r = json!({
        "resourceType": "Encounter",
        "status": if e.is_open() { "in-progress" } else { "finished" },
        "class": { "system": ACT_CODE, "code": "AMB", "display": "ambulatory" },
        "subject": subject,
        "period": period,
    });
    if let Some(reason) = text(Some(&e.reason)) {
        r["reasonCode"] = json!([{ "text": reason }]);
    }
    Ok(r)
}

fn condition(d: &Diagnosis, subject: &Value) -> Result<Value> {
    let code = match &d.code {
        Some(code) => json!({
            "coding": [{ "system": ICD10CM, "code": code, "display": d.title }],
            "text": d.title,
        }),
        None => json!({ "text": d.title }),
    };
    let category = if d.chronic {
        ("problem-list-item", "Problem List Item")
    } else {
        ("encounter-diagnosis", "Encounter Diagnosis")
    };
    let mut r = json!({
        "resourceType": "Condition",
        "category": [{ "coding": [{
            "system": CONDITION_CATEGORY, "code": category.0, "display": category.1,
        }] }],
        "code": code,
        "subject": subject,
        "recordedDate": instant(&d.recorded_at)?,
        "recorder": { "display": d.recorded_by_name },
    });
    // FHIR (con-5): an entered-in-error condition has no clinical status.
    if d.active {
        let status = if d.status == "resolved" {
            "resolved"
        } else {
            "active"
        };
        r["clinicalStatus"] = coded(CONDITION_CLINICAL, status);
        r["verificationStatus"] = coded(CONDITION_VERIFICATION, "confirmed");
    } else {
        r["verificationStatus"] = coded(CONDITION_VERIFICATION, "entered-in-error");
    }
    if let Some(onset) = &d.onset {
        r["onsetDateTime"] = json!(date_or_instant(onset)?);
    }
    if let Some(note) = text(d.note.as_deref()) {
        r["note"] = json!([{ "text": note }]);
    }
    Ok(r)
}

fn allergy(a: &Allergy, subject: &Value) -> Result<Value> {
    let mut r = json!({
        "resourceType": "AllergyIntolerance",
        "code": { "text": a.substance },
        "patient": subject,
        "recordedDate": instant(&a.noted_at)?,
    });
    // FHIR (ait-2): an entered-in-error allergy has no clinical status.
    if a.active {
        let status = if a.status == "active" {
            "active"
        } else {
            "inactive"
        };
        r["clinicalStatus"] = coded(ALLERGY_CLINICAL, status);
        r["verificationStatus"] = coded(ALLERGY_VERIFICATION, "confirmed");
    } else {
        r["verificationStatus"] = coded(ALLERGY_VERIFICATION, "entered-in-error");
    }
    if let Some(name) = &a.noted_by_name {
        r["recorder"] = json!({ "display": name });
    }
    if let Some(coded) = text(a.coded.as_deref()) {
        r["note"] = json!([{ "text": format!("Recorded code: {coded}") }]);
    }
    if let Some(reaction) = text(a.reaction.as_deref()) {
        let mut reaction = json!({ "manifestation": [{ "text": reaction }] });
        if matches!(a.severity.as_str(), "mild" | "moderate" | "severe") {
            reaction["severity"] = json!(a.severity);
        }
        r["reaction"] = json!([reaction]);
    }
    Ok(r)
}

/// One Observation per measure of a set, with the LOINC code that names it. Blood
/// pressure is the 85354-9 panel with its systolic and diastolic components.
fn vital_signs(reading: &VitalsReading, subject: &Value) -> Result<Vec<(&'static str, Value)>> {
    let v = &reading.vitals;
    let base = |code: &str, display: &str| -> Result<Value> {
        let mut o = json!({
            "resourceType": "Observation",
            "status": "final",
            "category": [category("vital-signs", "Vital Signs")],
            "code": loinc(code, display),
            "subject": subject,
            "effectiveDateTime": instant(&v.taken_at)?,
            "performer": [{ "display": v.recorded_by_name }],
        });
        if let Some(note) = text(v.note.as_deref()) {
            o["note"] = json!([{ "text": note }]);
        }
        Ok(o)
    };
    let mut out = Vec::new();
    if v.systolic.is_some() || v.diastolic.is_some() {
        let mut o = base("85354-9", "Blood pressure panel with all children optional")?;
        let mut components = Vec::new();
        for (value, code, display) in [
            (v.systolic, "8480-6", "Systolic blood pressure"),
            (v.diastolic, "8462-4", "Diastolic blood pressure"),
        ] {
            if let Some(value) = value {
                components.push(json!({
                    "code": loinc(code, display),
                    "valueQuantity": quantity(value as f64, "mm[Hg]", Some("mm[Hg]")),
                }));
            }
        }
        o["component"] = json!(components);
        out.push(("85354-9", o));
    }
    let tenths = |n: i64| n as f64 / 10.0;
    let measures: [(Option<f64>, &str, &str, &str, &str); 8] = [
        (
            v.pulse.map(|n| n as f64),
            "8867-4",
            "Heart rate",
            "/min",
            "/min",
        ),
        (
            v.temperature_dc.map(tenths),
            "8310-5",
            "Body temperature",
            "°C",
            "Cel",
        ),
        (
            v.respiratory_rate.map(|n| n as f64),
            "9279-1",
            "Respiratory rate",
            "/min",
            "/min",
        ),
        (
            v.spo2.map(|n| n as f64),
            "59408-5",
            "Oxygen saturation in Arterial blood by Pulse oximetry",
            "%",
            "%",
        ),
        (
            v.weight_g.map(|g| g as f64 / 1000.0),
            "29463-7",
            "Body weight",
            "kg",
            "kg",
        ),
        (v.height_mm.map(tenths), "8302-2", "Body height", "cm", "cm"),
        (
            reading.bmi,
            "39156-5",
            "Body mass index (BMI) [Ratio]",
            "kg/m2",
            "kg/m2",
        ),
        (
            v.pain.map(|n| n as f64),
            "72514-3",
            "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
            "{score}",
            "{score}",
        ),
    ];
    for (value, code, display, unit, ucum) in measures {
        if let Some(value) = value {
            let mut o = base(code, display)?;
            o["valueQuantity"] = quantity(value, unit, Some(ucum));
            out.push((code, o));
        }
    }
    Ok(out)
}

fn lab_observation(order: &LabOrder, x: &LabResult, subject: &Value) -> Result<Value> {
    let name = order
        .tests
        .iter()
        .find(|t| t.code == x.test_code)
        .map_or(x.test_code.as_str(), |t| t.name.as_str());
    let collected = order
        .samples
        .iter()
        .find(|s| s.id == x.sample_id)
        .map_or(x.entered_at.as_str(), |s| s.collected_at.as_str());
    let mut o = json!({
        "resourceType": "Observation",
        "status": if x.is_final() { "final" } else { "preliminary" },
        "category": [category("laboratory", "Laboratory")],
        "code": lab_code(&x.test_code, name),
        "subject": subject,
        "effectiveDateTime": instant(collected)?,
        "issued": instant(x.verified_at.as_deref().unwrap_or(&x.entered_at))?,
        "performer": [{ "display": x.verified_by_name.as_deref().unwrap_or(&x.entered_by_name) }],
    });
    match x.number {
        Some(n) => {
            let value: f64 = n.to_string().parse().map_err(|_| {
                Error::Internal(format!("lab result {} has no decimal value", x.id))
            })?;
            o["valueQuantity"] = quantity(value, &x.unit, ucum(&x.unit));
        }
        None => o["valueString"] = json!(x.value),
    }
    if let Some(flag) = x.flag {
        let (code, display) = match flag {
            Flag::Normal => ("N", "Normal"),
            Flag::Low => ("L", "Low"),
            Flag::High => ("H", "High"),
            Flag::CriticalLow => ("LL", "Critical low"),
            Flag::CriticalHigh => ("HH", "Critical high"),
        };
        o["interpretation"] =
            json!([{ "coding": [{ "system": INTERPRETATION, "code": code, "display": display }] }]);
    }
    if !x.range_text.is_empty() {
        o["referenceRange"] = json!([{ "text": x.range_text }]);
    }
    if let Some(comment) = text(x.comment.as_deref()) {
        o["note"] = json!([{ "text": comment }]);
    }
    Ok(o)
}

fn diagnostic_report(
    order: &LabOrder,
    current: &[&LabResult],
    subject: &Value,
    results: Vec<Value>,
) -> Result<Value> {
    let status = if order.is_complete() {
        "final"
    } else if current.iter().any(|x| x.is_final()) {
        "partial"
    } else {
        "preliminary"
    };
    let names: Vec<&str> = order.tests.iter().map(|t| t.name.as_str()).collect();
    let code = match order.tests.as_slice() {
        [only] => lab_code(&only.code, &only.name),
        _ => json!({ "text": names.join(", ") }),
    };
    let effective = order
        .samples
        .iter()
        .map(|s| s.collected_at.as_str())
        .min()
        .unwrap_or(order.ordered_at.as_str());
    let issued = current
        .iter()
        .map(|x| x.verified_at.as_deref().unwrap_or(&x.entered_at))
        .max()
        .unwrap_or(order.ordered_at.as_str());
    Ok(json!({
        "resourceType": "DiagnosticReport",
        "identifier": [{ "system": LAB_ORDER_SYSTEM, "value": order.number }],
        "status": status,
        "category": [{ "coding": [{ "system": DIAGNOSTIC_SERVICE, "code": "LAB", "display": "Laboratory" }] }],
        "code": code,
        "subject": subject,
        "effectiveDateTime": instant(effective)?,
        "issued": instant(issued)?,
        "result": results,
    }))
}

fn medication_request(rx: &Prescription, item: &Item, subject: &Value) -> Result<Value> {
    let medication = [
        Some(item.drug_name.as_str()),
        item.strength.as_deref(),
        item.form.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|t| !t.trim().is_empty())
    .collect::<Vec<_>>()
    .join(" ");
    let mut dosage = format!("{} {}", item.dose, item.frequency);
    if let Some(days) = item.duration_days {
        dosage.push_str(&format!(" for {days} days"));
    }
    if let Some(route) = text(item.route.as_deref()) {
        dosage.push_str(&format!(", {route}"));
    }
    if let Some(instructions) = text(item.instructions.as_deref()) {
        dosage.push_str(&format!(". {instructions}"));
    }
    let mut dosage = json!({ "sequence": item.position, "text": dosage });
    if let Some(route) = text(item.route.as_deref()) {
        dosage["route"] = json!({ "text": route });
    }
    let mut r = json!({
        "resourceType": "MedicationRequest",
        "status": if rx.status == "cancelled" { "cancelled" } else { "active" },
        "intent": "order",
        "medicationCodeableConcept": { "text": medication },
        "subject": subject,
        "authoredOn": instant(rx.issued_at.as_deref().unwrap_or(&rx.created_at))?,
        "requester": { "display": rx.prescriber_name },
        "dosageInstruction": [dosage],
        "substitution": { "allowedBoolean": item.substitution_allowed },
    });
    if let Some(number) = &rx.number {
        r["groupIdentifier"] = json!({ "system": PRESCRIPTION_SYSTEM, "value": number });
    }
    if let Some(reason) = text(rx.cancel_reason.as_deref()) {
        r["statusReason"] = json!({ "text": reason });
    }
    if let Some(code) = &rx.diagnosis_code {
        let title = rx.diagnosis_title.as_deref().unwrap_or(code);
        r["reasonCode"] = json!([{
            "coding": [{ "system": ICD10CM, "code": code, "display": title }],
            "text": title,
        }]);
    }
    let mut dispense = json!({ "numberOfRepeatsAllowed": item.refills });
    if let Some(days) = item.duration_days {
        dispense["expectedSupplyDuration"] = quantity(days as f64, "days", Some("d"));
    }
    r["dispenseRequest"] = dispense;
    if let Some(quantity) = text(item.quantity.as_deref()) {
        r["note"] = json!([{ "text": format!("Quantity: {quantity}") }]);
    }
    Ok(r)
}

fn document_reference(a: &Attachment, subject: &Value) -> Result<Value> {
    let title = a.title.as_deref().unwrap_or(&a.file_name);
    let added = instant(&a.added_at)?;
    let mut r = json!({
        "resourceType": "DocumentReference",
        "status": if a.archived { "entered-in-error" } else { "current" },
        "subject": subject,
        "date": added,
        "author": [{ "display": a.added_by_name }],
        "description": title,
        "content": [{ "attachment": {
            "contentType": a.mime,
            "url": format!("urn:clinic:attachment:{}", a.id),
            "size": a.size,
            "title": title,
            "creation": added,
        } }],
    });
    // DocumentReference has no note in R4: the archive reason goes in the description.
    if let Some(reason) = text(a.archive_reason.as_deref()) {
        r["description"] = json!(format!("{title} (archived: {reason})"));
    }
    Ok(r)
}

fn entry(id: Uuid, mut resource: Value) -> Value {
    resource["id"] = json!(id.to_string());
    json!({ "fullUrl": format!("urn:uuid:{id}"), "resource": resource })
}

fn reference(id: Uuid) -> Value {
    json!({ "reference": format!("urn:uuid:{id}") })
}

fn put(resource: &mut Value, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        resource[key] = value;
    }
}

fn coded(system: &str, code: &str) -> Value {
    json!({ "coding": [{ "system": system, "code": code }] })
}

fn category(code: &str, display: &str) -> Value {
    json!({ "coding": [{ "system": OBSERVATION_CATEGORY, "code": code, "display": display }] })
}

fn loinc(code: &str, display: &str) -> Value {
    json!({ "coding": [{ "system": LOINC, "code": code, "display": display }], "text": display })
}

/// A catalogue test's code: LOINC when it is one (`NNNNN-N`), the clinic's own otherwise.
fn lab_code(code: &str, name: &str) -> Value {
    let system = if is_loinc(code) {
        LOINC
    } else {
        LAB_TEST_SYSTEM
    };
    json!({ "coding": [{ "system": system, "code": code, "display": name }], "text": name })
}

fn is_loinc(code: &str) -> bool {
    code.split_once('-').is_some_and(|(num, check)| {
        (1..=7).contains(&num.len())
            && num.bytes().all(|b| b.is_ascii_digit())
            && check.len() == 1
            && check.bytes().all(|b| b.is_ascii_digit())
    })
}

fn quantity(value: f64, unit: &str, ucum: Option<&str>) -> Value {
    let mut q = json!({ "value": value });
    if !unit.is_empty() {
        q["unit"] = json!(unit);
    }
    if let Some(code) = ucum {
        q["system"] = json!(UCUM);
        q["code"] = json!(code);
    }
    q
}

/// The UCUM spelling of a lab catalogue unit, when it has one this module knows.
fn ucum(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "g/dL" => "g/dL",
        "g/L" => "g/L",
        "%" => "%",
        "fL" => "fL",
        "pg" => "pg",
        "mmol/L" => "mmol/L",
        "µmol/L" => "umol/L",
        "U/L" => "U/L",
        "mg/dL" => "mg/dL",
        "mg/L" => "mg/L",
        "µg/dL" => "ug/dL",
        "ng/mL" => "ng/mL",
        "ng/dL" => "ng/dL",
        "pg/mL" => "pg/mL",
        "mIU/L" => "m[IU]/L",
        "mm/h" => "mm/h",
        "s" => "s",
        "10^9/L" => "10*9/L",
        "10^12/L" => "10*12/L",
        _ => return None,
    })
}

fn text(t: Option<&str>) -> Option<&str> {
    t.map(str::trim).filter(|t| !t.is_empty())
}

/// A stored time as a FHIR `instant` (UTC, milliseconds).
fn instant(stored: &str) -> Result<String> {
    let parsed = DateTime::parse_from_rfc3339(stored)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| {
            NaiveDateTime::parse_from_str(stored, "%Y-%m-%d %H:%M:%S%.f").map(|t| t.and_utc())
        })
        .map_err(|_| Error::DatabaseCorrupt {
            detail: format!("the stored time \"{stored}\" is not a time"),
        })?;
    Ok(parsed.to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// A stored day as a FHIR `date`.
fn date(stored: &str) -> Result<String> {
    NaiveDate::parse_from_str(stored, "%Y-%m-%d")
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|_| Error::DatabaseCorrupt {
            detail: format!("the stored date \"{stored}\" is not a date"),
        })
}

fn date_or_instant(stored: &str) -> Result<String> {
    date(stored).or_else(|_| instant(stored))
}

/// A record's uuid, or one derived from an id that is not a uuid (an allergy moved
/// from the old list on the patient row is `legacy-<patient>-<n>`).
fn record_uuid(id: &str) -> Uuid {
    Uuid::parse_str(id)
        .unwrap_or_else(|_| derived_uuid(Uuid::NAMESPACE_URL, &format!("urn:clinic:record:{id}")))
}

/// A name-based (version 5) uuid: the same inputs give the same id on every export.
fn derived_uuid(namespace: Uuid, name: &str) -> Uuid {
    let mut hash = Sha1::new();
    hash.update(namespace.as_bytes());
    hash.update(name.as_bytes());
    let digest = hash.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_sha1_bytes(bytes).into_uuid()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_rfc_version_5_uuids_so_they_match_any_other_implementation() {
        // RFC 9562's example: "www.example.com" in the DNS namespace.
        assert_eq!(
            derived_uuid(Uuid::NAMESPACE_DNS, "www.example.com").to_string(),
            "2ed6657d-e927-568b-95e1-2665a8aea6a2"
        );
        let set = Uuid::parse_str("01890a5d-ac96-774b-bcce-b302099a8057").unwrap();
        assert_ne!(
            derived_uuid(set, "8867-4"),
            derived_uuid(set, "8310-5"),
            "each measure of a set gets its own id"
        );
        assert_eq!(record_uuid(&set.to_string()), set, "a uuid id is kept");
    }

    #[test]
    fn only_loinc_shaped_codes_are_sent_as_loinc() {
        assert!(is_loinc("718-7") && is_loinc("58410-2") && is_loinc("10839-9"));
        assert!(!is_loinc("CLN-HIV-RDT") && !is_loinc("CLN-LIPID") && !is_loinc("12345678-9"));
    }

    #[test]
    fn stored_times_become_fhir_instants_and_bad_ones_refuse_the_export() {
        assert_eq!(
            instant("2026-03-02T08:30:00.123Z").unwrap(),
            "2026-03-02T08:30:00.123Z"
        );
        assert_eq!(
            instant("2026-03-02T11:30:00+03:00").unwrap(),
            "2026-03-02T08:30:00.000Z"
        );
        assert_eq!(
            instant("2026-03-02 08:30:00").unwrap(),
            "2026-03-02T08:30:00.000Z"
        );
        assert!(instant("yesterday").is_err());
        assert_eq!(date_or_instant("2019-03-01").unwrap(), "2019-03-01");
        assert!(date("2019-3-1x").is_err());
    }
}
