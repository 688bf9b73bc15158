//! Attachments: a patient's scans, photos and PDFs — the list, adding one from a file the
//! UI read, archiving one, and viewing one inside the window. PNG, JPEG and WebP images go
//! to the window as they are; a TIFF scan's first page becomes a PNG (ImageMagick's
//! `convert`), and a PDF is shown a page at a time, rendered to PNG by poppler's
//! `pdftoppm`, both through pipes, so the plaintext never touches the disk. Every view is an audited read
//! in the core.

use std::sync::Arc;

use base64::Engine as _;
use clinic_core::ids::{AttachmentId, EncounterId, PatientId};
use serde::Serialize;

use crate::dto::CommandError;
use crate::shell::pdf::{pdf_page_png, pdf_pages, pipe};
use crate::shell::{Reply, Result, Shared, Shell, blocking, parse_id};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn patient_attachments(shell: Shared<'_>, patient_id: String) -> Reply<Vec<Attachment>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.patient_attachments(&patient_id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_attachment(
    shell: Shared<'_>,
    patient_id: String,
    encounter_id: Option<String>,
    file_name: String,
    title: Option<String>,
    data: String,
) -> Reply<Attachment> {
    let shell = Arc::clone(&shell);
    blocking(move || {
        shell.add_attachment(
            &patient_id,
            encounter_id.as_deref(),
            &file_name,
            title.as_deref(),
            &data,
        )
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn archive_attachment(
    shell: Shared<'_>,
    id: String,
    reason: String,
) -> Reply<Attachment> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.archive_attachment(&id, &reason)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn view_attachment(shell: Shared<'_>, id: String, page: u32) -> Reply<AttachmentView> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.view_attachment(&id, page)).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    /// A patient's attachments, newest first (an audited read).
    pub fn patient_attachments(&self, patient_id: &str) -> Result<Vec<Attachment>> {
        let patient: PatientId = parse_id("patient", patient_id)?;
        self.with_open(|open| {
            let list = open.session.attachments_of(patient)?;
            Ok(list.into_iter().map(Attachment::from).collect())
        })
    }

    /// Adds a file the UI read (base64): the core checks its kind by content and its size.
    pub fn add_attachment(
        &self,
        patient_id: &str,
        encounter_id: Option<&str>,
        file_name: &str,
        title: Option<&str>,
        data: &str,
    ) -> Result<Attachment> {
        let patient: PatientId = parse_id("patient", patient_id)?;
        let encounter: Option<EncounterId> = encounter_id
            .filter(|e| !e.trim().is_empty())
            .map(|e| parse_id("encounter", e))
            .transpose()?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .map_err(|_| {
                CommandError::invalid("file", "the file did not arrive whole; choose it again")
            })?;
        self.with_open(|open| {
            Ok(open
                .session
                .add_attachment(patient, encounter, file_name, title, &bytes)?
                .into())
        })
    }

    pub fn archive_attachment(&self, id: &str, reason: &str) -> Result<Attachment> {
        let id: AttachmentId = parse_id("attachment", id)?;
        self.with_open(|open| Ok(open.session.archive_attachment(id, reason)?.into()))
    }

    /// One attachment ready to show: an image as it is, or page `page` (from 1) of a PDF as
    /// a PNG, with the page count.
    pub fn view_attachment(&self, id: &str, page: u32) -> Result<AttachmentView> {
        let id: AttachmentId = parse_id("attachment", id)?;
        let (mime, bytes) = self.with_open(|open| Ok(open.session.attachment_bytes(id)?))?;
        if mime == "image/tiff" {
            // WebKitGTK shows no TIFF: the first page becomes a PNG, through pipes.
            let png = pipe("convert", &["tiff:-[0]", "png:-"], &bytes)?;
            return Ok(AttachmentView {
                mime: "image/png".into(),
                data: base64::engine::general_purpose::STANDARD.encode(png),
                page: 1,
                pages: 1,
            });
        }
        if mime != "application/pdf" {
            return Ok(AttachmentView {
                mime,
                data: base64::engine::general_purpose::STANDARD.encode(&bytes),
                page: 1,
                pages: 1,
            });
        }
        let pages = pdf_pages(&bytes)?;
        let page = page.clamp(1, pages.max(1));
        let png = pdf_page_png(&bytes, page)?;
        Ok(AttachmentView {
            mime: "image/png".into(),
            data: base64::engine::general_purpose::STANDARD.encode(png),
            page,
            pages,
        })
    }
}

// ---- wire types -----------------------------------------------------------------------

/// An attachment as the chart lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Attachment {
    pub id: String,
    pub patient_id: String,
    pub encounter_id: Option<String>,
    pub file_name: String,
    pub title: Option<String>,
    /// `application/pdf`, `image/png`, `image/jpeg`, `image/tiff` or `image/webp`.
    pub mime: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub size: u64,
    pub added_by_name: String,
    pub added_at: String,
    pub archived: bool,
    pub archive_reason: Option<String>,
    /// Whether its file is on this workstation (else opening it fetches it).
    pub here: bool,
}

impl From<clinic_core::clinical::attachments::Attachment> for Attachment {
    fn from(a: clinic_core::clinical::attachments::Attachment) -> Self {
        Self {
            id: a.id.to_string(),
            patient_id: a.patient_id.to_string(),
            encounter_id: a.encounter_id.map(|e| e.to_string()),
            file_name: a.file_name,
            title: a.title,
            mime: a.mime,
            size: a.size,
            added_by_name: a.added_by_name,
            added_at: a.added_at,
            archived: a.archived,
            archive_reason: a.archive_reason,
            here: a.here,
        }
    }
}

/// What the window shows: a picture (base64) and, for a PDF, which page of how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AttachmentView {
    /// The picture's type: the image's own, or `image/png` for a PDF page.
    pub mime: String,
    pub data: String,
    pub page: u32,
    pub pages: u32,
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    Attachment::export_all(cfg)?;
    AttachmentView::export_all(cfg)?;
    Ok(())
}
