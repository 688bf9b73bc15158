//! Billing: a completed visit's one draft, lines from the price list, discounts with
//! their right and reason, issuing with a per-device number, immutability, voids and
//! credit notes keeping the original, payments, refunds and overpayment, who may.

use clinic_core::billing::invoices::{LineInput, PaymentInput, PriceItem};
use clinic_core::billing::reports::Period;
use clinic_core::clinical::lab::LabOrderInput;
use clinic_core::frontdesk::doctors::DoctorInput;
use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::ids::PatientId;
use clinic_core::{Code, Role, Session};

use crate::support::Clinic;

/// A line from the price list.
fn priced(code: &str, quantity: i64) -> LineInput {
    LineInput {
        code: Some(code.into()),
        quantity,
        ..LineInput::default()
    }
}

struct Desk {
    clinic: Clinic,
    doctor: Session,
    desk: Session,
    patient: PatientId,
}

fn desk() -> Desk {
    let mut clinic = Clinic::new();
    for (name, role) in [
        ("desk", Role::Receptionist),
        ("dr.gp", Role::Doctor),
        ("acct", Role::Accountant),
        ("nurse", Role::Nurse),
        ("pharm", Role::Pharmacist),
    ] {
        clinic.add_user(name, role);
    }
    clinic
        .admin
        .add_doctor(&DoctorInput {
            username: "dr.gp".into(),
            specialization: "General practice".into(),
            licence_number: "GP-1".into(),
            fee_minor: 2500,
            ..DoctorInput::default()
        })
        .unwrap();
    for (code, name, category, price_minor, tax_bp) in [
        ("DRESS", "Wound dressing", "procedure", 1200, 1600),
        (
            "CONSULTATION",
            "Consultation tax rate",
            "consultation",
            0,
            0,
        ),
        ("LAB", "Laboratory tax rate", "lab", 0, 800),
    ] {
        clinic
            .admin
            .set_price(&PriceItem {
                id: String::new(),
                code: code.into(),
                name: name.into(),
                category: category.into(),
                price_minor,
                tax_bp,
                active: true,
            })
            .unwrap();
    }
    let mut desk = clinic.sign_in("desk");
    let patient = desk
        .register_patient(
            &PatientInput {
                given_name: "Achieng".into(),
                family_name: "Odhiambo".into(),
                date_of_birth: "1979-03-03".into(),
                sex: "female".into(),
                ..PatientInput::default()
            },
            false,
        )
        .unwrap()
        .id;
    Desk {
        doctor: clinic.sign_in("dr.gp"),
        desk,
        clinic,
        patient,
    }
}

#[test]
fn billing_completing_a_visit_makes_one_draft_with_the_fee_and_the_lab_tests() {
    let mut d = desk();
    let visit = d.doctor.open_walk_in(d.patient, "Cough").unwrap();
    d.doctor
        .order_lab(
            d.patient,
            &LabOrderInput {
                encounter: Some(visit.id),
                codes: vec!["2823-3".into()],
                ..LabOrderInput::default()
            },
        )
        .unwrap();
    let (done, invoice) = d.doctor.complete_visit(visit.id).unwrap();
    assert_eq!(done.status, "completed");
    let again = d.doctor.complete_visit(visit.id).unwrap_err();
    assert_eq!(again.code(), Code::Validation, "a visit completes once");

    let draft = d.desk.invoice(&invoice).unwrap();
    assert_eq!(draft.invoice.status, "draft");
    assert!(draft.invoice.number.is_none(), "a draft has no number");
    let lines: Vec<(&str, i64, i64)> = draft
        .lines
        .iter()
        .map(|l| {
            (
                l.line.category.as_str(),
                l.line.unit_price_minor,
                l.line.tax_bp,
            )
        })
        .collect();
    assert_eq!(lines[0], ("consultation", 2500, 0), "the doctor's fee");
    assert_eq!(lines[1].0, "lab");
    assert_eq!(lines[1].2, 800, "the lab category's tax rate");
    assert_eq!(
        d.desk.invoices_of(d.patient).unwrap().len(),
        1,
        "exactly one invoice for the visit"
    );
}

#[test]
fn billing_issuing_numbers_and_freezes_a_draft_and_a_void_or_credit_keeps_the_original() {
    let mut d = desk();
    let draft = d.desk.new_invoice(Some(d.patient)).unwrap();
    let id = draft.invoice.id.clone();
    let with = d.desk.add_invoice_line(&id, &priced("dress", 2)).unwrap();
    // 2 × 12.00 = 24.00, 16 % tax = 3.84.
    assert_eq!(
        (
            with.totals.subtotal_minor,
            with.totals.tax_minor,
            with.totals.total_minor
        ),
        (2400, 384, 2784)
    );
    let refused = d
        .desk
        .discount_line(&with.lines[0].line.id, 1000, "regular")
        .unwrap_err();
    assert_eq!(
        refused.code(),
        Code::Forbidden,
        "the front desk gives no discounts"
    );
    let mut acct = d.clinic.sign_in("acct");
    assert_eq!(
        acct.discount_line(&with.lines[0].line.id, 1000, " ")
            .unwrap_err()
            .code(),
        Code::Validation,
        "a discount keeps its reason"
    );
    let discounted = acct
        .discount_line(&with.lines[0].line.id, 1000, "staff family")
        .unwrap();
    // 24.00 − 2.40 = 21.60; tax 16 % = 3.456 → 3.46.
    assert_eq!(
        (
            discounted.totals.discount_minor,
            discounted.totals.tax_minor,
            discounted.totals.total_minor
        ),
        (240, 346, 2506)
    );

    let issued = d.desk.issue_invoice(&id).unwrap();
    let number = issued.invoice.number.clone().unwrap();
    assert!(number.starts_with("BR01-"), "{number}");
    assert!(
        number.contains("-2026-"),
        "the year in the series: {number}"
    );
    let frozen = d
        .desk
        .add_invoice_line(&id, &priced("DRESS", 1))
        .unwrap_err();
    assert!(
        frozen
            .to_string()
            .contains("void it or issue a credit note"),
        "{frozen}"
    );
    let second = d.desk.new_invoice(None).unwrap().invoice.id;
    d.desk
        .add_invoice_line(
            &second,
            &LineInput {
                description: Some("Certificate copy".into()),
                category: Some("other".into()),
                unit_price_minor: Some(500),
                quantity: 1,
                ..LineInput::default()
            },
        )
        .unwrap();
    let next = d
        .desk
        .issue_invoice(&second)
        .unwrap()
        .invoice
        .number
        .unwrap();
    assert_ne!(next, number, "numbers are never reused");

    let credit = d.desk.credit_invoice(&number, "dressing not done").unwrap();
    assert_eq!(credit.invoice.kind, "credit_note");
    assert_eq!(credit.totals.total_minor, -2506, "a full credit");
    assert!(credit.invoice.number.unwrap().starts_with("CN-BR01-"));
    assert_eq!(
        d.desk.invoice(&id).unwrap().invoice.status,
        "issued",
        "the credited invoice is kept as it was"
    );
    let voided = d.desk.void_invoice(&next, "issued by mistake").unwrap();
    assert_eq!(voided.invoice.status, "void");
    assert_eq!(voided.totals.total_minor, 500, "a void keeps its lines");
    assert!(d.desk.void_invoice(&next, "again").is_err());
}

#[test]
fn billing_payments_add_up_refunds_keep_a_reason_and_an_overpayment_shows() {
    let mut d = desk();
    let id = d.desk.new_invoice(Some(d.patient)).unwrap().invoice.id;
    d.desk.add_invoice_line(&id, &priced("DRESS", 1)).unwrap();
    let pay = |amount_minor: i64| PaymentInput {
        method: "cash".into(),
        amount_minor,
        ..PaymentInput::default()
    };
    assert!(
        d.desk.record_payment(&id, &pay(100)).is_err(),
        "no payment on a draft"
    );
    let total = d.desk.issue_invoice(&id).unwrap().totals.total_minor;
    assert_eq!(total, 1392);
    let cash = d
        .desk
        .record_payment(
            &id,
            &PaymentInput {
                tendered_minor: Some(1000),
                ..pay(800)
            },
        )
        .unwrap();
    assert_eq!(
        cash.change_minor,
        Some(200),
        "change due from the cash tendered"
    );
    assert!(cash.receipt_number.starts_with("R-BR01-"));
    assert_eq!(d.desk.invoice(&id).unwrap().state, "partially_paid");
    d.desk.record_payment(&id, &pay(592)).unwrap();
    assert_eq!(d.desk.invoice(&id).unwrap().state, "paid");
    d.desk.record_payment(&id, &pay(592)).unwrap();
    let over = d.desk.invoice(&id).unwrap();
    assert_eq!(
        (over.state.as_str(), over.balance_minor),
        ("overpaid", -592)
    );
    assert!(
        d.desk
            .record_payment(&id, &pay(-592))
            .unwrap_err()
            .to_string()
            .contains("reason"),
        "a refund keeps its reason"
    );
    assert!(
        d.desk
            .record_payment(
                &id,
                &PaymentInput {
                    reason: Some("paid twice".into()),
                    ..pay(-5000)
                }
            )
            .is_err(),
        "never more than was paid"
    );
    d.desk
        .record_payment(
            &id,
            &PaymentInput {
                reason: Some("paid twice".into()),
                ..pay(-592)
            },
        )
        .unwrap();
    let settled = d.desk.invoice(&id).unwrap();
    assert_eq!(
        (settled.state.as_str(), settled.payments.len()),
        ("paid", 4)
    );
    assert!(
        d.desk.void_invoice(&id, "x").is_err(),
        "a paid invoice is not voided; it is credited"
    );
    for who in ["dr.gp", "nurse", "pharm"] {
        let mut s = d.clinic.sign_in(who);
        assert_eq!(
            s.record_payment(&id, &pay(1)).unwrap_err().code(),
            Code::Forbidden,
            "{who} takes no payments"
        );
        assert_eq!(
            s.new_invoice(None).unwrap_err().code(),
            Code::Forbidden,
            "{who}"
        );
    }
}

#[test]
fn billing_what_the_pharmacy_gave_becomes_invoice_lines_once() {
    use clinic_core::clinical::prescriptions::{DraftInput, ItemInput};
    use clinic_core::pharmacy::dispensing::{DispenseLine, SaleLine};
    use clinic_core::pharmacy::stock::{Delivery, ItemInput as StockItemInput, ReceiveLine};

    let mut d = desk();
    let mut pharm = d.clinic.sign_in("pharm");
    let mut stock = |drug: &str, otc: bool, price_minor: i64| {
        let item = pharm
            .add_stock_item(&StockItemInput {
                drug: Some(drug.into()),
                strength: Some("500 mg".into()),
                form: Some("tablet".into()),
                unit: "tablet".into(),
                price_minor,
                otc,
                ..StockItemInput::default()
            })
            .unwrap();
        pharm
            .receive_stock(&Delivery {
                supplier: "S".into(),
                reference: "D-1".into(),
                lines: vec![ReceiveLine {
                    item: item.id,
                    batch_number: format!("{drug}-1"),
                    expiry_date: "2027-12-31".into(),
                    quantity: 100,
                    cost_minor: 10,
                    location: None,
                }],
            })
            .unwrap();
        item.id
    };
    stock("metformin", false, 50);
    let paracetamol = stock("paracetamol", true, 20);
    let rx = d
        .doctor
        .new_prescription(d.patient, &DraftInput::default())
        .unwrap();
    d.doctor
        .add_prescription_item(
            rx.id,
            &ItemInput {
                drug: Some("metformin".into()),
                strength: Some("500 mg".into()),
                form: Some("tablet".into()),
                dose: "1 tablet".into(),
                frequency: "bd".into(),
                duration_days: Some(10),
                ..ItemInput::default()
            },
        )
        .unwrap();
    d.doctor.issue_prescription(rx.id, None).unwrap();
    let item = pharm.dispensing(rx.id).unwrap().items[0].item.id.clone();
    pharm
        .dispense(
            rx.id,
            &[DispenseLine {
                item_id: item,
                batch: None,
                stock_item: None,
                quantity: 20,
            }],
        )
        .unwrap();
    let sale = pharm
        .sell_otc(
            None,
            &[SaleLine {
                stock_item: paracetamol,
                batch: None,
                quantity: 8,
            }],
        )
        .unwrap();

    let id = d.desk.new_invoice(Some(d.patient)).unwrap().invoice.id;
    let billed = d.desk.add_dispensed_lines(&id, None).unwrap();
    assert_eq!(
        billed.lines.len(),
        1,
        "the patient's dispensing, not the walk-in sale"
    );
    let line = &billed.lines[0].line;
    assert_eq!(
        (line.category.as_str(), line.quantity, line.unit_price_minor),
        ("pharmacy", 20, 50)
    );
    assert!(
        line.description.contains("metformin"),
        "{}",
        line.description
    );
    assert!(
        d.desk.add_dispensed_lines(&id, None).is_err(),
        "nothing is billed twice"
    );
    let walk_in = d.desk.new_invoice(None).unwrap().invoice.id;
    assert!(
        d.desk.add_dispensed_lines(&walk_in, None).is_err(),
        "a walk-in names its sale"
    );
    let sold = d
        .desk
        .add_dispensed_lines(&walk_in, Some(&sale.number))
        .unwrap();
    assert_eq!(
        sold.totals.total_minor,
        8 * 20,
        "the sale at the price it left at"
    );
}

#[test]
fn billing_the_cash_up_and_the_month_add_up_and_export_as_csv() {
    let mut d = desk();
    let visit = d.doctor.open_walk_in(d.patient, "Review").unwrap();
    let (_, visit_invoice) = d.doctor.complete_visit(visit.id).unwrap();
    d.desk.issue_invoice(&visit_invoice).unwrap(); // 25.00, unpaid
    let id = d.desk.new_invoice(Some(d.patient)).unwrap().invoice.id;
    d.desk.add_invoice_line(&id, &priced("DRESS", 1)).unwrap();
    d.desk.issue_invoice(&id).unwrap(); // 13.92
    for (method, amount_minor) in [("cash", 1000), ("card", 392)] {
        d.desk
            .record_payment(
                &id,
                &PaymentInput {
                    method: method.into(),
                    amount_minor,
                    ..PaymentInput::default()
                },
            )
            .unwrap();
    }
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let cash = d.desk.cash_up(Period::day(today), None).unwrap();
    assert_eq!(cash.total_minor, 1392);
    assert_eq!(cash.by_method.get("cash"), Some(&1000));
    assert_eq!(cash.rows.len(), 2, "one row per cashier and method");
    let other_day = d
        .desk
        .cash_up(Period::day(today.succ_opt().unwrap()), None)
        .unwrap();
    assert_eq!(other_day.total_minor, 0, "days are the clinic's days");

    let month = d
        .desk
        .summary(Period::month(2026, 1).unwrap(), None)
        .unwrap();
    assert_eq!(month.visits, 1);
    assert_eq!(month.revenue_minor, 2500 + 1392);
    assert_eq!(month.revenue_by_category.get("consultation"), Some(&2500));
    assert_eq!(month.revenue_by_doctor.get("dr.gp"), Some(&2500));
    assert_eq!(month.received_minor, 1392);
    assert_eq!(
        (month.outstanding.invoices, month.outstanding.days_0_30),
        (1, 2500),
        "the visit's invoice is outstanding, under 30 days old"
    );

    let csv_text = d.desk.cash_up_csv(Period::day(today), None).unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        [
            "period",
            "branch",
            "cashier",
            "method",
            "payments",
            "amount_USD"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.last().unwrap().get(5), Some("13.92"), "the total row");
    let summary = d
        .desk
        .summary_csv(Period::month(2026, 1).unwrap(), None)
        .unwrap();
    assert!(summary.contains("revenue,total,38.92\r\n"), "{summary}");
    let nurse = d
        .clinic
        .sign_in("nurse")
        .cash_up(Period::day(today), None)
        .unwrap_err();
    assert_eq!(nurse.code(), Code::Forbidden);
}

#[test]
fn billing_reports_cover_any_range_of_days_and_print_with_the_screens_figures() {
    use clinic_core::documents::{DocumentRef, ReportKind, ReportRef};
    let mut d = desk();
    let id = d.desk.new_invoice(Some(d.patient)).unwrap().invoice.id;
    d.desk.add_invoice_line(&id, &priced("DRESS", 1)).unwrap();
    d.desk.issue_invoice(&id).unwrap(); // 13.92
    d.desk
        .record_payment(
            &id,
            &PaymentInput {
                method: "mobile_money".into(),
                amount_minor: 1392,
                reference: Some("=cmd|calc".into()),
                ..PaymentInput::default()
            },
        )
        .unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let day = |n: i64| today + chrono::Duration::days(n);
    let week = Period::new(day(-3), day(3)).unwrap();
    assert_eq!(d.desk.cash_up(week, None).unwrap().total_minor, 1392);
    let before = Period::new(day(-10), day(-1)).unwrap();
    assert_eq!(
        d.desk.cash_up(before, None).unwrap().total_minor,
        0,
        "the days before the payment took nothing"
    );
    let summary = d.desk.summary(week, None).unwrap();
    assert_eq!(
        (summary.revenue_minor, summary.received_minor),
        (1392, 1392)
    );
    assert_eq!(summary.label, "2026-01-02..2026-01-08");
    let other_branch = d.desk.summary(week, Some("zz99")).unwrap();
    assert_eq!(other_branch.revenue_minor, 0, "a branch filter keeps to it");

    let dir = tempfile::tempdir().unwrap();
    let cash_up = ReportRef {
        kind: ReportKind::CashUp,
        period: week,
        branch: None,
    };
    let path = dir.path().join("cash-up.pdf");
    let doc = d
        .desk
        .export_document(DocumentRef::Report(cash_up.clone()), &path)
        .unwrap();
    assert_eq!(doc.patient, None);
    assert_eq!(doc.file_name, "cash-up-2026-01-02--2026-01-08-all.pdf");
    let text = crate::documents::pdftotext(&path);
    for expected in [
        "Cash-up",
        "2 January 2026 – 8 January 2026",
        "all branches",
        "Mobile money",
        "13.92",
        "CASH-UP 2026-01-02..2026-01-08 ALL",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    let summary_ref = ReportRef {
        kind: ReportKind::Summary,
        period: Period::month(2026, 1).unwrap(),
        branch: None,
    };
    let path = dir.path().join("summary.pdf");
    d.desk
        .export_document(DocumentRef::Report(summary_ref.clone()), &path)
        .unwrap();
    let text = crate::documents::pdftotext(&path);
    for expected in [
        "Summary",
        "January 2026",
        "Revenue by service",
        "Outstanding on 31 January 2026",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    let nurse = d
        .clinic
        .sign_in("nurse")
        .document(DocumentRef::Report(summary_ref))
        .unwrap_err();
    assert_eq!(
        nurse.code(),
        Code::Forbidden,
        "a report is billing's to read"
    );
}

#[test]
fn billing_a_claim_asks_the_policys_share_moves_forward_only_and_the_patient_pays_the_rest() {
    use clinic_core::billing::insurance::PolicyInput;
    let mut d = desk();
    let id = d.desk.new_invoice(Some(d.patient)).unwrap().invoice.id;
    d.desk.add_invoice_line(&id, &priced("DRESS", 1)).unwrap();
    d.desk.issue_invoice(&id).unwrap(); // 13.92
    d.desk
        .set_payer("nhif", "National Health Insurance Fund", true)
        .unwrap();
    let policy = d
        .desk
        .add_policy(
            d.patient,
            &PolicyInput {
                payer: "NHIF".into(),
                policy_number: "NHIF-0042".into(),
                coverage_bp: 8000,
                valid_until: Some("2026-12-31".into()),
            },
        )
        .unwrap();
    let claim = d.desk.create_claim(&id, &policy.id).unwrap();
    assert_eq!(
        claim.claimed_minor, 1114,
        "80 % of 13.92, rounded half away from zero"
    );
    let shares = d.desk.shares(&id).unwrap();
    assert_eq!((shares.insurer_minor, shares.patient_minor), (1114, 278));
    assert!(
        d.desk.create_claim(&id, &policy.id).is_err(),
        "one claim stands per invoice"
    );
    assert!(
        d.desk.decide_claim(&claim.id, 1000, None).is_err(),
        "submitted first"
    );
    d.desk.submit_claim(&claim.id).unwrap();
    assert!(d.desk.submit_claim(&claim.id).is_err(), "forward only");
    assert!(
        d.desk.decide_claim(&claim.id, 2000, None).is_err(),
        "at most what was claimed"
    );
    let decided = d
        .desk
        .decide_claim(&claim.id, 1000, Some("dressing capped"))
        .unwrap();
    assert_eq!(decided.status, "partly_approved");
    assert_eq!(d.desk.shares(&id).unwrap().patient_minor, 392);
    let paid = d.desk.claim_paid(&claim.id, Some("EFT-77")).unwrap();
    assert_eq!(paid.status, "paid");
    let view = d.desk.invoice(&id).unwrap();
    assert_eq!(view.payments[0].method, "insurance");
    assert_eq!(
        (view.state.as_str(), view.balance_minor),
        ("partially_paid", 392)
    );
    d.desk
        .record_payment(
            &id,
            &PaymentInput {
                method: "cash".into(),
                amount_minor: 392,
                ..PaymentInput::default()
            },
        )
        .unwrap();
    assert_eq!(d.desk.invoice(&id).unwrap().state, "paid");
    let month = d
        .desk
        .summary(Period::month(2026, 1).unwrap(), None)
        .unwrap();
    assert_eq!(month.claims_by_status.get("paid"), Some(&(1, 1114)));
    let mut nurse = d.clinic.sign_in("nurse");
    assert_eq!(
        nurse.submit_claim(&claim.id).unwrap_err().code(),
        Code::Forbidden
    );
}

#[test]
fn billing_the_dashboard_shows_every_day_and_week_with_revenue_and_diagnoses() {
    use clinic_core::clinical::diagnoses::DiagnosisInput;
    let mut d = desk();
    let visit = d.doctor.open_walk_in(d.patient, "Cough").unwrap();
    d.doctor
        .add_diagnosis(
            d.patient,
            Some(visit.id),
            &DiagnosisInput {
                code: Some("J20.9".into()),
                primary: true,
                ..DiagnosisInput::default()
            },
        )
        .unwrap();
    let (_, invoice) = d.doctor.complete_visit(visit.id).unwrap();
    d.desk.issue_invoice(&invoice).unwrap();
    let dash = d.clinic.admin.dashboard(4).unwrap();
    assert_eq!(dash.revenue_per_week.len(), 4, "every week present");
    assert_eq!(
        dash.revenue_per_week.last().unwrap(),
        &("2026-01-05".to_owned(), 2500)
    );
    assert_eq!(dash.appointments_per_day.last().unwrap().0, "2026-01-05");
    assert_eq!(dash.top_diagnoses[0].0, "J20.9");
    assert_eq!(
        (dash.outstanding_invoices, dash.outstanding_minor),
        (1, 2500)
    );
    let mut nurse = d.clinic.sign_in("nurse");
    assert_eq!(nurse.dashboard(4).unwrap_err().code(), Code::Forbidden);
}

#[test]
fn billing_the_cached_balances_follow_every_payment_void_and_pulled_row() {
    // The dashboard reads each issued invoice's total and what was paid from a cache;
    // whatever changes an invoice (a payment here, a void, a row written the way a pull
    // writes it) must show in the next read, as the invoices themselves say.
    let mut d = desk();
    let mut ids = Vec::new();
    for quantity in [1, 2, 3] {
        let id = d.desk.new_invoice(Some(d.patient)).unwrap().invoice.id;
        d.desk
            .add_invoice_line(&id, &priced("DRESS", quantity))
            .unwrap();
        d.desk.issue_invoice(&id).unwrap();
        ids.push(id);
    }
    let owed = |d: &mut Desk| -> (i64, i64) {
        let views: Vec<_> = ids
            .iter()
            .map(|id| d.desk.invoice(id).unwrap())
            .filter(|v| v.invoice.status == "issued" && v.balance_minor > 0)
            .collect();
        (
            views.len() as i64,
            views.iter().map(|v| v.balance_minor).sum(),
        )
    };
    let dashboard = |d: &mut Desk| {
        let dash = d.clinic.admin.dashboard(2).unwrap();
        (dash.outstanding_invoices, dash.outstanding_minor)
    };
    assert_eq!(dashboard(&mut d), owed(&mut d));
    assert_eq!(dashboard(&mut d).0, 3);
    d.desk
        .record_payment(
            &ids[0],
            &PaymentInput {
                method: "cash".into(),
                amount_minor: 1392,
                ..PaymentInput::default()
            },
        )
        .unwrap();
    assert_eq!(dashboard(&mut d), owed(&mut d), "a payment settles one");
    assert_eq!(dashboard(&mut d).0, 2);
    d.desk
        .void_invoice(&ids[1], "issued to the wrong patient")
        .unwrap();
    assert_eq!(
        dashboard(&mut d),
        owed(&mut d),
        "a void one is owed nothing"
    );
    assert_eq!(dashboard(&mut d).0, 1);
    // A payment that arrives from another workstation is written straight into the table.
    d.clinic
        .admin
        .raw_connection()
        .unwrap()
        .execute(
            "INSERT INTO payments (id, invoice_id, method, amount_minor, receipt_number,
                 received_by, received_at)
             SELECT 'pulled-1', ?1, 'card', 1000, 'R-BR02-X-1', received_by,
                    '2026-01-05T09:00:00.000Z'
             FROM payments LIMIT 1",
            [&ids[2]],
        )
        .unwrap();
    assert_eq!(dashboard(&mut d), owed(&mut d), "a pulled payment counts");
    let month = d
        .desk
        .summary(Period::month(2026, 1).unwrap(), None)
        .unwrap();
    assert_eq!(
        (month.outstanding.invoices, month.outstanding.days_0_30),
        owed(&mut d),
        "the summary's outstanding agrees"
    );
}
