//! The server's errors. Every error answer is RFC 9457 problem JSON: a 4xx keeps its
//! message (it tells the workstation what to do), a 5xx is logged and answered generically.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clinic_protocol::Problem;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("migrating the central database failed: {0}")]
    Migration(String),
    #[error("database: {0}")]
    Database(#[from] tokio_postgres::Error),
    #[error("database pool: {0}")]
    Pool(String),
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    TokenExpired(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    UpdateRequired(String),
    #[error(
        "the request body is larger than the server accepts; push fewer changes at a time (an attachment chunk is at most 256 KB and its tag)"
    )]
    PayloadTooLarge,
    /// Too many failed sign-ins for one account: refused until `retry_after` seconds pass.
    #[error(
        "too many failed sign-ins for this user: signing in is paused for {retry_after} seconds; check the password, then try again after that (an administrator can reset it meanwhile)"
    )]
    TooManyAttempts { retry_after: u64 },
}

impl From<deadpool_postgres::PoolError> for Error {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        Error::Pool(e.to_string())
    }
}

impl Error {
    /// A value PostgreSQL refuses as data (SQLSTATE class 22, "data exception": a NUL
    /// character in text, a number out of range, a malformed UUID) can only have come
    /// from the request, so it is the client's mistake: 400 with what was wrong, not 500.
    fn client_data(&self) -> Option<&str> {
        match self {
            Error::Database(e) => e
                .as_db_error()
                .filter(|db| db.code().code().starts_with("22"))
                .map(|db| db.message()),
            _ => None,
        }
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            Error::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad-request", "Bad request"),
            Error::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized", "Not signed in"),
            Error::TokenExpired(_) => (
                StatusCode::UNAUTHORIZED,
                "token-expired",
                "Access token expired",
            ),
            Error::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", "Not allowed"),
            Error::NotFound(_) => (StatusCode::NOT_FOUND, "not-found", "Not found"),
            Error::Conflict(_) => (StatusCode::CONFLICT, "conflict", "Conflict"),
            Error::UpdateRequired(_) => (
                StatusCode::UPGRADE_REQUIRED,
                "update-required",
                "Update required",
            ),
            Error::TooManyAttempts { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-attempts",
                "Too many sign-in attempts",
            ),
            Error::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "Request too large",
            ),
            Error::Migration(_) | Error::Database(_) | Error::Pool(_) | Error::Io(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Server error",
            ),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if let Some(message) = self.client_data() {
            return problem(
                StatusCode::BAD_REQUEST,
                "bad-request",
                "Bad request",
                format!(
                    "a value in the request cannot be stored ({message}); correct it and send it again"
                ),
            );
        }
        let (status, kind, title) = self.parts();
        let detail = if status.is_server_error() {
            eprintln!("sync-server: {self}");
            "the server could not finish this request; it has been logged, try again later"
                .to_owned()
        } else {
            self.to_string()
        };
        let retry_after = match self {
            Error::TooManyAttempts { retry_after } => Some(retry_after),
            _ => None,
        };
        let mut response = problem(status, kind, title, detail);
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// A problem JSON response.
pub fn problem(status: StatusCode, kind: &str, title: &str, detail: String) -> Response {
    let body = Problem {
        kind: format!("urn:clinic:problem:{kind}"),
        title: title.to_owned(),
        status: status.as_u16(),
        detail,
    };
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}
