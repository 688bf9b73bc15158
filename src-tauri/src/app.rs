//! Starting the app: where the workstation's data lives, demo mode, what the first
//! screen needs to know (`app_state`), and the screens telling the scripts they are shown
//! (`ui_ready`).

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clinic_core::Workstation;
use serde::Serialize;

use crate::demo;
use crate::dto::DemoAccount;
use crate::shell::{Shared, Shell, State};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub fn app_state(shell: Shared<'_>) -> AppState {
    shell.app_state()
}

/// Announces on stdout that a screen has been painted; the screenshot scripts wait for
/// `clinic-desktop: screen shown: login`.
#[tauri::command(rename_all = "snake_case")]
pub fn ui_ready(screen: String) {
    let screen: String = screen
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(32)
        .collect();
    let mut out = std::io::stdout().lock();
    // Nobody may be reading stdout; that is not an error worth reporting to the UI.
    let _ = writeln!(out, "clinic-desktop: screen shown: {screen}").and_then(|()| out.flush());
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    pub fn app_state(&self) -> AppState {
        let clinic_name = match &*self.state() {
            State::SignedOut => None,
            State::Open(open) => Some(open.session.clinic().name.clone()),
            State::Locked { clinic_name, .. } => Some(clinic_name.clone()),
        };
        AppState {
            initialized: Workstation::exists(&self.data_dir),
            demo: self.demo,
            demo_accounts: if self.demo {
                demo::accounts()
            } else {
                Vec::new()
            },
            clinic_name,
        }
    }
}

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

/// What the command line may say: `--data-dir DIR` (beats CLINIC_DATA_DIR) and
/// `--demo` / `--no-demo` (beat CLINIC_DEMO). Anything else is an error to show.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Args {
    pub data_dir: Option<PathBuf>,
    pub demo: Option<bool>,
}

pub fn parse_args(args: impl IntoIterator<Item = OsString>) -> std::result::Result<Args, String> {
    let mut out = Args::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy();
        if text == "--data-dir" {
            let dir = args.next().ok_or("--data-dir needs a directory after it")?;
            out.data_dir = Some(PathBuf::from(dir));
        } else if let Some(dir) = text.strip_prefix("--data-dir=") {
            out.data_dir = Some(PathBuf::from(dir));
        } else if text == "--demo" {
            out.demo = Some(true);
        } else if text == "--no-demo" {
            out.demo = Some(false);
        } else {
            return Err(format!(
                "unknown argument {text:?}; the app takes --data-dir DIR, --demo and --no-demo"
            ));
        }
    }
    Ok(out)
}

/// Demo mode is on when `CLINIC_DEMO` is `1` (or `true`/`yes`).
pub fn demo_enabled(value: Option<OsString>) -> bool {
    value.is_some_and(|v| matches!(v.to_str(), Some("1" | "true" | "yes")))
}

// ---- wire types -----------------------------------------------------------------------

/// `app_state`: what the first screen needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AppState {
    pub initialized: bool,
    pub demo: bool,
    /// Empty unless in demo mode.
    pub demo_accounts: Vec<DemoAccount>,
    /// Only known while a session is open or locked: the name is inside the encrypted
    /// database.
    pub clinic_name: Option<String>,
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    AppState::export_all(cfg)?;
    Ok(())
}
