//! The pharmacy, one folder per feature: `stock/` (items, batches and the append-only
//! movements every number is the sum of; deliveries, counts, expiry, transfers between
//! branches, discrepancies the sync server raised, alerts and reports) and
//! `dispensing/` (the queue of issued prescriptions, first-expiry-first-out picking,
//! partial dispensing and substitutions, over-the-counter sales), above it.

pub mod dispensing;
pub mod stock;
