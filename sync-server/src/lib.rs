//! The sync server as a library: [`migrate`] brings the central PostgreSQL schema to head,
//! [`router`] builds the HTTP API and [`serve`] runs it until shut down. The binary in
//! `main.rs` only reads configuration and calls these, so tests drive the real thing.

pub mod attachments;
pub mod auth;
pub mod error;
pub mod limits;
pub mod metrics;
pub mod signin;
pub mod sync;
pub mod tls;
pub mod tokens;

use std::future::Future;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use clinic_protocol::{
    DeviceInfo, EnrollRequest, EnrollResponse, Health, LoginRequest, PROTOCOL_VERSION,
    PasswordChange, PullPage, PushRequest, PushResponse, RefreshRequest, RevokeDevice, Status,
    TokenPair,
};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use serde::Deserialize;
use tokio::net::TcpListener;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate as _};

pub use error::{Error, Result};

mod embedded {
    refinery::embed_migrations!("../migrations/central");
}

/// The oldest workstation schema whose changes this server understands.
pub const MIN_WORKSTATION_SCHEMA: u32 = 3;
/// Largest request body accepted (a full push batch is far smaller).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Runs the embedded central migrations; returns the schema version now in force.
/// Safe to run from several server processes at start: refinery takes a lock.
pub async fn migrate(client: &mut tokio_postgres::Client) -> Result<u32> {
    embedded::migrations::runner()
        .set_abort_divergent(true)
        .run_async(client)
        .await
        .map_err(|e| Error::Migration(e.to_string()))?;
    Ok(schema_version())
}

/// The highest central migration embedded in this build.
pub fn schema_version() -> u32 {
    embedded::migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| u32::try_from(m.version()).unwrap_or(0))
        .max()
        .unwrap_or(0)
}

/// A connection pool for `database_url`.
pub fn pool(database_url: &str, size: usize) -> Result<Pool> {
    let config: tokio_postgres::Config = database_url
        .parse()
        .map_err(|e| Error::BadRequest(format!("the database URL is not valid: {e}")))?;
    let manager = Manager::from_config(
        config,
        tokio_postgres::NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(size)
        .build()
        .map_err(|e| Error::Pool(e.to_string()))
}

#[derive(Clone)]
struct AppState {
    pool: Pool,
    schema_version: u32,
    metrics: std::sync::Arc<metrics::Metrics>,
    limits: limits::Limits,
    /// The access-token signing key, read from the database on first use.
    signing_key: std::sync::Arc<tokio::sync::OnceCell<Vec<u8>>>,
}

impl AppState {
    async fn key(&self, client: &deadpool_postgres::Client) -> Result<&[u8]> {
        self.signing_key
            .get_or_try_init(|| tokens::signing_key(client))
            .await
            .map(Vec::as_slice)
    }
}

/// The HTTP API with the default limits.
pub fn router(pool: Pool) -> Router {
    router_with(pool, limits::Limits::default())
}

/// The HTTP API.
pub fn router_with(pool: Pool, limits: limits::Limits) -> Router {
    let metrics = std::sync::Arc::new(metrics::Metrics::default());
    let signing_key = std::sync::Arc::<tokio::sync::OnceCell<Vec<u8>>>::default();
    let guard = limits::Guard {
        limits,
        limiter: std::sync::Arc::new(limits::RateLimiter::default()),
        metrics: metrics.clone(),
        pool: pool.clone(),
        signing_key: signing_key.clone(),
    };
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/status", get(status))
        .route("/v1/enroll", post(enroll))
        .route("/v1/auth/login", post(login))
        .route("/v1/auth/refresh", post(refresh))
        .route("/v1/auth/logout", post(logout))
        .route("/v1/auth/password", post(change_password))
        .route("/v1/devices", get(devices))
        .route("/v1/devices/revoke", post(revoke))
        .route("/v1/push", post(push))
        .route("/v1/pull", get(pull))
        .route("/v1/attachments/status", get(attachment_status))
        .route("/v1/attachments/chunk", get(chunk_get).put(chunk_put))
        .route("/metrics", get(metrics_text))
        .route("/openapi.json", get(openapi))
        .fallback(|| async {
            error::problem(
                StatusCode::NOT_FOUND,
                "not-found",
                "Not found",
                "there is no such endpoint; see /openapi.json".into(),
            )
        })
        // A known path with another method is a problem too, never an empty body.
        .method_not_allowed_fallback(|| async {
            error::problem(
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Method not allowed",
                "this endpoint does not take this method; see /openapi.json".into(),
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Pages of changes are repetitive JSON: gzip makes them several times smaller
        // for workstations on slow links (every client that says it accepts gzip).
        // Sealed attachment chunks are random to a compressor: they go as they are.
        .layer(
            tower_http::compression::CompressionLayer::new()
                .gzip(true)
                .compress_when(
                    DefaultPredicate::new()
                        .and(NotForContentType::const_new("application/octet-stream")),
                ),
        )
        .layer(axum::middleware::from_fn_with_state(
            guard,
            limits::middleware,
        ))
        .with_state(AppState {
            pool,
            schema_version: schema_version(),
            metrics,
            limits,
            signing_key,
        })
}

/// The OpenAPI document of this API, checked in beside the code.
pub const OPENAPI: &str = include_str!("../openapi.json");

async fn openapi() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI,
    )
}

async fn metrics_text(State(state): State<AppState>) -> impl axum::response::IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        state.metrics.render(),
    )
}

async fn status(State(state): State<AppState>, headers: HeaderMap) -> Result<axum::Json<Status>> {
    let client = state.pool.get().await?;
    let device = auth::device(&client, &headers).await?;
    let latest: i64 = client
        .query_one("SELECT coalesce(max(seq), 0) FROM change_log", &[])
        .await?
        .get(0);
    let head = client
        .query_opt(
            "SELECT seq, hash FROM audit_heads WHERE device_id = CAST($1 AS TEXT)::uuid",
            &[&device.id],
        )
        .await?;
    let (audit_seq, audit_hash) = head.map_or_else(
        || (0, clinic_protocol::audit::GENESIS.to_owned()),
        |r| (r.get(0), r.get(1)),
    );
    Ok(axum::Json(Status {
        device_id: device.id,
        branch_code: device.branch_code,
        latest_seq: latest,
        audit_seq,
        audit_hash,
        protocol_version: PROTOCOL_VERSION,
        schema_version: state.schema_version,
    }))
}

async fn health(State(state): State<AppState>) -> axum::Json<Health> {
    axum::Json(Health {
        status: "ok".into(),
        protocol_version: PROTOCOL_VERSION,
        schema_version: state.schema_version,
    })
}

/// Parses a JSON body, turning every failure into problem JSON.
fn json_body<T: serde::de::DeserializeOwned>(
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<T> {
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Error::PayloadTooLarge
        } else {
            Error::BadRequest(format!("the request body could not be read: {rejection}"))
        }
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Error::BadRequest(format!(
            "the request is not valid JSON for this endpoint: {e}"
        ))
    })
}

fn check_versions(protocol: u32, schema: Option<u32>) -> Result<()> {
    if protocol != PROTOCOL_VERSION {
        return Err(Error::UpdateRequired(format!(
            "this server speaks sync protocol {PROTOCOL_VERSION} and the workstation speaks {protocol}; install the current clinic app version"
        )));
    }
    if let Some(schema) = schema.filter(|s| *s < MIN_WORKSTATION_SCHEMA) {
        return Err(Error::UpdateRequired(format!(
            "the workstation's data is at schema {schema}, older than this server accepts ({MIN_WORKSTATION_SCHEMA}); please update the clinic app, then sync again: nothing was lost"
        )));
    }
    Ok(())
}

async fn enroll(
    State(state): State<AppState>,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<axum::Json<EnrollResponse>> {
    let request: EnrollRequest = json_body(body)?;
    check_versions(request.protocol_version, None)?;
    if !sync::looks_like_uuid(&request.device_id) {
        return Err(Error::BadRequest(
            "device_id must be the workstation's UUID (8-4-4-4-12 hex digits)".into(),
        ));
    }
    if request.device_name.trim().is_empty() {
        return Err(Error::BadRequest(
            "device_name is empty; name the workstation so administrators can tell it apart".into(),
        ));
    }
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    let code = tx
        .query_opt(
            "SELECT branch_code FROM enrollment_codes
             WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now() FOR UPDATE",
            &[&auth::hash(request.code.trim())],
        )
        .await?
        .ok_or_else(|| {
            Error::Forbidden(
                "this enrollment code is unknown, used or expired; ask IT for a new one".into(),
            )
        })?;
    let branch_code: String = code.get(0);
    let token = auth::new_secret(32)?;
    tx.execute(
        "INSERT INTO devices (id, name, branch_code, token_hash) VALUES (CAST($1 AS TEXT)::uuid, $2, $3, $4)",
        &[&request.device_id, &request.device_name, &branch_code, &auth::hash(&token)],
    )
    .await
    .map_err(|e| {
        if e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) {
            Error::Conflict(
                "a workstation with this device_id is already enrolled; enroll with a new id".into(),
            )
        } else {
            Error::Database(e)
        }
    })?;
    tx.execute(
        "UPDATE enrollment_codes SET used_by = CAST($2 AS TEXT)::uuid, used_at = now() WHERE code_hash = $1",
        &[&auth::hash(request.code.trim()), &request.device_id],
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(EnrollResponse {
        device_id: request.device_id,
        branch_code,
        device_token: token,
    }))
}

async fn push(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<axum::Json<PushResponse>> {
    let mut client = state.pool.get().await?;
    let key = state.key(&client).await?;
    let user = auth::user(&client, &headers, key).await?;
    let request: PushRequest = json_body(body)?;
    check_versions(request.protocol_version, Some(request.schema_version))?;
    let tx = client.transaction().await?;
    let response = sync::push(&tx, &user, &request.changes).await?;
    tx.commit().await?;
    state
        .metrics
        .pushed(response.accepted.len(), response.rejected.len());
    Ok(axum::Json(response))
}

async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<axum::Json<TokenPair>> {
    let mut client = state.pool.get().await?;
    let device = auth::device(&client, &headers).await?;
    let request: LoginRequest = json_body(body)?;
    check_versions(request.protocol_version, None)?;
    let key = state.key(&client).await?;
    let attempt =
        signin::begin_attempt(&client, &signin::throttle_account(&request), &state.limits).await?;
    let tx = client.transaction().await?;
    match signin::login(&tx, &device, &request, key, &state.limits).await {
        Ok(pair) => {
            signin::attempt_succeeded(&tx, &attempt).await?;
            tx.commit().await?;
            Ok(axum::Json(pair))
        }
        Err(refused) => {
            let _ = tx.rollback().await;
            signin::attempt_failed(&client, &attempt, &state.limits).await?;
            Err(refused)
        }
    }
}

async fn refresh(
    State(state): State<AppState>,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<axum::Json<TokenPair>> {
    let request: RefreshRequest = json_body(body)?;
    let mut client = state.pool.get().await?;
    let key = state.key(&client).await?;
    let tx = client.transaction().await?;
    let outcome = signin::refresh(&tx, &request.refresh_token, key, &state.limits).await?;
    tx.commit().await?;
    match outcome {
        signin::Refreshed::Pair(pair) => Ok(axum::Json(pair)),
        signin::Refreshed::Reused => Err(Error::Unauthorized(
            "this refresh token was already used, so it may have been stolen: every token of this sign-in is now revoked; sign in again".into(),
        )),
    }
}

async fn logout(
    State(state): State<AppState>,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<StatusCode> {
    let request: RefreshRequest = json_body(body)?;
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    signin::logout(&tx, &request.refresh_token).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<StatusCode> {
    let mut client = state.pool.get().await?;
    let key = state.key(&client).await?;
    let user = auth::user(&client, &headers, key).await?;
    let request: PasswordChange = json_body(body)?;
    let tx = client.transaction().await?;
    signin::change_password(&tx, &user, &request).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn devices(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<axum::Json<Vec<DeviceInfo>>> {
    let client = state.pool.get().await?;
    let key = state.key(&client).await?;
    auth::admin(&client, &headers, key).await?;
    let time = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";
    let rows = client
        .query(
            &format!(
                "SELECT d.id::text, d.name, d.branch_code,
                        to_char(d.enrolled_at AT TIME ZONE 'UTC', {time}),
                        to_char(d.revoked_at AT TIME ZONE 'UTC', {time}),
                        to_char((SELECT max(received_at) FROM change_log c WHERE c.device_id = d.id)
                                AT TIME ZONE 'UTC', {time})
                 FROM devices d ORDER BY d.branch_code, d.enrolled_at"
            ),
            &[],
        )
        .await?;
    Ok(axum::Json(
        rows.iter()
            .map(|r| DeviceInfo {
                device_id: r.get(0),
                name: r.get(1),
                branch_code: r.get(2),
                enrolled_at: r.get(3),
                revoked_at: r.get(4),
                last_push_at: r.get(5),
            })
            .collect(),
    ))
}

async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<StatusCode> {
    let client = state.pool.get().await?;
    let key = state.key(&client).await?;
    let admin = auth::admin(&client, &headers, key).await?;
    let request: RevokeDevice = json_body(body)?;
    if !sync::looks_like_uuid(&request.device_id) {
        return Err(Error::BadRequest(
            "device_id must be a workstation's UUID, as the list of workstations shows it".into(),
        ));
    }
    if request.device_id.eq_ignore_ascii_case(&admin.device.id) {
        return Err(Error::BadRequest(
            "this is the workstation you are using; revoke it from another one, or with `sync-server device revoke`".into(),
        ));
    }
    if revoke_device(&state.pool, &request.device_id).await? {
        return Ok(StatusCode::NO_CONTENT);
    }
    let known = client
        .query_opt(
            "SELECT 1 FROM devices WHERE id = CAST($1 AS TEXT)::uuid",
            &[&request.device_id],
        )
        .await?
        .is_some();
    Err(if known {
        Error::Conflict("this workstation is already revoked; nothing changed".into())
    } else {
        Error::NotFound(
            "no workstation of the group has this id; pick one from the list of workstations"
                .into(),
        )
    })
}

#[derive(Deserialize)]
struct PullQuery {
    cursor: i64,
    #[serde(default = "default_limit")]
    limit: usize,
    protocol_version: u32,
}

fn default_limit() -> usize {
    500
}

async fn pull(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: std::result::Result<Query<PullQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<axum::Json<PullPage>> {
    let client = state.pool.get().await?;
    let key = state.key(&client).await?;
    let user = auth::user(&client, &headers, key).await?;
    let Query(query) = query
        .map_err(|e| Error::BadRequest(format!("pull needs ?cursor=N&protocol_version=V: {e}")))?;
    check_versions(query.protocol_version, None)?;
    if query.cursor < 0 {
        return Err(Error::BadRequest(
            "cursor is a sequence number, 0 or more: start at 0 and pass next_cursor after".into(),
        ));
    }
    if !(1..=sync::MAX_BATCH).contains(&query.limit) {
        return Err(Error::BadRequest(format!(
            "limit must be between 1 and {}; leave it out for 500",
            sync::MAX_BATCH
        )));
    }
    let page = sync::pull(&client, &user.device.branch_code, query.cursor, query.limit).await?;
    state.metrics.pulled(page.changes.len());
    Ok(axum::Json(page))
}

#[derive(Deserialize)]
struct AttachmentQuery {
    attachment_id: String,
    protocol_version: u32,
}

#[derive(Deserialize)]
struct ChunkQuery {
    attachment_id: String,
    index: u32,
    protocol_version: u32,
}

fn chunk_query(
    query: std::result::Result<Query<ChunkQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<ChunkQuery> {
    let Query(query) = query.map_err(|e| {
        Error::BadRequest(format!(
            "a chunk is named by ?attachment_id=UUID&index=N (0 to {})&protocol_version=V: {e}",
            clinic_protocol::attachments::MAX_CHUNKS - 1
        ))
    })?;
    check_versions(query.protocol_version, None)?;
    if query.index >= clinic_protocol::attachments::MAX_CHUNKS {
        return Err(Error::BadRequest(format!(
            "index is a chunk number from 0 to {}",
            clinic_protocol::attachments::MAX_CHUNKS - 1
        )));
    }
    Ok(query)
}

async fn attachment_status(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: std::result::Result<Query<AttachmentQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<axum::Json<clinic_protocol::attachments::AttachmentStatus>> {
    let client = state.pool.get().await?;
    let key = state.key(&client).await?;
    let user = auth::user(&client, &headers, key).await?;
    let Query(query) = query.map_err(|e| {
        Error::BadRequest(format!(
            "status needs ?attachment_id=UUID&protocol_version=V: {e}"
        ))
    })?;
    check_versions(query.protocol_version, None)?;
    Ok(axum::Json(
        attachments::status(&client, &user, &query.attachment_id).await?,
    ))
}

async fn chunk_put(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: std::result::Result<Query<ChunkQuery>, axum::extract::rejection::QueryRejection>,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<axum::Json<clinic_protocol::attachments::AttachmentStatus>> {
    let client = state.pool.get().await?;
    let key = state.key(&client).await?;
    let user = auth::user(&client, &headers, key).await?;
    let query = chunk_query(query)?;
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Error::PayloadTooLarge
        } else {
            Error::BadRequest(format!("the chunk could not be read: {rejection}"))
        }
    })?;
    Ok(axum::Json(
        attachments::put_chunk(&client, &user, &query.attachment_id, query.index, &bytes).await?,
    ))
}

async fn chunk_get(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: std::result::Result<Query<ChunkQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<axum::response::Response> {
    use axum::response::IntoResponse as _;
    let client = state.pool.get().await?;
    let key = state.key(&client).await?;
    let user = auth::user(&client, &headers, key).await?;
    let query = chunk_query(query)?;
    let bytes = attachments::get_chunk(&client, &user, &query.attachment_id, query.index).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/octet-stream")],
        bytes,
    )
        .into_response())
}

/// Makes a one-time enrollment code for a branch, valid for `hours`.
pub async fn create_enrollment_code(pool: &Pool, branch_code: &str, hours: i32) -> Result<String> {
    let branch = branch_code.trim().to_ascii_uppercase();
    if branch.is_empty() || !branch.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::BadRequest(
            "a branch code is letters and digits, such as BR01".into(),
        ));
    }
    let code = auth::new_secret(10)?;
    let client = pool.get().await?;
    client
        .execute(
            "INSERT INTO enrollment_codes (code_hash, branch_code, expires_at)
             VALUES ($1, $2, now() + make_interval(hours => $3))",
            &[&auth::hash(&code), &branch, &hours],
        )
        .await?;
    Ok(code)
}

/// Revokes a device at once: its token stops working on the next request.
pub async fn revoke_device(pool: &Pool, device_id: &str) -> Result<bool> {
    if !sync::looks_like_uuid(device_id) {
        return Err(Error::BadRequest(format!(
            "{device_id:?} is not a device id: a device id is a UUID"
        )));
    }
    let client = pool.get().await?;
    let n = client
        .execute(
            "UPDATE devices SET revoked_at = now() WHERE id = CAST($1 AS TEXT)::uuid AND revoked_at IS NULL",
            &[&device_id],
        )
        .await?;
    Ok(n == 1)
}

/// Serves `router` over TLS on `listener` until `shutdown` completes.
pub async fn serve_tls(
    listener: TcpListener,
    config: std::sync::Arc<tokio_rustls::rustls::ServerConfig>,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    axum::serve(
        tls::TlsListener::new(listener, config)?,
        router.into_make_service_with_connect_info::<limits::ClientAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .map_err(Error::Io)
}

/// Serves `router` on `listener` until `shutdown` completes, then finishes in-flight
/// requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<limits::ClientAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .map_err(Error::Io)
}
