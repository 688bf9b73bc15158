//! Setting up a new workstation (and with it a new clinic group): the clinic, its first
//! branch and administrator, the database key sealed for that administrator and for a
//! recovery code shown once.

use std::path::Path;
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::actor::Role;
use crate::clinic_time::ClinicTime;
use crate::clock::Clock;
use crate::envelope::{DataKey, KdfParams, RecoveryCode};
use crate::error::{Error, Result};
use crate::ids::{BranchId, DatabaseId, DeviceId, OrganisationId, UserId};
use crate::keyfile::KeyFile;
use crate::money::Currency;
use crate::session::Session;
use crate::signin::Opening;
use crate::store::Store;
use crate::store::changes::WriteContext;
use crate::store::organisation::{self, NewClinic};
use crate::store::users::{self, User};
use crate::validate::{check_new_password, validate_branch_code, validate_name, validate_username};
use crate::workstation::Workstation;

use crate::workstation::{DB_FILE, move_into_place, seal_key_file};

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

impl Workstation {
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

        let workstation = Workstation::assemble(dir, keys, clock, kdf);
        let (store, clinic) = workstation.open_store(&key)?;
        let user = users::get(store.conn(), admin)?.ok_or(Error::BadCredentials)?;
        let session = workstation.start_session(store, clinic, key, user, Opening::Init)?;
        *session.server_login() = crate::session::ServerLogin::with_password(&setup.admin_password);
        Ok(Initialized {
            workstation,
            session,
            recovery_code,
        })
    }
}
