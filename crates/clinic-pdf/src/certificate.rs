//! The sick note or fitness-to-work certificate: letterhead, the certifying doctor,
//! the patient, the dates and recommendation, a signature line and the same footer as a
//! prescription (QR code with number and verification code). It is one page by design:
//! a long recommendation wraps and, if it must, continues on a second page.

use crate::error::Result;
use crate::fonts::Face;
use crate::layout::{MARGIN, Sheet, line_height};
use crate::prescription::signature;
use crate::view::{CertificateKind, CertificateView};

/// Lays out `view` as a PDF.
pub fn certificate(view: &CertificateView) -> Result<Vec<u8>> {
    let title = match view.kind {
        CertificateKind::SickNote => "Medical certificate of unfitness for work",
        CertificateKind::FitnessToWork => "Certificate of fitness to work",
    };
    let mut sheet = Sheet::new(&format!("{title} {}", view.number), &view.letterhead)?;
    let right = sheet.width - MARGIN;
    sheet.letterhead(&view.letterhead);
    let y = sheet.y;
    sheet.text_at(Face::Bold, 14.0, MARGIN, y, title);
    sheet.y += line_height(14.0) + 4.0;
    let y = sheet.y;
    sheet.text_at(
        Face::Regular,
        10.0,
        MARGIN,
        y,
        &format!("Date of issue: {}", view.date),
    );
    sheet.y += line_height(10.0) + 8.0;

    sheet.patient_block(&view.patient);
    sheet.y += 8.0;
    let statement = match view.kind {
        CertificateKind::SickNote => format!(
            "I examined the patient named above on {}. In my opinion they are unfit for work from {} to {} inclusive.",
            view.examined_on, view.from, view.until
        ),
        CertificateKind::FitnessToWork => format!(
            "I examined the patient named above on {}. In my opinion they are fit to work from {}{}.",
            view.examined_on,
            view.from,
            if view.until.trim().is_empty() {
                String::new()
            } else {
                format!(" (review by {})", view.until)
            }
        ),
    };
    let width = sheet.content_width();
    sheet.paragraph(Face::Regular, 10.5, MARGIN, width, &statement);
    sheet.y += 8.0;
    if !view.recommendation.trim().is_empty() {
        let y = sheet.y;
        sheet.text_at(Face::Bold, 10.5, MARGIN, y, "Recommendation");
        sheet.y += line_height(10.5);
        for line in sheet.wrap(Face::Regular, 10.5, width, &view.recommendation) {
            if sheet.y + line_height(10.5) > sheet.bottom() {
                sheet.new_page();
                sheet.letterhead(&view.letterhead);
            }
            let y = sheet.y;
            sheet.text_at(Face::Regular, 10.5, MARGIN, y, &line);
            sheet.y += line_height(10.5);
        }
        sheet.y += 8.0;
    }
    if sheet.y + 110.0 > sheet.bottom() {
        sheet.new_page();
        sheet.letterhead(&view.letterhead);
    }
    let y = sheet.y;
    sheet.rule(MARGIN, right, y, 0.5);
    sheet.y += 8.0;
    sheet.doctor_block("Doctor", &view.doctor);
    signature(&mut sheet, &view.doctor.name);
    sheet.finish(&view.number, &view.verification_code)
}
