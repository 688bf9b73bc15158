//! The invoice (or credit note) and the receipt for one payment.
//!
//! The invoice: letterhead, title with the number (a void one marked VOID on every
//! page, with why), dates, the clinic's tax registration, the patient, one row per line
//! (description, quantity, unit price, discount, tax rate, line total), the totals with
//! tax by rate, the payments taken and the balance. Lines that do not fit go on to
//! further pages, each with the letterhead, a "continued" heading with the number and
//! the patient, and the column heads again; a line is never split across pages, nor is
//! the totals block. The receipt is one page. Both carry the common footer (QR code,
//! number, verification code, "Page N of M"). Every amount arrives formatted: nothing
//! here adds money up.

use crate::error::Result;
use crate::fonts::Face;
use crate::layout::{MARGIN, Sheet, line_height};
use crate::view::{InvoiceLineView, InvoiceView, ReceiptView};

const SIZE: f32 = 9.0;
const NOTE_SIZE: f32 = 8.0;
/// Widths of the right-aligned columns, right to left; the description takes the rest.
const TOTAL_W: f32 = 78.0;
const TAX_W: f32 = 46.0;
const DISCOUNT_W: f32 = 56.0;
const UNIT_W: f32 = 72.0;
const QTY_W: f32 = 36.0;
/// Space between the description and the first amount.
const GUTTER: f32 = 8.0;
/// Space under each line of the table.
const ROW_GAP: f32 = 2.5;

/// Where the table's columns end (amounts are right-aligned on these edges).
struct Columns {
    description_width: f32,
    qty: f32,
    unit: f32,
    discount: f32,
    tax: f32,
    total: f32,
}

impl Columns {
    fn of(sheet: &Sheet) -> Self {
        let total = sheet.width - MARGIN;
        let tax = total - TOTAL_W;
        let discount = tax - TAX_W;
        let unit = discount - DISCOUNT_W;
        let qty = unit - UNIT_W;
        Columns {
            description_width: qty - QTY_W - GUTTER - MARGIN,
            qty,
            unit,
            discount,
            tax,
            total,
        }
    }
}

/// Lays out an invoice or credit note.
pub fn invoice(view: &InvoiceView) -> Result<Vec<u8>> {
    let mut sheet = Sheet::new(&format!("{} {}", view.title, view.number), &view.letterhead)?;
    let right = sheet.width - MARGIN;
    let cols = Columns::of(&sheet);

    sheet.letterhead(&view.letterhead);
    heading(&mut sheet, view, &view.title);
    if let Some(note) = view.void.as_deref() {
        let width = sheet.content_width();
        sheet.paragraph(Face::Bold, 10.0, MARGIN, width, note);
        sheet.y += 4.0;
    }
    let number_label = format!("{} no.", view.title);
    let dob = match (
        view.patient.date_of_birth.is_empty(),
        view.patient.age.is_empty(),
    ) {
        (false, false) => format!("{} ({})", view.patient.date_of_birth, view.patient.age),
        (false, true) => view.patient.date_of_birth.clone(),
        (true, _) => view.patient.age.clone(),
    };
    two_columns(
        &mut sheet,
        &[
            (&number_label, &view.number),
            ("Credits invoice", &view.credit_of),
            ("Issued", &view.issued),
            ("Printed", &view.printed),
            ("Tax reg.", &view.tax_id),
        ],
        &[
            ("Patient", &view.patient.name),
            ("Date of birth", &dob),
            ("Record no.", &view.patient.record_number),
            ("Address", &view.patient.address),
        ],
    );
    sheet.y += 8.0;
    table_header(&mut sheet, view, &cols);

    for line in &view.lines {
        let (description, note) = line_text(&sheet, line, &cols);
        let height = description.len() as f32 * line_height(SIZE)
            + note.len() as f32 * line_height(NOTE_SIZE)
            + ROW_GAP;
        if sheet.y + height > sheet.bottom() {
            continue_page(&mut sheet, view);
            table_header(&mut sheet, view, &cols);
        }
        let top = sheet.y;
        for (face, size, x, text) in [
            (Face::Regular, SIZE, cols.qty, &line.quantity),
            (Face::Regular, SIZE, cols.unit, &line.unit_price),
            (Face::Regular, SIZE, cols.discount, &line.discount),
            (Face::Regular, SIZE, cols.tax, &line.tax_rate),
            (Face::Bold, SIZE, cols.total, &line.total),
        ] {
            sheet.text_right(face, size, x, top, text);
        }
        for text in &description {
            let y = sheet.y;
            sheet.text_at(Face::Regular, SIZE, MARGIN, y, text);
            sheet.y += line_height(SIZE);
        }
        for text in &note {
            let y = sheet.y;
            sheet.text_at(Face::Regular, NOTE_SIZE, MARGIN + 8.0, y, text);
            sheet.y += line_height(NOTE_SIZE);
        }
        sheet.y += ROW_GAP;
    }

    // The totals stay together, under the last line.
    let mut totals: Vec<(Face, String, &str)> =
        vec![(Face::Regular, "Subtotal".into(), &view.subtotal)];
    if !view.discount.trim().is_empty() {
        totals.push((Face::Regular, "Discount".into(), &view.discount));
    }
    for (rate, amount) in &view.tax_by_rate {
        totals.push((Face::Regular, rate.clone(), amount));
    }
    totals.push((Face::Bold, "Total".into(), &view.total));
    if sheet.y + totals.len() as f32 * line_height(10.0) + 10.0 > sheet.bottom() {
        continue_page(&mut sheet, view);
    }
    let y = sheet.y + 2.0;
    sheet.rule(MARGIN, right, y, 0.5);
    sheet.y = y + 6.0;
    summary(&mut sheet, &totals, cols.discount - 40.0, right);

    if !view.payments.is_empty() {
        let rows = 2.0 + view.payments.len().min(3) as f32;
        if sheet.y + 16.0 + rows * line_height(SIZE) > sheet.bottom() {
            continue_page(&mut sheet, view);
        } else {
            sheet.y += 10.0;
        }
        payments_header(&mut sheet, &cols);
        for p in &view.payments {
            let reference = sheet.wrap(
                Face::Regular,
                SIZE,
                right - TOTAL_W - 12.0 - (MARGIN + 230.0),
                &p.reference,
            );
            let height = reference.len().max(1) as f32 * line_height(SIZE) + 2.0;
            if sheet.y + height > sheet.bottom() {
                continue_page(&mut sheet, view);
                payments_header(&mut sheet, &cols);
            }
            let top = sheet.y;
            sheet.text_at(Face::Regular, SIZE, MARGIN, top, &p.date);
            sheet.text_at(Face::Regular, SIZE, MARGIN + 140.0, top, &p.method);
            for (n, text) in reference.iter().enumerate() {
                sheet.text_at(
                    Face::Regular,
                    SIZE,
                    MARGIN + 230.0,
                    top + n as f32 * line_height(SIZE),
                    text,
                );
            }
            sheet.text_right(Face::Regular, SIZE, right, top, &p.amount);
            sheet.y = top + height;
        }
    }

    let standing: Vec<(Face, String, &str)> = vec![
        (Face::Regular, "Paid".into(), &view.paid),
        (Face::Bold, "Balance".into(), &view.balance),
        (Face::Regular, "Status".into(), &view.status),
    ];
    if sheet.y + 3.0 * line_height(10.0) + 10.0 > sheet.bottom() {
        continue_page(&mut sheet, view);
    }
    let y = sheet.y + 2.0;
    sheet.rule(cols.discount - 40.0, right, y, 0.5);
    sheet.y = y + 6.0;
    summary(&mut sheet, &standing, cols.discount - 40.0, right);

    sheet.finish(&view.number, &view.verification_code)
}

/// The title at the left (with VOID beside it when void), the number at the right.
fn heading(sheet: &mut Sheet, view: &InvoiceView, title: &str) {
    let right = sheet.width - MARGIN;
    let y = sheet.y;
    sheet.text_at(Face::Bold, 14.0, MARGIN, y, title);
    if view.void.is_some() {
        let x = MARGIN + sheet.measure(Face::Bold, title, 14.0) + 14.0;
        sheet.text_at(Face::Bold, 14.0, x, y, "VOID");
    }
    sheet.text_right(
        Face::Regular,
        10.0,
        right,
        y + 3.0,
        &format!("No. {}", view.number),
    );
    sheet.y += line_height(14.0) + 6.0;
}

/// A further page: the letterhead, the heading "continued", and whose it is.
fn continue_page(sheet: &mut Sheet, view: &InvoiceView) {
    sheet.new_page();
    sheet.letterhead(&view.letterhead);
    heading(sheet, view, &format!("{} (continued)", view.title));
    if !view.patient.name.trim().is_empty() {
        let y = sheet.y;
        sheet.text_at(
            Face::Regular,
            9.5,
            MARGIN,
            y,
            &format!("Patient: {}", view.patient.name),
        );
        sheet.y += line_height(9.5);
    }
    sheet.y += 8.0;
}

fn table_header(sheet: &mut Sheet, view: &InvoiceView, cols: &Columns) {
    let y = sheet.y;
    let description = if view.currency.trim().is_empty() {
        "Description".to_owned()
    } else {
        format!("Description (amounts in {})", view.currency)
    };
    sheet.text_at(Face::Bold, SIZE, MARGIN, y, &description);
    for (x, name) in [
        (cols.qty, "Qty"),
        (cols.unit, "Unit price"),
        (cols.discount, "Discount"),
        (cols.tax, "Tax"),
        (cols.total, "Total"),
    ] {
        sheet.text_right(Face::Bold, SIZE, x, y, name);
    }
    sheet.y += line_height(SIZE) + 2.0;
    let (y, right) = (sheet.y, sheet.width - MARGIN);
    sheet.rule(MARGIN, right, y, 0.5);
    sheet.y += 4.0;
}

fn payments_header(sheet: &mut Sheet, cols: &Columns) {
    let y = sheet.y;
    sheet.text_at(Face::Bold, 10.0, MARGIN, y, "Payments");
    sheet.y += line_height(10.0) + 2.0;
    let y = sheet.y;
    for (x, name) in [
        (MARGIN, "Date"),
        (MARGIN + 140.0, "Method"),
        (MARGIN + 230.0, "Receipt and reference"),
    ] {
        sheet.text_at(Face::Bold, SIZE, x, y, name);
    }
    sheet.text_right(Face::Bold, SIZE, cols.total, y, "Amount");
    sheet.y += line_height(SIZE) + 2.0;
    let (y, right) = (sheet.y, sheet.width - MARGIN);
    sheet.rule(MARGIN, right, y, 0.5);
    sheet.y += 4.0;
}

/// The description and its note, wrapped to the description column.
fn line_text(sheet: &Sheet, line: &InvoiceLineView, cols: &Columns) -> (Vec<String>, Vec<String>) {
    let description = sheet.wrap(
        Face::Regular,
        SIZE,
        cols.description_width,
        &line.description,
    );
    let note = if line.note.trim().is_empty() {
        Vec::new()
    } else {
        sheet.wrap(
            Face::Regular,
            NOTE_SIZE,
            cols.description_width - 8.0,
            &line.note,
        )
    };
    (description, note)
}

/// Two blocks of "label value" rows side by side (the document's on the left, the
/// patient's on the right); empty values are skipped. The cursor ends below the longer.
fn two_columns(sheet: &mut Sheet, left: &[(&str, &str)], right: &[(&str, &str)]) {
    let half = sheet.content_width() / 2.0;
    let label_w = 78.0;
    let top = sheet.y;
    let mut bottom = top;
    for (x, rows) in [(MARGIN, left), (MARGIN + half + 6.0, right)] {
        sheet.y = top;
        for (label, value) in rows {
            if value.trim().is_empty() {
                continue;
            }
            let y = sheet.y;
            sheet.text_at(Face::Bold, SIZE, x, y, label);
            sheet.paragraph(
                Face::Regular,
                SIZE,
                x + label_w,
                half - label_w - 6.0,
                value,
            );
        }
        bottom = bottom.max(sheet.y);
    }
    sheet.y = bottom;
}

/// Label and amount rows, the label from `left`, the amount right-aligned on `right`.
fn summary(sheet: &mut Sheet, rows: &[(Face, String, &str)], left: f32, right: f32) {
    for (face, label, value) in rows {
        let y = sheet.y;
        sheet.text_at(*face, 10.0, left, y, label);
        sheet.text_right(*face, 10.0, right, y, value);
        sheet.y += line_height(10.0);
    }
}

/// Lays out the receipt for one payment or refund.
pub fn receipt(view: &ReceiptView) -> Result<Vec<u8>> {
    let mut sheet = Sheet::new(&format!("{} {}", view.title, view.number), &view.letterhead)?;
    let right = sheet.width - MARGIN;
    sheet.letterhead(&view.letterhead);
    let y = sheet.y;
    sheet.text_at(Face::Bold, 14.0, MARGIN, y, &view.title);
    sheet.text_right(
        Face::Regular,
        10.0,
        right,
        y + 3.0,
        &format!("No. {}", view.number),
    );
    sheet.y += line_height(14.0) + 6.0;
    sheet.fields(&[
        ("Receipt no.", &view.number),
        ("Invoice no.", &view.invoice_number),
        ("Received", &view.date),
        ("Printed", &view.printed),
        ("Tax reg.", &view.tax_id),
    ]);
    sheet.y += 6.0;
    if !view.patient.name.trim().is_empty() {
        sheet.patient_block(&view.patient);
        sheet.y += 6.0;
    }
    let y = sheet.y;
    sheet.rule(MARGIN, right, y, 0.5);
    sheet.y += 10.0;
    let y = sheet.y;
    let label = if view.title == "Refund" {
        "Refunded"
    } else {
        "Amount received"
    };
    sheet.text_at(Face::Bold, 13.0, MARGIN, y, label);
    sheet.text_right(Face::Bold, 13.0, right, y, &view.amount);
    sheet.y += line_height(13.0) + 8.0;
    sheet.fields(&[
        ("Method", &view.method),
        ("Reference", &view.reference),
        ("Cash tendered", &view.tendered),
        ("Change", &view.change),
        ("Reason", &view.reason),
        ("Balance after", &view.balance_after),
        ("Received by", &view.received_by),
    ]);
    sheet.finish(&view.number, &view.verification_code)
}
