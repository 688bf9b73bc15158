//! Public-API tests for clinic-pdf: the PDFs are checked with poppler's own tools
//! (`pdftotext`, `pdffonts`, `pdfinfo`, `pdftoppm`), the way a pharmacy's viewer or a
//! printer would read them, not with printpdf's parser.

mod certificate;
mod invoice;
mod lab;
mod poppler;
mod prescription;
mod report;

use clinic_pdf::{Doctor, Letterhead, PageSize, Patient, PrescriptionView, RxItem};

pub const LOGO_PNG: &[u8] = include_bytes!("logo.png");

pub fn letterhead(page_size: PageSize) -> Letterhead {
    Letterhead {
        name: "Kilimani Family Clinic".into(),
        address_lines: vec!["Argwings Kodhek Road 12".into(), "Nairobi, Kenya".into()],
        phone: "+254 20 555 0100".into(),
        registration_numbers: vec![
            "KMPDC facility reg. no. F-2041".into(),
            "NHIF no. 778812".into(),
        ],
        logo_png: Some(LOGO_PNG.to_vec()),
        page_size,
    }
}

pub fn doctor() -> Doctor {
    Doctor {
        name: "Dr. Zoë Ólafsdóttir".into(),
        qualification: "MB ChB, MMed (Internal Medicine)".into(),
        licence_number: "A-10234".into(),
    }
}

pub fn patient() -> Patient {
    Patient {
        name: "José Álvarez".into(),
        date_of_birth: "14/03/1984".into(),
        age: "42 y".into(),
        sex: "Male".into(),
        record_number: "MRN-000417".into(),
        address: "Дмитрий Иванов c/o, Ngong Road 4, Nairobi".into(),
    }
}

pub fn item(n: usize) -> RxItem {
    RxItem {
        drug: format!("Amoxicillin {n}"),
        strength: "500 mg".into(),
        form: "capsule".into(),
        quantity: "21 capsules".into(),
        dose: "1 capsule".into(),
        route: "by mouth".into(),
        frequency: "three times a day".into(),
        duration: "for 7 days".into(),
        refills: "0".into(),
        note: String::new(),
    }
}

pub fn prescription_view(items: usize) -> PrescriptionView {
    PrescriptionView {
        letterhead: letterhead(PageSize::A4),
        prescriber: doctor(),
        patient: patient(),
        number: "RX-2026-000123".into(),
        verification_code: "7K3F-92QD".into(),
        date: "02/12/2026".into(),
        items: (1..=items).map(item).collect(),
        diagnosis: "J02.9 Acute pharyngitis, unspecified".into(),
        follow_up: "Review in 1 week if not better".into(),
    }
}
