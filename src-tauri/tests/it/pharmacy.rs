//! The pharmacy (`src/pharmacy.rs`) on the demo clinic: its pharmacist's shelf and
//! queue, a delivery, a partial dispensing first-expiry-first-out, the low-stock
//! notification it causes, the expiry alert, and who may not.

use clinic_desktop::pharmacy::{DeliveryInput, DispenseLineInput, ReceiveLineInput};

use crate::clinical::{DESK, DOCTOR, demo_clinic, forbidden, invalid, sign_in_as};

const PHARMACIST: &str = "pharm.otieno";

#[test]
fn the_pharmacist_receives_dispenses_part_of_a_prescription_and_is_told_stock_is_low() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, PHARMACIST);
    let stock = shell.stock_list().unwrap();
    let amlodipine = stock
        .iter()
        .find(|l| l.item.label == "amlodipine 10 mg tablet")
        .expect("the demo stocks amlodipine");
    assert_eq!((amlodipine.usable, amlodipine.low), (120, false));
    let notes = shell.notifications(true).unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.kind == "stock_expiring" && n.body.contains("MET-090")),
        "opening the stock tells the pharmacist of the batch expiring soon: {notes:?}"
    );

    let paracetamol = stock
        .iter()
        .find(|l| l.item.label == "paracetamol 500 mg tablet")
        .unwrap();
    invalid(
        shell
            .receive_stock(DeliveryInput {
                supplier: "Riverside Pharmaceuticals Ltd".into(),
                reference: "INV-1".into(),
                lines: vec![ReceiveLineInput {
                    item_id: paracetamol.item.id.clone(),
                    batch_number: "PCM-90".into(),
                    expiry_date: "2025-12-31".into(),
                    quantity: 200,
                    cost_minor: 100,
                    location: None,
                }],
            })
            .unwrap_err(),
        "expiry_date",
    );
    let received = shell
        .receive_stock(DeliveryInput {
            supplier: "Riverside Pharmaceuticals Ltd".into(),
            reference: "INV-1".into(),
            lines: vec![ReceiveLineInput {
                item_id: paracetamol.item.id.clone(),
                batch_number: "PCM-90".into(),
                expiry_date: "2027-12-31".into(),
                quantity: 200,
                cost_minor: 100,
                location: Some("Shelf P".into()),
            }],
        })
        .unwrap();
    assert_eq!(received[0].balance, 200);

    let queue = shell.dispense_queue().unwrap();
    let waiting = queue
        .iter()
        .find(|q| {
            shell.dispensing(&q.prescription_id).unwrap().items[0]
                .item
                .drug_name
                == "amlodipine"
        })
        .expect("a past visit's amlodipine prescription waits in the queue");
    let view = shell.dispensing(&waiting.number).unwrap();
    assert_eq!(
        view.items[0].prescribed,
        Some(28),
        "found by its number too"
    );
    let given = shell
        .dispense(
            &waiting.prescription_id,
            &[DispenseLineInput {
                item_id: view.items[0].item_id.clone(),
                batch_id: None,
                stock_item_id: None,
                quantity: 21,
            }],
        )
        .unwrap();
    assert_eq!(
        (
            given.items[0].remaining,
            given.items[0].open,
            given.complete
        ),
        (Some(7), true, false)
    );
    assert_eq!(given.items[0].given[0].batch_number, "AML-2407");
    assert!(
        shell
            .dispense_queue()
            .unwrap()
            .iter()
            .any(|q| q.prescription_id == waiting.prescription_id && q.partly_dispensed),
        "the rest stays open in the queue"
    );
    assert!(
        shell
            .notifications(true)
            .unwrap()
            .iter()
            .any(|n| n.kind == "low_stock" && n.title.contains("amlodipine")),
        "99 left on a reorder level of 100 tells the pharmacist"
    );
    assert!(
        shell
            .stock_list()
            .unwrap()
            .iter()
            .any(|l| l.item.label == "amlodipine 10 mg tablet" && l.low && l.usable == 99)
    );
}

#[test]
fn doctors_and_the_front_desk_move_no_stock_and_dispense_nothing() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, PHARMACIST);
    let batch = shell.stock_list().unwrap()[0].batches[0].id.clone();
    for who in [DOCTOR, DESK] {
        sign_in_as(&shell, who);
        forbidden(shell.stock_list().unwrap_err());
        forbidden(shell.dispense_queue().unwrap_err());
        forbidden(shell.adjust_stock(&batch, 0, "count", None).unwrap_err());
        forbidden(shell.expire_stock(&batch, 1, "broken").unwrap_err());
    }
}
