//! Tests of the desktop shell through the library's public API, without a window: one
//! module per feature file of `src/`, plus the command registration.

mod admin;
mod app;
mod billing;
mod clinical;
mod commands;
mod frontdesk;
mod interop;
mod notifications;
mod pharmacy;
mod shell;
mod signin;
mod support;
mod sync;
