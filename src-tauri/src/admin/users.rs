//! User accounts (administrators): adding users and break-glass accounts, admitting a
//! colleague made on another workstation, roles, branches, deactivation.

use std::sync::Arc;

use serde::Serialize;
use zeroize::Zeroizing;

use crate::dto::Role;
use crate::shell::{Open, Reply, Result, Shared, Shell, blocking};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn users(shell: Shared<'_>) -> Reply<Vec<UserAccount>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.users()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn create_user(
    shell: Shared<'_>,
    username: String,
    display_name: Option<String>,
    role: Role,
    password: String,
    branches: Vec<String>,
) -> Reply<UserAccount> {
    let (shell, password) = (Arc::clone(&shell), Zeroizing::new(password));
    blocking(move || {
        shell.create_user(
            &username,
            display_name.as_deref(),
            role,
            &password,
            &branches,
        )
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn create_emergency_account(
    shell: Shared<'_>,
    username: String,
    password: String,
) -> Reply<UserAccount> {
    let (shell, password) = (Arc::clone(&shell), Zeroizing::new(password));
    blocking(move || shell.create_emergency_account(&username, &password)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn admit_user_here(shell: Shared<'_>, username: String, password: String) -> Reply<()> {
    let (shell, password) = (Arc::clone(&shell), Zeroizing::new(password));
    blocking(move || shell.admit_user_here(&username, &password)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_user_role(shell: Shared<'_>, username: String, role: Role) -> Reply<UserAccount> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.set_user_role(&username, role)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn deactivate_user(shell: Shared<'_>, username: String) -> Reply<UserAccount> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.deactivate_user(&username)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn reactivate_user(shell: Shared<'_>, username: String) -> Reply<UserAccount> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.reactivate_user(&username)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_user_branches(
    shell: Shared<'_>,
    username: String,
    branches: Vec<String>,
) -> Reply<UserAccount> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.set_user_branches(&username, &branches)).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    /// Every user account, by user name, with the codes of their branches.
    pub fn users(&self) -> Result<Vec<UserAccount>> {
        self.with_open(|open| {
            let users = open.session.list_users()?;
            let codes = open.session.branch_codes()?;
            let mut list: Vec<UserAccount> = users
                .into_iter()
                .map(|u| UserAccount::of(u, &codes))
                .collect();
            list.sort_by_key(|u| u.username.to_lowercase());
            Ok(list)
        })
    }

    /// Adds a user with their initial password. `display_name` defaults to the user name;
    /// `branches` (codes) empty means every branch.
    pub fn create_user(
        &self,
        username: &str,
        display_name: Option<&str>,
        role: Role,
        password: &str,
        branches: &[String],
    ) -> Result<UserAccount> {
        let mut new = clinic_core::NewUser::new(username.trim(), role.into(), password);
        if let Some(name) = display_name.map(str::trim).filter(|n| !n.is_empty()) {
            name.clone_into(&mut new.display_name);
        }
        new.branches = branches.to_vec();
        self.with_open(|open| {
            let user = open.session.create_user(&new)?;
            user_account(open, user)
        })
    }

    /// Adds a disabled break-glass account (doctor-level reading, opened only with a
    /// reason at the sign-in screen).
    pub fn create_emergency_account(&self, username: &str, password: &str) -> Result<UserAccount> {
        self.with_open(|open| {
            let user = open
                .session
                .create_emergency_account(username.trim(), password)?;
            user_account(open, user)
        })
    }

    /// Lets a user made on another workstation of the group sign in here with their own
    /// password, which the sync server confirms. Administrators, enrolled workstations.
    pub fn admit_user_here(&self, username: &str, password: &str) -> Result<()> {
        self.with_open(|open| Ok(open.session.admit_user_here(username.trim(), password)?))
    }

    pub fn set_user_role(&self, username: &str, role: Role) -> Result<UserAccount> {
        self.with_open(|open| {
            let user = open.session.set_role(username, role.into())?;
            user_account(open, user)
        })
    }

    pub fn deactivate_user(&self, username: &str) -> Result<UserAccount> {
        self.with_open(|open| {
            let user = open.session.deactivate_user(username)?;
            user_account(open, user)
        })
    }

    pub fn reactivate_user(&self, username: &str) -> Result<UserAccount> {
        self.with_open(|open| {
            let user = open.session.reactivate_user(username)?;
            user_account(open, user)
        })
    }

    pub fn set_user_branches(&self, username: &str, codes: &[String]) -> Result<UserAccount> {
        self.with_open(|open| {
            let user = open.session.set_user_branches(username, codes)?;
            user_account(open, user)
        })
    }
}

fn user_account(open: &mut Open, user: clinic_core::User) -> Result<UserAccount> {
    let codes = open.session.branch_codes()?;
    Ok(UserAccount::of(user, &codes))
}

// ---- wire types -----------------------------------------------------------------------

/// A user account, as the users screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct UserAccount {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    /// A break-glass account: disabled until someone opens emergency access.
    pub emergency: bool,
    /// While emergency access is open: when it closes.
    pub emergency_until: Option<String>,
    pub totp_enrolled: bool,
    /// Codes of the branches the user may work at; empty means every branch.
    pub branches: Vec<String>,
}

impl UserAccount {
    /// `codes` names the branches by id (ids the workstation does not know are shown as
    /// they are, so that nothing is hidden).
    pub fn of(
        u: clinic_core::User,
        codes: &std::collections::HashMap<clinic_core::ids::BranchId, String>,
    ) -> Self {
        let mut branches: Vec<String> = u
            .branches
            .iter()
            .map(|id| codes.get(id).cloned().unwrap_or_else(|| id.to_string()))
            .collect();
        branches.sort();
        Self {
            id: u.id.to_string(),
            username: u.username,
            display_name: u.display_name,
            role: u.role.into(),
            active: u.active,
            emergency: u.emergency,
            emergency_until: u.emergency_until,
            totp_enrolled: u.totp_enrolled,
            branches,
        }
    }
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    UserAccount::export_all(cfg)?;
    Ok(())
}
