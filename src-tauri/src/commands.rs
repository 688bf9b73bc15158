//! The commands the UI invokes: thin adapters from IPC to [`Shell`]. Argument names are
//! snake_case on the wire, like the DTOs. Anything that unlocks or creates a workstation
//! (Argon2id, about a quarter of a second) runs on the blocking pool so the window stays
//! responsive.

use std::io::Write;
use std::sync::Arc;

use tauri::State;
use zeroize::Zeroizing;

use crate::dto::{AppState, CommandError, SetUpDone, SignedIn};
use crate::shell::Shell;

type Shared<'a> = State<'a, Arc<Shell>>;

#[tauri::command(rename_all = "snake_case")]
pub fn app_state(shell: Shared<'_>) -> AppState {
    shell.app_state()
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_up_workstation(
    shell: Shared<'_>,
    clinic_name: String,
    admin_username: String,
    password: String,
) -> Result<SetUpDone, CommandError> {
    let (shell, password) = (Arc::clone(&shell), Zeroizing::new(password));
    blocking(move || shell.set_up(&clinic_name, &admin_username, &password)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sign_in(
    shell: Shared<'_>,
    username: String,
    password: String,
) -> Result<SignedIn, CommandError> {
    let (shell, password) = (Arc::clone(&shell), Zeroizing::new(password));
    blocking(move || shell.sign_in(&username, &password)).await
}

#[tauri::command(rename_all = "snake_case")]
pub fn sign_out(shell: Shared<'_>) {
    shell.lock();
}

#[tauri::command(rename_all = "snake_case")]
pub fn lock(shell: Shared<'_>) {
    shell.lock();
}

/// Announces on stdout that a screen has been painted; the screenshot script waits for
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

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> clinic_core::Result<T> + Send + 'static,
) -> Result<T, CommandError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|err| CommandError::internal(format!("the operation did not finish: {err}")))?
        .map_err(CommandError::from)
}
