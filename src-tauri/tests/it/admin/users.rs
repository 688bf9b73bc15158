//! User accounts (`src/admin/users.rs`).

use clinic_desktop::dto::{self, ErrorCode};

use crate::support::*;

#[test]
fn admitting_a_colleague_needs_an_administrator_and_a_sync_server() {
    let tmp = tempfile::tempdir().unwrap();
    let shell = shell(tmp.path());
    shell.set_up("Clinic", "admin", "a long password").unwrap();
    shell
        .create_user("amy", None, dto::Role::Nurse, "nurse on ward 7", &[])
        .unwrap();
    let here = shell.admit_user_here("amy", "nurse on ward 7").unwrap_err();
    assert_eq!(
        (here.code, here.field.as_deref()),
        (ErrorCode::Validation, Some("username")),
        "amy already signs in here"
    );
    let unknown = shell.admit_user_here("zed", "whatever it is").unwrap_err();
    assert_eq!(unknown.field.as_deref(), Some("username"));
    shell.sign_out();
    shell.sign_in("amy", "nurse on ward 7", None).unwrap();
    let refused = shell
        .admit_user_here("admin", "a long password")
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Forbidden, "a nurse admits nobody");
}

#[test]
fn administrators_manage_users_with_errors_next_to_their_fields() {
    let tmp = tempfile::tempdir().unwrap();
    let shell = shell(tmp.path());
    let admin = shell.set_up("Clinic", "admin", "a long password").unwrap();
    let caps = admin.session.capabilities;
    assert!(caps.manage_users && caps.manage_settings && caps.read_audit);
    assert!(caps.manage_emergency_accounts);

    let branches = shell.branches().unwrap();
    assert_eq!(branches.len(), 1);
    let code = branches[0].code.clone();
    let short = shell
        .create_user("amy", None, dto::Role::Nurse, "short", &[])
        .unwrap_err();
    assert_eq!(
        (short.code, short.field.as_deref()),
        (ErrorCode::Validation, Some("password")),
        "a weak initial password is refused next to the password field"
    );
    let bad_name = shell
        .create_user("1 amy", None, dto::Role::Nurse, "nurse on ward 7", &[])
        .unwrap_err();
    assert_eq!(bad_name.field.as_deref(), Some("username"));
    let bad_branch = shell
        .create_user(
            "amy",
            None,
            dto::Role::Nurse,
            "nurse on ward 7",
            &["BR99".into()],
        )
        .unwrap_err();
    assert_eq!(bad_branch.field.as_deref(), Some("branches"));

    let amy = shell
        .create_user(
            " amy ",
            Some("Amy Achieng"),
            dto::Role::Nurse,
            "nurse on ward 7",
            &[code.to_lowercase(), String::new()],
        )
        .unwrap();
    assert_eq!(
        (amy.username.as_str(), amy.display_name.as_str()),
        ("amy", "Amy Achieng")
    );
    assert_eq!(amy.branches, vec![code], "codes are named, not ids");
    assert!(amy.active && !amy.emergency);
    let taken = shell
        .create_user("amy", None, dto::Role::Nurse, "nurse on ward 7", &[])
        .unwrap_err();
    assert_eq!(taken.field.as_deref(), Some("username"));

    let doctor = shell.set_user_role("amy", dto::Role::Doctor).unwrap();
    assert_eq!(doctor.role, dto::Role::Doctor);
    assert!(!shell.deactivate_user("amy").unwrap().active);
    assert!(shell.reactivate_user("amy").unwrap().active);
    assert!(
        shell
            .set_user_branches("amy", &[])
            .unwrap()
            .branches
            .is_empty()
    );
    let last = shell.deactivate_user("admin").unwrap_err();
    assert_eq!(
        last.field.as_deref(),
        Some("username"),
        "the last administrator cannot be deactivated"
    );

    let glass = shell
        .create_emergency_account("glass", "emergency only 2026")
        .unwrap();
    assert!(glass.emergency && !glass.active, "created disabled");
    let refused = shell.reactivate_user("glass").unwrap_err();
    assert_eq!(refused.field.as_deref(), Some("username"));

    let names: Vec<String> = shell
        .users()
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(names, ["admin", "amy", "glass"], "sorted by user name");
}
