//! Pulled changes a workstation could not apply: kept, listed for administrators, and set
//! aside by a person with a reason, never deleted.

use clinic_core::Role;

use crate::support::Clinic;

#[test]
fn an_administrator_sets_aside_a_kept_change_with_a_reason_and_nothing_is_deleted() {
    let mut clinic = Clinic::new();
    // A pulled change this workstation could not apply (what sync keeps for a person).
    clinic
        .admin
        .raw_connection()
        .unwrap()
        .execute(
            "INSERT INTO sync_conflicts (change_id, table_name, row_id, fields, reason, received_at)
             VALUES ('c-1', 'patients', 'p-1', '{}', 'its branch is not known here', '2026-01-05T09:00:00.000Z')",
            [],
        )
        .unwrap();
    assert_eq!(clinic.admin.sync_conflicts().unwrap().len(), 1);

    clinic.add_user("nurse", Role::Nurse);
    let mut nurse = clinic.sign_in("nurse");
    assert_eq!(
        nurse
            .sync_dismiss_conflict("c-1", "not for this branch")
            .unwrap_err()
            .code(),
        clinic_core::Code::Forbidden
    );
    let short = clinic.admin.sync_dismiss_conflict("c-1", "no").unwrap_err();
    assert_eq!(short.code(), clinic_core::Code::Validation);
    clinic
        .admin
        .sync_dismiss_conflict("c-1", "a record of another branch")
        .unwrap();
    assert!(clinic.admin.sync_conflicts().unwrap().is_empty());
    assert_eq!(
        clinic
            .admin
            .sync_dismiss_conflict("c-1", "a record of another branch")
            .unwrap_err()
            .code(),
        clinic_core::Code::Validation,
        "already set aside"
    );
    let reason: String = clinic
        .admin
        .raw_connection()
        .unwrap()
        .query_row(
            "SELECT reason FROM sync_conflicts WHERE change_id = 'c-1' AND resolved_at IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        reason.contains("set aside by admin: a record of another branch"),
        "{reason}"
    );
    assert_eq!(clinic.count_audit("action = 'sync.conflict_dismiss'"), 1);
}
