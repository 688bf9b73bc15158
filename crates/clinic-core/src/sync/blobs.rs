//! Attachment bytes to and from the sync server (`clinic_protocol::attachments`): the
//! sealed files in the data directory's `attachments/` folder travel chunk by chunk as
//! they are, never opened here. Both directions resume where they stopped: an upload
//! asks the server which chunks it lacks and sends only those; a download keeps the
//! chunks it has received in `<id>.part` and asks only for the rest.
//!
//! Invariants: a sync uploads only the signed-in user's own attachments (the server takes
//! an attachment's bytes from its author alone, as it takes changes); a downloaded chunk
//! is kept only once the caller's check has authenticated it; `<id>.bin` appears only
//! whole (renamed from its part after the last chunk); every file and the folder are
//! private to the user (`private_files`).

use std::fs;
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

use clinic_protocol::PROTOCOL_VERSION;
use clinic_protocol::attachments::{self as wire, AttachmentStatus};

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::session::Session;

use super::http::Http;
use super::store;

/// The folder of attachment files in the data directory.
pub(crate) const FOLDER: &str = "attachments";

/// The folder of attachment files, made (private) if it is not there yet.
pub(crate) fn folder(data_dir: &Path) -> Result<PathBuf> {
    let folder = data_dir.join(FOLDER);
    crate::private_files::create_dir_all(&folder)?;
    Ok(folder)
}

/// Where attachment `id`'s sealed file lives once it is here whole.
pub(crate) fn sealed_path(data_dir: &Path, id: &str) -> PathBuf {
    data_dir.join(FOLDER).join(format!("{id}.bin"))
}

/// Where a download in progress keeps the chunks received so far.
fn part_path(data_dir: &Path, id: &str) -> PathBuf {
    data_dir.join(FOLDER).join(format!("{id}.part"))
}

fn status_url(http: &Http, id: &str) -> String {
    format!(
        "{}/v1/attachments/status?attachment_id={id}&protocol_version={PROTOCOL_VERSION}",
        http.base
    )
}

fn chunk_url(http: &Http, id: &str, index: u32) -> String {
    format!(
        "{}/v1/attachments/chunk?attachment_id={id}&index={index}&protocol_version={PROTOCOL_VERSION}",
        http.base
    )
}

/// Whether an error ends the sync round (the network is gone, or the access token needs
/// renewing) rather than just this one upload.
fn ends_the_round(e: &Error, http: &Http) -> bool {
    matches!(e.code(), crate::Code::Offline | crate::Code::UpdateRequired)
        || http.token_expired.get()
}

impl Session {
    /// Sends the sealed bytes of the signed-in user's attachments that the server does
    /// not hold yet, after their records were pushed. An attachment the server refuses
    /// (its record was refused, the file is missing here) keeps waiting with the reason
    /// and does not hold the others up; a broken connection ends the round, and the next
    /// one sends only the chunks still missing. Returns how many are now whole on the
    /// server.
    pub(crate) fn upload_attachments(&mut self, http: &Http, access: &str) -> Result<usize> {
        let user = self.actor.user.to_string();
        let pending = store::pending_uploads(self.live()?.store.conn(), &user)?;
        let data_dir = self.workstation.dir().to_path_buf();
        let mut done = 0;
        for upload in pending {
            let outcome = upload_one(http, access, &data_dir, &upload);
            let now = to_db_time(self.now());
            let conn = self.live()?.store.conn();
            match outcome {
                Ok(()) => {
                    store::upload_outcome(conn, &upload.attachment_id, None, &now)?;
                    done += 1;
                }
                Err(e) => {
                    store::upload_outcome(conn, &upload.attachment_id, Some(&e.to_string()), &now)?;
                    if ends_the_round(&e, http) {
                        return Err(e);
                    }
                }
            }
        }
        Ok(done)
    }
}

fn upload_one(http: &Http, access: &str, data_dir: &Path, upload: &store::Upload) -> Result<()> {
    let id = &upload.attachment_id;
    let Some(status) = http.send_found::<AttachmentStatus>(
        http.client.get(status_url(http, id)).bearer_auth(access),
    )?
    else {
        return Err(Error::Sync(format!(
            "the sync server holds no record of attachment {id} (its record has not been pushed, or was refused: see the refused changes)"
        )));
    };
    if status.size != upload.size {
        return Err(Error::Sync(format!(
            "the sync server's record of attachment {id} says {} bytes, and the file made here has {}",
            status.size, upload.size
        )));
    }
    if status.complete {
        return Ok(());
    }
    let path = sealed_path(data_dir, id);
    let mut file = fs::File::open(&path).map_err(Error::io(&path))?;
    let mut complete = false;
    for index in status.missing {
        let len = wire::sealed_len(upload.size, index).ok_or_else(|| {
            Error::Sync(format!(
                "the sync server asks for chunk {index} of attachment {id}, which has no such chunk"
            ))
        })?;
        let mut chunk = vec![0u8; usize::try_from(len).unwrap_or(0)];
        file.seek(SeekFrom::Start(wire::sealed_offset(index)))
            .and_then(|_| file.read_exact(&mut chunk))
            .map_err(Error::io(&path))?;
        let answer: AttachmentStatus = http.send(
            http.client
                .put(chunk_url(http, id, index))
                .bearer_auth(access)
                .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                .body(chunk),
        )?;
        complete = answer.complete;
    }
    if complete {
        Ok(())
    } else {
        Err(Error::Sync(format!(
            "the sync server still lacks chunks of attachment {id}; they are sent again at the next sync"
        )))
    }
}

/// Fetches attachment `id`'s sealed file (`size` bytes of plaintext) from the server into
/// the data directory, resuming a download a broken connection cut short. Each chunk is
/// passed to `check` (which authenticates it) before it is kept.
pub(crate) fn fetch(
    http: &Http,
    access: &str,
    data_dir: &Path,
    id: &str,
    size: u64,
    check: &dyn Fn(u32, &[u8]) -> Result<()>,
) -> Result<PathBuf> {
    let count = wire::chunk_count(size)
        .ok_or_else(|| Error::Internal(format!("attachment {id} has an impossible size")))?;
    let total = wire::sealed_total(size).unwrap_or(0);
    folder(data_dir)?;
    let part = part_path(data_dir, id);
    let mut file = if part.exists() {
        fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&part)
            .map_err(Error::io(&part))?
    } else {
        crate::private_files::create_new_file(&part)?
    };
    let had = file.metadata().map_err(Error::io(&part))?.len();
    // Every chunk but the last is full, so the chunks already here are the whole ones at
    // the start; a chunk cut short by a crash is fetched again.
    let full = wire::CHUNK_BYTES + wire::TAG_BYTES;
    let mut next = if had == total {
        count
    } else {
        u32::try_from(had / full).unwrap_or(0).min(count)
    };
    if next < count {
        file.set_len(wire::sealed_offset(next))
            .map_err(Error::io(&part))?;
        file.seek(SeekFrom::Start(wire::sealed_offset(next)))
            .map_err(Error::io(&part))?;
        let status = http
            .send_found::<AttachmentStatus>(
                http.client.get(status_url(http, id)).bearer_auth(access),
            )?
            .ok_or_else(|| {
                Error::Sync(format!(
                    "the sync server holds no record of attachment {id} yet"
                ))
            })?;
        if status.missing.iter().any(|m| *m >= next) {
            return Err(Error::Sync(format!(
                "the sync server does not hold all of attachment {id} yet: the workstation that added it sends its bytes at its next sync"
            )));
        }
    }
    while next < count {
        let chunk = http.send_bytes(
            http.client
                .get(chunk_url(http, id, next))
                .bearer_auth(access),
        )?;
        let expected = wire::sealed_len(size, next).unwrap_or(0);
        if u64::try_from(chunk.len()).ok() != Some(expected) {
            return Err(Error::AttachmentDamaged(format!(
                "the sync server sent chunk {next} of attachment {id} with {} bytes instead of {expected}; nothing of it was kept",
                chunk.len()
            )));
        }
        check(next, &chunk)?;
        file.write_all(&chunk)
            .and_then(|()| file.flush())
            .map_err(Error::io(&part))?;
        next += 1;
    }
    file.sync_all().map_err(Error::io(&part))?;
    drop(file);
    let path = sealed_path(data_dir, id);
    fs::rename(&part, &path).map_err(Error::io(&path))?;
    Ok(path)
}
