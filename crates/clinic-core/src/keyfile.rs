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
use crate::ids::DatabaseId;

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
        let corrupt = |reason: String| Error::KeyFileCorrupt {
            path: path.to_owned(),
            reason,
        };
        let file: KeyFile =
            serde_json::from_slice(&bytes).map_err(|e| corrupt(format!("not readable: {e}")))?;
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
        let json = serde_json::to_vec_pretty(self)
            .map_err(|e| Error::Internal(format!("encoding the key file: {e}")))?;
        write_atomically(path, &json)
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

    /// Replaces the envelope of the same holder, or adds it.
    pub(crate) fn put(&mut self, envelope: Envelope) {
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
