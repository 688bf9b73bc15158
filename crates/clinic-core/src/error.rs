//! The core's one error type. Every variant says what went wrong and what to do next,
//! because these messages reach clinic staff and their IT person unchanged.

use std::path::PathBuf;

use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("wrong user name or password; check the caps-lock key and try again")]
    BadCredentials,

    #[error(
        "that recovery code does not open this workstation; type it exactly as printed at set-up (dashes optional)"
    )]
    BadRecoveryCode,

    #[error("the account \"{0}\" is deactivated; ask an administrator to re-activate it")]
    UserInactive(String),

    #[error("too many failed sign-ins for this account; try again after {until} (UTC)")]
    LockedOut { until: String },

    #[error("enter the 6-digit code from your authenticator app")]
    TotpRequired,

    #[error(
        "that code is not right; check your authenticator app's clock and try the current code"
    )]
    BadTotpCode,

    #[error(
        "\"{0}\" is an emergency account: use Emergency access and give the reason, which every administrator will see"
    )]
    EmergencyAccount(String),

    #[error("the session locked itself after {minutes} minutes without activity; sign in again")]
    SessionLocked { minutes: i64 },

    #[error(
        "the emergency access period has ended; open emergency access again if it is still needed"
    )]
    EmergencyExpired,

    #[error("there is no workstation in {}: set one up first (`clinic init`)", .0.display())]
    NotInitialized(PathBuf),

    #[error(
        "a workstation already exists in {}: use it, or choose an empty directory",
        .0.display()
    )]
    AlreadyInitialized(PathBuf),

    #[error(
        "the key file {} is missing; without it the database cannot be opened: restore it from your backup",
        .0.display()
    )]
    KeyFileMissing(PathBuf),

    #[error("the key file {} is damaged ({reason}); restore it from your backup", path.display())]
    KeyFileCorrupt { path: PathBuf, reason: String },

    #[error(
        "the database file {} is missing; restore it from your backup next to its key file",
        .0.display()
    )]
    DatabaseMissing(PathBuf),

    #[error(
        "{} is not the database that belongs to this key file; put the matching pair of files back together",
        .0.display()
    )]
    NotOurDatabase(PathBuf),

    #[error(
        "the database is damaged ({detail}); nothing was changed. Stop using this workstation and restore from a backup"
    )]
    DatabaseCorrupt { detail: String },

    #[error("{} is not a clinic backup ({reason}); choose the file the backup wrote", path.display())]
    NotABackup { path: PathBuf, reason: String },

    #[error(
        "the backup {} is damaged ({detail}); nothing was restored: use another backup",
        path.display()
    )]
    BackupDamaged { path: PathBuf, detail: String },

    /// An attachment's file failed its checks (a chunk did not authenticate, the
    /// plaintext's SHA-256 or kind is not what its record says): the message says which
    /// file, what failed, and what to do.
    #[error("{0}")]
    AttachmentDamaged(String),

    #[error(
        "you are not allowed to do this ({action}: {reason}); ask an administrator if you need to"
    )]
    Forbidden {
        action: &'static str,
        reason: &'static str,
    },

    #[error(
        "this patient may already be registered (record {}); open that record, or confirm that this is a different person",
        records.join(", ")
    )]
    PossibleDuplicate { records: Vec<String> },

    #[error("that time is no longer free for {who}; pick another slot")]
    SlotTaken { who: &'static str },

    #[error("the appointment is {from}; it cannot become {to}")]
    InvalidTransition { from: String, to: &'static str },

    /// Printing failed: CUPS is missing or not running, the printer refused the job, or
    /// it did not answer. The message says which, with the printing system's own words,
    /// and what to do.
    #[error("{0}")]
    Printing(String),

    #[error("{0}")]
    Offline(String),

    #[error("{0}")]
    UpdateRequired(String),

    #[error("the sync server refused this workstation: {0}")]
    SyncRefused(String),

    #[error("sync failed: {0}; nothing was lost, it will be retried")]
    Sync(String),

    #[error(
        "time_zone: \"{0}\" is not a time zone this app knows; use UTC or a name such as Africa/Nairobi (if the clinic already has this zone, update the app: its list of zones is older)"
    )]
    UnknownTimeZone(String),

    #[error("{field}: {message}")]
    Validation {
        field: &'static str,
        message: String,
    },

    #[error(
        "updating the database schema failed ({0}); nothing was changed, install a fixed version"
    )]
    Migration(String),

    #[error("could not read or write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("the encrypted store reported an error: {0}")]
    Storage(#[from] rusqlite::Error),

    #[error("internal error: {0}")]
    Internal(String),
}

/// The closed set of error codes the user interface and scripts can match on.
/// Serialised as `snake_case` strings; a unit test pins every spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
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

impl Code {
    /// The same spelling as the serialised form, for plain-text outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::BadCredentials => "bad_credentials",
            Code::BadRecoveryCode => "bad_recovery_code",
            Code::UserInactive => "user_inactive",
            Code::LockedOut => "locked_out",
            Code::TotpRequired => "totp_required",
            Code::BadTotpCode => "bad_totp_code",
            Code::EmergencyAccount => "emergency_account",
            Code::SessionLocked => "session_locked",
            Code::EmergencyExpired => "emergency_expired",
            Code::NotInitialized => "not_initialized",
            Code::AlreadyInitialized => "already_initialized",
            Code::KeyFileMissing => "key_file_missing",
            Code::KeyFileCorrupt => "key_file_corrupt",
            Code::DatabaseMissing => "database_missing",
            Code::NotOurDatabase => "not_our_database",
            Code::DatabaseCorrupt => "database_corrupt",
            Code::NotABackup => "not_a_backup",
            Code::BackupDamaged => "backup_damaged",
            Code::AttachmentDamaged => "attachment_damaged",
            Code::Forbidden => "forbidden",
            Code::PossibleDuplicate => "possible_duplicate",
            Code::SlotTaken => "slot_taken",
            Code::InvalidTransition => "invalid_transition",
            Code::Printing => "printing",
            Code::Offline => "offline",
            Code::UpdateRequired => "update_required",
            Code::SyncRefused => "sync_refused",
            Code::Sync => "sync",
            Code::Validation => "validation",
            Code::Internal => "internal",
        }
    }
}

impl Error {
    pub fn code(&self) -> Code {
        match self {
            Error::BadCredentials => Code::BadCredentials,
            Error::BadRecoveryCode => Code::BadRecoveryCode,
            Error::UserInactive(_) => Code::UserInactive,
            Error::LockedOut { .. } => Code::LockedOut,
            Error::TotpRequired => Code::TotpRequired,
            Error::BadTotpCode => Code::BadTotpCode,
            Error::EmergencyAccount(_) => Code::EmergencyAccount,
            Error::SessionLocked { .. } => Code::SessionLocked,
            Error::EmergencyExpired => Code::EmergencyExpired,
            Error::NotInitialized(_) => Code::NotInitialized,
            Error::AlreadyInitialized(_) => Code::AlreadyInitialized,
            Error::KeyFileMissing(_) => Code::KeyFileMissing,
            Error::KeyFileCorrupt { .. } => Code::KeyFileCorrupt,
            Error::DatabaseMissing(_) => Code::DatabaseMissing,
            Error::NotOurDatabase(_) => Code::NotOurDatabase,
            Error::DatabaseCorrupt { .. } => Code::DatabaseCorrupt,
            Error::NotABackup { .. } => Code::NotABackup,
            Error::BackupDamaged { .. } => Code::BackupDamaged,
            Error::AttachmentDamaged(_) => Code::AttachmentDamaged,
            Error::Forbidden { .. } => Code::Forbidden,
            Error::PossibleDuplicate { .. } => Code::PossibleDuplicate,
            Error::SlotTaken { .. } => Code::SlotTaken,
            Error::InvalidTransition { .. } => Code::InvalidTransition,
            Error::Printing(_) => Code::Printing,
            Error::Offline(_) => Code::Offline,
            Error::UpdateRequired(_) => Code::UpdateRequired,
            Error::SyncRefused(_) => Code::SyncRefused,
            Error::Sync(_) => Code::Sync,
            Error::Validation { .. } | Error::UnknownTimeZone(_) => Code::Validation,
            Error::Migration(_) | Error::Io { .. } | Error::Storage(_) | Error::Internal(_) => {
                Code::Internal
            }
        }
    }

    /// The field a validation error is about, so a form can show it in the right place.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::Validation { field, .. } => Some(field),
            Error::UnknownTimeZone(_) => Some("time_zone"),
            _ => None,
        }
    }

    pub(crate) fn validation(field: &'static str, message: impl Into<String>) -> Self {
        Error::Validation {
            field,
            message: message.into(),
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Error::Io { path, source }
    }

    /// Maps an SQLite error to the typed errors a damaged file must produce.
    pub(crate) fn from_sqlite(err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        match err.sqlite_error_code() {
            Some(C::DatabaseCorrupt) | Some(C::NotADatabase) => Error::DatabaseCorrupt {
                detail: err.to_string(),
            },
            _ => Error::Storage(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_to_stable_snake_case_strings_the_ui_matches_on() {
        let all = [
            (Code::BadCredentials, "bad_credentials"),
            (Code::BadRecoveryCode, "bad_recovery_code"),
            (Code::UserInactive, "user_inactive"),
            (Code::LockedOut, "locked_out"),
            (Code::TotpRequired, "totp_required"),
            (Code::BadTotpCode, "bad_totp_code"),
            (Code::EmergencyAccount, "emergency_account"),
            (Code::SessionLocked, "session_locked"),
            (Code::EmergencyExpired, "emergency_expired"),
            (Code::NotInitialized, "not_initialized"),
            (Code::AlreadyInitialized, "already_initialized"),
            (Code::KeyFileMissing, "key_file_missing"),
            (Code::KeyFileCorrupt, "key_file_corrupt"),
            (Code::DatabaseMissing, "database_missing"),
            (Code::NotOurDatabase, "not_our_database"),
            (Code::DatabaseCorrupt, "database_corrupt"),
            (Code::NotABackup, "not_a_backup"),
            (Code::BackupDamaged, "backup_damaged"),
            (Code::AttachmentDamaged, "attachment_damaged"),
            (Code::Forbidden, "forbidden"),
            (Code::PossibleDuplicate, "possible_duplicate"),
            (Code::SlotTaken, "slot_taken"),
            (Code::InvalidTransition, "invalid_transition"),
            (Code::Printing, "printing"),
            (Code::Offline, "offline"),
            (Code::UpdateRequired, "update_required"),
            (Code::SyncRefused, "sync_refused"),
            (Code::Sync, "sync"),
            (Code::Validation, "validation"),
            (Code::Internal, "internal"),
        ];
        for (code, text) in all {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::String(text.into()),
                "the UI and scripts match on this exact spelling"
            );
            assert_eq!(
                code.as_str(),
                text,
                "plain-text output uses the same spelling"
            );
        }
    }

    #[test]
    fn sqlite_corruption_maps_to_database_corrupt_not_a_generic_storage_error() {
        let err = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
            None,
        );
        assert_eq!(Error::from_sqlite(err).code(), Code::DatabaseCorrupt);
    }
}
