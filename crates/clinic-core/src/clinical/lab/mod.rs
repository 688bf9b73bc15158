//! The laboratory (issue 14, in progress): so far the test catalogue with its reference
//! ranges and flags (`catalogue.rs`). Orders, samples, results with second-person
//! verification, critical-value notifications and the lab report build on it.

pub mod catalogue;
