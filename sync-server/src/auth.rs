//! Device credentials: a workstation enrolls once with a one-time code and then sends its
//! device token as a bearer token. Only SHA-256 hashes of codes and tokens are stored.

use axum::http::HeaderMap;
use sha2::{Digest as _, Sha256};

use crate::error::{Error, Result};

/// An authenticated, not revoked device.
#[derive(Debug, Clone)]
pub struct Device {
    pub id: String,
    pub branch_code: String,
}

pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A new random secret: 32 bytes, hex.
pub fn new_secret(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf).map_err(|e| Error::BadRequest(format!("no randomness: {e}")))?;
    Ok(hex::encode(buf))
}

pub async fn device(client: &deadpool_postgres::Client, headers: &HeaderMap) -> Result<Device> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| Error::Unauthorized("send the device token as `Authorization: Bearer <token>`; enroll the workstation first".into()))?;
    let row = client
        .query_opt(
            "SELECT id::text, branch_code, revoked_at IS NOT NULL FROM devices WHERE token_hash = $1",
            &[&hash(token.trim())],
        )
        .await?
        .ok_or_else(|| Error::Unauthorized("this device token is not known; enroll the workstation again".into()))?;
    if row.get::<_, bool>(2) {
        return Err(Error::Forbidden(
            "this workstation has been revoked by the administrator; ask IT to enroll it again"
                .into(),
        ));
    }
    Ok(Device {
        id: row.get(0),
        branch_code: row.get(1),
    })
}
