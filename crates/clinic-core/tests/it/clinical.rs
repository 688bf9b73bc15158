//! The clinical record: visits, notes with versions, vitals, diagnoses, and who looked.

use chrono::{DateTime, Duration, Utc};
use clinic_core::clinical::diagnoses::DiagnosisInput;
use clinic_core::clinical::notes::{NoteContent, NoteKind};
use clinic_core::clinical::vitals::VitalsInput;
use clinic_core::frontdesk::doctors::{DoctorInput, HoursInput};
use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::ids::{AppointmentId, PatientId};
use clinic_core::{Code, Role, Session};

use crate::support::{Clinic, password_of};

/// A clinic with a front desk, two doctors, a nurse, and one patient checked in for
/// Dr GP at 10:00 on the test Monday.
struct Ward {
    clinic: Clinic,
    desk: Session,
    doctor: Session,
    patient: PatientId,
    appointment: AppointmentId,
}

fn at(hhmm: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("2026-01-05T{hhmm}:00Z"))
        .unwrap()
        .with_timezone(&Utc)
}

fn soap(assessment: &str) -> NoteContent {
    NoteContent {
        subjective: "Cough for three days, no fever.".into(),
        objective: "Chest clear.".into(),
        assessment: assessment.into(),
        plan: "Fluids, review in a week.".into(),
        ..NoteContent::default()
    }
}

impl Ward {
    fn new() -> Ward {
        let mut clinic = Clinic::new();
        for (name, role) in [
            ("desk", Role::Receptionist),
            ("dr.gp", Role::Doctor),
            ("dr.two", Role::Doctor),
            ("nurse", Role::Nurse),
        ] {
            clinic.add_user(name, role);
        }
        let doctor_id = clinic
            .admin
            .add_doctor(&DoctorInput {
                username: "dr.gp".into(),
                specialization: "General practice".into(),
                licence_number: "GP-1".into(),
                fee_minor: 2500,
                ..DoctorInput::default()
            })
            .unwrap()
            .id;
        let hours: Vec<HoursInput> = (1..=5)
            .map(|weekday| HoursInput {
                branch_code: "BR01".into(),
                weekday,
                start: "09:00".into(),
                end: "12:00".into(),
                slot_minutes: 30,
            })
            .collect();
        clinic.admin.set_doctor_hours(doctor_id, &hours).unwrap();
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
        let appointment = desk
            .book_appointment(patient, doctor_id, at("10:00"), Some("Cough"))
            .unwrap()
            .id;
        desk.check_in(appointment).unwrap();
        let doctor = clinic.sign_in("dr.gp");
        Ward {
            clinic,
            desk,
            doctor,
            patient,
            appointment,
        }
    }

    fn reads(&mut self) -> i64 {
        self.clinic.count_audit(&format!(
            "action LIKE 'record.%' AND patient_id = '{}'",
            self.patient
        ))
    }
}

#[test]
fn a_doctor_opens_todays_checked_in_patient_writes_signs_and_completes_the_visit() {
    let mut w = Ward::new();
    let day = w.doctor.doctors_day().unwrap();
    assert_eq!(day.len(), 1, "the checked-in patient waits for the doctor");
    assert_eq!(day[0].patient_name, "Wanjiku Mwangi");
    let visit = w.doctor.open_encounter_for(day[0].appointment.id).unwrap();
    assert_eq!(visit.reason, "Cough");
    assert_eq!(
        w.doctor.open_encounter_for(w.appointment).unwrap().id,
        visit.id,
        "opening it again returns the open visit"
    );
    let open = w.doctor.my_open_visits().unwrap();
    assert_eq!(
        open.iter()
            .map(|v| (v.encounter.id, v.patient_name.as_str()))
            .collect::<Vec<_>>(),
        vec![(visit.id, "Wanjiku Mwangi")],
        "the open visit is on the doctor's list, named"
    );
    let note = w
        .doctor
        .write_note(visit.id, NoteKind::Soap, &soap("Viral URTI."))
        .unwrap();
    let signed = w.doctor.sign_note(note.id).unwrap();
    assert!(signed.is_signed());
    let done = w.doctor.complete_encounter(visit.id).unwrap();
    assert_eq!(done.status, "completed");
    assert_eq!(
        w.desk.appointment(w.appointment).unwrap().status,
        "completed",
        "completing the visit completes its appointment"
    );
    assert!(w.doctor.doctors_day().unwrap().is_empty());
    assert!(
        w.doctor.my_open_visits().unwrap().is_empty(),
        "a completed visit is no longer open"
    );
    let err = w
        .doctor
        .write_note(visit.id, NoteKind::Soap, &soap("late"))
        .unwrap_err();
    assert_eq!(
        err.field(),
        Some("encounter"),
        "a completed visit takes addenda only"
    );
}

#[test]
fn note_history_survives_edits_and_signing_and_a_signed_note_takes_only_an_addendum() {
    let mut w = Ward::new();
    let visit = w.doctor.open_encounter_for(w.appointment).unwrap();
    let note = w
        .doctor
        .write_note(visit.id, NoteKind::Soap, &soap("Viral URTI."))
        .unwrap();
    w.clinic.clock.advance(Duration::minutes(5));
    w.doctor
        .revise_note(note.id, &soap("Viral URTI; asthma to exclude."))
        .unwrap();
    let unchanged = w
        .doctor
        .revise_note(note.id, &soap("Viral URTI; asthma to exclude."))
        .unwrap_err();
    assert_eq!(
        unchanged.field(),
        Some("note"),
        "an identical version is not made"
    );
    w.doctor.sign_note(note.id).unwrap();
    let frozen = w.doctor.revise_note(note.id, &soap("changed")).unwrap_err();
    assert_eq!(frozen.field(), Some("note"), "{frozen}");
    assert!(frozen.to_string().contains("addendum"), "{frozen}");

    let history = w.doctor.note_history(note.id).unwrap();
    let said: Vec<_> = history
        .iter()
        .map(|v| (v.version, v.content.assessment.as_str()))
        .collect();
    assert_eq!(
        said,
        vec![(1, "Viral URTI."), (2, "Viral URTI; asthma to exclude.")],
        "every version stays readable, whole"
    );
    assert!(history[0].written_at < history[1].written_at);

    let addendum = w
        .doctor
        .add_addendum(note.id, "Peak flow normal on review.")
        .unwrap();
    assert_eq!(addendum.kind, "addendum");
    assert_eq!(addendum.addendum_to, Some(note.id));
    assert!(addendum.is_signed(), "an addendum is its own signed entry");
    let notes = w.doctor.visit_notes(visit.id).unwrap();
    assert_eq!(notes.len(), 2);

    // Even the database refuses to rewrite or remove the record.
    let conn = w.clinic.admin.raw_connection().unwrap();
    assert!(
        conn.execute("UPDATE note_versions SET assessment = 'x'", [])
            .is_err()
    );
    assert!(conn.execute("DELETE FROM notes", []).is_err());
    assert!(
        conn.execute(
            "UPDATE notes SET version = 9 WHERE id = ?1",
            [note.id.to_string()]
        )
        .is_err(),
        "a signed note is frozen in the database too"
    );
}

#[test]
fn a_nurse_cannot_amend_sign_or_add_to_a_doctors_note_and_another_doctor_cannot_either() {
    let mut w = Ward::new();
    let visit = w.doctor.open_encounter_for(w.appointment).unwrap();
    let note = w
        .doctor
        .write_note(visit.id, NoteKind::Soap, &soap("Viral URTI."))
        .unwrap();
    let mut nurse = w.clinic.sign_in("nurse");
    let forbidden = |e: clinic_core::Error| assert_eq!(e.code(), Code::Forbidden, "{e}");
    forbidden(nurse.revise_note(note.id, &soap("nurse edit")).unwrap_err());
    forbidden(nurse.sign_note(note.id).unwrap_err());
    forbidden(
        nurse
            .write_note(visit.id, NoteKind::Soap, &soap("as a doctor"))
            .unwrap_err(),
    );
    let mut other = w.clinic.sign_in("dr.two");
    forbidden(other.revise_note(note.id, &soap("not mine")).unwrap_err());
    forbidden(other.sign_note(note.id).unwrap_err());
    assert_eq!(
        w.doctor.note(note.id).unwrap().version,
        1,
        "no refused attempt made a version"
    );

    // The nurse writes and signs her own nursing note; the doctor cannot change it.
    let nursing = nurse
        .write_note(
            visit.id,
            NoteKind::Nursing,
            &NoteContent {
                body: "Observations taken, patient comfortable.".into(),
                ..NoteContent::default()
            },
        )
        .unwrap();
    forbidden(
        w.doctor
            .revise_note(
                nursing.id,
                &NoteContent {
                    body: "x".into(),
                    ..NoteContent::default()
                },
            )
            .unwrap_err(),
    );
    nurse.sign_note(nursing.id).unwrap();
    w.doctor.sign_note(note.id).unwrap();
    forbidden(nurse.add_addendum(note.id, "nurse addendum").unwrap_err());
    assert!(
        w.clinic
            .count_audit("outcome = 'denied' AND action IN ('note_revise', 'note_sign')")
            >= 4,
        "refusals are audited"
    );
}

#[test]
fn every_read_of_the_record_writes_an_audit_event_and_shows_in_the_access_history() {
    let mut w = Ward::new();
    let visit = w.doctor.open_encounter_for(w.appointment).unwrap();
    let note = w
        .doctor
        .write_note(visit.id, NoteKind::Soap, &soap("Viral URTI."))
        .unwrap();
    w.doctor
        .record_vitals(
            w.patient,
            Some(visit.id),
            &VitalsInput {
                pulse: Some(72),
                ..VitalsInput::default()
            },
        )
        .unwrap();
    let before = w.reads();
    w.doctor.chart(w.patient).unwrap();
    w.doctor.note(note.id).unwrap();
    w.doctor.note_history(note.id).unwrap();
    w.doctor.vitals_history(w.patient).unwrap();
    w.doctor.diagnoses_of(w.patient).unwrap();
    w.doctor.encounters_of(w.patient).unwrap();
    w.doctor.visit_notes(visit.id).unwrap();
    w.doctor.encounter(visit.id).unwrap();
    assert_eq!(w.reads() - before, 8, "one audit event per read");

    // The front desk sees no clinical content, and the attempt is on record.
    let refused = w.desk.chart(w.patient).unwrap_err();
    assert_eq!(refused.code(), Code::Forbidden);
    assert_eq!(
        w.desk.vitals_history(w.patient).unwrap_err().code(),
        Code::Forbidden
    );
    assert_eq!(w.desk.note(note.id).unwrap_err().code(), Code::Forbidden);

    let history = w.clinic.admin.access_history(w.patient, 100).unwrap();
    let chart = history.iter().find(|a| a.what == "chart").unwrap();
    assert_eq!(chart.username.as_deref(), Some("dr.gp"));
    assert_eq!(chart.role.as_deref(), Some("doctor"));
    assert!(chart.allowed);
    assert!(
        history
            .iter()
            .any(|a| a.username.as_deref() == Some("desk") && !a.allowed),
        "a refused look is listed too: {history:?}"
    );
    assert_eq!(
        w.doctor.access_history(w.patient, 10).unwrap_err().code(),
        Code::Forbidden,
        "a doctor does not read the audit trail"
    );
}

#[test]
fn break_glass_reads_with_its_reason_on_record_and_never_writes() {
    let mut w = Ward::new();
    w.clinic
        .admin
        .create_emergency_account("er.glass", &password_of("er.glass"))
        .unwrap();
    let mut glass = w
        .clinic
        .workstation
        .break_glass(
            "er.glass",
            &password_of("er.glass"),
            None,
            "Unconscious patient in the waiting room",
        )
        .unwrap();
    glass.chart(w.patient).unwrap();
    let refused = glass.open_walk_in(w.patient, "Collapse").unwrap_err();
    assert_eq!(refused.code(), Code::Forbidden);
    let history = w.clinic.admin.access_history(w.patient, 100).unwrap();
    let look = history
        .iter()
        .find(|a| a.username.as_deref() == Some("er.glass") && a.what == "chart")
        .unwrap();
    assert_eq!(
        look.emergency_reason.as_deref(),
        Some("Unconscious patient in the waiting room")
    );
}

#[test]
fn vitals_are_checked_stored_exactly_and_never_changed() {
    let mut w = Ward::new();
    let mut nurse = w.clinic.sign_in("nurse");
    let refused = nurse
        .record_vitals(
            w.patient,
            None,
            &VitalsInput {
                temperature_c: Some(73.0),
                ..VitalsInput::default()
            },
        )
        .unwrap_err();
    assert_eq!(refused.field(), Some("temperature_c"));
    let taken = nurse
        .record_vitals(
            w.patient,
            None,
            &VitalsInput {
                systolic: Some(145),
                diastolic: Some(92),
                temperature_c: Some(37.2),
                weight_kg: Some(70.0),
                height_cm: Some(165.0),
                ..VitalsInput::default()
            },
        )
        .unwrap();
    assert_eq!(taken.bmi, Some(25.7));
    assert!(
        taken
            .flags
            .iter()
            .any(|f| f.measure == "systolic" && f.level == "high")
    );
    assert_eq!(
        w.desk
            .record_vitals(
                w.patient,
                None,
                &VitalsInput {
                    pulse: Some(70),
                    ..VitalsInput::default()
                }
            )
            .unwrap_err()
            .code(),
        Code::Forbidden,
        "the front desk does not take vitals"
    );
    let history = w.doctor.vitals_history(w.patient).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].vitals.temperature_dc, Some(372));
    let conn = w.clinic.admin.raw_connection().unwrap();
    assert!(conn.execute("UPDATE vitals SET pulse = 1", []).is_err());
    assert!(conn.execute("DELETE FROM vitals", []).is_err());
}

#[test]
fn diagnoses_take_icd10_codes_or_free_text_and_chronic_ones_make_the_problem_list() {
    let mut w = Ward::new();
    let found = w.doctor.search_icd10("diabetes type 2", 10).unwrap();
    assert!(found.iter().any(|e| e.code == "E11.9"), "{found:?}");
    let dm = w
        .doctor
        .add_diagnosis(
            w.patient,
            None,
            &DiagnosisInput {
                code: Some("e119".into()),
                primary: true,
                chronic: true,
                onset: Some("2019-03-01".into()),
                ..DiagnosisInput::default()
            },
        )
        .unwrap();
    assert_eq!(dm.code.as_deref(), Some("E11.9"));
    assert_eq!(dm.title, "Type 2 diabetes mellitus without complications");
    let unknown = w
        .doctor
        .add_diagnosis(
            w.patient,
            None,
            &DiagnosisInput {
                code: Some("Q99.999".into()),
                ..DiagnosisInput::default()
            },
        )
        .unwrap_err();
    assert_eq!(unknown.field(), Some("code"));
    let free = w
        .doctor
        .add_diagnosis(
            w.patient,
            None,
            &DiagnosisInput {
                title: Some("Suspected food intolerance".into()),
                ..DiagnosisInput::default()
            },
        )
        .unwrap();
    assert_eq!(free.code, None);
    let chart = w.doctor.chart(w.patient).unwrap();
    assert_eq!(chart.problems.len(), 1);
    assert_eq!(chart.problems[0].id, dm.id);
    w.doctor
        .archive_diagnosis(free.id, "wrong patient")
        .unwrap();
    let all = w.doctor.diagnoses_of(w.patient).unwrap();
    assert_eq!(all.len(), 2, "archived diagnoses stay in the history");
    assert!(!all.iter().find(|d| d.id == free.id).unwrap().active);
    let mut nurse = w.clinic.sign_in("nurse");
    assert_eq!(
        nurse
            .add_diagnosis(
                w.patient,
                None,
                &DiagnosisInput {
                    title: Some("x".into()),
                    ..DiagnosisInput::default()
                }
            )
            .unwrap_err()
            .code(),
        Code::Forbidden
    );
}

#[test]
fn allergies_are_recorded_by_clinical_staff_shown_on_the_chart_and_never_deleted() {
    let mut w = Ward::new();
    let mut nurse = w.clinic.sign_in("nurse");
    let added = nurse
        .add_allergy(
            w.patient,
            &clinic_core::clinical::allergies::AllergyInput {
                substance: "Penicillin".into(),
                reaction: Some("Hives".into()),
                severity: Some("Severe".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(added.severity, "severe");
    let again = nurse
        .add_allergy(
            w.patient,
            &clinic_core::clinical::allergies::AllergyInput {
                substance: "penicillin".into(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(again.field(), Some("substance"), "no duplicate on the list");
    let bad = nurse
        .add_allergy(
            w.patient,
            &clinic_core::clinical::allergies::AllergyInput {
                substance: "Latex".into(),
                severity: Some("deadly".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(bad.field(), Some("severity"));
    assert_eq!(
        w.desk
            .add_allergy(
                w.patient,
                &clinic_core::clinical::allergies::AllergyInput {
                    substance: "Latex".into(),
                    ..Default::default()
                }
            )
            .unwrap_err()
            .code(),
        Code::Forbidden,
        "the front desk records no clinical data"
    );
    let chart = w.doctor.chart(w.patient).unwrap();
    assert_eq!(chart.allergies.len(), 1);
    w.doctor
        .archive_allergy(&added.id, "wrong patient")
        .unwrap();
    assert!(w.doctor.chart(w.patient).unwrap().allergies.is_empty());
    let all = w.doctor.allergies_of(w.patient).unwrap();
    assert_eq!(all.len(), 1, "an archived allergy stays in the history");
    assert!(!all[0].active);
    let conn = w.clinic.admin.raw_connection().unwrap();
    assert!(conn.execute("DELETE FROM allergies", []).is_err());
}
