//! Attachments: scans, photos and PDFs of a patient, optionally of one visit. A doctor
//! or nurse adds a file; its kind is told by its content (PDF, PNG, JPEG, TIFF, WebP),
//! never by its name, and it may be at most 25 MB. The file is sealed with its own random
//! key ([`sealed`]) and kept outside the database in the data directory's
//! `attachments/` folder; the key, the SHA-256 of the plaintext and what the file is live
//! in its record, inside the encrypted database, and sync with it. The sealed bytes go to
//! the sync server at the author's next sync (`sync::blobs`), and another workstation
//! fetches them when someone opens the attachment there.
//!
//! Invariants: only a user granted `attachment_add` (doctors, nurses) adds one; no file
//! is kept that is empty, too large or of another kind; no plaintext of an attachment is
//! ever written to disk; an attachment is never deleted and its file never changes
//! (archived, with a reason, by its author or a doctor, and archived for good); opening
//! one is an audited read of the patient's record (`record.attachment_open`), made only
//! once every chunk authenticated and the whole plaintext matched its SHA-256 and kind,
//! so a damaged or altered file shows nothing.

pub(crate) mod sealed;
pub(crate) mod store;

use std::fs;
use std::io::Write as _;

use clinic_protocol::attachments as wire;
/// The largest attachment (25 MB), and the kinds of file accepted.
pub use clinic_protocol::attachments::{MAX_BYTES, MIME_TYPES};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::frontdesk::patients;
use crate::ids::{AttachmentId, EncounterId, PatientId, UserId, new_v7_at};
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::audit::{self, Event, Outcome};
use crate::sync::blobs;
use crate::validate;

use sealed::FileKey;

/// One attachment's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub id: AttachmentId,
    pub patient_id: PatientId,
    pub encounter_id: Option<EncounterId>,
    /// The name the file had when it was added (shown, and offered when saving it).
    pub file_name: String,
    pub title: Option<String>,
    /// Told by the file's content: `application/pdf`, `image/png`, `image/jpeg`,
    /// `image/tiff` or `image/webp`.
    pub mime: String,
    /// Bytes of the plaintext.
    pub size: u64,
    /// SHA-256 of the plaintext, lower-case hex.
    pub sha256: String,
    pub added_by: UserId,
    pub added_by_name: String,
    pub added_at: String,
    pub archived: bool,
    pub archived_at: Option<String>,
    pub archived_by: Option<UserId>,
    pub archive_reason: Option<String>,
    /// Whether its file is on this workstation (else opening it fetches it from the sync
    /// server).
    pub here: bool,
}

/// Checks a file about to be attached; its kind on success.
fn check_file(bytes: &[u8]) -> Result<&'static str> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size == 0 {
        return Err(Error::validation(
            "file",
            "is empty; choose the scan, photo or PDF itself",
        ));
    }
    if size > MAX_BYTES {
        return Err(Error::validation(
            "file",
            format!(
                "is larger than {} MB, the most an attachment may be: scan at a lower resolution or split the document",
                MAX_BYTES / (1024 * 1024)
            ),
        ));
    }
    wire::sniff(bytes).ok_or_else(|| {
        Error::validation(
            "file",
            "is not a PDF, PNG, JPEG, TIFF or WebP file (its content says so, whatever its name); save or scan it as one of those",
        )
    })
}

fn check_file_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::validation("file_name", "is required"));
    }
    if name.chars().count() > wire::MAX_FILE_NAME_CHARS {
        return Err(Error::validation(
            "file_name",
            format!("must be at most {} characters", wire::MAX_FILE_NAME_CHARS),
        ));
    }
    if name
        .chars()
        .any(|c| c.is_control() || c == '/' || c == '\\')
    {
        return Err(Error::validation(
            "file_name",
            "is the file's own name, without folders or control characters",
        ));
    }
    Ok(name.to_owned())
}

impl Session {
    /// Adds a scan, photo or PDF to a patient's record, on a visit or not. The file is
    /// sealed and kept here at once; its bytes reach the sync server at the next sync.
    pub fn add_attachment(
        &mut self,
        patient: PatientId,
        encounter: Option<EncounterId>,
        file_name: &str,
        title: Option<&str>,
        bytes: &[u8],
    ) -> Result<Attachment> {
        self.authorize(Action::AttachmentAdd, Target::Patient(patient))?;
        if let Some(e) = encounter
            && self.encounter_unaudited(e)?.patient_id != patient
        {
            return Err(Error::validation(
                "encounter",
                "this visit is another patient's",
            ));
        }
        let mime = check_file(bytes)?;
        let file_name = check_file_name(file_name)?;
        let title = validate::optional_text("title", title, 300)?;
        {
            let p = patients::store::get(self.live()?.store.conn(), patient)?.ok_or_else(|| {
                Error::validation("patient", format!("there is no patient {patient}"))
            })?;
            if !p.active {
                return Err(Error::validation(
                    "patient",
                    format!("{} is archived; restore the record first", p.mrn),
                ));
            }
        }
        let now = self.now();
        let id = AttachmentId(new_v7_at(now));
        let key = FileKey::generate()?;
        let sealed = sealed::seal(&key, &id.to_string(), bytes)?;
        let attachment = Attachment {
            id,
            patient_id: patient,
            encounter_id: encounter,
            file_name,
            title,
            mime: mime.to_owned(),
            size: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
            sha256: hex::encode(Sha256::digest(bytes)),
            added_by: self.actor().user,
            added_by_name: self.actor().username.clone(),
            added_at: to_db_time(now),
            archived: false,
            archived_at: None,
            archived_by: None,
            archive_reason: None,
            here: true,
        };
        // The sealed file is in place before its record commits; a record that fails to
        // commit takes its file back with it (it was never an attachment).
        let data_dir = self.workstation.dir().to_path_buf();
        let path = blobs::sealed_path(&data_dir, &attachment.id.to_string());
        write_new(&data_dir, &path, &sealed)?;
        let recorded = self.transact(|tx, ctx, actor| {
            store::insert(tx, ctx, &attachment, &key.to_hex())?;
            crate::sync::store::queue_upload(
                tx,
                &attachment.id.to_string(),
                &actor.user.to_string(),
                attachment.size,
                &attachment.added_at,
            )?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("attachment.add", Outcome::Success)
                    .entity("attachment", attachment.id)
                    .patient(patient)
                    .details(serde_json::json!({
                        "mime": attachment.mime, "size": attachment.size,
                        "encounter": attachment.encounter_id,
                    })),
            )?;
            Ok(())
        });
        if let Err(e) = recorded {
            let _ = fs::remove_file(&path);
            return Err(e);
        }
        Ok(attachment)
    }

    /// A patient's attachments, newest first, archived ones included (an audited read of
    /// the record; no file is opened).
    pub fn attachments_of(&mut self, patient: PatientId) -> Result<Vec<Attachment>> {
        self.read_record(patient, "attachments", None)?;
        let list = store::for_patient(self.live()?.store.conn(), patient)?;
        Ok(self.with_here(list))
    }

    /// One attachment's record (an audited read; the file is not opened).
    pub fn attachment(&mut self, id: AttachmentId) -> Result<Attachment> {
        let a = self.attachment_unaudited(id)?;
        self.read_record(
            a.patient_id,
            "attachment",
            Some(("attachment", id.to_string())),
        )?;
        Ok(a)
    }

    fn attachment_unaudited(&mut self, id: AttachmentId) -> Result<Attachment> {
        let a = store::get(self.live()?.store.conn(), id)?.ok_or_else(|| {
            Error::validation("attachment", format!("there is no attachment {id}"))
        })?;
        Ok(self.with_here(vec![a]).remove(0))
    }

    fn with_here(&self, mut list: Vec<Attachment>) -> Vec<Attachment> {
        let dir = self.workstation.dir();
        for a in &mut list {
            a.here = blobs::sealed_path(dir, &a.id.to_string()).exists();
        }
        list
    }

    /// Opens an attachment for viewing: its kind (`application/pdf`, `image/png`, …) and
    /// its bytes, exactly as they were added. Fetches the file from the sync server first
    /// if it is not on this workstation yet (resuming a fetch a broken connection cut
    /// short). Every chunk must authenticate and the whole must match its SHA-256 and
    /// kind, or nothing is returned. An audited read of the patient's record.
    pub fn attachment_bytes(&mut self, id: AttachmentId) -> Result<(String, Vec<u8>)> {
        let a = self.attachment_unaudited(id)?;
        self.authorize(Action::RecordRead, Target::Patient(a.patient_id))?;
        let key_hex = store::file_key(self.live()?.store.conn(), id)?
            .ok_or_else(|| Error::Internal("attachment vanished".into()))?;
        let key = FileKey::from_hex(&key_hex)?;
        let data_dir = self.workstation.dir().to_path_buf();
        let path = blobs::sealed_path(&data_dir, &id.to_string());
        if !path.exists() {
            self.fetch_attachment(&a, &key)?;
        }
        let sealed_bytes = fs::read(&path).map_err(Error::io(&path))?;
        let plain = match sealed::open(&key, &id.to_string(), a.size, &sealed_bytes) {
            Ok(plain) => plain,
            Err(damage) => return Err(self.damaged(&a, &damage.to_string())),
        };
        if hex::encode(Sha256::digest(&plain)) != a.sha256 {
            return Err(self.damaged(
                &a,
                "its content does not match the SHA-256 recorded when it was added",
            ));
        }
        if wire::sniff(&plain) != Some(a.mime.as_str()) {
            return Err(self.damaged(
                &a,
                &format!("its content is not the {} it was added as", a.mime),
            ));
        }
        self.read_record(
            a.patient_id,
            "attachment_open",
            Some(("attachment", id.to_string())),
        )?;
        Ok((a.mime, plain))
    }

    /// Fetches an attachment's sealed file from the sync server, authenticating every
    /// chunk before it is kept.
    fn fetch_attachment(&mut self, a: &Attachment, key: &FileKey) -> Result<()> {
        if !self.sync_configured()? {
            return Err(Error::validation(
                "attachment",
                format!(
                    "the file of {} is not on this workstation, and this workstation is not enrolled with a sync server to fetch it from; restore the data directory's attachments folder from a backup",
                    a.file_name
                ),
            ));
        }
        let data_dir = self.workstation.dir().to_path_buf();
        let id = a.id.to_string();
        let count = wire::chunk_count(a.size).unwrap_or(0);
        let check = |index: u32, chunk: &[u8]| -> Result<()> {
            sealed::open_chunk(key, &id, index, count, chunk)
                .map(drop)
                .ok_or_else(|| {
                    Error::AttachmentDamaged(format!(
                        "the sync server sent chunk {} of {} of {} ({id}) that fails its authentication check: the copy on the server is damaged or was altered; nothing of it was kept here. Tell IT",
                        index + 1,
                        count,
                        a.file_name
                    ))
                })
        };
        self.with_server(|http, access| blobs::fetch(http, access, &data_dir, &id, a.size, &check))
            .map(drop)
            .map_err(|e| match e {
                Error::Offline(why) => Error::Offline(format!(
                    "{} is not on this workstation yet; connect to the sync server to fetch it ({why})",
                    a.file_name
                )),
                other => other,
            })
    }

    /// The error for a file that failed its checks. A file the server holds is set aside
    /// (renamed `<id>.damaged`, never deleted) so that opening it again fetches an intact
    /// copy; the only copy (not uploaded yet) stays where it is.
    fn damaged(&mut self, a: &Attachment, what: &str) -> Error {
        let id = a.id.to_string();
        let data_dir = self.workstation.dir().to_path_buf();
        let only_copy = self
            .live()
            .and_then(|u| crate::sync::store::upload_pending(u.store.conn(), &id))
            .unwrap_or(true);
        let _ = self.write_event(
            Event::new("attachment.damaged", Outcome::Failure)
                .entity("attachment", a.id)
                .patient(a.patient_id)
                .details(serde_json::json!({ "what": what })),
        );
        let path = blobs::sealed_path(&data_dir, &id);
        let remedy = if only_copy {
            format!(
                "this workstation holds its only copy (not sent to the sync server yet): leave {} as it is and ask IT to restore it from a backup of the data directory",
                path.display()
            )
        } else {
            let aside = path.with_extension("damaged");
            match fs::rename(&path, &aside) {
                Ok(()) => format!(
                    "the damaged file was set aside as {}; open the attachment again to fetch an intact copy from the sync server",
                    aside.display()
                ),
                Err(_) => format!(
                    "move {} aside and open the attachment again to fetch an intact copy from the sync server",
                    path.display()
                ),
            }
        };
        Error::AttachmentDamaged(format!(
            "the file of attachment {} ({id}) on this workstation is damaged or was altered: {what}; nothing of it was shown. {remedy}",
            a.file_name
        ))
    }

    /// Archives an attachment (added to the wrong patient, a blurred photo): it stays in
    /// the record, marked, with the reason. Its author may, or a doctor.
    pub fn archive_attachment(&mut self, id: AttachmentId, reason: &str) -> Result<Attachment> {
        let a = self.attachment_unaudited(id)?;
        let action = if a.added_by == self.actor().user {
            Action::AttachmentAdd
        } else {
            Action::RecordWrite
        };
        self.authorize(action, Target::Patient(a.patient_id))?;
        if a.archived {
            return Err(Error::validation(
                "attachment",
                "this attachment is already archived",
            ));
        }
        let reason = validate::text("reason", reason, 300)?;
        self.transact(|tx, ctx, actor| {
            store::archive(tx, ctx, id, actor.user, &reason)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("attachment.archive", Outcome::Success)
                    .entity("attachment", id)
                    .patient(a.patient_id)
                    .details(serde_json::json!({ "reason": reason })),
            )?;
            Ok(())
        })?;
        self.attachment_unaudited(id)
    }
}

/// Writes a new file privately and durably, under a temporary name first so that a
/// crash never leaves a half-written file under the final one.
fn write_new(data_dir: &std::path::Path, path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    blobs::folder(data_dir)?;
    let staging = path.with_extension("new");
    let _ = fs::remove_file(&staging);
    let mut file = crate::private_files::create_new_file(&staging)?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(Error::io(&staging))?;
    drop(file);
    fs::rename(&staging, path).map_err(Error::io(path))
}
