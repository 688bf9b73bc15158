//! Starting the app: where the data lives and demo mode (`src/app.rs`).

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;

use clinic_desktop::{Args, demo_enabled, parse_args, resolve_data_dir};

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
    let map: HashMap<String, OsString> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), OsString::from(v)))
        .collect();
    move |name| map.get(name).cloned()
}

#[test]
fn data_dir_prefers_clinic_data_dir_then_xdg_then_home() {
    let all = [
        ("CLINIC_DATA_DIR", "/srv/clinic"),
        ("XDG_DATA_HOME", "/home/a/.data"),
        ("HOME", "/home/a"),
    ];
    assert_eq!(resolve_data_dir(env(&all)), Some("/srv/clinic".into()));
    assert_eq!(
        resolve_data_dir(env(&all[1..])),
        Some("/home/a/.data/clinic".into())
    );
    assert_eq!(
        resolve_data_dir(env(&all[2..])),
        Some("/home/a/.local/share/clinic".into())
    );
    assert_eq!(
        resolve_data_dir(env(&[
            ("CLINIC_DATA_DIR", ""),
            ("XDG_DATA_HOME", "relative"),
            ("HOME", "/h")
        ])),
        Some("/h/.local/share/clinic".into()),
        "empty and relative values are ignored"
    );
    assert_eq!(resolve_data_dir(env(&[])), None);
}

#[test]
fn the_command_line_names_the_data_directory_and_the_demo_mode() {
    let parse = |args: &[&str]| parse_args(args.iter().map(OsString::from));
    assert_eq!(parse(&[]).unwrap(), Args::default());
    assert_eq!(
        parse(&["--data-dir", "/srv/clinic", "--no-demo"]).unwrap(),
        Args {
            data_dir: Some(PathBuf::from("/srv/clinic")),
            demo: Some(false)
        }
    );
    assert_eq!(
        parse(&["--data-dir=/tmp/x", "--demo"]).unwrap(),
        Args {
            data_dir: Some(PathBuf::from("/tmp/x")),
            demo: Some(true)
        }
    );
    assert!(
        parse(&["--data-dir"])
            .unwrap_err()
            .contains("needs a directory")
    );
    assert!(
        parse(&["--verbose"])
            .unwrap_err()
            .contains("--data-dir DIR")
    );
}

#[test]
fn demo_mode_needs_an_explicit_yes() {
    assert!(demo_enabled(Some("1".into())));
    assert!(!demo_enabled(Some("0".into())));
    assert!(!demo_enabled(Some("".into())));
    assert!(!demo_enabled(None));
}
