//! The front desk (`src/frontdesk/`).

mod appointments;
mod doctors;
mod patients;
