//! The clinical record: allergies (`allergies`), visits (`encounters`), notes with every
//! version (`notes`),
//! vitals (`vitals`), diagnoses and the problem list (`diagnoses`), the chart that puts
//! them together (`chart`), who looked (`access`), and scans, photos and PDFs
//! (`attachments`, which sits above `sync`: opening one may fetch its file), the drug
//! catalogue and interaction table (`drugs`) and prescriptions (`prescriptions`).
//!
//! Invariants of the whole area: nothing clinical is ever deleted or overwritten (notes'
//! versions and vitals are append-only; a signed note takes only an addendum; diagnoses
//! are archived); every read of a patient's clinical data is authorized and audited by
//! [`access`], here in the core, never left to the caller; a receptionist sees no
//! clinical content (the policy grants the front desk no `record_read`); break-glass
//! access reads and never writes (the policy again).
//!
//! Layers inside: access < allergies < encounters < notes < vitals < diagnoses < drugs <
//! prescriptions < chart,
//! then (after `crate::sync`) attachments.

pub mod access;
pub mod allergies;
pub mod attachments;
pub mod chart;
pub mod diagnoses;
pub mod drugs;
pub mod encounters;
pub mod lab;
pub mod notes;
pub mod prescriptions;
pub mod vitals;
