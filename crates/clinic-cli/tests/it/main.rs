//! The `clinic` tool as a script uses it: environment variables in, exit status and
//! text out.

use std::path::Path;
use std::process::{Command, Output};

fn clinic(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_clinic"));
    cmd.args(args)
        .env("CLINIC_DATA_DIR", dir)
        .env_remove("CLINIC_PASSWORD");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the clinic binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn init_then_unlock_check_works_from_a_shell_script() {
    let dir = tempfile::tempdir().unwrap();
    let script = r#"
        set -eu
        export CLINIC_PASSWORD='a long clinic secret'
        "$CLINIC" init --data-dir "$DIR/ws" --clinic-name 'Hillside Clinic' --admin-user admin > "$DIR/init.txt"
        "$CLINIC" unlock-check --data-dir "$DIR/ws"
    "#;
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("CLINIC", env!("CARGO_BIN_EXE_clinic"))
        .env("DIR", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "script failed: {}", stderr(&out));
    assert!(
        stdout(&out).contains("Unlocked: Hillside Clinic (BR01"),
        "{}",
        stdout(&out)
    );
    let init = std::fs::read_to_string(dir.path().join("init.txt")).unwrap();
    assert!(
        init.contains("RECOVERY CODE"),
        "init prints the recovery code once: {init}"
    );
}

#[test]
fn wrong_password_exits_non_zero_with_the_error_code_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let pw = [("CLINIC_PASSWORD", "a long clinic secret")];
    let init = clinic(
        &ws,
        &["init", "--clinic-name", "C", "--admin-user", "admin"],
        &pw,
    );
    assert!(init.status.success(), "{}", stderr(&init));

    let bad = clinic(
        &ws,
        &["unlock-check"],
        &[("CLINIC_PASSWORD", "not the password")],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).starts_with("error[bad_credentials]:"),
        "{}",
        stderr(&bad)
    );
    assert!(stdout(&bad).is_empty());

    let again = clinic(
        &ws,
        &["init", "--clinic-name", "C", "--admin-user", "admin"],
        &pw,
    );
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already_initialized"),
        "{}",
        stderr(&again)
    );

    let nowhere = clinic(&dir.path().join("nothing"), &["unlock-check"], &pw);
    assert!(
        stderr(&nowhere).contains("clinic init"),
        "says what to do: {}",
        stderr(&nowhere)
    );
}

#[test]
fn passwd_and_recover_change_which_password_unlocks() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let init = clinic(
        &ws,
        &["init", "--clinic-name", "C", "--admin-user", "admin"],
        &[("CLINIC_PASSWORD", "first clinic secret")],
    );
    let text = stdout(&init);
    let code = text
        .lines()
        .skip_while(|l| !l.starts_with("RECOVERY CODE"))
        .nth(1)
        .unwrap()
        .trim()
        .to_owned();

    let passwd = clinic(
        &ws,
        &["passwd", "--user", "admin"],
        &[
            ("CLINIC_PASSWORD", "first clinic secret"),
            ("CLINIC_NEW_PASSWORD", "second clinic secret"),
        ],
    );
    assert!(passwd.status.success(), "{}", stderr(&passwd));
    let old = clinic(
        &ws,
        &["unlock-check"],
        &[("CLINIC_PASSWORD", "first clinic secret")],
    );
    assert!(!old.status.success(), "the old password no longer unlocks");

    let recover = clinic(
        &ws,
        &["recover"],
        &[
            ("CLINIC_RECOVERY_CODE", &code),
            ("CLINIC_NEW_PASSWORD", "third clinic secret"),
        ],
    );
    assert!(recover.status.success(), "{}", stderr(&recover));
    let check = clinic(
        &ws,
        &["check"],
        &[("CLINIC_PASSWORD", "third clinic secret")],
    );
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(stdout(&check).contains("sound"));
}
