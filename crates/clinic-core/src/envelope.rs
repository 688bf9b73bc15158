//! Key envelopes: how a password (or the recovery code) unlocks the database key.
//!
//! The database key is 32 random bytes made once at set-up. Each holder (a user, or the
//! recovery code) has its own sealed copy: Argon2id turns the secret into a key-encryption
//! key with the holder's own salt and cost parameters, and XChaCha20-Poly1305 seals the
//! database key under it. The associated data binds the envelope to its database, its
//! holder and its version, so an envelope cannot be moved to another user or database,
//! or rolled back unnoticed. A wrong secret fails the AEAD tag and nothing else is touched.

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{Error, Result};
use crate::ids::{DatabaseId, UserId};

/// The database key. Wiped from memory when dropped; never printed.
#[derive(Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct DataKey([u8; 32]);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

impl DataKey {
    pub fn generate() -> Result<Self> {
        let mut bytes = [0u8; 32];
        fill_random(&mut bytes)?;
        Ok(Self(bytes))
    }

    /// A second copy, for a second connection of the same session (also wiped on drop).
    pub(crate) fn duplicate(&self) -> DataKey {
        DataKey(self.0)
    }

    /// A 32-byte key for another purpose, derived from this one with HMAC-SHA256 under
    /// `label` (a backup file's authentication key); wiped after use.
    pub(crate) fn derive(&self, label: &str) -> Zeroizing<[u8; 32]> {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.0)
            .expect("HMAC takes any key length");
        mac.update(label.as_bytes());
        Zeroizing::new(mac.finalize().into_bytes().into())
    }

    /// The SQLCipher raw-key pragma value, `x'…'`; wiped after use.
    pub(crate) fn sqlcipher_literal(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex::encode(self.0)))
    }
}

pub(crate) fn fill_random(buf: &mut [u8]) -> Result<()> {
    getrandom::getrandom(buf)
        .map_err(|e| Error::Internal(format!("the system random generator failed: {e}")))
}

/// Argon2id cost parameters, stored with each envelope so they can be raised later
/// without breaking old envelopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl KdfParams {
    /// 64 MiB, 3 passes: about a quarter of a second on a workstation, and costly to
    /// guess at scale on stolen files.
    pub const DEFAULT: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };

    /// Cheap parameters so that unit tests can make many envelopes. Never used by the
    /// app or the command-line tool.
    pub const FAST_INSECURE_FOR_TESTS: KdfParams = KdfParams {
        memory_kib: 64,
        iterations: 1,
        parallelism: 1,
    };

    /// Rejects parameters a tampered key file could use to make unlocking hang or
    /// exhaust memory.
    fn checked(&self) -> std::result::Result<Params, String> {
        if self.memory_kib > 4 * 1024 * 1024 || self.iterations > 64 || self.parallelism > 16 {
            return Err("key-derivation cost is out of range".into());
        }
        Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
            .map_err(|e| format!("key-derivation parameters are invalid: {e}"))
    }
}

/// Who an envelope belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Holder {
    User { user_id: UserId, username: String },
    Recovery,
}

impl Holder {
    fn aad_label(&self) -> String {
        match self {
            Holder::User { user_id, .. } => format!("user:{user_id}"),
            Holder::Recovery => "recovery".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub holder: Holder,
    /// Goes up by one every time the envelope is re-sealed (password change).
    pub version: u32,
    pub kdf: KdfParams,
    salt: String,
    nonce: String,
    sealed_key: String,
}

/// Why an envelope did not open.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Unseal {
    /// The secret is wrong (or the envelope was altered; the two are indistinguishable).
    WrongSecret,
    /// The envelope itself is malformed.
    Malformed(String),
}

impl Envelope {
    pub(crate) fn seal(
        key: &DataKey,
        secret: &[u8],
        database: DatabaseId,
        holder: Holder,
        version: u32,
        kdf: KdfParams,
    ) -> Result<Envelope> {
        let mut salt = [0u8; 16];
        fill_random(&mut salt)?;
        let mut nonce = [0u8; 24];
        fill_random(&mut nonce)?;
        let kek = derive(secret, &salt, kdf).map_err(Error::Internal)?;
        let aad = aad(database, &holder, version);
        let sealed = XChaCha20Poly1305::new(kek.as_ref().into())
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &key.0,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| Error::Internal("sealing the database key failed".into()))?;
        Ok(Envelope {
            holder,
            version,
            kdf,
            salt: B64.encode(salt),
            nonce: B64.encode(nonce),
            sealed_key: B64.encode(sealed),
        })
    }

    pub(crate) fn open(
        &self,
        secret: &[u8],
        database: DatabaseId,
    ) -> std::result::Result<DataKey, Unseal> {
        let malformed = |what: &str| Unseal::Malformed(format!("{what} is not valid"));
        let salt = B64.decode(&self.salt).map_err(|_| malformed("salt"))?;
        let nonce = B64.decode(&self.nonce).map_err(|_| malformed("nonce"))?;
        let sealed = B64
            .decode(&self.sealed_key)
            .map_err(|_| malformed("sealed key"))?;
        if nonce.len() != 24 || salt.len() < 8 {
            return Err(malformed("nonce or salt length"));
        }
        let kek = derive(secret, &salt, self.kdf).map_err(Unseal::Malformed)?;
        let aad = aad(database, &self.holder, self.version);
        let plain = Zeroizing::new(
            XChaCha20Poly1305::new(kek.as_ref().into())
                .decrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: &sealed,
                        aad: aad.as_bytes(),
                    },
                )
                .map_err(|_| Unseal::WrongSecret)?,
        );
        let bytes: [u8; 32] = plain
            .as_slice()
            .try_into()
            .map_err(|_| malformed("sealed key length"))?;
        Ok(DataKey(bytes))
    }
}

fn aad(database: DatabaseId, holder: &Holder, version: u32) -> String {
    format!(
        "clinic-key-envelope/v1\0{database}\0{}\0{version}",
        holder.aad_label()
    )
}

fn derive(
    secret: &[u8],
    salt: &[u8],
    kdf: KdfParams,
) -> std::result::Result<Zeroizing<[u8; 32]>, String> {
    let params = kdf.checked()?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(secret, salt, out.as_mut())
        .map_err(|e| format!("key derivation failed: {e}"))?;
    Ok(out)
}

/// The recovery code: 160 random bits shown once at set-up as eight groups of four
/// Crockford base-32 characters (no I, L, O or U, so it survives being read aloud).
pub struct RecoveryCode(Zeroizing<String>);

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(<redacted>)")
    }
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl RecoveryCode {
    pub(crate) fn generate() -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; 20]);
        fill_random(bytes.as_mut())?;
        let mut bits: u64 = 0;
        let mut nbits = 0;
        let mut chars = Zeroizing::new(String::with_capacity(40));
        for byte in bytes.iter() {
            bits = (bits << 8) | u64::from(*byte);
            nbits += 8;
            while nbits >= 5 {
                nbits -= 5;
                let index = ((bits >> nbits) & 31) as usize;
                if !chars.is_empty() && chars.len() % 5 == 4 {
                    chars.push('-');
                }
                chars.push(char::from(CROCKFORD[index]));
            }
        }
        bits.zeroize();
        Ok(Self(chars))
    }

    /// The code as printed for the person: `XXXX-XXXX-…`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The canonical secret fed to the KDF: typed input is forgiving about case, dashes,
    /// spaces and the letters that Crockford base-32 reads as digits.
    pub(crate) fn normalise(typed: &str) -> Zeroizing<String> {
        Zeroizing::new(
            typed
                .chars()
                .filter(|c| !matches!(c, '-' | ' ' | '\t'))
                .map(|c| match c.to_ascii_uppercase() {
                    'O' => '0',
                    'I' | 'L' => '1',
                    other => other,
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn db() -> DatabaseId {
        DatabaseId::new(&ManualClock::monday_morning())
    }

    fn user(name: &str) -> Holder {
        Holder::User {
            user_id: UserId::new(&ManualClock::monday_morning()),
            username: name.into(),
        }
    }

    const FAST: KdfParams = KdfParams::FAST_INSECURE_FOR_TESTS;

    #[test]
    fn the_right_password_opens_the_envelope_and_a_wrong_one_does_not() {
        let key = DataKey::generate().unwrap();
        let db = db();
        let env = Envelope::seal(&key, b"correct horse", db, user("ana"), 1, FAST).unwrap();
        assert_eq!(env.open(b"correct horse", db).unwrap(), key);
        assert_eq!(
            env.open(b"correct horsf", db).unwrap_err(),
            Unseal::WrongSecret
        );
    }

    #[test]
    fn an_envelope_cannot_be_moved_to_another_database_holder_or_version() {
        let key = DataKey::generate().unwrap();
        let db = db();
        let env = Envelope::seal(&key, b"pw", db, user("ana"), 1, FAST).unwrap();
        assert_eq!(
            env.open(
                b"pw",
                super::DatabaseId::new(&ManualClock::monday_morning())
            )
            .unwrap_err(),
            Unseal::WrongSecret,
            "other database"
        );
        let mut moved = env.clone();
        moved.holder = user("bob");
        assert_eq!(
            moved.open(b"pw", db).unwrap_err(),
            Unseal::WrongSecret,
            "other holder"
        );
        let mut rolled = env.clone();
        rolled.version = 2;
        assert_eq!(
            rolled.open(b"pw", db).unwrap_err(),
            Unseal::WrongSecret,
            "other version"
        );
    }

    #[test]
    fn tampered_cost_parameters_are_refused_before_any_work() {
        let key = DataKey::generate().unwrap();
        let db = db();
        let mut env = Envelope::seal(&key, b"pw", db, Holder::Recovery, 1, FAST).unwrap();
        env.kdf.memory_kib = u32::MAX;
        assert!(matches!(env.open(b"pw", db), Err(Unseal::Malformed(_))));
    }

    #[test]
    fn recovery_codes_are_grouped_crockford_and_typing_is_forgiving() {
        let code = RecoveryCode::generate().unwrap();
        let text = code.as_str();
        assert_eq!(text.len(), 39, "32 characters in 8 groups of 4: {text}");
        assert!(text.split('-').all(|g| g.len() == 4));
        assert!(!text.contains(['I', 'L', 'O', 'U']));
        let sloppy = text.to_lowercase().replace('-', " ").replace('0', "o");
        assert_eq!(
            *RecoveryCode::normalise(&sloppy),
            *RecoveryCode::normalise(text)
        );
        assert_ne!(
            RecoveryCode::generate().unwrap().as_str(),
            text,
            "codes are random"
        );
    }
}
