//! Administration: users, the group's branches, sign-in settings, backups and the audit
//! log, one file per feature. The core checks every call; the UI shows these screens
//! only to whom `Capabilities` allows.

pub mod audit;
pub mod backup;
pub mod branches;
pub mod settings;
pub mod users;
