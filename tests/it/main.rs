//! End-to-end: the shipped binaries and several workstations syncing through a real
//! sync server against a real PostgreSQL.

mod attachments;
mod auth;
mod backup;
mod billing;
mod clinical;
mod contract;
mod documents;
mod forged;
mod harness;
mod lab;
mod pharmacy;
mod prescriptions;
mod server_binary;
mod sync;

/// THREATMODEL.md names the test that attacks each defence; a renamed or removed test
/// must not leave the threat model pointing at nothing.
#[test]
fn every_test_the_threat_model_names_exists() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let model = std::fs::read_to_string(root.join("THREATMODEL.md")).unwrap();
    let mut sources = String::new();
    let mut dirs = vec![
        root.join("crates"),
        root.join("tests"),
        root.join("sync-server"),
    ];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().map(Result::unwrap) {
            let path = entry.path();
            if path.is_dir() && !path.ends_with("target") {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                sources.push_str(&std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let named: Vec<&str> = model
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|t| {
            t.len() > 20
                && t.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        .collect();
    assert!(
        named.len() >= 10,
        "the threat model names its tests: {named:?}"
    );
    for name in named {
        assert!(
            sources.contains(&format!("fn {name}(")),
            "THREATMODEL.md names {name}, which is no test in the tree"
        );
    }
}
