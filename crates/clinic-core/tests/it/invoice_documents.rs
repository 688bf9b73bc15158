//! Invoices and receipts as documents: laid out from the invoice as it stands, a draft
//! refused, a void one marked, every export audited, read only by those who read
//! billing.

use std::process::Command;

use clinic_core::billing::invoices::{LineInput, PaymentInput, PriceItem};
use clinic_core::documents::{DocumentRef, LetterheadInput, PaperSize};
use clinic_core::frontdesk::patients::PatientInput;
use clinic_core::ids::{InvoiceId, PatientId, PaymentId};
use clinic_core::{Code, NewUser, Role, Session};

use crate::support::{Clinic, password_of};

struct Till {
    clinic: Clinic,
    desk: Session,
    patient: PatientId,
}

fn till() -> Till {
    let mut clinic = Clinic::new();
    let mut new = NewUser::new("desk", Role::Receptionist, &password_of("desk"));
    new.display_name = "Wanjiku Kamau".into();
    clinic.admin.create_user(&new).unwrap();
    clinic.add_user("acct", Role::Accountant);
    clinic.add_user("nurse", Role::Nurse);
    clinic
        .admin
        .set_letterhead(&LetterheadInput {
            address: "Argwings Kodhek Road 12\nNairobi".into(),
            phone: "+254 20 555 0100".into(),
            registration: "Facility reg. no. KMPDC/123\nKRA PIN P051234567X".into(),
            page_size: PaperSize::A4,
        })
        .unwrap();
    clinic
        .admin
        .set_price(&PriceItem {
            id: String::new(),
            code: "DRESS".into(),
            name: "Wound dressing".into(),
            category: "procedure".into(),
            price_minor: 1200,
            tax_bp: 1600,
            active: true,
        })
        .unwrap();
    let mut desk = clinic.sign_in("desk");
    let patient = desk
        .register_patient(
            &PatientInput {
                given_name: "Zoë".into(),
                family_name: "Ólafsdóttir".into(),
                date_of_birth: "1984-06-15".into(),
                sex: "female".into(),
                ..PatientInput::default()
            },
            false,
        )
        .unwrap()
        .id;
    Till {
        clinic,
        desk,
        patient,
    }
}

/// A draft for the patient: two dressings (24.00), 10 % off for a reason (2.40), 16 %
/// tax on the rest (3.46): 25.06; and a consultation written out (15.00, no tax).
fn draft(t: &mut Till) -> String {
    let id = t.desk.new_invoice(Some(t.patient)).unwrap().invoice.id;
    let with = t
        .desk
        .add_invoice_line(
            &id,
            &LineInput {
                code: Some("DRESS".into()),
                quantity: 2,
                ..LineInput::default()
            },
        )
        .unwrap();
    t.desk
        .add_invoice_line(
            &id,
            &LineInput {
                description: Some("Nurse review".into()),
                category: Some("service".into()),
                unit_price_minor: Some(1500),
                quantity: 1,
                ..LineInput::default()
            },
        )
        .unwrap();
    t.clinic
        .sign_in("acct")
        .discount_line(&with.lines[0].line.id, 1000, "staff family")
        .unwrap();
    id
}

fn pdftotext(path: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by the test script");
    assert!(out.status.success(), "pdftotext reads the PDF");
    String::from_utf8(out.stdout).unwrap()
}

fn invoice_ref(id: &str) -> DocumentRef {
    DocumentRef::Invoice(InvoiceId(id.parse().expect("invoice ids are UUIDs")))
}

#[test]
fn invoice_documents_an_issued_invoice_and_its_receipt_print_the_figures_and_are_audited() {
    let mut t = till();
    let id = draft(&mut t);
    let refused = t.desk.document(invoice_ref(&id)).unwrap_err();
    assert_eq!(refused.code(), Code::Validation);
    assert!(
        refused.to_string().contains("issue it first"),
        "a draft has no number and its lines still change: {refused}"
    );
    let issued = t.desk.issue_invoice(&id).unwrap();
    assert_eq!(issued.totals.total_minor, 4006, "25.06 + 15.00");
    let number = issued.invoice.number.unwrap();
    let money = |amount: &str| format!("{} {amount}", issued.invoice.currency);
    let payment = t
        .desk
        .record_payment(
            &id,
            &PaymentInput {
                method: "cash".into(),
                amount_minor: 3000,
                tendered_minor: Some(5000),
                ..PaymentInput::default()
            },
        )
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("invoice.pdf");
    let doc = t.desk.export_document(invoice_ref(&id), &path).unwrap();
    assert_eq!(doc.title, format!("Invoice {number}"));
    assert_eq!(doc.file_name, format!("invoice-{number}.pdf"));
    assert_eq!(doc.patient, Some(t.patient));
    let text = pdftotext(&path);
    for expected in [
        "Test Clinic",
        "KRA PIN P051234567X",
        "Invoice",
        number.as_str(),
        "Zoë Ólafsdóttir",
        "15 June 1984",
        "Wound dressing",
        "Discount: staff family",
        "Nurse review",
        "12.00",
        "10 %",
        "16 %",
        "25.06",
        &money("39.00"),
        &money("-2.40"),
        "Tax 16 %",
        &money("3.46"),
        &money("40.06"),
        "Cash",
        &payment.receipt_number,
        &money("30.00"),
        &money("10.06"),
        "Partially paid",
        &clinic_core::documents::verification_code("invoice", &number, &id),
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    assert!(!text.contains("VOID"), "an issued invoice is not void");
    assert_eq!(
        t.clinic.count_audit(&format!(
            "action = 'document.export' AND entity = 'invoice' AND entity_id = '{id}' AND patient_id = '{}'",
            t.patient
        )),
        1,
        "the export is audited against the invoice and its patient"
    );

    let receipt = DocumentRef::Receipt(PaymentId(payment.id.parse().unwrap()));
    let path = dir.path().join("receipt.pdf");
    let doc = t.desk.export_document(receipt, &path).unwrap();
    assert_eq!(doc.title, format!("Receipt {}", payment.receipt_number));
    let text = pdftotext(&path);
    for expected in [
        "Receipt",
        payment.receipt_number.as_str(),
        number.as_str(),
        "Zoë Ólafsdóttir",
        "Cash",
        &money("30.00"),
        "Cash tendered",
        &money("50.00"),
        &money("20.00"),
        "Balance after",
        &money("10.06"),
        "Wanjiku Kamau",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    assert_eq!(
        t.clinic.count_audit(&format!(
            "action = 'document.export' AND entity = 'payment' AND entity_id = '{}'",
            payment.id
        )),
        1
    );
}

#[test]
fn invoice_documents_a_void_invoice_is_marked_and_a_credit_note_names_what_it_credits() {
    let mut t = till();
    let first = draft(&mut t);
    let first_number = t
        .desk
        .issue_invoice(&first)
        .unwrap()
        .invoice
        .number
        .unwrap();
    let second = draft(&mut t);
    t.desk.issue_invoice(&second).unwrap();
    t.desk.void_invoice(&second, "issued by mistake").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("void.pdf");
    t.desk.export_document(invoice_ref(&second), &path).unwrap();
    let text = pdftotext(&path);
    for expected in ["VOID", "issued by mistake", "Void"] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }

    let credit = t
        .desk
        .credit_invoice(&first_number, "dressing not done")
        .unwrap();
    let path = dir.path().join("credit.pdf");
    let doc = t
        .desk
        .export_document(invoice_ref(&credit.invoice.id), &path)
        .unwrap();
    let credit_number = credit.invoice.number.unwrap();
    let total = format!("{} -40.06", credit.invoice.currency);
    assert_eq!(doc.file_name, format!("credit-note-{credit_number}.pdf"));
    let text = pdftotext(&path);
    for expected in [
        "Credit note",
        credit_number.as_str(),
        "Credits invoice",
        first_number.as_str(),
        &total,
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
}

#[test]
fn invoice_documents_a_nurse_reads_no_invoice_or_receipt_and_a_missing_payment_is_named() {
    let mut t = till();
    let id = draft(&mut t);
    let currency = t.desk.issue_invoice(&id).unwrap().invoice.currency;
    let payment = t
        .desk
        .record_payment(
            &id,
            &PaymentInput {
                method: "mobile_money".into(),
                amount_minor: 4006,
                reference: Some("QK7TX12".into()),
                ..PaymentInput::default()
            },
        )
        .unwrap();
    let receipt = DocumentRef::Receipt(PaymentId(payment.id.parse().unwrap()));
    let mut nurse = t.clinic.sign_in("nurse");
    for reference in [invoice_ref(&id), receipt.clone()] {
        assert_eq!(
            nurse.document(reference.clone()).unwrap_err().code(),
            Code::Forbidden,
            "a nurse does not read billing: {reference:?}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        nurse
            .export_document(receipt.clone(), &dir.path().join("r.pdf"))
            .unwrap_err()
            .code(),
        Code::Forbidden
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    assert!(
        t.clinic
            .count_audit("action = 'billing_read' AND outcome = 'denied'")
            >= 3,
        "each refusal is audited"
    );
    let missing = t
        .desk
        .document(DocumentRef::Receipt(PaymentId(uuid::Uuid::nil())))
        .unwrap_err();
    assert!(missing.to_string().contains("no payment"), "{missing}");
    let doc = t.desk.document(receipt).unwrap();
    assert!(!doc.pdf.is_empty());
    let path = dir.path().join("mm.pdf");
    std::fs::write(&path, &doc.pdf).unwrap();
    let text = pdftotext(&path);
    let (paid, nothing) = (format!("{currency} 40.06"), format!("{currency} 0.00"));
    for expected in ["Mobile money", "QK7TX12", &paid, "Balance after", &nothing] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
}
