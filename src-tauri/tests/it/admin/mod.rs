//! Administration (`src/admin/`): what only administrators reach.

mod audit;
mod backup;
mod branches;
mod users;

use clinic_desktop::admin::audit::AuditQuery;
use clinic_desktop::dto::{self, ErrorCode};
use clinic_desktop::shell::Result;

use crate::support::*;

#[test]
fn only_administrators_reach_users_settings_and_the_audit_log() {
    let tmp = tempfile::tempdir().unwrap();
    let shell = shell(tmp.path());
    shell.set_up("Clinic", "admin", "a long password").unwrap();
    let desk = sign_in_new_user(&shell, "desk", dto::Role::Receptionist, "front office 2026");
    let caps = desk.capabilities;
    assert!(
        !caps.manage_users && !caps.manage_settings && !caps.read_audit,
        "the admin screens stay hidden from the front desk"
    );
    let forbidden = |result: Result<()>| {
        let err = result.unwrap_err();
        assert_eq!(err.code, ErrorCode::Forbidden, "{err:?}");
    };
    forbidden(shell.users().map(drop));
    forbidden(
        shell
            .create_user("eve", None, dto::Role::Admin, "take over 2026!", &[])
            .map(drop),
    );
    forbidden(
        shell
            .create_emergency_account("glass", "emergency only 2026")
            .map(drop),
    );
    forbidden(shell.set_user_role("desk", dto::Role::Admin).map(drop));
    forbidden(shell.deactivate_user("admin").map(drop));
    forbidden(shell.reactivate_user("admin").map(drop));
    forbidden(shell.set_user_branches("desk", &[]).map(drop));
    forbidden(shell.sign_in_settings().map(drop));
    forbidden(shell.set_totp_required(dto::Role::Admin, false).map(drop));
    forbidden(shell.set_idle_lock_minutes(240).map(drop));
    forbidden(shell.audit_log(AuditQuery::default()).map(drop));
    forbidden(shell.audit_verify().map(drop));
    assert_eq!(
        shell.branches().unwrap().len(),
        1,
        "branch names are not secret"
    );
}
