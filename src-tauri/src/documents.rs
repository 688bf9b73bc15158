//! Printed documents in the window: a preview of the pages (rendered by poppler through
//! pipes), "Print" through CUPS (the queues listed, the last one remembered per
//! workstation), "Save as PDF…" to a folder the user picks, sick notes and fitness-to-work
//! certificates from a visit, and the letterhead an administrator sets. Invoices, credit
//! notes and receipts are named like any other document. The core lays
//! every document out from its record and audits every read, print and export; the
//! window only ever names a document, it never hands PDF bytes back.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use clinic_core::documents as core_docs;
use clinic_core::ids::{
    AttachmentId, EncounterId, InvoiceId, LabOrderId, PaymentId, PrescriptionId, SampleId,
};
use serde::{Deserialize, Serialize};

use crate::clinical::attachments::Attachment;
use crate::dto::CommandError;
use crate::shell::pdf::{pdf_page_png, pdf_pages};
use crate::shell::{Reply, Result, Shared, Shell, blocking, parse_id};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn document_page(
    shell: Shared<'_>,
    document: DocumentRef,
    page: u32,
) -> Reply<DocumentPage> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.document_page(&document, page)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn save_document(
    shell: Shared<'_>,
    document: DocumentRef,
    folder: String,
    file_name: String,
    replace: bool,
) -> Reply<SavedDocument> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.save_document(&document, &folder, &file_name, replace)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn printers(shell: Shared<'_>) -> Reply<PrinterList> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.printers()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn print_document(
    shell: Shared<'_>,
    document: DocumentRef,
    printer: String,
    copies: u32,
) -> Reply<PrintedDocument> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.print_document(&document, &printer, copies)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn issue_certificate(
    shell: Shared<'_>,
    encounter_id: String,
    input: CertificateInput,
) -> Reply<IssuedCertificate> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.issue_certificate(&encounter_id, &input)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn letterhead(shell: Shared<'_>) -> Reply<Letterhead> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.letterhead()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_letterhead(shell: Shared<'_>, input: LetterheadInput) -> Reply<Letterhead> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.set_letterhead(&input)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_letterhead_logo(shell: Shared<'_>, png: Option<String>) -> Reply<Letterhead> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.set_letterhead_logo(png.as_deref())).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

/// Where "Save as PDF…" starts: the user's Documents folder, else their home.
pub fn default_folder() -> PathBuf {
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("/"), PathBuf::from);
    let documents = home.join("Documents");
    if documents.is_dir() { documents } else { home }
}

/// A file name as typed, made one of `extension`: trimmed, the extension added when
/// missing, no folders.
pub fn file_name_with(typed: &str, extension: &str) -> Result<String> {
    let name = typed.trim();
    if name.is_empty() {
        return Err(CommandError::invalid(
            "file_name",
            "type a name for the file",
        ));
    }
    if name.contains('/') || name.contains('\0') || name == "." || name == ".." {
        return Err(CommandError::invalid(
            "file_name",
            "a file name has no folders in it; choose the folder above",
        ));
    }
    Ok(
        if name
            .to_ascii_lowercase()
            .ends_with(&format!(".{extension}"))
        {
            name.to_owned()
        } else {
            format!("{name}.{extension}")
        },
    )
}

/// A file name as typed, made a PDF's.
pub fn pdf_file_name(typed: &str) -> Result<String> {
    file_name_with(typed, "pdf")
}

/// Where a file the person named goes in `folder`: refused when it exists and they did
/// not ask to replace it.
pub fn save_target(folder: &Path, typed: &str, extension: &str, replace: bool) -> Result<PathBuf> {
    let path = folder.join(file_name_with(typed, extension)?);
    if path.exists() && !replace {
        return Err(CommandError::invalid(
            "file_name",
            format!(
                "{} already exists; choose another name, or replace it",
                path.display()
            ),
        ));
    }
    Ok(path)
}

/// Where a file saved from the window goes: the typed folder (empty: the user's
/// Documents folder) and name (`extension` added when missing), refused when it exists
/// and they did not ask to replace it.
pub fn save_path(folder: &str, typed: &str, extension: &str, replace: bool) -> Result<PathBuf> {
    let folder = match folder.trim() {
        "" => default_folder(),
        typed => Path::new(typed).to_owned(),
    };
    save_target(&folder, typed, extension, replace)
}

/// Writes `bytes` beside `path`, flushes them to disk and renames them into place: the
/// file is the old one or the whole new one, never half of it.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut part = path.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    let written = std::fs::File::create(&part)
        .and_then(|mut f| {
            std::io::Write::write_all(&mut f, bytes)?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&part, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&part);
        CommandError::invalid("folder", format!("could not write {}: {e}", path.display()))
    })
}

impl Shell {
    /// Page `page` (from 1) of a document as a PNG, with what the window shows around it.
    pub fn document_page(&self, document: &DocumentRef, page: u32) -> Result<DocumentPage> {
        let reference = document.parse()?;
        let doc = self.with_open(|open| Ok(open.session.document(reference)?))?;
        let pages = pdf_pages(&doc.pdf)?;
        let page = page.clamp(1, pages.max(1));
        let png = pdf_page_png(&doc.pdf, page)?;
        Ok(DocumentPage {
            title: doc.title,
            file_name: doc.file_name,
            page,
            pages,
            png: base64::engine::general_purpose::STANDARD.encode(png),
            default_folder: default_folder().display().to_string(),
        })
    }

    /// Saves a document as `folder/file_name` (".pdf" added); an existing file is
    /// replaced only when the user said so.
    pub fn save_document(
        &self,
        document: &DocumentRef,
        folder: &str,
        file_name: &str,
        replace: bool,
    ) -> Result<SavedDocument> {
        let reference = document.parse()?;
        let folder = folder.trim();
        if folder.is_empty() {
            return Err(CommandError::invalid(
                "folder",
                "choose the folder to save in",
            ));
        }
        let path = save_target(Path::new(folder), file_name, "pdf", replace)?;
        let doc = self.with_open(|open| Ok(open.session.export_document(reference, &path)?))?;
        Ok(SavedDocument {
            title: doc.title,
            path: path.display().to_string(),
        })
    }

    /// The print queues, and the one to offer first.
    pub fn printers(&self) -> Result<PrinterList> {
        let cups = self.cups.clone();
        self.with_open(|open| {
            let (printers, preferred) = open.session.printer_choice(&cups)?;
            Ok(PrinterList {
                printers: printers.queues,
                preferred,
            })
        })
    }

    /// Prints a document through CUPS (audited; the printer is remembered here).
    pub fn print_document(
        &self,
        document: &DocumentRef,
        printer: &str,
        copies: u32,
    ) -> Result<PrintedDocument> {
        let reference = document.parse()?;
        let cups = self.cups.clone();
        self.with_open(|open| {
            let (doc, job) = open
                .session
                .print_document(reference, printer, copies, &cups)?;
            Ok(PrintedDocument {
                title: doc.title,
                printer: printer.to_owned(),
                job: job.to_string(),
            })
        })
    }

    pub fn issue_certificate(
        &self,
        encounter_id: &str,
        input: &CertificateInput,
    ) -> Result<IssuedCertificate> {
        let encounter: EncounterId = parse_id("encounter", encounter_id)?;
        let kind = match input.kind.as_str() {
            "sick_note" => core_docs::CertificateKind::SickNote,
            "fitness_to_work" => core_docs::CertificateKind::FitnessToWork,
            other => {
                return Err(CommandError::invalid(
                    "kind",
                    format!(
                        "\"{other}\" is not a certificate; choose a sick note or fitness to work"
                    ),
                ));
            }
        };
        let input = core_docs::CertificateInput {
            kind,
            from: input.from.clone(),
            until: input.until.clone().filter(|u| !u.trim().is_empty()),
            recommendation: input.recommendation.clone(),
        };
        self.with_open(|open| {
            let (attachment, doc) = open.session.issue_certificate(encounter, &input)?;
            Ok(IssuedCertificate {
                title: doc.title,
                document: DocumentRef::Attachment(attachment.id.to_string()),
                attachment: attachment.into(),
            })
        })
    }

    pub fn letterhead(&self) -> Result<Letterhead> {
        self.with_open(|open| {
            let lh = open.session.letterhead()?;
            let logo = open.session.letterhead_logo()?;
            Ok(Letterhead::new(lh, logo))
        })
    }

    pub fn set_letterhead(&self, input: &LetterheadInput) -> Result<Letterhead> {
        let page_size = core_docs::PaperSize::parse(&input.page_size)?;
        self.with_open(|open| {
            open.session.set_letterhead(&core_docs::LetterheadInput {
                address: input.address.clone(),
                phone: input.phone.clone(),
                registration: input.registration.clone(),
                page_size,
            })?;
            Ok(())
        })?;
        self.letterhead()
    }

    /// Sets the logo from a PNG the UI read (base64), or removes it (`None`).
    pub fn set_letterhead_logo(&self, png: Option<&str>) -> Result<Letterhead> {
        let bytes = png
            .map(|b64| {
                base64::engine::general_purpose::STANDARD
                    .decode(b64.trim())
                    .map_err(|_| {
                        CommandError::invalid(
                            "logo",
                            "the file did not arrive whole; choose it again",
                        )
                    })
            })
            .transpose()?;
        self.with_open(|open| {
            open.session.set_letterhead_logo(bytes.as_deref())?;
            Ok(())
        })?;
        self.letterhead()
    }
}

// ---- wire types -----------------------------------------------------------------------

/// A document the window names: an issued prescription, a PDF attachment (a
/// certificate, a letter), a lab order's report, a sample's label, an issued invoice or
/// credit note, a payment's receipt, or a billing report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum DocumentRef {
    Prescription(String),
    Attachment(String),
    LabReport(String),
    LabLabel(String),
    Invoice(String),
    Receipt(String),
    /// A billing report over a period, as it stands now.
    Report(crate::billing::ReportRef),
}

impl DocumentRef {
    fn parse(&self) -> Result<core_docs::DocumentRef> {
        Ok(match self {
            DocumentRef::Prescription(id) => {
                core_docs::DocumentRef::Prescription(parse_id::<PrescriptionId>(
                    "prescription",
                    id,
                )?)
            }
            DocumentRef::Attachment(id) => {
                core_docs::DocumentRef::Attachment(parse_id::<AttachmentId>("attachment", id)?)
            }
            DocumentRef::LabReport(id) => {
                core_docs::DocumentRef::LabReport(parse_id::<LabOrderId>("order", id)?)
            }
            DocumentRef::LabLabel(id) => {
                core_docs::DocumentRef::LabLabel(parse_id::<SampleId>("sample", id)?)
            }
            DocumentRef::Invoice(id) => {
                core_docs::DocumentRef::Invoice(parse_id::<InvoiceId>("invoice", id)?)
            }
            DocumentRef::Receipt(id) => {
                core_docs::DocumentRef::Receipt(parse_id::<PaymentId>("payment", id)?)
            }
            DocumentRef::Report(report) => core_docs::DocumentRef::Report(report.parse()?),
        })
    }
}

/// One page of a document, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DocumentPage {
    pub title: String,
    /// The name "Save as PDF…" offers.
    pub file_name: String,
    pub page: u32,
    pub pages: u32,
    /// The page as a PNG, base64.
    pub png: String,
    /// The folder "Save as PDF…" offers.
    pub default_folder: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SavedDocument {
    pub title: String,
    pub path: String,
}

/// The print queues CUPS offers here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PrinterList {
    pub printers: Vec<String>,
    /// The one used last on this workstation if it is still there, else the system
    /// default, else the first.
    pub preferred: Option<String>,
}

/// A print CUPS accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PrintedDocument {
    pub title: String,
    pub printer: String,
    /// CUPS's job id, e.g. `PDF-12`.
    pub job: String,
}

/// A certificate as the doctor writes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CertificateInput {
    /// `sick_note` or `fitness_to_work`.
    pub kind: String,
    /// `YYYY-MM-DD`.
    pub from: String,
    /// `YYYY-MM-DD`; a sick note's last day.
    pub until: Option<String>,
    pub recommendation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct IssuedCertificate {
    pub title: String,
    /// Where it was filed in the patient's attachments.
    pub attachment: Attachment,
    /// The document to preview, print or save.
    pub document: DocumentRef,
}

/// The letterhead as the administrator edits it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LetterheadInput {
    pub address: String,
    pub phone: String,
    pub registration: String,
    /// `A4` or `Letter`.
    pub page_size: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Letterhead {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub registration: String,
    /// `A4` or `Letter`.
    pub page_size: String,
    /// The logo, a PNG in base64, if one is set.
    pub logo_png: Option<String>,
}

impl Letterhead {
    fn new(lh: core_docs::Letterhead, logo: Option<Vec<u8>>) -> Self {
        Self {
            name: lh.name,
            address: lh.address,
            phone: lh.phone,
            registration: lh.registration,
            page_size: lh.page_size.as_str().to_owned(),
            logo_png: logo.map(|l| base64::engine::general_purpose::STANDARD.encode(l)),
        }
    }
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    DocumentRef::export_all(cfg)?;
    DocumentPage::export_all(cfg)?;
    PrinterList::export_all(cfg)?;
    PrintedDocument::export_all(cfg)?;
    SavedDocument::export_all(cfg)?;
    CertificateInput::export_all(cfg)?;
    IssuedCertificate::export_all(cfg)?;
    LetterheadInput::export_all(cfg)?;
    Letterhead::export_all(cfg)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_file_name_becomes_a_pdf_without_folders() {
        assert_eq!(pdf_file_name(" rx-1 ").unwrap(), "rx-1.pdf");
        assert_eq!(pdf_file_name("Note.PDF").unwrap(), "Note.PDF");
        assert!(pdf_file_name("../etc/passwd").is_err());
        assert!(pdf_file_name("  ").is_err());
    }
}
