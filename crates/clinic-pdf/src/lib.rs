//! The clinic's printed documents as PDF: prescriptions, sick notes /
//! fitness-to-work certificates, the lab's labels and reports, invoices and receipts,
//! and billing's tabular reports (the daily cash-up, a period summary).
//!
//! Core fills in a print view ([`PrescriptionView`], [`CertificateView`],
//! [`InvoiceView`], [`ReceiptView`], [`ReportView`], …) with every text settled (dates
//! formatted in the clinic's locale and zone, amounts with their currency's digits);
//! this crate only lays it out. It knows nothing about the database, sessions or
//! permissions, and adds no money up.
//!
//! Invariants:
//! - Text is printed in the vendored DejaVu Sans (regular and bold), embedded as a
//!   subset with a ToUnicode map, so names print and copy as typed (after NFC).
//! - A character the font lacks is never replaced: the whole document is refused with
//!   [`PdfError::MissingCharacters`] listing each one.
//! - Every page carries the document number, its verification code, a QR code holding
//!   both, and "Page N of M".
//! - No clock: nothing printed is computed here, so the same view gives the same pages.

mod certificate;
mod error;
mod fonts;
mod invoice;
mod lab;
mod layout;
mod prescription;
mod report;
mod view;

pub use certificate::certificate;
pub use error::{PdfError, Result};
pub use invoice::{invoice, receipt};
pub use lab::{lab_label, lab_report};
pub use prescription::prescription;
pub use report::report;
pub use view::{
    CertificateKind, CertificateView, Doctor, InvoiceLineView, InvoicePaymentView, InvoiceView,
    LabLabelView, LabReportRow, LabReportView, Letterhead, PageSize, Patient, PrescriptionView,
    ReceiptView, ReportSection, ReportView, RxItem,
};

/// The vendored regular face, for callers that measure against it (the benchmark's
/// baseline embeds the same font).
pub const FONT_REGULAR_TTF: &[u8] = fonts::REGULAR_TTF;
