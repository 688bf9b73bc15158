//! The audit log is append-only and its hash chain exposes hand edits.

use clinic_core::{AuditFilter, Clock as _, Role};

use crate::support::Clinic;

#[test]
fn the_database_refuses_to_update_or_delete_audit_rows() {
    let mut clinic = Clinic::new();
    let conn = clinic.admin.raw_connection().unwrap();
    let update = conn.execute("UPDATE audit_log SET outcome = 'success'", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = conn.execute("DELETE FROM audit_log", []);
    assert!(delete.unwrap_err().to_string().contains("append-only"));
}

#[test]
fn a_hand_edited_audit_row_is_found_by_verification() {
    let mut clinic = Clinic::new();
    clinic.add_user("dr.x", Role::Doctor);
    drop(clinic.sign_in("dr.x"));
    let clean = clinic.admin.audit_verify().unwrap();
    assert!(clean.first_break.is_none(), "{clean:?}");
    assert!(clean.events >= 3);

    // An attacker with the key drops the trigger and rewrites who signed in.
    let conn = clinic.admin.raw_connection().unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update;
         UPDATE audit_log SET username = 'someone.else' WHERE action = 'sign_in' AND username = 'dr.x';",
    )
    .unwrap();
    let tampered = clinic.admin.audit_verify().unwrap();
    let found = tampered.first_break.expect("the edit is detected");
    assert!(found.reason.contains("hash mismatch"), "{found:?}");
    let edited: i64 = clinic
        .admin
        .raw_connection()
        .unwrap()
        .query_row(
            "SELECT device_seq FROM audit_log WHERE username = 'someone.else'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        found.device_seq, edited,
        "the first broken link is the edited row"
    );
}

#[test]
fn a_removed_audit_row_is_found_by_verification() {
    let mut clinic = Clinic::new();
    clinic.add_user("dr.y", Role::Doctor);
    clinic.add_user("dr.z", Role::Doctor);
    let conn = clinic.admin.raw_connection().unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_delete;
         DELETE FROM audit_log WHERE device_seq = 2;",
    )
    .unwrap();
    let found = clinic
        .admin
        .audit_verify()
        .unwrap()
        .first_break
        .expect("detected");
    assert_eq!(found.device_seq, 3, "the event after the gap reports it");
    assert!(found.reason.contains("missing"), "{found:?}");
}

#[test]
fn audit_list_filters_by_user_action_and_time() {
    let mut clinic = Clinic::new();
    clinic.add_user("lab.li", Role::LabTechnician);
    let start = clinic.clock.now();
    clinic.clock.advance(chrono::Duration::minutes(5));
    drop(clinic.sign_in("lab.li"));
    let by_user = clinic
        .admin
        .audit_list(&AuditFilter {
            username: Some("lab.li".into()),
            ..AuditFilter::default()
        })
        .unwrap();
    assert_eq!(by_user.len(), 1);
    assert_eq!(by_user[0].action, "sign_in");
    let early = clinic
        .admin
        .audit_list(&AuditFilter {
            to: Some(start + chrono::Duration::minutes(1)),
            action: Some("user.create".into()),
            ..AuditFilter::default()
        })
        .unwrap();
    assert_eq!(early.len(), 1, "the user was created before the cut-off");
    let late = clinic
        .admin
        .audit_list(&AuditFilter {
            from: Some(start + chrono::Duration::minutes(1)),
            action: Some("user.create".into()),
            ..AuditFilter::default()
        })
        .unwrap();
    assert!(late.is_empty());

    let oldest = clinic
        .admin
        .audit_list(&AuditFilter {
            limit: 1,
            ..AuditFilter::default()
        })
        .unwrap();
    let newest = clinic
        .admin
        .audit_list(&AuditFilter {
            limit: 1,
            newest_first: true,
            ..AuditFilter::default()
        })
        .unwrap();
    assert_eq!(
        oldest[0].action, "workstation.init",
        "the log begins with the set-up"
    );
    assert_eq!(
        newest[0].action, "audit.list",
        "newest first, the limit keeps the latest event: the previous look-up itself"
    );
}
