//! The clinical record (`src/clinical/`), on the demo clinic: its doctor's checked-in
//! patient, its nurse and receptionist, and its past visits.

mod allergies;
mod attachments;
mod chart;
mod diagnoses;
mod documents;
mod encounters;
mod lab;
mod notes;
mod prescriptions;
mod vitals;

use clinic_core::KdfParams;
use clinic_desktop::dto::{CommandError, ErrorCode};
use clinic_desktop::{Shell, demo};
use tempfile::TempDir;

use crate::support::*;

pub const DOCTOR: &str = "dr.wanjiru";
pub const NURSE: &str = "nurse.akinyi";
pub const DESK: &str = "frontdesk";
pub const ADMIN: &str = "admin";

/// The demo clinic at 09:00 on a Monday in Nairobi, nobody signed in. The directory goes
/// when the first value is dropped.
pub fn demo_clinic() -> (TempDir, Shell) {
    let tmp = tempfile::tempdir().unwrap();
    let clock = clock_at(NAIROBI_MORNING);
    let kdf = KdfParams::FAST_INSECURE_FOR_TESTS;
    demo::ensure_workstation(tmp.path(), clock.clone(), kdf).unwrap();
    let shell = Shell::new(tmp.path().to_owned(), true, clock, kdf);
    (tmp, shell)
}

pub fn sign_in_as(shell: &Shell, username: &str) {
    shell.sign_in(username, demo::PASSWORD, None).unwrap();
}

/// The id of a demo patient found by name (as whoever is signed in).
pub fn patient_named(shell: &Shell, name: &str) -> String {
    shell.search_patients(name, 5).unwrap().remove(0).id
}

pub fn forbidden(err: CommandError) {
    assert_eq!(err.code, ErrorCode::Forbidden, "{err:?}");
}

pub fn invalid(err: CommandError, field: &str) {
    assert_eq!(
        (err.code, err.field.as_deref()),
        (ErrorCode::Validation, Some(field)),
        "{err:?}"
    );
}
