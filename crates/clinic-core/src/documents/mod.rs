//! Printed documents: the core fills in a print view (plain text already formatted in
//! the clinic's way: dates as "2 December 2026", frequencies in words) and `clinic-pdf`
//! lays it out. A document is named by a [`DocumentRef`]: an issued prescription (laid
//! out afresh each time from its frozen record), a PDF in a patient's attachments (a
//! certificate, a referral letter), a lab report or label, an issued invoice or a
//! payment's receipt (`invoice.rs`), a billing report over a period (`report.rs`), so
//! the shell never hands PDF bytes back to the core.
//!
//! Invariants:
//! - Reading a document is an audited read of its record (the prescription's or the
//!   attachment's, the invoice's); a draft or cancelled prescription, or a draft
//!   invoice, has no document.
//! - Every print (including one CUPS refused) and every export is audited (`document.print`, `document.export`) with
//!   what was printed or saved, where, and for which patient.
//! - A prescription's verification code is derived from its random id and its number,
//!   so it cannot be guessed from the paper, and the clinic recomputes it to check one.
//! - An export never leaves a half-written file: it is written beside its target and
//!   renamed into place.

pub mod certificate;
mod invoice;
pub mod letterhead;
mod report;

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::OptionalExtension as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::clinic_time::ClinicTime;
use crate::clinical::lab::catalogue::Flag;
use crate::clinical::lab::{LabOrder, Sample};
use crate::clinical::prescriptions::{Item, Prescription};
use crate::error::{Error, Result};
use crate::frontdesk::patients;
use crate::ids::{
    AttachmentId, InvoiceId, LabOrderId, PatientId, PaymentId, PrescriptionId, SampleId, UserId,
};
use crate::printing::{Cups, JobId, Printers};
use crate::session::Session;
use crate::store::audit::{Event, Outcome};

pub use certificate::{CertificateInput, CertificateKind};
pub use letterhead::{Letterhead, LetterheadInput, PaperSize};
pub use report::{ReportKind, ReportRef};

/// A document the clinic can print again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum DocumentRef {
    /// An issued prescription, laid out from its record.
    Prescription(PrescriptionId),
    /// A PDF in a patient's attachments (certificates are filed there when issued).
    Attachment(AttachmentId),
    /// A lab order's report: its results as they stand, verified or preliminary.
    LabReport(LabOrderId),
    /// A sample's label (50 × 25 mm) with the QR code a scanner reads.
    LabLabel(SampleId),
    /// An issued (or void) invoice or credit note, with its payments and balance.
    Invoice(InvoiceId),
    /// The receipt for one payment (or refund).
    Receipt(PaymentId),
    /// A billing report (the cash-up or the summary) over a period, as it stands now.
    Report(ReportRef),
}

impl DocumentRef {
    fn entity(&self) -> (&'static str, String) {
        match self {
            DocumentRef::Prescription(id) => ("prescription", id.to_string()),
            DocumentRef::Attachment(id) => ("attachment", id.to_string()),
            DocumentRef::LabReport(id) => ("lab_order", id.to_string()),
            DocumentRef::LabLabel(id) => ("lab_sample", id.to_string()),
            DocumentRef::Invoice(id) => ("invoice", id.to_string()),
            DocumentRef::Receipt(id) => ("payment", id.to_string()),
            DocumentRef::Report(r) => ("report", r.number()),
        }
    }
}

/// A laid-out document.
#[derive(Debug, Clone)]
pub struct Document {
    pub reference: DocumentRef,
    /// Whose it is; none for a walk-in sale billed to no patient.
    pub patient: Option<PatientId>,
    /// "Prescription BR01-7KQ3M-000042".
    pub title: String,
    /// A file name to offer when saving: "prescription-BR01-7KQ3M-000042.pdf".
    pub file_name: String,
    pub pdf: Vec<u8>,
}

/// How a document left the workstation, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Sent to a print queue; the job id CUPS gave.
    Printed {
        printer: String,
        copies: u32,
        job: String,
    },
    /// Written to a file the user chose.
    Saved { path: PathBuf },
}

/// A date as documents print it: "2 December 2026".
pub fn long_date(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// The clinic-local day of a stored time.
fn stored_day(time: &ClinicTime, stored: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(stored)
        .ok()
        .map(|t| time.date_of(t.with_timezone(&Utc)))
}

/// Age on `day` as a clinic writes it: "42 y" from two years, "7 mo" below, "12 d" for
/// the newborn.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> String {
    use chrono::Datelike as _;
    let mut months = (day.year() - birth.year()) * 12 + day.month() as i32 - birth.month() as i32;
    if day.day() < birth.day() {
        months -= 1;
    }
    let months = months.max(0);
    if months >= 24 {
        format!("{} y", months / 12)
    } else if months >= 1 {
        format!("{months} mo")
    } else {
        format!("{} d", (day - birth).num_days().max(0))
    }
}

/// The short code printed (and carried in the QR code) with a document's number: eight
/// Crockford base-32 characters of SHA-256 over the kind, the number and a random id
/// that never appears on paper.
pub fn verification_code(kind: &str, number: &str, secret_id: &str) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let digest = Sha256::digest(format!("clinic-document-v1\0{kind}\0{number}\0{secret_id}"));
    let bits = digest[..5]
        .iter()
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    let code: String = (0..8)
        .rev()
        .map(|i| char::from(ALPHABET[((bits >> (i * 5)) & 31) as usize]))
        .collect();
    format!("{}-{}", &code[..4], &code[4..])
}

/// "bd" → "twice a day"; anything else as written.
fn frequency_words(frequency: &str) -> String {
    let words = match frequency.trim().to_ascii_lowercase().as_str() {
        "od" => "once a day",
        "bd" => "twice a day",
        "tds" => "three times a day",
        "qds" => "four times a day",
        "q4h" => "every 4 hours",
        "q6h" => "every 6 hours",
        "q8h" => "every 8 hours",
        "q12h" => "every 12 hours",
        "mane" => "in the morning",
        "nocte" => "at night",
        "stat" => "once, now",
        _ => return frequency.trim().to_owned(),
    };
    words.to_owned()
}

fn rx_item(item: &Item) -> clinic_pdf::RxItem {
    let mut note = Vec::new();
    if let Some(i) = item
        .instructions
        .as_deref()
        .filter(|i| !i.trim().is_empty())
    {
        note.push(i.trim().trim_end_matches('.').to_owned() + ".");
    }
    if !item.substitution_allowed {
        note.push("Dispense as written (no substitution).".to_owned());
    }
    if item.free_text {
        note.push("(Not from the clinic's drug catalogue.)".to_owned());
    }
    clinic_pdf::RxItem {
        drug: item.drug_name.clone(),
        strength: item.strength.clone().unwrap_or_default(),
        form: item.form.clone().unwrap_or_default(),
        quantity: item
            .quantity
            .clone()
            .unwrap_or_else(|| "as directed".into()),
        dose: item.dose.clone(),
        route: item.route.clone().unwrap_or_default(),
        frequency: frequency_words(&item.frequency),
        duration: item
            .duration_days
            .map(|d| {
                if d == 1 {
                    "for 1 day".into()
                } else {
                    format!("for {d} days")
                }
            })
            .unwrap_or_default(),
        refills: match item.refills {
            0 => "none".into(),
            n => n.to_string(),
        },
        note: note.join(" "),
    }
}

/// The doctor as printed: display name, specialization as qualification, licence.
pub(crate) fn doctor(conn: &rusqlite::Connection, user: UserId) -> Result<clinic_pdf::Doctor> {
    let found = conn
        .query_row(
            "SELECT u.display_name, coalesce(d.specialization, ''), coalesce(d.licence_number, '')
             FROM users u LEFT JOIN doctors d ON d.user_id = u.id
             WHERE u.id = ?1",
            [user],
            |r| {
                Ok(clinic_pdf::Doctor {
                    name: r.get(0)?,
                    qualification: r.get(1)?,
                    licence_number: r.get(2)?,
                })
            },
        )
        .optional()
        .map_err(Error::from_sqlite)?;
    found.ok_or_else(|| Error::Internal(format!("the user {user} who signed is not on record")))
}

/// The patient as printed, their age on `day`.
pub(crate) fn patient(
    conn: &rusqlite::Connection,
    id: PatientId,
    day: NaiveDate,
) -> Result<clinic_pdf::Patient> {
    let p = patients::store::get(conn, id)?
        .ok_or_else(|| Error::validation("patient", format!("there is no patient {id}")))?;
    let birth = crate::clinic_time::parse_date("date_of_birth", &p.date_of_birth).ok();
    Ok(clinic_pdf::Patient {
        name: format!("{} {}", p.given_name, p.family_name),
        date_of_birth: birth.map_or(p.date_of_birth.clone(), long_date),
        age: birth.map(|b| age_on(b, day)).unwrap_or_default(),
        sex: match p.sex.as_str() {
            "F" | "female" => "Female".into(),
            "M" | "male" => "Male".into(),
            other => other.to_owned(),
        },
        record_number: p.mrn,
        address: p.address.unwrap_or_default().replace('\n', ", "),
    })
}

/// Turns a PDF engine error into the core's: text the font cannot print is the user's to
/// change, a bad logo the administrator's.
pub(crate) fn pdf_error(e: clinic_pdf::PdfError) -> Error {
    match e {
        clinic_pdf::PdfError::MissingCharacters { .. } => {
            Error::validation("document", e.to_string())
        }
        clinic_pdf::PdfError::Logo(_) => Error::validation("logo", e.to_string()),
        other => Error::Internal(other.to_string()),
    }
}

impl Session {
    /// The letterhead as the PDF engine draws it.
    pub(crate) fn print_letterhead(&mut self) -> Result<clinic_pdf::Letterhead> {
        let (lh, logo) = letterhead::get(self.live()?.store.conn())?;
        Ok(letterhead::for_print(&lh, logo))
    }

    /// The print view of an issued prescription (no audit of its own: callers read the
    /// prescription through [`Session::prescription`] first).
    fn prescription_view(&mut self, rx: &Prescription) -> Result<clinic_pdf::PrescriptionView> {
        let number = match (rx.status.as_str(), rx.number.as_deref()) {
            ("issued", Some(n)) => n.to_owned(),
            ("cancelled", Some(n)) => {
                return Err(Error::validation(
                    "prescription",
                    format!("prescription {n} was cancelled; it is not printed again"),
                ));
            }
            _ => {
                return Err(Error::validation(
                    "prescription",
                    "a draft is not printed; issue it first",
                ));
            }
        };
        let time = self.clinic_time()?;
        let day = rx
            .issued_at
            .as_deref()
            .and_then(|t| stored_day(&time, t))
            .unwrap_or(self.today()?);
        let letterhead = self.print_letterhead()?;
        let conn = self.live()?.store.conn();
        let prescriber = doctor(conn, rx.prescriber_id)?;
        let patient = patient(conn, rx.patient_id, day)?;
        let diagnosis = match (&rx.diagnosis_code, &rx.diagnosis_title) {
            (Some(code), Some(title)) => format!("{code} {title}"),
            (None, Some(title)) => title.clone(),
            _ => String::new(),
        };
        let follow_up = rx
            .follow_up
            .as_deref()
            .and_then(|f| crate::clinic_time::parse_date("follow_up", f).ok())
            .map(long_date)
            .unwrap_or_default();
        Ok(clinic_pdf::PrescriptionView {
            letterhead,
            prescriber,
            patient,
            verification_code: verification_code("prescription", &number, &rx.id.to_string()),
            number,
            date: long_date(day),
            items: rx.items.iter().map(rx_item).collect(),
            diagnosis,
            follow_up,
        })
    }

    /// The lab report's print view of an order as it stands.
    fn lab_report_view(&mut self, order: &LabOrder) -> Result<clinic_pdf::LabReportView> {
        let time = self.clinic_time()?;
        let today = self.today()?;
        let letterhead = self.print_letterhead()?;
        let conn = self.live()?.store.conn();
        let ordered_by = doctor(conn, order.ordered_by)?;
        let patient = patient(conn, order.patient_id, today)?;
        let mut rows = Vec::new();
        for test in &order.tests {
            let latest = order
                .results
                .iter()
                .filter(|r| r.test_code == test.code && !r.superseded)
                .max_by_key(|r| r.version);
            rows.push(match latest {
                None => clinic_pdf::LabReportRow {
                    test: test.name.clone(),
                    result: "pending".into(),
                    unit: test.unit.clone(),
                    ..Default::default()
                },
                Some(r) => clinic_pdf::LabReportRow {
                    test: test.name.clone(),
                    result: if r.version > 1 {
                        format!("{} (corrected)", r.value)
                    } else {
                        r.value.clone()
                    },
                    unit: r.unit.clone(),
                    range: r.range_text.clone(),
                    flag: match r.flag {
                        Some(Flag::Low) => "L",
                        Some(Flag::High) => "H",
                        Some(Flag::CriticalLow) => "LL",
                        Some(Flag::CriticalHigh) => "HH",
                        _ => "",
                    }
                    .into(),
                    verified_by: r
                        .verified_by_name
                        .clone()
                        .unwrap_or_else(|| "preliminary".into()),
                },
            });
        }
        let samples = order
            .samples
            .iter()
            .map(|s| {
                let mut line = format!(
                    "{} · {} · collected {}",
                    s.number,
                    s.specimen,
                    time.show_stored(&s.collected_at)
                );
                if let Some(reason) = &s.reject_reason {
                    line.push_str(&format!(" · rejected: {reason}"));
                }
                line
            })
            .collect();
        Ok(clinic_pdf::LabReportView {
            letterhead,
            patient,
            ordered_by,
            verification_code: verification_code(
                "lab_report",
                &order.number,
                &order.id.to_string(),
            ),
            order_number: order.number.clone(),
            date: long_date(today),
            priority: order.priority.clone(),
            ordered_at: time.show_stored(&order.ordered_at),
            samples,
            rows,
        })
    }

    /// A sample's label view (lab technicians).
    fn lab_label_view(
        &mut self,
        sample: &Sample,
        order: &LabOrder,
    ) -> Result<clinic_pdf::LabLabelView> {
        let time = self.clinic_time()?;
        let today = self.today()?;
        let conn = self.live()?.store.conn();
        let p = patient(conn, sample.patient_id, today)?;
        Ok(clinic_pdf::LabLabelView {
            patient_name: p.name,
            date_of_birth: p.date_of_birth,
            record_number: p.record_number,
            sample_number: sample.number.clone(),
            tests: order
                .tests
                .iter()
                .map(|t| t.code.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            collected: time.show_stored(&sample.collected_at),
        })
    }

    /// A document, laid out (an audited read of its record).
    pub fn document(&mut self, reference: DocumentRef) -> Result<Document> {
        match reference {
            DocumentRef::Invoice(id) => self.invoice_document(id),
            DocumentRef::Receipt(id) => self.receipt_document(id),
            DocumentRef::Report(ref report) => self.report_document(report),
            DocumentRef::LabReport(id) => {
                let order = self.lab_order(id)?;
                let view = self.lab_report_view(&order)?;
                let pdf = clinic_pdf::lab_report(&view).map_err(pdf_error)?;
                Ok(Document {
                    reference,
                    patient: Some(order.patient_id),
                    title: format!("Laboratory report {}", order.number),
                    file_name: format!("lab-report-{}.pdf", order.number),
                    pdf,
                })
            }
            DocumentRef::LabLabel(id) => {
                self.authorize(
                    crate::policy::Action::LabResultEnter,
                    crate::policy::Target::Any,
                )?;
                let sample = crate::clinical::lab::store::sample(self.live()?.store.conn(), id)?
                    .ok_or_else(|| {
                        Error::validation("sample", format!("there is no sample {id}"))
                    })?;
                let order = self.lab_order(sample.order_id)?;
                let view = self.lab_label_view(&sample, &order)?;
                let pdf = clinic_pdf::lab_label(&view).map_err(pdf_error)?;
                Ok(Document {
                    reference,
                    patient: Some(sample.patient_id),
                    title: format!("Sample label {}", sample.number),
                    file_name: format!("label-{}.pdf", sample.number),
                    pdf,
                })
            }
            DocumentRef::Prescription(id) => {
                let rx = self.prescription(id)?;
                let view = self.prescription_view(&rx)?;
                let pdf = clinic_pdf::prescription(&view).map_err(pdf_error)?;
                Ok(Document {
                    reference,
                    patient: Some(rx.patient_id),
                    title: format!("Prescription {}", view.number),
                    file_name: format!("prescription-{}.pdf", view.number),
                    pdf,
                })
            }
            DocumentRef::Attachment(id) => {
                let a = self.attachment(id)?;
                if a.mime != "application/pdf" {
                    return Err(Error::validation(
                        "document",
                        format!(
                            "{} is not a PDF; open it from the chart's attachments to view it",
                            a.file_name
                        ),
                    ));
                }
                let (_, pdf) = self.attachment_bytes(id)?;
                Ok(Document {
                    reference,
                    patient: Some(a.patient_id),
                    title: a.title.clone().unwrap_or_else(|| a.file_name.clone()),
                    file_name: a.file_name,
                    pdf,
                })
            }
        }
    }

    /// Checks a prescription's verification code against its number (pharmacists and
    /// doctors, an audited read): the prescription when the pair is genuine.
    pub fn verify_prescription(&mut self, number: &str, code: &str) -> Result<Prescription> {
        let number = number.trim().to_ascii_uppercase();
        let id = crate::clinical::prescriptions::store::id_by_number(
            self.live()?.store.conn(),
            &number,
        )?;
        let rx = match id {
            Some(id) => self.prescription(id)?,
            None => {
                self.authorize(
                    crate::policy::Action::PrescriptionRead,
                    crate::policy::Target::Any,
                )?;
                return Err(Error::validation(
                    "number",
                    format!("no prescription {number} was issued by this clinic"),
                ));
            }
        };
        let expected = verification_code("prescription", &number, &rx.id.to_string());
        let typed: String = code
            .trim()
            .to_ascii_uppercase()
            .chars()
            .filter(|c| *c != '-' && !c.is_whitespace())
            .collect();
        if typed != expected.replace('-', "") {
            self.write_event(
                Event::new("prescription.verify", Outcome::Denied)
                    .entity("prescription", rx.id)
                    .patient(rx.patient_id),
            )?;
            return Err(Error::validation(
                "code",
                format!(
                    "the code does not match prescription {number}: the paper may be forged; call the prescriber"
                ),
            ));
        }
        Ok(rx)
    }

    /// Writes a document where the user chose (replacing a file of that name), and
    /// audits it. The file is complete or absent, never half-written.
    pub fn export_document(&mut self, reference: DocumentRef, path: &Path) -> Result<Document> {
        let doc = self.document(reference)?;
        let Some(name) = path.file_name() else {
            return Err(Error::validation(
                "path",
                "choose a file name to save the PDF as",
            ));
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(Error::validation(
                "path",
                format!(
                    "the folder {} does not exist; choose another",
                    dir.display()
                ),
            ));
        }
        let partial = dir.join(format!(".{}.partial", name.to_string_lossy()));
        let written = std::fs::write(&partial, &doc.pdf)
            .and_then(|()| std::fs::File::open(&partial)?.sync_all())
            .and_then(|()| std::fs::rename(&partial, path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&partial);
            return Err(Error::io(path)(e));
        }
        self.record_output(
            &doc,
            &Output::Saved {
                path: path.to_path_buf(),
            },
        )?;
        Ok(doc)
    }

    /// Prints a document on a CUPS queue and remembers the queue for this workstation.
    /// The print is audited with its job id; a print CUPS refused is audited as failed.
    pub fn print_document(
        &mut self,
        reference: DocumentRef,
        printer: &str,
        copies: u32,
        cups: &Cups,
    ) -> Result<(Document, JobId)> {
        let doc = self.document(reference)?;
        let job = match cups.print_pdf(printer, &doc.pdf, &doc.title, copies) {
            Ok(job) => job,
            Err(e) => {
                let (entity, id) = doc.reference.entity();
                let mut event = Event::new("document.print", Outcome::Failure)
                    .entity(entity, id)
                    .details(serde_json::json!({
                        "title": doc.title, "printer": printer, "error": e.to_string(),
                    }));
                if let Some(patient) = doc.patient {
                    event = event.patient(patient);
                }
                self.write_event(event)?;
                return Err(e);
            }
        };
        self.remember_printer(printer)?;
        self.record_output(
            &doc,
            &Output::Printed {
                printer: printer.to_owned(),
                copies,
                job: job.to_string(),
            },
        )?;
        Ok((doc, job))
    }

    /// The print queues and the one to offer first (this workstation's last, else the
    /// system default, else the first).
    pub fn printer_choice(&mut self, cups: &Cups) -> Result<(Printers, Option<String>)> {
        self.live()?;
        let printers = cups.printers()?;
        let last = self.last_printer()?;
        let preferred = printers.preferred(last.as_deref()).map(str::to_owned);
        Ok((printers, preferred))
    }

    /// Audits a document leaving the workstation (printed or saved).
    pub fn record_output(&mut self, doc: &Document, output: &Output) -> Result<()> {
        let (entity, id) = doc.reference.entity();
        let (action, details) = match output {
            Output::Printed {
                printer,
                copies,
                job,
            } => (
                "document.print",
                serde_json::json!({ "title": doc.title, "printer": printer, "copies": copies, "job": job }),
            ),
            Output::Saved { path } => (
                "document.export",
                serde_json::json!({ "title": doc.title, "path": path.display().to_string() }),
            ),
        };
        let mut event = Event::new(action, Outcome::Success)
            .entity(entity, id)
            .details(details);
        if let Some(patient) = doc.patient {
            event = event.patient(patient);
        }
        self.write_event(event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_in_years_from_two_in_months_below_and_days_for_the_newborn() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(age_on(d("1984-06-15"), d("2026-06-14")), "41 y");
        assert_eq!(age_on(d("1984-06-15"), d("2026-06-15")), "42 y");
        assert_eq!(age_on(d("2025-05-20"), d("2026-12-02")), "18 mo");
        assert_eq!(age_on(d("2026-11-20"), d("2026-12-02")), "12 d");
        assert_eq!(age_on(d("2026-10-31"), d("2026-12-02")), "1 mo");
    }

    #[test]
    fn the_verification_code_depends_on_the_number_and_the_unprinted_id() {
        let a = verification_code("prescription", "BR01-7KQ3M-000042", "id-1");
        assert_eq!(a.len(), 9);
        assert_eq!(&a[4..5], "-");
        assert_eq!(
            a,
            verification_code("prescription", "BR01-7KQ3M-000042", "id-1")
        );
        assert_ne!(
            a,
            verification_code("prescription", "BR01-7KQ3M-000043", "id-1")
        );
        assert_ne!(
            a,
            verification_code("prescription", "BR01-7KQ3M-000042", "id-2")
        );
        assert_ne!(
            a,
            verification_code("certificate", "BR01-7KQ3M-000042", "id-1")
        );
    }

    #[test]
    fn frequencies_print_in_words_and_unknown_ones_as_written() {
        assert_eq!(frequency_words("BD"), "twice a day");
        assert_eq!(frequency_words("nocte"), "at night");
        assert_eq!(frequency_words("as needed for pain"), "as needed for pain");
    }
}
