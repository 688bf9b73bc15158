//! The prescription: letterhead, prescriber, patient, the items as Rx / Disp / Sig /
//! Refills, diagnosis, follow-up and signature line. Items that do not fit go on to
//! further pages, each with the letterhead, a "continued" heading naming the patient,
//! and the footer (QR code, number, verification code, "Page N of M"). An item is never
//! split across pages, so a pharmacist always reads one item whole.

use crate::error::Result;
use crate::fonts::Face;
use crate::layout::{MARGIN, Sheet, line_height};
use crate::view::{PrescriptionView, RxItem};

const ITEM_SIZE: f32 = 10.0;
const ITEM_GAP: f32 = 8.0;

/// Lays out `view` as a PDF.
pub fn prescription(view: &PrescriptionView) -> Result<Vec<u8>> {
    let mut sheet = Sheet::new(&format!("Prescription {}", view.number), &view.letterhead)?;
    let right = sheet.width - MARGIN;

    sheet.letterhead(&view.letterhead);
    heading(&mut sheet, view, "Prescription");
    sheet.doctor_block("Prescriber", &view.prescriber);
    sheet.y += 6.0;
    sheet.patient_block(&view.patient);
    sheet.y += 4.0;
    let y = sheet.y;
    sheet.rule(MARGIN, right, y, 0.5);
    sheet.y += 10.0;

    let indent = MARGIN + 26.0;
    let width = right - indent;
    for (n, item) in view.items.iter().enumerate() {
        let lines = item_lines(&sheet, item, width);
        let height = lines.len() as f32 * line_height(ITEM_SIZE) + ITEM_GAP;
        if sheet.y + height > sheet.bottom() {
            sheet.continue_page(&view.letterhead, &view.patient.name, |sheet| {
                heading(sheet, view, "Prescription (continued)");
            });
        }
        let y = sheet.y;
        // Numbers are right-aligned before the text, so "9." and "10." line up.
        sheet.text_right(
            Face::Bold,
            ITEM_SIZE,
            indent - 5.0,
            y,
            &format!("{}.", n + 1),
        );
        for (face, line) in lines {
            let y = sheet.y;
            sheet.text_at(face, ITEM_SIZE, indent, y, &line);
            sheet.y += line_height(ITEM_SIZE);
        }
        sheet.y += ITEM_GAP;
    }

    // Diagnosis, follow-up and the signature stay together on the last page.
    let content = sheet.content_width() - 92.0;
    let closing_lines = sheet
        .wrap(Face::Regular, 9.5, content, &view.diagnosis)
        .len()
        + sheet
            .wrap(Face::Regular, 9.5, content, &view.follow_up)
            .len();
    let closing = closing_lines as f32 * line_height(9.5) + 70.0;
    if sheet.y + closing > sheet.bottom() {
        sheet.new_page();
        sheet.letterhead(&view.letterhead);
        heading(&mut sheet, view, "Prescription (continued)");
    }
    let y = sheet.y;
    sheet.rule(MARGIN, right, y, 0.5);
    sheet.y += 8.0;
    sheet.fields(&[
        ("Diagnosis", &view.diagnosis),
        ("Follow-up", &view.follow_up),
    ]);
    signature(&mut sheet, &view.prescriber.name);

    sheet.finish(&view.number, &view.verification_code)
}

fn heading(sheet: &mut Sheet, view: &PrescriptionView, title: &str) {
    let right = sheet.width - MARGIN;
    let y = sheet.y;
    sheet.text_at(Face::Bold, 14.0, MARGIN, y, title);
    sheet.text_right(
        Face::Regular,
        10.0,
        right,
        y + 3.0,
        &format!("Date: {}", view.date),
    );
    sheet.y += line_height(14.0) + 6.0;
}

/// The item's printed lines, wrapped to `width`: the Rx line bold, the rest regular.
fn item_lines(sheet: &Sheet, item: &RxItem, width: f32) -> Vec<(Face, String)> {
    let join = |parts: &[&str]| {
        parts
            .iter()
            .filter(|p| !p.trim().is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let rows = [
        (
            Face::Bold,
            format!("Rx: {}", join(&[&item.drug, &item.strength, &item.form])),
        ),
        (Face::Regular, format!("Disp: {}", item.quantity)),
        (
            Face::Regular,
            format!(
                "Sig: {}",
                join(&[&item.dose, &item.route, &item.frequency, &item.duration])
            ),
        ),
        (Face::Regular, format!("Refills: {}", item.refills)),
        (Face::Regular, item.note.trim().to_owned()),
    ];
    rows.into_iter()
        .filter(|(_, text)| !text.is_empty())
        .flat_map(|(face, text)| {
            sheet
                .wrap(face, ITEM_SIZE, width, &text)
                .into_iter()
                .map(move |l| (face, l))
        })
        .collect()
}

/// A line to sign on, the signer's name under it, from the cursor.
pub(crate) fn signature(sheet: &mut Sheet, name: &str) {
    let right = sheet.width - MARGIN;
    let left = right - 200.0;
    sheet.y += 36.0;
    let y = sheet.y;
    sheet.rule(left, right, y, 0.75);
    sheet.y += 4.0;
    let y = sheet.y;
    sheet.text_at(Face::Regular, 9.0, left, y, &format!("Signature: {name}"));
    sheet.y += line_height(9.0);
}
