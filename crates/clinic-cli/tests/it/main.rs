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

fn run_script(dir: &Path, script: &str) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg(format!("set -euo pipefail\n{script}"))
        .env("CLINIC", env!("CARGO_BIN_EXE_clinic"))
        .env("CLINIC_DATA_DIR", dir)
        .env_remove("CLINIC_USER")
        .output()
        .unwrap()
}

#[test]
fn user_and_audit_commands_work_from_a_script() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_script(
        &dir.path().join("ws"),
        r#"
        export CLINIC_PASSWORD='a long clinic secret'
        "$CLINIC" init --clinic-name 'Hillside' --admin-user boss > /dev/null
        CLINIC_NEW_PASSWORD='tea kettle morning' "$CLINIC" user add --username amy --role nurse --branch BR01
        CLINIC_NEW_PASSWORD='sealed drawer phrase' "$CLINIC" user add-emergency --username glass1
        "$CLINIC" user role --username amy --role doctor
        "$CLINIC" user deactivate --username amy
        "$CLINIC" user list
        "$CLINIC" settings idle-lock --minutes 5
        "$CLINIC" audit verify
        echo "--- audit"
        "$CLINIC" audit list --action user.
        echo "--- refused"
        CLINIC_PASSWORD='tea kettle morning' "$CLINIC" unlock-check --user amy || echo "amy refused: $?"
        "#,
    );
    let text = stdout(&out);
    assert!(out.status.success(), "{}\n{text}", stderr(&out));
    let list = text.split("--- audit").next().unwrap();
    assert!(
        list.contains("amy") && list.contains("doctor") && list.contains("inactive"),
        "{list}"
    );
    assert!(list.contains("glass1") && list.contains("sealed"), "{list}");
    assert!(text.contains("Audit log intact"), "{text}");
    let audit = text.split("--- audit").nth(1).unwrap();
    for action in [
        "user.create",
        "user.create_emergency",
        "user.role",
        "user.deactivate",
    ] {
        assert!(audit.contains(action), "{action} listed: {audit}");
    }
    assert!(text.contains("amy refused: 1"), "{text}");
    assert!(
        stderr(&out).contains("error[user_inactive]"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_nurse_cannot_use_admin_commands() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_script(
        &dir.path().join("ws"),
        r#"
        export CLINIC_PASSWORD='a long clinic secret'
        "$CLINIC" init --clinic-name 'Hillside' --admin-user boss > /dev/null
        CLINIC_NEW_PASSWORD='tea kettle morning' "$CLINIC" user add --username amy --role nurse
        export CLINIC_PASSWORD='tea kettle morning'
        "$CLINIC" --user amy user list
        "#,
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("error[forbidden]"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn audit_verify_exits_non_zero_naming_the_row_edited_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let ws_dir = dir.path().join("ws");
    let init = clinic(
        &ws_dir,
        &["init", "--clinic-name", "C", "--admin-user", "boss"],
        &[("CLINIC_PASSWORD", "a long clinic secret")],
    );
    assert!(init.status.success(), "{}", stderr(&init));
    {
        // An attacker who knows a password opens the database and rewrites history.
        let ws = clinic_core::Workstation::open(
            &ws_dir,
            std::sync::Arc::new(clinic_core::SystemClock),
            clinic_core::KdfParams::DEFAULT,
        )
        .unwrap();
        let mut session = ws.unlock("boss", "a long clinic secret").unwrap();
        session
            .raw_connection()
            .unwrap()
            .execute_batch(
                "DROP TRIGGER audit_log_no_update;
                 UPDATE audit_log SET outcome = 'failure' WHERE device_seq = 1;",
            )
            .unwrap();
    }
    let verify = clinic(
        &ws_dir,
        &["audit", "verify"],
        &[("CLINIC_PASSWORD", "a long clinic secret")],
    );
    assert_eq!(verify.status.code(), Some(1), "{}", stdout(&verify));
    let err = stderr(&verify);
    assert!(
        err.contains("tampered") && err.contains("event #1"),
        "{err}"
    );
}
