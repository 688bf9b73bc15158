//! Keeping a workstation's data safe: backups (`backup`), backups on a schedule
//! (`backup_schedule`), and changing the database key (`rekey`).
//!
//! These sit above the front desk and sync (a restore catches up with the server), and
//! below nothing: no clinical feature uses them.

pub mod backup;
pub mod backup_schedule;
pub mod rekey;
