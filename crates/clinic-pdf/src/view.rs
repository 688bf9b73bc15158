//! The print views core fills in. Every field is text already settled: dates formatted
//! in the clinic's locale and time zone, numbers as they should read. This crate never
//! formats, computes or looks anything up; it only lays these strings out.

/// Paper the clinic prints on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PageSize {
    /// 210 × 297 mm.
    #[default]
    A4,
    /// 8.5 × 11 in.
    Letter,
}

impl PageSize {
    /// Width and height in PDF points (1/72 in).
    pub fn points(self) -> (f32, f32) {
        match self {
            PageSize::A4 => (595.28, 841.89),
            PageSize::Letter => (612.0, 792.0),
        }
    }
}

/// The clinic's heading on every page.
#[derive(Debug, Clone, Default)]
pub struct Letterhead {
    pub name: String,
    /// One printed line each.
    pub address_lines: Vec<String>,
    pub phone: String,
    /// Printed one per line, e.g. "Facility reg. no. KMPDC/123".
    pub registration_numbers: Vec<String>,
    /// PNG bytes, drawn 48 pt high at the left of the heading.
    pub logo_png: Option<Vec<u8>>,
    pub page_size: PageSize,
}

/// The doctor who signs.
#[derive(Debug, Clone, Default)]
pub struct Doctor {
    pub name: String,
    pub qualification: String,
    pub licence_number: String,
}

/// The patient as printed.
#[derive(Debug, Clone, Default)]
pub struct Patient {
    pub name: String,
    pub date_of_birth: String,
    /// As the clinic writes it, e.g. "42 y" or "7 mo".
    pub age: String,
    pub sex: String,
    pub record_number: String,
    pub address: String,
}

/// One prescribed item, printed as Rx / Disp / Sig / Refills.
#[derive(Debug, Clone, Default)]
pub struct RxItem {
    pub drug: String,
    pub strength: String,
    pub form: String,
    pub quantity: String,
    pub dose: String,
    pub route: String,
    pub frequency: String,
    pub duration: String,
    pub refills: String,
    /// Instructions and whether substitution is allowed, printed under the item when
    /// not empty (e.g. "Take after food. Dispense as written.").
    pub note: String,
}

/// A prescription, ready to print.
#[derive(Debug, Clone, Default)]
pub struct PrescriptionView {
    pub letterhead: Letterhead,
    pub prescriber: Doctor,
    pub patient: Patient,
    /// The prescription number; the QR code carries it.
    pub number: String,
    /// A short code core derives for this number (the QR code carries it too), so a
    /// pharmacy can check the paper against the clinic.
    pub verification_code: String,
    pub date: String,
    pub items: Vec<RxItem>,
    pub diagnosis: String,
    pub follow_up: String,
}

/// Which certificate it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CertificateKind {
    /// Unfit for work for the period.
    #[default]
    SickNote,
    /// Fit to (return to) work from the first date.
    FitnessToWork,
}

/// A sick note or fitness-to-work certificate, ready to print.
#[derive(Debug, Clone, Default)]
pub struct CertificateView {
    pub letterhead: Letterhead,
    pub doctor: Doctor,
    pub patient: Patient,
    pub kind: CertificateKind,
    pub number: String,
    pub verification_code: String,
    /// Date of issue.
    pub date: String,
    pub examined_on: String,
    pub from: String,
    pub until: String,
    /// Free text, e.g. "Rest at home; light duties for one week after".
    pub recommendation: String,
}

/// A sample's label: a small page (50 × 25 mm) for a tube.
#[derive(Debug, Clone, Default)]
pub struct LabLabelView {
    pub patient_name: String,
    pub date_of_birth: String,
    pub record_number: String,
    /// The sample's number; the QR code carries it alone, as a scanner types it.
    pub sample_number: String,
    /// The tests' codes or short names, as one line.
    pub tests: String,
    /// When it was collected, formatted.
    pub collected: String,
}

/// One line of a lab report's results.
#[derive(Debug, Clone, Default)]
pub struct LabReportRow {
    pub test: String,
    pub result: String,
    pub unit: String,
    pub range: String,
    /// "", "L", "H", "LL" (critical low), "HH" (critical high).
    pub flag: String,
    /// Who verified it, or "preliminary".
    pub verified_by: String,
}

/// A laboratory report for one order.
#[derive(Debug, Clone, Default)]
pub struct LabReportView {
    pub letterhead: Letterhead,
    pub patient: Patient,
    pub ordered_by: Doctor,
    pub order_number: String,
    pub verification_code: String,
    /// Date of the report.
    pub date: String,
    pub priority: String,
    pub ordered_at: String,
    /// One line per sample: "S-… · blood (EDTA) · collected 2 December 2026 09:14".
    pub samples: Vec<String>,
    pub rows: Vec<LabReportRow>,
}

/// One line of an invoice. Amounts are formatted by core (no currency code: the
/// invoice names its currency once).
#[derive(Debug, Clone, Default)]
pub struct InvoiceLineView {
    pub description: String,
    /// Printed under the description when not empty, e.g. "Discount: staff family".
    pub note: String,
    pub quantity: String,
    pub unit_price: String,
    /// The discount's rate, e.g. "10 %", or "" for none.
    pub discount: String,
    /// The tax rate, e.g. "16 %".
    pub tax_rate: String,
    /// Gross − discount + tax.
    pub total: String,
}

/// One payment (or refund) as an invoice lists it.
#[derive(Debug, Clone, Default)]
pub struct InvoicePaymentView {
    pub date: String,
    pub method: String,
    /// The receipt number and any reference (M-Pesa code, card slip), as one text.
    pub reference: String,
    pub amount: String,
}

/// An issued invoice or credit note (or a void one), ready to print.
#[derive(Debug, Clone, Default)]
pub struct InvoiceView {
    pub letterhead: Letterhead,
    /// "Invoice" or "Credit note".
    pub title: String,
    /// For a void invoice, why and when ("Voided 3 December 2026: issued by mistake"):
    /// the document is then marked VOID on every page.
    pub void: Option<String>,
    pub number: String,
    pub verification_code: String,
    /// Which invoice a credit note credits, e.g. "BR01-7KQ3M-2026-000004"; "" otherwise.
    pub credit_of: String,
    pub issued: String,
    pub printed: String,
    /// The clinic's tax registration line from the letterhead, or "".
    pub tax_id: String,
    /// The patient billed; an empty name for a walk-in sale without one.
    pub patient: Patient,
    /// "KES": the lines' amounts are in it.
    pub currency: String,
    pub lines: Vec<InvoiceLineView>,
    pub subtotal: String,
    /// The total of the lines' discounts, "" when there are none.
    pub discount: String,
    /// One row per tax rate: ("Tax 16 %", "KES 3.84").
    pub tax_by_rate: Vec<(String, String)>,
    pub total: String,
    pub payments: Vec<InvoicePaymentView>,
    pub paid: String,
    /// Total − paid, formatted; core words an overpayment ("KES 5.92 overpaid").
    pub balance: String,
    /// Where it stands in words: "Paid", "Partially paid", "Void", …
    pub status: String,
}

/// A receipt for one payment (or a refund), ready to print.
#[derive(Debug, Clone, Default)]
pub struct ReceiptView {
    pub letterhead: Letterhead,
    /// "Receipt" or "Refund".
    pub title: String,
    /// The receipt number.
    pub number: String,
    pub verification_code: String,
    pub invoice_number: String,
    /// When it was received, e.g. "2 December 2026 09:14".
    pub date: String,
    pub printed: String,
    pub tax_id: String,
    pub patient: Patient,
    pub method: String,
    pub reference: String,
    pub amount: String,
    /// Cash handed over and the change given, "" for other methods.
    pub tendered: String,
    pub change: String,
    /// A refund's reason, "" otherwise.
    pub reason: String,
    /// The invoice's balance once this payment is counted.
    pub balance_after: String,
    pub received_by: String,
}

/// A report ready to print (billing's daily cash-up, a period summary): every text
/// settled by core (amounts formatted, dates in words). Nothing here adds anything up.
#[derive(Debug, Clone, Default)]
pub struct ReportView {
    pub letterhead: Letterhead,
    /// "Daily cash-up", "Summary".
    pub title: String,
    /// e.g. "1 December 2026 – 31 December 2026 · all branches"; repeated on every page.
    pub subtitle: String,
    /// A reference printed in the footer and QR code in place of a document number,
    /// e.g. "REPORT-CASHUP-2026-12-01-ALL".
    pub number: String,
    pub verification_code: String,
    /// "Printed 2 December 2026 09:14 by Grace Wanjiru", printed as is.
    pub printed: String,
    pub sections: Vec<ReportSection>,
}

/// One titled table of a report.
#[derive(Debug, Clone, Default)]
pub struct ReportSection {
    /// "Takings by cashier".
    pub heading: String,
    /// Column heads. The first column is left-aligned text and takes the remaining
    /// width (it wraps when long); every other column is right-aligned (amounts,
    /// counts) and as wide as its widest text. A row with more cells than there are
    /// heads gets unheaded columns rather than losing the cells.
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// An optional last row, printed bold under a rule that closes the rows (e.g.
    /// "Total", "", "KES 12,400.00"); an empty vec for none.
    pub total: Vec<String>,
    /// Printed in place of the table (column heads and total included) when `rows` is
    /// empty, e.g. "No payments on this day."
    pub empty: String,
}
