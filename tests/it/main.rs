//! End-to-end: the shipped binaries, started the way the README and an IT person start
//! them, against a real PostgreSQL.

mod server_binary;
