use std::process::Command;

use clinic_pdf::{LabLabelView, LabReportRow, LabReportView, PageSize, lab_label, lab_report};

use crate::poppler::{on_disk, parse_pgm};
use crate::{doctor, letterhead, patient};

fn label() -> LabLabelView {
    LabLabelView {
        patient_name: "Zoë Ólafsdóttir".into(),
        date_of_birth: "15 June 1984".into(),
        record_number: "BR01-7KQ3M-000042".into(),
        sample_number: "S-BR01-7KQ3M-000007".into(),
        tests: "FBC 718-7 2823-3".into(),
        collected: "2 December 2026 09:14".into(),
    }
}

#[test]
fn a_sample_label_is_50_by_25_mm_reads_back_and_its_qr_code_scans_to_the_sample_number() {
    let doc = on_disk(&lab_label(&label()).expect("label renders"));
    let info = doc.info();
    // 50 × 25 mm is 141.73 × 70.87 pt (printpdf stores millimetres, so a hair more).
    let size = info
        .lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .expect("pdfinfo gives the page size");
    let dims: Vec<f32> = size
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(
        (dims[0] - 141.73).abs() < 0.1 && (dims[1] - 70.87).abs() < 0.1,
        "{size}"
    );
    let text = doc.pages_text().join(" ");
    for expected in [
        "Zoë Ólafsdóttir",
        "BR01-7KQ3M-000042",
        "S-BR01-7KQ3M-000007",
        "2823-3",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }
    let png = doc.path.with_extension("png");
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "300", "-singlefile"])
        .arg(&doc.path)
        .arg(png.with_extension(""))
        .status()
        .expect("pdftoppm runs");
    assert!(status.success());
    let scanned = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(&png)
        .output()
        .expect("zbarimg (zbar-tools) runs");
    assert_eq!(
        String::from_utf8_lossy(&scanned.stdout).trim(),
        "S-BR01-7KQ3M-000007",
        "a barcode scanner types the sample's number"
    );
}

fn report(rows: usize) -> LabReportView {
    LabReportView {
        letterhead: letterhead(PageSize::A4),
        patient: patient(),
        ordered_by: doctor(),
        order_number: "L-BR01-7KQ3M-000003".into(),
        verification_code: "K7Q2-9XMA".into(),
        date: "2 December 2026".into(),
        priority: "urgent".into(),
        ordered_at: "2 December 2026 08:40".into(),
        samples: vec![
            "S-BR01-7KQ3M-000007 · blood (EDTA) · collected 2 December 2026 09:14".into(),
        ],
        rows: (0..rows)
            .map(|n| LabReportRow {
                test: if n == 0 {
                    "Potassium".into()
                } else {
                    format!("Test number {n}")
                },
                result: if n == 0 { "6.8".into() } else { "4.2".into() },
                unit: "mmol/L".into(),
                range: "3.5–5.1".into(),
                flag: if n == 0 { "HH".into() } else { String::new() },
                verified_by: if n == 0 {
                    "Дмитрий Иванов".into()
                } else {
                    "preliminary".into()
                },
            })
            .collect(),
    }
}

#[test]
fn a_lab_report_prints_results_with_ranges_flags_and_verifier() {
    let doc = on_disk(&lab_report(&report(3)).expect("report renders"));
    let pages = doc.pages_text();
    assert_eq!(pages.len(), 1);
    for expected in [
        "Laboratory report",
        "José Álvarez",
        "Potassium",
        "6.8",
        "3.5–5.1",
        "HH",
        "Дмитрий Иванов",
        "preliminary",
        "No. L-BR01-7KQ3M-000003",
        "Verification code K7Q2-9XMA",
        "Page 1 of 1",
    ] {
        assert!(
            pages[0].contains(expected),
            "{expected:?} missing from {}",
            pages[0]
        );
    }
    assert!(doc.fonts().contains("DejaVuSans"), "the font is embedded");
    // It renders: an A4 page at 30 dpi, with ink on it (text and the QR code).
    let page = parse_pgm(&doc.render_pgm(1, 30));
    assert_eq!((page.width, page.height), (249, 351));
    let dark = page.pixels.iter().filter(|p| **p < 128).count();
    assert!(
        dark > 500,
        "the page is drawn, not blank ({dark} dark pixels)"
    );
}

#[test]
fn a_long_lab_report_continues_on_further_pages_with_page_n_of_m() {
    let doc = on_disk(&lab_report(&report(70)).expect("report renders"));
    let pages = doc.pages_text();
    assert!(pages.len() >= 2, "70 rows do not fit one page");
    let total = pages.len();
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains(&format!("Page {} of {total}", i + 1)),
            "page {}",
            i + 1
        );
    }
    assert!(pages[1].contains("Laboratory report (continued)"));
    let all = pages.join("\n");
    assert!(all.contains("Test number 69"), "no row is lost");
}
