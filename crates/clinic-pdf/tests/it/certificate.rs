use clinic_pdf::{CertificateKind, CertificateView, PageSize, certificate};

use crate::poppler::on_disk;
use crate::{doctor, letterhead, patient};

fn view(kind: CertificateKind) -> CertificateView {
    CertificateView {
        letterhead: letterhead(PageSize::Letter),
        doctor: doctor(),
        patient: patient(),
        kind,
        number: "MC-2026-000042".into(),
        verification_code: "Q9XW-4T2M".into(),
        date: "02/12/2026".into(),
        examined_on: "02/12/2026".into(),
        from: "02/12/2026".into(),
        until: "06/12/2026".into(),
        recommendation: "Rest at home; light duties for one week after returning.".into(),
    }
}

#[test]
fn sick_note_prints_dates_doctor_and_verification_code() {
    let doc = on_disk(&certificate(&view(CertificateKind::SickNote)).expect("certificate renders"));
    let pages = doc.pages_text();
    assert_eq!(pages.len(), 1, "a sick note is one page");
    // -layout may break the long statement across lines, so compare with whitespace folded.
    let text = pages[0].split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Medical certificate of unfitness for work",
        "José Álvarez",
        "unfit for work from 02/12/2026 to 06/12/2026 inclusive",
        "Rest at home; light duties",
        "Dr. Zoë Ólafsdóttir",
        "A-10234",
        "No. MC-2026-000042",
        "Verification code Q9XW-4T2M",
        "Page 1 of 1",
    ] {
        assert!(
            text.contains(expected),
            "the sick note must print {expected:?}; got:\n{text}"
        );
    }
    let png = doc.render_pgm(1, 30);
    assert!(png.len() > 1000, "it renders");
}

#[test]
fn fitness_to_work_says_fit_from_the_first_date() {
    let doc = on_disk(&certificate(&view(CertificateKind::FitnessToWork)).expect("renders"));
    let text = doc
        .pages_text()
        .concat()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("Certificate of fitness to work"), "{text}");
    assert!(text.contains("fit to work from 02/12/2026"), "{text}");
}
