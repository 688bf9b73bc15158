//! Helpers for the end-to-end tests: locating the workspace's built binaries and running
//! them as a clinic's IT person would.

use std::path::PathBuf;
use std::process::Command;

/// The path of a workspace binary, building it first if this test run has not.
pub fn binary(package: &str, name: &str) -> PathBuf {
    // Test executables live in <target>/<profile>/deps/; binaries one level up.
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps layout");
    // Always ask cargo: a no-op when the binary is fresh, and never a stale binary when
    // only this test crate was rebuilt. Once per test process.
    static BUILT: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if !built.iter().any(|b| b == name) {
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args(["build", "--quiet", "-p", package, "--bin", name]);
        if profile_dir.file_name().is_some_and(|p| p == "release") {
            cmd.arg("--release");
        }
        let status = cmd.status().expect("cargo runs");
        assert!(status.success(), "building {name} failed");
        built.push(name.to_owned());
    }
    profile_dir.join(name)
}
