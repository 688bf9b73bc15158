//! Attachments (scans, photos, PDFs) as both sides see them: the limits, the kinds of
//! file accepted, how a file is cut into chunks, and what the server says about the
//! chunks it holds.
//!
//! An attachment's record (an `attachments` row) syncs with the change log like any
//! other row and carries the file's per-file key. Its bytes travel separately, already
//! encrypted by the workstation that added it: chunk `i` is the XChaCha20-Poly1305
//! sealing of plaintext bytes `i * CHUNK_BYTES ..` (at most [`CHUNK_BYTES`]), so each
//! sealed chunk is its plaintext's length plus [`TAG_BYTES`]. The server stores the
//! sealed chunks as they come and checks what it can without opening them: who sends
//! them, for which record, how many there are and how long each one is, all from the
//! record it holds, never from the request.
//!
//! Invariants:
//! - No attachment is empty or larger than [`MAX_BYTES`]; none is of a kind outside
//!   [`MIME_TYPES`].
//! - The number of chunks and each chunk's length follow from the record's `size` alone
//!   ([`chunk_count`], [`sealed_len`]).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Plaintext bytes per chunk (the last chunk holds the rest). Small enough that one
/// chunk crosses a poor link (70 kbit/s) within a request's 30 seconds, and that a
/// broken transfer loses little.
pub const CHUNK_BYTES: u64 = 256 * 1024;
/// The authentication tag each sealed chunk carries.
pub const TAG_BYTES: u64 = 16;
/// The largest attachment (25 MB).
pub const MAX_BYTES: u64 = 25 * 1024 * 1024;
/// The most chunks an attachment has.
pub const MAX_CHUNKS: u32 = 100;
/// The kinds of file accepted, as told by their content (never by their name).
pub const MIME_TYPES: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/tiff",
    "image/webp",
];
/// The longest file name kept with an attachment.
pub const MAX_FILE_NAME_CHARS: usize = 200;

/// How many chunks a file of `size` bytes has; `None` for a size out of bounds.
pub fn chunk_count(size: u64) -> Option<u32> {
    if size == 0 || size > MAX_BYTES {
        return None;
    }
    u32::try_from(size.div_ceil(CHUNK_BYTES)).ok()
}

/// The length of sealed chunk `index` of a file of `size` bytes; `None` when the file
/// has no such chunk.
pub fn sealed_len(size: u64, index: u32) -> Option<u64> {
    let count = chunk_count(size)?;
    if index >= count {
        return None;
    }
    let start = u64::from(index) * CHUNK_BYTES;
    Some((size - start).min(CHUNK_BYTES) + TAG_BYTES)
}

/// Where sealed chunk `index` starts in the sealed file (every chunk before it is full).
pub fn sealed_offset(index: u32) -> u64 {
    u64::from(index) * (CHUNK_BYTES + TAG_BYTES)
}

/// The length of the whole sealed file of a `size`-byte attachment.
pub fn sealed_total(size: u64) -> Option<u64> {
    chunk_count(size).map(|n| size + u64::from(n) * TAG_BYTES)
}

/// The kind of file `bytes` holds, told by its first bytes (its "magic number"): a PDF,
/// PNG, JPEG, TIFF or WebP file; `None` for anything else.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Some("image/tiff")
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

fn lower_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Checks the fields a new attachment record is born with, as the server does before
/// it takes one: its patient, its size within bounds, a known kind, a SHA-256 and a 256-bit key in
/// lower-case hex, a file name, and not archived yet.
pub fn check_new_record(fields: &Map<String, Value>) -> Result<(), String> {
    if fields
        .get("patient_id")
        .and_then(Value::as_str)
        .is_none_or(|p| p.trim().is_empty())
    {
        return Err("an attachment belongs to a patient: patient_id is missing".into());
    }
    let size = fields.get("size").and_then(Value::as_u64);
    if size.and_then(chunk_count).is_none() {
        return Err(format!(
            "an attachment's size must be 1 to {MAX_BYTES} bytes, not {}",
            fields.get("size").unwrap_or(&Value::Null)
        ));
    }
    let mime = fields.get("mime").and_then(Value::as_str).unwrap_or("");
    if !MIME_TYPES.contains(&mime) {
        return Err(format!(
            "an attachment is one of {}, not {mime:?}",
            MIME_TYPES.join(", ")
        ));
    }
    if !fields
        .get("sha256")
        .and_then(Value::as_str)
        .is_some_and(|h| lower_hex(h, 64))
    {
        return Err("an attachment's sha256 is 64 lower-case hex digits".into());
    }
    if !fields
        .get("file_key")
        .and_then(Value::as_str)
        .is_some_and(|k| lower_hex(k, 64))
    {
        return Err("an attachment's file_key is 64 lower-case hex digits".into());
    }
    let name = fields
        .get("file_name")
        .and_then(Value::as_str)
        .unwrap_or("");
    if name.trim().is_empty()
        || name.chars().count() > MAX_FILE_NAME_CHARS
        || name
            .chars()
            .any(|c| c.is_control() || c == '/' || c == '\\')
    {
        return Err(format!(
            "an attachment's file_name is a plain name of 1 to {MAX_FILE_NAME_CHARS} characters"
        ));
    }
    if fields.get("archived").and_then(Value::as_bool) != Some(false) {
        return Err("a new attachment is not archived".into());
    }
    Ok(())
}

/// `GET /v1/attachments/status` and the answer to each uploaded chunk: which of an
/// attachment's chunks the server holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentStatus {
    pub attachment_id: String,
    /// The plaintext size the attachment's record declares.
    pub size: u64,
    pub chunk_count: u32,
    /// The chunks the server does not hold yet, in order.
    pub missing: Vec<u32>,
    /// Every chunk is there: the attachment can be fetched whole.
    pub complete: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn chunks_and_their_sealed_lengths_follow_from_the_size_alone() {
        assert_eq!(chunk_count(0), None, "an empty file is no attachment");
        assert_eq!(chunk_count(1), Some(1));
        assert_eq!(chunk_count(CHUNK_BYTES), Some(1));
        assert_eq!(chunk_count(CHUNK_BYTES + 1), Some(2));
        assert_eq!(chunk_count(MAX_BYTES), Some(MAX_CHUNKS));
        assert_eq!(chunk_count(MAX_BYTES + 1), None);
        let size = 2 * CHUNK_BYTES + 10;
        assert_eq!(sealed_len(size, 0), Some(CHUNK_BYTES + TAG_BYTES));
        assert_eq!(sealed_len(size, 2), Some(10 + TAG_BYTES));
        assert_eq!(sealed_len(size, 3), None);
        assert_eq!(
            sealed_offset(2) + sealed_len(size, 2).unwrap(),
            sealed_total(size).unwrap(),
            "the last chunk ends the sealed file"
        );
    }

    #[test]
    fn the_kind_comes_from_the_first_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"II*\0rest"), Some("image/tiff"));
        assert_eq!(sniff(b"MM\0*rest"), Some("image/tiff"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), None, "a sound file");
        assert_eq!(sniff(b"MZ\x90\0"), None, "a program");
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(sniff(b""), None);
        for kind in MIME_TYPES {
            assert!(kind.contains('/'));
        }
    }

    #[test]
    fn a_new_record_is_checked_field_by_field() {
        let good = json!({
            "patient_id": "p1", "size": 1000, "mime": "image/png", "sha256": "a".repeat(64),
            "file_key": "0".repeat(64), "file_name": "scan.png", "archived": false,
        });
        let ok = good.as_object().unwrap();
        assert_eq!(check_new_record(ok), Ok(()));
        for (field, bad, says) in [
            ("size", json!(MAX_BYTES + 1), "size"),
            ("size", json!(0), "size"),
            ("size", json!("1000"), "size"),
            ("mime", json!("application/x-msdownload"), "one of"),
            ("sha256", json!("A".repeat(64)), "sha256"),
            ("file_key", json!("ab"), "file_key"),
            ("file_name", json!("../etc/passwd"), "file_name"),
            ("file_name", json!(""), "file_name"),
            ("archived", json!(true), "archived"),
            ("patient_id", json!(null), "patient_id"),
        ] {
            let mut fields = ok.clone();
            fields.insert(field.into(), bad.clone());
            let err = check_new_record(&fields).unwrap_err();
            assert!(err.contains(says), "{field} = {bad}: {err}");
        }
    }
}
