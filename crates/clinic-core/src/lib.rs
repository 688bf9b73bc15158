//! The clinic core: domain primitives, the encrypted workstation store, key envelopes and
//! the transactional change log. It never depends on Tauri or axum; the desktop shell and
//! the command-line tool are thin adapters over [`Workstation`] and [`Session`].

pub mod actor;
pub mod appointments;
pub mod backup;
pub mod backup_schedule;
pub mod clinic_time;
pub mod clock;
pub mod demo;
pub mod doctors;
pub mod envelope;
pub mod error;
pub mod hlc;
pub mod identity;
pub mod ids;
mod keyfile;
pub mod money;
pub mod patients;
pub mod policy;
mod private_files;
pub mod rekey;
pub mod schedule;
pub mod session;
mod signin_guard;
pub mod store;
pub mod sync;
pub mod totp;
mod validate;
pub mod workstation;

pub use actor::{Actor, Role};
pub use backup::{BackupFile, Restored, Secret, Written};
pub use clinic_time::ClinicTime;
pub use clock::{Clock, ManualClock, SystemClock};
pub use envelope::{KdfParams, RecoveryCode};
pub use error::{Code, Error, Result};
pub use identity::{NewUser, SignInSettings, TotpEnrolment};
pub use policy::{Action, Target};
pub use rekey::Rekeyed;
pub use session::Session;
pub use store::audit::{Entry as AuditEntry, Filter as AuditFilter, Verification};
pub use store::notifications::Notification;
pub use store::organisation::ClinicInfo;
pub use store::users::User;
pub use workstation::{Initialized, Join, Setup, Workstation};
