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
