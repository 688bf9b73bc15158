//! Printed documents: the letterhead (administrators), a prescription laid out from its
//! record with every name intact, the verification code, certificates filed in the
//! chart, who may do what, and the audit of every export.

use std::process::Command;

use clinic_core::clinical::prescriptions::{DraftInput, ItemInput};
use clinic_core::documents::{
    CertificateInput, CertificateKind, DocumentRef, LetterheadInput, PaperSize,
};
use clinic_core::frontdesk::doctors::DoctorInput;
use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::ids::{PatientId, PrescriptionId};
use clinic_core::{Code, NewUser, Role, Session};

use crate::support::{Clinic, password_of};

const LOGO: &[u8] = include_bytes!("../../../clinic-pdf/tests/it/logo.png");

pub(crate) struct Desk {
    pub clinic: Clinic,
    pub doctor: Session,
    pub patient: PatientId,
}

pub(crate) fn desk() -> Desk {
    let mut clinic = Clinic::new();
    let mut new = NewUser::new("dr.alvarez", Role::Doctor, &password_of("dr.alvarez"));
    new.display_name = "Dr José Álvarez".into();
    clinic.admin.create_user(&new).unwrap();
    clinic.add_user("desk", Role::Receptionist);
    clinic.add_user("pharm", Role::Pharmacist);
    clinic.add_user("nurse", Role::Nurse);
    clinic
        .admin
        .add_doctor(&DoctorInput {
            username: "dr.alvarez".into(),
            specialization: "General practice".into(),
            licence_number: "kmpdc-gp-1042".into(),
            ..DoctorInput::default()
        })
        .unwrap();
    clinic
        .admin
        .set_letterhead(&LetterheadInput {
            address: "Argwings Kodhek Road 12\nNairobi".into(),
            phone: "+254 20 555 0100".into(),
            registration: "Facility reg. no. KMPDC/123".into(),
            page_size: PaperSize::A4,
        })
        .unwrap();
    let mut desk = clinic.sign_in("desk");
    let patient = desk
        .register_patient(
            &PatientInput {
                given_name: "Zoë".into(),
                family_name: "Ólafsdóttir".into(),
                date_of_birth: "1984-06-15".into(),
                sex: "female".into(),
                address: Some("Дмитрий Иванов street 4".into()),
                ..PatientInput::default()
            },
            false,
        )
        .unwrap()
        .id;
    let doctor = clinic.sign_in("dr.alvarez");
    Desk {
        clinic,
        doctor,
        patient,
    }
}

pub(crate) fn issued(d: &mut Desk) -> PrescriptionId {
    let rx = d
        .doctor
        .new_prescription(d.patient, &DraftInput::default())
        .unwrap();
    d.doctor
        .add_prescription_item(
            rx.id,
            &ItemInput {
                drug: Some("amoxicillin".into()),
                strength: Some("500 mg".into()),
                form: Some("capsule".into()),
                dose: "1 capsule".into(),
                route: Some("oral".into()),
                frequency: "tds".into(),
                duration_days: Some(7),
                instructions: Some("Take after food".into()),
                ..ItemInput::default()
            },
        )
        .unwrap();
    d.doctor.issue_prescription(rx.id, None).unwrap();
    rx.id
}

pub(crate) fn pdftotext(path: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by the test script");
    assert!(out.status.success(), "pdftotext reads the PDF");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn documents_a_prescription_prints_from_its_record_with_every_name_and_the_letterhead() {
    let mut d = desk();
    let id = issued(&mut d);
    let rx = d.doctor.prescription(id).unwrap();
    let number = rx.number.clone().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rx.pdf");
    let doc = d
        .doctor
        .export_document(DocumentRef::Prescription(id), &path)
        .unwrap();
    assert_eq!(doc.title, format!("Prescription {number}"));
    assert_eq!(doc.file_name, format!("prescription-{number}.pdf"));
    let text = pdftotext(&path);
    for expected in [
        "Test Clinic",
        "Argwings Kodhek Road 12",
        "+254 20 555 0100",
        "Facility reg. no. KMPDC/123",
        "Dr José Álvarez",
        "KMPDC-GP-1042",
        "Zoë Ólafsdóttir",
        "Дмитрий Иванов street 4",
        "15 June 1984",
        "Rx: amoxicillin 500 mg capsule",
        "Disp: 21 capsules",
        "three times a day",
        "for 7 days",
        "Take after food.",
        &number,
        &clinic_core::documents::verification_code("prescription", &number, &id.to_string()),
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    assert_eq!(
        d.clinic.count_audit(&format!(
            "action = 'document.export' AND entity_id = '{id}' AND patient_id = '{}'",
            d.patient
        )),
        1
    );
    // No partial file is left beside it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn documents_drafts_and_cancelled_prescriptions_are_not_printed() {
    let mut d = desk();
    let draft = d
        .doctor
        .new_prescription(d.patient, &DraftInput::default())
        .unwrap();
    let e = d
        .doctor
        .document(DocumentRef::Prescription(draft.id))
        .unwrap_err();
    assert_eq!(e.code(), Code::Validation);
    assert!(e.to_string().contains("issue it first"), "{e}");
    let id = issued(&mut d);
    d.doctor
        .cancel_prescription(id, "wrong patient weight")
        .unwrap();
    let e = d
        .doctor
        .document(DocumentRef::Prescription(id))
        .unwrap_err();
    assert!(e.to_string().contains("was cancelled"), "{e}");
}

#[test]
fn documents_only_those_who_read_prescriptions_print_them_and_only_admins_set_the_letterhead() {
    let mut d = desk();
    let id = issued(&mut d);
    let mut desk = d.clinic.sign_in("desk");
    let e = desk.document(DocumentRef::Prescription(id)).unwrap_err();
    assert_eq!(e.code(), Code::Forbidden);
    let mut nurse = d.clinic.sign_in("nurse");
    assert_eq!(
        nurse
            .document(DocumentRef::Prescription(id))
            .unwrap_err()
            .code(),
        Code::Forbidden
    );
    let mut pharm = d.clinic.sign_in("pharm");
    assert!(pharm.document(DocumentRef::Prescription(id)).is_ok());
    for session in [&mut d.doctor, &mut desk] {
        assert_eq!(
            session
                .set_letterhead(&LetterheadInput::default())
                .unwrap_err()
                .code(),
            Code::Forbidden
        );
        assert_eq!(
            session.set_letterhead_logo(Some(LOGO)).unwrap_err().code(),
            Code::Forbidden
        );
    }
    assert!(
        d.clinic
            .count_audit("action = 'settings_manage' AND outcome = 'denied'")
            >= 4
    );
}

#[test]
fn documents_a_logo_must_be_a_png_the_engine_draws_and_it_syncs_with_the_organisation() {
    let mut d = desk();
    let e = d
        .clinic
        .admin
        .set_letterhead_logo(Some(b"GIF89a not a png"))
        .unwrap_err();
    assert!(e.to_string().contains("not a PNG"), "{e}");
    let mut broken = LOGO[..40].to_vec();
    broken.extend_from_slice(&[0; 40]);
    let e = d
        .clinic
        .admin
        .set_letterhead_logo(Some(&broken))
        .unwrap_err();
    assert!(e.to_string().contains("logo"), "{e}");
    let big = [LOGO, &vec![0u8; 300 * 1024]].concat();
    let e = d.clinic.admin.set_letterhead_logo(Some(&big)).unwrap_err();
    assert!(e.to_string().contains("at most 45 KB"), "{e}");
    let lh = d.clinic.admin.set_letterhead_logo(Some(LOGO)).unwrap();
    assert!(lh.has_logo);
    assert_eq!(
        d.clinic.admin.letterhead_logo().unwrap().as_deref(),
        Some(LOGO)
    );
    // The letterhead travels with the organisation row, administrators' changes only.
    let pending = d.clinic.admin.pending_changes(1000).unwrap();
    assert!(
        pending
            .iter()
            .any(|c| c.table == "organisation" && c.fields.get("logo_png").is_some()),
        "the logo is a change of the organisation row"
    );
    // A prescription prints with it.
    let id = issued(&mut d);
    assert!(d.doctor.document(DocumentRef::Prescription(id)).is_ok());
    let e = d
        .clinic
        .admin
        .set_letterhead(&LetterheadInput {
            address: "1\n2\n3\n4\n5".into(),
            ..LetterheadInput::default()
        })
        .unwrap_err();
    assert!(e.to_string().contains("at most 4"), "{e}");
}

#[test]
fn documents_the_verification_code_checks_a_paper_and_a_wrong_one_is_audited() {
    let mut d = desk();
    let id = issued(&mut d);
    let number = d.doctor.prescription(id).unwrap().number.unwrap();
    let code = clinic_core::documents::verification_code("prescription", &number, &id.to_string());
    let mut pharm = d.clinic.sign_in("pharm");
    let rx = pharm
        .verify_prescription(
            &number.to_lowercase(),
            &code.replace('-', " ").to_lowercase(),
        )
        .unwrap();
    assert_eq!(rx.id, id);
    let e = pharm.verify_prescription(&number, "AAAA-AAAA").unwrap_err();
    assert!(e.to_string().contains("may be forged"), "{e}");
    assert_eq!(
        d.clinic
            .count_audit("action = 'prescription.verify' AND outcome = 'denied'"),
        1
    );
    let e = pharm
        .verify_prescription("BR01-XXXXX-999999", &code)
        .unwrap_err();
    assert!(e.to_string().contains("no prescription"), "{e}");
    let mut desk = d.clinic.sign_in("desk");
    assert_eq!(
        desk.verify_prescription(&number, &code).unwrap_err().code(),
        Code::Forbidden
    );
}

#[test]
fn documents_a_sick_note_is_numbered_filed_on_the_visit_and_prints_again() {
    let mut d = desk();
    let visit = d.doctor.open_walk_in(d.patient, "Fever").unwrap();
    let today = d.doctor.today().unwrap();
    let day = |n: i64| {
        (today + chrono::Duration::days(n))
            .format("%Y-%m-%d")
            .to_string()
    };
    let e = d
        .doctor
        .issue_certificate(
            visit.id,
            &CertificateInput {
                kind: CertificateKind::SickNote,
                from: day(0),
                until: None,
                recommendation: String::new(),
            },
        )
        .unwrap_err();
    assert!(e.to_string().contains("last day"), "{e}");
    let e = d
        .doctor
        .issue_certificate(
            visit.id,
            &CertificateInput {
                from: day(-30),
                until: Some(day(-25)),
                ..CertificateInput::default()
            },
        )
        .unwrap_err();
    assert!(e.to_string().contains("before the visit"), "{e}");
    let (attachment, doc) = d
        .doctor
        .issue_certificate(
            visit.id,
            &CertificateInput {
                kind: CertificateKind::SickNote,
                from: day(0),
                until: Some(day(2)),
                recommendation: "Rest at home and drink plenty of fluids".into(),
            },
        )
        .unwrap();
    assert_eq!(attachment.encounter_id, Some(visit.id));
    assert_eq!(attachment.mime, "application/pdf");
    assert!(doc.title.starts_with("Sick note C-"), "{}", doc.title);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("note.pdf");
    d.doctor
        .export_document(DocumentRef::Attachment(attachment.id), &path)
        .unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        doc.pdf,
        "the filed copy prints"
    );
    let text = pdftotext(&path);
    for expected in [
        "Zoë Ólafsdóttir",
        "Dr José Álvarez",
        "Rest at home and drink plenty of fluids",
        doc.title.trim_start_matches("Sick note "),
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    let mut nurse = d.clinic.sign_in("nurse");
    assert_eq!(
        nurse
            .issue_certificate(
                visit.id,
                &CertificateInput {
                    from: day(0),
                    until: Some(day(1)),
                    ..CertificateInput::default()
                },
            )
            .unwrap_err()
            .code(),
        Code::Forbidden
    );
}

#[test]
fn documents_an_export_to_a_missing_folder_fails_clearly_and_writes_nothing() {
    let mut d = desk();
    let id = issued(&mut d);
    let dir = tempfile::tempdir().unwrap();
    let e = d
        .doctor
        .export_document(
            DocumentRef::Prescription(id),
            &dir.path().join("no-such-folder/rx.pdf"),
        )
        .unwrap_err();
    assert!(e.to_string().contains("does not exist"), "{e}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    assert_eq!(d.clinic.count_audit("action = 'document.export'"), 0);
}

#[test]
fn documents_the_qr_code_a_pharmacy_scans_carries_the_number_and_a_code_that_verifies() {
    let mut d = desk();
    let id = issued(&mut d);
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("rx.pdf");
    d.doctor
        .export_document(DocumentRef::Prescription(id), &pdf)
        .unwrap();
    let png = dir.path().join("page");
    let rendered = Command::new("pdftoppm")
        .args(["-png", "-r", "150", "-singlefile"])
        .arg(&pdf)
        .arg(&png)
        .status()
        .expect("pdftoppm (poppler-utils) runs");
    assert!(rendered.success());
    let scanned = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(png.with_extension("png"))
        .output()
        .expect("zbarimg (zbar-tools, installed by the test script) runs");
    let payload = String::from_utf8(scanned.stdout).unwrap();
    let (number, code) = payload
        .trim()
        .split_once(' ')
        .unwrap_or_else(|| panic!("the QR code holds the number and the code: {payload:?}"));
    assert_eq!(
        Some(number.to_owned()),
        d.doctor.prescription(id).unwrap().number
    );
    let mut pharm = d.clinic.sign_in("pharm");
    assert_eq!(pharm.verify_prescription(number, code).unwrap().id, id);
}
