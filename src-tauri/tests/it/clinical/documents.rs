//! Printed documents (`src/documents.rs`): a prescription previewed page by page, saved
//! as PDF without silently replacing a file, printed through CUPS (a stand-in `lp` here;
//! the real queue is tested in the core and the window), a sick note from a visit, the
//! letterhead, an invoice and a payment's receipt; who may not.

use std::os::unix::fs::PermissionsExt as _;

use clinic_core::printing::Cups;
use clinic_desktop::documents::{CertificateInput, DocumentRef, LetterheadInput};

use super::*;

/// Stand-in CUPS tools in `dir`: one queue, `Front_Desk`; `lp` keeps what it was sent.
fn fake_cups(dir: &std::path::Path) -> Cups {
    let script = |name: &str, body: &str| {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    };
    Cups {
        lpstat: script(
            "lpstat",
            r#"case "$1" in
  -r) echo "scheduler is running" ;;
  -e) echo "Front_Desk" ;;
  -d) echo "no system default destination" ;;
esac"#,
        ),
        lp: script(
            "lp",
            &format!(
                "cat > '{}'\necho 'request id is Front_Desk-3 (0 file(s))'",
                dir.join("sent.pdf").display()
            ),
        ),
        ..Cups::default()
    }
}

fn issued_prescription(shell: &Shell) -> (String, String) {
    let patient = patient_named(shell, "amani njoroge");
    let rx = shell
        .patient_prescriptions(&patient)
        .unwrap()
        .into_iter()
        .find(|rx| rx.number.is_some())
        .expect("the demo issued prescriptions on past visits");
    (rx.id, rx.number.unwrap())
}

#[test]
fn a_doctor_previews_saves_and_prints_a_prescription_and_the_printer_is_remembered() {
    let (dir, shell) = demo_clinic();
    let cups_dir = tempfile::tempdir().unwrap();
    let shell = shell.with_cups(fake_cups(cups_dir.path()));
    sign_in_as(&shell, DOCTOR);
    let (id, number) = issued_prescription(&shell);
    let document = DocumentRef::Prescription(id);

    let page = shell.document_page(&document, 9).unwrap();
    assert_eq!(
        (page.page, page.pages),
        (1, 1),
        "a page past the end shows the last"
    );
    assert_eq!(page.title, format!("Prescription {number}"));
    assert_eq!(page.file_name, format!("prescription-{number}.pdf"));
    use base64::Engine as _;
    let png = base64::engine::general_purpose::STANDARD
        .decode(&page.png)
        .unwrap();
    assert!(
        png.starts_with(b"\x89PNG"),
        "the page is a picture for the window"
    );

    let folder = dir.path().join("out");
    std::fs::create_dir(&folder).unwrap();
    let folder_text = folder.display().to_string();
    let saved = shell
        .save_document(&document, &folder_text, "copy", false)
        .unwrap();
    assert_eq!(saved.path, folder.join("copy.pdf").display().to_string());
    assert!(
        std::fs::read(folder.join("copy.pdf"))
            .unwrap()
            .starts_with(b"%PDF")
    );
    invalid(
        shell
            .save_document(&document, &folder_text, "copy.pdf", false)
            .unwrap_err(),
        "file_name",
    );
    shell
        .save_document(&document, &folder_text, "copy.pdf", true)
        .unwrap();

    let list = shell.printers().unwrap();
    assert_eq!(list.printers, vec!["Front_Desk".to_owned()]);
    assert_eq!(list.preferred.as_deref(), Some("Front_Desk"));
    invalid(
        shell.print_document(&document, "Nowhere", 1).unwrap_err(),
        "printer",
    );
    let printed = shell.print_document(&document, "Front_Desk", 2).unwrap();
    assert_eq!(printed.job, "Front_Desk-3");
    assert!(
        std::fs::read(cups_dir.path().join("sent.pdf"))
            .unwrap()
            .starts_with(b"%PDF"),
        "lp got the PDF"
    );
}

#[test]
fn a_receptionist_prints_no_prescription_and_only_the_administrator_sets_the_letterhead() {
    let (_dir, shell) = demo_clinic();
    let cups_dir = tempfile::tempdir().unwrap();
    let shell = shell.with_cups(fake_cups(cups_dir.path()));
    sign_in_as(&shell, DOCTOR);
    let (id, _) = issued_prescription(&shell);
    let letterhead = LetterheadInput {
        address: "Ngong Road 4\nNairobi".into(),
        phone: "+254 20 555 0199".into(),
        registration: "Facility reg. no. KMPDC/777".into(),
        page_size: "Letter".into(),
    };
    forbidden(shell.set_letterhead(&letterhead).unwrap_err());
    shell.sign_out();
    sign_in_as(&shell, DESK);
    let document = DocumentRef::Prescription(id);
    forbidden(shell.document_page(&document, 1).unwrap_err());
    forbidden(
        shell
            .print_document(&document, "Front_Desk", 1)
            .unwrap_err(),
    );
    assert!(
        !cups_dir.path().join("sent.pdf").exists(),
        "nothing reached the printer"
    );
    forbidden(shell.set_letterhead_logo(None).unwrap_err());
    shell.sign_out();
    sign_in_as(&shell, ADMIN);
    let set = shell.set_letterhead(&letterhead).unwrap();
    assert_eq!(
        (set.address.as_str(), set.page_size.as_str()),
        ("Ngong Road 4\nNairobi", "Letter")
    );
    invalid(
        shell
            .set_letterhead(&LetterheadInput {
                page_size: "A0".into(),
                ..letterhead.clone()
            })
            .unwrap_err(),
        "page_size",
    );
    invalid(
        shell.set_letterhead_logo(Some("R0lGODlh")).unwrap_err(),
        "logo",
    );
}

#[test]
fn a_doctor_writes_a_sick_note_from_the_visit_and_it_is_filed_in_the_chart() {
    let (_dir, shell) = demo_clinic();
    sign_in_as(&shell, DOCTOR);
    let day = shell.doctors_day().unwrap();
    let visit = shell.open_visit(&day.waiting[0].appointment.id).unwrap();
    let input = |until: Option<&str>| CertificateInput {
        kind: "sick_note".into(),
        from: "2026-01-05".into(),
        until: until.map(str::to_owned),
        recommendation: "Rest at home".into(),
    };
    invalid(
        shell
            .issue_certificate(&visit.id, &input(None))
            .unwrap_err(),
        "until",
    );
    let issued = shell
        .issue_certificate(&visit.id, &input(Some("2026-01-07")))
        .unwrap();
    assert!(issued.title.starts_with("Sick note C-"), "{}", issued.title);
    assert_eq!(
        issued.attachment.encounter_id.as_deref(),
        Some(visit.id.as_str())
    );
    let page = shell.document_page(&issued.document, 1).unwrap();
    assert_eq!(page.title, issued.title);
    let filed = shell.patient_attachments(&visit.patient_id).unwrap();
    assert!(filed.iter().any(|a| a.id == issued.attachment.id));
    shell.sign_out();
    sign_in_as(&shell, NURSE);
    forbidden(
        shell
            .issue_certificate(&visit.id, &input(Some("2026-01-07")))
            .unwrap_err(),
    );
}

#[test]
fn the_front_desk_previews_and_saves_an_invoice_and_its_receipt_and_a_nurse_may_not() {
    let (dir, shell) = demo_clinic();
    sign_in_as(&shell, DESK);
    let invoice = shell
        .open_invoices()
        .unwrap()
        .into_iter()
        .find(|i| i.number.is_some() && !i.payments.is_empty())
        .expect("the demo's front desk issued invoices for past visits and took payments");
    let number = invoice.number.clone().unwrap();
    let document = DocumentRef::Invoice(invoice.id.clone());
    let page = shell.document_page(&document, 1).unwrap();
    assert_eq!(page.title, format!("Invoice {number}"));
    assert_eq!(page.file_name, format!("invoice-{number}.pdf"));

    let payment = &invoice.payments[0];
    let receipt = DocumentRef::Receipt(payment.id.clone());
    let page = shell.document_page(&receipt, 1).unwrap();
    assert_eq!(
        (page.title, page.pages),
        (format!("Receipt {}", payment.receipt_number), 1)
    );
    let folder = dir.path().join("out");
    std::fs::create_dir(&folder).unwrap();
    let saved = shell
        .save_document(&receipt, &folder.display().to_string(), "receipt", false)
        .unwrap();
    assert!(
        std::fs::read(&saved.path).unwrap().starts_with(b"%PDF"),
        "the receipt is saved as a PDF"
    );

    let draft = shell.new_invoice(invoice.patient_id.as_deref()).unwrap();
    let refused = shell
        .document_page(&DocumentRef::Invoice(draft.id), 1)
        .unwrap_err();
    invalid(refused.clone(), "invoice");
    assert!(refused.message.contains("issue it first"), "{refused:?}");
    invalid(
        shell
            .document_page(&DocumentRef::Receipt("R-1".into()), 1)
            .unwrap_err(),
        "payment",
    );

    shell.sign_out();
    sign_in_as(&shell, NURSE);
    forbidden(shell.document_page(&document, 1).unwrap_err());
    forbidden(shell.document_page(&receipt, 1).unwrap_err());
}
