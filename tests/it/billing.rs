//! Billing across workstations: one visit completed on two workstations while offline
//! makes exactly one invoice; invoices issued offline on two devices never share a
//! number; a payment recorded twice offline is kept twice and shows as an overpayment.

use clinic_core::billing::invoices::{LineInput, PaymentInput};
use clinic_core::frontdesk::doctors::DoctorInput;
use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::{Role, Session};

use crate::harness::{STAFF_PASSWORD, Server, Station};

fn sync(sessions: &mut [&mut Session]) {
    for s in sessions.iter_mut() {
        s.sync_now().unwrap();
    }
}

#[test]
fn a_visit_completed_on_two_offline_workstations_makes_one_invoice_and_payments_are_all_kept() {
    let server = Server::start();
    let mut front = Station::new("BR01", &server);
    let mut back = Station::new("BR01", &server);
    let mut desk = front.staff("desk.f", Role::Receptionist);
    let patient = desk
        .register_patient(
            &PatientInput {
                given_name: "Otieno".into(),
                family_name: "Ouma".into(),
                date_of_birth: "1970-10-10".into(),
                sex: "male".into(),
                ..PatientInput::default()
            },
            false,
        )
        .unwrap()
        .id;
    let mut dr = front.staff("dr.f", Role::Doctor);
    front
        .admin()
        .add_doctor(&DoctorInput {
            username: "dr.f".into(),
            specialization: "General practice".into(),
            licence_number: "GP-77".into(),
            fee_minor: 3000,
            ..DoctorInput::default()
        })
        .unwrap();
    front.admin().sync_now().unwrap();
    let visit = dr.open_walk_in(patient, "Back pain").unwrap();
    sync(&mut [&mut desk, &mut dr]);
    back.admin().sync_now().unwrap();
    back.admin().seal_user_here("dr.f", STAFF_PASSWORD).unwrap();
    let mut dr_back = back.workstation.unlock("dr.f", STAFF_PASSWORD).unwrap();
    dr_back.sync_now().unwrap();

    // Offline, the doctor completes the visit at the front and again at the back.
    let (_, invoice_f) = dr.complete_visit(visit.id).unwrap();
    back.clock.advance(chrono::Duration::minutes(3));
    let (_, invoice_b) = dr_back.complete_visit(visit.id).unwrap();
    assert_eq!(
        invoice_f, invoice_b,
        "the same visit's draft is the same row"
    );
    sync(&mut [&mut dr, &mut dr_back, &mut desk]);
    dr.sync_now().unwrap();
    let rows = server.query("SELECT count(*) FROM row_state WHERE table_name = 'invoices'");
    assert_eq!(
        rows[0].get::<_, i64>(0),
        1,
        "exactly one invoice on the server"
    );
    assert_eq!(
        desk.invoices_of(patient).unwrap().len(),
        1,
        "the front desk sees one invoice for the visit"
    );
    let why: Vec<(String, String)> = dr_back
        .raw_connection()
        .unwrap()
        .prepare("SELECT table_name, push_error FROM change_log WHERE push_error IS NOT NULL")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        dr_back.sync_status().unwrap().refused_changes,
        0,
        "the server took the second completion (the same row again): {why:?}"
    );
    let conflicts = back.admin().sync_conflicts().unwrap();
    assert!(
        conflicts.is_empty(),
        "the second completion is accepted, not left as a conflict: {conflicts:?}"
    );

    // An accountant discounts the fee (the server judges the line by its invoice), then
    // the draft is issued at the front; two cashiers take the same payment offline.
    let mut acct = front.staff("acct.f", Role::Accountant);
    acct.sync_now().unwrap();
    let fee_line = acct.invoice(&invoice_f).unwrap().lines[0].line.id.clone();
    acct.discount_line(&fee_line, 1000, "returning patient")
        .unwrap();
    acct.sync_now().unwrap();
    assert_eq!(
        acct.sync_status().unwrap().refused_changes,
        0,
        "the server takes the accountant's discount"
    );
    desk.sync_now().unwrap();
    let issued = desk.issue_invoice(&invoice_f).unwrap();
    assert_eq!(
        issued.totals.total_minor, 2700,
        "the doctor's fee less 10 %"
    );
    desk.sync_now().unwrap();
    back.admin().sync_now().unwrap();
    let mut cashier = back.staff("cash.b", Role::Receptionist);
    cashier.sync_now().unwrap();
    let pay = PaymentInput {
        method: "mobile_money".into(),
        amount_minor: 2700,
        reference: Some("MPESA-QX7".into()),
        ..PaymentInput::default()
    };
    desk.record_payment(&invoice_f, &pay).unwrap();
    cashier.record_payment(&invoice_f, &pay).unwrap();
    sync(&mut [&mut desk, &mut cashier]);
    desk.sync_now().unwrap();
    for (who, s) in [("front", &mut desk), ("back", &mut cashier)] {
        let seen = s.invoice(&invoice_f).unwrap();
        assert_eq!(seen.payments.len(), 2, "{who} keeps both payments");
        assert_eq!(
            (seen.state.as_str(), seen.balance_minor),
            ("overpaid", -2700),
            "{who} shows the overpayment to resolve"
        );
    }

    // Invoices issued offline on both devices never share a number.
    let mut numbers = Vec::new();
    for s in [&mut desk, &mut cashier] {
        for _ in 0..2 {
            let id = s.new_invoice(Some(patient)).unwrap().invoice.id;
            s.add_invoice_line(
                &id,
                &LineInput {
                    description: Some("Records copy".into()),
                    category: Some("other".into()),
                    unit_price_minor: Some(200),
                    quantity: 1,
                    ..LineInput::default()
                },
            )
            .unwrap();
            numbers.push(s.issue_invoice(&id).unwrap().invoice.number.unwrap());
        }
    }
    sync(&mut [&mut desk, &mut cashier]);
    desk.sync_now().unwrap();
    let mut distinct = numbers.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 4, "{numbers:?}");
    assert_eq!(desk.invoices_of(patient).unwrap().len(), 5);
    assert_eq!(cashier.invoices_of(patient).unwrap().len(), 5);
}
