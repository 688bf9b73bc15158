//! What the commands exchange with the UI: the conventions, and the wire types every
//! feature shares (roles, errors, the demo's accounts). Each feature's own wire types
//! live in its file (`frontdesk/patients.rs`, …), mapped from clinic-core's own types so
//! that a change in the core's structs never silently changes what the UI receives.
//!
//! TypeScript declarations for every wire type are generated (ts-rs, in test builds only)
//! into `ui/src/lib/generated/`; the screens' api.ts files use them. The test
//! `generated_types_are_up_to_date` fails when the committed files drift from the wire
//! types; `cargo test -p clinic-desktop --lib -- --ignored export_types` rewrites them.
//!
//! Ids travel as UUID strings, times as RFC 3339 UTC strings (`2026-01-05T09:00:00.000Z`),
//! days as `YYYY-MM-DD` in the clinic's time zone, and money as integer minor units of the
//! clinic's currency.

use clinic_core::Code;
use serde::{Deserialize, Serialize};

/// Roles as the core names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Doctor,
    Nurse,
    Receptionist,
    LabTechnician,
    Pharmacist,
    Accountant,
    Patient,
}

impl From<clinic_core::Role> for Role {
    fn from(role: clinic_core::Role) -> Self {
        match role {
            clinic_core::Role::Admin => Role::Admin,
            clinic_core::Role::Doctor => Role::Doctor,
            clinic_core::Role::Nurse => Role::Nurse,
            clinic_core::Role::Receptionist => Role::Receptionist,
            clinic_core::Role::LabTechnician => Role::LabTechnician,
            clinic_core::Role::Pharmacist => Role::Pharmacist,
            clinic_core::Role::Accountant => Role::Accountant,
            clinic_core::Role::Patient => Role::Patient,
        }
    }
}

impl From<Role> for clinic_core::Role {
    fn from(role: Role) -> Self {
        match role {
            Role::Admin => clinic_core::Role::Admin,
            Role::Doctor => clinic_core::Role::Doctor,
            Role::Nurse => clinic_core::Role::Nurse,
            Role::Receptionist => clinic_core::Role::Receptionist,
            Role::LabTechnician => clinic_core::Role::LabTechnician,
            Role::Pharmacist => clinic_core::Role::Pharmacist,
            Role::Accountant => clinic_core::Role::Accountant,
            Role::Patient => clinic_core::Role::Patient,
        }
    }
}

/// A demo account the sign-in screen lists (demo mode only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DemoAccount {
    pub username: String,
    pub password: String,
    pub role: Role,
}

/// The closed set of error codes, mirrored from clinic-core's `Code` (an exhaustive
/// match, so a new core code does not compile until it is added here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadCredentials,
    BadRecoveryCode,
    UserInactive,
    LockedOut,
    TotpRequired,
    BadTotpCode,
    EmergencyAccount,
    SessionLocked,
    EmergencyExpired,
    NotInitialized,
    AlreadyInitialized,
    KeyFileMissing,
    KeyFileCorrupt,
    DatabaseMissing,
    NotOurDatabase,
    DatabaseCorrupt,
    NotABackup,
    BackupDamaged,
    AttachmentDamaged,
    Forbidden,
    PossibleDuplicate,
    SlotTaken,
    InvalidTransition,
    Printing,
    Offline,
    UpdateRequired,
    SyncRefused,
    Sync,
    Validation,
    Internal,
}

impl From<Code> for ErrorCode {
    fn from(code: Code) -> Self {
        match code {
            Code::BadCredentials => Self::BadCredentials,
            Code::BadRecoveryCode => Self::BadRecoveryCode,
            Code::UserInactive => Self::UserInactive,
            Code::LockedOut => Self::LockedOut,
            Code::TotpRequired => Self::TotpRequired,
            Code::BadTotpCode => Self::BadTotpCode,
            Code::EmergencyAccount => Self::EmergencyAccount,
            Code::SessionLocked => Self::SessionLocked,
            Code::EmergencyExpired => Self::EmergencyExpired,
            Code::NotInitialized => Self::NotInitialized,
            Code::AlreadyInitialized => Self::AlreadyInitialized,
            Code::KeyFileMissing => Self::KeyFileMissing,
            Code::KeyFileCorrupt => Self::KeyFileCorrupt,
            Code::DatabaseMissing => Self::DatabaseMissing,
            Code::NotOurDatabase => Self::NotOurDatabase,
            Code::DatabaseCorrupt => Self::DatabaseCorrupt,
            Code::NotABackup => Self::NotABackup,
            Code::BackupDamaged => Self::BackupDamaged,
            Code::AttachmentDamaged => Self::AttachmentDamaged,
            Code::Forbidden => Self::Forbidden,
            Code::PossibleDuplicate => Self::PossibleDuplicate,
            Code::SlotTaken => Self::SlotTaken,
            Code::InvalidTransition => Self::InvalidTransition,
            Code::Printing => Self::Printing,
            Code::Offline => Self::Offline,
            Code::UpdateRequired => Self::UpdateRequired,
            Code::SyncRefused => Self::SyncRefused,
            Code::Sync => Self::Sync,
            Code::Validation => Self::Validation,
            Code::Internal => Self::Internal,
        }
    }
}

/// Every command error reaches the UI as `{ code, message, field }`; `field` names the
/// form field a validation error is about and is `null` otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
}

impl CommandError {
    pub fn internal(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Internal,
            message: message.into(),
            field: None,
        }
    }

    /// A value the UI sent that the shell cannot even parse (an id or a date): shown next
    /// to `field` like the core's own validation errors.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Validation,
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }

    /// No open session: the UI asks `session_state` and shows the lock or sign-in screen.
    pub fn no_session(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::SessionLocked,
            message: message.into(),
            field: None,
        }
    }
}

impl From<clinic_core::Error> for CommandError {
    fn from(err: clinic_core::Error) -> Self {
        let field = err.field();
        let mut message = err.to_string();
        // A validation error displays as "field: message"; the UI shows the message next
        // to the field itself, so the prefix would only repeat the field's (internal) name.
        if let Some(field) = field
            && let Some(rest) = message.strip_prefix(&format!("{field}: "))
        {
            message = rest.to_owned();
        }
        Self {
            code: err.code().into(),
            message,
            field: field.map(str::to_owned),
        }
    }
}

/// The types the UI sees, for exporting their TypeScript declarations.
#[cfg(test)]
pub(crate) mod typescript {
    use std::path::Path;

    use ts_rs::{Config, TS};

    use super::*;

    /// Writes one `.ts` file per wire type (and the types they use) into `dir`: the
    /// shared ones here, then each feature's (a new feature file adds its line).
    pub fn export_all(dir: &Path) -> Result<(), ts_rs::ExportError> {
        // Money and counts stay well inside 2^53: plain numbers, not bigint.
        let cfg = Config::new().with_out_dir(dir).with_large_int("number");
        Role::export_all(&cfg)?;
        DemoAccount::export_all(&cfg)?;
        ErrorCode::export_all(&cfg)?;
        CommandError::export_all(&cfg)?;
        crate::app::export_types(&cfg)?;
        crate::signin::export_types(&cfg)?;
        crate::notifications::export_types(&cfg)?;
        crate::frontdesk::patients::export_types(&cfg)?;
        crate::frontdesk::doctors::export_types(&cfg)?;
        crate::frontdesk::appointments::export_types(&cfg)?;
        crate::clinical::encounters::export_types(&cfg)?;
        crate::clinical::notes::export_types(&cfg)?;
        crate::clinical::vitals::export_types(&cfg)?;
        crate::clinical::diagnoses::export_types(&cfg)?;
        crate::clinical::allergies::export_types(&cfg)?;
        crate::clinical::attachments::export_types(&cfg)?;
        crate::clinical::prescriptions::export_types(&cfg)?;
        crate::clinical::lab::export_types(&cfg)?;
        crate::clinical::chart::export_types(&cfg)?;
        crate::pharmacy::export_types(&cfg)?;
        crate::billing::export_types(&cfg)?;
        crate::interop::export_types(&cfg)?;
        crate::documents::export_types(&cfg)?;
        crate::admin::users::export_types(&cfg)?;
        crate::admin::branches::export_types(&cfg)?;
        crate::admin::settings::export_types(&cfg)?;
        crate::admin::backup::export_types(&cfg)?;
        crate::admin::audit::export_types(&cfg)?;
        crate::sync::export_types(&cfg)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use super::typescript;

    /// Where the UI keeps the generated declarations (committed, so the UI builds without
    /// Rust).
    fn generated_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/generated")
    }

    fn read_ts_files(dir: &Path) -> BTreeMap<String, String> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return BTreeMap::new();
        };
        entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ts"))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .collect()
    }

    #[test]
    fn generated_types_are_up_to_date() {
        let tmp = tempfile::tempdir().unwrap();
        typescript::export_all(tmp.path()).unwrap();
        let fresh = read_ts_files(tmp.path());
        let committed = read_ts_files(&generated_dir());
        assert!(fresh.contains_key("AppState.ts"), "the export wrote files");
        let drifted: Vec<&String> = fresh
            .keys()
            .chain(committed.keys())
            .filter(|name| fresh.get(*name) != committed.get(*name))
            .collect();
        assert!(
            drifted.is_empty(),
            "types drifted: ui/src/lib/generated/ no longer matches the wire types \
             ({drifted:?}); run `cargo test -p clinic-desktop --lib -- --ignored export_types` \
             and commit the result"
        );
    }

    /// Rewrites `ui/src/lib/generated/` from the wire types.
    #[test]
    #[ignore = "writes into ui/src/lib/generated; run it after changing a wire type"]
    fn export_types() {
        let dir = generated_dir();
        std::fs::create_dir_all(&dir).unwrap();
        for name in read_ts_files(&dir).keys() {
            std::fs::remove_file(dir.join(name)).unwrap();
        }
        typescript::export_all(&dir).unwrap();
    }
}
