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
