//! The `sync-server` binary migrates a fresh central database at start and answers
//! health checks; it refuses plain HTTP on a non-loopback address.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clinic_e2e::binary;

fn admin_url() -> String {
    std::env::var("CLINIC_TEST_DATABASE_URL").expect(
        "CLINIC_TEST_DATABASE_URL is not set: run scripts/run-tests.sh, which starts PostgreSQL",
    )
}

fn psql_url_for(db: &str) -> String {
    let base = admin_url();
    let (prefix, _) = base.rsplit_once('/').unwrap();
    format!("{prefix}/{db}")
}

fn psql(sql: &str) {
    let out = Command::new("psql")
        .args([admin_url().as_str(), "-v", "ON_ERROR_STOP=1", "-qc", sql])
        .output()
        .expect("psql is installed (postgresql-client)");
    assert!(
        out.status.success(),
        "{sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

struct DropDatabase(String);

impl Drop for DropDatabase {
    fn drop(&mut self) {
        psql(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.0));
    }
}

/// Kills the server when the test ends, pass or fail.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http_get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: e2e\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn the_server_binary_migrates_at_start_and_serves_health() {
    let db = format!("clinic_e2e_{}", std::process::id());
    let createdb = Command::new(binary("sync-server", "sync-server"))
        .args(["migrate"])
        .env("CLINIC_DATABASE_URL", psql_url_for(&db))
        .output()
        .unwrap();
    assert!(
        !createdb.status.success(),
        "migrating a database that does not exist must fail, not create something elsewhere"
    );
    let stderr = String::from_utf8_lossy(&createdb.stderr);
    assert!(
        stderr.contains("CLINIC_DATABASE_URL"),
        "the error names the setting: {stderr}"
    );

    // Create it with psql, as an IT person would; dropped again when the test ends.
    psql(&format!("CREATE DATABASE {db}"));
    let _dropped = DropDatabase(db.clone());
    let migrate = Command::new(binary("sync-server", "sync-server"))
        .args(["migrate"])
        .env("CLINIC_DATABASE_URL", psql_url_for(&db))
        .output()
        .unwrap();
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );

    let mut child = Command::new(binary("sync-server", "sync-server"))
        .args(["serve", "--listen", "127.0.0.1:0", "--insecure-plain-http"])
        .env("CLINIC_DATABASE_URL", psql_url_for(&db))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Running(child);
    let mut lines = BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(30);
    let addr = loop {
        assert!(
            Instant::now() < deadline,
            "the server did not say where it listens"
        );
        let line = lines.next().expect("server exited early").unwrap();
        if let Some(url) = line.strip_prefix("sync-server listening on http://") {
            break url.to_owned();
        }
    };
    let response = http_get(&addr, "/v1/health");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let body = response.split("\r\n\r\n").nth(1).unwrap();
    let health: clinic_protocol::Health = serde_json::from_str(body).unwrap();
    assert_eq!(health.status, "ok");
    drop(server);

    let refused = Command::new(binary("sync-server", "sync-server"))
        .args(["serve", "--listen", "0.0.0.0:0", "--insecure-plain-http"])
        .env("CLINIC_DATABASE_URL", psql_url_for(&db))
        .output()
        .unwrap();
    assert!(
        !refused.status.success(),
        "plain HTTP on all interfaces is refused"
    );
}

#[test]
fn the_server_reads_its_settings_from_a_toml_file_and_flags_override_it() {
    let db = format!("clinic_e2e_cfg_{}", std::process::id());
    psql(&format!("CREATE DATABASE {db}"));
    let _dropped = DropDatabase(db.clone());
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sync-server.toml");
    std::fs::write(
        &config,
        format!(
            "database_url = \"{}\"\nlisten = \"127.0.0.1:1\"\npool_size = 2\n",
            psql_url_for(&db)
        ),
    )
    .unwrap();
    let mut child = Command::new(binary("sync-server", "sync-server"))
        .args([
            "--config",
            config.to_str().unwrap(),
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--insecure-plain-http",
        ])
        .env_remove("CLINIC_DATABASE_URL")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Running(child);
    let line = BufReader::new(stdout)
        .lines()
        .next()
        .expect("the server starts")
        .unwrap();
    let addr = line
        .strip_prefix("sync-server listening on http://")
        .expect(&line)
        .to_owned();
    assert!(
        http_get(&addr, "/v1/health").starts_with("HTTP/1.1 200"),
        "the file's database was used"
    );
    drop(server);

    std::fs::write(&config, "database_url = \"x\"\nlisen = \"typo\"\n").unwrap();
    let out = Command::new(binary("sync-server", "sync-server"))
        .args(["--config", config.to_str().unwrap(), "migrate"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown setting `lisen`"),
        "a typo is named: {err}"
    );
}
