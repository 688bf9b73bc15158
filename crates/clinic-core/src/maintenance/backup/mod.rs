//! Backups of a live workstation in one file, and restoring one into an empty directory.
//!
//! A backup is the encrypted database (copied with SQLite's online backup API into a
//! copy keyed with the same key, see [`crate::maintenance::backup::store`]) and the key file, sealed
//! into one file. Every envelope of `keys.json` travels inside, so any user's password
//! or the recovery code restores it; nothing in it is readable without one of them.
//!
//! The format (version 2, which reads version 1 too; integers little-endian):
//!
//! | bytes | what |
//! |---|---|
//! | 8 | magic `CLINICBK` |
//! | 4 | format version, `1` |
//! | 4 | header length `h` |
//! | h | header, JSON: `database_id`, `created_at` (RFC 3339, UTC), `schema_version`, `database_len`, `key_file` (the key file, as in `keys.json`, naming the copy's SQLCipher salt) |
//! | database_len | the database copy: SQLCipher pages exactly as on disk |
//! | sum of lengths | (format 2) the sealed attachment files the header's `attachments` names, in order, as they are in `attachments/` (already encrypted, with keys only the database holds) |
//! | 32 | HMAC-SHA256 of everything above, under a key derived from the database key (`clinic-backup/v1 mac` and the database id): only a holder of the key can make a file that passes |
//! | 32 | SHA-256 of everything above: tells accidental damage apart before any password is asked |
//!
//! Invariants: a backup is reported written only after the file in place was read back,
//! authenticated and its database copy checked page by page; no plaintext page reaches
//! the disk (the copy is encrypted from its first page); a restore writes nothing into
//! the target until the file is intact, authenticated with the typed secret and its
//! database opens, and on any failure leaves nothing behind.
//!
//! A restored workstation keeps the original's device, outbox and sync cursor: changes
//! it had not pushed are pushed again (the server knows pushed ones by change id and
//! accepts them once), and pulls resume from the cursor. Changes the same device made
//! after the backup come back with the pull ([`crate::sync::store::apply_page`]
//! applies this device's changes it does not hold). Restoring with a user's password
//! catches up with the sync server before the workstation is first used, so the
//! device's audit chain continues after the events it had already sent.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac as _};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

pub(crate) mod store;

use crate::clock::Clock;
use crate::envelope::{DataKey, RecoveryCode, Unseal};
use crate::error::{Error, Result};
use crate::ids::DatabaseId;
use crate::keyfile::KeyFile;
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::Store;
use crate::store::audit::{Event, Outcome};
use crate::workstation::{DB_FILE, KEY_FILE, SIGNIN_FILE, Workstation};

const MAGIC: &[u8; 8] = b"CLINICBK";
const VERSION: u32 = 2;
/// Formats this version reads: 1 (no attachment files) and 2.
const READS: [u32; 2] = [1, 2];
/// A header is a few kilobytes (the envelopes); anything near this is not ours.
const MAX_HEADER: usize = 16 * 1024 * 1024;
const TAG: usize = 32;
/// The file-name extension of backups.
pub const EXTENSION: &str = "clinicbak";
/// Scheduled backups are named `clinic-backup-YYYYMMDD-HHMMSS.clinicbak` (UTC); pruning
/// only ever touches names of exactly this shape.
const SCHEDULED_PREFIX: &str = "clinic-backup-";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Header {
    database_id: DatabaseId,
    created_at: DateTime<Utc>,
    schema_version: u32,
    database_len: u64,
    key_file: KeyFile,
    /// The sealed attachment files that follow the database, in order (format 2).
    #[serde(default)]
    attachments: Vec<AttachmentFile>,
}

/// One sealed attachment file in a backup: its name in `attachments/` and its length.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct AttachmentFile {
    name: String,
    len: u64,
}

/// The sealed attachment files of a data directory (whole ones: `<id>.bin`), by name.
/// They are already encrypted with keys the database holds, so they go in as they are.
fn attachment_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let folder = dir.join(crate::sync::blobs::FOLDER);
    let Ok(entries) = fs::read_dir(&folder) else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(Error::io(&folder))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_attachment_name(&name) {
            continue;
        }
        let path = entry.path();
        files.push((name, fs::read(&path).map_err(Error::io(&path))?));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// `<uuid>.bin`, nothing else: a name from a backup never leaves the attachments folder.
fn is_attachment_name(name: &str) -> bool {
    name.strip_suffix(".bin")
        .is_some_and(|id| id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
}

/// A backup just written and checked.
#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    pub bytes: u64,
    pub created_at: DateTime<Utc>,
}

impl Session {
    /// Writes an encrypted, checked backup of this workstation to `out` (replaced
    /// atomically if it exists). The app may keep working meanwhile. Administrators
    /// only; audited (`backup.write`, with its outcome).
    pub fn backup(&mut self, out: &Path) -> Result<Written> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        let result = self.write_backup(out);
        let event = match &result {
            Ok(written) => Event::new("backup.write", Outcome::Success).details(
                serde_json::json!({ "file": written.path.display().to_string(), "bytes": written.bytes }),
            ),
            Err(err) => Event::new("backup.write", Outcome::Failure).details(
                serde_json::json!({ "file": out.display().to_string(), "error": err.to_string() }),
            ),
        };
        self.write_event(event)?;
        result
    }

    pub(crate) fn write_backup(&mut self, out: &Path) -> Result<Written> {
        let created_at = self.now();
        let database_id = self.clinic.database_id;
        let workstation = self.workstation.clone();
        let mut key_file = workstation.keys().clone();
        let name = out
            .file_name()
            .ok_or_else(|| Error::validation("out", "name a file to write the backup to"))?
            .to_string_lossy()
            .into_owned();
        let folder = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        if !folder.is_dir() {
            return Err(Error::validation(
                "out",
                format!(
                    "the folder {} does not exist; create it or choose another",
                    folder.display()
                ),
            ));
        }
        let staged = folder.join(format!(".{name}.{}.db", std::process::id()));
        let _ = remove_database_files(&staged);
        let unlocked = self.live()?;
        let copied = (|| -> Result<Vec<u8>> {
            let salt = store::copy(unlocked.store.conn(), &staged, &unlocked.key)?;
            key_file.database_salt = salt;
            let (problems, copied_id) = store::check(&staged, &unlocked.key)?;
            if !problems.is_empty() || copied_id != database_id {
                return Err(Error::DatabaseCorrupt {
                    detail: format!("the copy failed its check: {}", problems.join("; ")),
                });
            }
            fs::read(&staged).map_err(Error::io(&staged))
        })();
        let _ = remove_database_files(&staged);
        let database = copied?;
        let files = attachment_files(workstation.dir())?;
        let header = Header {
            database_id,
            created_at,
            schema_version: crate::store::schema_version(),
            database_len: database.len() as u64,
            key_file,
            attachments: files
                .iter()
                .map(|(name, bytes)| AttachmentFile {
                    name: name.clone(),
                    len: bytes.len() as u64,
                })
                .collect(),
        };
        let mut body = database;
        for (_, bytes) in &files {
            body.extend_from_slice(bytes);
        }
        drop(files);
        let bytes = seal(&header, &body, &unlocked.key)?;
        drop(body);
        crate::keyfile::write_atomically(out, &bytes)?;
        // Read back what is on disk, as a restore would, before calling it a backup.
        let written = BackupFile::read(out)?;
        written.authenticate(&unlocked.key)?;
        let check = folder.join(format!(".{name}.{}.check.db", std::process::id()));
        let checked = (|| -> Result<()> {
            let mut file = crate::private_files::create_new_file(&check)?;
            file.write_all(written.database())
                .and_then(|()| file.sync_all())
                .map_err(Error::io(&check))?;
            drop(file);
            let (problems, id) = store::check(&check, &unlocked.key)?;
            if problems.is_empty() && id == database_id {
                Ok(())
            } else {
                Err(Error::DatabaseCorrupt {
                    detail: format!(
                        "the backup read back failed its check: {}",
                        problems.join("; ")
                    ),
                })
            }
        })();
        let _ = remove_database_files(&check);
        if let Err(err) = checked {
            let _ = fs::remove_file(out);
            return Err(err);
        }
        Ok(Written {
            path: out.to_owned(),
            bytes: bytes.len() as u64,
            created_at,
        })
    }
}

/// Removes a database file and the log files SQLite may have made beside it.
fn remove_database_files(path: &Path) -> std::io::Result<()> {
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let _ = fs::remove_file(PathBuf::from(side));
    }
    fs::remove_file(path)
}

fn mac_key(key: &DataKey, database_id: DatabaseId) -> zeroize::Zeroizing<[u8; 32]> {
    key.derive(&format!("clinic-backup/v1 mac\0{database_id}"))
}

fn seal(header: &Header, database: &[u8], key: &DataKey) -> Result<Vec<u8>> {
    let header_json = serde_json::to_vec(header)
        .map_err(|e| Error::Internal(format!("encoding the backup header: {e}")))?;
    let header_len = u32::try_from(header_json.len())
        .map_err(|_| Error::Internal("the backup header is too large".into()))?;
    let mut bytes = Vec::with_capacity(16 + header_json.len() + database.len() + 2 * TAG);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    bytes.extend_from_slice(&header_len.to_le_bytes());
    bytes.extend_from_slice(&header_json);
    bytes.extend_from_slice(database);
    let mut mac = Hmac::<Sha256>::new_from_slice(mac_key(key, header.database_id).as_ref())
        .expect("HMAC takes any key length");
    mac.update(&bytes);
    bytes.extend_from_slice(&mac.finalize().into_bytes());
    let digest = Sha256::digest(&bytes);
    bytes.extend_from_slice(&digest);
    Ok(bytes)
}

/// The secret that proves a restore may open the backup.
#[derive(Clone, Copy)]
pub enum Secret<'a> {
    Password {
        username: &'a str,
        password: &'a str,
    },
    RecoveryCode(&'a str),
}

impl std::fmt::Debug for Secret<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::Password { username, .. } => write!(f, "Password({username})"),
            Secret::RecoveryCode(_) => f.write_str("RecoveryCode"),
        }
    }
}

/// A backup file read and found intact (not yet authenticated: that needs the key).
#[derive(Debug)]
pub struct BackupFile {
    path: PathBuf,
    header: Header,
    bytes: Vec<u8>,
    database_at: usize,
}

/// The outcome of a restore.
#[derive(Debug)]
pub struct Restored {
    pub workstation: Workstation,
    /// When the backup was made.
    pub created_at: DateTime<Utc>,
    /// Changes pulled from the sync server to catch up (`None`: not enrolled, or no
    /// catch-up was asked for).
    pub caught_up: Option<usize>,
}

impl BackupFile {
    /// Reads `path` and checks that it is a clinic backup this version understands and
    /// that it is intact. Asks for no secret.
    pub fn read(path: &Path) -> Result<BackupFile> {
        let bytes = match fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => return Err(Error::io(path)(e)),
        };
        let not_ours = |reason: &str| Error::NotABackup {
            path: path.to_owned(),
            reason: reason.to_owned(),
        };
        let damaged = |detail: &str| Error::BackupDamaged {
            path: path.to_owned(),
            detail: detail.to_owned(),
        };
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(not_ours("it does not start like one"));
        }
        if bytes.len() < 16 + 2 * TAG {
            return Err(damaged("it is cut short"));
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().unwrap_or_default());
        let (content, digest) = bytes.split_at(bytes.len() - TAG);
        if Sha256::digest(content).as_slice() != digest {
            return Err(damaged(
                "its checksum does not match: bytes were changed or lost",
            ));
        }
        if !READS.contains(&version) {
            return Err(not_ours(&format!(
                "it is format {version}, which this version does not read (it reads {READS:?}); use the app version that wrote it"
            )));
        }
        let header_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap_or_default()) as usize;
        if header_len > MAX_HEADER || 16 + header_len + 2 * TAG > bytes.len() {
            return Err(damaged("its header length is out of range"));
        }
        let header: Header = serde_json::from_slice(&bytes[16..16 + header_len])
            .map_err(|e| damaged(&format!("its header is not readable: {e}")))?;
        let database_at = 16 + header_len;
        let files: u64 = header.attachments.iter().map(|a| a.len).sum();
        if (bytes.len() - database_at - 2 * TAG) as u64 != header.database_len.saturating_add(files)
        {
            return Err(damaged(
                "its database and attachment files are not the lengths its header says",
            ));
        }
        if let Some(bad) = header
            .attachments
            .iter()
            .find(|a| !is_attachment_name(&a.name))
        {
            return Err(damaged(&format!(
                "it names an attachment file \"{}\" that is not one",
                bad.name
            )));
        }
        // The same checks as loading keys.json.
        let key_file = serde_json::to_vec(&header.key_file)
            .map_err(|e| Error::Internal(format!("encoding the key file: {e}")))?;
        KeyFile::parse(&key_file, path).map_err(|e| damaged(&e.to_string()))?;
        if header.key_file.database_id != header.database_id {
            return Err(not_ours(
                "its key file belongs to another clinic's database than its header names",
            ));
        }
        Ok(BackupFile {
            path: path.to_owned(),
            header,
            bytes,
            database_at,
        })
    }

    pub fn created_at(&self) -> DateTime<Utc> {
        self.header.created_at
    }

    /// The user the command-line tool acts as when none is named.
    pub fn default_user(&self) -> String {
        self.header.key_file.default_user.clone()
    }

    pub fn database_id(&self) -> DatabaseId {
        self.header.database_id
    }

    fn database(&self) -> &[u8] {
        let end =
            self.database_at + usize::try_from(self.header.database_len).unwrap_or(usize::MAX);
        &self.bytes[self.database_at..end]
    }

    /// The sealed attachment files after the database, with their names.
    fn attachments(&self) -> impl Iterator<Item = (&str, &[u8])> {
        let mut at =
            self.database_at + usize::try_from(self.header.database_len).unwrap_or(usize::MAX);
        self.header.attachments.iter().map(move |a| {
            let len = usize::try_from(a.len).unwrap_or(usize::MAX);
            let bytes = &self.bytes[at..at + len];
            at += len;
            (a.name.as_str(), bytes)
        })
    }

    /// Checks the file's HMAC with the database key.
    fn authenticate(&self, key: &DataKey) -> Result<()> {
        let end = self.bytes.len() - 2 * TAG;
        let mut mac =
            Hmac::<Sha256>::new_from_slice(mac_key(key, self.header.database_id).as_ref())
                .expect("HMAC takes any key length");
        mac.update(&self.bytes[..end]);
        mac.verify_slice(&self.bytes[end..end + TAG])
            .map_err(|_| Error::BackupDamaged {
                path: self.path.clone(),
                detail:
                    "it does not authenticate with its own key: it was altered after it was written"
                        .into(),
            })
    }

    /// Opens the database key with `secret` from the envelopes inside.
    fn unseal(&self, secret: Secret<'_>) -> Result<DataKey> {
        let keys = &self.header.key_file;
        let (envelope, wrong, text) = match secret {
            Secret::Password { username, password } => (
                keys.user_envelope(username),
                Error::BadCredentials,
                zeroize::Zeroizing::new(password.to_owned()),
            ),
            Secret::RecoveryCode(code) => (
                keys.recovery_envelope(),
                Error::BadRecoveryCode,
                RecoveryCode::normalise(code),
            ),
        };
        let Some(envelope) = envelope else {
            return Err(wrong);
        };
        match envelope.open(text.as_bytes(), keys.database_id) {
            Ok(key) => Ok(key),
            Err(Unseal::WrongSecret) => Err(wrong),
            Err(Unseal::Malformed(reason)) => Err(Error::BackupDamaged {
                path: self.path.clone(),
                detail: format!("an envelope is malformed: {reason}"),
            }),
        }
    }

    /// Proves that `secret` opens this backup (envelope, then the file's HMAC) without
    /// writing anything.
    pub fn check_secret(&self, secret: Secret<'_>) -> Result<()> {
        let key = self.unseal(secret)?;
        self.authenticate(&key)
    }

    /// Restores this backup into `dir`, which must be missing or empty. With a user's
    /// password and `catch_up`, a workstation enrolled with a sync server first pulls
    /// what it missed since the backup (see the module documentation). Nothing is left
    /// in `dir` on failure. The restore is written to the audit log at the next sign-in.
    pub fn restore(
        &self,
        dir: &Path,
        secret: Secret<'_>,
        clock: Arc<dyn Clock>,
        kdf: crate::KdfParams,
        catch_up: bool,
    ) -> Result<Restored> {
        check_target(dir)?;
        let key = self.unseal(secret)?;
        self.authenticate(&key)?;
        let created_dir = !dir.exists();
        crate::private_files::create_dir_all(dir)?;
        let staging = dir.join(format!(".restore-{}", self.header.database_id));
        let staged = (|| -> Result<Option<usize>> {
            crate::private_files::create_dir(&staging)?;
            let db = staging.join(DB_FILE);
            let mut file = crate::private_files::create_new_file(&db)?;
            file.write_all(self.database())
                .and_then(|()| file.sync_all())
                .map_err(Error::io(&db))?;
            drop(file);
            let (problems, id) = store::check(&db, &key)?;
            if id != self.header.database_id {
                return Err(Error::NotABackup {
                    path: self.path.clone(),
                    reason: "its database belongs to another clinic than its key file".into(),
                });
            }
            if !problems.is_empty() {
                return Err(Error::BackupDamaged {
                    path: self.path.clone(),
                    detail: format!("its database failed its check: {}", problems.join("; ")),
                });
            }
            let keys = &self.header.key_file;
            let mut store = Store::open(&db, &key, &keys.database_salt)?;
            let caught_up = match secret {
                Secret::Password { username, password } if catch_up => {
                    crate::sync::catch_up(&mut store, username, password, clock.as_ref())?
                }
                _ => None,
            };
            store.checkpoint()?;
            drop(store);
            if !self.header.attachments.is_empty() {
                let folder = crate::sync::blobs::folder(&staging)?;
                for (name, bytes) in self.attachments() {
                    let path = folder.join(name);
                    let mut file = crate::private_files::create_new_file(&path)?;
                    file.write_all(bytes)
                        .and_then(|()| file.sync_all())
                        .map_err(Error::io(&path))?;
                }
            }
            keys.save(&staging.join(KEY_FILE))?;
            Ok(caught_up)
        })();
        let caught_up = match staged {
            Ok(caught_up) => caught_up,
            Err(err) => {
                let _ = fs::remove_dir_all(&staging);
                if created_dir {
                    let _ = fs::remove_dir(dir);
                }
                return Err(err);
            }
        };
        // Attachment files first and the key file last: a workstation that opens has them.
        let folder = staging.join(crate::sync::blobs::FOLDER);
        if folder.exists() {
            let target = dir.join(crate::sync::blobs::FOLDER);
            fs::rename(&folder, &target).map_err(Error::io(&target))?;
        }
        for name in [DB_FILE, KEY_FILE] {
            fs::rename(staging.join(name), dir.join(name)).map_err(Error::io(dir.join(name)))?;
        }
        let _ = fs::remove_dir_all(&staging);
        let who = match secret {
            Secret::Password { username, .. } => username.trim().to_ascii_lowercase(),
            Secret::RecoveryCode(_) => "recovery code".to_owned(),
        };
        crate::workstation::guard::SignInGuard::new(dir.join(SIGNIN_FILE)).note(
            &who,
            clock.now(),
            "backup_restored",
        )?;
        let workstation = Workstation::open(dir, clock, kdf)?;
        Ok(Restored {
            workstation,
            created_at: self.header.created_at,
            caught_up,
        })
    }
}

/// Refuses a restore target that holds anything: a workstation there must be moved
/// away by a person, never overwritten.
pub fn check_target(dir: &Path) -> Result<()> {
    if Workstation::exists(dir) {
        return Err(Error::validation(
            "data_dir",
            format!(
                "{} already holds a workstation; a restore never overwrites one: move that directory away (keep it until the restore is checked), then restore again",
                dir.display()
            ),
        ));
    }
    match fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Error::validation(
                    "data_dir",
                    format!(
                        "{} is not empty; restore into an empty or new directory",
                        dir.display()
                    ),
                ));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Err(Error::validation(
            "data_dir",
            format!("{} is a file, not a directory", dir.display()),
        )),
        Err(e) => Err(Error::io(dir)(e)),
    }
}

/// The file name of a scheduled backup made at `at`.
pub fn scheduled_name(at: DateTime<Utc>) -> String {
    format!(
        "{SCHEDULED_PREFIX}{}.{EXTENSION}",
        at.format("%Y%m%d-%H%M%S")
    )
}

/// Whether `name` is one this app gives scheduled backups (`clinic-backup-` + 8 digits
/// + `-` + 6 digits + `.clinicbak`, nothing else).
pub fn is_scheduled_name(name: &str) -> bool {
    let Some(stamp) = name
        .strip_prefix(SCHEDULED_PREFIX)
        .and_then(|rest| rest.strip_suffix(&format!(".{EXTENSION}")))
    else {
        return false;
    };
    let bytes = stamp.as_bytes();
    bytes.len() == 15
        && bytes[8] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 8 || b.is_ascii_digit())
}

/// Deletes all but the newest `keep` scheduled backups in `folder` (by the time in their
/// names). Only regular files named as [`scheduled_name`] makes them are considered;
/// anything else in the folder is never touched. Returns the deleted paths.
pub fn prune(folder: &Path, keep: usize) -> Result<Vec<PathBuf>> {
    let mut names: Vec<String> = Vec::new();
    for entry in fs::read_dir(folder).map_err(Error::io(folder))? {
        let entry = entry.map_err(Error::io(folder))?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let is_file = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
        if is_file && is_scheduled_name(&name) {
            names.push(name);
        }
    }
    // The fixed-width UTC stamp sorts as text in time order.
    names.sort_unstable_by(|a, b| b.cmp(a));
    let mut deleted = Vec::new();
    for name in names.into_iter().skip(keep.max(1)) {
        let path = folder.join(name);
        fs::remove_file(&path).map_err(Error::io(&path))?;
        deleted.push(path);
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_names_count_as_scheduled_backups() {
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let name = scheduled_name(at);
        assert_eq!(name, "clinic-backup-20231114-221320.clinicbak");
        assert!(is_scheduled_name(&name));
        for other in [
            "clinic-backup-20231114-221320.clinicbak.tmp",
            "clinic-backup-2023111-221320.clinicbak",
            "clinic-backup-20231114x221320.clinicbak",
            "my-clinic-backup-20231114-221320.clinicbak",
            "clinic-backup-20231114-22132a.clinicbak",
            "notes.txt",
        ] {
            assert!(!is_scheduled_name(other), "{other} is not the app's name");
        }
    }
}
