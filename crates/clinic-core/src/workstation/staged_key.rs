//! A re-keyed key file waiting for its database (`keys.json.rekey`, see
//! [`crate::maintenance::rekey`]): whether one is there, and settling it at the next
//! sign-in (finish the re-key, or roll it back) with the credentials being typed.

use std::fs;
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::keyfile::KeyFile;
use crate::store::Store;
use crate::workstation::{STAGED_KEY_FILE, Workstation};

pub(crate) fn staged_path(workstation: &Workstation) -> PathBuf {
    workstation.dir().join(STAGED_KEY_FILE)
}

/// Whether a re-key was started and not settled.
pub(crate) fn interrupted(workstation: &Workstation) -> bool {
    staged_path(workstation).exists()
}

pub(crate) fn unfinished_error() -> Error {
    Error::validation(
        "username",
        "a change of the database key on this workstation was interrupted: the administrator who started it (clinic rekey) signs in once to finish it, then seals the other users again",
    )
}

/// Moves the staged key file into place (atomic rename) and syncs the directory.
pub(crate) fn promote(workstation: &Workstation, staged: &std::path::Path) -> Result<()> {
    let target = workstation.key_file_path();
    fs::rename(staged, &target).map_err(Error::io(&target))?;
    if let Ok(dir) = fs::File::open(workstation.dir()) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Settles a re-key left half-way with the credentials being typed (see the module
/// documentation). Returns what was done, for the audit log (`rekey_rolled_back`,
/// `rekey_finished`), or nothing when there was nothing to settle or these credentials
/// cannot tell.
pub(crate) fn settle_interrupted(
    workstation: &Workstation,
    username: &str,
    password: &str,
) -> Result<Option<&'static str>> {
    let path = staged_path(workstation);
    if !path.exists() {
        return Ok(None);
    }
    // A staged file is written whole before the database is touched; one that does
    // not load was never used, but it is left for a person to look at rather than
    // deleted, in case it holds the only key.
    let Ok(staged) = KeyFile::load(&path) else {
        return Ok(None);
    };
    if let Ok((key, _)) = workstation.unseal_user(username, password) {
        match workstation.open_store(&key) {
            Ok(_) => {
                fs::remove_file(&path).map_err(Error::io(&path))?;
                return Ok(Some("rekey_rolled_back"));
            }
            Err(Error::DatabaseCorrupt { .. }) => {}
            Err(other) => return Err(other),
        }
    }
    let Some(envelope) = staged.user_envelope(username) else {
        return Ok(None);
    };
    let Ok(key) = envelope.open(password.as_bytes(), staged.database_id) else {
        return Ok(None);
    };
    if Store::open(&workstation.database_path(), &key, &staged.database_salt).is_err() {
        return Ok(None);
    }
    let mut keys = workstation.keys();
    promote(workstation, &path)?;
    *keys = staged;
    Ok(Some("rekey_finished"))
}
