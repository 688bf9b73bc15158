//! A sync server on a fresh PostgreSQL database, running in the background for one test,
//! and workstations that enroll with it.

use std::sync::Arc;

use clinic_core::{Initialized, KdfParams, ManualClock, Session, Setup, Workstation};

pub fn admin_url() -> String {
    std::env::var("CLINIC_TEST_DATABASE_URL").expect(
        "CLINIC_TEST_DATABASE_URL is not set: run scripts/run-tests.sh, which starts PostgreSQL",
    )
}

/// A running server on its own database; stopped and dropped with the value.
pub struct Server {
    pub url: String,
    pub database_url: String,
    db_name: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    runtime: Arc<tokio::runtime::Runtime>,
    /// The workstation that set the clinic group up, once one has; later workstations
    /// join the group as users it made.
    founder: std::sync::Mutex<Option<(Workstation, String)>>,
}

impl Server {
    pub fn start() -> Server {
        Server::start_with(None, sync_server::limits::Limits::default())
    }

    /// A server with other limits (short token lifetimes, say).
    pub fn start_limited(limits: sync_server::limits::Limits) -> Server {
        Server::start_with(None, limits)
    }

    /// A server speaking TLS with a fresh self-signed certificate; returns its PEM too.
    pub fn start_tls() -> (Server, String) {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) =
            sync_server::tls::dev_cert(dir.path(), &["localhost".into(), "127.0.0.1".into()])
                .unwrap();
        let config = sync_server::tls::load(&cert, &key).unwrap();
        let pem = std::fs::read_to_string(&cert).unwrap();
        (
            Server::start_with(Some(config), sync_server::limits::Limits::default()),
            pem,
        )
    }

    fn start_with(
        tls: Option<std::sync::Arc<tokio_rustls::rustls::ServerConfig>>,
        limits: sync_server::limits::Limits,
    ) -> Server {
        let runtime = Arc::new(
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap(),
        );
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let db_name = format!("clinic_sync_{}_{nanos}", std::process::id());
        let base = admin_url();
        let (prefix, _) = base.rsplit_once('/').unwrap();
        let database_url = format!("{prefix}/{db_name}");
        let (listener, pool) = runtime.block_on(async {
            let (admin, conn) = tokio_postgres::connect(&base, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            admin
                .batch_execute(&format!("CREATE DATABASE {db_name}"))
                .await
                .unwrap();
            let (mut client, conn) = tokio_postgres::connect(&database_url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            sync_server::migrate(&mut client).await.unwrap();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            (listener, sync_server::pool(&database_url, 4).unwrap())
        });
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!(
            "{scheme}://localhost:{}",
            listener.local_addr().unwrap().port()
        );
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let rt = runtime.clone();
        let thread = std::thread::spawn(move || {
            let stopped = async {
                let _ = stopped.await;
            };
            let router = sync_server::router_with(pool, limits);
            match tls {
                Some(config) => {
                    rt.block_on(sync_server::serve_tls(listener, config, router, stopped))
                }
                None => rt.block_on(sync_server::serve(listener, router, stopped)),
            }
            .unwrap();
        });
        Server {
            url,
            database_url,
            db_name,
            stop: Some(stop),
            thread: Some(thread),
            runtime,
            founder: std::sync::Mutex::new(None),
        }
    }

    pub fn enrollment_code(&self, branch: &str) -> String {
        self.runtime.block_on(async {
            let pool = sync_server::pool(&self.database_url, 1).unwrap();
            sync_server::create_enrollment_code(&pool, branch, 1)
                .await
                .unwrap()
        })
    }

    /// Runs SQL against the central database and returns the rows as JSON text.
    pub fn query(&self, sql: &str) -> Vec<tokio_postgres::Row> {
        self.runtime.block_on(async {
            let (client, conn) = tokio_postgres::connect(&self.database_url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            client.query(sql, &[]).await.unwrap()
        })
    }

    /// Writes one change straight into the central log, as a server before today's
    /// checks (or a compromised one) might have: no check runs, pulls hand it out.
    pub fn log_change(
        &self,
        table: &str,
        row_id: &str,
        fields: &serde_json::Value,
        hlc: &str,
        device: &str,
        user: &str,
    ) {
        self.runtime.block_on(async {
            let (client, conn) = tokio_postgres::connect(&self.database_url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            client
                .execute(
                    "INSERT INTO change_log (batch, change_id, table_name, row_id, kind, fields, hlc,
                         device_id, user_id, schema_version, origin)
                     VALUES (nextval('change_batches'), gen_random_uuid(), $1, $2, 'upsert',
                             CAST($3 AS TEXT)::jsonb, $4, CAST($5 AS TEXT)::uuid, CAST($6 AS TEXT)::uuid, 1, 'device')",
                    &[&table, &row_id, &fields.to_string(), &hlc, &device, &user],
                )
                .await
                .unwrap();
        });
    }

    pub fn revoke(&self, device_id: &str) {
        self.runtime.block_on(async {
            let pool = sync_server::pool(&self.database_url, 1).unwrap();
            assert!(sync_server::revoke_device(&pool, device_id).await.unwrap());
        });
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let name = self.db_name.clone();
        self.runtime.block_on(async {
            if let Ok((admin, conn)) =
                tokio_postgres::connect(&admin_url(), tokio_postgres::NoTls).await
            {
                tokio::spawn(conn);
                let _ = admin
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
            }
        });
    }
}

pub const PASSWORD: &str = "correct horse battery";
/// The password of the colleagues [`Station::staff`] makes.
pub const STAFF_PASSWORD: &str = "ward round phrase";

/// One workstation: its own branch, admin and clock.
pub struct Station {
    pub _dir: tempfile::TempDir,
    pub workstation: Workstation,
    pub admin: Session,
    pub clock: Arc<ManualClock>,
    pub admin_name: String,
}

impl Station {
    pub fn new(branch: &str, server: &Server) -> Station {
        Station::enrolled_at(server, branch, &server.url, &server.enrollment_code(branch))
    }

    /// A workstation of `branch` enrolled with the server at `url` (serving `server`'s
    /// database) using `code`.
    pub fn enrolled_at(server: &Server, branch: &str, url: &str, code: &str) -> Station {
        Station::enrolled_trusting(server, branch, url, code, None)
    }

    /// As [`Station::enrolled_at`], trusting an extra certificate. The first workstation
    /// sets the clinic group up (a new clinic whose administrator the server accepts in
    /// its first push); every later one joins it, as the sync server requires: the
    /// founding administrator adds the branch and an administrator `admin.<branch>`, who
    /// signs in once where they were made, and the new workstation joins as them.
    pub fn enrolled_trusting(
        server: &Server,
        branch: &str,
        url: &str,
        code: &str,
        ca_cert: Option<&str>,
    ) -> Station {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::monday_morning());
        let admin_name = format!("admin.{}", branch.to_lowercase());
        let mut founder = server.founder.lock().unwrap();
        let Some((group, founder_name)) = founder.clone() else {
            let Initialized {
                workstation,
                session,
                ..
            } = Workstation::init(
                dir.path(),
                &Setup {
                    branch_code: branch.into(),
                    ..Setup::new("Group Clinic", &admin_name, PASSWORD)
                },
                clock.clone(),
                KdfParams::FAST_INSECURE_FOR_TESTS,
            )
            .unwrap();
            let mut station = Station {
                _dir: dir,
                workstation,
                admin: session,
                clock,
                admin_name,
            };
            station.admin.sync_join(url, code, ca_cert).unwrap();
            *founder = Some((station.workstation.clone(), station.admin_name.clone()));
            return station;
        };
        let mut boss = group.unlock(&founder_name, PASSWORD).unwrap();
        boss.sync_now().unwrap();
        if !boss.branches().unwrap().iter().any(|b| b.code == branch) {
            boss.add_branch(branch, &format!("Branch {branch}"))
                .unwrap();
        }
        let known = boss
            .list_users()
            .unwrap()
            .iter()
            .any(|u| u.username == admin_name);
        if !known {
            boss.create_user(&clinic_core::NewUser::new(
                &admin_name,
                clinic_core::Role::Admin,
                PASSWORD,
            ))
            .unwrap();
            boss.sync_now().unwrap();
            // Their first sign-in to the server happens where they were made.
            group
                .unlock(&admin_name, PASSWORD)
                .unwrap()
                .sync_now()
                .unwrap();
        }
        drop(boss);
        let Initialized {
            workstation,
            session,
            ..
        } = Workstation::join(
            dir.path(),
            &clinic_core::Join {
                server: url.to_owned(),
                code: code.to_owned(),
                ca_cert: ca_cert.map(str::to_owned),
                username: admin_name.clone(),
                password: PASSWORD.to_owned().into(),
            },
            clock.clone(),
            KdfParams::FAST_INSECURE_FOR_TESTS,
        )
        .unwrap();
        Station {
            _dir: dir,
            workstation,
            admin: session,
            clock,
            admin_name,
        }
    }

    /// The device token the workstation got when it enrolled.
    pub fn device_token(&mut self) -> String {
        self.admin()
            .raw_connection()
            .unwrap()
            .query_row("SELECT device_token FROM sync_state", [], |r| r.get(0))
            .unwrap()
    }

    /// Logs the admin in to the server over plain HTTP: (status, body).
    pub fn login(&mut self, url: &str, password: &str) -> (u16, String) {
        let token = self.device_token();
        let user = self.admin().actor().user.to_string();
        let body = serde_json::json!({
            "protocol_version": clinic_protocol::PROTOCOL_VERSION,
            "user_id": user,
            "username": self.admin_name,
            "password": password,
        });
        let (status, _, body) = post(url, "/v1/auth/login", Some(&token), &body.to_string());
        (status, body)
    }

    /// A fresh token pair for the admin.
    pub fn tokens(&mut self, url: &str) -> clinic_protocol::TokenPair {
        let (status, body) = self.login(url, PASSWORD);
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    /// The admin session, signing in again if it locked itself.
    /// A colleague of `role` made by this station's administrator, known to the server
    /// (the administrator syncs first), signed in here.
    pub fn staff(&mut self, name: &str, role: clinic_core::Role) -> Session {
        self.admin()
            .create_user(&clinic_core::NewUser::new(name, role, STAFF_PASSWORD))
            .unwrap();
        self.admin().sync_now().unwrap();
        self.workstation.unlock(name, STAFF_PASSWORD).unwrap()
    }

    pub fn admin(&mut self) -> &mut Session {
        if self.admin.raw_connection().is_err() {
            self.admin = self.workstation.unlock(&self.admin_name, PASSWORD).unwrap();
        }
        &mut self.admin
    }

    /// Rows of a table as text lines, sorted, without the columns that are local
    /// bookkeeping (when this copy was written, provisional flags).
    pub fn dump(&mut self, table: &str) -> Vec<String> {
        let conn = self.admin().raw_connection().unwrap();
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .filter(|c: &String| {
                !matches!(
                    c.as_str(),
                    "created_at" | "updated_at" | "provisional" | "created_by"
                )
            })
            .collect();
        let sql = format!(
            "SELECT {} FROM {table} ORDER BY 1",
            columns
                .iter()
                .map(|c| format!("quote({c})"))
                .collect::<Vec<_>>()
                .join(" || '|' || ")
        );
        let mut rows: Vec<String> = conn
            .prepare(&sql)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.sort();
        rows
    }
}

/// A second server: the real binary, as another process on the same database.
pub struct ServerProcess {
    pub url: String,
    child: std::process::Child,
}

impl ServerProcess {
    pub fn start(database_url: &str) -> ServerProcess {
        ServerProcess::start_at(database_url, "127.0.0.1:0")
    }

    /// On a given address, e.g. to come back on the port a stopped one used.
    pub fn start_at(database_url: &str, listen: &str) -> ServerProcess {
        use std::io::BufRead as _;
        let mut child =
            std::process::Command::new(clinic_e2e::binary("sync-server", "sync-server"))
                .args(["serve", "--listen", listen, "--insecure-plain-http"])
                .env("CLINIC_DATABASE_URL", database_url)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut lines = std::io::BufReader::new(stdout).lines();
        let url = loop {
            let line = lines.next().expect("the server process exited").unwrap();
            if let Some(addr) = line.strip_prefix("sync-server listening on ") {
                break addr.to_owned();
            }
        };
        ServerProcess { url, child }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `request` as it is and returns (status, head, body).
pub fn raw_http(url: &str, request: &str) -> (u16, String, String) {
    use std::io::{Read as _, Write as _};
    let addr = url
        .trim_start_matches("http://")
        .replace("localhost", "127.0.0.1");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (status, head.to_owned(), body.to_owned())
}

/// A JSON POST with an optional bearer token.
pub fn post(url: &str, path: &str, token: Option<&str>, body: &str) -> (u16, String, String) {
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    raw_http(
        url,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: t\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

/// One HTTP/1.1 exchange with a binary body and answer: (status, body bytes). The answer
/// is read whole (`Connection: close`); a chunked body is reassembled.
pub fn http_bytes(
    url: &str,
    method: &str,
    target: &str,
    token: Option<&str>,
    body: Option<&[u8]>,
) -> (u16, Vec<u8>) {
    use std::io::{Read as _, Write as _};
    let addr = url
        .trim_start_matches("http://")
        .replace("localhost", "127.0.0.1");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n");
    if let Some(token) = token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    if let Some(body) = body {
        head.push_str(&format!(
            "Content-Type: application/octet-stream\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body.unwrap_or_default()));
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP answer");
    let head = String::from_utf8_lossy(&bytes[..split]).to_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut body = bytes[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        let mut raw = body.as_slice();
        let mut out = Vec::new();
        while let Some(end) = raw.windows(2).position(|w| w == b"\r\n") {
            let size = usize::from_str_radix(
                String::from_utf8_lossy(&raw[..end])
                    .split(';')
                    .next()
                    .unwrap()
                    .trim(),
                16,
            )
            .unwrap_or(0);
            if size == 0 {
                break;
            }
            out.extend_from_slice(&raw[end + 2..end + 2 + size]);
            raw = &raw[end + 2 + size + 2..];
        }
        body = out;
    }
    (status, body)
}
