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
            std::sync::Arc::new(clinic_core::ManualClock::monday_morning()),
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

/// Runs a script with `$OUT` pointing at a scratch directory for its files.
fn run_script_in(dir: &Path, script: &str) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg(format!("set -euo pipefail\n{script}"))
        .env("CLINIC", env!("CARGO_BIN_EXE_clinic"))
        .env("CLINIC_DATA_DIR", dir.join("ws"))
        .env("OUT", dir)
        .env_remove("CLINIC_USER")
        .env_remove("CLINIC_PASSWORD")
        .output()
        .unwrap()
}

#[test]
fn demo_clinic_then_a_front_desk_day_from_a_script() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_script_in(
        dir.path(),
        r#"
        export CLINIC_PASSWORD='a long clinic secret'
        "$CLINIC" init --clinic-name Hillside --admin-user boss --time-zone Africa/Nairobi > /dev/null
        "$CLINIC" demo-seed --patients 300 --days 7 > "$OUT/seed.txt"

        export CLINIC_USER=frontdesk CLINIC_PASSWORD=demo-clinic-2026
        echo "--- find"
        "$CLINIC" patient find alvar | tee "$OUT/find.txt"
        "$CLINIC" patient find ngug
        MRN=$(head -n1 "$OUT/find.txt" | cut -d' ' -f1)

        # The first day ahead on which Dr Wanjiru still has a free slot; take its last one.
        AT=
        for i in 1 2 3 4 5 6 7 8; do
            DAY=$(date -u -d "+$i days" +%F)
            AT=$("$CLINIC" appointment slots --licence kmpdc-gp-1042 --date "$DAY" | tail -n1 | cut -c1-16)
            if [ -n "$AT" ]; then break; fi
        done
        echo "--- book $AT"
        "$CLINIC" appointment book --mrn "$MRN" --licence KMPDC-GP-1042 --at "$AT" --reason 'Chest pain' | tee "$OUT/book.txt"
        NUMBER=$(cut -d' ' -f2 "$OUT/book.txt" | tr -d :)
        if "$CLINIC" appointment slots --licence KMPDC-GP-1042 --date "$DAY" | grep -q "^$AT"; then
            echo "slot still offered after booking"; exit 1
        fi
        "$CLINIC" appointment checkin "$NUMBER"
        echo "--- list"
        "$CLINIC" appointment list --date "$DAY" --licence KMPDC-GP-1042 | grep "$NUMBER"
        echo "--- complete"
        CLINIC_USER=dr.wanjiru CLINIC_PASSWORD=demo-clinic-2026 "$CLINIC" appointment complete "$NUMBER"
        "$CLINIC" appointment list --mrn "$MRN" | grep "$NUMBER"
        echo "--- history"
        "$CLINIC" appointment history "$NUMBER"
        "$CLINIC" appointment no-show "$NUMBER" || echo "no-show refused: $?"
        "#,
    );
    let text = stdout(&out);
    assert!(out.status.success(), "{}\n{text}", stderr(&out));
    let seed = std::fs::read_to_string(dir.path().join("seed.txt")).unwrap();
    assert!(
        seed.contains("300 patients, 7 doctors") && seed.contains("demo-clinic-2026"),
        "the summary counts what was made and prints the demo passwords: {seed}"
    );
    let section = |name: &str| {
        text.split(&format!("--- {name}"))
            .nth(1)
            .unwrap_or_else(|| panic!("no {name} section in {text}"))
            .split("\n---")
            .next()
            .unwrap()
            .to_owned()
    };
    let find = section("find");
    assert!(
        find.contains("Álvarez") && find.contains("Ngũgĩ"),
        "unaccented lower-case prefixes find accented demo names: {find}"
    );
    assert!(
        section("list").contains("checked_in"),
        "the receptionist's check-in shows in the day list: {}",
        section("list")
    );
    let complete = section("complete");
    assert!(complete.contains("is now completed"), "{complete}");
    assert_eq!(
        complete.matches("completed").count(),
        2,
        "the patient's list shows the visit completed: {complete}"
    );
    let history = section("history");
    for step in ["-> held", "-> confirmed", "-> checked_in", "-> completed"] {
        assert!(history.contains(step), "{step} in {history}");
    }
    assert!(text.contains("no-show refused: 1"), "{text}");
    assert!(
        stderr(&out).contains("error[invalid_transition]"),
        "a completed visit cannot become a no-show: {}",
        stderr(&out)
    );
}

#[test]
fn patient_add_validates_refuses_duplicates_and_merges_reversibly() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_script_in(
        dir.path(),
        r#"
        export CLINIC_PASSWORD='a long clinic secret'
        "$CLINIC" init --clinic-name Hillside --admin-user boss > /dev/null
        CLINIC_NEW_PASSWORD='front desk phrase' "$CLINIC" user add --username grace --role receptionist > /dev/null
        desk() { CLINIC_PASSWORD='front desk phrase' "$CLINIC" --user grace "$@"; }

        desk patient add --given Zoë --family Brontë --dob 1984-13-40 --sex female || echo "bad date: $?"
        desk patient add --given Zoë --family Brontë --dob 1984-07-23 --sex female \
            --phone '+254 712 345678' --blood-group 'o-' | tee "$OUT/first.txt"
        FIRST=$(cut -d' ' -f2 "$OUT/first.txt" | tr -d :)
        echo "--- duplicate"
        desk patient add --given zoe --family bronte --dob 1984-07-23 --sex female || echo "duplicate: $?"
        desk patient add --given zoe --family bronte --dob 1984-07-23 --sex female --not-duplicate | tee "$OUT/second.txt"
        SECOND=$(cut -d' ' -f2 "$OUT/second.txt" | tr -d :)
        echo "--- show"
        desk patient show "$FIRST"
        echo "--- merge"
        "$CLINIC" patient merge --survivor "$FIRST" --duplicate "$SECOND" | tee "$OUT/merge.txt"
        MERGE=$(awk '{print $6}' "$OUT/merge.txt" | tr -d '(')
        "$CLINIC" patient find bronte
        echo "--- desk after merge"
        desk patient find bronte
        echo "--- unmerge"
        "$CLINIC" patient unmerge "$MERGE"
        desk patient find bronte
        "#,
    );
    let text = stdout(&out);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}\n{text}");
    assert!(text.contains("bad date: 1"), "{text}");
    assert!(
        err.contains("error[validation]: date_of_birth:"),
        "a bad date names the field: {err}"
    );
    let first = std::fs::read_to_string(dir.path().join("first.txt")).unwrap();
    let mrn = first
        .split_whitespace()
        .nth(1)
        .unwrap()
        .trim_end_matches(':');
    assert!(text.contains("duplicate: 1"), "{text}");
    assert!(
        err.contains("error[possible_duplicate]") && err.contains(mrn),
        "the refusal names the record already on file ({mrn}): {err}"
    );
    let section = |name: &str| {
        text.split(&format!("--- {name}"))
            .nth(1)
            .unwrap()
            .split("\n---")
            .next()
            .unwrap()
            .to_owned()
    };
    let show = section("show");
    for expected in ["Zoë Brontë", "1984-07-23", "O-", "+254 712 345678"] {
        assert!(show.contains(expected), "{expected} in {show}");
    }
    let merge = section("merge");
    assert!(
        merge.contains("(archived)"),
        "an administrator sees the merged record archived: {merge}"
    );
    assert_eq!(
        section("desk after merge")
            .lines()
            .filter(|l| !l.is_empty())
            .count(),
        1,
        "the desk finds only the survivor: {}",
        section("desk after merge")
    );
    let unmerge = section("unmerge");
    assert!(unmerge.contains("Undid merge"), "{unmerge}");
    assert_eq!(
        unmerge
            .lines()
            .filter(|l| l.contains("Brontë") || l.contains("bronte"))
            .count(),
        3,
        "after the undo both records are found again (plus the undo message): {unmerge}"
    );
}

#[test]
fn add_demo_prints_each_committed_record_and_list_shows_them_all() {
    // The crash test (scripts/crash-test.sh) trusts exactly this: every line add-demo
    // printed is a record that `patient list` shows afterwards.
    let dir = tempfile::tempdir().unwrap();
    let out = run_script_in(
        dir.path(),
        r#"
        export CLINIC_PASSWORD='a long clinic secret'
        "$CLINIC" init --clinic-name Hillside --admin-user boss > /dev/null
        CLINIC_NEW_PASSWORD='front office secret' "$CLINIC" user add --username desk --role receptionist > /dev/null
        CLINIC_USER=desk CLINIC_PASSWORD='front office secret' "$CLINIC" patient add-demo --count 5 --seed 9 > "$OUT/first.txt"
        CLINIC_USER=desk CLINIC_PASSWORD='front office secret' "$CLINIC" patient add-demo --count 3 --seed 9 --from 5 > "$OUT/more.txt"
        CLINIC_USER=desk CLINIC_PASSWORD='front office secret' "$CLINIC" patient list > "$OUT/list.txt"
        "$CLINIC" audit list --action patient.list
        "#,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    let (first, more, list) = (read("first.txt"), read("more.txt"), read("list.txt"));
    let printed: Vec<&str> = first
        .lines()
        .chain(more.lines())
        .map(|l| {
            l.strip_prefix("Registered ")
                .and_then(|rest| rest.split(':').next())
                .unwrap_or_else(|| panic!("one \"Registered MRN: …\" line per record: {l}"))
        })
        .collect();
    assert_eq!(printed.len(), 8, "5 then 3 records: {first}{more}");
    let listed: Vec<&str> = list
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(listed, printed, "the list holds every record, oldest first");
    // --from continues the generated sequence instead of repeating it.
    let names: Vec<String> = more
        .lines()
        .map(|l| {
            l.split(": ")
                .nth(1)
                .unwrap()
                .split(" (id")
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    let expected: Vec<String> = (5..8)
        .map(|i| {
            let p = clinic_core::demo::patient(9, i);
            format!("{} {}", p.given_name, p.family_name)
        })
        .collect();
    assert_eq!(
        names, expected,
        "--from 5 registers demo patients 5, 6 and 7"
    );
    assert!(
        stdout(&out).contains("desk") && stdout(&out).contains("{\"records\":8}"),
        "listing every record is audited with how many: {}",
        stdout(&out)
    );
}

#[test]
fn demo_seed_gives_the_same_patients_for_the_same_seed() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_script_in(
        dir.path(),
        r#"
        export CLINIC_PASSWORD='a long clinic secret'
        for ws in a b c; do
            "$CLINIC" init --data-dir "$OUT/$ws" --clinic-name Hillside --admin-user boss > /dev/null
        done
        "$CLINIC" demo-seed --data-dir "$OUT/a" --patients 200 --seed 7 --days 0 > /dev/null
        "$CLINIC" demo-seed --data-dir "$OUT/b" --patients 200 --seed 7 --days 0 > /dev/null
        "$CLINIC" demo-seed --data-dir "$OUT/c" --patients 200 --seed 8 --days 0 > /dev/null
        for ws in a b c; do
            # Record numbers carry the device, so compare everything after them.
            "$CLINIC" patient find --data-dir "$OUT/$ws" a --limit 200 | cut -d' ' -f2- > "$OUT/$ws.txt"
        done
        "#,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    let (a, b, c) = (read("a.txt"), read("b.txt"), read("c.txt"));
    assert!(
        a.lines().count() > 20,
        "the search finds demo patients: {a}"
    );
    assert_eq!(
        a, b,
        "the same seed gives the same names, birth dates and phones"
    );
    assert_ne!(a, c, "another seed gives other people");
    let first = &clinic_core::demo::patients(7, 1)[0];
    let found = clinic(
        &dir.path().join("a"),
        &[
            "patient",
            "find",
            &format!(
                "{} {} {}",
                first.given_name, first.family_name, first.date_of_birth
            ),
        ],
        &[("CLINIC_PASSWORD", "a long clinic secret")],
    );
    assert!(
        stdout(&found).contains(&format!("{} {}", first.given_name, first.family_name)),
        "the CLI registers what clinic_core::demo::patients generates ({first:?}): {}{}",
        stdout(&found),
        stderr(&found)
    );
}

#[test]
fn rekey_leaves_an_old_key_file_useless_and_every_kept_user_signing_in() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let out = run_script(
        &ws,
        r#"
        export CLINIC_PASSWORD='a long clinic secret'
        "$CLINIC" init --clinic-name 'Hillside' --admin-user boss > /dev/null
        CLINIC_NEW_PASSWORD='tea kettle morning' "$CLINIC" user add --username amy --role nurse
        CLINIC_NEW_PASSWORD='dusty lantern road' "$CLINIC" user add --username bob --role doctor
        cp "$CLINIC_DATA_DIR/keys.json" "$CLINIC_DATA_DIR/../old-keys.json"
        "$CLINIC" user deactivate --username amy
        echo "--- rekey"
        "$CLINIC" rekey
        echo "--- after"
        "$CLINIC" check
        "$CLINIC" audit verify
        CLINIC_PASSWORD='dusty lantern road' "$CLINIC" unlock-check --user bob || echo "bob waits: $?"
        CLINIC_NEW_PASSWORD='fresh bread basket' "$CLINIC" user seal --username bob
        CLINIC_PASSWORD='fresh bread basket' "$CLINIC" unlock-check --user bob
        "#,
    );
    let text = stdout(&out);
    assert!(out.status.success(), "{}\n{text}", stderr(&out));
    let deactivated = text.split("--- rekey").next().unwrap();
    assert!(
        deactivated.contains("clinic rekey"),
        "deactivating suggests a re-key: {deactivated}"
    );
    let rekey = text.split("--- rekey").nth(1).unwrap();
    assert!(
        rekey.contains("NEW RECOVERY CODE") && rekey.contains("bob"),
        "a new code, and who must be sealed again: {rekey}"
    );
    let after = text.split("--- after").nth(1).unwrap();
    assert!(after.contains("sound"), "{after}");
    assert!(after.contains("Audit log intact"), "{after}");
    assert!(after.contains("bob waits: 1"), "{after}");
    assert!(
        after.contains("as bob"),
        "bob signs in once sealed: {after}"
    );

    // An attacker's copy: the current database with the key file from before.
    let stolen = dir.path().join("stolen");
    std::fs::create_dir(&stolen).unwrap();
    std::fs::copy(ws.join("clinic.db"), stolen.join("clinic.db")).unwrap();
    std::fs::copy(dir.path().join("old-keys.json"), stolen.join("keys.json")).unwrap();
    for (user, pw) in [
        ("amy", "tea kettle morning"),
        ("boss", "a long clinic secret"),
    ] {
        let old = clinic(
            &stolen,
            &["unlock-check", "--user", user],
            &[("CLINIC_PASSWORD", pw)],
        );
        assert!(!old.status.success(), "the old key file no longer opens it");
        assert!(
            stderr(&old).contains("error[database_corrupt]")
                || stderr(&old).contains("error[not_our_database]"),
            "{}",
            stderr(&old)
        );
    }
}

#[test]
fn backup_then_restore_with_the_recovery_code_and_refusals_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let pw = [("CLINIC_PASSWORD", "a long clinic secret")];
    let init = clinic(
        &ws,
        &[
            "init",
            "--clinic-name",
            "Backed Clinic",
            "--admin-user",
            "admin",
        ],
        &pw,
    );
    assert!(init.status.success(), "{}", stderr(&init));
    let text = stdout(&init);
    let code = text
        .lines()
        .skip_while(|l| !l.starts_with("RECOVERY CODE"))
        .nth(1)
        .unwrap()
        .trim()
        .to_owned();
    let file = dir.path().join("clinic.clinicbak");
    let file_arg = file.to_str().unwrap();

    let backup = clinic(&ws, &["backup", "--out", file_arg], &pw);
    assert!(backup.status.success(), "{}", stderr(&backup));
    assert!(
        stdout(&backup).contains("written and checked"),
        "{}",
        stdout(&backup)
    );

    // A damaged copy is refused before any secret is asked for, and leaves nothing.
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    let damaged = dir.path().join("damaged.clinicbak");
    std::fs::write(&damaged, &bytes).unwrap();
    let target = dir.path().join("restored");
    let bad = clinic(
        &target,
        &["restore", "--from", damaged.to_str().unwrap()],
        &[],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).starts_with("error[backup_damaged]:"),
        "{}",
        stderr(&bad)
    );
    assert!(!target.exists(), "a refused restore leaves nothing behind");

    // The existing workstation is never restored over.
    let occupied = clinic(
        &ws,
        &["restore", "--from", file_arg],
        &[("CLINIC_RECOVERY_CODE", code.as_str())],
    );
    assert_eq!(occupied.status.code(), Some(1));
    assert!(
        stderr(&occupied).contains("move that directory away"),
        "{}",
        stderr(&occupied)
    );

    let restore = clinic(
        &target,
        &["restore", "--from", file_arg],
        &[("CLINIC_RECOVERY_CODE", code.as_str())],
    );
    assert!(restore.status.success(), "{}", stderr(&restore));
    let check = clinic(&target, &["unlock-check"], &pw);
    assert!(
        stdout(&check).contains("Unlocked: Backed Clinic"),
        "the admin's password opens the restored workstation: {}",
        stderr(&check)
    );
    let audit = clinic(
        &target,
        &["audit", "list", "--action", "backup.restore"],
        &pw,
    );
    assert!(
        stdout(&audit).contains("backup.restore"),
        "{}{}",
        stdout(&audit),
        stderr(&audit)
    );
}

#[test]
fn a_walk_in_visit_from_a_script_note_vitals_diagnosis_allergy_chart_and_who_looked() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_script_in(
        dir.path(),
        r#"
        export CLINIC_PASSWORD='a long clinic secret'
        "$CLINIC" init --clinic-name Hillside --admin-user boss > /dev/null
        CLINIC_NEW_PASSWORD='front desk phrase' "$CLINIC" user add --username grace --role receptionist > /dev/null
        CLINIC_NEW_PASSWORD='doctor phrase here' "$CLINIC" user add --username dr.ali --role doctor > /dev/null
        CLINIC_NEW_PASSWORD='nurse phrase here' "$CLINIC" user add --username nurse.eve --role nurse > /dev/null
        desk() { CLINIC_PASSWORD='front desk phrase' "$CLINIC" --user grace "$@"; }
        doc() { CLINIC_PASSWORD='doctor phrase here' "$CLINIC" --user dr.ali "$@"; }
        nurse() { CLINIC_PASSWORD='nurse phrase here' "$CLINIC" --user nurse.eve "$@"; }

        desk patient add --given Amani --family Njoroge --dob 1985-03-14 --sex male | tee "$OUT/p.txt"
        MRN=$(cut -d' ' -f2 "$OUT/p.txt" | tr -d :)
        doc encounter open --mrn "$MRN" --reason 'Cough' | tee "$OUT/visit.txt"
        VISIT=$(cut -d' ' -f1 "$OUT/visit.txt")
        doc encounter note --encounter "$VISIT" --subjective 'Cough 3 days' --assessment 'Viral URTI' --plan 'Fluids' | tee "$OUT/note.txt"
        NOTE=$(cut -d' ' -f1 "$OUT/note.txt")
        doc encounter note --note "$NOTE" --subjective 'Cough 3 days' --assessment 'Viral URTI, no asthma' --plan 'Fluids'
        doc encounter sign "$NOTE"
        doc encounter note --note "$NOTE" --assessment 'late edit' || echo "signed note refused: $?"
        nurse encounter sign "$NOTE" || echo "nurse refused: $?"
        doc encounter addendum "$NOTE" --text 'Peak flow normal.'
        nurse vitals add --mrn "$MRN" --encounter "$VISIT" --bp 150/95 --pulse 80 --temp 37.4 --weight 80 --height 175
        nurse vitals add --mrn "$MRN" --temp 52 || echo "impossible refused: $?"
        nurse allergy add --mrn "$MRN" --substance Penicillin --reaction Rash --severity severe
        doc diagnosis search diabetes type 2 | head -n 12 > "$OUT/search.txt"
        doc diagnosis add --mrn "$MRN" --encounter "$VISIT" --code e119 --primary --chronic
        desk chart show "$MRN" || echo "desk refused: $?"
        echo "--- history"
        doc encounter show-note "$NOTE" --history
        echo "--- vitals"
        doc vitals list "$MRN"
        echo "--- chart"
        doc chart show "$MRN"
        doc encounter close "$VISIT"
        echo "--- access"
        "$CLINIC" chart access "$MRN"
        "#,
    );
    let text = stdout(&out);
    assert!(out.status.success(), "{}\n{text}", stderr(&out));
    let search = std::fs::read_to_string(dir.path().join("search.txt")).unwrap();
    assert!(search.contains("E11.9"), "{search}");
    for refused in [
        "signed note refused: 1",
        "nurse refused: 1",
        "impossible refused: 1",
        "desk refused: 1",
    ] {
        assert!(text.contains(refused), "{refused} in {text}");
    }
    let section = |name: &str| {
        text.split(&format!("--- {name}\n"))
            .nth(1)
            .unwrap()
            .split("\n---")
            .next()
            .unwrap()
            .to_owned()
    };
    let history = section("history");
    assert!(history.contains("version 2"), "{history}");
    assert!(
        history.contains("--- version 1") || history.contains("version 1 by"),
        "{history}"
    );
    assert!(
        history.contains("Viral URTI, no asthma") && history.contains("Assessment:\nViral URTI\n"),
        "both versions: {history}"
    );
    let vitals = section("vitals");
    assert!(
        vitals.contains("BP 150/95 mmHg") && vitals.contains("BMI 26.1"),
        "{vitals}"
    );
    assert!(vitals.contains("systolic high"), "{vitals}");
    let chart = section("chart");
    assert!(chart.contains("Penicillin (severe)"), "{chart}");
    assert!(
        chart.contains("E11.9") && chart.contains("Type 2 diabetes mellitus without complications"),
        "{chart}"
    );
    let access = section("access");
    assert!(access.contains("dr.ali (doctor) chart"), "{access}");
    assert!(
        access.contains("grace (receptionist) record REFUSED"),
        "{access}"
    );
}

#[test]
fn attach_add_list_get_and_archive_from_a_script() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_script_in(
        dir.path(),
        r#"
        export CLINIC_PASSWORD='a long clinic secret'
        "$CLINIC" init --clinic-name Hillside --admin-user boss > /dev/null
        CLINIC_NEW_PASSWORD='front desk phrase' "$CLINIC" user add --username grace --role receptionist > /dev/null
        CLINIC_NEW_PASSWORD='doctor on call phrase' "$CLINIC" user add --username dr.wu --role doctor > /dev/null
        desk() { CLINIC_PASSWORD='front desk phrase' "$CLINIC" --user grace "$@"; }
        doc() { CLINIC_PASSWORD='doctor on call phrase' "$CLINIC" --user dr.wu "$@"; }
        desk patient add --given Ann --family Lee --dob 1990-01-02 --sex female > "$OUT/p.txt"
        MRN=$(cut -d' ' -f2 "$OUT/p.txt" | tr -d :)
        printf '%%PDF-1.7\nreferral letter for Ann Lee\n%%%%EOF\n' > "$OUT/referral.pdf"
        doc attach add --mrn "$MRN" --title Referral "$OUT/referral.pdf" | tee "$OUT/added.txt"
        ID=$(cut -d' ' -f1 "$OUT/added.txt")
        echo "--- list"
        doc attach list --mrn "$MRN"
        doc attach get "$ID" --out "$OUT/back.pdf"
        cmp "$OUT/referral.pdf" "$OUT/back.pdf" && echo "same bytes"
        stat -c '%a' "$OUT/back.pdf"
        echo "--- refused"
        printf 'MZ this is a program' > "$OUT/virus.pdf"
        doc attach add --mrn "$MRN" "$OUT/virus.pdf" || echo "wrong kind: $?"
        desk attach add --mrn "$MRN" "$OUT/referral.pdf" || echo "front desk: $?"
        doc attach get "$ID" --out "$OUT/back.pdf" || echo "exists: $?"
        echo "--- archived"
        doc attach archive "$ID" --reason "sent twice"
        doc attach list --mrn "$MRN"
        "#,
    );
    let text = stdout(&out);
    let errors = stderr(&out);
    assert!(out.status.success(), "{errors}\n{text}");
    assert!(
        text.contains("added to") && text.contains("application/pdf"),
        "{text}"
    );
    let list = text.split("--- list").nth(1).unwrap();
    assert!(
        list.contains("referral.pdf") && list.contains("Referral"),
        "{list}"
    );
    assert!(
        text.contains("same bytes"),
        "get writes the file back exactly: {text}"
    );
    assert!(
        text.contains("\n600\n"),
        "the saved copy is private: {text}"
    );
    assert!(text.contains("wrong kind: 1"), "{text}");
    assert!(
        errors.contains("error[validation]: file:"),
        "the field is named: {errors}"
    );
    assert!(text.contains("front desk: 1"), "{text}");
    assert!(errors.contains("error[forbidden]"), "{errors}");
    assert!(text.contains("exists: 1"), "{text}");
    let archived = text.split("--- archived").nth(1).unwrap();
    assert!(archived.contains("[archived: sent twice]"), "{archived}");
}

#[test]
fn prescribe_print_verify_and_a_sick_note_from_a_script() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_script_in(
        dir.path(),
        r#"
        export CLINIC_PASSWORD='a long clinic secret'
        "$CLINIC" init --clinic-name 'Hillside Clinic' --admin-user boss > /dev/null
        CLINIC_NEW_PASSWORD='front desk phrase' "$CLINIC" user add --username grace --role receptionist > /dev/null
        CLINIC_NEW_PASSWORD='doctor phrase here' "$CLINIC" user add --username dr.ali --role doctor > /dev/null
        desk() { CLINIC_PASSWORD='front desk phrase' "$CLINIC" --user grace "$@"; }
        doc() { CLINIC_PASSWORD='doctor phrase here' "$CLINIC" --user dr.ali "$@"; }

        "$CLINIC" letterhead set --address 'Ridge Road 9' --address 'Nakuru' --phone '+254 51 555 0100' --registration 'Reg. no. KMPDC/42' --paper Letter
        desk letterhead set --phone '+254 1' || echo "desk refused letterhead: $?"
        desk patient add --given José --family Álvarez --dob 1979-11-02 --sex male | tee "$OUT/p.txt"
        MRN=$(cut -d' ' -f2 "$OUT/p.txt" | tr -d :)
        doc encounter open --mrn "$MRN" --reason 'Fever' | tee "$OUT/visit.txt"
        VISIT=$(cut -d' ' -f1 "$OUT/visit.txt")
        RX=$(doc rx new --mrn "$MRN")
        doc rx add-item "$RX" --drug paracetamol --strength '500 mg' --form tablet --dose '2 tablet' --route oral --frequency qds --days 3 > /dev/null
        doc rx print "$RX" --out "$OUT/draft.pdf" || echo "draft refused: $?"
        doc rx issue "$RX" | tee "$OUT/issued.txt"
        doc rx print "$RX" --out "$OUT/rx.pdf"
        desk rx print "$RX" --out "$OUT/desk.pdf" || echo "desk refused print: $?"
        doc rx print "$RX" || echo "no destination: $?"
        doc certificate print --encounter "$VISIT" --kind sick-note --from 2020-01-02 --until 2020-01-04 --recommendation 'Rest' --out "$OUT/note.pdf" || echo "backdated refused: $?"
        "#,
    );
    let text = stdout(&out);
    assert!(out.status.success(), "{}\n{text}", stderr(&out));
    for expected in [
        "Ridge Road 9",
        "paper: Letter; logo: none",
        "desk refused letterhead: 1",
        "draft refused: 1",
        "desk refused print: 1",
        "no destination: 2",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let rx = dir.path().join("rx.pdf");
    assert!(!dir.path().join("draft.pdf").exists() && !dir.path().join("desk.pdf").exists());
    let pdf = Command::new("pdftotext")
        .arg(&rx)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let pdf = String::from_utf8(pdf.stdout).unwrap();
    for expected in [
        "Hillside Clinic",
        "Ridge Road 9",
        "José Álvarez",
        "paracetamol",
        "four times a day",
        "Disp: 24 tablets",
    ] {
        assert!(pdf.contains(expected), "{expected} in {pdf}");
    }
    // The CLI runs on the real clock, so only a refusal that holds on any day is checked
    // here (a note years before the visit); issuing one is tested in the core on an
    // injected clock.
    assert!(text.contains("backdated refused: 1"), "{text}");
}

#[test]
fn a_lab_order_from_order_to_verified_report_from_a_script() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tests.csv"),
        "code,name,specimen,unit,type,choices,price_minor\nCLN-LACT,Lactate,plasma,mmol/L,numeric,,1500\nbad code,X,,,numeric,,0\n",
    )
    .unwrap();
    let out = run_script_in(
        dir.path(),
        r#"
        export CLINIC_PASSWORD='a long clinic secret'
        "$CLINIC" init --clinic-name 'Hillside Clinic' --admin-user boss > /dev/null
        CLINIC_NEW_PASSWORD='front desk phrase' "$CLINIC" user add --username grace --role receptionist > /dev/null
        CLINIC_NEW_PASSWORD='doctor phrase here' "$CLINIC" user add --username dr.ali --role doctor > /dev/null
        CLINIC_NEW_PASSWORD='first bench phrase' "$CLINIC" user add --username tech.a --role lab_technician > /dev/null
        CLINIC_NEW_PASSWORD='second bench words' "$CLINIC" user add --username tech.b --role lab_technician > /dev/null
        desk() { CLINIC_PASSWORD='front desk phrase' "$CLINIC" --user grace "$@"; }
        doc() { CLINIC_PASSWORD='doctor phrase here' "$CLINIC" --user dr.ali "$@"; }
        ta() { CLINIC_PASSWORD='first bench phrase' "$CLINIC" --user tech.a "$@"; }
        tb() { CLINIC_PASSWORD='second bench words' "$CLINIC" --user tech.b "$@"; }

        "$CLINIC" lab catalogue import --tests "$OUT/tests.csv" --dry-run
        desk patient add --given Wanjiku --family Mwangi --dob 1992-07-02 --sex female | tee "$OUT/p.txt"
        MRN=$(cut -d' ' -f2 "$OUT/p.txt" | tr -d :)
        ta lab order --mrn "$MRN" --tests 2823-3 || echo "tech refused order: $?"
        ORDER=$(doc lab order --mrn "$MRN" --tests 2823-3,718-7 --urgent --note 'Weak')
        echo "--- worklist"
        ta lab worklist
        SAMPLE=$(ta lab collect "$ORDER")
        ta lab label "$SAMPLE" --out "$OUT/label.pdf"
        ta lab result "$SAMPLE" --test 2823-3 --value 6.9 | tee "$OUT/k.txt"
        ta lab result "$SAMPLE" --test 718-7 --value 13.1
        K=$(cut -d' ' -f1 "$OUT/k.txt")
        ta lab verify "$K" || echo "self-verify refused: $?"
        tb lab verify "$K"
        echo "--- show"
        doc lab show "$ORDER"
        doc lab report "$ORDER" --out "$OUT/report.pdf"
        "#,
    );
    let text = stdout(&out);
    assert!(out.status.success(), "{}\n{text}", stderr(&out));
    for expected in [
        "dry run: 1 tests, 0 ranges, 0 panels",
        "tests line 3: \"bad code\" is not a test code",
        "tech refused order: 1",
        "self-verify refused: 1",
        "2823-3 Potassium: 6.9 mmol/L [3.5–5.1] critical_high v1 final",
        "718-7 Haemoglobin: 13.1 g/dL [12–15.5] normal v1 preliminary",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let worklist = text.split("--- worklist\n").nth(1).unwrap();
    assert!(worklist.contains("ordered urgent"), "{worklist}");
    let pdf = |name: &str| {
        let out = Command::new("pdftotext")
            .arg(dir.path().join(name))
            .arg("-")
            .output()
            .expect("pdftotext runs");
        String::from_utf8(out.stdout).unwrap()
    };
    let label = pdf("label.pdf");
    assert!(
        label.contains("Wanjiku Mwangi") && label.contains("S-BR01-"),
        "{label}"
    );
    let report = pdf("report.pdf");
    for expected in [
        "Laboratory report",
        "Potassium",
        "6.9",
        "HH",
        "preliminary",
        "Hillside Clinic",
    ] {
        assert!(report.contains(expected), "{expected} in {report}");
    }
}

#[test]
fn the_pharmacy_receives_dispenses_part_of_a_prescription_and_counts_from_a_script() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_script_in(
        dir.path(),
        r#"
        export CLINIC_PASSWORD='a long clinic secret'
        "$CLINIC" init --clinic-name 'Hillside Clinic' --admin-user boss > /dev/null
        CLINIC_NEW_PASSWORD='front desk phrase' "$CLINIC" user add --username grace --role receptionist > /dev/null
        CLINIC_NEW_PASSWORD='doctor phrase here' "$CLINIC" user add --username dr.ali --role doctor > /dev/null
        CLINIC_NEW_PASSWORD='pharmacy counter words' "$CLINIC" user add --username ph.omondi --role pharmacist > /dev/null
        desk() { CLINIC_PASSWORD='front desk phrase' "$CLINIC" --user grace "$@"; }
        doc() { CLINIC_PASSWORD='doctor phrase here' "$CLINIC" --user dr.ali "$@"; }
        ph() { CLINIC_PASSWORD='pharmacy counter words' "$CLINIC" --user ph.omondi "$@"; }
        # The CLI runs on the real clock: expiry dates are relative to today.
        SOON=$(date -u -d '+40 days' +%F)
        LATER=$(date -u -d '+2 years' +%F)

        desk patient add --given Wanjiku --family Mwangi --dob 1992-07-02 --sex female | tee "$OUT/p.txt"
        MRN=$(cut -d' ' -f2 "$OUT/p.txt" | tr -d :)
        RX=$(doc rx new --mrn "$MRN")
        doc rx add-item "$RX" --drug amoxicillin --strength '500 mg' --form capsule --dose '1 capsule' --frequency tds --days 7 > /dev/null
        doc rx issue "$RX" | tee "$OUT/issued.txt"
        NUMBER=$(head -1 "$OUT/issued.txt" | cut -d' ' -f2)
        doc stock item --drug amoxicillin --unit capsule || echo "doctor refused: $?"
        ph stock item --drug amoxicillin --strength '500 mg' --form capsule --unit capsule --reorder-level 20 --price-minor 1500
        printf 'item,batch,expiry,quantity,cost_minor,location\namoxicillin 500 mg capsule,AMX-S,%s,20,700,A1\namoxicillin 500 mg capsule,AMX-L,%s,30,700,A1\n' "$SOON" "$LATER" > "$OUT/delivery.csv"
        ph stock receive --supplier 'MedSupplies Ltd' --reference INV-42 --csv "$OUT/delivery.csv"
        echo "--- queue"
        ph dispense
        echo "--- give"
        ph dispense "$NUMBER" --give 1:15
        ph dispense "$NUMBER" --give 1:7 || echo "over refused: $?"
        echo "--- list"
        ph stock list
        echo "--- expiring"
        ph stock expiring --days 60
        ph stock adjust AMX-L --counted 29 --reason 'shelf count'
        ph stock report
        "#,
    );
    let text = stdout(&out);
    assert!(out.status.success(), "{}\n{text}", stderr(&out));
    for expected in [
        "doctor refused: 1",
        "received batch AMX-S (20 units",
        "over refused: 1",
        "1. amoxicillin 500 mg: prescribed 21 capsules, given 15, 6 left",
        "15 from batch AMX-S by ph.omondi",
        "amoxicillin 500 mg capsule: 35 capsule usable",
        "batch AMX-L now 29 (-1)",
        "stock on hand at BR01: 238.00",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let queue = text
        .split("--- queue\n")
        .nth(1)
        .unwrap()
        .split("--- give")
        .next()
        .unwrap();
    assert!(
        queue.contains("Wanjiku Mwangi") && queue.contains("1 item(s) open"),
        "{queue}"
    );
    let expiring = text
        .split("--- expiring\n")
        .nth(1)
        .unwrap()
        .split("batch AMX-L now")
        .next()
        .unwrap();
    assert!(
        expiring.contains("amoxicillin 500 mg capsule: batch AMX-S, 5 capsule"),
        "first expiry first out took the batch expiring soon, and it is listed: {expiring}"
    );
    assert!(!expiring.contains("AMX-L"), "{expiring}");
}

#[test]
fn an_invoice_is_drafted_issued_paid_with_change_and_cashed_up_from_a_script() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_script_in(
        dir.path(),
        r#"
        export CLINIC_PASSWORD='a long clinic secret'
        "$CLINIC" init --clinic-name 'Hillside Clinic' --admin-user boss > /dev/null
        CLINIC_NEW_PASSWORD='front desk phrase' "$CLINIC" user add --username grace --role receptionist > /dev/null
        CLINIC_NEW_PASSWORD='accounts ledger words' "$CLINIC" user add --username acct.wu --role accountant > /dev/null
        desk() { CLINIC_PASSWORD='front desk phrase' "$CLINIC" --user grace "$@"; }
        acct() { CLINIC_PASSWORD='accounts ledger words' "$CLINIC" --user acct.wu "$@"; }
        "$CLINIC" price set --code DRESS --name 'Wound dressing' --category procedure --price 12.00 --tax 16
        desk price set --code X --name X --category other --price 1 || echo "desk refused price: $?"
        desk patient add --given Wanjiku --family Mwangi --dob 1992-07-02 --sex female | tee "$OUT/p.txt"
        MRN=$(cut -d' ' -f2 "$OUT/p.txt" | tr -d :)
        INV=$(desk invoice new --mrn "$MRN")
        desk invoice add "$INV" --code DRESS --quantity 2 | tee "$OUT/added.txt"
        LINE=$(sed -n 2p "$OUT/added.txt" | awk '{print $1}')
        desk invoice discount "$LINE" --percent 10 --reason 'staff family' || echo "desk refused discount: $?"
        acct invoice discount "$LINE" --percent 10 --reason 'staff family'
        desk invoice issue "$INV" | tee "$OUT/issued.txt"
        NUMBER=$(head -1 "$OUT/issued.txt" | cut -d' ' -f1)
        desk invoice pay "$NUMBER" --amount 20 --tendered 50
        desk invoice pay "$NUMBER" --amount 5.06 --method card --reference SLIP-1
        echo "--- show"
        desk invoice show "$NUMBER"
        echo "--- cash-up"
        # The CLI runs on the real clock: the payments were taken today, or yesterday if
        # midnight (UTC, the clinic's zone here) has just passed, so the report covers both.
        PERIOD="$(date -u -d yesterday +%F)..$(date -u -d tomorrow +%F)"
        desk report cash-up --period "$PERIOD"
        desk report cash-up --period "$PERIOD" --csv "$OUT/cash-up.csv"
        desk report cash-up --period "$PERIOD" --pdf "$OUT/cash-up.pdf"
        desk report summary --period "$PERIOD" --pdf "$OUT/summary.pdf"
        desk report cash-up --period "2026-03-15..2026-03-01" || echo "backwards refused: $?"
        "#,
    );
    let text = stdout(&out);
    assert!(out.status.success(), "{}\n{text}", stderr(&out));
    for expected in [
        "desk refused price: 1",
        "desk refused discount: 1",
        "receipt R-BR01-",
        "change 30.00",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let shown = text.split("--- show\n").nth(1).unwrap();
    // 2 × 12.00 = 24.00, less 10 % = 21.60, 16 % tax 3.46: 25.06.
    assert!(
        shown.contains("[paid] total 25.06 paid 25.06 balance 0.00"),
        "{shown}"
    );
    assert!(text.contains("backwards refused: 1"), "{text}");
    let csv = std::fs::read_to_string(dir.path().join("cash-up.csv")).unwrap();
    assert!(
        csv.starts_with("period,branch,cashier,method,payments,amount_"),
        "{csv}"
    );
    assert!(
        csv.contains(",total,,2,25.06\r\n"),
        "the period's takings: {csv}"
    );
    for pdf in ["cash-up.pdf", "summary.pdf"] {
        let bytes = std::fs::read(dir.path().join(pdf)).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{pdf} is a PDF");
    }
}

#[test]
fn export_fhir_writes_a_bundle_the_independent_validator_accepts_and_refuses_the_front_desk() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_script_in(
        dir.path(),
        r#"
        export CLINIC_PASSWORD='a long clinic secret'
        "$CLINIC" init --clinic-name Hillside --admin-user boss > /dev/null
        CLINIC_NEW_PASSWORD='front desk phrase' "$CLINIC" user add --username grace --role receptionist > /dev/null
        CLINIC_NEW_PASSWORD='doctor phrase here' "$CLINIC" user add --username dr.ali --role doctor > /dev/null
        desk() { CLINIC_PASSWORD='front desk phrase' "$CLINIC" --user grace "$@"; }
        doc() { CLINIC_PASSWORD='doctor phrase here' "$CLINIC" --user dr.ali "$@"; }

        desk patient add --given Amani --family Njoroge --dob 1985-03-14 --sex male --phone '+254700111222' > "$OUT/p.txt"
        MRN=$(cut -d' ' -f2 "$OUT/p.txt" | tr -d :)
        doc encounter open --mrn "$MRN" --reason 'Cough' > "$OUT/visit.txt"
        VISIT=$(cut -d' ' -f1 "$OUT/visit.txt")
        doc vitals add --mrn "$MRN" --encounter "$VISIT" --bp 150/95 --pulse 80 --temp 37.4 > /dev/null
        doc diagnosis add --mrn "$MRN" --encounter "$VISIT" --code e119 --primary --chronic > /dev/null
        doc allergy add --mrn "$MRN" --substance Penicillin --reaction Rash --severity severe > /dev/null
        echo stale > "$OUT/bundle.json"
        doc export fhir --patient "$MRN" --out "$OUT/bundle.json"
        doc export fhir --patient "$MRN" > "$OUT/printed.json"
        desk export fhir --patient "$MRN" --out "$OUT/desk.json" || echo "desk refused: $?"
        doc export fhir --patient NOPE-000 || echo "unknown refused: $?"
        ls -A "$OUT"
        "#,
    );
    let text = stdout(&out);
    assert!(out.status.success(), "{}\n{text}", stderr(&out));
    assert!(text.contains("resources to "), "{text}");
    for refused in ["desk refused: 1", "unknown refused: 1"] {
        assert!(text.contains(refused), "{refused} in {text}");
    }
    assert!(
        !text.contains(".part") && !text.contains("desk.json"),
        "no partial file is left and a refused export writes nothing: {text}"
    );
    assert!(
        stderr(&out).contains("error[forbidden]"),
        "{}",
        stderr(&out)
    );
    let written = std::fs::read_to_string(dir.path().join("bundle.json")).unwrap();
    let printed = std::fs::read_to_string(dir.path().join("printed.json")).unwrap();
    for bundle in [&written, &printed] {
        for expected in [
            "\"resourceType\": \"Bundle\"",
            "\"type\": \"collection\"",
            "\"system\": \"http://hl7.org/fhir/sid/icd-10-cm\"",
            "\"code\": \"E11.9\"",
            "\"system\": \"http://loinc.org\"",
            "\"code\": \"8867-4\"",
            "\"resourceType\": \"AllergyIntolerance\"",
        ] {
            assert!(bundle.contains(expected), "{expected} in {bundle}");
        }
    }

    let python = std::env::var_os("CLINIC_FHIR_PYTHON")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(&std::env::var_os("HOME").expect("HOME is set"))
                .join(".cache/clinic-fhir-venv/bin/python")
        });
    assert!(
        python.exists(),
        "the FHIR validator's python {} is missing: run `. scripts/lib.sh; ensure_fhir_validator` (scripts/run-tests.sh does)",
        python.display()
    );
    let validated = Command::new(&python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/fhir-validate.py"))
        .arg(dir.path().join("bundle.json"))
        .arg(dir.path().join("printed.json"))
        .output()
        .unwrap();
    assert!(
        validated.status.success(),
        "fhir.resources refuses the CLI's bundle: {}{}",
        stdout(&validated),
        stderr(&validated)
    );
}
