//! Joining a branch that already exists on the sync server: enroll with a one-time code,
//! sign the user in to the server, pull everything the branch needs into a new encrypted
//! database, and seal its key for that user. Nothing is left behind on failure.

use std::path::Path;
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::clock::Clock;
use crate::envelope::{DataKey, KdfParams, RecoveryCode};
use crate::error::{Error, Result};
use crate::ids::{DatabaseId, DeviceId, UserId};
use crate::keyfile::KeyFile;
use crate::signin::Opening;
use crate::signin::setup::Initialized;
use crate::store::Store;
use crate::store::organisation::{self};
use crate::store::users::{self};
use crate::validate::validate_username;
use crate::workstation::{DB_FILE, Workstation, move_into_place, seal_key_file};

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

impl Workstation {
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
                crate::sync::store::join(
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

        let workstation = Workstation::assemble(dir, keys, clock, kdf);
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
}
