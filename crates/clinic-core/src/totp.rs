//! TOTP second factor (RFC 6238, HMAC-SHA1, 30-second steps, 6 digits): what every
//! authenticator app speaks. Codes one step either side are accepted for clock drift.

use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::envelope::fill_random;
use crate::error::{Error, Result};

pub const STEP_SECONDS: u64 = 30;
pub const DIGITS: u32 = 6;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A new random 160-bit secret in RFC 4648 base32, for the authenticator app.
pub fn generate_secret() -> Result<String> {
    let mut bytes = [0u8; 20];
    fill_random(&mut bytes)?;
    Ok(base32_encode(&bytes))
}

/// The `otpauth://` link an authenticator app scans as a QR code or accepts pasted.
pub fn provisioning_uri(secret: &str, issuer: &str, username: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        enc(issuer),
        enc(username),
        enc(issuer)
    )
}

/// The code for `unix_seconds` with a raw key and `digits` digits (HMAC-SHA1).
pub fn code_at(key: &[u8], unix_seconds: u64, digits: u32) -> u32 {
    let counter = unix_seconds / STEP_SECONDS;
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let binary = (u32::from(digest[offset]) & 0x7f) << 24
        | u32::from(digest[offset + 1]) << 16
        | u32::from(digest[offset + 2]) << 8
        | u32::from(digest[offset + 3]);
    binary % 10u32.pow(digits)
}

/// Checks a typed code against the base32 secret at `unix_seconds`, allowing one step of
/// drift either way.
pub fn verify(secret_base32: &str, typed: &str, unix_seconds: u64) -> Result<bool> {
    let key = base32_decode(secret_base32).ok_or_else(|| {
        Error::Internal("the stored second-factor secret is not valid base32".into())
    })?;
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != DIGITS as usize || !typed.chars().all(|c| c.is_ascii_digit()) {
        return Ok(false);
    }
    let Ok(value) = typed.parse::<u32>() else {
        return Ok(false);
    };
    Ok([0i64, -1, 1].iter().any(|drift| {
        let t = i64::try_from(unix_seconds).unwrap_or(i64::MAX) + drift * STEP_SECONDS as i64;
        t >= 0 && code_at(&key, t as u64, DIGITS) == value
    }))
}

pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut bits: u32 = 0;
    let mut nbits = 0;
    for &b in bytes {
        bits = (bits << 8) | u32::from(b);
        nbits += 8;
        while nbits >= 5 {
            nbits -= 5;
            out.push(char::from(BASE32[((bits >> nbits) & 31) as usize]));
        }
    }
    if nbits > 0 {
        out.push(char::from(BASE32[((bits << (5 - nbits)) & 31) as usize]));
    }
    out
}

pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut bits: u32 = 0;
    let mut nbits = 0;
    for c in text.chars().filter(|c| !matches!(c, ' ' | '-' | '=')) {
        let v = BASE32
            .iter()
            .position(|&x| char::from(x) == c.to_ascii_uppercase())?;
        bits = (bits << 5) | v as u32;
        nbits += 5;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows: the seed is the ASCII string "12345678901234567890".
    #[test]
    fn rfc_6238_sha1_test_vectors() {
        let key = b"12345678901234567890";
        for (time, expected) in [
            (59u64, 94_287_082u32),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            assert_eq!(code_at(key, time, 8), expected, "T = {time}");
        }
    }

    #[test]
    fn verify_accepts_one_step_of_drift_and_nothing_more() {
        let secret = base32_encode(b"12345678901234567890");
        let at = 1_111_111_109;
        let code = |t: u64| format!("{:06}", code_at(b"12345678901234567890", t, 6));
        assert!(verify(&secret, &code(at), at).unwrap());
        assert!(
            verify(&secret, &code(at - 30), at).unwrap(),
            "previous step"
        );
        assert!(verify(&secret, &code(at + 30), at).unwrap(), "next step");
        assert!(
            !verify(&secret, &code(at + 90), at).unwrap(),
            "three steps away"
        );
        assert!(!verify(&secret, "12345", at).unwrap(), "too short");
        assert!(!verify(&secret, "abcdef", at).unwrap());
    }

    #[test]
    fn base32_round_trips_and_secrets_are_random() {
        let bytes = b"any bytes at all!";
        assert_eq!(base32_decode(&base32_encode(bytes)).unwrap(), bytes);
        let a = generate_secret().unwrap();
        assert_eq!(a.len(), 32);
        assert_ne!(a, generate_secret().unwrap());
        let uri = provisioning_uri(&a, "Hillside Clinic", "dr.ana");
        assert!(
            uri.starts_with("otpauth://totp/Hillside%20Clinic:dr.ana?secret="),
            "{uri}"
        );
    }
}
