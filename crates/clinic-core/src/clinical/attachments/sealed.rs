//! An attachment's sealed file: its plaintext cut into chunks of
//! `clinic_protocol::attachments::CHUNK_BYTES`, each sealed with XChaCha20-Poly1305 under
//! the attachment's own random 256-bit key, one after the other with nothing else in the
//! file. The nonce is the chunk's number (a key seals one file, once, so a nonce never
//! repeats under a key); the associated data binds the attachment's id, the chunk's
//! number and the number of chunks, so a chunk cannot be moved to another file or place,
//! and a file cut short or grown by whole chunks does not open.
//!
//! The same sealed bytes are kept on disk, uploaded and downloaded: no step re-encrypts.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use clinic_protocol::attachments::{self as wire, CHUNK_BYTES};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// An attachment's key. Wiped from memory when dropped; never printed.
pub(crate) struct FileKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for FileKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FileKey(<redacted>)")
    }
}

impl FileKey {
    pub(crate) fn generate() -> Result<FileKey> {
        let mut key = Zeroizing::new([0u8; 32]);
        crate::envelope::fill_random(key.as_mut())?;
        Ok(FileKey(key))
    }

    /// The key as stored in its record (64 lower-case hex digits).
    pub(crate) fn from_hex(text: &str) -> Result<FileKey> {
        let mut key = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text, key.as_mut())
            .map_err(|_| Error::Internal("an attachment's key is not 64 hex digits".into()))?;
        Ok(FileKey(key))
    }

    pub(crate) fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.as_ref()))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.as_ref().into())
    }
}

fn nonce(index: u32) -> XNonce {
    let mut nonce = [0u8; 24];
    nonce[20..].copy_from_slice(&index.to_be_bytes());
    nonce.into()
}

fn aad(id: &str, index: u32, count: u32) -> String {
    format!("clinic-attachment/v1\0{id}\0{index}\0{count}")
}

/// Seals `plain` (1 byte to `wire::MAX_BYTES`) as attachment `id`'s file.
pub(crate) fn seal(key: &FileKey, id: &str, plain: &[u8]) -> Result<Vec<u8>> {
    let size = u64::try_from(plain.len()).unwrap_or(u64::MAX);
    let count = wire::chunk_count(size)
        .ok_or_else(|| Error::Internal("an attachment's size is out of bounds".into()))?;
    let cipher = key.cipher();
    let mut out =
        Vec::with_capacity(usize::try_from(wire::sealed_total(size).unwrap_or(0)).unwrap_or(0));
    let chunk = usize::try_from(CHUNK_BYTES).unwrap_or(usize::MAX);
    for (index, part) in (0u32..).zip(plain.chunks(chunk)) {
        let aad = aad(id, index, count);
        let sealed = cipher
            .encrypt(
                &nonce(index),
                Payload {
                    msg: part,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| Error::Internal("sealing an attachment failed".into()))?;
        out.extend_from_slice(&sealed);
    }
    Ok(out)
}

/// Opens sealed chunk `index` of `count`; `None` when it does not authenticate.
pub(crate) fn open_chunk(
    key: &FileKey,
    id: &str,
    index: u32,
    count: u32,
    sealed: &[u8],
) -> Option<Vec<u8>> {
    let aad = aad(id, index, count);
    key.cipher()
        .decrypt(
            &nonce(index),
            Payload {
                msg: sealed,
                aad: aad.as_bytes(),
            },
        )
        .ok()
}

/// What is wrong with a sealed file.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Damage {
    /// The file is not as long as its record's size says it must be.
    Length { found: u64, expected: u64 },
    /// This chunk (counted from 1 for people) fails its authentication.
    Chunk { number: u32, of: u32 },
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Damage::Length { found, expected } => {
                write!(
                    f,
                    "the file has {found} bytes where it must have {expected}"
                )
            }
            Damage::Chunk { number, of } => {
                write!(f, "chunk {number} of {of} fails its authentication check")
            }
        }
    }
}

/// Opens the whole sealed file of attachment `id` whose plaintext has `size` bytes.
pub(crate) fn open(
    key: &FileKey,
    id: &str,
    size: u64,
    sealed: &[u8],
) -> std::result::Result<Vec<u8>, Damage> {
    let expected = wire::sealed_total(size).unwrap_or(0);
    let found = u64::try_from(sealed.len()).unwrap_or(u64::MAX);
    let count = wire::chunk_count(size).unwrap_or(0);
    if found != expected || count == 0 {
        return Err(Damage::Length { found, expected });
    }
    let mut plain = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    for index in 0..count {
        let start = usize::try_from(wire::sealed_offset(index)).unwrap_or(usize::MAX);
        let len = usize::try_from(wire::sealed_len(size, index).unwrap_or(0)).unwrap_or(0);
        let part = open_chunk(key, id, index, count, &sealed[start..start + len]).ok_or(
            Damage::Chunk {
                number: index + 1,
                of: count,
            },
        )?;
        plain.extend_from_slice(&part);
    }
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "01900000-0000-7000-8000-000000000001";

    fn sample(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 % 251) as u8).collect()
    }

    #[test]
    fn a_file_of_several_chunks_opens_back_exactly_and_hides_its_plaintext() {
        let key = FileKey::generate().unwrap();
        let chunk = usize::try_from(CHUNK_BYTES).unwrap();
        let plain = sample(2 * chunk + 123);
        let sealed = seal(&key, ID, &plain).unwrap();
        assert_eq!(
            sealed.len() as u64,
            wire::sealed_total(plain.len() as u64).unwrap()
        );
        assert!(
            !sealed.windows(64).any(|w| w == &plain[5000..5064]),
            "no run of the plaintext survives sealing"
        );
        assert_eq!(open(&key, ID, plain.len() as u64, &sealed).unwrap(), plain);
        let again = FileKey::from_hex(&key.to_hex()).unwrap();
        assert_eq!(
            open(&again, ID, plain.len() as u64, &sealed).unwrap(),
            plain,
            "the key survives its stored form"
        );
    }

    #[test]
    fn a_flipped_bit_a_cut_a_swap_or_another_key_or_id_does_not_open() {
        let key = FileKey::generate().unwrap();
        let chunk = usize::try_from(CHUNK_BYTES).unwrap();
        let plain = sample(2 * chunk + 10);
        let size = plain.len() as u64;
        let sealed = seal(&key, ID, &plain).unwrap();

        let mut flipped = sealed.clone();
        flipped[chunk + 100] ^= 0x01;
        assert_eq!(
            open(&key, ID, size, &flipped),
            Err(Damage::Chunk { number: 2, of: 3 })
        );

        let cut = &sealed[..sealed.len() - 1];
        assert!(matches!(
            open(&key, ID, size, cut),
            Err(Damage::Length { .. })
        ));

        let full = chunk + 16;
        let mut swapped = sealed.clone();
        swapped[..full].copy_from_slice(&sealed[full..2 * full]);
        swapped[full..2 * full].copy_from_slice(&sealed[..full]);
        assert!(
            open(&key, ID, size, &swapped).is_err(),
            "chunks keep their place"
        );

        let other = FileKey::generate().unwrap();
        assert!(open(&other, ID, size, &sealed).is_err());
        assert!(
            open(&key, "01900000-0000-7000-8000-000000000002", size, &sealed).is_err(),
            "a file belongs to its attachment"
        );
        // The first two chunks alone, passed off as a two-chunk file.
        assert!(open(&key, ID, 2 * CHUNK_BYTES, &sealed[..2 * full]).is_err());
    }

    #[test]
    fn the_key_never_prints() {
        let key = FileKey::generate().unwrap();
        assert_eq!(format!("{key:?}"), "FileKey(<redacted>)");
    }
}
