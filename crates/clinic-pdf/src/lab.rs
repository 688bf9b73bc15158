//! The laboratory's papers: a sample label (50 × 25 mm: a QR code of the sample's
//! number beside the patient's name, birth date, record number, the tests and the
//! collection time) and the lab report (letterhead, patient, ordering doctor, samples,
//! one row per result with unit, reference range, flag and verifier; rows continue on
//! further pages, each with the letterhead, and the footer carries the order number and
//! its verification code).

use crate::error::Result;
use crate::fonts::Face;
use crate::layout::{MARGIN, Sheet, line_height};
use crate::view::{LabLabelView, LabReportView};

/// 50 × 25 mm in points.
const LABEL: (f32, f32) = (141.73, 70.87);

/// Lays out a sample label.
pub fn lab_label(view: &LabLabelView) -> Result<Vec<u8>> {
    let mut sheet = Sheet::sized(&format!("Sample {}", view.sample_number), LABEL.0, LABEL.1)?;
    let qr = 52.0;
    sheet.qr_code(&view.sample_number, 4.0, 3.0, qr)?;
    let x = qr + 8.0;
    let width = LABEL.0 - x - 3.0;
    sheet.y = 4.0;
    let name = sheet.wrap(Face::Bold, 7.0, width, &view.patient_name);
    for line in name.iter().take(2) {
        let y = sheet.y;
        sheet.text_at(Face::Bold, 7.0, x, y, line);
        sheet.y += line_height(7.0);
    }
    for line in [
        format!("DOB {}", view.date_of_birth),
        view.record_number.clone(),
        view.collected.clone(),
    ] {
        let y = sheet.y;
        sheet.text_at(Face::Regular, 5.5, x, y, &line);
        sheet.y += line_height(5.5);
    }
    for line in sheet
        .wrap(Face::Regular, 5.5, width, &view.tests)
        .iter()
        .take(2)
    {
        let y = sheet.y;
        sheet.text_at(Face::Regular, 5.5, x, y, line);
        sheet.y += line_height(5.5);
    }
    // The number across the foot, readable when a scanner fails.
    sheet.text_at(Face::Bold, 6.5, 4.0, LABEL.1 - 12.0, &view.sample_number);
    sheet.finish_plain()
}

const COLUMNS: [(&str, f32); 6] = [
    ("Test", 150.0),
    ("Result", 70.0),
    ("Unit", 55.0),
    ("Reference", 70.0),
    ("Flag", 32.0),
    ("Verified by", 0.0),
];

fn heading(sheet: &mut Sheet, view: &LabReportView, title: &str) {
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

fn table_header(sheet: &mut Sheet) {
    let mut x = MARGIN;
    let y = sheet.y;
    for (name, width) in COLUMNS {
        sheet.text_at(Face::Bold, 9.0, x, y, name);
        x += width;
    }
    sheet.y += line_height(9.0) + 2.0;
    let (y, right) = (sheet.y, sheet.width - MARGIN);
    sheet.rule(MARGIN, right, y, 0.5);
    sheet.y += 4.0;
}

/// Lays out a lab report.
pub fn lab_report(view: &LabReportView) -> Result<Vec<u8>> {
    let mut sheet = Sheet::new(
        &format!("Laboratory report {}", view.order_number),
        &view.letterhead,
    )?;
    sheet.letterhead(&view.letterhead);
    heading(&mut sheet, view, "Laboratory report");
    sheet.doctor_block("Ordered by", &view.ordered_by);
    sheet.y += 6.0;
    sheet.patient_block(&view.patient);
    sheet.y += 4.0;
    let samples = view.samples.join("\n");
    sheet.fields(&[
        ("Order no.", &view.order_number),
        ("Priority", &view.priority),
        ("Ordered", &view.ordered_at),
        ("Samples", &samples),
    ]);
    sheet.y += 8.0;
    table_header(&mut sheet);
    let last_width =
        sheet.width - MARGIN - COLUMNS[..5].iter().map(|(_, w)| w).sum::<f32>() - MARGIN;
    for row in &view.rows {
        let cells = [
            (&row.test, COLUMNS[0].1),
            (&row.result, COLUMNS[1].1),
            (&row.unit, COLUMNS[2].1),
            (&row.range, COLUMNS[3].1),
            (&row.flag, COLUMNS[4].1),
            (&row.verified_by, last_width),
        ];
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .map(|(text, width)| sheet.wrap(Face::Regular, 9.0, width - 6.0, text))
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let height = lines as f32 * line_height(9.0) + 3.0;
        if sheet.y + height > sheet.bottom() {
            sheet.continue_page(&view.letterhead, &view.patient.name, |sheet| {
                heading(sheet, view, "Laboratory report (continued)");
            });
            table_header(&mut sheet);
        }
        let top = sheet.y;
        let abnormal = !row.flag.trim().is_empty();
        let mut x = MARGIN;
        for (i, (lines, (_, width))) in wrapped.iter().zip(cells.iter()).enumerate() {
            // The result and its flag are bold when out of range.
            let face = if abnormal && (i == 1 || i == 4) {
                Face::Bold
            } else {
                Face::Regular
            };
            for (n, line) in lines.iter().enumerate() {
                sheet.text_at(face, 9.0, x, top + n as f32 * line_height(9.0), line);
            }
            x += width;
        }
        sheet.y = top + height;
    }
    let y = sheet.y + 6.0;
    let right = sheet.width - MARGIN;
    sheet.rule(MARGIN, right, y, 0.5);
    sheet.y = y + 6.0;
    let width = sheet.content_width();
    sheet.paragraph(
        Face::Regular,
        8.0,
        MARGIN,
        width,
        "L, H: below or above the reference range. LL, HH: critical. Preliminary results are not yet verified by a second person.",
    );
    sheet.finish(&view.order_number, &view.verification_code)
}
