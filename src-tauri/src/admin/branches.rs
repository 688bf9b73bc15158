//! The clinic group's branches: every signed-in user reads them; administrators add one.

use std::sync::Arc;

use serde::Serialize;

use crate::shell::{Reply, Result, Shared, Shell, blocking};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn branches(shell: Shared<'_>) -> Reply<Vec<Branch>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.branches()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_branch(shell: Shared<'_>, code: String, name: String) -> Reply<Vec<Branch>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.add_branch(&code, &name)).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    pub fn branches(&self) -> Result<Vec<Branch>> {
        self.with_open(|open| {
            Ok(open
                .session
                .branches()?
                .into_iter()
                .map(Branch::from)
                .collect())
        })
    }

    /// Adds a branch to the clinic group (administrators; the core checks and audits it)
    /// and answers with the group's branches as they now stand, so the screen shows the
    /// order the core keeps.
    pub fn add_branch(&self, code: &str, name: &str) -> Result<Vec<Branch>> {
        self.with_open(|open| {
            open.session.add_branch(code, name)?;
            Ok(open
                .session
                .branches()?
                .into_iter()
                .map(Branch::from)
                .collect())
        })
    }
}

// ---- wire types -----------------------------------------------------------------------

/// A branch of the clinic, for pickers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Branch {
    pub id: String,
    /// e.g. `BR01`.
    pub code: String,
    pub name: String,
    pub active: bool,
}

impl From<clinic_core::identity::Branch> for Branch {
    fn from(b: clinic_core::identity::Branch) -> Self {
        Self {
            id: b.id.to_string(),
            code: b.code,
            name: b.name,
            active: b.active,
        }
    }
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    Branch::export_all(cfg)?;
    Ok(())
}
