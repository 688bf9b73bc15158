//! User sign-in on the server: Argon2id password verifiers, short-lived access tokens
//! (HS256 JWTs naming the user and the device), and single-use refresh tokens that rotate
//! within a family; a refresh token presented twice revokes its whole family, because
//! one of the two presenters stole it.
//!
//! The signing key lives in PostgreSQL (`server_secrets`), made by the first process that
//! needs it, so every server process on one database accepts every other's tokens.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac as _};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::error::{Error, Result};

/// What an access token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user.
    pub sub: String,
    /// The device the user signed in on.
    pub dev: String,
    pub iat: u64,
    pub exp: u64,
}

const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn mac(key: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length.
    <Hmac<Sha256> as hmac::digest::KeyInit>::new_from_slice(key).expect("HMAC accepts any key")
}

/// Signs an access token for `user` on `device`, valid for `ttl`.
pub fn sign(key: &[u8], user: &str, device: &str, ttl: Duration) -> String {
    let iat = now_secs();
    let claims = Claims {
        sub: user.to_owned(),
        dev: device.to_owned(),
        iat,
        exp: iat + ttl.as_secs().max(1),
    };
    sign_claims(key, &claims)
}

/// Signs `claims` as they are (tests make expired tokens with it).
pub fn sign_claims(key: &[u8], claims: &Claims) -> String {
    let body = serde_json::to_vec(claims).expect("claims serialize");
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(HEADER),
        URL_SAFE_NO_PAD.encode(body)
    );
    let mut m = mac(key);
    m.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(m.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

/// The claims of a token we signed, expired or not; `None` for anything else.
pub fn signed_claims(key: &[u8], token: &str) -> Option<Claims> {
    let mut parts = token.split('.');
    let (Some(header), Some(body), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    // Only our own header: no `alg: none`, no algorithm switching.
    if URL_SAFE_NO_PAD.decode(header).ok().as_deref() != Some(HEADER.as_bytes()) {
        return None;
    }
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let mut m = mac(key);
    m.update(header.as_bytes());
    m.update(b".");
    m.update(body.as_bytes());
    m.verify_slice(&signature).ok()?;
    URL_SAFE_NO_PAD
        .decode(body)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
}

/// Checks an access token's signature, algorithm and expiry.
pub fn verify(key: &[u8], token: &str) -> Result<Claims> {
    let claims = signed_claims(key, token).ok_or_else(|| {
        Error::Unauthorized("the access token is not valid; sign in again".into())
    })?;
    if claims.exp <= now_secs() {
        return Err(Error::TokenExpired(
            "the access token has expired; refresh it with the refresh token".into(),
        ));
    }
    Ok(claims)
}

/// The signing key shared by every process on this database, made on first use.
pub async fn signing_key(client: &deadpool_postgres::Client) -> Result<Vec<u8>> {
    let fresh = crate::auth::random_bytes(32)?;
    client
        .execute(
            "INSERT INTO server_secrets (name, secret) VALUES ('access-token-key', $1)
             ON CONFLICT (name) DO NOTHING",
            &[&fresh],
        )
        .await?;
    Ok(client
        .query_one(
            "SELECT secret FROM server_secrets WHERE name = 'access-token-key'",
            &[],
        )
        .await?
        .get(0))
}

// ---- password verifiers ---------------------------------------------------------------

/// Argon2id with the OWASP minimum (19 MiB, 2 passes): a stolen table costs an attacker
/// that much per guess, a login costs the server tens of milliseconds.
const M_COST: u32 = 19 * 1024;
const T_COST: u32 = 2;

fn argon(m_cost: u32, t_cost: u32) -> Result<Argon2<'static>> {
    let params = Params::new(m_cost, t_cost, 1, Some(32))
        .map_err(|e| Error::BadRequest(format!("bad password hashing parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// `argon2id$m=..,t=..$salt-hex$hash-hex` for `password`.
pub fn make_verifier(password: &str) -> Result<String> {
    let salt = crate::auth::random_bytes(16)?;
    let mut hash = [0u8; 32];
    argon(M_COST, T_COST)?
        .hash_password_into(password.as_bytes(), &salt, &mut hash)
        .map_err(|e| Error::BadRequest(format!("the password cannot be hashed: {e}")))?;
    Ok(format!(
        "argon2id$m={M_COST},t={T_COST}${}${}",
        hex::encode(salt),
        hex::encode(hash)
    ))
}

/// Whether `password` matches `verifier` (in constant time over the hash).
pub fn check_verifier(verifier: &str, password: &str) -> bool {
    let parts: Vec<&str> = verifier.split('$').collect();
    let ["argon2id", params, salt, hash] = parts.as_slice() else {
        return false;
    };
    let mut m_cost = None;
    let mut t_cost = None;
    for kv in params.split(',') {
        match kv.split_once('=') {
            Some(("m", v)) => m_cost = v.parse().ok(),
            Some(("t", v)) => t_cost = v.parse().ok(),
            _ => {}
        }
    }
    let (Some(m_cost), Some(t_cost), Ok(salt), Ok(expected)) =
        (m_cost, t_cost, hex::decode(salt), hex::decode(hash))
    else {
        return false;
    };
    let Ok(argon) = argon(m_cost, t_cost) else {
        return false;
    };
    let mut actual = vec![0u8; expected.len()];
    if argon
        .hash_password_into(password.as_bytes(), &salt, &mut actual)
        .is_err()
    {
        return false;
    }
    actual
        .iter()
        .zip(&expected)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
        && actual.len() == expected.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_signed_token_verifies_and_names_user_and_device() {
        let token = sign(KEY, "u1", "d1", Duration::from_secs(60));
        let claims = verify(KEY, &token).unwrap();
        assert_eq!((claims.sub.as_str(), claims.dev.as_str()), ("u1", "d1"));
    }

    #[test]
    fn an_expired_token_is_refused_as_expired() {
        let claims = Claims {
            sub: "u1".into(),
            dev: "d1".into(),
            iat: now_secs() - 120,
            exp: now_secs() - 60,
        };
        let err = verify(KEY, &sign_claims(KEY, &claims)).unwrap_err();
        assert!(matches!(err, Error::TokenExpired(_)), "{err:?}");
    }

    #[test]
    fn a_tampered_or_foreign_token_is_refused() {
        let token = sign(KEY, "u1", "d1", Duration::from_secs(60));
        assert!(verify(b"another key", &token).is_err());
        // Swap in claims for another user, keeping the signature.
        let other = sign(KEY, "admin", "d1", Duration::from_secs(60));
        let mut parts: Vec<&str> = token.split('.').collect();
        parts[1] = other.split('.').nth(1).unwrap();
        assert!(verify(KEY, &parts.join(".")).is_err());
        // `alg: none` with no signature.
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
            token.split('.').nth(1).unwrap()
        );
        assert!(verify(KEY, &none).is_err());
        assert!(verify(KEY, "not a token").is_err());
    }

    #[test]
    fn a_verifier_accepts_its_password_only() {
        let v = make_verifier("correct horse battery").unwrap();
        assert!(!v.contains("correct horse"));
        assert!(check_verifier(&v, "correct horse battery"));
        assert!(!check_verifier(&v, "correct horse batterx"));
        assert!(!check_verifier("garbage", "correct horse battery"));
    }
}
