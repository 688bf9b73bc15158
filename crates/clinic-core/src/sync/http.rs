//! The sync server's HTTP API as the client calls it: one blocking client per server,
//! the server's address checked (https, or http only to this computer), every answer
//! mapped to a clear error.

use std::cell::Cell;
use std::time::Duration;

use clinic_protocol::{
    EnrollRequest, EnrollResponse, LoginRequest, PROTOCOL_VERSION, Problem, TokenPair,
};

use crate::error::{Error, Result};

/// The sync server's address, checked: `https://`, or plain `http://` only to this
/// computer (the host, once parsed, is `localhost` or a loopback IP). Parsed rather than
/// matched by prefix, so `http://localhost@evil.example/` (a user name before the real
/// host) or `http://127.0.0.1.evil.example/` cannot pass as local. Returns the address
/// without a trailing slash, ready for paths to be appended.
pub(crate) fn server_base(text: &str) -> Result<String> {
    use reqwest::Url;
    let refuse = |what: &str| {
        Error::validation(
            "server",
            format!(
                "{what}; use the server's https:// address (plain http:// is only for a server on this computer: http://localhost:PORT, http://127.0.0.1:PORT or http://[::1]:PORT)"
            ),
        )
    };
    let url = Url::parse(text.trim())
        .map_err(|e| refuse(&format!("`{}` is not a web address ({e})", text.trim())))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse(
            "the address has a user name or password before the host (user@host), which hides the real host",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refuse("the address has a ?query or #fragment"));
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(refuse("the address names no host"));
    };
    match url.scheme() {
        "https" => {}
        "http" => {
            // The parser has already lower-cased a name and normalised an IP address
            // (an IPv6 one keeps its brackets), so these comparisons see the real host.
            let loopback = host == "localhost"
                || host
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback());
            if !loopback {
                return Err(refuse(&format!(
                    "plain http:// to {host} would send passwords and patient data unencrypted"
                )));
            }
        }
        other => {
            return Err(refuse(&format!(
                "`{other}://` is not a sync server address"
            )));
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

pub(crate) struct Http {
    pub(crate) client: reqwest::blocking::Client,
    pub(crate) base: String,
    /// Set when the server answered that the access token has expired.
    pub(crate) token_expired: Cell<bool>,
}

impl Http {
    pub(crate) fn new(base: &str, ca_cert: Option<&str>) -> Result<Http> {
        let base = server_base(base)?;
        let mut builder = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10));
        if let Some(pem) = ca_cert {
            let cert = reqwest::Certificate::from_pem(pem.as_bytes()).map_err(|e| {
                Error::validation("ca_cert", format!("that is not a PEM certificate: {e}"))
            })?;
            builder = builder.add_root_certificate(cert);
        }
        let client = builder
            .build()
            .map_err(|e| Error::Sync(format!("cannot start the HTTP client: {e}")))?;
        Ok(Http {
            client,
            base,
            token_expired: Cell::new(false),
        })
    }

    /// Sends a request whose success has no body (204).
    pub(crate) fn send_empty(&self, request: reqwest::blocking::RequestBuilder) -> Result<()> {
        self.answer(request).map(drop)
    }

    pub(crate) fn send<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::blocking::RequestBuilder,
    ) -> Result<T> {
        self.answer(request)?
            .json()
            .map_err(|e| Error::Sync(format!("the sync server's answer could not be read: {e}")))
    }

    /// Sends a request whose success is raw bytes (an attachment's sealed chunk).
    pub(crate) fn send_bytes(&self, request: reqwest::blocking::RequestBuilder) -> Result<Vec<u8>> {
        let response = self.answer(request)?;
        response.bytes().map(|b| b.to_vec()).map_err(|e| {
            Error::Offline(format!(
                "the connection to the sync server at {} broke while receiving ({}); work continues offline",
                self.base,
                chain(&e)
            ))
        })
    }

    /// As [`Http::send`], but `None` when the server answers 404 (it holds no such thing).
    pub(crate) fn send_found<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::blocking::RequestBuilder,
    ) -> Result<Option<T>> {
        let response = self.reach(request)?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        self.judge(response)?
            .json()
            .map(Some)
            .map_err(|e| Error::Sync(format!("the sync server's answer could not be read: {e}")))
    }

    /// Sends a request; a successful response, or the server's problem as an error.
    fn answer(
        &self,
        request: reqwest::blocking::RequestBuilder,
    ) -> Result<reqwest::blocking::Response> {
        let response = self.reach(request)?;
        self.judge(response)
    }

    fn reach(
        &self,
        request: reqwest::blocking::RequestBuilder,
    ) -> Result<reqwest::blocking::Response> {
        request.send().map_err(|e| {
            Error::Offline(format!(
                "the sync server at {} cannot be reached ({}); work continues offline",
                self.base,
                chain(&e)
            ))
        })
    }

    /// A successful response, or the server's problem as an error.
    fn judge(&self, response: reqwest::blocking::Response) -> Result<reqwest::blocking::Response> {
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let problem: Option<Problem> = response.json().ok();
        if problem
            .as_ref()
            .is_some_and(|p| p.kind.ends_with(":token-expired"))
        {
            self.token_expired.set(true);
        }
        let detail = problem.map_or_else(|| status.to_string(), |p| p.detail);
        Err(match status.as_u16() {
            426 => Error::UpdateRequired(detail),
            401 | 403 => Error::SyncRefused(detail),
            _ => Error::Sync(format!("the sync server answered {status}: {detail}")),
        })
    }
}

impl Http {
    /// Enrolls `device_id` with a one-time code.
    pub(crate) fn enroll(
        &self,
        code: &str,
        device_id: &str,
        device_name: &str,
    ) -> Result<EnrollResponse> {
        self.send(
            self.client
                .post(format!("{}/v1/enroll", self.base))
                .json(&EnrollRequest {
                    protocol_version: PROTOCOL_VERSION,
                    code: code.trim().to_owned(),
                    device_id: device_id.to_owned(),
                    device_name: device_name.to_owned(),
                }),
        )
    }

    /// Signs a user in on this enrolled device (`user_id` empty: by name only).
    pub(crate) fn login(
        &self,
        device_token: &str,
        user_id: &str,
        username: &str,
        password: &str,
    ) -> Result<TokenPair> {
        self.login_as(device_token, user_id, username, password, false)
    }

    /// As [`Http::login`]; `existing_only`: refuse a user the server has no password for.
    pub(crate) fn login_as(
        &self,
        device_token: &str,
        user_id: &str,
        username: &str,
        password: &str,
        existing_only: bool,
    ) -> Result<TokenPair> {
        self.send(
            self.client
                .post(format!("{}/v1/auth/login", self.base))
                .bearer_auth(device_token)
                .json(&LoginRequest {
                    protocol_version: PROTOCOL_VERSION,
                    user_id: user_id.to_owned(),
                    username: username.trim().to_owned(),
                    password: password.to_owned(),
                    existing_only,
                }),
        )
    }

    /// `GET /v1/status` with the device token: who the server thinks this device is, and
    /// how far it has acknowledged the device's audit chain.
    pub(crate) fn status(&self, device_token: &str) -> Result<clinic_protocol::Status> {
        self.send(
            self.client
                .get(format!("{}/v1/status", self.base))
                .bearer_auth(device_token),
        )
    }

    pub(crate) fn base(&self) -> &str {
        &self.base
    }
}

/// An error with its causes, which is where reqwest puts the useful part (refused,
/// certificate not trusted, timed out).
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::server_base;

    #[test]
    fn plain_http_is_accepted_only_to_a_host_that_parses_as_this_computer() {
        for local in [
            "http://127.0.0.1:8443",
            "http://localhost:8443/",
            "http://LOCALHOST:8443",
            "http://[::1]:8443",
            "http://127.0.0.2:9000",
            "https://sync.example.org",
            "https://sync.example.org/clinic/",
        ] {
            assert!(
                server_base(local).is_ok(),
                "{local} is https or loopback, so it is allowed"
            );
        }
        assert_eq!(
            server_base("http://localhost:8443/").unwrap(),
            "http://localhost:8443",
            "paths are appended to the base, so it loses its trailing slash"
        );
        for remote in [
            "http://localhost@evil.example/",
            "http://127.0.0.1.evil.example/",
            "http://localhost.evil/",
            "http://[::1]@evil/",
            "http://127.0.0.1@evil.example:80/",
            "http://evil.example/",
            "http://10.0.0.1:8443",
            "https://user:pw@sync.example.org",
            "ftp://127.0.0.1/",
            "localhost:8443",
            "http://localhost:8443/?next=http://evil",
        ] {
            let err = server_base(remote).expect_err(remote).to_string();
            assert!(
                err.contains("https://"),
                "{remote} must be refused with what to do instead, got: {err}"
            );
        }
    }
}
