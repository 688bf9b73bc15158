//! Attachments on one workstation: scans, photos and PDFs sealed outside the database,
//! opened back exactly, refused when damaged, of the wrong kind or too large, archived
//! and never deleted. Across workstations and the server: `tests/it/attachments.rs` of
//! clinic-e2e.

use clinic_core::clinical::attachments::Attachment;
use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::ids::PatientId;
use clinic_core::{Code, NewUser, Role, Session};

use crate::support::{Clinic, password_of};

/// Plaintext bytes per chunk of a sealed file.
const CHUNK: usize = 256 * 1024;

/// A run of text that appears nowhere but in the test file's plaintext.
const MARKER: &[u8] = b"PATIENT-SCAN-PLAINTEXT-MARKER-7f3a9c";

/// A PNG-headed file of `len` bytes: pseudo-random bytes with the marker every 4 KB.
fn scan(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut bytes: Vec<u8> = (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect();
    bytes[..8].copy_from_slice(b"\x89PNG\r\n\x1a\n");
    for at in (64..len.saturating_sub(MARKER.len())).step_by(4096) {
        bytes[at..at + MARKER.len()].copy_from_slice(MARKER);
    }
    bytes
}

struct Room {
    clinic: Clinic,
    doctor: Session,
    nurse: Session,
    desk: Session,
    patient: PatientId,
}

impl Room {
    fn new() -> Room {
        let mut clinic = Clinic::new();
        for (name, role) in [
            ("dr.scan", Role::Doctor),
            ("dr.other", Role::Doctor),
            ("nurse", Role::Nurse),
            ("desk", Role::Receptionist),
        ] {
            clinic.add_user(name, role);
        }
        let mut desk = clinic.sign_in("desk");
        let patient = desk
            .register_patient(
                &PatientInput {
                    given_name: "Achieng".into(),
                    family_name: "Otieno".into(),
                    date_of_birth: "1985-03-14".into(),
                    sex: "female".into(),
                    ..PatientInput::default()
                },
                false,
            )
            .unwrap()
            .id;
        Room {
            doctor: clinic.sign_in("dr.scan"),
            nurse: clinic.sign_in("nurse"),
            desk,
            clinic,
            patient,
        }
    }

    fn file_of(&self, a: &Attachment) -> std::path::PathBuf {
        self.clinic
            .path()
            .join("attachments")
            .join(format!("{}.bin", a.id))
    }
}

#[test]
fn an_attachment_round_trips_bit_for_bit_and_its_file_on_disk_holds_none_of_its_plaintext() {
    let mut r = Room::new();
    let plain = scan(3 * 1024 * 1024 + 777, 1);
    let added = r
        .nurse
        .add_attachment(
            r.patient,
            None,
            "wound-day3.png",
            Some("Wound, day 3"),
            &plain,
        )
        .unwrap();
    assert_eq!(added.mime, "image/png", "the kind comes from the content");
    assert_eq!(added.size, plain.len() as u64);
    assert!(added.here);

    let on_disk = std::fs::read(r.file_of(&added)).unwrap();
    assert!(
        !on_disk.windows(MARKER.len()).any(|w| w == MARKER),
        "the sealed file holds no run of the plaintext"
    );
    assert!(
        !on_disk.windows(64).any(|w| w == &plain[100_000..100_064]),
        "nor any other stretch of it"
    );
    let folder = r.clinic.path().join("attachments");
    let leftovers: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        leftovers,
        vec![format!("{}.bin", added.id)],
        "no staging copy or plaintext is left beside it"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&folder), 0o700, "the folder is the user's alone");
        assert_eq!(mode(&r.file_of(&added)), 0o600, "and so is the file");
    }

    let opens_before = r.clinic.count_audit("action = 'record.attachment_open'");
    let (mime, bytes) = r.doctor.attachment_bytes(added.id).unwrap();
    assert_eq!(mime, "image/png");
    assert!(bytes == plain, "the bytes come back exactly as added");
    assert_eq!(
        r.clinic.count_audit("action = 'record.attachment_open'") - opens_before,
        1,
        "opening it is an audited read of the record"
    );

    let list = r.doctor.attachments_of(r.patient).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].title.as_deref(), Some("Wound, day 3"));
    assert_eq!(list[0].added_by_name, "nurse");
    let status = r.nurse.sync_status().unwrap();
    assert_eq!(
        status.attachments_waiting, 1,
        "its bytes wait for the sync server"
    );
}

#[test]
fn a_tampered_attachment_file_is_refused_with_a_clear_error_and_shows_nothing() {
    let mut r = Room::new();
    let plain = scan(2 * CHUNK + 5, 2);
    let added = r
        .doctor
        .add_attachment(r.patient, None, "ct.png", None, &plain)
        .unwrap();
    let path = r.file_of(&added);
    let original = std::fs::read(&path).unwrap();

    let mut flipped = original.clone();
    flipped[CHUNK + 16 + 4000] ^= 0x20;
    std::fs::write(&path, &flipped).unwrap();
    let opens_before = r.clinic.count_audit("action = 'record.attachment_open'");
    let err = r.doctor.attachment_bytes(added.id).unwrap_err();
    assert_eq!(err.code(), Code::AttachmentDamaged, "{err}");
    let message = err.to_string();
    assert!(
        message.contains("chunk 2 of 3") && message.contains("ct.png"),
        "the error names the file and the chunk that failed: {message}"
    );
    assert!(
        message.contains("only copy"),
        "and, as it was never uploaded, says to keep it: {message}"
    );
    assert_eq!(
        r.clinic.count_audit("action = 'record.attachment_open'"),
        opens_before,
        "nothing was shown, so no read is recorded"
    );
    assert_eq!(
        r.clinic.count_audit("action = 'attachment.damaged'"),
        1,
        "the failed check is on record"
    );
    assert!(path.exists(), "the only copy stays where it is");

    std::fs::write(&path, &original[..original.len() - 7]).unwrap();
    let err = r.doctor.attachment_bytes(added.id).unwrap_err();
    assert_eq!(
        err.code(),
        Code::AttachmentDamaged,
        "a file cut short: {err}"
    );

    std::fs::write(&path, &original).unwrap();
    assert!(r.doctor.attachment_bytes(added.id).unwrap().1 == plain);
}

#[test]
fn attachments_of_the_wrong_kind_or_too_large_are_refused_naming_the_field() {
    let mut r = Room::new();
    let field = |e: clinic_core::Error| (e.code(), e.field(), e.to_string());

    let program = b"MZ\x90\x00\x03\x00\x00\x00 this is a program, not a scan".to_vec();
    let (code, f, message) = field(
        r.doctor
            .add_attachment(r.patient, None, "scan.pdf", None, &program)
            .unwrap_err(),
    );
    assert_eq!((code, f), (Code::Validation, Some("file")), "{message}");
    assert!(message.contains("PDF, PNG, JPEG"), "{message}");

    let mut huge = vec![0u8; 25 * 1024 * 1024 + 1];
    huge[..5].copy_from_slice(b"%PDF-");
    let (code, f, message) = field(
        r.doctor
            .add_attachment(r.patient, None, "big.pdf", None, &huge)
            .unwrap_err(),
    );
    assert_eq!((code, f), (Code::Validation, Some("file")), "{message}");
    assert!(message.contains("larger than 25 MB"), "{message}");

    let (code, f, _) = field(
        r.doctor
            .add_attachment(r.patient, None, "empty.pdf", None, b"")
            .unwrap_err(),
    );
    assert_eq!((code, f), (Code::Validation, Some("file")));

    let (code, f, _) = field(
        r.doctor
            .add_attachment(r.patient, None, "../../etc/x.pdf", None, b"%PDF-1.4 x")
            .unwrap_err(),
    );
    assert_eq!((code, f), (Code::Validation, Some("file_name")));

    let mut exactly = vec![0u8; 25 * 1024 * 1024];
    exactly[..4].copy_from_slice(&[0xFF, 0xD8, 0xFF, 0xE0]);
    let a = r
        .doctor
        .add_attachment(r.patient, None, "limit.jpg", None, &exactly)
        .unwrap();
    assert_eq!(
        (a.mime.as_str(), a.size),
        ("image/jpeg", exactly.len() as u64)
    );
    let folder = r.clinic.path().join("attachments");
    assert_eq!(
        std::fs::read_dir(folder).unwrap().count(),
        1,
        "refused files leave nothing behind"
    );
}

#[test]
fn only_doctors_and_nurses_attach_and_opening_one_needs_the_patients_record() {
    let mut r = Room::new();
    let pdf = b"%PDF-1.7\nreferral letter\n%%EOF".to_vec();
    let err = r
        .desk
        .add_attachment(r.patient, None, "id-card.pdf", None, &pdf)
        .unwrap_err();
    assert_eq!(
        err.code(),
        Code::Forbidden,
        "the front desk attaches nothing"
    );
    let added = r
        .doctor
        .add_attachment(r.patient, None, "referral.pdf", None, &pdf)
        .unwrap();
    assert_eq!(
        r.desk.attachment_bytes(added.id).unwrap_err().code(),
        Code::Forbidden,
        "nor opens one"
    );
    assert_eq!(
        r.desk.attachments_of(r.patient).unwrap_err().code(),
        Code::Forbidden
    );
    assert_eq!(
        r.clinic
            .admin
            .attachment_bytes(added.id)
            .unwrap_err()
            .code(),
        Code::Forbidden,
        "administrators see no clinical content"
    );

    // A patient user opens their own record's attachments, and nobody else's.
    r.clinic
        .admin
        .create_user(&NewUser {
            patient: Some(r.patient),
            ..NewUser::new("achieng", Role::Patient, &password_of("achieng"))
        })
        .unwrap();
    let mut own = r.clinic.sign_in("achieng");
    assert!(own.attachment_bytes(added.id).unwrap().1 == pdf);
    r.clinic.add_user("someone.else", Role::Patient);
    let mut other = r.clinic.sign_in("someone.else");
    assert_eq!(
        other.attachment_bytes(added.id).unwrap_err().code(),
        Code::Forbidden
    );
    assert!(
        r.clinic.count_audit(&format!(
            "action = 'record_read' AND outcome = 'denied' AND patient_id = '{}'",
            r.patient
        )) >= 3,
        "every refused look is on record"
    );
}

#[test]
fn an_attachment_is_archived_with_a_reason_by_its_author_or_a_doctor_and_never_deleted() {
    let mut r = Room::new();
    let jpeg = [&[0xFFu8, 0xD8, 0xFF, 0xE1][..], b"photo"].concat();
    let by_nurse = r
        .nurse
        .add_attachment(r.patient, None, "rash.jpg", None, &jpeg)
        .unwrap();
    let by_doctor = r
        .doctor
        .add_attachment(r.patient, None, "xray.jpg", None, &jpeg)
        .unwrap();
    assert_eq!(
        r.nurse
            .archive_attachment(by_doctor.id, "wrong patient")
            .unwrap_err()
            .code(),
        Code::Forbidden,
        "a nurse does not archive a doctor's attachment"
    );
    let err = r.nurse.archive_attachment(by_nurse.id, " ").unwrap_err();
    assert_eq!(err.field(), Some("reason"));
    let archived = r
        .nurse
        .archive_attachment(by_nurse.id, "blurred photo")
        .unwrap();
    assert!(archived.archived);
    assert_eq!(archived.archive_reason.as_deref(), Some("blurred photo"));
    let again = r
        .doctor
        .archive_attachment(by_nurse.id, "x y z")
        .unwrap_err();
    assert_eq!(again.field(), Some("attachment"));
    r.doctor
        .archive_attachment(by_doctor.id, "duplicate scan")
        .unwrap();

    let list = r.doctor.attachments_of(r.patient).unwrap();
    assert_eq!(list.len(), 2, "archived attachments stay in the record");
    assert!(list.iter().all(|a| a.archived));
    assert!(
        r.doctor.attachment_bytes(by_nurse.id).unwrap().1 == jpeg,
        "and can still be opened"
    );

    let conn = r.doctor.raw_connection().unwrap();
    let deleted = conn.execute(
        "DELETE FROM attachments WHERE id = ?1",
        [by_nurse.id.to_string()],
    );
    assert!(deleted.is_err(), "the table refuses a delete");
    let unarchived = conn.execute(
        "UPDATE attachments SET archived = 0 WHERE id = ?1",
        [by_nurse.id.to_string()],
    );
    assert!(unarchived.is_err(), "archived is for good");
    let swapped = conn.execute(
        "UPDATE attachments SET sha256 = ?2 WHERE id = ?1",
        [by_doctor.id.to_string(), "0".repeat(64)],
    );
    assert!(swapped.is_err(), "a file never changes");
}

#[test]
fn opening_an_attachment_whose_file_is_not_here_while_offline_says_to_connect() {
    let mut r = Room::new();
    let plain = scan(4096, 3);
    let added = r
        .doctor
        .add_attachment(r.patient, None, "ecg.png", None, &plain)
        .unwrap();
    // As if the record had been pulled from another workstation: the file is elsewhere.
    let path = r.file_of(&added);
    std::fs::rename(&path, path.with_extension("elsewhere")).unwrap();
    let err = r.doctor.attachment_bytes(added.id).unwrap_err();
    assert_eq!(err.field(), Some("attachment"), "{err}");
    assert!(err.to_string().contains("not enrolled"), "{err}");

    // Enrolled with a server that cannot be reached (nothing listens on port 9).
    r.clinic
        .admin
        .raw_connection()
        .unwrap()
        .execute(
            "INSERT INTO sync_state (singleton, server_url, device_token, branch_code)
             VALUES (1, 'http://127.0.0.1:9', 'token', 'BR01')",
            [],
        )
        .unwrap();
    let err = r.doctor.attachment_bytes(added.id).unwrap_err();
    assert_eq!(err.code(), Code::Offline, "{err}");
    assert!(
        err.to_string().contains(
            "ecg.png is not on this workstation yet; connect to the sync server to fetch it"
        ),
        "{err}"
    );
    assert!(!r.doctor.attachment(added.id).unwrap().here);
}
