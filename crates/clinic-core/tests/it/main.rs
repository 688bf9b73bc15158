//! Integration tests of the encrypted workstation store through the public core API.

mod store;
