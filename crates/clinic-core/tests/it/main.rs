//! Integration tests of the core through its public API.

mod audit;
mod identity;
mod policy;
mod store;
mod support;
