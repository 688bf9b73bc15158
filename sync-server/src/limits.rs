//! Protection for a server on the open internet: token-bucket rate limits per client
//! address and per credential holder (429 with Retry-After), and a time limit per request.
//! Counted in memory per process; behind a load balancer each process limits its share.
//!
//! The per-holder bucket is keyed on what the credential identifies, never on how the
//! header is spelled: the token is parsed as authentication parses it
//! ([`crate::auth::bearer`]), an access token counts for its user on its device (however
//! many tokens that sign-in has been issued), and a device token for its device (a device
//! has exactly one token, so its hash names the device).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::problem;
use crate::metrics::Metrics;

/// The client's address as the connection saw it, for per-address limits (works for
/// plain and TLS listeners alike).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub SocketAddr);

impl
    axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, tokio::net::TcpListener>>
    for ClientAddr
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, tokio::net::TcpListener>) -> Self {
        ClientAddr(*stream.remote_addr())
    }
}

impl
    axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, crate::tls::TlsListener>>
    for ClientAddr
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, crate::tls::TlsListener>) -> Self {
        ClientAddr(*stream.remote_addr())
    }
}

/// Requests allowed per minute, with bursts of the same size.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_address_per_minute: u32,
    pub per_device_per_minute: u32,
    pub request_timeout: Duration,
    /// How long an access token is accepted after login or refresh.
    pub access_token_lifetime: Duration,
    /// How long an unused refresh token stays valid.
    pub refresh_token_lifetime: Duration,
    /// Failed sign-ins in a row one account may have before signing in is paused.
    pub login_failures_allowed: u32,
    /// How long signing in to that account is paused; also how long a failure is
    /// remembered when no lock-out follows.
    pub login_lockout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_address_per_minute: 1200,
            per_device_per_minute: 600,
            request_timeout: Duration::from_secs(30),
            access_token_lifetime: Duration::from_secs(15 * 60),
            refresh_token_lifetime: Duration::from_secs(12 * 60 * 60),
            login_failures_allowed: 5,
            login_lockout: Duration::from_secs(15 * 60),
        }
    }
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Token buckets by key.
pub struct RateLimiter {
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter {
            buckets: Mutex::new(HashMap::new()),
        }
    }
}

impl RateLimiter {
    /// Takes one token for `key`; when none is left, says how long until one is.
    pub fn take(&self, key: &str, per_minute: u32) -> Result<(), Duration> {
        let capacity = f64::from(per_minute.max(1));
        let per_second = capacity / 60.0;
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > 100_000 {
            // Forget idle clients rather than grow without bound.
            buckets.retain(|_, b| now.duration_since(b.updated) < Duration::from_secs(120));
        }
        let bucket = buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        let elapsed = now.duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }
}

/// The state the middleware needs.
#[derive(Clone)]
pub struct Guard {
    pub limits: Limits,
    pub limiter: std::sync::Arc<RateLimiter>,
    pub metrics: std::sync::Arc<Metrics>,
    /// To read the access-token key, once, when the first access token arrives.
    pub pool: deadpool_postgres::Pool,
    /// The access-token key, shared with the handlers.
    pub signing_key: std::sync::Arc<tokio::sync::OnceCell<Vec<u8>>>,
}

impl Guard {
    /// The rate-limit bucket of the credential in `headers`, if there is one.
    async fn holder(&self, headers: &axum::http::HeaderMap) -> Option<String> {
        let token = crate::auth::bearer(headers)?;
        if token.split('.').count() == 3 {
            let key = self
                .signing_key
                .get_or_try_init(|| async {
                    let client = self.pool.get().await?;
                    crate::tokens::signing_key(&client).await
                })
                .await;
            // An expired token still names its holder; a forged one names nobody and is
            // refused by the handler (the per-address limit still counts it).
            if let Some(claims) = key
                .ok()
                .and_then(|key| crate::tokens::signed_claims(key, token))
            {
                return Some(format!("user:{}:device:{}", claims.sub, claims.dev));
            }
        }
        Some(format!("device:{}", crate::auth::hash(token)))
    }
}

pub async fn middleware(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    let address = request
        .extensions()
        .get::<ConnectInfo<ClientAddr>>()
        .map(|c| c.0.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    let device = guard.holder(request.headers()).await;
    let mut refused = guard
        .limiter
        .take(
            &format!("address:{address}"),
            guard.limits.per_address_per_minute,
        )
        .err();
    if let (None, Some(device)) = (refused, &device) {
        refused = guard
            .limiter
            .take(device, guard.limits.per_device_per_minute)
            .err();
    }
    if let Some(wait) = refused {
        guard.metrics.rate_limited();
        let seconds = wait.as_secs().max(1);
        let mut response = problem(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too many requests",
            format!("this client is sending requests too fast; retry after {seconds} seconds"),
        );
        if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = match tokio::time::timeout(guard.limits.request_timeout, next.run(request)).await
    {
        Ok(response) => response,
        Err(_) => problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "Timed out",
            "the server took too long; nothing was half-applied, try again".into(),
        )
        .into_response(),
    };
    guard
        .metrics
        .request(&path, response.status().as_u16(), started.elapsed());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_says_how_long_to_wait() {
        let limiter = RateLimiter::default();
        for _ in 0..60 {
            limiter.take("a", 60).unwrap();
        }
        let wait = limiter.take("a", 60).unwrap_err();
        assert!(
            wait <= Duration::from_secs(1) && wait > Duration::ZERO,
            "{wait:?}"
        );
        assert!(
            limiter.take("b", 60).is_ok(),
            "another client has its own bucket"
        );
    }
}
