//! The sync server against a real PostgreSQL. Each test gets a fresh database, created
//! from `CLINIC_TEST_DATABASE_URL` (the README test command starts PostgreSQL and sets it).

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_postgres::{Client, NoTls};

fn admin_url() -> String {
    std::env::var("CLINIC_TEST_DATABASE_URL").expect(
        "CLINIC_TEST_DATABASE_URL is not set: run the README test command (scripts/run-tests.sh), \
         which starts PostgreSQL and sets it",
    )
}

async fn connect(url: &str) -> Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
    tokio::spawn(connection);
    client
}

/// A fresh, empty database for one test; dropped again by [`FreshDb::drop_now`].
struct FreshDb {
    name: String,
    url: String,
}

impl FreshDb {
    async fn new() -> FreshDb {
        let admin = connect(&admin_url()).await;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let name = format!("clinic_test_{}_{nanos}", std::process::id());
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let base = admin_url();
        let (prefix, _) = base.rsplit_once('/').expect("URL ends in /database");
        FreshDb {
            url: format!("{prefix}/{name}"),
            name,
        }
    }

    async fn drop_now(self) {
        let admin = connect(&admin_url()).await;
        admin
            .batch_execute(&format!("DROP DATABASE {} WITH (FORCE)", self.name))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn an_empty_central_database_migrates_to_head_and_again_is_a_no_op() {
    let db = FreshDb::new().await;
    let mut client = connect(&db.url).await;
    let version = sync_server::migrate(&mut client).await.unwrap();
    assert_eq!(version, sync_server::schema_version());
    sync_server::migrate(&mut client)
        .await
        .expect("a second run is a no-op");
    let applied: i64 = client
        .query_one("SELECT count(*) FROM refinery_schema_history", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        applied,
        i64::from(version),
        "each migration applied exactly once"
    );
    let row = client
        .query_one("SELECT to_regclass('public.change_log') IS NOT NULL", &[])
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0), "the global change log exists");
    drop(client);
    db.drop_now().await;
}

#[tokio::test]
async fn health_reports_protocol_and_schema_versions_over_http() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let pool = sync_server::pool(&admin_url(), 1).unwrap();
    let server = tokio::spawn(sync_server::serve(
        listener,
        sync_server::router(pool),
        async {
            let _ = stopped.await;
        },
    ));

    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /v1/health HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let body = response.split("\r\n\r\n").nth(1).unwrap();
    let health: clinic_protocol::Health = serde_json::from_str(body).unwrap();
    assert_eq!(health.protocol_version, clinic_protocol::PROTOCOL_VERSION);
    assert_eq!(health.schema_version, sync_server::schema_version());

    stop.send(()).unwrap();
    server.await.unwrap().expect("graceful shutdown");
}

/// Every route the router serves is documented, and the documented schemas name exactly
/// the fields the wire types serialise: the checked-in OpenAPI document cannot drift.
#[test]
fn the_openapi_document_matches_the_routes_and_the_wire_types() {
    let doc: serde_json::Value = serde_json::from_str(sync_server::OPENAPI).expect("valid JSON");
    let paths = doc["paths"].as_object().unwrap();
    let source = include_str!("../../src/lib.rs");
    for line in source
        .lines()
        .filter(|l| l.trim_start().starts_with(".route(\""))
    {
        let route = line.split('"').nth(1).unwrap();
        assert!(
            paths.contains_key(route),
            "{route} is served but not in openapi.json"
        );
    }
    let schema_fields = |name: &str| -> Vec<String> {
        let mut f: Vec<String> = doc["components"]["schemas"][name]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("schema {name}"))
            .keys()
            .cloned()
            .collect();
        f.sort();
        f
    };
    let wire_fields = |value: serde_json::Value| -> Vec<String> {
        let mut f: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        f.sort();
        f
    };
    let change = clinic_protocol::Change {
        change_id: String::new(),
        table: String::new(),
        row_id: String::new(),
        kind: clinic_protocol::ChangeKind::Upsert,
        fields: serde_json::Map::new(),
        hlc: String::new(),
        device_id: String::new(),
        user_id: None,
        schema_version: 0,
    };
    let cases = [
        ("Change", serde_json::to_value(&change).unwrap()),
        (
            "PushRequest",
            serde_json::to_value(clinic_protocol::PushRequest {
                protocol_version: 1,
                schema_version: 1,
                changes: vec![],
            })
            .unwrap(),
        ),
        (
            "PushResponse",
            serde_json::to_value(clinic_protocol::PushResponse {
                accepted: vec![],
                rejected: vec![],
            })
            .unwrap(),
        ),
        (
            "PullPage",
            serde_json::to_value(clinic_protocol::PullPage {
                changes: vec![],
                next_cursor: 0,
                more: false,
            })
            .unwrap(),
        ),
        (
            "Status",
            serde_json::to_value(clinic_protocol::Status {
                device_id: String::new(),
                branch_code: String::new(),
                latest_seq: 0,
                audit_seq: 0,
                audit_hash: String::new(),
                protocol_version: 1,
                schema_version: 1,
            })
            .unwrap(),
        ),
        (
            "LoginRequest",
            serde_json::to_value(clinic_protocol::LoginRequest {
                protocol_version: 1,
                user_id: String::new(),
                username: String::new(),
                password: String::new(),
                existing_only: false,
            })
            .unwrap(),
        ),
        (
            "RefreshRequest",
            serde_json::to_value(clinic_protocol::RefreshRequest {
                refresh_token: String::new(),
            })
            .unwrap(),
        ),
        (
            "PasswordChange",
            serde_json::to_value(clinic_protocol::PasswordChange {
                current_password: String::new(),
                new_password: String::new(),
            })
            .unwrap(),
        ),
        (
            "TokenPair",
            serde_json::to_value(clinic_protocol::TokenPair {
                token_type: String::new(),
                user_id: String::new(),
                access_token: String::new(),
                expires_in: 0,
                refresh_token: String::new(),
            })
            .unwrap(),
        ),
        (
            "DeviceInfo",
            serde_json::to_value(clinic_protocol::DeviceInfo {
                device_id: String::new(),
                name: String::new(),
                branch_code: String::new(),
                enrolled_at: String::new(),
                revoked_at: None,
                last_push_at: None,
            })
            .unwrap(),
        ),
        (
            "RevokeDevice",
            serde_json::to_value(clinic_protocol::RevokeDevice {
                device_id: String::new(),
            })
            .unwrap(),
        ),
        (
            "AttachmentStatus",
            serde_json::to_value(clinic_protocol::attachments::AttachmentStatus {
                attachment_id: String::new(),
                size: 1,
                chunk_count: 1,
                missing: vec![],
                complete: true,
            })
            .unwrap(),
        ),
        (
            "Problem",
            serde_json::to_value(clinic_protocol::Problem {
                kind: String::new(),
                title: String::new(),
                status: 400,
                detail: String::new(),
            })
            .unwrap(),
        ),
    ];
    for (name, value) in cases {
        assert_eq!(
            schema_fields(name),
            wire_fields(value),
            "openapi.json's {name} drifted from the wire type"
        );
    }
}

/// The limits the document states are the ones the server enforces: a client generated
/// from the document must be refused for exactly what the server refuses.
#[test]
fn the_openapi_document_states_the_limits_the_server_checks() {
    let doc: serde_json::Value = serde_json::from_str(sync_server::OPENAPI).expect("valid JSON");
    let mut versions = Vec::new();
    collect_named(&doc, "protocol_version", &mut versions);
    assert!(
        versions.len() >= 6,
        "every request and answer naming the protocol version constrains it: {versions:?}"
    );
    for schema in versions {
        let schema = schema.get("schema").unwrap_or(schema);
        if schema.get("type").is_some() {
            assert_eq!(
                schema["const"],
                serde_json::json!(clinic_protocol::PROTOCOL_VERSION),
                "the server answers 426 to any other protocol version: {schema}"
            );
        }
    }
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["PushRequest"]["properties"]["schema_version"]["minimum"],
        serde_json::json!(sync_server::MIN_WORKSTATION_SCHEMA),
        "an older workstation schema is answered 426"
    );
    assert_eq!(
        schemas["PushRequest"]["properties"]["changes"]["maxItems"],
        serde_json::json!(sync_server::sync::MAX_BATCH),
        "a larger push is answered 400"
    );
    let attachments = &doc["components"]["schemas"]["AttachmentStatus"]["properties"];
    assert_eq!(
        attachments["size"]["maximum"],
        serde_json::json!(clinic_protocol::attachments::MAX_BYTES),
        "a larger attachment's record is refused on push"
    );
    assert_eq!(
        attachments["chunk_count"]["maximum"],
        serde_json::json!(clinic_protocol::attachments::MAX_CHUNKS)
    );
    for method in ["get", "put"] {
        let index = doc["paths"]["/v1/attachments/chunk"][method]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "index")
            .expect("a chunk is named by its index");
        assert_eq!(
            index["schema"]["maximum"],
            serde_json::json!(clinic_protocol::attachments::MAX_CHUNKS - 1),
            "{method}: a later index is answered 400"
        );
    }
    let limit = doc["paths"]["/v1/pull"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .expect("pull documents its limit");
    assert_eq!(
        limit["schema"]["maximum"],
        serde_json::json!(sync_server::sync::MAX_BATCH),
        "a larger page is answered 400"
    );
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(body) = op.get("requestBody") {
                assert_eq!(
                    body["x-max-body-bytes"],
                    serde_json::json!(sync_server::MAX_BODY_BYTES),
                    "{method} {path}: a larger body is answered 413"
                );
                assert!(
                    op["responses"].get("413").is_some(),
                    "{method} {path} takes a body, so it may answer 413"
                );
            }
        }
    }
}

/// Every JSON object (schema or parameter) reached under a key or a `name` equal to `name`.
fn collect_named<'a>(
    value: &'a serde_json::Value,
    name: &str,
    out: &mut Vec<&'a serde_json::Value>,
) {
    match value {
        serde_json::Value::Object(map) => {
            if map.get("name").and_then(serde_json::Value::as_str) == Some(name) {
                out.push(value);
            }
            for (key, child) in map {
                if key == name && child.is_object() {
                    out.push(child);
                }
                collect_named(child, name, out);
            }
        }
        serde_json::Value::Array(items) => {
            for child in items {
                collect_named(child, name, out);
            }
        }
        _ => {}
    }
}

async fn get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[tokio::test]
async fn a_client_over_its_rate_gets_429_with_retry_after_and_metrics_count_it() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let pool = sync_server::pool(&admin_url(), 1).unwrap();
    let limits = sync_server::limits::Limits {
        per_address_per_minute: 3,
        ..sync_server::limits::Limits::default()
    };
    let server = tokio::spawn(sync_server::serve(
        listener,
        sync_server::router_with(pool, limits),
        async {
            let _ = stopped.await;
        },
    ));
    for _ in 0..3 {
        assert!(get(addr, "/v1/health").await.starts_with("HTTP/1.1 200"));
    }
    let refused = get(addr, "/v1/health").await;
    assert!(refused.starts_with("HTTP/1.1 429"), "{refused}");
    assert!(
        refused.to_lowercase().contains("retry-after: "),
        "{refused}"
    );
    assert!(refused.contains("application/problem+json"), "{refused}");
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();

    // A fresh server, default limits: the refusal shows up in the counters it serves.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let pool = sync_server::pool(&admin_url(), 1).unwrap();
    let server = tokio::spawn(sync_server::serve(
        listener,
        sync_server::router(pool),
        async {
            let _ = stopped.await;
        },
    ));
    get(addr, "/v1/health").await;
    let metrics = get(addr, "/metrics").await;
    assert!(
        metrics.contains("clinic_sync_requests_total{route=\"/v1/health\",status=\"200\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("clinic_sync_rate_limited_total 0"),
        "{metrics}"
    );
    let doc = get(addr, "/openapi.json").await;
    assert!(doc.contains("\"openapi\": \"3.1.0\""));
    let missing = get(addr, "/v1/nothing").await;
    assert!(
        missing.starts_with("HTTP/1.1 404") && missing.contains("problem+json"),
        "{missing}"
    );
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

/// Sends one request with the `Authorization` header exactly as given; returns
/// (status, whole response).
async fn send(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    authorization: Option<&str>,
    body: &str,
) -> (u16, String) {
    let auth = authorization.map_or(String::new(), |a| format!("Authorization: {a}\r\n"));
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            format!(
                "{method} {path} HTTP/1.1\r\nHost: test\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, response)
}

fn body_of(response: &str) -> &str {
    response.split("\r\n\r\n").nth(1).unwrap_or_default()
}

/// A server on `db` with `limits`, and the means to stop it.
async fn serve_on(
    db: &FreshDb,
    limits: sync_server::limits::Limits,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<sync_server::Result<()>>,
) {
    let mut client = connect(&db.url).await;
    sync_server::migrate(&mut client).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let pool = sync_server::pool(&db.url, 2).unwrap();
    let server = tokio::spawn(sync_server::serve(
        listener,
        sync_server::router_with(pool, limits),
        async {
            let _ = stopped.await;
        },
    ));
    (addr, stop, server)
}

/// Enrolls a device into BR01 over HTTP; returns its device token.
async fn enroll(db: &FreshDb, addr: std::net::SocketAddr, device_id: &str) -> String {
    let pool = sync_server::pool(&db.url, 1).unwrap();
    let code = sync_server::create_enrollment_code(&pool, "BR01", 1)
        .await
        .unwrap();
    let request = serde_json::json!({
        "protocol_version": clinic_protocol::PROTOCOL_VERSION,
        "code": code,
        "device_id": device_id,
        "device_name": "BR01 desk",
    });
    let (status, response) = send(addr, "POST", "/v1/enroll", None, &request.to_string()).await;
    assert_eq!(status, 200, "{response}");
    let enrolled: clinic_protocol::EnrollResponse =
        serde_json::from_str(body_of(&response)).unwrap();
    enrolled.device_token
}

#[tokio::test]
async fn the_per_device_limit_counts_what_a_token_identifies_however_it_is_spelled() {
    let db = FreshDb::new().await;
    let limits = sync_server::limits::Limits {
        per_device_per_minute: 4,
        ..sync_server::limits::Limits::default()
    };
    let (addr, stop, server) = serve_on(&db, limits).await;
    let device_token = enroll(&db, addr, "0190a000-0000-7000-8000-000000000001").await;

    // Two sign-ins of one user on one device: two different access tokens (the device
    // token's bucket: 2 of 4).
    let login = serde_json::json!({
        "protocol_version": clinic_protocol::PROTOCOL_VERSION,
        "user_id": "0190a000-0000-7000-8000-0000000000aa",
        "username": "admin",
        "password": "correct horse battery",
    })
    .to_string();
    let mut access = Vec::new();
    for spelling in [
        format!("Bearer {device_token}"),
        format!("bearer   {device_token}"),
    ] {
        let (status, response) =
            send(addr, "POST", "/v1/auth/login", Some(&spelling), &login).await;
        assert_eq!(status, 200, "{spelling}: {response}");
        let pair: clinic_protocol::TokenPair = serde_json::from_str(body_of(&response)).unwrap();
        access.push(pair.access_token);
    }
    // Sign-ins in the same second get the same token; a later one differs in `iat`, as
    // this one, signed with the server's key, does.
    let key: Vec<u8> = connect(&db.url)
        .await
        .query_one(
            "SELECT secret FROM server_secrets WHERE name = 'access-token-key'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let mut claims = sync_server::tokens::signed_claims(&key, &access[1]).unwrap();
    claims.iat -= 1;
    let (a, b) = (&access[0], &sync_server::tokens::sign_claims(&key, &claims));
    assert_ne!(a, b, "two access tokens of one sign-in holder");

    // Junk after the token is not ignored: the header is refused, and it is not counted
    // against anyone's per-device bucket.
    let (status, response) = send(
        addr,
        "GET",
        "/v1/status",
        Some(&format!("Bearer {device_token} junk")),
        "",
    )
    .await;
    assert_eq!(status, 401, "{response}");

    // The user on this device: four requests with the two tokens spelled four ways, and
    // the fifth is refused, because they all name the same user on the same device.
    let pull = format!(
        "/v1/pull?cursor=0&protocol_version={}",
        clinic_protocol::PROTOCOL_VERSION
    );
    for spelling in [
        format!("Bearer {a}"),
        format!("bearer {a}"),
        format!("BEARER \t{a}  "),
        format!("Bearer {b}"),
    ] {
        let (status, response) = send(addr, "GET", &pull, Some(&spelling), "").await;
        assert_eq!(status, 200, "{spelling:?} is the same token: {response}");
    }
    let (status, response) = send(addr, "GET", &pull, Some(&format!("bEaReR  {b}")), "").await;
    assert_eq!(
        status, 429,
        "a fifth request of the same user on the same device is over its limit of 4, \
         whatever the header's spelling: {response}"
    );
    assert!(
        response.to_lowercase().contains("retry-after: ") && response.contains("problem+json"),
        "{response}"
    );

    // The device token's own bucket: 2 logins so far, so two more and then 429.
    for spelling in [
        format!("Bearer  {device_token}"),
        format!("BEARER\t{device_token}"),
    ] {
        let (status, response) = send(addr, "GET", "/v1/status", Some(&spelling), "").await;
        assert_eq!(status, 200, "{spelling:?}: {response}");
    }
    let (status, response) = send(
        addr,
        "GET",
        "/v1/status",
        Some(&format!("bearer {device_token} ")),
        "",
    )
    .await;
    assert_eq!(
        status, 429,
        "the device token's fifth request is over the limit: {response}"
    );

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    db.drop_now().await;
}
