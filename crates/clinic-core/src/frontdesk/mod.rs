//! The front desk: patients, doctors with their weekly hours, and appointments.
//!
//! Layers inside: `doctors` (with `doctors::schedule`, the slot arithmetic) <
//! `appointments`; `patients` stands alone. Nothing here uses a feature above the front
//! desk (clinical, pharmacy, billing); they build on it.

pub mod appointments;
pub mod doctors;
pub mod patients;
