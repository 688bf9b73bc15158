//! Prescriptions across workstations: two doctors at two branches issue prescriptions
//! for one patient while offline; their numbers never collide, and every prescription
//! (with its items, and a later cancellation) reaches both.

use clinic_core::clinical::prescriptions::{DraftInput, ItemInput};
use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::ids::PatientId;
use clinic_core::{Role, Session};

use crate::harness::{Server, Station};

fn issue(doctor: &mut Session, patient: PatientId, drug: &str) -> String {
    let rx = doctor
        .new_prescription(patient, &DraftInput::default())
        .unwrap();
    doctor
        .add_prescription_item(
            rx.id,
            &ItemInput {
                drug: Some(drug.into()),
                dose: "1 tablet".into(),
                frequency: "bd".into(),
                duration_days: Some(10),
                ..ItemInput::default()
            },
        )
        .unwrap();
    doctor
        .issue_prescription(rx.id, None)
        .unwrap()
        .number
        .unwrap()
}

#[test]
fn prescriptions_issued_offline_at_two_stations_never_collide_and_reach_both() {
    let server = Server::start();
    let mut north = Station::new("BR01", &server);
    let mut desk = north.staff("desk.n", Role::Receptionist);
    let patient = desk
        .register_patient(
            &PatientInput {
                given_name: "Amani".into(),
                family_name: "Njoroge".into(),
                date_of_birth: "1985-03-14".into(),
                sex: "male".into(),
                ..PatientInput::default()
            },
            false,
        )
        .unwrap()
        .id;
    desk.sync_now().unwrap();
    let mut dr_n = north.staff("dr.n", Role::Doctor);
    let mut south = Station::new("BR02", &server);
    south.admin().sync_now().unwrap();
    let mut dr_s = south.staff("dr.s", Role::Doctor);
    dr_s.sync_now().unwrap();

    // Both offline: nothing syncs while they prescribe.
    let mut numbers = Vec::new();
    for drug in ["metformin", "amlodipine"] {
        numbers.push(issue(&mut dr_n, patient, drug));
        numbers.push(issue(&mut dr_s, patient, drug));
    }
    dr_n.sync_now().unwrap();
    dr_s.sync_now().unwrap();
    dr_n.sync_now().unwrap();
    let mut sorted = numbers.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 4, "four distinct numbers: {numbers:?}");
    for (who, doctor) in [("north", &mut dr_n), ("south", &mut dr_s)] {
        let seen = doctor.prescriptions_of(patient).unwrap();
        assert_eq!(seen.len(), 4, "{who} holds every prescription");
        assert!(
            seen.iter()
                .all(|rx| rx.items.len() == 1 && rx.status == "issued")
        );
        let mut held: Vec<String> = seen.iter().filter_map(|rx| rx.number.clone()).collect();
        held.sort();
        assert_eq!(
            held, sorted,
            "{who} holds the numbers as issued (none renumbered)"
        );
    }
    let rows =
        server.query("SELECT count(*) FROM unique_numbers WHERE table_name = 'prescriptions'");
    assert_eq!(
        rows[0].get::<_, i64>(0),
        4,
        "the server claimed each number once"
    );

    // A cancellation made at one branch reaches the other; the prescription stays.
    let first = dr_n
        .prescriptions_of(patient)
        .unwrap()
        .into_iter()
        .find(|rx| rx.number.as_deref() == Some(numbers[0].as_str()))
        .unwrap();
    dr_n.cancel_prescription(first.id, "Changed to another drug")
        .unwrap();
    dr_n.sync_now().unwrap();
    dr_s.sync_now().unwrap();
    let there = dr_s.prescription(first.id).unwrap();
    assert_eq!(there.status, "cancelled");
    assert_eq!(
        there.cancel_reason.as_deref(),
        Some("Changed to another drug")
    );
    assert!(
        dr_s.cancel_prescription(first.id, "again").is_err(),
        "a cancelled prescription stays cancelled"
    );
}
