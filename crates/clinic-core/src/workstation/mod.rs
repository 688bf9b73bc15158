//! A workstation: its data directory (encrypted database + key file, see
//! [`crate::keyfile`]), opening it, and the envelope work that never touches the
//! database: password changes, recovery, sealing and removing one user's envelope.
//!
//! The directory holds `clinic.db` (SQLCipher), `keys.json` (the envelopes) and
//! `signin.json` (sign-in failures kept while the database is closed, [`guard`]). Set-up
//! ([`crate::signin::setup`]) and joining a branch ([`crate::sync::join`]) build the
//! first two in a staging directory and move them into place key-file-last
//! ([`move_into_place`]), so a crash never leaves a half-made workstation that looks
//! complete. Signing in, which makes a [`crate::Session`], is [`crate::signin`]: this
//! module never makes a session, so `session` may use it without a circle.

pub(crate) mod guard;
pub(crate) mod staged_key;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::clock::Clock;
use crate::envelope::{DataKey, Envelope, Holder, KdfParams, RecoveryCode, Unseal};
use crate::error::{Error, Result};
use crate::ids::{DatabaseId, UserId};
use crate::keyfile::KeyFile;
use crate::store::Store;
use crate::store::organisation::{self, ClinicInfo};
use crate::store::users::{self};
use crate::validate::check_new_password;
use crate::workstation::guard::SignInGuard;

pub const DB_FILE: &str = "clinic.db";
pub const KEY_FILE: &str = "keys.json";
/// Sign-in failures and events recorded while the database was closed.
pub const SIGNIN_FILE: &str = "signin.json";
/// A re-keyed key file waiting for its database (see [`crate::maintenance::rekey`]).
pub const STAGED_KEY_FILE: &str = "keys.json.rekey";
/// How long break-glass access stays open.
pub const BREAK_GLASS_HOURS: i64 = 4;

/// The key file of a new workstation, in `staging`: the database key sealed for its
/// first user and for the recovery code.
pub(crate) fn seal_key_file(
    staging: &Path,
    key: &DataKey,
    (database_id, salt): (DatabaseId, String),
    (user_id, username): (UserId, &str),
    password: &str,
    recovery_code: &RecoveryCode,
    kdf: KdfParams,
) -> Result<KeyFile> {
    let mut keys = KeyFile::new(database_id, salt, username.to_owned());
    keys.put(Envelope::seal(
        key,
        password.as_bytes(),
        database_id,
        Holder::User {
            user_id,
            username: username.to_owned(),
        },
        1,
        kdf,
    )?);
    keys.put(Envelope::seal(
        key,
        RecoveryCode::normalise(recovery_code.as_str()).as_bytes(),
        database_id,
        Holder::Recovery,
        1,
        kdf,
    )?);
    keys.save(&staging.join(KEY_FILE))?;
    Ok(keys)
}

/// Makes an existing data directory and its files private (0700 and 0600): installs
/// from before this was enforced at creation made them world-readable.
pub(crate) fn tighten_modes(dir: &Path) -> Result<()> {
    crate::private_files::tighten(dir, true)?;
    let wal = format!("{DB_FILE}-wal");
    let shm = format!("{DB_FILE}-shm");
    for name in [DB_FILE, wal.as_str(), shm.as_str(), KEY_FILE, SIGNIN_FILE] {
        crate::private_files::tighten(&dir.join(name), false)?;
    }
    Ok(())
}

/// Finishes a set-up staged in `staging`: on failure removes it (only files the set-up
/// just made live there); on success moves the database, then the key file, into `dir`
/// (a directory with a key file is complete).
pub(crate) fn move_into_place<T>(dir: &Path, staging: &Path, staged: Result<T>) -> Result<T> {
    let done = match staged {
        Ok(done) => done,
        Err(e) => {
            let _ = fs::remove_dir_all(staging);
            return Err(e);
        }
    };
    for name in [DB_FILE, KEY_FILE] {
        fs::rename(staging.join(name), dir.join(name)).map_err(Error::io(dir.join(name)))?;
    }
    let _ = fs::remove_dir_all(staging);
    Ok(done)
}

/// An opened (not yet unlocked) workstation. Cheap to clone; clones share the key file.
#[derive(Clone)]
pub struct Workstation(Arc<Files>);

struct Files {
    dir: PathBuf,
    /// The key file as last written; the lock serialises every rewrite of it.
    keys: Mutex<KeyFile>,
    clock: Arc<dyn Clock>,
    kdf: KdfParams,
}

impl std::fmt::Debug for Workstation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workstation")
            .field("dir", &self.0.dir)
            .finish()
    }
}

impl Workstation {
    /// True when the directory already holds a workstation (or the remains of one).
    pub fn exists(dir: &Path) -> bool {
        dir.join(KEY_FILE).exists() || dir.join(DB_FILE).exists()
    }

    /// The handle over a directory whose key file is `keys` (set-up, join and open).
    pub(crate) fn assemble(
        dir: &Path,
        keys: KeyFile,
        clock: Arc<dyn Clock>,
        kdf: KdfParams,
    ) -> Workstation {
        Workstation(Arc::new(Files {
            dir: dir.to_owned(),
            keys: Mutex::new(keys),
            clock,
            kdf,
        }))
    }

    /// Opens an existing workstation's key file. Nothing is decrypted yet.
    /// `kdf` is used for envelopes sealed from now on (password changes, new users).
    pub fn open(dir: &Path, clock: Arc<dyn Clock>, kdf: KdfParams) -> Result<Workstation> {
        if !Workstation::exists(dir) {
            return Err(Error::NotInitialized(dir.to_owned()));
        }
        tighten_modes(dir)?;
        let keys = KeyFile::load(&dir.join(KEY_FILE))?;
        Ok(Workstation::assemble(dir, keys, clock, kdf))
    }

    pub fn dir(&self) -> &Path {
        &self.0.dir
    }

    pub fn database_path(&self) -> PathBuf {
        self.0.dir.join(DB_FILE)
    }

    pub fn key_file_path(&self) -> PathBuf {
        self.0.dir.join(KEY_FILE)
    }

    /// The user the command-line tool acts as when none is named: the first admin.
    pub fn default_user(&self) -> String {
        self.keys().default_user.clone()
    }

    /// The injected clock itself (the demo seeder wraps it).
    pub(crate) fn clock_handle(&self) -> Arc<dyn Clock> {
        self.0.clock.clone()
    }

    /// The same directory and key file on another clock (the demo seeder writes past
    /// visits on the clock set back).
    pub(crate) fn with_clock(&self, clock: Arc<dyn Clock>) -> Workstation {
        Workstation(Arc::new(Files {
            dir: self.0.dir.clone(),
            keys: Mutex::new(self.keys().clone()),
            clock,
            kdf: self.0.kdf,
        }))
    }

    pub(crate) fn kdf(&self) -> KdfParams {
        self.0.kdf
    }

    pub(crate) fn keys(&self) -> MutexGuard<'_, KeyFile> {
        self.0.keys.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        self.0.clock.as_ref()
    }

    pub(crate) fn guard(&self) -> SignInGuard {
        SignInGuard::new(self.0.dir.join(SIGNIN_FILE))
    }

    pub(crate) fn has_envelope(&self, username: &str) -> bool {
        self.keys().user_envelope(username).is_some()
    }

    /// Consecutive failed sign-ins recorded for `username` (0 after a success).
    pub fn failed_sign_ins(&self, username: &str) -> u32 {
        self.guard().failures(username)
    }

    pub(crate) fn open_store(&self, key: &DataKey) -> Result<(Store, ClinicInfo)> {
        let (salt, database_id) = {
            let keys = self.keys();
            (keys.database_salt.clone(), keys.database_id)
        };
        let store = Store::open(&self.database_path(), key, &salt)?;
        let clinic = organisation::get(store.conn())?;
        if clinic.database_id != database_id {
            return Err(Error::NotOurDatabase(self.database_path()));
        }
        Ok((store, clinic))
    }

    /// Re-seals one user's envelope under a new password. The database is not opened or
    /// written: its key does not change.
    pub fn change_password(&self, username: &str, old: &str, new: &str) -> Result<()> {
        let now = self.0.clock.now();
        let guard = self.guard();
        guard.check(username, now)?;
        let (key, user) = match self.unseal_user(username, old) {
            Ok(found) => found,
            Err(Error::BadCredentials) => {
                guard.fail(username, now, "bad_password")?;
                return Err(Error::BadCredentials);
            }
            Err(other) => return Err(other),
        };
        let canonical = self.envelope_username(username)?;
        check_new_password(&canonical, new)?;
        self.reseal_user(&key, user, &canonical, new)?;
        guard.note(&canonical, now, "password_changed")
    }

    /// Uses the recovery code to set a new password for `username` (normally the admin).
    pub fn recover(&self, recovery_code: &str, username: &str, new_password: &str) -> Result<()> {
        let (envelope, database_id, salt) = {
            let keys = self.keys();
            let envelope =
                keys.recovery_envelope()
                    .cloned()
                    .ok_or_else(|| Error::KeyFileCorrupt {
                        path: self.key_file_path(),
                        reason: "the recovery envelope is missing".into(),
                    })?;
            (envelope, keys.database_id, keys.database_salt.clone())
        };
        let key = match envelope.open(
            RecoveryCode::normalise(recovery_code).as_bytes(),
            database_id,
        ) {
            Ok(key) => key,
            Err(Unseal::WrongSecret) => return Err(Error::BadRecoveryCode),
            Err(Unseal::Malformed(reason)) => {
                return Err(Error::KeyFileCorrupt {
                    path: self.key_file_path(),
                    reason,
                });
            }
        };
        let canonical = self.envelope_username(username)?;
        check_new_password(&canonical, new_password)?;
        let user = self
            .keys()
            .user_envelope(&canonical)
            .and_then(|e| match &e.holder {
                Holder::User { user_id, .. } => Some(*user_id),
                Holder::Recovery => None,
            })
            .ok_or(Error::BadCredentials)?;
        // Prove the key really opens this database before re-sealing anything with it.
        let store = Store::open(&self.database_path(), &key, &salt)?;
        users::get(store.conn(), user)?.ok_or(Error::BadCredentials)?;
        drop(store);
        self.reseal_user(&key, user, &canonical, new_password)?;
        self.guard()
            .note(&canonical, self.0.clock.now(), "password_recovered")
    }

    fn envelope_username(&self, username: &str) -> Result<String> {
        match self.keys().user_envelope(username).map(|e| &e.holder) {
            Some(Holder::User { username, .. }) => Ok(username.clone()),
            _ => Err(Error::BadCredentials),
        }
    }

    /// Seals `key` for `user` under `password` and writes the key file. The new file is
    /// saved before the in-memory copy changes, so a failed write changes nothing.
    pub(crate) fn reseal_user(
        &self,
        key: &DataKey,
        user: UserId,
        username: &str,
        password: &str,
    ) -> Result<()> {
        let mut keys = self.keys();
        let version = keys.user_envelope(username).map_or(1, |e| e.version + 1);
        let envelope = Envelope::seal(
            key,
            password.as_bytes(),
            keys.database_id,
            Holder::User {
                user_id: user,
                username: username.into(),
            },
            version,
            self.0.kdf,
        )?;
        let mut updated = keys.clone();
        updated.put(envelope);
        updated.save(&self.key_file_path())?;
        *keys = updated;
        Ok(())
    }

    /// Marks a user without an envelope as reactivated (the key file says why they
    /// cannot sign in here yet). Nothing is written when they are not marked.
    pub(crate) fn mark_reactivated(&self, username: &str) -> Result<()> {
        let mut keys = self.keys();
        if keys.removal(username).is_none() {
            return Ok(());
        }
        let mut updated = keys.clone();
        updated.mark_removal(username, crate::keyfile::Removal::Reactivated);
        updated.save(&self.key_file_path())?;
        *keys = updated;
        Ok(())
    }

    /// Removes `user`'s envelope from the key file (atomically, before the in-memory copy
    /// changes) and remembers why. True when there was one to remove.
    pub(crate) fn remove_envelope(
        &self,
        user: UserId,
        username: &str,
        why: crate::keyfile::Removal,
    ) -> Result<bool> {
        let mut keys = self.keys();
        let mut updated = keys.clone();
        let removed = updated.remove_user(user, username, why);
        updated.save(&self.key_file_path())?;
        *keys = updated;
        Ok(removed)
    }

    pub(crate) fn unseal_user(&self, username: &str, password: &str) -> Result<(DataKey, UserId)> {
        let (envelope, database_id) = {
            let keys = self.keys();
            match keys.user_envelope(username) {
                Some(envelope) => (envelope.clone(), keys.database_id),
                None => {
                    // Spend the same work as a real attempt so that timing does not
                    // reveal which user names exist.
                    let decoy = keys.envelopes.first().cloned();
                    let database_id = keys.database_id;
                    let removal = keys.removal(username);
                    drop(keys);
                    if let Some(decoy) = decoy {
                        let _ = decoy.open(password.as_bytes(), database_id);
                    }
                    return Err(match removal {
                        Some(crate::keyfile::Removal::Deactivated) => {
                            Error::UserInactive(username.trim().to_ascii_lowercase())
                        }
                        Some(
                            crate::keyfile::Removal::Rekeyed | crate::keyfile::Removal::Reactivated,
                        ) => Error::validation(
                            "username",
                            "this account cannot sign in on this workstation until an administrator seals it again (clinic user seal, or admit it from the Administration screen)",
                        ),
                        None => Error::BadCredentials,
                    });
                }
            }
        };
        let Holder::User { user_id, .. } = envelope.holder else {
            return Err(Error::BadCredentials);
        };
        match envelope.open(password.as_bytes(), database_id) {
            Ok(key) => Ok((key, user_id)),
            Err(Unseal::WrongSecret) => Err(Error::BadCredentials),
            Err(Unseal::Malformed(reason)) => Err(Error::KeyFileCorrupt {
                path: self.key_file_path(),
                reason,
            }),
        }
    }
}
