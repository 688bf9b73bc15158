//! Stock across workstations: two workstations of one branch each dispense the last
//! units of a batch while offline. The server accepts every movement, raises exactly
//! one discrepancy, both workstations see it and both dispensers are told; a count
//! resolves it everywhere.

use clinic_core::clinical::prescriptions::{DraftInput, ItemInput};
use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::ids::PrescriptionId;
use clinic_core::pharmacy::dispensing::DispenseLine;
use clinic_core::pharmacy::stock::{Delivery, ItemInput as StockItemInput, ReceiveLine};
use clinic_core::{Role, Session};

use crate::harness::{Server, Station};

fn prescribe(doctor: &mut Session, patient: clinic_core::ids::PatientId) -> PrescriptionId {
    let rx = doctor
        .new_prescription(patient, &DraftInput::default())
        .unwrap();
    doctor
        .add_prescription_item(
            rx.id,
            &ItemInput {
                drug: Some("amoxicillin".into()),
                strength: Some("500 mg".into()),
                form: Some("capsule".into()),
                dose: "1 capsule".into(),
                frequency: "tds".into(),
                duration_days: Some(7),
                ..ItemInput::default()
            },
        )
        .unwrap();
    doctor
        .issue_prescription(rx.id, Some("two courses for the household"))
        .unwrap()
        .id
}

fn give_all(pharm: &mut Session, rx: PrescriptionId) {
    let item = pharm.dispensing(rx).unwrap().items[0].item.id.clone();
    pharm
        .dispense(
            rx,
            &[DispenseLine {
                item_id: item,
                batch: None,
                stock_item: None,
                quantity: 21,
            }],
        )
        .unwrap();
}

#[test]
fn two_offline_workstations_overselling_a_batch_raise_one_discrepancy_seen_at_both() {
    let server = Server::start();
    let mut front = Station::new("BR01", &server);
    let mut back = Station::new("BR01", &server);
    let mut desk = front.staff("desk.f", Role::Receptionist);
    let patient = desk
        .register_patient(
            &PatientInput {
                given_name: "Njeri".into(),
                family_name: "Kariuki".into(),
                date_of_birth: "1988-09-09".into(),
                sex: "female".into(),
                ..PatientInput::default()
            },
            false,
        )
        .unwrap()
        .id;
    let mut doctor = front.staff("dr.f", Role::Doctor);
    let rx_one = prescribe(&mut doctor, patient);
    let rx_two = prescribe(&mut doctor, patient);
    desk.sync_now().unwrap();
    doctor.sync_now().unwrap();

    // 30 capsules arrive at the front; both workstations learn of them.
    let mut pharm_f = front.staff("pharm.f", Role::Pharmacist);
    let item = pharm_f
        .add_stock_item(&StockItemInput {
            drug: Some("amoxicillin".into()),
            strength: Some("500 mg".into()),
            form: Some("capsule".into()),
            unit: "capsule".into(),
            reorder_level: 10,
            price_minor: 1500,
            ..StockItemInput::default()
        })
        .unwrap();
    pharm_f
        .receive_stock(&Delivery {
            supplier: "MedSupplies".into(),
            reference: "INV-77".into(),
            lines: vec![ReceiveLine {
                item: item.id,
                batch_number: "AMX-1".into(),
                expiry_date: "2027-06-30".into(),
                quantity: 30,
                cost_minor: 700,
                location: None,
            }],
        })
        .unwrap();
    pharm_f.sync_now().unwrap();
    back.admin().sync_now().unwrap();
    let mut pharm_b = back.staff("pharm.b", Role::Pharmacist);
    pharm_b.sync_now().unwrap();
    pharm_f.sync_now().unwrap();
    assert_eq!(pharm_b.stock_line(item.id).unwrap().usable, 30);

    // Offline, each gives a full course of 21: each workstation's books still say 9.
    give_all(&mut pharm_f, rx_one);
    give_all(&mut pharm_b, rx_two);
    assert_eq!(pharm_f.stock_line(item.id).unwrap().usable, 9);
    assert_eq!(pharm_b.stock_line(item.id).unwrap().usable, 9);

    // Back online: the first push leaves 9 on the server, the second takes it to -12.
    pharm_f.sync_now().unwrap();
    pharm_b.sync_now().unwrap();
    pharm_f.sync_now().unwrap();
    pharm_b.sync_now().unwrap();

    let raised = server.query(
        "SELECT fields->>'balance', fields->>'status' FROM row_state
         WHERE table_name = 'stock_discrepancies'",
    );
    assert_eq!(raised.len(), 1, "exactly one discrepancy on the server");
    assert_eq!(raised[0].get::<_, String>(0), "-12");
    let movements =
        server.query("SELECT count(*) FROM row_state WHERE table_name = 'stock_movements'");
    assert_eq!(
        movements[0].get::<_, i64>(0),
        3,
        "every movement is kept: the delivery and both dispensings"
    );
    for (who, pharm) in [("front", &mut pharm_f), ("back", &mut pharm_b)] {
        let seen = pharm.stock_discrepancies().unwrap();
        assert_eq!(seen.len(), 1, "{who} sees the one discrepancy");
        assert_eq!((seen[0].balance, seen[0].status.as_str()), (-12, "open"));
        assert_eq!(
            pharm.stock_line(item.id).unwrap().usable,
            -12,
            "{who}'s books hold both dispensings"
        );
        assert!(
            pharm
                .notifications(true)
                .unwrap()
                .iter()
                .any(|n| n.kind == "stock_discrepancy" && n.body.contains("AMX-1")),
            "{who}'s dispenser is told"
        );
    }

    // The front counts the shelf (empty) and resolves it; the back sees it resolved.
    let discrepancy = pharm_f.stock_discrepancies().unwrap()[0].id;
    let batch = pharm_f.stock_line(item.id).unwrap().batches[0].id;
    let counted = pharm_f
        .adjust_stock(batch, 0, "shelf counted: empty", Some(discrepancy))
        .unwrap();
    assert_eq!(counted.quantity, 12);
    pharm_f.sync_now().unwrap();
    pharm_b.sync_now().unwrap();
    let seen = pharm_b.stock_discrepancies().unwrap();
    assert_eq!(seen[0].status, "resolved");
    assert!(seen[0].resolution.as_deref().unwrap().contains("counted 0"));
    assert_eq!(pharm_b.stock_line(item.id).unwrap().usable, 0);
    let balance = server.query("SELECT balance FROM stock_balances");
    assert_eq!(balance[0].get::<_, i64>(0), 0, "the server's count agrees");
    assert_eq!(
        server.query("SELECT count(*) FROM row_state WHERE table_name = 'stock_discrepancies'")[0]
            .get::<_, i64>(0),
        1,
        "a count back to zero raises nothing new"
    );
}
