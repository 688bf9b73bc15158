//! `cargo bench -p clinic-pdf --bench render`: time and size of a one-page
//! prescription, measured against a baseline in the same run (printpdf's minimal
//! one-page document: one line of text in the same DejaVu Sans, subset, same options).
//! Both sides reuse a font parsed once, as the crate does; the one-time parse is
//! reported separately. Figures are printed, never asserted.

use std::hint::black_box;
use std::time::{Duration, Instant};

use clinic_pdf::{
    Doctor, FONT_REGULAR_TTF, Letterhead, PageSize, Patient, PrescriptionView, RxItem, prescription,
};
use printpdf::{
    Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, TextItem,
};

const ROUNDS: usize = 60;

fn view() -> PrescriptionView {
    let item = |drug: &str, strength: &str| RxItem {
        drug: drug.into(),
        strength: strength.into(),
        form: "tablet".into(),
        quantity: "14 tablets".into(),
        dose: "1 tablet".into(),
        route: "by mouth".into(),
        frequency: "twice a day".into(),
        duration: "for 7 days".into(),
        refills: "0".into(),
        note: String::new(),
    };
    PrescriptionView {
        letterhead: Letterhead {
            name: "Kilimani Family Clinic".into(),
            address_lines: vec!["Argwings Kodhek Road 12".into(), "Nairobi, Kenya".into()],
            phone: "+254 20 555 0100".into(),
            registration_numbers: vec!["KMPDC facility reg. no. F-2041".into()],
            logo_png: None,
            page_size: PageSize::A4,
        },
        prescriber: Doctor {
            name: "Dr. Zoë Ólafsdóttir".into(),
            qualification: "MB ChB".into(),
            licence_number: "A-10234".into(),
        },
        patient: Patient {
            name: "José Álvarez".into(),
            date_of_birth: "14/03/1984".into(),
            age: "42 y".into(),
            sex: "Male".into(),
            record_number: "MRN-000417".into(),
            address: "Дмитрий Иванов c/o, Ngong Road 4, Nairobi".into(),
        },
        number: "RX-2026-000123".into(),
        verification_code: "7K3F-92QD".into(),
        date: "02/12/2026".into(),
        items: vec![
            item("Amoxicillin", "500 mg"),
            item("Paracetamol", "1 g"),
            item("Cetirizine", "10 mg"),
        ],
        diagnosis: "J02.9 Acute pharyngitis, unspecified".into(),
        follow_up: "Review in 1 week if not better".into(),
    }
}

fn baseline(font: &ParsedFont) -> Vec<u8> {
    let mut doc = PdfDocument::new("Baseline");
    let id = doc.add_font(font);
    let ops = vec![
        Op::StartTextSection,
        Op::SetFont {
            font: PdfFontHandle::External(id),
            size: Pt(12.0),
        },
        Op::SetTextCursor {
            pos: Point {
                x: Pt(50.0),
                y: Pt(780.0),
            },
        },
        Op::ShowText {
            items: vec![TextItem::Text("José Álvarez, Amoxicillin 500 mg".into())],
        },
        Op::EndTextSection,
    ];
    let page = PdfPage::new(Mm(210.0), Mm(297.0), ops);
    doc.with_pages(vec![page])
        .save(&PdfSaveOptions::default(), &mut Vec::new())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn p95(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[(v.len() * 95 / 100).min(v.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let view = view();
    let t = Instant::now();
    let first = prescription(&view).expect("prescription renders");
    let first_call = t.elapsed();
    let font = ParsedFont::from_bytes(FONT_REGULAR_TTF, 0, &mut Vec::new()).expect("font parses");
    let base_pdf = baseline(&font);

    let (mut ours, mut base) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        // Alternate the two so that load from other work on the machine hits both alike.
        let t = Instant::now();
        black_box(prescription(black_box(&view)).expect("renders"));
        ours.push(t.elapsed());
        let t = Instant::now();
        black_box(baseline(black_box(&font)));
        base.push(t.elapsed());
    }
    let (om, op) = (median(ours.clone()), p95(ours));
    let (bm, bp) = (median(base.clone()), p95(base));
    println!("one-page prescription (3 items, QR, 2 subset faces), {ROUNDS} rounds alternating");
    println!("| path | median | p95 | size |");
    println!("|---|---|---|---|");
    println!(
        "| clinic_pdf::prescription | {:.2} ms | {:.2} ms | {} bytes |",
        ms(om),
        ms(op),
        first.len()
    );
    println!(
        "| baseline: printpdf, one line, same font | {:.2} ms | {:.2} ms | {} bytes |",
        ms(bm),
        ms(bp),
        base_pdf.len()
    );
    println!(
        "prescription / baseline: {:.2}x median, {:.2}x p95; size {:.1}% of DejaVuSans.ttf ({} bytes)",
        om.as_secs_f64() / bm.as_secs_f64(),
        op.as_secs_f64() / bp.as_secs_f64(),
        first.len() as f64 * 100.0 / FONT_REGULAR_TTF.len() as f64,
        FONT_REGULAR_TTF.len()
    );
    println!(
        "first call in the process (parses both faces once): {:.2} ms",
        ms(first_call)
    );
}
