//! Billing, one folder per feature: `invoices/` (the price list, invoices and credit
//! notes with their lines and exact figures, a completed visit's draft, issuing with a
//! per-device number, voids, payments and refunds) `insurance/` (payers, policies, a claim per invoice and the patient's share)
//! and `reports/` (the daily cash-up, the
//! monthly summary and their CSV exports). Above the clinical record and the
//! pharmacy in the layers: completing a visit makes its draft here.

pub mod insurance;
pub mod invoices;
pub mod reports;
