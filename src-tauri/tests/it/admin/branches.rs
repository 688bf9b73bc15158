//! The group's branches (`src/admin/branches.rs`).

use clinic_desktop::dto::{self, ErrorCode};

use crate::support::*;

#[test]
fn an_administrator_adds_a_branch_and_a_receptionist_may_not() {
    let tmp = tempfile::tempdir().unwrap();
    let shell = shell(tmp.path());
    shell.set_up("Clinic", "admin", "a long password").unwrap();
    let listed = shell.add_branch(" br02 ", " Westside ").unwrap();
    let codes: Vec<(&str, &str)> = listed
        .iter()
        .map(|b| (b.code.as_str(), b.name.as_str()))
        .collect();
    assert_eq!(
        codes,
        [("BR01", "Main branch"), ("BR02", "Westside")],
        "the answer is the whole list, the new branch upper-cased and trimmed"
    );
    assert_eq!(
        shell.branches().unwrap(),
        listed,
        "the branches command lists what add_branch answered"
    );

    let twice = shell.add_branch("BR02", "Westside again").unwrap_err();
    assert_eq!(
        (twice.code, twice.field.as_deref()),
        (ErrorCode::Validation, Some("branch_code")),
        "a taken code is the code field's error: {twice:?}"
    );
    assert!(
        !twice.message.starts_with("branch_code:"),
        "the UI shows the message next to the field, without the field's name: {}",
        twice.message
    );
    let unnamed = shell.add_branch("BR03", "  ").unwrap_err();
    assert_eq!(unnamed.field.as_deref(), Some("name"), "{unnamed:?}");

    sign_in_new_user(
        &shell,
        "desk",
        dto::Role::Receptionist,
        "reception until five",
    );
    let refused = shell.add_branch("BR03", "Eastside").unwrap_err();
    assert_eq!(refused.code, ErrorCode::Forbidden, "{refused:?}");
    assert_eq!(
        shell.branches().unwrap().len(),
        2,
        "a receptionist still reads the branches, and the refused one was not added"
    );
}
