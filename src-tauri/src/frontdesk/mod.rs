//! The front desk: patients, doctors and appointments, one file per feature (as in
//! `clinic_core::frontdesk`).

pub mod appointments;
pub mod doctors;
pub mod patients;
