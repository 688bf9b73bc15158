//! The commands the window may call (`src/lib.rs`, `build.rs`, `capabilities/main.json`).

use std::collections::BTreeSet;

/// A command must be registered in `lib.rs`, declared in `build.rs` (which makes its
/// `allow-…` permission) and granted in `capabilities/main.json`; one missing from the
/// last two is refused at run time with no error in the build, so compare the lists.
#[test]
fn every_registered_command_is_declared_and_granted() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(dir.join(p)).unwrap();
    let lib = read("src/lib.rs");
    let registered: BTreeSet<String> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("commands::"))
        .map(|l| l.trim_end_matches(',').to_owned())
        .collect();
    let build = read("build.rs");
    let list = build
        .split_once("const COMMANDS")
        .and_then(|(_, rest)| rest.split_once("];"))
        .map(|(list, _)| list)
        .unwrap();
    let declared: BTreeSet<String> = list
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"'))
        .map(|l| l.trim_end_matches(['"', ',']).to_owned())
        .collect();
    let caps: serde_json::Value = serde_json::from_str(&read("capabilities/main.json")).unwrap();
    let granted: BTreeSet<String> = caps["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    assert!(registered.len() > 30, "the parse found the handler list");
    assert_eq!(
        registered, declared,
        "lib.rs and build.rs list the same commands"
    );
    assert_eq!(
        registered, granted,
        "the main window may call exactly the registered commands"
    );
}
