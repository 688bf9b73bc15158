use clinic_pdf::{
    InvoiceLineView, InvoicePaymentView, InvoiceView, PageSize, Patient, ReceiptView, invoice,
    receipt,
};

use crate::poppler::on_disk;
use crate::{letterhead, patient};

fn line(n: usize) -> InvoiceLineView {
    InvoiceLineView {
        description: if n == 1 {
            "Wound dressing".into()
        } else {
            format!("Service number {n}")
        },
        note: if n == 1 {
            "Discount: staff family".into()
        } else {
            String::new()
        },
        quantity: "2".into(),
        unit_price: "12.00".into(),
        discount: if n == 1 { "10 %".into() } else { String::new() },
        tax_rate: "16 %".into(),
        total: "25.06".into(),
    }
}

fn view(lines: usize) -> InvoiceView {
    InvoiceView {
        letterhead: letterhead(PageSize::A4),
        title: "Invoice".into(),
        void: None,
        number: "BR01-7KQ3M-2026-000004".into(),
        verification_code: "Q4W7-M2ZK".into(),
        credit_of: String::new(),
        issued: "2 December 2026".into(),
        printed: "3 December 2026".into(),
        tax_id: "KRA PIN P051234567X".into(),
        patient: patient(),
        currency: "KES".into(),
        lines: (1..=lines).map(line).collect(),
        subtotal: "KES 24.00".into(),
        discount: "KES 2.40".into(),
        tax_by_rate: vec![("Tax 16 %".into(), "KES 3.46".into())],
        total: "KES 25.06".into(),
        payments: vec![InvoicePaymentView {
            date: "2 December 2026 09:14".into(),
            method: "M-Pesa".into(),
            reference: "R-BR01-7KQ3M-000001 · QK7TX12".into(),
            amount: "KES 20.00".into(),
        }],
        paid: "KES 20.00".into(),
        balance: "KES 5.06".into(),
        status: "Partially paid".into(),
    }
}

#[test]
fn an_invoice_prints_its_lines_totals_tax_by_rate_payments_and_balance() {
    let doc = on_disk(&invoice(&view(2)).expect("invoice renders"));
    let pages = doc.pages_text();
    assert_eq!(pages.len(), 1, "two lines fit one page");
    for expected in [
        "Kilimani Family Clinic",
        "Invoice",
        "BR01-7KQ3M-2026-000004",
        "2 December 2026",
        "3 December 2026",
        "KRA PIN P051234567X",
        "José Álvarez",
        "MRN-000417",
        "amounts in KES",
        "Wound dressing",
        "Discount: staff family",
        "12.00",
        "10 %",
        "16 %",
        "25.06",
        "Subtotal",
        "KES 24.00",
        "KES 2.40",
        "Tax 16 %",
        "KES 3.46",
        "KES 25.06",
        "M-Pesa",
        "QK7TX12",
        "KES 20.00",
        "Balance",
        "KES 5.06",
        "Partially paid",
        "Verification code Q4W7-M2ZK",
        "Page 1 of 1",
    ] {
        assert!(
            pages[0].contains(expected),
            "{expected:?} missing from {}",
            pages[0]
        );
    }
    assert!(
        !pages[0].contains("VOID"),
        "an issued invoice is not marked void"
    );
    assert!(doc.info().contains("Invoice BR01-7KQ3M-2026-000004"));
}

#[test]
fn an_invoice_of_50_lines_continues_on_a_second_page_with_its_totals_whole() {
    let doc = on_disk(&invoice(&view(50)).expect("invoice renders"));
    let pages = doc.pages_text();
    assert_eq!(pages.len(), 2, "50 lines take two pages");
    assert!(pages[0].contains("Page 1 of 2"));
    assert!(pages[1].contains("Page 2 of 2"));
    assert!(
        pages[1].contains("Invoice (continued)") && pages[1].contains("José Álvarez"),
        "a loose second page says what it continues and whose it is: {}",
        pages[1]
    );
    assert!(
        pages[1].contains("Unit price"),
        "the column heads repeat on the second page"
    );
    assert!(
        pages[1].contains("Subtotal") && pages[1].contains("KES 25.06"),
        "the totals come after the last line"
    );
    assert!(pages[1].contains("No. BR01-7KQ3M-2026-000004"));
}

#[test]
fn an_invoice_of_80_lines_loses_none_and_numbers_every_page() {
    let doc = on_disk(&invoice(&view(80)).expect("invoice renders"));
    let pages = doc.pages_text();
    let total = pages.len();
    assert!(
        total >= 3,
        "80 lines do not fit two pages at a readable size"
    );
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains(&format!("Page {} of {total}", i + 1)),
            "page {}",
            i + 1
        );
    }
    let all = pages.join("\n");
    for n in 2..=80 {
        let printed = all
            .lines()
            .filter(|l| l.contains(&format!("Service number {n} ")))
            .count();
        assert_eq!(
            printed, 1,
            "line {n} is printed once, never split or repeated"
        );
    }
    assert!(pages[total - 1].contains("Balance"));
}

#[test]
fn a_void_invoice_is_marked_void_on_every_page_with_why() {
    let mut v = view(80);
    v.void = Some("Voided 3 December 2026: issued by mistake".into());
    v.status = "Void".into();
    let pages = on_disk(&invoice(&v).expect("invoice renders")).pages_text();
    for (i, page) in pages.iter().enumerate() {
        assert!(page.contains("VOID"), "page {} is marked void", i + 1);
    }
    assert!(pages[0].contains("issued by mistake"));
}

#[test]
fn a_credit_note_names_the_invoice_it_credits_and_a_walk_in_sale_needs_no_patient() {
    let mut v = view(1);
    v.title = "Credit note".into();
    v.credit_of = "BR01-7KQ3M-2026-000003".into();
    v.patient = Patient::default();
    v.payments.clear();
    let text = on_disk(&invoice(&v).expect("credit note renders")).pages_text()[0].clone();
    for expected in [
        "Credit note",
        "Credit note no.",
        "Credits invoice",
        "BR01-7KQ3M-2026-000003",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }
    assert!(
        !text.contains("Patient") && !text.contains("Payments"),
        "no empty patient or payments block: {text}"
    );
}

#[test]
fn a_receipt_prints_the_payment_with_cash_tendered_change_and_balance_after() {
    let v = ReceiptView {
        letterhead: letterhead(PageSize::Letter),
        title: "Receipt".into(),
        number: "R-BR01-7KQ3M-000001".into(),
        verification_code: "8HJ2-KQ4C".into(),
        invoice_number: "BR01-7KQ3M-2026-000004".into(),
        date: "2 December 2026 09:14".into(),
        printed: "3 December 2026".into(),
        tax_id: "KRA PIN P051234567X".into(),
        patient: patient(),
        method: "Cash".into(),
        reference: String::new(),
        amount: "KES 8.00".into(),
        tendered: "KES 10.00".into(),
        change: "KES 2.00".into(),
        reason: String::new(),
        balance_after: "KES 17.06".into(),
        received_by: "Wanjiku Kamau".into(),
    };
    let doc = on_disk(&receipt(&v).expect("receipt renders"));
    let pages = doc.pages_text();
    assert_eq!(pages.len(), 1);
    for expected in [
        "Receipt",
        "R-BR01-7KQ3M-000001",
        "BR01-7KQ3M-2026-000004",
        "2 December 2026 09:14",
        "José Álvarez",
        "Amount received",
        "KES 8.00",
        "Cash tendered",
        "KES 10.00",
        "Change",
        "KES 2.00",
        "Balance after",
        "KES 17.06",
        "Wanjiku Kamau",
        "KRA PIN P051234567X",
        "Verification code 8HJ2-KQ4C",
        "Page 1 of 1",
    ] {
        assert!(
            pages[0].contains(expected),
            "{expected:?} missing from {}",
            pages[0]
        );
    }
    assert!(doc.info().contains("Receipt R-BR01-7KQ3M-000001"));
}
