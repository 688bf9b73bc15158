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

/// `bytes` random bytes from the operating system.
pub fn random_bytes(bytes: usize) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf).map_err(|e| Error::BadRequest(format!("no randomness: {e}")))?;
    Ok(buf)
}

/// A new random secret of `bytes` bytes, hex.
pub fn new_secret(bytes: usize) -> Result<String> {
    random_bytes(bytes).map(hex::encode)
}

pub async fn device(client: &deadpool_postgres::Client, headers: &HeaderMap) -> Result<Device> {
    let token = bearer(headers)
        .ok_or_else(|| Error::Unauthorized("send the device token as `Authorization: Bearer <token>`; enroll the workstation first".into()))?;
    let row = client
        .query_opt(
            "SELECT id::text, branch_code, revoked_at IS NOT NULL FROM devices WHERE token_hash = $1",
            &[&hash(token)],
        )
        .await?
        .ok_or_else(|| Error::Unauthorized("this device token is not known; enroll the workstation again".into()))?;
    if row.get::<_, bool>(2) {
        return Err(revoked());
    }
    Ok(Device {
        id: row.get(0),
        branch_code: row.get(1),
    })
}

/// A user signed in to the server (an access token), on a device that is not revoked.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user_id: String,
    pub device: Device,
}

/// The bearer token of `Authorization`, parsed once for every use (authentication and
/// rate limits alike): the scheme is case-insensitive (RFC 9110), spaces around the token
/// do not count, and anything after the token makes the header invalid rather than being
/// ignored. So every accepted spelling of one credential yields the same token.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim_matches([' ', '\t']);
    let (scheme, token) = value.split_once([' ', '\t'])?;
    let token = token.trim_start_matches([' ', '\t']);
    let valid = scheme.eq_ignore_ascii_case("bearer")
        && !token.is_empty()
        && !token.contains(|c: char| c.is_whitespace() || c == ',');
    valid.then_some(token)
}

/// Checks the access token, then that its device is not revoked and its user is still
/// active, so revoking a device or deactivating a user takes effect at once.
pub async fn user(
    client: &deadpool_postgres::Client,
    headers: &HeaderMap,
    key: &[u8],
) -> Result<SignedIn> {
    let token = bearer(headers).ok_or_else(|| {
        Error::Unauthorized(
            "send the user's access token as `Authorization: Bearer <token>`; get one from /v1/auth/login".into(),
        )
    })?;
    let claims = crate::tokens::verify(key, token)?;
    let row = client
        .query_opt(
            "SELECT d.branch_code, d.revoked_at IS NOT NULL,
                    coalesce((u.fields->>'active')::boolean, true) AND NOT coalesce(u.deleted, false)
             FROM devices d
             LEFT JOIN row_state u ON u.table_name = 'users' AND u.row_id = $2
             WHERE d.id = CAST($1 AS TEXT)::uuid",
            &[&claims.dev, &claims.sub],
        )
        .await?
        .ok_or_else(|| Error::Unauthorized("the access token names an unknown device".into()))?;
    if row.get::<_, bool>(1) {
        return Err(revoked());
    }
    if !row.get::<_, bool>(2) {
        return Err(Error::Forbidden(
            "this user has been deactivated; ask an administrator".into(),
        ));
    }
    Ok(SignedIn {
        user_id: claims.sub,
        device: Device {
            id: claims.dev,
            branch_code: row.get(0),
        },
    })
}

/// As [`user`], for an active administrator only (by the role the server holds).
pub async fn admin(
    client: &deadpool_postgres::Client,
    headers: &HeaderMap,
    key: &[u8],
) -> Result<SignedIn> {
    let signed_in = user(client, headers, key).await?;
    let role: Option<String> = client
        .query_opt(
            "SELECT fields->>'role' FROM row_state WHERE table_name = 'users' AND row_id = $1",
            &[&signed_in.user_id],
        )
        .await?
        .and_then(|r| r.get(0));
    if role.as_deref() != Some("admin") {
        return Err(Error::Forbidden(
            "only an administrator may see or revoke the group's workstations".into(),
        ));
    }
    Ok(signed_in)
}

pub(crate) fn revoked() -> Error {
    Error::Forbidden(
        "this workstation has been revoked by the administrator; ask IT to enroll it again".into(),
    )
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header};

    fn parse(value: &str) -> Option<String> {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        super::bearer(&headers).map(str::to_owned)
    }

    #[test]
    fn every_spelling_of_one_bearer_token_parses_to_the_same_token_and_junk_is_refused() {
        for spelling in ["Bearer abc", "bearer abc", "BEARER  abc ", "Bearer\tabc"] {
            assert_eq!(parse(spelling).as_deref(), Some("abc"), "{spelling:?}");
        }
        for invalid in [
            "Bearer abc junk",
            "Bearer",
            "Bearer ",
            "Basic abc",
            "Bearerabc",
            "Bearer a,b",
        ] {
            assert_eq!(parse(invalid), None, "{invalid:?} is not a bearer token");
        }
    }
}
