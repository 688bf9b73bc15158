//! Shared set-up: a workstation on a manual clock with cheap key derivation.

use std::path::Path;
use std::sync::Arc;

use clinic_core::{
    Initialized, KdfParams, ManualClock, NewUser, Role, Session, Setup, Workstation,
};

pub const ADMIN_PASSWORD: &str = "correct horse battery";

pub struct Clinic {
    pub dir: tempfile::TempDir,
    pub clock: Arc<ManualClock>,
    pub workstation: Workstation,
    pub admin: Session,
}

impl Clinic {
    pub fn new() -> Clinic {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::monday_morning());
        let Initialized {
            workstation,
            session,
            ..
        } = Workstation::init(
            dir.path(),
            &Setup::new("Test Clinic", "admin", ADMIN_PASSWORD),
            clock.clone(),
            KdfParams::FAST_INSECURE_FOR_TESTS,
        )
        .unwrap();
        Clinic {
            dir,
            clock,
            workstation,
            admin: session,
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Adds a user whose password is `<username> secret pw`.
    pub fn add_user(&mut self, username: &str, role: Role) -> clinic_core::User {
        let mut new = NewUser::new(username, role, &password_of(username));
        if role == Role::Patient {
            new.patient = Some(clinic_core::ids::PatientId::new(self.clock.as_ref()));
        }
        self.admin.create_user(&new).unwrap()
    }

    pub fn sign_in(&self, username: &str) -> Session {
        self.workstation
            .unlock(username, &password_of(username))
            .unwrap_or_else(|e| panic!("{username} signs in: {e}"))
    }

    /// Counts audit rows matching a SQL condition, reading as an attacker would.
    pub fn count_audit(&mut self, condition: &str) -> i64 {
        // The admin's session may have locked itself while a test moved the clock on.
        if self.admin.raw_connection().is_err() {
            self.admin = self.workstation.unlock("admin", ADMIN_PASSWORD).unwrap();
        }
        self.admin
            .raw_connection()
            .unwrap()
            .query_row(
                &format!("SELECT count(*) FROM audit_log WHERE {condition}"),
                [],
                |r| r.get(0),
            )
            .unwrap()
    }
}

pub fn password_of(username: &str) -> String {
    format!("{} secret pw", username.chars().rev().collect::<String>())
}
