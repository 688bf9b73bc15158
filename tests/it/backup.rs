//! A workstation restored from a backup syncs on without duplicating anything: its
//! outbox comes back as it was (already-pushed changes are known to the server by change
//! id), pulls resume from its cursor, and what the same device did after the backup
//! comes back from the server.

use std::sync::Arc;

use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::maintenance::backup::{BackupFile, Secret};
use clinic_core::{KdfParams, NewUser, Role, Session};

use crate::harness::{PASSWORD, Server, Station};

const DESK_PW: &str = "morning tea phrase";

fn register(session: &mut Session, family: &str) {
    session
        .register_patient(
            &PatientInput {
                given_name: "Amani".into(),
                family_name: family.into(),
                date_of_birth: "1990-02-03".into(),
                sex: "female".into(),
                ..PatientInput::default()
            },
            true,
        )
        .unwrap();
}

fn column(session: &mut Session, sql: &str) -> Vec<String> {
    let conn = session.raw_connection().unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn server_count(server: &Server, sql: &str) -> i64 {
    server.query(sql)[0].get(0)
}

#[test]
fn a_restored_workstation_syncs_on_without_duplicating_anything_and_converges() {
    let server = Server::start();
    let mut station = Station::new("BR01", &server);
    station
        .admin()
        .create_user(&NewUser::new("desk.br01", Role::Receptionist, DESK_PW))
        .unwrap();
    station.admin().sync_now().unwrap();
    let mut desk = station.workstation.unlock("desk.br01", DESK_PW).unwrap();
    register(&mut desk, "Pushed-Before");
    desk.sync_now().unwrap();
    // Made before the backup, pushed only after it: the backup's outbox still holds it.
    register(&mut desk, "Pending-At-Backup");

    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("br01.clinicbak");
    station.admin().backup(&file).unwrap();

    // The original carries on: pushes the pending change, makes another, syncs.
    desk.sync_now().unwrap();
    register(&mut desk, "After-Backup");
    desk.sync_now().unwrap();
    station.admin().sync_now().unwrap();
    let mut original: Vec<String> = column(&mut desk, "SELECT id FROM patients ORDER BY id");
    assert_eq!(original.len(), 3);
    drop(desk);
    let server_changes = server_count(&server, "SELECT count(*) FROM change_log");
    let server_patients = server_count(
        &server,
        "SELECT count(*) FROM row_state WHERE table_name = 'patients'",
    );
    assert_eq!(server_patients, 3);

    // The original is lost; its backup is restored on another machine.
    let elsewhere = tempfile::tempdir().unwrap();
    let dir = elsewhere.path().join("restored");
    let restored = BackupFile::read(&file)
        .unwrap()
        .restore(
            &dir,
            Secret::Password {
                username: &station.admin_name,
                password: PASSWORD,
            },
            station.clock.clone(),
            KdfParams::FAST_INSECURE_FOR_TESTS,
            true,
        )
        .unwrap();
    assert!(
        restored.caught_up.is_some_and(|n| n > 0),
        "an enrolled workstation catches up with the server before it is used"
    );
    let workstation = restored.workstation;
    let mut admin = workstation.unlock(&station.admin_name, PASSWORD).unwrap();
    let report = admin.sync_now().unwrap();
    assert_eq!(
        report.rejected, 0,
        "nothing the restored workstation sends is refused"
    );
    let mut desk = workstation.unlock("desk.br01", DESK_PW).unwrap();
    let report = desk.sync_now().unwrap();
    assert_eq!(
        report.rejected, 0,
        "the outbox's change that was pushed after the backup is accepted once, by id"
    );
    admin = workstation.unlock(&station.admin_name, PASSWORD).unwrap();
    admin.sync_now().unwrap();

    let mut here: Vec<String> = column(&mut desk, "SELECT id FROM patients ORDER BY id");
    original.sort();
    here.sort();
    assert_eq!(
        here, original,
        "the restored workstation holds every patient once, the one made after the backup too"
    );
    assert_eq!(
        server_count(
            &server,
            "SELECT count(*) FROM row_state WHERE table_name = 'patients'"
        ),
        3,
        "no patient was duplicated on the server"
    );
    let duplicated_patient_changes = server_count(
        &server,
        "SELECT count(*) FROM (SELECT row_id, fields::text FROM change_log WHERE table_name = 'patients'
           GROUP BY 1, 2 HAVING count(*) > 1) d",
    );
    assert_eq!(duplicated_patient_changes, 0, "no change was stored twice");
    let new_changes = server_count(&server, "SELECT count(*) FROM change_log") - server_changes;
    let only_audit = server_count(
        &server,
        &format!(
            "SELECT count(*) FROM (SELECT table_name FROM change_log ORDER BY seq DESC LIMIT {new_changes}) c
             WHERE table_name = 'audit_log'"
        ),
    );
    assert_eq!(
        only_audit, new_changes,
        "after the restore only new audit events (sign-ins, the restore) reached the server"
    );
    let unpushed = column(
        &mut desk,
        "SELECT change_id FROM change_log WHERE pushed_at IS NULL OR push_error IS NOT NULL",
    );
    assert!(
        unpushed.is_empty(),
        "everything is pushed, nothing refused: {unpushed:?}"
    );
    let restores = server_count(
        &server,
        "SELECT count(*) FROM change_log WHERE table_name = 'audit_log' AND fields->>'action' = 'backup.restore'",
    );
    assert_eq!(
        restores, 1,
        "the restore is audited and reaches the server once"
    );
    let verified = admin.audit_verify_with_server().unwrap();
    assert!(
        verified.0.first_break.is_none(),
        "the device's audit chain continues after the events it had sent before it was lost"
    );
    let _ = Arc::clone(&station.clock);
}
