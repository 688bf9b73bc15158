//! The shell's state and the work behind each command, kept apart from Tauri so that it
//! can be tested without a window. Every method is a thin step over clinic-core.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use clinic_core::{Clock, KdfParams, Session, Setup, Workstation};
use zeroize::Zeroizing;

use crate::dto::{AppState, SetUpDone, SignedIn};

pub const DEMO_CLINIC: &str = "Demo Clinic";
pub const DEMO_USERNAME: &str = "admin";
pub const DEMO_PASSWORD: &str = "demo-clinic-2026";

/// Where the workstation lives: `CLINIC_DATA_DIR`, else `$XDG_DATA_HOME/clinic`, else
/// `~/.local/share/clinic`. `var` reads one environment variable (a parameter for tests).
pub fn resolve_data_dir(var: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let set = |name: &str| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = set("CLINIC_DATA_DIR") {
        return Some(dir);
    }
    // The XDG spec says to ignore a relative XDG_DATA_HOME.
    if let Some(xdg) = set("XDG_DATA_HOME").filter(|p| p.is_absolute()) {
        return Some(xdg.join("clinic"));
    }
    set("HOME").map(|home| home.join(".local").join("share").join("clinic"))
}

/// Demo mode is on when `CLINIC_DEMO` is `1` (or `true`/`yes`).
pub fn demo_enabled(value: Option<OsString>) -> bool {
    value.is_some_and(|v| matches!(v.to_str(), Some("1" | "true" | "yes")))
}

/// In demo mode, sets up "Demo Clinic" with the demo admin when the directory holds no
/// workstation yet. Returns whether it created one. The new session is locked at once:
/// the person signs in with the credentials the login screen shows.
pub fn ensure_demo_workstation(
    dir: &Path,
    clock: Arc<dyn Clock>,
    kdf: KdfParams,
) -> clinic_core::Result<bool> {
    if Workstation::exists(dir) {
        return Ok(false);
    }
    let setup = Setup::new(DEMO_CLINIC, DEMO_USERNAME, DEMO_PASSWORD);
    let initialized = Workstation::init(dir, &setup, clock, kdf)?;
    initialized.session.lock();
    Ok(true)
}

/// The state the commands share: where the workstation is, and the open session if any.
pub struct Shell {
    data_dir: PathBuf,
    demo: bool,
    clock: Arc<dyn Clock>,
    kdf: KdfParams,
    session: Mutex<Option<Session>>,
}

impl std::fmt::Debug for Shell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shell")
            .field("data_dir", &self.data_dir)
            .field("demo", &self.demo)
            .field(
                "signed_in",
                &self.session.try_lock().ok().map(|s| s.is_some()),
            )
            .finish_non_exhaustive()
    }
}

impl Shell {
    pub fn new(data_dir: PathBuf, demo: bool, clock: Arc<dyn Clock>, kdf: KdfParams) -> Self {
        Self {
            data_dir,
            demo,
            clock,
            kdf,
            session: Mutex::new(None),
        }
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn app_state(&self) -> AppState {
        let demo = |value: &str| self.demo.then(|| value.to_owned());
        AppState {
            initialized: Workstation::exists(&self.data_dir),
            demo: self.demo,
            demo_username: demo(DEMO_USERNAME),
            demo_password: demo(DEMO_PASSWORD),
            clinic_name: self.session().as_ref().map(|s| s.clinic().name.clone()),
        }
    }

    /// First-run set-up; signs the new admin in.
    pub fn set_up(
        &self,
        clinic_name: &str,
        admin_username: &str,
        password: &str,
    ) -> clinic_core::Result<SetUpDone> {
        let setup = Setup::new(clinic_name, admin_username, password);
        let init = Workstation::init(&self.data_dir, &setup, self.clock.clone(), self.kdf)?;
        let done = SetUpDone {
            recovery_code: Zeroizing::new(init.recovery_code.as_str().to_owned()),
            clinic: init.session.clinic().clone(),
            actor: init.session.actor().clone(),
        };
        self.replace_session(Some(init.session));
        Ok(done)
    }

    pub fn sign_in(&self, username: &str, password: &str) -> clinic_core::Result<SignedIn> {
        let workstation = Workstation::open(&self.data_dir, self.clock.clone(), self.kdf)?;
        let session = workstation.unlock(username, password)?;
        let signed_in = SignedIn::of(&session);
        self.replace_session(Some(session));
        Ok(signed_in)
    }

    /// Closes the database and forgets the key (sign-out and lock are the same for now).
    pub fn lock(&self) {
        self.replace_session(None);
    }

    #[cfg(test)]
    pub fn is_signed_in(&self) -> bool {
        self.session().is_some()
    }

    fn replace_session(&self, next: Option<Session>) {
        let previous = std::mem::replace(&mut *self.session(), next);
        if let Some(session) = previous {
            session.lock();
        }
    }

    fn session(&self) -> MutexGuard<'_, Option<Session>> {
        // A panic while holding the lock cannot leave a half-written Option behind.
        self.session.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use clinic_core::{Code, Role, SystemClock};

    use super::*;
    use crate::dto::CommandError;

    fn shell(dir: &Path) -> Shell {
        Shell::new(
            dir.to_owned(),
            false,
            Arc::new(SystemClock),
            KdfParams::FAST_INSECURE_FOR_TESTS,
        )
    }

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let map: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), OsString::from(v)))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn data_dir_prefers_clinic_data_dir_then_xdg_then_home() {
        let all = [
            ("CLINIC_DATA_DIR", "/srv/clinic"),
            ("XDG_DATA_HOME", "/home/a/.data"),
            ("HOME", "/home/a"),
        ];
        assert_eq!(resolve_data_dir(env(&all)), Some("/srv/clinic".into()));
        assert_eq!(
            resolve_data_dir(env(&all[1..])),
            Some("/home/a/.data/clinic".into())
        );
        assert_eq!(
            resolve_data_dir(env(&all[2..])),
            Some("/home/a/.local/share/clinic".into())
        );
        assert_eq!(
            resolve_data_dir(env(&[
                ("CLINIC_DATA_DIR", ""),
                ("XDG_DATA_HOME", "relative"),
                ("HOME", "/h")
            ])),
            Some("/h/.local/share/clinic".into()),
            "empty and relative values are ignored"
        );
        assert_eq!(resolve_data_dir(env(&[])), None);
    }

    #[test]
    fn demo_mode_needs_an_explicit_yes() {
        assert!(demo_enabled(Some("1".into())));
        assert!(!demo_enabled(Some("0".into())));
        assert!(!demo_enabled(Some("".into())));
        assert!(!demo_enabled(None));
    }

    #[test]
    fn set_up_signs_in_lock_signs_out_and_sign_in_reopens() {
        let tmp = tempfile::tempdir().unwrap();
        let shell = shell(tmp.path());
        assert!(!shell.app_state().initialized);

        let done = shell
            .set_up("Riverside Clinic", "admin", "a long password")
            .unwrap();
        assert_eq!(done.recovery_code.len(), 39);
        assert_eq!(done.actor.role, Role::Admin);
        let state = shell.app_state();
        assert!(state.initialized && !state.demo && state.demo_password.is_none());
        assert_eq!(state.clinic_name.as_deref(), Some("Riverside Clinic"));

        shell.lock();
        assert!(!shell.is_signed_in());
        assert_eq!(shell.app_state().clinic_name, None);

        let wrong = CommandError::from(shell.sign_in("admin", "not the password").unwrap_err());
        assert_eq!(wrong.code, Code::BadCredentials);
        assert_eq!(wrong.field, None);
        assert!(!shell.is_signed_in());

        let signed_in = shell.sign_in("admin", "a long password").unwrap();
        assert_eq!(signed_in.clinic.name, "Riverside Clinic");
        assert!(shell.is_signed_in());
    }

    #[test]
    fn validation_errors_name_the_field_and_drop_the_prefix() {
        let tmp = tempfile::tempdir().unwrap();
        let err = CommandError::from(
            shell(tmp.path())
                .set_up("Clinic", "admin", "short")
                .unwrap_err(),
        );
        assert_eq!(err.code, Code::Validation);
        assert_eq!(err.field, Some("password"));
        assert_eq!(err.message, "must be at least 10 characters long");

        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "validation",
                "message": "must be at least 10 characters long",
                "field": "password"
            })
        );
        let json = serde_json::to_value(CommandError::internal("boom")).unwrap();
        assert_eq!(
            json["field"],
            serde_json::Value::Null,
            "field is null, not absent"
        );
    }

    #[test]
    fn demo_workstation_is_made_once_and_opens_with_the_demo_password() {
        let tmp = tempfile::tempdir().unwrap();
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let kdf = KdfParams::FAST_INSECURE_FOR_TESTS;
        assert!(ensure_demo_workstation(tmp.path(), clock.clone(), kdf).unwrap());
        assert!(!ensure_demo_workstation(tmp.path(), clock.clone(), kdf).unwrap());

        let shell = Shell::new(tmp.path().to_owned(), true, clock, kdf);
        let state = shell.app_state();
        assert!(state.initialized && state.demo);
        assert_eq!(state.demo_username.as_deref(), Some(DEMO_USERNAME));
        let signed_in = shell
            .sign_in(DEMO_USERNAME, state.demo_password.as_deref().unwrap())
            .unwrap();
        assert_eq!(signed_in.clinic.name, DEMO_CLINIC);
    }
}
