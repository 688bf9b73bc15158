//! The key file (`keys.json`) next to the database: the database's id and salt and the
//! envelopes that unlock its key. It holds nothing readable without a password or the
//! recovery code. It is written atomically (temporary file, fsync, rename), so a crash
//! leaves either the old or the new file, never half of one.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::envelope::{Envelope, Holder};
use crate::error::{Error, Result};
use crate::ids::{DatabaseId, UserId};

const FORMAT: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyFile {
    format: u32,
    pub database_id: DatabaseId,
    /// The first 16 bytes of the database file (SQLCipher's salt), hex. Lets us tell
    /// "a different database" apart from "this database, damaged".
    pub database_salt: String,
    /// The user the command-line tool acts as when no `--user` is given.
    pub default_user: String,
    pub envelopes: Vec<Envelope>,
    /// Users whose envelope was removed when they were deactivated, so that signing in
    /// as one says "deactivated" instead of "wrong password". Names only: user names
    /// are in clear in this file anyway.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<Removed>,
}

/// A user who had an envelope here and lost it, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removed {
    pub username: String,
    pub why: Removal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Removal {
    /// An administrator deactivated them.
    Deactivated,
    /// The database key was changed (`clinic rekey`) and their envelope could not be
    /// re-sealed without their password: an administrator seals it again.
    Rekeyed,
    /// Reactivated after a deactivation; an administrator seals it again.
    Reactivated,
}

impl KeyFile {
    pub(crate) fn new(
        database_id: DatabaseId,
        database_salt: String,
        default_user: String,
    ) -> Self {
        Self {
            format: FORMAT,
            database_id,
            database_salt,
            default_user,
            envelopes: Vec::new(),
            removed: Vec::new(),
        }
    }

    pub(crate) fn load(path: &Path) -> Result<Self> {
        let bytes = match fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::KeyFileMissing(path.to_owned()));
            }
            Err(e) => return Err(Error::io(path)(e)),
        };
        Self::parse(&bytes, path)
    }

    /// Reads and checks a key file's bytes; `path` names it in errors.
    pub(crate) fn parse(bytes: &[u8], path: &Path) -> Result<Self> {
        let corrupt = |reason: String| Error::KeyFileCorrupt {
            path: path.to_owned(),
            reason,
        };
        let file: KeyFile =
            serde_json::from_slice(bytes).map_err(|e| corrupt(format!("not readable: {e}")))?;
        if file.format != FORMAT {
            return Err(corrupt(format!(
                "format {} is not supported by this version (expected {FORMAT})",
                file.format
            )));
        }
        if file.database_salt.len() != 32 || hex::decode(&file.database_salt).is_err() {
            return Err(corrupt("the database salt is not 16 bytes of hex".into()));
        }
        if !file.envelopes.iter().any(|e| e.holder == Holder::Recovery) {
            return Err(corrupt("the recovery envelope is missing".into()));
        }
        Ok(file)
    }

    pub(crate) fn save(&self, path: &Path) -> Result<()> {
        write_atomically(path, &self.to_bytes()?)
    }

    pub(crate) fn to_bytes(&self) -> Result<Vec<u8>> {
        serde_json::to_vec_pretty(self)
            .map_err(|e| Error::Internal(format!("encoding the key file: {e}")))
    }

    pub(crate) fn user_envelope(&self, username: &str) -> Option<&Envelope> {
        self.envelopes.iter().find(|e| match &e.holder {
            Holder::User { username: name, .. } => name.eq_ignore_ascii_case(username),
            Holder::Recovery => false,
        })
    }

    pub(crate) fn recovery_envelope(&self) -> Option<&Envelope> {
        self.envelopes.iter().find(|e| e.holder == Holder::Recovery)
    }

    /// Why `username` has no envelope here any more, if they had one.
    pub(crate) fn removal(&self, username: &str) -> Option<Removal> {
        self.removed
            .iter()
            .find(|r| r.username.eq_ignore_ascii_case(username))
            .map(|r| r.why)
    }

    /// Drops the envelope of `user` (if any) and remembers why. True when an envelope
    /// was dropped.
    pub(crate) fn remove_user(&mut self, user: UserId, username: &str, why: Removal) -> bool {
        let before = self.envelopes.len();
        self.envelopes.retain(|e| match &e.holder {
            Holder::User { user_id, .. } => *user_id != user,
            Holder::Recovery => true,
        });
        self.removed
            .retain(|r| !r.username.eq_ignore_ascii_case(username));
        self.removed.push(Removed {
            username: username.to_owned(),
            why,
        });
        self.envelopes.len() != before
    }

    /// Changes why `username` has no envelope, if they are marked at all.
    pub(crate) fn mark_removal(&mut self, username: &str, why: Removal) {
        for removed in &mut self.removed {
            if removed.username.eq_ignore_ascii_case(username) {
                removed.why = why;
            }
        }
    }

    /// Replaces the envelope of the same holder, or adds it.
    pub(crate) fn put(&mut self, envelope: Envelope) {
        if let Holder::User { username, .. } = &envelope.holder {
            let username = username.clone();
            self.removed
                .retain(|r| !r.username.eq_ignore_ascii_case(&username));
        }
        match self
            .envelopes
            .iter_mut()
            .find(|e| e.holder == envelope.holder)
        {
            Some(slot) => *slot = envelope,
            None => self.envelopes.push(envelope),
        }
    }
}

/// Writes `bytes` to `path` so that a crash leaves the old file or the new one, never a
/// mix: a temporary file, fsync, rename, fsync of the directory.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    // A temporary name of its own per write, so two writers never share one.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(format!(".{}.{n}.tmp", std::process::id()));
    let tmp: PathBuf = path.with_file_name(name);
    // A leftover of a crashed writer with the same name is only ever a stale copy.
    let _ = fs::remove_file(&tmp);
    let mut file = crate::private_files::create_new_file(&tmp)?;
    file.write_all(bytes).map_err(Error::io(&tmp))?;
    file.sync_all().map_err(Error::io(&tmp))?;
    drop(file);
    fs::rename(&tmp, path).map_err(Error::io(path))?;
    if let Some(Ok(dir)) = path.parent().map(fs::File::open) {
        let _ = dir.sync_all();
    }
    Ok(())
}
