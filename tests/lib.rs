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
    let path = profile_dir.join(name);
    if !path.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", package, "--bin", name])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building {name} failed");
    }
    path
}
