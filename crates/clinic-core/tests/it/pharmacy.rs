//! The pharmacy: receiving deliveries, first-expiry-first-out dispensing, partial
//! dispensing, substitutions, expired batches, stock that never goes below zero here,
//! counts, transfers, alerts, over-the-counter sales, and who may do what.

use chrono::Duration;
use clinic_core::clinical::prescriptions::{DraftInput, ItemInput};
use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::ids::{PatientId, PrescriptionId, StockItemId};
use clinic_core::pharmacy::dispensing::{DispenseLine, SaleLine};
use clinic_core::pharmacy::stock::{Delivery, ItemInput as StockItemInput, ReceiveLine};
use clinic_core::{Code, Role, Session};

use crate::support::Clinic;

struct Pharmacy {
    clinic: Clinic,
    doctor: Session,
    pharm: Session,
    patient: PatientId,
}

fn pharmacy() -> Pharmacy {
    let mut clinic = Clinic::new();
    for (name, role) in [
        ("desk", Role::Receptionist),
        ("dr.gp", Role::Doctor),
        ("pharm", Role::Pharmacist),
        ("pharm.two", Role::Pharmacist),
        ("nurse", Role::Nurse),
    ] {
        clinic.add_user(name, role);
    }
    let patient = clinic
        .sign_in("desk")
        .register_patient(
            &PatientInput {
                given_name: "Wanjiku".into(),
                family_name: "Mwangi".into(),
                date_of_birth: "1992-07-02".into(),
                sex: "female".into(),
                ..PatientInput::default()
            },
            false,
        )
        .unwrap()
        .id;
    Pharmacy {
        doctor: clinic.sign_in("dr.gp"),
        pharm: clinic.sign_in("pharm"),
        clinic,
        patient,
    }
}

fn amoxicillin(p: &mut Pharmacy, reorder_level: i64) -> StockItemId {
    p.pharm
        .add_stock_item(&StockItemInput {
            drug: Some("amoxicillin".into()),
            strength: Some("500 mg".into()),
            form: Some("capsule".into()),
            unit: "capsule".into(),
            reorder_level,
            price_minor: 1500,
            ..StockItemInput::default()
        })
        .unwrap()
        .id
}

fn line(item: StockItemId, batch: &str, expiry: &str, quantity: i64) -> ReceiveLine {
    ReceiveLine {
        item,
        batch_number: batch.into(),
        expiry_date: expiry.into(),
        quantity,
        cost_minor: 800,
        location: Some("Shelf A".into()),
    }
}

fn receive(p: &mut Pharmacy, lines: Vec<ReceiveLine>) {
    p.pharm
        .receive_stock(&Delivery {
            supplier: "MedSupplies Ltd".into(),
            reference: "INV-2026-0042".into(),
            lines,
        })
        .unwrap();
}

/// An issued prescription of amoxicillin 500 mg capsules, 1 tds for 7 days (21).
fn prescribe(p: &mut Pharmacy, substitution_allowed: bool) -> PrescriptionId {
    let rx = p
        .doctor
        .new_prescription(p.patient, &DraftInput::default())
        .unwrap();
    p.doctor
        .add_prescription_item(
            rx.id,
            &ItemInput {
                drug: Some("amoxicillin".into()),
                strength: Some("500 mg".into()),
                form: Some("capsule".into()),
                dose: "1 capsule".into(),
                frequency: "tds".into(),
                duration_days: Some(7),
                substitution_allowed: Some(substitution_allowed),
                ..ItemInput::default()
            },
        )
        .unwrap();
    p.doctor
        .issue_prescription(rx.id, Some("a second course, dispensed separately"))
        .unwrap()
        .id
}

fn give(item_id: &str, quantity: i64) -> DispenseLine {
    DispenseLine {
        item_id: item_id.into(),
        batch: None,
        stock_item: None,
        quantity,
    }
}

#[test]
fn pharmacy_fefo_gives_the_earliest_unexpired_batch_and_a_partial_dispense_stays_open() {
    let mut p = pharmacy();
    let amox = amoxicillin(&mut p, 20);
    // Monday 5 January 2026.
    receive(
        &mut p,
        vec![
            line(amox, "LATE-1", "2027-12-31", 100),
            line(amox, "SOON-1", "2026-06-30", 12),
        ],
    );
    let rx = prescribe(&mut p, false);
    let queue = p.pharm.dispense_queue().unwrap();
    assert_eq!(
        queue.len(),
        1,
        "the issued prescription waits at the pharmacy"
    );
    assert_eq!(queue[0].patient.name, "Wanjiku Mwangi");
    let view = p.pharm.dispensing(rx).unwrap();
    let item = &view.items[0];
    assert_eq!(item.prescribed, Some(21));
    assert_eq!(item.choices[0].batch.batch_number, "SOON-1");
    assert!(
        item.choices[0].first,
        "the first-expiry batch is offered first"
    );

    // Only 15 today: the rest stays open.
    let after = p.pharm.dispense(rx, &[give(&item.item.id, 15)]).unwrap();
    let item = &after.items[0];
    assert_eq!(
        (item.dispensed, item.remaining, item.open),
        (15, Some(6), true)
    );
    let batches: Vec<(&str, i64)> = item
        .given
        .iter()
        .map(|m| (m.batch_number.as_str(), m.quantity))
        .collect();
    assert_eq!(
        batches,
        [("SOON-1", -12), ("LATE-1", -3)],
        "first expiry first out, then the next batch"
    );
    assert_eq!(item.given[0].moved_by_name, "pharm", "who gave it");
    assert!(!after.complete);
    let queue = p.pharm.dispense_queue().unwrap();
    assert!(
        queue[0].partly_dispensed,
        "a partial dispensing stays in the queue"
    );

    let over = p.pharm.dispense(rx, &[give(&item.item.id, 7)]).unwrap_err();
    assert_eq!(over.code(), Code::Validation);
    assert!(over.to_string().contains("6 left"), "{over}");
    let done = p.pharm.dispense(rx, &[give(&item.item.id, 6)]).unwrap();
    assert!(done.complete);
    assert!(p.pharm.dispense_queue().unwrap().is_empty());
    let line = p.pharm.stock_line(amox).unwrap();
    assert_eq!(line.usable, 112 - 21);
}

#[test]
fn pharmacy_an_expired_batch_is_never_dispensed_and_stock_never_goes_below_zero_here() {
    let mut p = pharmacy();
    let amox = amoxicillin(&mut p, 0);
    receive(&mut p, vec![line(amox, "OLD-1", "2026-01-20", 30)]);
    let batch = p.pharm.stock_line(amox).unwrap().batches[0].id;
    let rx = prescribe(&mut p, false);
    let item_id = p.pharm.dispensing(rx).unwrap().items[0].item.id.clone();

    // The batch expires on the 20th: from then on it is not offered or accepted.
    p.clinic.clock.advance(Duration::days(15));
    p.pharm = p.clinic.sign_in("pharm");
    let view = p.pharm.dispensing(rx).unwrap();
    assert!(
        view.items[0].choices.is_empty(),
        "no expired batch is offered"
    );
    let by_fefo = p.pharm.dispense(rx, &[give(&item_id, 1)]).unwrap_err();
    assert!(
        by_fefo.to_string().contains("no unexpired stock"),
        "{by_fefo}"
    );
    let named = p
        .pharm
        .dispense(
            rx,
            &[DispenseLine {
                batch: Some(batch),
                ..give(&item_id, 1)
            }],
        )
        .unwrap_err();
    assert!(named.to_string().contains("expired"), "{named}");
    let alerts = p.pharm.stock_alerts(90).unwrap();
    assert!(
        alerts.iter().any(|a| a.kind == "expired"),
        "expired stock still on the shelf is an alert: {alerts:?}"
    );
    assert_eq!(p.pharm.notify_stock_alerts(90).unwrap(), 1);
    assert_eq!(
        p.pharm.notify_stock_alerts(90).unwrap(),
        0,
        "an alert is notified once"
    );
    p.pharm
        .expire_stock(batch, 30, "expired on the shelf; destroyed")
        .unwrap();

    // A fresh batch of 5: a dispense of 6 is refused, not taken below zero.
    receive(&mut p, vec![line(amox, "NEW-1", "2027-01-31", 5)]);
    let refused = p.pharm.dispense(rx, &[give(&item_id, 6)]).unwrap_err();
    assert!(refused.to_string().contains("only 5"), "{refused}");
    let fresh = p.pharm.stock_line(amox).unwrap();
    assert_eq!(fresh.usable, 5, "nothing moved by a refused dispense");
    let sell = p
        .pharm
        .sell_otc(
            None,
            &[SaleLine {
                stock_item: amox,
                batch: None,
                quantity: 1,
            }],
        )
        .unwrap_err();
    assert!(
        sell.to_string().contains("needs a prescription"),
        "an antibiotic is not sold over the counter: {sell}"
    );
}

#[test]
fn pharmacy_a_substitute_is_given_only_when_the_prescription_allows_it() {
    let mut p = pharmacy();
    let amox250 = p
        .pharm
        .add_stock_item(&StockItemInput {
            drug: Some("amoxicillin".into()),
            strength: Some("250 mg".into()),
            form: Some("capsule".into()),
            unit: "capsule".into(),
            ..StockItemInput::default()
        })
        .unwrap()
        .id;
    receive(&mut p, vec![line(amox250, "B250", "2027-03-31", 60)]);
    let strict = prescribe(&mut p, false);
    let view = p.pharm.dispensing(strict).unwrap();
    assert!(view.items[0].choices.is_empty(), "no substitute offered");
    let item_id = view.items[0].item.id.clone();
    let refused = p
        .pharm
        .dispense(
            strict,
            &[DispenseLine {
                stock_item: Some(amox250),
                ..give(&item_id, 21)
            }],
        )
        .unwrap_err();
    assert_eq!(refused.code(), Code::Validation);

    let allowed = prescribe(&mut p, true);
    let view = p.pharm.dispensing(allowed).unwrap();
    assert!(view.items[0].choices[0].substitute);
    let item_id = view.items[0].item.id.clone();
    let given = p
        .pharm
        .dispense(
            allowed,
            &[DispenseLine {
                stock_item: Some(amox250),
                ..give(&item_id, 21)
            }],
        )
        .unwrap();
    assert!(
        given.items[0].given[0].substitute,
        "the substitution is recorded"
    );
}

#[test]
fn pharmacy_a_movement_below_the_reorder_level_tells_the_branchs_pharmacists() {
    let mut p = pharmacy();
    let amox = amoxicillin(&mut p, 80);
    receive(&mut p, vec![line(amox, "L1", "2027-12-31", 100)]);
    let rx = prescribe(&mut p, false);
    let item_id = p.pharm.dispensing(rx).unwrap().items[0].item.id.clone();
    p.pharm.dispense(rx, &[give(&item_id, 21)]).unwrap();
    let mut other = p.clinic.sign_in("pharm.two");
    let notes = other.notifications(true).unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.kind == "low_stock" && n.body.contains("79 capsules left")),
        "{notes:?}"
    );
    assert!(
        p.pharm
            .stock_alerts(90)
            .unwrap()
            .iter()
            .any(|a| a.kind == "low_stock")
    );
}

#[test]
fn pharmacy_counts_correct_the_books_with_a_reason_and_only_pharmacists_move_stock() {
    let mut p = pharmacy();
    let amox = amoxicillin(&mut p, 0);
    receive(&mut p, vec![line(amox, "L1", "2027-12-31", 50)]);
    let batch = p.pharm.stock_line(amox).unwrap().batches[0].id;
    let m = p
        .pharm
        .adjust_stock(batch, 47, "shelf count", None)
        .unwrap();
    assert_eq!(m.quantity, -3);
    let same = p.pharm.adjust_stock(batch, 47, "again", None).unwrap_err();
    assert_eq!(same.code(), Code::Validation);
    let history = p
        .pharm
        .stock_movements(
            chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        )
        .unwrap();
    let kinds: Vec<(&str, i64)> = history
        .iter()
        .map(|m| (m.kind.as_str(), m.quantity))
        .collect();
    assert_eq!(
        kinds,
        [("receive", 50), ("adjust", -3)],
        "every movement is kept"
    );
    let report = p.pharm.stock_report().unwrap();
    assert_eq!(report.total_value_minor, 47 * 800);
    assert_eq!(report.branches.len(), 1);
    assert_eq!(
        (
            report.branches[0].branch_code.as_str(),
            report.branches[0].value_minor
        ),
        ("BR01", 47 * 800),
        "each branch's value at cost"
    );

    // Administrators adjust; doctors, nurses and receptionists move nothing.
    let admin = &mut p.clinic.admin;
    admin
        .adjust_stock(batch, 46, "broken capsule", None)
        .unwrap();
    let refused = admin
        .receive_stock(&Delivery {
            supplier: "X".into(),
            reference: "Y".into(),
            lines: vec![line(amox, "L2", "2027-12-31", 1)],
        })
        .unwrap_err();
    assert_eq!(refused.code(), Code::Forbidden);
    for who in ["dr.gp", "nurse", "desk"] {
        let mut s = p.clinic.sign_in(who);
        assert_eq!(s.stock().unwrap_err().code(), Code::Forbidden, "{who}");
        assert_eq!(
            s.adjust_stock(batch, 0, "x", None).unwrap_err().code(),
            Code::Forbidden,
            "{who}"
        );
        assert_eq!(
            s.expire_stock(batch, 1, "x").unwrap_err().code(),
            Code::Forbidden,
            "{who}"
        );
        assert_eq!(
            s.dispense_queue().unwrap_err().code(),
            Code::Forbidden,
            "{who}"
        );
    }
}

#[test]
fn pharmacy_a_delivery_is_checked_whole_before_anything_is_received() {
    let mut p = pharmacy();
    let amox = amoxicillin(&mut p, 0);
    let err = p
        .pharm
        .receive_stock(&Delivery {
            supplier: "MedSupplies".into(),
            reference: "D-9".into(),
            lines: vec![
                line(amox, "OK", "2027-01-31", 10),
                line(amox, "OLD", "2025-12-31", 10),
            ],
        })
        .unwrap_err();
    assert!(err.to_string().contains("line 2"), "{err}");
    assert!(
        p.pharm.stock_line(amox).unwrap().batches.is_empty(),
        "nothing half-received"
    );
    let err = p
        .pharm
        .receive_stock(&Delivery {
            supplier: "MedSupplies".into(),
            reference: " ".into(),
            lines: vec![line(amox, "OK", "2027-01-31", 10)],
        })
        .unwrap_err();
    assert_eq!(err.code(), Code::Validation);
}
