//! Generates the Tauri context inputs: reads `tauri.conf.json`, the capabilities and the
//! permissions of the app's own commands. Each command gets an `allow-…` permission,
//! and `capabilities/main.json` grants exactly those to the window, so a command that is
//! not registered stays closed.
//!
//! The commands are read from the one registration list in `src/lib.rs` (the entries
//! of `commands![ … ];`), and `capabilities/main.json` is written from it (only when it
//! changes; commit it, the UI's permission test reads it). So adding a command touches
//! its feature's files and that list, nothing here.

use std::path::Path;

/// The window's capability: every command on the list, no core plugin (no file system,
/// shell, HTTP, window or event APIs).
const CAPABILITY: &str = "capabilities/main.json";
const DESCRIPTION: &str = "The main window: only the app's own commands, no core plugins (no file system, shell, HTTP, window or event APIs).";

fn main() {
    // `generate_context!` embeds `ui/dist` when the crate compiles, so a rebuilt UI must
    // make the crate compile again: rerunning this script does that.
    println!("cargo:rerun-if-changed=../ui/dist");
    println!("cargo:rerun-if-changed=src/lib.rs");
    if std::env::var_os("CARGO_FEATURE_CUSTOM_PROTOCOL").is_some()
        && !Path::new("../ui/dist/index.html").is_file()
    {
        panic!(
            "ui/dist/index.html is missing: build the user interface first \
             (`cd ui && npm ci && npm run build`), or build without the \
             `custom-protocol` feature to use the Vite dev server"
        );
    }
    let lib = std::fs::read_to_string("src/lib.rs")
        .unwrap_or_else(|err| panic!("cannot read src/lib.rs: {err}"));
    // tauri-build keeps the names for the whole run; this process ends right after.
    let lib: &'static str = Box::leak(lib.into_boxed_str());
    let commands: &'static [&'static str] = Box::leak(registered_commands(lib).into_boxed_slice());
    write_if_changed(CAPABILITY, &capability(commands));
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(commands));
    if let Err(err) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {err:#}");
    }
}

/// The command names on the registration list of `lib`: the last segment of each path
/// between the line `commands![` and the line `];`.
fn registered_commands(lib: &str) -> Vec<&str> {
    let list = lib
        .split_once("\ncommands![")
        .and_then(|(_, rest)| rest.split_once("\n];"))
        .map(|(list, _)| list)
        .unwrap_or_else(|| panic!("src/lib.rs has no `commands![ … ];` registration list"));
    let names: Vec<&str> = list
        .lines()
        .map(|line| line.split_once("//").map_or(line, |(code, _)| code))
        .flat_map(|code| code.split(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|path| path.rsplit("::").next().unwrap_or(path))
        .collect();
    for name in &names {
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "the registration list in src/lib.rs holds {name:?}, which is not a command path"
        );
    }
    names
}

/// `capabilities/main.json`, granting each command's `allow-…` permission, in list order.
fn capability(commands: &[&str]) -> String {
    let permissions: Vec<String> = commands
        .iter()
        .map(|name| format!("    \"allow-{}\"", name.replace('_', "-")))
        .collect();
    format!(
        "{{\n  \"$schema\": \"../gen/schemas/desktop-schema.json\",\n  \"identifier\": \"main\",\n  \
         \"description\": \"{DESCRIPTION}\",\n  \"windows\": [\n    \"main\"\n  ],\n  \
         \"permissions\": [\n{}\n  ]\n}}\n",
        permissions.join(",\n")
    )
}

fn write_if_changed(path: &str, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).unwrap_or_else(|err| panic!("cannot write {path}: {err}"));
    }
}
