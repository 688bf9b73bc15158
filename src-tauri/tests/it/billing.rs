//! Billing (`src/billing.rs`) on the demo clinic: the front desk bills a past visit's
//! draft and takes cash with change, the administrator keeps the price list, the
//! accountant discounts, voids and credit notes keep the original, the day's cash-up and
//! the month's summary (shown and saved as CSV), the dashboard, an insurance claim from policy to
//! payment, and who may not.

use clinic_desktop::billing::{
    InvoiceLineInput, PaymentInput, PolicyInput, PriceItemInput, ReportRef,
};
use clinic_desktop::signin::Capabilities;

use crate::clinical::{ADMIN, DESK, DOCTOR, NURSE, demo_clinic, forbidden, invalid, sign_in_as};
use crate::support::{NAIROBI_MORNING, clock_at, nairobi_day};

const ACCOUNTANT: &str = "acc.kowalski";

fn cash(amount_minor: i64, tendered_minor: Option<i64>) -> PaymentInput {
    PaymentInput {
        method: "cash".into(),
        amount_minor,
        tendered_minor,
        ..PaymentInput::default()
    }
}

/// Signs `who` in and answers what they may do.
fn signed_in(shell: &clinic_desktop::Shell, who: &str) -> Capabilities {
    shell
        .sign_in(who, clinic_desktop::demo::PASSWORD, None)
        .unwrap()
        .capabilities
}

fn free_line(description: &str, unit_price_minor: i64) -> InvoiceLineInput {
    InvoiceLineInput {
        description: Some(description.into()),
        category: Some("procedure".into()),
        unit_price_minor: Some(unit_price_minor),
        tax_bp: Some(0),
        quantity: 1,
        ..InvoiceLineInput::default()
    }
}

#[test]
fn the_front_desk_bills_a_past_visit_and_takes_cash_with_change() {
    let (_dir, shell) = demo_clinic();
    let caps = signed_in(&shell, DESK);
    assert!(caps.read_billing && caps.write_billing && caps.take_payments);
    assert!(!caps.give_discounts && !caps.manage_prices);

    let open = shell.open_invoices().unwrap();
    let draft = open
        .iter()
        .find(|i| i.state == "draft" && i.encounter_id.is_some())
        .expect("the demo's completed past visits left their drafts");
    assert!(
        draft.patient_name.is_some() && draft.patient_mrn.is_some(),
        "the list names the visit's patient: {draft:?}"
    );
    assert_eq!(draft.number, None, "a draft has no number yet");
    let fee = draft.totals.total_minor;
    assert!(
        draft
            .lines
            .iter()
            .any(|l| l.source.as_deref() == Some("visit-fee")),
        "the doctor's fee is on the visit's draft: {draft:?}"
    );

    invalid(
        shell
            .add_invoice_line(&draft.id, free_line("Dressing", -5))
            .unwrap_err(),
        "unit_price_minor",
    );
    let with_line = shell
        .add_invoice_line(&draft.id, free_line("Wound dressing", 50_000))
        .unwrap();
    assert_eq!(with_line.totals.total_minor, fee + 50_000);
    let issued = shell.issue_invoice(&with_line.id).unwrap();
    let number = issued.number.clone().expect("issuing numbers it");
    assert_eq!(issued.state, "issued");
    assert_eq!(
        shell.invoice(&number).unwrap().id,
        issued.id,
        "found by its number too"
    );
    invalid(
        shell
            .add_invoice_line(&issued.id, free_line("Late", 100))
            .unwrap_err(),
        "invoice",
    );

    let total = issued.totals.total_minor;
    invalid(
        shell
            .record_payment(&issued.id, cash(100_000, Some(50_000)))
            .unwrap_err(),
        "tendered_minor",
    );
    let part = shell
        .record_payment(&issued.id, cash(100_000, Some(150_000)))
        .unwrap();
    assert_eq!(
        part.payment.change_minor,
        Some(50_000),
        "change is worked out"
    );
    assert_eq!(part.invoice.state, "partially_paid");
    assert_eq!(part.invoice.balance_minor, total - 100_000);
    let rest = shell
        .record_payment(&issued.id, cash(total - 100_000, None))
        .unwrap();
    assert_eq!(
        (rest.invoice.state.as_str(), rest.invoice.balance_minor),
        ("paid", 0)
    );
    assert!(rest.payment.receipt_number.starts_with("R-"));
}

#[test]
fn a_walk_in_refund_void_and_credit_note_keep_the_original() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, DESK);
    let walk_in = shell.new_invoice(None).unwrap();
    assert_eq!(
        (walk_in.state.as_str(), walk_in.patient_id),
        ("draft", None)
    );
    invalid(shell.issue_invoice(&walk_in.id).unwrap_err(), "invoice");
    let a = shell
        .add_invoice_line(&walk_in.id, free_line("Ear syringing", 80_000))
        .unwrap();
    let b = shell
        .add_invoice_line(&walk_in.id, free_line("Typed twice", 80_000))
        .unwrap();
    let removed = shell.remove_invoice_line(&b.lines[1].id).unwrap();
    assert_eq!(
        (removed.lines.len(), removed.removed.len()),
        (1, 1),
        "a removed line is kept, marked: {removed:?}"
    );
    assert_eq!(removed.totals.total_minor, a.totals.total_minor);

    let issued = shell.issue_invoice(&walk_in.id).unwrap();
    shell
        .record_payment(&issued.id, cash(80_000, None))
        .unwrap();
    invalid(
        shell.void_invoice(&issued.id, "wrong patient").unwrap_err(),
        "invoice",
    );
    invalid(
        shell
            .record_payment(&issued.id, cash(-80_000, None))
            .unwrap_err(),
        "reason",
    );
    let refund = shell
        .record_payment(
            &issued.id,
            PaymentInput {
                reason: Some("service not given".into()),
                ..cash(-80_000, None)
            },
        )
        .unwrap();
    assert_eq!(refund.invoice.paid_minor, 0);
    let voided = shell.void_invoice(&issued.id, "service not given").unwrap();
    assert_eq!(
        (voided.state.as_str(), voided.void_reason.as_deref()),
        ("void", Some("service not given"))
    );

    let second = shell.new_invoice(None).unwrap();
    shell
        .add_invoice_line(&second.id, free_line("Suturing", 120_000))
        .unwrap();
    let second = shell.issue_invoice(&second.id).unwrap();
    let note = shell.credit_invoice(&second.id, "billed in error").unwrap();
    assert_eq!(note.kind, "credit_note");
    assert_eq!(note.credit_of.as_deref(), Some(second.id.as_str()));
    assert_eq!(note.totals.total_minor, -120_000);
    assert!(note.number.as_deref().is_some_and(|n| n.starts_with("CN-")));
    assert_eq!(
        shell.invoice(&second.id).unwrap().state,
        "issued",
        "the original stays as it was"
    );
}

#[test]
fn the_administrator_keeps_prices_and_the_accountant_discounts() {
    let (_dir, shell) = demo_clinic();
    let caps = signed_in(&shell, ADMIN);
    assert!(caps.manage_prices && caps.read_billing && !caps.write_billing);
    let price = PriceItemInput {
        code: "ecg".into(),
        name: "Electrocardiogram".into(),
        category: "procedure".into(),
        price_minor: 200_000,
        tax_bp: 1_600,
        active: true,
    };
    invalid(
        shell
            .set_price(PriceItemInput {
                category: "sweets".into(),
                ..price.clone()
            })
            .unwrap_err(),
        "category",
    );
    let item = shell.set_price(price).unwrap();
    assert_eq!(item.code, "ECG", "codes are kept in capitals");
    assert!(shell.price_list().unwrap().iter().any(|p| p.code == "ECG"));
    forbidden(shell.new_invoice(None).unwrap_err());
    shell.sign_out();

    let caps = signed_in(&shell, ACCOUNTANT);
    assert!(caps.give_discounts && caps.take_payments && !caps.manage_prices);
    forbidden(
        shell
            .set_price(PriceItemInput {
                code: "X".into(),
                name: "X".into(),
                category: "other".into(),
                price_minor: 1,
                tax_bp: 0,
                active: true,
            })
            .unwrap_err(),
    );
    let draft = shell.new_invoice(None).unwrap();
    let draft = shell
        .add_invoice_line(
            &draft.id,
            InvoiceLineInput {
                code: Some("ecg".into()),
                quantity: 1,
                ..InvoiceLineInput::default()
            },
        )
        .unwrap();
    assert_eq!(
        (
            draft.totals.subtotal_minor,
            draft.totals.tax_minor,
            draft.totals.total_minor
        ),
        (200_000, 32_000, 232_000),
        "the price list's price and tax"
    );
    invalid(
        shell
            .discount_line(&draft.lines[0].id, 1_000, " ")
            .unwrap_err(),
        "reason",
    );
    let discounted = shell
        .discount_line(&draft.lines[0].id, 1_000, "staff member")
        .unwrap();
    assert_eq!(discounted.totals.discount_minor, 20_000);
    assert_eq!(discounted.totals.total_minor, 180_000 + 28_800);
    assert_eq!(discounted.totals.tax_by_rate[0].tax_bp, 1_600);
    shell.sign_out();

    sign_in_as(&shell, DESK);
    forbidden(
        shell
            .discount_line(&discounted.lines[0].id, 500, "friend")
            .unwrap_err(),
    );
}

#[test]
fn clinical_staff_do_not_bill() {
    let (_dir, shell) = demo_clinic();
    for who in [DOCTOR, NURSE] {
        let caps = signed_in(&shell, who);
        assert!(!caps.read_billing && !caps.write_billing && !caps.take_payments);
        forbidden(shell.open_invoices().unwrap_err());
        forbidden(shell.new_invoice(None).unwrap_err());
        forbidden(shell.price_list().unwrap_err());
        shell.sign_out();
    }
}

#[test]
fn the_cash_up_counts_the_days_takings_and_saves_as_csv() {
    let (dir, shell) = demo_clinic();
    sign_in_as(&shell, DESK);
    // The demo clinic's clock stands still at its Monday morning; the demo took payments
    // that day too.
    let day = nairobi_day(&*clock_at(NAIROBI_MORNING), 0);
    let before = shell.cash_up(&day, None).unwrap();
    let cash_of = |up: &clinic_desktop::billing::CashUp| {
        up.by_method
            .iter()
            .find(|m| m.name == "cash")
            .map_or(0, |m| m.amount_minor)
    };
    let draft = shell.new_invoice(None).unwrap();
    shell
        .add_invoice_line(&draft.id, free_line("Ear syringing", 80_000))
        .unwrap();
    let issued = shell.issue_invoice(&draft.id).unwrap();
    shell
        .record_payment(&issued.id, cash(50_000, Some(100_000)))
        .unwrap();
    shell
        .record_payment(
            &issued.id,
            PaymentInput {
                method: "card".into(),
                amount_minor: 30_000,
                reference: Some("SLIP-9".into()),
                ..PaymentInput::default()
            },
        )
        .unwrap();
    invalid(shell.cash_up("05/01/2026", None).unwrap_err(), "period");
    let up = shell.cash_up(&day, None).unwrap();
    assert_eq!(
        up.total_minor,
        before.total_minor + 80_000,
        "what was taken today: {up:?}"
    );
    assert_eq!(
        cash_of(&up),
        cash_of(&before) + 50_000,
        "the cash is counted as paid, not as tendered: {up:?}"
    );

    let month = &day[..7];
    invalid(
        shell.billing_summary("2026-13", None).unwrap_err(),
        "period",
    );
    invalid(
        shell.billing_summary("January", None).unwrap_err(),
        "period",
    );
    let summary = shell.billing_summary(month, None).unwrap();
    assert!(summary.received_minor >= 80_000, "{summary:?}");
    assert_eq!(
        summary.period, month,
        "a whole month reads back as the month"
    );
    let range = format!("{month}-01..{day}");
    let to_today = shell.billing_summary(&range, None).unwrap();
    assert_eq!(
        to_today.received_minor, summary.received_minor,
        "the month so far took what the month took: nothing is dated after today"
    );
    invalid(
        shell
            .billing_summary(&format!("{day}..{month}-01"), None)
            .unwrap_err(),
        "period",
    );

    let folder = dir.path().join("exports");
    std::fs::create_dir(&folder).unwrap();
    let report = ReportRef {
        kind: "cash_up".into(),
        period: day.clone(),
        branch: None,
    };
    let folder_text = folder.display().to_string();
    let saved = shell
        .save_billing_report(&report, &folder_text, "cash-up", false)
        .unwrap();
    assert!(saved.path.ends_with("cash-up.csv"), "{saved:?}");
    let csv = std::fs::read_to_string(&saved.path).unwrap();
    assert!(
        csv.starts_with("period,branch,cashier,method,payments,amount_KES\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains(&format!(",{}.00\r\n", up.total_minor / 100)),
        "the total in KES: {csv}"
    );
    invalid(
        shell
            .save_billing_report(&report, &folder_text, "cash-up.csv", false)
            .unwrap_err(),
        "file_name",
    );
    shell
        .save_billing_report(&report, &folder_text, "cash-up.csv", true)
        .unwrap();
    invalid(
        shell
            .save_billing_report(&report, &folder_text, "../cash-up", false)
            .unwrap_err(),
        "file_name",
    );
    let monthly = ReportRef {
        kind: "summary".into(),
        period: month.to_owned(),
        branch: Some("br01".into()),
    };
    let dashboard = shell.billing_dashboard(4).unwrap();
    assert_eq!(
        dashboard.revenue_per_week.len(),
        4,
        "every week of the period is present, for a chart"
    );
    assert_eq!(
        dashboard
            .appointments_per_day
            .last()
            .map(|d| d.day.as_str()),
        Some(day.as_str()),
        "the days run up to today"
    );
    assert!(
        dashboard.outstanding_minor > 0,
        "the demo leaves invoices to pay"
    );
    let saved = shell
        .save_billing_report(&monthly, &folder_text, "month", false)
        .unwrap();
    assert!(
        std::fs::read_to_string(&saved.path)
            .unwrap()
            .contains("received,total,")
    );
    let printable = clinic_desktop::documents::DocumentRef::Report(monthly.clone());
    let page = shell.document_page(&printable, 1).unwrap();
    assert_eq!(page.title, format!("Summary {month}"));
    assert!(page.pages >= 1 && !page.png.is_empty(), "{}", page.title);
    invalid(
        shell
            .document_page(
                &clinic_desktop::documents::DocumentRef::Report(ReportRef {
                    kind: "ledger".into(),
                    period: month.to_owned(),
                    branch: None,
                }),
                1,
            )
            .unwrap_err(),
        "report",
    );
    shell.sign_out();

    sign_in_as(&shell, NURSE);
    forbidden(shell.cash_up(&day, None).unwrap_err());
    forbidden(shell.billing_dashboard(4).unwrap_err());
    forbidden(shell.document_page(&printable, 1).unwrap_err());
    forbidden(
        shell
            .save_billing_report(&monthly, &folder_text, "nurse", false)
            .unwrap_err(),
    );
    assert!(
        !folder.join("nurse.csv").exists(),
        "a refused export writes nothing"
    );
}

#[test]
fn a_claim_asks_the_payer_for_its_share_and_its_payment_settles_the_invoice() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, DESK);
    let patient = crate::clinical::patient_named(&shell, "Amani Njoroge");
    let payer = shell
        .set_payer("nhif", "National Health Insurance", true)
        .unwrap();
    assert_eq!(payer.code, "NHIF");
    assert!(shell.payers().unwrap().iter().any(|p| p.code == "NHIF"));
    invalid(
        shell
            .add_policy(
                &patient,
                PolicyInput {
                    payer: "NOPE".into(),
                    policy_number: "P-1".into(),
                    coverage_bp: 8_000,
                    valid_until: None,
                },
            )
            .unwrap_err(),
        "payer",
    );
    let policy = shell
        .add_policy(
            &patient,
            PolicyInput {
                payer: "nhif".into(),
                policy_number: "NHIF-0042".into(),
                coverage_bp: 8_000,
                valid_until: None,
            },
        )
        .unwrap();
    assert_eq!(
        shell.patient_policies(&patient).unwrap(),
        vec![policy.clone()]
    );

    let draft = shell.new_invoice(Some(&patient)).unwrap();
    shell
        .add_invoice_line(&draft.id, free_line("Minor surgery", 1_000_000))
        .unwrap();
    let issued = shell.issue_invoice(&draft.id).unwrap();
    let claim = shell.create_claim(&issued.id, &policy.id).unwrap();
    assert_eq!(
        (claim.status.as_str(), claim.claimed_minor),
        ("draft", 800_000),
        "the policy's 80 % of the total"
    );
    let shares = shell.invoice_shares(&issued.id).unwrap();
    assert_eq!(
        (shares.insurer_minor, shares.patient_minor),
        (800_000, 200_000)
    );
    shell.submit_claim(&claim.id).unwrap();
    invalid(
        shell.decide_claim(&claim.id, 900_000, None).unwrap_err(),
        "approved_minor",
    );
    let decided = shell
        .decide_claim(&claim.id, 700_000, Some("dressing not covered"))
        .unwrap();
    assert_eq!(decided.status, "partly_approved");
    let paid = shell.claim_paid(&claim.id, Some("EFT-77")).unwrap();
    assert_eq!(paid.status, "paid");
    let after = shell.invoice(&issued.id).unwrap();
    assert_eq!(
        (after.paid_minor, after.balance_minor),
        (700_000, 300_000),
        "the payer's money is an insurance payment; the patient owes the rest"
    );
    assert!(after.payments.iter().any(|p| p.method == "insurance"));
    assert!(
        shell
            .claims(Some("paid"))
            .unwrap()
            .iter()
            .any(|c| c.id == claim.id)
    );
    shell.sign_out();

    sign_in_as(&shell, NURSE);
    forbidden(shell.claims(None).unwrap_err());
    forbidden(shell.set_payer("X", "X", true).unwrap_err());
}
