//! Offline work on several workstations, then sync: everyone converges, nothing is lost,
//! nothing is applied twice, and the server refuses what it must with problem JSON.

use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::{Code, NewUser, Role, Session};

use crate::harness::{PASSWORD, Server, Station, post, raw_http};

/// A small deterministic generator (xorshift64*), so every seed replays exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const GIVEN: &[&str] = &[
    "Amina", "José", "Wanjiru", "Zoë", "Kofi", "Ngozi", "Liam", "Mei",
];
const FAMILY: &[&str] = &[
    "Otieno", "Álvarez", "Kamau", "Mensah", "Okafor", "Chen", "Brown",
];

fn desk(station: &mut Station, branch: &str) -> Session {
    let name = format!("desk.{}", branch.to_lowercase());
    station
        .admin()
        .create_user(&NewUser::new(
            &name,
            Role::Receptionist,
            "morning tea phrase",
        ))
        .unwrap();
    // The server takes a user's changes only once it knows the user, from the
    // administrator who made them.
    station.admin().sync_now().unwrap();
    station
        .workstation
        .unlock(&name, "morning tea phrase")
        .unwrap()
}

fn patient_ids(session: &mut Session) -> Vec<String> {
    let conn = session.raw_connection().unwrap();
    let mut stmt = conn.prepare("SELECT id FROM patients ORDER BY id").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

const SYNCED: &[&str] = &[
    "organisation",
    "branches",
    "users",
    "user_branches",
    "patients",
    "audit_log",
    "notifications",
];

#[test]
fn three_workstations_editing_offline_converge_to_the_servers_state_for_many_seeds() {
    for seed in 1..=5u64 {
        let server = Server::start();
        let branches = ["BR01", "BR02", "BR03"];
        let mut stations: Vec<Station> =
            branches.iter().map(|b| Station::new(b, &server)).collect();
        let mut desks: Vec<Session> = stations
            .iter_mut()
            .zip(branches)
            .map(|(s, b)| desk(s, b))
            .collect();
        for _ in 0..2 {
            for s in &mut stations {
                s.admin().sync_now().unwrap();
            }
        }
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        for round in 0..3 {
            // Offline edits on every workstation.
            for (i, station) in stations.iter_mut().enumerate() {
                for _ in 0..6 {
                    station
                        .clock
                        .advance(chrono::Duration::milliseconds(rng.below(5000) as i64));
                    let desk = &mut desks[i];
                    if rng.below(3) == 0 || patient_ids(desk).is_empty() {
                        let input = PatientInput {
                            given_name: GIVEN[rng.below(GIVEN.len())].into(),
                            family_name: FAMILY[rng.below(FAMILY.len())].into(),
                            date_of_birth: format!(
                                "19{:02}-0{}-1{}",
                                40 + rng.below(60),
                                1 + rng.below(9),
                                rng.below(10)
                            ),
                            sex: "unknown".into(),
                            ..PatientInput::default()
                        };
                        desk.register_patient(&input, true).unwrap();
                    } else {
                        let ids = patient_ids(desk);
                        let id = ids[rng.below(ids.len())].parse().unwrap();
                        let mut current: PatientInput = {
                            let p = desk.patient(id).unwrap();
                            PatientInput {
                                given_name: p.given_name,
                                family_name: p.family_name,
                                date_of_birth: p.date_of_birth,
                                sex: p.sex,
                                phone: p.phone,
                                address: p.address,
                                ..PatientInput::default()
                            }
                        };
                        if rng.below(2) == 0 {
                            current.phone = Some(format!("+254 7{:08}", rng.next() % 100_000_000));
                        } else {
                            current.address =
                                Some(format!("{} Clinic Road, round {round}", rng.below(500)));
                        }
                        desk.update_patient(id, &current).unwrap();
                    }
                }
            }
            // Sync in a random order, some workstations twice, some not at all this round.
            // Each desk pushes its own work (the server takes a change only from its author).
            for _ in 0..3 {
                let i = rng.below(stations.len());
                desks[i].sync_now().unwrap();
            }
        }
        // Everyone comes online at the end.
        for _ in 0..2 {
            for (s, desk) in stations.iter_mut().zip(desks.iter_mut()) {
                desk.sync_now().unwrap();
                s.admin().sync_now().unwrap();
            }
        }
        for table in SYNCED.iter().filter(|t| **t != "audit_log") {
            let first = stations[0].dump(table);
            assert!(
                !first.is_empty() || *table == "notifications" || *table == "user_branches",
                "seed {seed}: {table} is empty"
            );
            for (i, s) in stations.iter_mut().enumerate().skip(1) {
                assert_eq!(
                    s.dump(table),
                    first,
                    "seed {seed}: {table} differs on workstation {i}"
                );
            }
        }
        // Equal to the server's current state, field by field.
        let server_patients = server.query(
            "SELECT row_id, fields->>'given_name', fields->>'family_name', coalesce(fields->>'phone', ''),
                    coalesce(fields->>'address', '') FROM row_state WHERE table_name = 'patients' ORDER BY row_id",
        );
        let conn = stations[0].admin().raw_connection().unwrap();
        let local: Vec<(String, String, String, String, String)> = conn
            .prepare("SELECT id, given_name, family_name, coalesce(phone, ''), coalesce(address, '') FROM patients ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let remote: Vec<(String, String, String, String, String)> = server_patients
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
            .collect();
        assert_eq!(local, remote, "seed {seed}: workstations equal the server");
        // No audit event was lost: every event a workstation wrote is on the server, and
        // each branch holds exactly its own (audit events are pulled by branch).
        let mut total = 0;
        for (station, branch) in stations.iter_mut().zip(branches) {
            let on_server: i64 = server.query(&format!(
                "SELECT count(*) FROM change_log WHERE table_name = 'audit_log' AND scope = '{branch}'"
            ))[0]
                .get(0);
            let local = station.dump("audit_log").len() as i64;
            assert_eq!(
                on_server, local,
                "seed {seed}: {branch} has every audit event of its branch and no other"
            );
            total += local;
        }
        let events: i64 = server
            .query("SELECT count(*) FROM change_log WHERE table_name = 'audit_log'")[0]
            .get(0);
        assert_eq!(events, total, "seed {seed}: no audit event lost");
        assert!(
            stations[1]
                .admin()
                .audit_verify()
                .unwrap()
                .first_break
                .is_none(),
            "seed {seed}: chains verify after sync"
        );
        drop(desks);
    }
}

#[test]
fn a_lost_answer_and_a_replayed_pull_apply_nothing_twice() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    let mut b = Station::new("BR02", &server);
    let mut desk_a = desk(&mut a, "BR01");
    desk_a
        .register_patient(
            &PatientInput {
                given_name: "Once".into(),
                family_name: "Only".into(),
                date_of_birth: "1980-01-01".into(),
                sex: "female".into(),
                ..PatientInput::default()
            },
            false,
        )
        .unwrap();
    desk_a.sync_now().unwrap();
    a.admin().sync_now().unwrap();
    let on_server: i64 = server.query("SELECT count(*) FROM change_log")[0].get(0);

    // The push reached the server but the answer was lost: the client pushes again.
    a.admin()
        .raw_connection()
        .unwrap()
        .execute("UPDATE change_log SET pushed_at = NULL", [])
        .unwrap();
    let again = desk_a.sync_now().unwrap();
    assert!(again.pushed > 0, "the client re-sent the registration");
    a.admin().sync_now().unwrap();
    assert_eq!(
        server.query("SELECT count(*) FROM change_log")[0].get::<_, i64>(0),
        on_server,
        "nothing stored twice"
    );

    // A pull replayed from the start (a crash before the cursor was saved).
    b.admin().sync_now().unwrap();
    let before = b.dump("patients");
    b.admin()
        .raw_connection()
        .unwrap()
        .execute("UPDATE sync_state SET cursor = 0", [])
        .unwrap();
    b.admin().sync_now().unwrap();
    assert_eq!(
        b.dump("patients"),
        before,
        "re-applying a page changes nothing"
    );
    a.admin().sync_now().unwrap();
    for (station, branch) in [(&mut a, "BR01"), (&mut b, "BR02")] {
        let on_server: i64 = server.query(&format!(
            "SELECT count(*) FROM change_log WHERE table_name = 'audit_log' AND scope = '{branch}'"
        ))[0]
            .get(0);
        assert_eq!(
            station.dump("audit_log").len() as i64,
            on_server,
            "{branch} holds each of its events exactly once"
        );
    }
    assert!(!b.dump("audit_log").is_empty(), "BR02 has its own events");
    drop(desk_a);
}

#[test]
fn a_server_that_goes_away_mid_sync_loses_nothing() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    let mut desk_a = desk(&mut a, "BR01");
    desk_a
        .register_patient(
            &PatientInput {
                given_name: "Patient".into(),
                family_name: "Offline".into(),
                date_of_birth: "1990-02-02".into(),
                sex: "male".into(),
                ..PatientInput::default()
            },
            false,
        )
        .unwrap();
    let pending = a.admin().sync_status().unwrap().pending_changes;
    assert!(pending > 0);
    let url = server.url.clone();
    drop(server);
    let err = a.admin().sync_now().unwrap_err();
    assert_eq!(err.code(), Code::Offline, "{err}");
    let status = a.admin().sync_status().unwrap();
    assert!(status.pending_changes >= pending, "nothing was marked sent");
    assert!(
        status
            .configured
            .unwrap()
            .last_error
            .unwrap()
            .contains(&url)
    );
    drop(desk_a);
}

#[test]
fn the_server_refuses_bad_requests_with_problem_json_and_applies_nothing() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    let token = a.tokens(&server.url).access_token;
    let before: i64 = server.query("SELECT count(*) FROM change_log")[0].get(0);

    let (status, head, body) = post(&server.url, "/v1/push", Some(&token), "{not json");
    assert_eq!(status, 400, "{body}");
    assert!(
        head.to_lowercase().contains("application/problem+json"),
        "{head}"
    );
    let problem: clinic_protocol::Problem = serde_json::from_str(&body).unwrap();
    assert_eq!(problem.status, 400);

    let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(5 * 1024 * 1024));
    let (status, _, body) = post(&server.url, "/v1/push", Some(&token), &big);
    assert_eq!(status, 413, "{body}");

    let (status, _, body) = post(&server.url, "/v1/push", Some("not-a-token"), "{}");
    assert_eq!(status, 401, "{body}");

    let old = serde_json::json!({ "protocol_version": clinic_protocol::PROTOCOL_VERSION, "schema_version": 1, "changes": [] });
    let (status, _, body) = post(&server.url, "/v1/push", Some(&token), &old.to_string());
    assert_eq!(status, 426, "an old workstation is told to update: {body}");
    assert!(body.contains("update"), "{body}");

    let forged = serde_json::json!({
        "protocol_version": clinic_protocol::PROTOCOL_VERSION,
        "schema_version": 4,
        "changes": [{
            "change_id": "01900000-0000-7000-8000-000000000001", "table": "patients", "row_id": "x",
            "kind": "upsert", "fields": {"given_name": "Mallory"},
            "hlc": "0000000000001000-00000-01900000-0000-7000-8000-00000000beef",
            "device_id": "01900000-0000-7000-8000-00000000beef", "user_id": null, "schema_version": 4
        }, {
            "change_id": "01900000-0000-7000-8000-000000000002", "table": "secrets", "row_id": "x",
            "kind": "upsert", "fields": {}, "hlc": "x", "device_id": "x", "user_id": null, "schema_version": 4
        }]
    });
    let (status, _, body) = post(&server.url, "/v1/push", Some(&token), &forged.to_string());
    assert_eq!(status, 200, "{body}");
    let answer: clinic_protocol::PushResponse = serde_json::from_str(&body).unwrap();
    assert!(answer.accepted.is_empty());
    assert_eq!(
        answer.rejected.len(),
        2,
        "another device's change and an unknown table: {body}"
    );
    assert_eq!(
        server.query("SELECT count(*) FROM change_log")[0].get::<_, i64>(0),
        before,
        "nothing applied"
    );

    // A revoked workstation is locked out at once.
    let device = a.admin().actor().device.to_string();
    server.revoke(&device);
    let err = a.admin().sync_now().unwrap_err();
    assert_eq!(err.code(), Code::SyncRefused, "{err}");
    assert!(err.to_string().contains("revoked"), "{err}");
    let _ = PASSWORD;
}

#[test]
fn two_branches_booking_one_doctor_slot_offline_end_with_one_booking_and_one_conflict() {
    use clinic_core::frontdesk::doctors::{DoctorInput, HoursInput};
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    let mut b = Station::new("BR02", &server);
    let mut desk_a = desk(&mut a, "BR01");
    let mut desk_b = desk(&mut b, "BR02");
    a.admin()
        .create_user(&NewUser::new("dr.one", Role::Doctor, "stethoscope phrase"))
        .unwrap();
    let doctor = a
        .admin()
        .add_doctor(&DoctorInput {
            username: "dr.one".into(),
            specialization: "General practice".into(),
            licence_number: "GP-100".into(),
            fee_minor: 2000,
            ..DoctorInput::default()
        })
        .unwrap();
    a.admin()
        .set_doctor_hours(
            doctor.id,
            &[HoursInput {
                branch_code: "BR01".into(),
                weekday: 1,
                start: "09:00".into(),
                end: "12:00".into(),
                slot_minutes: 30,
            }],
        )
        .unwrap();
    a.admin().sync_now().unwrap();
    b.admin().sync_now().unwrap();

    // Both desks are offline and book the doctor's 10:00 slot for their own patient.
    let person = |given: &str| PatientInput {
        given_name: given.into(),
        family_name: "Booker".into(),
        date_of_birth: "1985-05-05".into(),
        sex: "female".into(),
        ..PatientInput::default()
    };
    let pa = desk_a.register_patient(&person("Asha"), false).unwrap();
    let pb = desk_b.register_patient(&person("Bela"), false).unwrap();
    let ten = chrono::DateTime::parse_from_rfc3339("2026-01-05T10:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let booked_a = desk_a
        .book_appointment(pa.id, doctor.id, ten, None)
        .unwrap();
    let booked_b = desk_b
        .book_appointment(pb.id, doctor.id, ten, None)
        .unwrap();
    assert!(
        booked_a.provisional && booked_b.provisional,
        "offline bookings are provisional"
    );

    desk_a.sync_now().unwrap();
    desk_b.sync_now().unwrap();
    desk_a.sync_now().unwrap();

    for (name, desk) in [("BR01", &mut desk_a), ("BR02", &mut desk_b)] {
        let first = desk.appointment(booked_a.id).unwrap();
        let second = desk.appointment(booked_b.id).unwrap();
        assert_eq!(
            first.status, "confirmed",
            "{name}: the first to reach the server keeps the slot"
        );
        assert_eq!(
            second.status, "conflict",
            "{name}: the later one is a conflict, not dropped"
        );
        assert!(!first.provisional, "{name}: accepted by the server");
        let notes = desk.notifications(false).unwrap();
        assert!(
            notes.iter().any(|n| n.kind == "booking_conflict"),
            "{name}: the desk is told: {notes:?}"
        );
    }
    assert_eq!(
        server.query("SELECT count(*) FROM appointment_slots")[0].get::<_, i64>(0),
        1
    );
    // The conflict is for a person to resolve: cancelling it is a legal move.
    desk_b
        .cancel_appointment(booked_b.id, "rebooked for 10:30")
        .unwrap();
}

#[test]
fn two_server_processes_on_one_database_serve_clients_at_once_and_stay_consistent() {
    use crate::harness::ServerProcess;
    let server = Server::start();
    let other = ServerProcess::start(&server.database_url);
    let code_a = server.enrollment_code("BR01");
    let code_b = server.enrollment_code("BR02");
    let mut a = Station::enrolled_at(&server, "BR01", &server.url, &code_a);
    let mut b = Station::enrolled_at(&server, "BR02", &other.url, &code_b);
    let desk_a = desk(&mut a, "BR01");
    let desk_b = desk(&mut b, "BR02");

    let work = |station: Station, mut desk: Session, tag: &'static str| {
        std::thread::spawn(move || {
            for i in 0..8 {
                desk.register_patient(
                    &PatientInput {
                        given_name: format!("{tag}{}", char::from(b'a' + i)),
                        family_name: "Parallel".into(),
                        date_of_birth: "1970-07-07".into(),
                        sex: "other".into(),
                        ..PatientInput::default()
                    },
                    true,
                )
                .unwrap();
                desk.sync_now().unwrap();
            }
            drop(desk);
            station
        })
    };
    let ta = work(a, desk_a, "Alpha");
    let tb = work(b, desk_b, "Beta");
    let mut a = ta.join().unwrap();
    let mut b = tb.join().unwrap();
    for _ in 0..2 {
        a.admin().sync_now().unwrap();
        b.admin().sync_now().unwrap();
    }
    for table in ["patients", "users"] {
        assert_eq!(
            a.dump(table),
            b.dump(table),
            "{table} converged through two servers"
        );
    }
    assert_eq!(a.dump("patients").len(), 16);
    // Sequence numbers are gap-free and unique: commit order matched sequence order.
    let seqs: Vec<i64> = server
        .query("SELECT seq FROM change_log ORDER BY seq")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let distinct: std::collections::BTreeSet<_> = seqs.iter().collect();
    assert_eq!(distinct.len(), seqs.len());
}

#[test]
fn the_server_rechecks_each_change_against_the_role_it_knows_and_refuses_escalation() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    a.admin()
        .create_user(&NewUser::new("nurse.kim", Role::Nurse, "quiet ward phrase"))
        .unwrap();
    a.admin().sync_now().unwrap();
    let mut nurse = a
        .workstation
        .unlock("nurse.kim", "quiet ward phrase")
        .unwrap();
    let nurse_id = nurse.actor().user.to_string();
    let device = nurse.actor().device.to_string();
    // A tampered workstation writes a change the core would never make: the nurse
    // promoting herself to administrator.
    a.admin()
        .raw_connection()
        .unwrap()
        .execute(
            "INSERT INTO change_log (change_id, table_name, row_id, kind, fields, hlc, device_id, user_id,
                 schema_version, recorded_at)
             VALUES ('01900000-0000-7000-8000-0000000000aa', 'users', ?1, 'upsert', '{\"role\":\"admin\"}',
                 '0001767700000000-00000-' || ?2, ?2, ?1, 4, '2026-01-05T09:00:00.000Z')",
            rusqlite::params![nurse_id, device],
        )
        .unwrap();
    let report = nurse.sync_now().unwrap();
    assert_eq!(report.rejected, 1, "{report:?}");
    let reason: String = a
        .admin()
        .raw_connection()
        .unwrap()
        .query_row(
            "SELECT push_error FROM change_log WHERE change_id = '01900000-0000-7000-8000-0000000000aa'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(reason.contains("nurse may not user_manage"), "{reason}");
    let role: String = server.query(&format!(
        "SELECT fields->>'role' FROM row_state WHERE table_name = 'users' AND row_id = '{nurse_id}'"
    ))[0]
        .get(0);
    assert_eq!(role, "nurse", "the server's copy is unchanged");
    assert_eq!(
        a.admin().sync_status().unwrap().refused_changes,
        1,
        "the refusal is visible"
    );
}

#[test]
fn sync_runs_over_tls_and_an_untrusted_certificate_is_refused() {
    let (server, pem) = Server::start_tls();
    assert!(server.url.starts_with("https://"));
    let code = server.enrollment_code("BR01");
    let mut a = Station::enrolled_trusting(&server, "BR01", &server.url, &code, Some(&pem));
    let report = a.admin().sync_now().unwrap();
    assert!(report.pushed > 0, "pushed over TLS: {report:?}");

    // A workstation that does not trust the self-signed certificate cannot talk to it.
    let dir = tempfile::tempdir().unwrap();
    let made = clinic_core::Workstation::init(
        dir.path(),
        &clinic_core::Setup::new("Other", "admin.x", PASSWORD),
        std::sync::Arc::new(clinic_core::ManualClock::monday_morning()),
        clinic_core::KdfParams::FAST_INSECURE_FOR_TESTS,
    )
    .unwrap();
    let mut admin = made.session;
    let err = admin
        .sync_join(&server.url, &server.enrollment_code("BR02"), None)
        .unwrap_err();
    assert_eq!(err.code(), Code::Offline, "{err}");
    let err = admin
        .sync_join("http://sync.example.org", "x", None)
        .unwrap_err();
    assert_eq!(
        err.field(),
        Some("server"),
        "plain http off this machine is refused: {err}"
    );
}

#[test]
fn the_clinic_tool_joins_syncs_and_reports_status_from_a_script() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let code = server.enrollment_code("BR07");
    let second_code = server.enrollment_code("BR07");
    let script = r#"
        set -euo pipefail
        export CLINIC_PASSWORD='a long clinic secret'
        "$CLINIC" init --clinic-name 'Script Clinic' --admin-user boss --branch-code BR07 > /dev/null
        "$CLINIC" sync status
        "$CLINIC" sync join --server "$SERVER" --code "$CODE"
        "$CLINIC" sync now
        "$CLINIC" sync status
        "$CLINIC" sync conflicts
        # A second workstation of the same branch, set up from the server.
        "$CLINIC" --data-dir "$SECOND" --user boss join --server "$SERVER" --code "$SECOND_CODE"
        "$CLINIC" --data-dir "$SECOND" unlock-check
        # A password changed here is changed on the server too, and sync goes on.
        CLINIC_NEW_PASSWORD='a newer clinic secret' "$CLINIC" passwd
        CLINIC_PASSWORD='a newer clinic secret' "$CLINIC" sync now
    "#;
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("CLINIC", clinic_e2e::binary("clinic-cli", "clinic"))
        .env("CLINIC_DATA_DIR", dir.path().join("ws"))
        .env("SERVER", &server.url)
        .env("CODE", &code)
        .env("SECOND", dir.path().join("second"))
        .env("SECOND_CODE", &second_code)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Not enrolled"), "{text}");
    assert!(text.contains("branch BR07"), "{text}");
    assert!(text.contains("Sync done:"), "{text}");
    let status = text.rsplit("Server:").next().unwrap();
    assert!(
        status.contains("Pending changes:  1"),
        "everything was sent; only the audit event of signing in to ask is new: {status}"
    );
    assert!(text.contains("No unresolved conflicts."), "{text}");
    assert!(
        text.contains("Joined Script Clinic (branch BR07)"),
        "{text}"
    );
    assert!(
        text.contains("RECOVERY CODE for this workstation"),
        "{text}"
    );
    assert!(
        text.contains("The sync server checks the new password too."),
        "{text}"
    );
    assert_eq!(text.matches("Sync done:").count(), 2, "{text}");
    let on_server: i64 = server.query("SELECT count(*) FROM change_log")[0].get(0);
    assert!(on_server > 0);
}

#[test]
fn a_sync_interrupted_by_a_server_restart_retries_and_completes() {
    use crate::harness::ServerProcess;
    let server = Server::start();
    let first = ServerProcess::start(&server.database_url);
    let address = first.url.trim_start_matches("http://").to_owned();
    let code = server.enrollment_code("BR01");
    let mut a = Station::enrolled_at(&server, "BR01", &first.url, &code);
    drop(first);
    // The server comes back on the same address a moment later.
    let database_url = server.database_url.clone();
    let restarted = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        ServerProcess::start_at(&database_url, &address)
    });
    let report = a
        .admin()
        .sync_with_retries(clinic_core::sync::Retries {
            // Up to about 100 s in all: a loaded machine may take a while to start the
            // server binary again.
            attempts: 10,
            first_delay: std::time::Duration::from_millis(200),
        })
        .unwrap();
    assert!(report.pushed > 0, "the retry got through: {report:?}");
    let last_error = a
        .admin()
        .sync_status()
        .unwrap()
        .configured
        .unwrap()
        .last_error;
    assert_eq!(last_error, None, "the last attempt succeeded");
    drop(restarted.join().unwrap());
}

#[test]
fn pulled_pages_travel_gzip_compressed_to_clients_that_accept_it() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    a.admin().sync_now().unwrap();
    let token = a.tokens(&server.url).access_token;
    let request = |encoding: &str| {
        format!(
            "GET /v1/pull?cursor=0&protocol_version={} HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\n{encoding}Connection: close\r\n\r\n",
            clinic_protocol::PROTOCOL_VERSION
        )
    };
    let (status, head, _) = raw_http(
        &server.url.replace("localhost", "127.0.0.1"),
        &request("Accept-Encoding: gzip\r\n"),
    );
    assert_eq!(status, 200);
    assert!(
        head.to_lowercase().contains("content-encoding: gzip"),
        "{head}"
    );
    let (status, head, body) =
        raw_http(&server.url.replace("localhost", "127.0.0.1"), &request(""));
    assert_eq!(status, 200);
    assert!(
        !head.to_lowercase().contains("content-encoding"),
        "plain for a client that did not ask"
    );
    assert!(body.contains("\"changes\""));
}

#[test]
fn a_branch_pulls_its_own_audit_events_and_everything_group_wide() {
    let server = Server::start();
    let mut first = Station::new("BR01", &server);
    let mut other = Station::new("BR02", &server);
    let mut desk_a = desk(&mut first, "BR01");
    desk_a
        .register_patient(
            &PatientInput {
                given_name: "Wanjiru".into(),
                family_name: "Kamau".into(),
                date_of_birth: "1985-04-12".into(),
                sex: "female".into(),
                ..PatientInput::default()
            },
            true,
        )
        .unwrap();
    desk_a.sync_now().unwrap();
    for _ in 0..2 {
        for s in [&mut first, &mut other] {
            s.admin().sync_now().unwrap();
        }
    }
    let devices_of = |s: &mut Station| -> Vec<String> {
        let conn = s.admin().raw_connection().unwrap();
        conn.prepare("SELECT DISTINCT device_id FROM audit_log ORDER BY 1")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let a = first.admin().actor().device.to_string();
    let c = other.admin().actor().device.to_string();
    assert_eq!(devices_of(&mut first), vec![a], "BR01 keeps its own events");
    assert_eq!(
        devices_of(&mut other),
        vec![c],
        "BR02 never receives BR01's"
    );
    let on_server: i64 = server
        .query("SELECT count(DISTINCT device_id) FROM change_log WHERE table_name = 'audit_log'")
        [0]
    .get(0);
    assert_eq!(on_server, 2, "the server keeps every branch's events");
    // The patient BR01 registered reached the other branch.
    let patients = first.dump("patients");
    assert_eq!(patients.len(), 1);
    assert_eq!(other.dump("patients"), patients);
    drop(desk_a);
}

#[test]
fn a_second_workstation_joins_an_existing_branch_from_the_server() {
    let server = Server::start();
    let mut first = Station::new("BR01", &server);
    let mut desk_a = desk(&mut first, "BR01");
    desk_a
        .register_patient(
            &PatientInput {
                given_name: "Achieng".into(),
                family_name: "Odhiambo".into(),
                date_of_birth: "1979-11-30".into(),
                sex: "female".into(),
                ..PatientInput::default()
            },
            true,
        )
        .unwrap();
    desk_a.sync_now().unwrap();
    drop(desk_a);
    first.admin().sync_now().unwrap();

    let join = |code: &str, password: &str, dir: &std::path::Path| {
        clinic_core::Workstation::join(
            dir,
            &clinic_core::Join {
                server: server.url.clone(),
                code: code.into(),
                ca_cert: None,
                username: first.admin_name.clone(),
                password: password.to_owned().into(),
            },
            first.clock.clone(),
            clinic_core::KdfParams::FAST_INSECURE_FOR_TESTS,
        )
    };
    // A wrong password is refused by the server and leaves nothing behind.
    let refused_dir = tempfile::tempdir().unwrap();
    let err = join(
        &server.enrollment_code("BR01"),
        "not the password at all",
        refused_dir.path(),
    )
    .unwrap_err();
    assert_eq!(err.code(), Code::SyncRefused, "{err}");
    assert!(!clinic_core::Workstation::exists(refused_dir.path()));

    let dir = tempfile::tempdir().unwrap();
    let joined = join(&server.enrollment_code("BR01"), PASSWORD, dir.path()).unwrap();
    let mut second = joined.session;
    assert_eq!(second.clinic().branch_code, "BR01");
    assert_eq!(
        second.clinic().organisation_id,
        first.admin().clinic().organisation_id,
        "the same clinic group"
    );
    assert_ne!(second.actor().device, first.admin().actor().device);
    let patients = first.dump("patients");
    let count: i64 = second
        .raw_connection()
        .unwrap()
        .query_row("SELECT count(*) FROM patients", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        count,
        patients.len() as i64,
        "the branch's patients arrived"
    );

    // It works like any workstation: the admin signs in again with the same password,
    // makes a change, and both sides converge, audit events included (same branch).
    drop(second);
    let workstation = joined.workstation;
    let mut second = workstation.unlock(&first.admin_name, PASSWORD).unwrap();
    second
        .create_user(&NewUser::new(
            "nurse.br01",
            Role::Nurse,
            "evening walk phrase",
        ))
        .unwrap();
    second.sync_now().unwrap();
    first.admin().sync_now().unwrap();
    second.sync_now().unwrap();
    let names: Vec<String> = first
        .admin()
        .list_users()
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert!(names.contains(&"nurse.br01".to_owned()), "{names:?}");
    let audit_devices = |s: &mut Session| -> i64 {
        s.raw_connection()
            .unwrap()
            .query_row("SELECT count(DISTINCT device_id) FROM audit_log", [], |r| {
                r.get(0)
            })
            .unwrap()
    };
    assert_eq!(
        audit_devices(first.admin()),
        2,
        "BR01 sees both devices' events"
    );
    assert_eq!(audit_devices(&mut second), 2);
    assert!(second.audit_verify().unwrap().first_break.is_none());

    // A receptionist made on the first workstation: the second lets them in once they
    // type their own password, which only the server can confirm, so they must have
    // synced under their own name first.
    first
        .admin()
        .create_user(&NewUser::new(
            "desk2.br01",
            Role::Receptionist,
            "morning tea phrase",
        ))
        .unwrap();
    first.admin().sync_now().unwrap();
    second.sync_now().unwrap();
    let err = second
        .admit_user_here("desk2.br01", "morning tea phrase")
        .unwrap_err();
    assert_eq!(
        err.code(),
        Code::SyncRefused,
        "not yet known to the server: {err}"
    );
    let mut desk_first = first
        .workstation
        .unlock("desk2.br01", "morning tea phrase")
        .unwrap();
    desk_first.sync_now().unwrap();
    drop(desk_first);
    let err = second
        .admit_user_here("desk2.br01", "not their password")
        .unwrap_err();
    assert_eq!(err.code(), Code::SyncRefused, "{err}");
    second
        .admit_user_here("desk2.br01", "morning tea phrase")
        .unwrap();
    let mut desk_second = workstation
        .unlock("desk2.br01", "morning tea phrase")
        .unwrap();
    assert_eq!(desk_second.clinic().branch_code, "BR01");
    assert_eq!(
        desk_second.search_patients("achieng", 5).unwrap().len(),
        1,
        "the receptionist works on the second workstation"
    );
    // A nurse may not admit anyone.
    let mut nurse = workstation
        .unlock("nurse.br01", "evening walk phrase")
        .unwrap();
    let err = nurse
        .admit_user_here("desk2.br01", "morning tea phrase")
        .unwrap_err();
    assert_eq!(err.code(), Code::Forbidden);
}

#[test]
fn a_record_number_taken_elsewhere_is_renumbered_by_the_server_and_nothing_is_lost() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    let mut b = Station::new("BR02", &server);
    let mut desk_a = desk(&mut a, "BR01");
    let mut desk_b = desk(&mut b, "BR02");
    let input = |given: &str| PatientInput {
        given_name: given.into(),
        family_name: "Mwangi".into(),
        date_of_birth: "1990-01-01".into(),
        sex: "male".into(),
        ..PatientInput::default()
    };
    let first = desk_a.register_patient(&input("Kamau"), true).unwrap();
    let second = desk_b.register_patient(&input("Njoroge"), true).unwrap();
    // Device tags make a clash next to impossible, so force one: B's record (and the
    // change it will push) gets A's number. The outbox is immutable, so the test lifts
    // that guard on B's copy for a moment.
    let conn = desk_b.raw_connection().unwrap();
    conn.execute_batch("DROP TRIGGER change_log_only_mark_pushed")
        .unwrap();
    conn.execute(
        "UPDATE patients SET mrn = ?1 WHERE id = ?2",
        [&first.mrn, &second.id.to_string()],
    )
    .unwrap();
    conn.execute(
        "UPDATE change_log SET fields = json_set(fields, '$.mrn', ?1) WHERE table_name = 'patients' AND row_id = ?2",
        [&first.mrn, &second.id.to_string()],
    )
    .unwrap();
    for _ in 0..2 {
        desk_a.sync_now().unwrap();
        desk_b.sync_now().unwrap();
        a.admin().sync_now().unwrap();
        b.admin().sync_now().unwrap();
    }
    drop((desk_a, desk_b));
    let renumbered = format!("{}-2", first.mrn);
    for s in [&mut a, &mut b] {
        let rows: Vec<(String, String)> = s
            .admin()
            .raw_connection()
            .unwrap()
            .prepare("SELECT given_name, mrn FROM patients ORDER BY given_name")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            rows,
            vec![
                ("Kamau".to_owned(), first.mrn.clone()),
                ("Njoroge".to_owned(), renumbered.clone())
            ],
            "the first keeps its number, the later one is renumbered, both exist"
        );
        assert_eq!(
            s.admin().sync_status().unwrap().conflicts,
            0,
            "nothing left for a person"
        );
    }
    assert_eq!(a.dump("patients"), b.dump("patients"));
    // B pulled A's record while its own still held the number: it was kept aside and
    // went in by itself once the server's renumbering arrived.
    let retried: i64 = b
        .admin()
        .raw_connection()
        .unwrap()
        .query_row(
            "SELECT count(*) FROM sync_conflicts WHERE table_name = 'patients' AND resolved_at IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(retried, 1);
    let mut desk_b = b
        .workstation
        .unlock("desk.br02", "morning tea phrase")
        .unwrap();
    let notes = desk_b.notifications(false).unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.kind == "number_conflict" && n.body.contains(&renumbered)),
        "{notes:?}"
    );
}

#[test]
fn a_sync_companion_syncs_for_its_session_without_signing_in_again() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    let mut desk_a = desk(&mut a, "BR01");
    let sign_ins = |s: &mut Session| -> i64 {
        s.raw_connection()
            .unwrap()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'sign_in'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let before = sign_ins(&mut desk_a);
    let mut companion = desk_a.sync_companion().unwrap();
    assert_eq!(companion.actor().user, desk_a.actor().user);
    companion.sync_now().unwrap();
    // The desk keeps working on its own connection while the companion syncs.
    desk_a
        .register_patient(
            &PatientInput {
                given_name: "Baraka".into(),
                family_name: "Otieno".into(),
                date_of_birth: "2001-06-15".into(),
                sex: "male".into(),
                ..PatientInput::default()
            },
            true,
        )
        .unwrap();
    let report = companion.sync_now().unwrap();
    assert!(
        report.pushed > 0,
        "the desk's new patient went out: {report:?}"
    );
    assert_eq!(sign_ins(&mut desk_a), before, "no second sign-in recorded");
    let on_server: i64 = server.query(
        "SELECT count(*) FROM row_state WHERE table_name = 'patients' AND fields->>'given_name' = 'Baraka'",
    )[0]
        .get(0);
    assert_eq!(on_server, 1);
    drop(companion);
    assert!(
        desk_a.search_patients("Baraka", 5).is_ok(),
        "dropping the companion leaves the desk signed in"
    );
}

/// A change stamped far in the future (a workstation whose date is wrong, or a log from
/// before stamps were checked) must not drag every workstation's clock, and with it every
/// later last-writer-wins merge, into the future: it is kept aside with its reason.
#[test]
fn a_pulled_change_stamped_far_ahead_is_kept_aside_and_does_not_drag_the_clock() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    a.admin().sync_now().unwrap();
    let other = "01900000-0000-7000-8000-00000000f00d";
    let user = a.admin().actor().user.to_string();
    server.log_change(
        "role_settings",
        "pharmacist",
        &serde_json::json!({"totp_required": true, "updated_at": "2100-01-01T00:00:00.000Z"}),
        &format!("0004102444800000-00000-{other}"),
        other,
        &user,
    );
    a.admin().sync_now().unwrap();
    let conn = a.admin().raw_connection().unwrap();
    let reason: String = conn
        .query_row(
            "SELECT reason FROM sync_conflicts WHERE table_name = 'role_settings'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(reason.contains("ahead of the receiver's clock"), "{reason}");
    let wall: i64 = conn
        .query_row("SELECT wall_ms FROM hlc_state", [], |r| r.get(0))
        .unwrap();
    assert!(
        wall < 4_102_444_800_000,
        "the local clock did not jump to 2100: {wall}"
    );
}

/// Once the server has acknowledged a device's audit events, rewriting or cutting the
/// chain on the workstation (with the key, by hand) is found by `audit verify`, even
/// when the local chain is made to look consistent again.
#[test]
fn audit_verify_compares_the_local_chain_with_the_head_the_server_acknowledged() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    a.admin().sync_now().unwrap();
    let (clean, anchored) = a.admin().audit_verify_with_server().unwrap();
    assert!(clean.first_break.is_none(), "{clean:?}");
    let anchored = anchored.expect("an enrolled workstation compares");
    assert!(anchored > 0);
    let device = a.admin().actor().device.to_string();
    // Cut the chain back to before the acknowledged event: what is left is a
    // consistent chain, so only the server's head can tell.
    {
        let conn = a.admin().raw_connection().unwrap();
        conn.execute_batch("DROP TRIGGER audit_log_no_delete")
            .unwrap();
        conn.execute(
            "DELETE FROM audit_log WHERE device_id = ?1 AND device_seq >= ?2",
            rusqlite::params![device, anchored],
        )
        .unwrap();
    }
    let (result, _) = a.admin().audit_verify_with_server().unwrap();
    let found = result.first_break.expect("the truncation is found");
    // Verifying writes its own event, which now takes the removed event's number: the
    // server's head then names a different hash there.
    assert!(
        found.reason.contains("removed") || found.reason.contains("rewritten"),
        "{}",
        found.reason
    );
    assert_eq!(found.device_seq, anchored);
}

/// A pulled change that cannot be applied here (its branch does not exist) is kept once
/// and tried again with every page a few times, then only after growing pauses: junk
/// never holds the database in a loop.
#[test]
fn a_kept_change_that_never_applies_is_retried_with_growing_pauses() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    a.admin().sync_now().unwrap();
    let other = "01900000-0000-7000-8000-00000000abcd";
    let user = a.admin().actor().user.to_string();
    server.log_change(
        "patients",
        "01900000-0000-7000-8000-0000000f0001",
        &serde_json::json!({"mrn": "XX-1", "given_name": "Nobody", "family_name": "Here",
            "date_of_birth": "1990-01-01", "sex": "male",
            "branch_id": "01900000-0000-7000-8000-00000000dead"}),
        &format!("0001767600000000-00000-{other}"),
        other,
        &user,
    );
    let state = |s: &mut Station| -> (i64, Option<String>) {
        s.admin()
            .raw_connection()
            .unwrap()
            .query_row(
                "SELECT attempts, retry_at FROM sync_conflicts WHERE resolved_at IS NULL",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    for expected in 1..=3 {
        a.admin().sync_now().unwrap();
        assert_eq!(
            state(&mut a).0,
            expected,
            "tried again with every page at first"
        );
    }
    let (_, due) = state(&mut a);
    assert!(due.is_some(), "then it waits");
    a.admin().sync_now().unwrap();
    assert_eq!(state(&mut a).0, 3, "not tried before it is due");
    a.clock.advance(chrono::Duration::minutes(2));
    a.admin().sync_now().unwrap();
    let (attempts, later) = state(&mut a);
    assert_eq!(attempts, 4, "tried again once due");
    assert!(later > due, "and the pause grows: {later:?} after {due:?}");
    assert_eq!(
        a.admin().sync_conflicts().unwrap().len(),
        1,
        "kept once, never dropped"
    );
}
