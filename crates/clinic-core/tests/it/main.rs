//! Integration tests of the core through its public API.

mod attachments;
mod audit;
mod backup;
mod billing;
mod clinical;
mod documents;
mod fhir;
mod frontdesk;
mod identity;
mod invoice_documents;
mod lab;
mod pharmacy;
mod policy;
mod printing;
mod rekey;
mod rx;
mod server_address;
mod store;
mod support;
mod sync_conflicts;
