//! A workstation: its data directory (encrypted database + key file), set-up, unlocking,
//! password changes and recovery.
//!
//! The directory holds `clinic.db` (SQLCipher) and `keys.json` (the envelopes). Set-up
//! builds both in a staging directory and moves them into place key-file-last, so a crash
//! never leaves a half-made workstation that looks complete. Password changes and
//! recovery re-seal one envelope in the key file and never touch the database.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use zeroize::Zeroizing;

use crate::actor::{Actor, Role};
use crate::clock::Clock;
use crate::envelope::{DataKey, Envelope, Holder, KdfParams, RecoveryCode, Unseal};
use crate::error::{Error, Result};
use crate::ids::{BranchId, DatabaseId, DeviceId, OrganisationId, SessionId, UserId};
use crate::keyfile::KeyFile;
use crate::money::Currency;
use crate::store::Store;
use crate::store::changes::{self, WriteContext};
use crate::store::organisation::{self, ClinicInfo, NewClinic};
use crate::store::users::{self, User};

pub const DB_FILE: &str = "clinic.db";
pub const KEY_FILE: &str = "keys.json";

/// A user an administrator adds.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password: Zeroizing<String>,
}

/// What the person setting up a workstation provides.
#[derive(Debug, Clone)]
pub struct Setup {
    pub clinic_name: String,
    pub branch_code: String,
    pub branch_name: String,
    pub currency: String,
    pub time_zone: String,
    pub admin_username: String,
    pub admin_display_name: String,
    pub admin_password: Zeroizing<String>,
}

impl Setup {
    /// A set-up with the usual defaults for one branch (`BR01`, USD, UTC).
    pub fn new(clinic_name: &str, admin_username: &str, admin_password: &str) -> Self {
        Self {
            clinic_name: clinic_name.into(),
            branch_code: "BR01".into(),
            branch_name: "Main branch".into(),
            currency: "USD".into(),
            time_zone: "UTC".into(),
            admin_username: admin_username.into(),
            admin_display_name: admin_username.into(),
            admin_password: Zeroizing::new(admin_password.into()),
        }
    }
}

/// The result of set-up: the workstation, a session for the new admin, and the recovery
/// code, which must be shown to the person once and is never stored in clear.
#[derive(Debug)]
pub struct Initialized {
    pub workstation: Workstation,
    pub session: Session,
    pub recovery_code: RecoveryCode,
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

    /// Sets up a new workstation in `dir` (created if missing, must not hold one).
    pub fn init(
        dir: &Path,
        setup: &Setup,
        clock: Arc<dyn Clock>,
        kdf: KdfParams,
    ) -> Result<Initialized> {
        let clinic_name = validate_name("clinic_name", &setup.clinic_name)?;
        let branch_name = validate_name("branch_name", &setup.branch_name)?;
        let branch_code = validate_branch_code(&setup.branch_code)?;
        let currency = Currency::parse(&setup.currency)?;
        let time_zone = validate_time_zone(&setup.time_zone)?;
        let username = validate_username(&setup.admin_username)?;
        let display_name = validate_name("admin_display_name", &setup.admin_display_name)?;
        check_new_password(&username, &setup.admin_password)?;

        fs::create_dir_all(dir).map_err(Error::io(dir))?;
        if Workstation::exists(dir) {
            return Err(Error::AlreadyInitialized(dir.to_owned()));
        }

        let now = clock.now();
        let database_id = DatabaseId::new(clock.as_ref());
        let device = DeviceId::new(clock.as_ref());
        let admin = UserId::new(clock.as_ref());
        let key = DataKey::generate()?;
        let recovery_code = RecoveryCode::generate()?;

        let staging = dir.join(format!(".setup-{database_id}"));
        fs::create_dir(&staging).map_err(Error::io(&staging))?;
        let staged = (|| -> Result<KeyFile> {
            let mut store = Store::create(&staging.join(DB_FILE), &key)?;
            let ctx = WriteContext {
                device,
                user: Some(admin),
                now,
            };
            let tx = store.transaction()?;
            organisation::insert(
                &tx,
                &ctx,
                &NewClinic {
                    organisation_id: OrganisationId::new(clock.as_ref()),
                    name: &clinic_name,
                    currency,
                    time_zone: &time_zone,
                    branch_id: BranchId::new(clock.as_ref()),
                    branch_code: &branch_code,
                    branch_name: &branch_name,
                    database_id,
                },
            )?;
            users::insert(
                &tx,
                &ctx,
                &User {
                    id: admin,
                    username: username.clone(),
                    display_name,
                    role: Role::Admin,
                    active: true,
                },
            )?;
            tx.commit().map_err(Error::from_sqlite)?;
            store.checkpoint()?;
            let salt = store.cipher_salt()?;
            drop(store);

            let mut keys = KeyFile::new(database_id, salt, username.clone());
            keys.put(Envelope::seal(
                &key,
                setup.admin_password.as_bytes(),
                database_id,
                Holder::User {
                    user_id: admin,
                    username: username.clone(),
                },
                1,
                kdf,
            )?);
            keys.put(Envelope::seal(
                &key,
                RecoveryCode::normalise(recovery_code.as_str()).as_bytes(),
                database_id,
                Holder::Recovery,
                1,
                kdf,
            )?);
            keys.save(&staging.join(KEY_FILE))?;
            Ok(keys)
        })();
        let keys = match staged {
            Ok(keys) => keys,
            Err(e) => {
                // Only files this call just made live in the staging directory.
                let _ = fs::remove_dir_all(&staging);
                return Err(e);
            }
        };
        // The database first, the key file last: a directory with a key file is complete.
        for name in [DB_FILE, KEY_FILE] {
            fs::rename(staging.join(name), dir.join(name)).map_err(Error::io(dir.join(name)))?;
        }
        let _ = fs::remove_dir_all(&staging);

        let workstation = Workstation(Arc::new(Files {
            dir: dir.to_owned(),
            keys: Mutex::new(keys),
            clock,
            kdf,
        }));
        let session = workstation.open_session(key, admin)?;
        Ok(Initialized {
            workstation,
            session,
            recovery_code,
        })
    }

    /// Opens an existing workstation's key file. Nothing is decrypted yet.
    /// `kdf` is used for envelopes sealed from now on (password changes, new users).
    pub fn open(dir: &Path, clock: Arc<dyn Clock>, kdf: KdfParams) -> Result<Workstation> {
        if !Workstation::exists(dir) {
            return Err(Error::NotInitialized(dir.to_owned()));
        }
        let keys = KeyFile::load(&dir.join(KEY_FILE))?;
        Ok(Workstation(Arc::new(Files {
            dir: dir.to_owned(),
            keys: Mutex::new(keys),
            clock,
            kdf,
        })))
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

    fn keys(&self) -> MutexGuard<'_, KeyFile> {
        self.0.keys.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Checks the password and opens the encrypted database as that user.
    pub fn unlock(&self, username: &str, password: &str) -> Result<Session> {
        let (key, user) = self.unseal_user(username, password)?;
        self.open_session(key, user)
    }

    /// Re-seals one user's envelope under a new password. The database is not opened or
    /// written: its key does not change.
    pub fn change_password(&self, username: &str, old: &str, new: &str) -> Result<()> {
        let (key, user) = self.unseal_user(username, old)?;
        let canonical = self.envelope_username(username)?;
        check_new_password(&canonical, new)?;
        self.reseal_user(&key, user, &canonical, new)
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
        self.reseal_user(&key, user, &canonical, new_password)
    }

    fn envelope_username(&self, username: &str) -> Result<String> {
        match self.keys().user_envelope(username).map(|e| &e.holder) {
            Some(Holder::User { username, .. }) => Ok(username.clone()),
            _ => Err(Error::BadCredentials),
        }
    }

    /// Seals `key` for `user` under `password` and writes the key file. The new file is
    /// saved before the in-memory copy changes, so a failed write changes nothing.
    fn reseal_user(
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

    fn unseal_user(&self, username: &str, password: &str) -> Result<(DataKey, UserId)> {
        let (envelope, database_id) = {
            let keys = self.keys();
            match keys.user_envelope(username) {
                Some(envelope) => (envelope.clone(), keys.database_id),
                None => {
                    // Spend the same work as a real attempt so that timing does not
                    // reveal which user names exist.
                    let decoy = keys.envelopes.first().cloned();
                    let database_id = keys.database_id;
                    drop(keys);
                    if let Some(decoy) = decoy {
                        let _ = decoy.open(password.as_bytes(), database_id);
                    }
                    return Err(Error::BadCredentials);
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

    fn open_session(&self, key: DataKey, user: UserId) -> Result<Session> {
        let (salt, database_id) = {
            let keys = self.keys();
            (keys.database_salt.clone(), keys.database_id)
        };
        let store = Store::open(&self.database_path(), &key, &salt)?;
        let clinic = organisation::get(store.conn())?;
        if clinic.database_id != database_id {
            return Err(Error::NotOurDatabase(self.database_path()));
        }
        let user = users::get(store.conn(), user)?.ok_or(Error::BadCredentials)?;
        if !user.active {
            return Err(Error::UserInactive(user.username));
        }
        let actor = Actor {
            user: user.id,
            username: user.username,
            role: user.role,
            device: clinic.device_id,
            session: SessionId::new(self.0.clock.as_ref()),
        };
        Ok(Session {
            store,
            actor,
            clinic,
            key,
            workstation: self.clone(),
        })
    }
}

/// An unlocked workstation: the open encrypted store and the signed-in actor. Dropping
/// it (or calling [`Session::lock`]) closes the database, and SQLCipher wipes its copy of
/// the key; the core keeps no other copy.
pub struct Session {
    store: Store,
    actor: Actor,
    clinic: ClinicInfo,
    /// Kept to seal envelopes for new users; wiped when the session is dropped.
    key: DataKey,
    workstation: Workstation,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}

impl Session {
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn clinic(&self) -> &ClinicInfo {
        &self.clinic
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn clock(&self) -> &dyn Clock {
        self.workstation.0.clock.as_ref()
    }

    pub fn workstation(&self) -> &Workstation {
        &self.workstation
    }

    fn write_context(&self) -> WriteContext {
        WriteContext {
            device: self.actor.device,
            user: Some(self.actor.user),
            now: self.clock().now(),
        }
    }

    /// Creates a user with their own key envelope. Only administrators may.
    ///
    /// The envelope is written to the key file before the database transaction commits:
    /// if the commit then fails, the stray envelope names a user the database does not
    /// have, and unlocking with it is refused.
    pub fn create_user(&mut self, new: &NewUser) -> Result<User> {
        if self.actor.role != Role::Admin {
            return Err(Error::Forbidden {
                action: "create users",
            });
        }
        let username = validate_username(&new.username)?;
        let display_name = validate_name("display_name", &new.display_name)?;
        check_new_password(&username, &new.password)?;
        if self.workstation.keys().user_envelope(&username).is_some() {
            return Err(Error::validation(
                "username",
                format!("the user name \"{username}\" is already taken; choose another"),
            ));
        }
        let user = User {
            id: UserId::new(self.clock()),
            username,
            display_name,
            role: new.role,
            active: true,
        };
        let ctx = self.write_context();
        let tx = self.store.transaction()?;
        users::insert(&tx, &ctx, &user)?;
        self.workstation
            .reseal_user(&self.key, user.id, &user.username, &new.password)?;
        tx.commit().map_err(Error::from_sqlite)?;
        Ok(user)
    }

    /// Changes waiting to be pushed to the sync server, oldest first.
    pub fn pending_changes(&self, limit: usize) -> Result<Vec<changes::Change>> {
        changes::pending(self.store.conn(), limit)
    }

    /// Closes the database and forgets the key.
    pub fn lock(self) {
        drop(self);
    }
}

fn validate_name(field: &'static str, value: &str) -> Result<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Error::validation(field, "must not be empty"));
    }
    if trimmed.chars().count() > 200 {
        return Err(Error::validation(field, "must be at most 200 characters"));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Error::validation(
            field,
            "must not contain control characters",
        ));
    }
    Ok(trimmed.to_owned())
}

fn validate_branch_code(code: &str) -> Result<String> {
    let code = code.trim().to_ascii_uppercase();
    let ok = (2..=8).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if ok {
        Ok(code)
    } else {
        Err(Error::validation(
            "branch_code",
            "use 2 to 8 letters and digits starting with a letter, such as BR01",
        ))
    }
}

fn validate_time_zone(tz: &str) -> Result<String> {
    let tz = tz.trim();
    let ok = tz == "UTC"
        || (tz.contains('/')
            && tz
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+')));
    if ok {
        Ok(tz.to_owned())
    } else {
        Err(Error::validation(
            "time_zone",
            format!("\"{tz}\" is not a time zone; use UTC or a name such as Africa/Nairobi"),
        ))
    }
}

pub(crate) fn validate_username(name: &str) -> Result<String> {
    let name = name.trim().to_ascii_lowercase();
    let ok = (3..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(name)
    } else {
        Err(Error::validation(
            "username",
            "use 3 to 32 letters, digits, dots, dashes or underscores, starting with a letter",
        ))
    }
}

/// The minimum a new password must meet.
pub(crate) fn check_new_password(username: &str, password: &str) -> Result<()> {
    let length = password.chars().count();
    if length < 10 {
        return Err(Error::validation(
            "password",
            "must be at least 10 characters long",
        ));
    }
    if length > 1024 {
        return Err(Error::validation(
            "password",
            "must be at most 1024 characters long",
        ));
    }
    if password.to_lowercase().contains(&username.to_lowercase()) {
        return Err(Error::validation(
            "password",
            "must not contain the user name",
        ));
    }
    Ok(())
}
