//! The clinical record, one file per feature (as in `clinic_core::clinical`): the doctor's
//! day and visits (`encounters`), notes with their versions (`notes`), vitals and the
//! clinic's display units (`vitals`), ICD-10-CM search and diagnoses (`diagnoses`),
//! allergies (`allergies`), scans, photos and PDFs (`attachments`), the drug catalogue and
//! prescriptions (`prescriptions`), lab orders, samples and results (`lab`), and the chart with who opened it (`chart`).
//!
//! The core authorizes and audits every one of these reads and writes; these files only
//! parse what the UI sent, call the core and map its answer.

pub mod allergies;
pub mod attachments;
pub mod chart;
pub mod diagnoses;
pub mod encounters;
pub mod lab;
pub mod notes;
pub mod prescriptions;
pub mod vitals;
