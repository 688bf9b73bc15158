//! The clinic-wide sign-in settings (administrators): the second factor per role and the
//! idle lock.

use std::sync::Arc;

use serde::Serialize;

use crate::dto::Role;
use crate::shell::{Reply, Result, Shared, Shell, blocking};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn sign_in_settings(shell: Shared<'_>) -> Reply<SignInSettings> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.sign_in_settings()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_totp_required(
    shell: Shared<'_>,
    role: Role,
    required: bool,
) -> Reply<SignInSettings> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.set_totp_required(role, required)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_idle_lock_minutes(shell: Shared<'_>, minutes: u32) -> Reply<SignInSettings> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.set_idle_lock_minutes(minutes)).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    pub fn sign_in_settings(&self) -> Result<SignInSettings> {
        self.with_open(|open| Ok(open.session.sign_in_settings()?.into()))
    }

    /// Turns the second-factor requirement for `role` on or off; answers with the settings
    /// as they now stand.
    pub fn set_totp_required(&self, role: Role, required: bool) -> Result<SignInSettings> {
        self.with_open(|open| {
            open.session.set_totp_required(role.into(), required)?;
            Ok(open.session.sign_in_settings()?.into())
        })
    }

    pub fn set_idle_lock_minutes(&self, minutes: u32) -> Result<SignInSettings> {
        self.with_open(|open| {
            open.session.set_idle_lock_minutes(minutes)?;
            Ok(open.session.sign_in_settings()?.into())
        })
    }
}

// ---- wire types -----------------------------------------------------------------------

/// The clinic-wide sign-in settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SignInSettings {
    /// Idle minutes before a session locks itself (1 to 240; from the next sign-in).
    pub idle_lock_minutes: u32,
    /// The roles that must use a second factor.
    pub totp_required: Vec<Role>,
}

impl From<clinic_core::SignInSettings> for SignInSettings {
    fn from(s: clinic_core::SignInSettings) -> Self {
        Self {
            idle_lock_minutes: s.idle_lock_minutes,
            totp_required: s.totp_required.into_iter().map(Role::from).collect(),
        }
    }
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    SignInSettings::export_all(cfg)?;
    Ok(())
}
