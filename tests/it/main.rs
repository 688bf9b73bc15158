//! End-to-end: the shipped binaries and several workstations syncing through a real
//! sync server against a real PostgreSQL.

mod auth;
mod backup;
mod contract;
mod forged;
mod harness;
mod server_binary;
mod sync;
