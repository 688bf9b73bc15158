//! The commands the window may call: the one registration list in `src/lib.rs`, which
//! `build.rs` reads to declare each command's permission and to write
//! `capabilities/main.json`.

use std::collections::BTreeSet;

/// A command must be registered (Tauri's handler), declared (its `allow-…` permission)
/// and granted in `capabilities/main.json`; one missing from the last two is refused at
/// run time with no error in the build. The handler and `COMMANDS` come from the list
/// through the compiler, the declaration and the grants from `build.rs`'s reading of the
/// same list as text (it writes both from one parse), so compare the two.
#[test]
fn every_registered_command_is_declared_and_granted() {
    let registered: Vec<&str> = clinic_desktop::COMMANDS.to_vec();
    let unique: BTreeSet<&str> = registered.iter().copied().collect();
    assert!(registered.len() > 30, "the list holds the app's commands");
    assert_eq!(
        unique.len(),
        registered.len(),
        "each command is listed once"
    );

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let caps: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("capabilities/main.json")).unwrap())
            .unwrap();
    let granted: Vec<String> = caps["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    assert_eq!(
        granted, registered,
        "the main window may call exactly the registered commands, in the list's order \
         (build.rs writes capabilities/main.json from the list; commit it)"
    );
    assert_eq!(
        caps["permissions"].as_array().unwrap().len(),
        granted.len(),
        "nothing but the app's own commands is granted (no core plugin)"
    );
}
