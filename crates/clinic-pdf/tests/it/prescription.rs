use clinic_pdf::{PageSize, PdfError, prescription};

use crate::poppler::{on_disk, parse_pgm};
use crate::prescription_view;

const NAMES: [&str; 3] = ["José Álvarez", "Zoë Ólafsdóttir", "Дмитрий Иванов"];

#[test]
fn unicode_names_survive_copying_out_of_the_pdf() {
    let pdf = prescription(&prescription_view(3)).expect("prescription renders");
    let text = on_disk(&pdf).pages_text().concat();
    for name in NAMES {
        assert!(
            text.contains(name),
            "{name} must extract intact through the ToUnicode map; got:\n{text}"
        );
    }
    for expected in [
        "Rx: Amoxicillin 1 500 mg capsule",
        "Disp: 21 capsules",
        "Sig: 1 capsule by mouth three times a day for 7 days",
        "Refills: 0",
        "Licence no.",
        "A-10234",
        "MRN-000417",
        "J02.9 Acute pharyngitis",
        "Review in 1 week",
        "No. RX-2026-000123",
        "Verification code 7K3F-92QD",
        "Page 1 of 1",
        "KMPDC facility reg. no. F-2041",
    ] {
        assert!(
            text.contains(expected),
            "the prescription must print {expected:?}; got:\n{text}"
        );
    }
}

#[test]
fn decomposed_accents_are_printed_composed() {
    let mut view = prescription_view(1);
    view.patient.name = "Jose\u{301} A\u{301}lvarez".into();
    let text = on_disk(&prescription(&view).expect("renders"))
        .pages_text()
        .concat();
    assert!(
        text.contains("José Álvarez"),
        "NFC input copies out as NFC; got:\n{text}"
    );
}

#[test]
fn fonts_are_embedded_as_subsets() {
    let fonts = on_disk(&prescription(&prescription_view(3)).expect("renders")).fonts();
    // Rows after the two header lines: name, type, encoding, emb, sub, uni, object, id.
    let rows: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(
        rows.len(),
        2,
        "regular and bold, nothing else (no base-14 fallback):\n{fonts}"
    );
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let name = cols[0];
        let (tag, family) = name.split_once('+').unwrap_or(("", name));
        assert!(
            tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
            "a subset font's name starts with a six-letter tag: {name}"
        );
        assert!(
            family.starts_with("DejaVuSans"),
            "the vendored face is the one embedded: {name}"
        );
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            ["yes", "yes", "yes"],
            "emb, sub and uni must all be yes: {row}"
        );
    }
}

#[test]
fn one_page_prescription_stays_small() {
    let pdf = prescription(&prescription_view(3)).expect("renders");
    assert!(
        pdf.len() < 60_000,
        "a subset one-page prescription must stay under 60 KB, got {} bytes",
        pdf.len()
    );
}

#[test]
fn forty_items_paginate_with_page_n_of_m_on_every_page() {
    let pdf = prescription(&prescription_view(40)).expect("renders");
    let doc = on_disk(&pdf);
    let pages = doc.pages_text();
    let total = pages.len();
    assert!(
        total >= 3,
        "40 items of four lines cannot fit on fewer than three A4 pages, got {total}"
    );
    for (i, page) in pages.iter().enumerate() {
        let footer = format!("Page {} of {total}", i + 1);
        assert!(
            page.contains(&footer),
            "page {} must say {footer:?}:\n{page}",
            i + 1
        );
        assert!(
            page.contains("No. RX-2026-000123"),
            "every page carries the number, page {}",
            i + 1
        );
        assert!(
            page.contains("Kilimani Family Clinic"),
            "every page has the letterhead, page {}",
            i + 1
        );
    }
    let all = pages.concat();
    for n in 1..=40 {
        let rx = format!("Rx: Amoxicillin {n} 500 mg capsule");
        assert_eq!(all.matches(&rx).count(), 1, "item {n} printed exactly once");
    }
    assert!(
        pages[total - 1].contains("Signature: Dr. Zoë Ólafsdóttir"),
        "signature closes the last page"
    );
    for p in &pages[1..] {
        assert!(
            p.contains("Prescription (continued)"),
            "continuation pages say so"
        );
        assert!(
            p.contains("José Álvarez"),
            "continuation pages name the patient"
        );
    }
}

#[test]
fn a_character_missing_from_the_font_is_reported_not_replaced() {
    let mut view = prescription_view(1);
    view.patient.name = "王小明 (Wang Xiaoming)".into();
    match prescription(&view) {
        Err(PdfError::MissingCharacters { chars }) => assert_eq!(chars, vec!['王', '小', '明']),
        other => {
            panic!("a name DejaVu cannot draw must be refused with the characters, got {other:?}")
        }
    }
}

#[test]
fn a_logo_that_is_not_an_image_is_refused_with_a_reason() {
    let mut view = prescription_view(1);
    view.letterhead.logo_png = Some(b"not a png".to_vec());
    assert!(
        matches!(prescription(&view), Err(PdfError::Logo(_))),
        "a broken logo must not print silently"
    );
}

#[test]
fn letter_clinics_get_letter_paper() {
    let mut view = prescription_view(1);
    view.letterhead.page_size = PageSize::Letter;
    let info = on_disk(&prescription(&view).expect("renders")).info();
    // 792 pt passes through millimetres in printpdf, so poppler may print 792.001.
    assert!(
        info.contains("612 x 792") && info.contains("(letter)"),
        "{info}"
    );
    let a4 = on_disk(&prescription(&prescription_view(1)).expect("renders")).info();
    assert!(a4.contains("(A4)"), "{a4}");
}

/// The first page rendered at 40 dpi must match the committed reference within a
/// small tolerance (anti-aliasing differs a little between poppler builds). Set
/// `CLINIC_PDF_BLESS=1` to rewrite the reference after an intended layout change, then
/// look at it (`tests/reference/prescription-p1.pgm` opens in most image viewers).
#[test]
fn first_page_renders_like_the_reference() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference/prescription-p1.pgm");
    let rendered =
        on_disk(&prescription(&prescription_view(3)).expect("renders")).render_pgm(1, 40);
    if std::env::var_os("CLINIC_PDF_BLESS").is_some() {
        std::fs::write(&path, &rendered).expect("write the reference");
    }
    let reference = std::fs::read(&path).expect("the committed reference render");
    let (got, want) = (parse_pgm(&rendered), parse_pgm(&reference));
    assert_eq!(
        (got.width, got.height),
        (want.width, want.height),
        "page size changed"
    );
    let differing = got
        .pixels
        .iter()
        .zip(&want.pixels)
        .filter(|(a, b)| a.abs_diff(**b) > 64)
        .count();
    let allowed = got.pixels.len() / 200;
    assert!(
        differing <= allowed,
        "{differing} pixels differ from the reference (allowed {allowed}, 0.5%): the layout moved"
    );
    let ink = got.pixels.iter().filter(|p| **p < 128).count();
    assert!(
        ink > got.pixels.len() / 100,
        "the page must not be blank ({ink} dark pixels)"
    );
}
