//! The clinic core: domain primitives, the encrypted workstation store, key envelopes and
//! the transactional change log. It never depends on Tauri or axum; the desktop shell and
//! the command-line tool are thin adapters over [`Workstation`] and [`Session`].

// Primitives: no feature, no session.
pub mod actor;
pub mod clinic_time;
pub mod clock;
pub mod envelope;
pub mod error;
pub mod hlc;
pub mod ids;
mod keyfile;
pub mod money;
pub mod policy;
pub mod printing;
mod private_files;
pub mod totp;
mod validate;

// Plumbing every feature shares: the encrypted store, the workstation's files, the
// session, and signing in (which makes sessions).
pub mod session;
pub mod signin;
pub mod store;
pub mod workstation;

// Features, lowest first (ARCHITECTURE.md, "Layers").
pub mod billing;
pub mod clinical;
pub mod demo;
pub mod documents;
pub mod frontdesk;
pub mod identity;
pub mod interop;
pub mod maintenance;
pub mod pharmacy;
pub mod sync;

pub use actor::{Actor, Role};
pub use clinic_time::ClinicTime;
pub use clock::{Clock, ManualClock, SystemClock};
pub use envelope::{KdfParams, RecoveryCode};
pub use error::{Code, Error, Result};
pub use identity::{NewUser, SignInSettings, TotpEnrolment};
pub use maintenance::backup::{BackupFile, Restored, Secret, Written};
pub use maintenance::rekey::Rekeyed;
pub use policy::{Action, Target};
pub use session::Session;
pub use signin::setup::{Initialized, Setup};
pub use store::audit::{
    Days as AuditDays, Entry as AuditEntry, Filter as AuditFilter, Verification,
};
pub use store::notifications::Notification;
pub use store::organisation::ClinicInfo;
pub use store::users::User;
pub use sync::join::Join;
pub use workstation::Workstation;
