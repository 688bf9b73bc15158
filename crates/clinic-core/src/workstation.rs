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
use crate::clinic_time::ClinicTime;
use crate::clock::Clock;
use crate::clock::to_db_time;
use crate::envelope::{DataKey, Envelope, Holder, KdfParams, RecoveryCode, Unseal};
use crate::error::{Error, Result};
use crate::ids::{BranchId, DatabaseId, DeviceId, OrganisationId, SessionId, UserId};
use crate::keyfile::KeyFile;
use crate::money::Currency;
use crate::session::{Session, Unlocked};
use crate::signin_guard::SignInGuard;
use crate::store::Store;
use crate::store::audit::{self, Event, Outcome};
use crate::store::changes::WriteContext;
use crate::store::notifications;
use crate::store::organisation::{self, ClinicInfo, NewClinic};
use crate::store::settings;
use crate::store::users::{self, User};
use crate::totp;

pub const DB_FILE: &str = "clinic.db";
pub const KEY_FILE: &str = "keys.json";
/// Sign-in failures and events recorded while the database was closed.
pub const SIGNIN_FILE: &str = "signin.json";
/// A re-keyed key file waiting for its database (see [`crate::rekey`]).
pub const STAGED_KEY_FILE: &str = "keys.json.rekey";
/// How long break-glass access stays open.
pub const BREAK_GLASS_HOURS: i64 = 4;

enum Opening {
    Init,
    Join {
        server: String,
        branch: String,
        pulled: usize,
    },
    SignIn {
        must_enrol: bool,
    },
    BreakGlass {
        reason: String,
        until: chrono::DateTime<chrono::Utc>,
    },
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

/// The key file of a new workstation, in `staging`: the database key sealed for its
/// first user and for the recovery code.
fn seal_key_file(
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
fn tighten_modes(dir: &Path) -> Result<()> {
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
fn move_into_place<T>(dir: &Path, staging: &Path, staged: Result<T>) -> Result<T> {
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

/// What the person setting up another workstation of an existing branch provides: the
/// sync server, a one-time enrollment code for the branch, and their own user name and
/// password (the server checks them; they must have synced from a workstation before).
#[derive(Clone)]
pub struct Join {
    pub server: String,
    pub code: String,
    /// An extra certificate to trust (PEM), for a server with a self-signed one.
    pub ca_cert: Option<String>,
    pub username: String,
    pub password: Zeroizing<String>,
}

impl std::fmt::Debug for Join {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Join")
            .field("server", &self.server)
            .field("username", &self.username)
            .finish_non_exhaustive()
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
        let time_zone = ClinicTime::parse(&setup.time_zone)?.name().to_owned();
        let username = validate_username(&setup.admin_username)?;
        let display_name = validate_name("admin_display_name", &setup.admin_display_name)?;
        check_new_password(&username, &setup.admin_password)?;

        crate::private_files::create_dir_all(dir)?;
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
        crate::private_files::create_dir(&staging)?;
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
                &User::new(admin, username.clone(), display_name, Role::Admin),
            )?;
            tx.commit().map_err(Error::from_sqlite)?;
            store.checkpoint()?;
            let salt = store.cipher_salt()?;
            drop(store);

            seal_key_file(
                &staging,
                &key,
                (database_id, salt),
                (admin, &username),
                &setup.admin_password,
                &recovery_code,
                kdf,
            )
        })();
        let keys = move_into_place(dir, &staging, staged)?;

        let workstation = Workstation(Arc::new(Files {
            dir: dir.to_owned(),
            keys: Mutex::new(keys),
            clock,
            kdf,
        }));
        let (store, clinic) = workstation.open_store(&key)?;
        let user = users::get(store.conn(), admin)?.ok_or(Error::BadCredentials)?;
        let session = workstation.start_session(store, clinic, key, user, Opening::Init)?;
        *session.server_login() = crate::sync::ServerLogin::with_password(&setup.admin_password);
        Ok(Initialized {
            workstation,
            session,
            recovery_code,
        })
    }

    /// Sets up a workstation for a branch that already exists on the sync server: enrolls
    /// with the code, signs the user in to the server, pulls everything the branch needs
    /// into a new encrypted database, and seals the database key for that user. Nothing
    /// is left behind in `dir` if any step fails (the enrollment code is then used up).
    pub fn join(
        dir: &Path,
        join: &Join,
        clock: Arc<dyn Clock>,
        kdf: KdfParams,
    ) -> Result<Initialized> {
        let username = validate_username(&join.username)?;
        if join.code.trim().is_empty() {
            return Err(Error::validation(
                "code",
                "enter the one-time enrollment code IT made for this branch",
            ));
        }
        let http = crate::sync::Http::new(join.server.trim(), join.ca_cert.as_deref())?;
        crate::private_files::create_dir_all(dir)?;
        if Workstation::exists(dir) {
            return Err(Error::AlreadyInitialized(dir.to_owned()));
        }
        let database_id = DatabaseId::new(clock.as_ref());
        let device = DeviceId::new(clock.as_ref());
        let key = DataKey::generate()?;
        let recovery_code = RecoveryCode::generate()?;

        let enrolled = http.enroll(
            &join.code,
            &device.to_string(),
            &format!("workstation set up by {username}"),
        )?;
        let tokens = http.login(&enrolled.device_token, "", &username, &join.password)?;
        let user_id: UserId = tokens.user_id.parse().map_err(|_| {
            Error::Sync("the sync server named the user with a malformed id".into())
        })?;

        let staging = dir.join(format!(".setup-{database_id}"));
        crate::private_files::create_dir(&staging)?;
        let staged = (|| -> Result<(KeyFile, usize)> {
            let mut store = Store::create(&staging.join(DB_FILE), &key)?;
            {
                let tx = store.transaction()?;
                crate::store::sync_state::join(
                    &tx,
                    http.base(),
                    &enrolled.device_token,
                    &enrolled.branch_code,
                    join.ca_cert.as_deref(),
                )?;
                tx.commit().map_err(Error::from_sqlite)?;
            }
            let (pulled, _cursor) = crate::sync::pull_all(
                &mut store,
                &http,
                &tokens.access_token,
                device,
                0,
                clock.as_ref(),
            )?;
            let tx = store.transaction()?;
            let branch = organisation::branch_by_code(&tx, &enrolled.branch_code)?.ok_or_else(|| {
                Error::validation(
                    "code",
                    format!(
                        "the sync server has no branch {} yet: an administrator of the group adds it (Administration, or clinic branch add) and syncs, then join again",
                        enrolled.branch_code
                    ),
                )
            })?;
            organisation::insert_workstation(&tx, database_id, device, branch, clock.now())?;
            let user = users::get(&tx, user_id)?
                .filter(|u| u.active)
                .ok_or(Error::BadCredentials)?;
            tx.commit().map_err(Error::from_sqlite)?;
            store.checkpoint()?;
            let salt = store.cipher_salt()?;
            drop(store);

            let keys = seal_key_file(
                &staging,
                &key,
                (database_id, salt),
                (user_id, &user.username),
                &join.password,
                &recovery_code,
                kdf,
            )?;
            Ok((keys, pulled))
        })();
        let (keys, pulled) = move_into_place(dir, &staging, staged)?;

        let workstation = Workstation(Arc::new(Files {
            dir: dir.to_owned(),
            keys: Mutex::new(keys),
            clock,
            kdf,
        }));
        let (store, clinic) = workstation.open_store(&key)?;
        let user = users::get(store.conn(), user_id)?.ok_or(Error::BadCredentials)?;
        let session = workstation.start_session(
            store,
            clinic,
            key,
            user,
            Opening::Join {
                server: http.base().to_owned(),
                branch: enrolled.branch_code,
                pulled,
            },
        )?;
        session.server_login().keep(tokens);
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
        tighten_modes(dir)?;
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

    pub(crate) fn kdf(&self) -> KdfParams {
        self.0.kdf
    }

    pub(crate) fn keys(&self) -> MutexGuard<'_, KeyFile> {
        self.0.keys.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        self.0.clock.as_ref()
    }

    fn guard(&self) -> SignInGuard {
        SignInGuard::new(self.0.dir.join(SIGNIN_FILE))
    }

    pub(crate) fn has_envelope(&self, username: &str) -> bool {
        self.keys().user_envelope(username).is_some()
    }

    /// Consecutive failed sign-ins recorded for `username` (0 after a success).
    pub fn failed_sign_ins(&self, username: &str) -> u32 {
        self.guard().failures(username)
    }

    /// Signs in with a password only; see [`Workstation::sign_in`].
    pub fn unlock(&self, username: &str, password: &str) -> Result<Session> {
        self.sign_in(username, password, None)
    }

    /// Checks the password (and the second factor, if the user has one) and opens the
    /// encrypted database as that user. Repeated failures lock the account out for a
    /// growing time; every attempt ends up in the audit log.
    pub fn sign_in(
        &self,
        username: &str,
        password: &str,
        totp_code: Option<&str>,
    ) -> Result<Session> {
        let (store, clinic, key, user) =
            self.authenticate(username, password, totp_code, "sign_in")?;
        if user.emergency {
            let err = Error::EmergencyAccount(user.username.clone());
            self.refuse(store, &clinic, &user, "sign_in", "emergency_account")?;
            return Err(err);
        }
        let must_enrol = !user.totp_enrolled && settings::totp_required(store.conn(), user.role)?;
        let session =
            self.start_session(store, clinic, key, user, Opening::SignIn { must_enrol })?;
        *session.server_login() = crate::sync::ServerLogin::with_password(password);
        Ok(session)
    }

    /// Break-glass emergency access: opens a pre-created emergency account for a limited
    /// time with doctor-level read access. The reason is recorded in the audit log with a
    /// distinct event, and every administrator is notified.
    pub fn break_glass(
        &self,
        username: &str,
        password: &str,
        totp_code: Option<&str>,
        reason: &str,
    ) -> Result<Session> {
        let reason = reason.trim();
        if reason.chars().count() < 10 {
            return Err(Error::validation(
                "reason",
                "say why emergency access is needed (at least 10 characters); administrators will read it",
            ));
        }
        let (store, clinic, key, user) =
            self.authenticate(username, password, totp_code, "break_glass.open")?;
        if !user.emergency {
            self.refuse(store, &clinic, &user, "sign_in", "not_an_emergency_account")?;
            return Err(Error::validation(
                "username",
                "this is not an emergency account; sign in normally",
            ));
        }
        let until = self.0.clock.now() + chrono::Duration::hours(BREAK_GLASS_HOURS);
        self.start_session(
            store,
            clinic,
            key,
            user,
            Opening::BreakGlass {
                reason: reason.to_owned(),
                until,
            },
        )
    }

    /// Password, lock-out, database and second-factor checks shared by every way in.
    /// `action` names the way in for the audit log (`sign_in`, `break_glass.open`).
    fn authenticate(
        &self,
        username: &str,
        password: &str,
        totp_code: Option<&str>,
        action: &str,
    ) -> Result<(Store, ClinicInfo, DataKey, User)> {
        let now = self.0.clock.now();
        let guard = self.guard();
        guard.check(username, now)?;
        if let Some(settled) = crate::rekey::settle_interrupted(self, username, password)? {
            guard.note(username, now, settled)?;
        }
        let (key, user_id) = match self.unseal_user(username, password) {
            Ok(found) => found,
            Err(Error::BadCredentials) => {
                guard.fail(username, now, "bad_password")?;
                return Err(Error::BadCredentials);
            }
            Err(err @ Error::UserInactive(_)) => {
                // The envelope went with the deactivation, so the database cannot be
                // opened to audit this: the attempt waits in the sign-in file and is
                // written at the next successful sign-in.
                let reason = if action == "break_glass.open" {
                    "break_glass_deactivated"
                } else {
                    "deactivated"
                };
                guard.note(username, now, reason)?;
                return Err(err);
            }
            Err(other) => return Err(other),
        };
        let (store, clinic) = match self.open_store(&key) {
            Ok(opened) => opened,
            Err(Error::DatabaseCorrupt { .. }) if crate::rekey::interrupted(self) => {
                return Err(crate::rekey::unfinished_error());
            }
            Err(other) => return Err(other),
        };
        let user = users::get(store.conn(), user_id)?.ok_or(Error::BadCredentials)?;
        let deactivated = if user.emergency {
            user.emergency_disabled
        } else {
            !user.active
        };
        if deactivated {
            let err = Error::UserInactive(user.username.clone());
            self.refuse(store, &clinic, &user, action, "deactivated")?;
            return Err(err);
        }
        if !user.branches.is_empty() && !user.branches.contains(&clinic.branch_id) {
            self.refuse(store, &clinic, &user, "sign_in", "branch_not_allowed")?;
            return Err(Error::Forbidden {
                action: "sign_in",
                reason: "branch_not_allowed",
            });
        }
        if let Some(secret) = users::totp_secret(store.conn(), user.id)? {
            let Some(code) = totp_code.filter(|c| !c.trim().is_empty()) else {
                return Err(Error::TotpRequired);
            };
            let seconds = u64::try_from(now.timestamp()).unwrap_or(0);
            if !totp::verify(&secret, code, seconds)? {
                guard.fail(username, now, "bad_totp_code")?;
                return Err(Error::BadTotpCode);
            }
        }
        Ok((store, clinic, key, user))
    }

    /// Records a refused sign-in of a known user straight into the audit log.
    fn refuse(
        &self,
        mut store: Store,
        clinic: &ClinicInfo,
        user: &User,
        action: &str,
        reason: &str,
    ) -> Result<()> {
        let now = self.0.clock.now();
        let ctx = WriteContext {
            device: clinic.device_id,
            user: Some(user.id),
            now,
        };
        let tx = store.transaction()?;
        audit::append(
            &tx,
            &ctx,
            None,
            now,
            &Event::new(action, Outcome::Denied)
                .entity("user", user.id)
                .details(serde_json::json!({ "username": user.username, "reason": reason })),
        )?;
        tx.commit().map_err(Error::from_sqlite)
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

    /// Writes the sign-in (with any attempts recorded while the database was closed) and
    /// hands out the session.
    fn start_session(
        &self,
        mut store: Store,
        clinic: ClinicInfo,
        key: DataKey,
        user: User,
        opening: Opening,
    ) -> Result<Session> {
        let now = self.0.clock.now();
        let guard = self.guard();
        let offline = guard.pending();
        let actor = Actor {
            user: user.id,
            username: user.username.clone(),
            role: user.role,
            device: clinic.device_id,
            session: SessionId::new(self.0.clock.as_ref()),
            patient: user.patient,
            emergency_until: match &opening {
                Opening::BreakGlass { until, .. } => Some(*until),
                _ => None,
            },
            must_enrol_totp: matches!(opening, Opening::SignIn { must_enrol: true }),
        };
        let ctx = WriteContext {
            device: clinic.device_id,
            user: Some(user.id),
            now,
        };
        let idle_minutes = settings::idle_lock_minutes(store.conn())?;
        let tx = store.transaction()?;
        for attempt in &offline {
            let (action, outcome) = match attempt.reason.as_str() {
                "lockout" => ("sign_in.lockout", Outcome::Failure),
                "locked_out" => ("sign_in", Outcome::Denied),
                "password_changed" => ("password.change", Outcome::Success),
                "password_recovered" => ("password.recover", Outcome::Success),
                "deactivated" => ("sign_in", Outcome::Denied),
                "break_glass_deactivated" => ("break_glass.open", Outcome::Denied),
                "rekey_finished" => ("database.rekey.finish", Outcome::Success),
                "rekey_rolled_back" => ("database.rekey.roll_back", Outcome::Failure),
                "backup_restored" => ("backup.restore", Outcome::Success),
                _ => ("sign_in", Outcome::Failure),
            };
            audit::append(
                &tx,
                &ctx,
                None,
                attempt.at,
                &Event::new(action, outcome).details(serde_json::json!({
                    "username": attempt.username,
                    "reason": attempt.reason,
                    "recorded_offline": true,
                })),
            )?;
        }
        match &opening {
            Opening::Init => {
                audit::append(
                    &tx,
                    &ctx,
                    Some(&actor),
                    now,
                    &Event::new("workstation.init", Outcome::Success),
                )?;
            }
            Opening::Join {
                server,
                branch,
                pulled,
            } => {
                audit::append(
                    &tx,
                    &ctx,
                    Some(&actor),
                    now,
                    &Event::new("workstation.join", Outcome::Success).details(
                        serde_json::json!({ "server": server, "branch": branch, "pulled": pulled }),
                    ),
                )?;
            }
            Opening::SignIn { must_enrol } => {
                audit::append(
                    &tx,
                    &ctx,
                    Some(&actor),
                    now,
                    &Event::new("sign_in", Outcome::Success)
                        .details(serde_json::json!({ "must_enrol_totp": must_enrol })),
                )?;
            }
            Opening::BreakGlass { reason, until } => {
                users::update(
                    &tx,
                    &ctx,
                    user.id,
                    &users::Update {
                        emergency_until: Some(Some(*until)),
                        ..users::Update::default()
                    },
                )?;
                audit::append(
                    &tx,
                    &ctx,
                    Some(&actor),
                    now,
                    &Event::new("break_glass.open", Outcome::Success)
                        .entity("user", user.id)
                        .details(
                            serde_json::json!({ "reason": reason, "until": to_db_time(*until) }),
                        ),
                )?;
                for admin in users::active_admins(&tx)? {
                    notifications::insert(
                        &tx,
                        &ctx,
                        admin,
                        &notifications::New {
                            kind: "break_glass",
                            title: format!("Emergency access opened by {}", user.username),
                            body: format!(
                                "Reason given: {reason}. Access ends at {} UTC.",
                                until.format("%Y-%m-%d %H:%M")
                            ),
                            entity: Some("user"),
                            entity_id: Some(user.id.to_string()),
                        },
                    )?;
                }
            }
        }
        tx.commit().map_err(Error::from_sqlite)?;
        guard.succeeded(&user.username, offline.len())?;
        Ok(Session {
            unlocked: Some(Unlocked { store, key }),
            actor,
            clinic,
            workstation: self.clone(),
            last_activity: now,
            idle_limit: chrono::Duration::minutes(i64::from(idle_minutes)),
            server: std::sync::Arc::default(),
        })
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

pub(crate) fn validate_name(field: &'static str, value: &str) -> Result<String> {
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

pub(crate) fn validate_branch_code(code: &str) -> Result<String> {
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

/// The password policy: 10 to 1024 characters, not containing the user name, not one
/// of the passwords attackers try first.
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
    let lower = password.to_lowercase();
    if lower.contains(&username.to_lowercase()) {
        return Err(Error::validation(
            "password",
            "must not contain the user name",
        ));
    }
    let squashed: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    let one_char = squashed.chars().all(|c| squashed.starts_with(c));
    if one_char || COMMON_PASSWORDS.iter().any(|common| squashed == *common) {
        return Err(Error::validation(
            "password",
            "is one of the passwords attackers try first; choose a phrase of several words",
        ));
    }
    Ok(())
}

/// Passwords long enough to pass the length rule that attackers still try first
/// (compared after lower-casing and dropping punctuation).
const COMMON_PASSWORDS: &[&str] = &[
    "1234567890",
    "12345678910",
    "123456789012",
    "0123456789",
    "9876543210",
    "1q2w3e4r5t",
    "1qaz2wsx3edc",
    "qwertyuiop",
    "qwerty123456",
    "qwertyuiop123",
    "asdfghjkl1",
    "zxcvbnm123",
    "password12",
    "password123",
    "password1234",
    "passw0rd123",
    "p4ssw0rd123",
    "password2024",
    "password2025",
    "password2026",
    "iloveyou123",
    "iloveyou12",
    "letmein123",
    "welcome123",
    "welcome1234",
    "administrator",
    "admin12345",
    "admin123456",
    "changeme123",
    "trustno1234",
    "abc1234567",
    "abcdefghij",
    "abcdefghijk",
    "football123",
    "baseball123",
    "sunshine123",
    "princess123",
    "dragon12345",
    "monkey12345",
    "master12345",
    "superman123",
    "starwars123",
    "michael123",
    "jennifer123",
    "whatever123",
    "computer123",
    "internet123",
    "samsung123",
    "doctor12345",
    "hospital123",
    "clinic12345",
    "medical123",
    "nurse12345",
    "health1234",
    "qazwsxedcrfv",
    "1q2w3e4r5t6y",
    "aaaaaaaaaa1",
    "azertyuiop",
    "secret12345",
];
