//! Interoperability: the record in other systems' formats. `fhir` exports a patient's
//! record as a FHIR R4 Bundle.
//!
//! Invariants of the whole area: an export is a read of the record, authorized and
//! audited here in the core like any other; it reads through the features' own store
//! functions and computes nothing clinical they do not (flags, BMI and statuses come from
//! the features); it writes nothing but its audit event.
//!
//! Layers: `interop` sits above every clinical feature it reads (attachments included)
//! and below `documents` (ARCHITECTURE.md, "Layers").

pub mod fhir;
