//! Sync load benchmark: 10 simulated workstations push batches of changes to a real server
//! on loopback and then pull everything, against a plain batched INSERT of the same rows
//! into PostgreSQL measured in the same run. Results go to BENCHMARKS.md as ratios.
//!
//! Run: `CLINIC_TEST_DATABASE_URL=postgres://… cargo bench -p sync-server --bench load`
//! (scripts/run-tests.sh shows how the test role and URL are made). BENCH_CHANGES sets
//! the changes per workstation (default 5000).

use std::time::{Duration, Instant};

use clinic_protocol::{
    Change, ChangeKind, EnrollRequest, EnrollResponse, LoginRequest, PROTOCOL_VERSION, PullPage,
    PushRequest, PushResponse, TokenPair,
};
use serde_json::json;

const WORKSTATIONS: usize = 10;
const BATCH: usize = 500;

fn uuid(n: u128) -> String {
    let h = format!("{n:032x}");
    format!(
        "{}-{}-7{}-8{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

fn device_of(ws: usize) -> String {
    uuid(0x1000_0000 + ws as u128)
}

fn desk_of(ws: usize) -> String {
    uuid(0x2000_0000 + ws as u128)
}

const ADMIN: u128 = 0x6000_0000;
const PASSWORD: &str = "bench passphrase for the load test";

/// The group's founding push from workstation 0: its administrator, who makes a
/// receptionist for every workstation (the server takes users only from an
/// administrator it holds, and the founding push is the one that brings its own).
fn founding() -> Vec<Change> {
    let device = device_of(0);
    let admin = uuid(ADMIN);
    let account = |id: &str, name: String, role: &str, n: u128| {
        Change {
        change_id: uuid(0x3000_0000_0000 + (1 << 23) + n),
        table: "users".into(),
        row_id: id.to_owned(),
        kind: ChangeKind::Upsert,
        fields: json!({"username": name, "display_name": "Bench", "role": role, "active": true, "emergency": false})
            .as_object()
            .cloned()
            .unwrap(),
        hlc: format!("{:016}-{:05}-{device}", 1_699_999_999_000u64, n),
        device_id: device.clone(),
        user_id: Some(admin.clone()),
        schema_version: 4,
    }
    };
    let mut out = vec![account(&admin, "admin0".into(), "admin", 0)];
    for ws in 0..WORKSTATIONS {
        out.push(account(
            &desk_of(ws),
            format!("desk{ws}"),
            "receptionist",
            1 + ws as u128,
        ));
    }
    out
}

/// The patients one simulated workstation's receptionist registers.
fn registrations(ws: usize, count: usize) -> Vec<Change> {
    let device = device_of(ws);
    let user = desk_of(ws);
    (0..count)
        .map(|i| Change {
            change_id: uuid(0x3000_0000_0000 + ((ws as u128) << 24) + i as u128),
            table: "patients".into(),
            row_id: uuid(0x4000_0000_0000 + ((ws as u128) << 24) + i as u128),
            kind: ChangeKind::Upsert,
            fields: json!({
                "mrn": format!("BR{ws:02}-BENCH-{i:06}"), "given_name": "Bench", "family_name": format!("Patient{i}"),
                "date_of_birth": "1980-01-01", "sex": "unknown", "phone": "+254 700 000000",
                "branch_id": uuid(0x5000 + ws as u128), "active": true, "merged_into": null,
            })
            .as_object()
            .cloned()
            .unwrap(),
            hlc: format!("{:016}-{:05}-{device}", 1_700_000_000_000u64 + i as u64, 0),
            device_id: device.clone(),
            user_id: Some(user.clone()),
            schema_version: 4,
        })
        .collect()
}

fn main() {
    let admin_url = std::env::var("CLINIC_TEST_DATABASE_URL")
        .expect("set CLINIC_TEST_DATABASE_URL (see scripts/run-tests.sh)");
    let per_ws: usize = std::env::var("BENCH_CHANGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let db = format!("clinic_load_{}", std::process::id());
    let (prefix, _) = admin_url.rsplit_once('/').unwrap();
    let url = format!("{prefix}/{db}");
    let (listener, pool, baseline_client) = runtime.block_on(async {
        let (admin, conn) = tokio_postgres::connect(&admin_url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {db}"))
            .await
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {db}"))
            .await
            .unwrap();
        let (mut client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        sync_server::migrate(&mut client).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        (listener, sync_server::pool(&url, 8).unwrap(), client)
    });
    let addr = listener.local_addr().unwrap();
    let limits = sync_server::limits::Limits {
        per_address_per_minute: 1_000_000,
        per_device_per_minute: 1_000_000,
        request_timeout: Duration::from_secs(120),
        ..sync_server::limits::Limits::default()
    };
    let router = sync_server::router_with(pool.clone(), limits);
    runtime.spawn(sync_server::serve(listener, router, std::future::pending()));
    let base = format!("http://{addr}");

    // Enroll the workstations, found the group from workstation 0, and sign every
    // workstation's receptionist in (not timed): pushes and pulls carry the user's access
    // token, and a change is taken only from its author.
    let http = reqwest::blocking::Client::new();
    let mut device_tokens = Vec::new();
    for ws in 0..WORKSTATIONS {
        let code = runtime
            .block_on(sync_server::create_enrollment_code(
                &pool,
                &format!("BR{ws:02}"),
                1,
            ))
            .unwrap();
        let enrolled: EnrollResponse = http
            .post(format!("{base}/v1/enroll"))
            .json(&EnrollRequest {
                protocol_version: PROTOCOL_VERSION,
                code,
                device_id: device_of(ws),
                device_name: format!("bench {ws}"),
            })
            .send()
            .unwrap()
            .json()
            .unwrap();
        device_tokens.push(enrolled.device_token);
    }
    let login = |device_token: &str, user_id: String, username: String| -> String {
        let pair: TokenPair = http
            .post(format!("{base}/v1/auth/login"))
            .bearer_auth(device_token)
            .json(&LoginRequest {
                protocol_version: PROTOCOL_VERSION,
                user_id,
                username,
                password: PASSWORD.into(),
                existing_only: false,
            })
            .send()
            .unwrap()
            .json()
            .unwrap();
        pair.access_token
    };
    let admin = login(&device_tokens[0], uuid(ADMIN), "admin0".into());
    let founded: PushResponse = http
        .post(format!("{base}/v1/push"))
        .bearer_auth(&admin)
        .json(&PushRequest {
            protocol_version: PROTOCOL_VERSION,
            schema_version: 4,
            changes: founding(),
        })
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(founded.rejected.is_empty(), "{:?}", founded.rejected);
    let mut tokens = Vec::new();
    let mut work = Vec::new();
    for ws in 0..WORKSTATIONS {
        // A user's first password is recorded where they were made (workstation 0).
        login(&device_tokens[0], desk_of(ws), format!("desk{ws}"));
        tokens.push(login(&device_tokens[ws], desk_of(ws), format!("desk{ws}")));
        work.push(registrations(ws, per_ws));
    }

    // Push: every workstation at once, batch after batch.
    let started = Instant::now();
    let handles: Vec<_> = work
        .iter()
        .cloned()
        .zip(tokens.iter().cloned())
        .map(|(changes, token)| {
            let base = base.clone();
            std::thread::spawn(move || {
                let http = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(120))
                    .build()
                    .unwrap();
                let mut accepted = 0;
                for batch in changes.chunks(BATCH) {
                    let response: PushResponse = http
                        .post(format!("{base}/v1/push"))
                        .bearer_auth(&token)
                        .json(&PushRequest {
                            protocol_version: PROTOCOL_VERSION,
                            schema_version: 4,
                            changes: batch.to_vec(),
                        })
                        .send()
                        .unwrap()
                        .json()
                        .unwrap();
                    assert!(
                        response.rejected.is_empty(),
                        "{:?}",
                        response.rejected.first()
                    );
                    accepted += response.accepted.len();
                }
                accepted
            })
        })
        .collect();
    let pushed: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    let push_time = started.elapsed();

    // Pull: every workstation fetches the whole log, page by page.
    let started = Instant::now();
    let handles: Vec<_> = tokens
        .iter()
        .cloned()
        .map(|token| {
            let base = base.clone();
            std::thread::spawn(move || {
                let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(120)).build().unwrap();
                let (mut cursor, mut got) = (0i64, 0usize);
                loop {
                    let page: PullPage = http
                        .get(format!("{base}/v1/pull?cursor={cursor}&limit=1000&protocol_version={PROTOCOL_VERSION}"))
                        .bearer_auth(&token)
                        .send()
                        .unwrap()
                        .json()
                        .unwrap();
                    got += page.changes.len();
                    cursor = page.next_cursor;
                    if !page.more {
                        break got;
                    }
                }
            })
        })
        .collect();
    let pulled: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    let pull_time = started.elapsed();

    // Baseline: the same rows, plain batched INSERTs into a bare table, one client.
    let rows: Vec<&Change> = work.iter().flatten().collect();
    let started = Instant::now();
    runtime.block_on(async {
        baseline_client
            .batch_execute(
                "CREATE TABLE baseline (seq BIGSERIAL PRIMARY KEY, change_id UUID UNIQUE, table_name TEXT, row_id TEXT,
                     kind TEXT, fields JSONB, hlc TEXT, device_id UUID, user_id UUID, schema_version INT)",
            )
            .await
            .unwrap();
        for batch in rows.chunks(BATCH) {
            let mut sql = String::from(
                "INSERT INTO baseline (change_id, table_name, row_id, kind, fields, hlc, device_id, user_id, schema_version) VALUES ",
            );
            let mut params: Vec<Box<dyn tokio_postgres::types::ToSql + Sync + Send>> = Vec::new();
            for (i, c) in batch.iter().enumerate() {
                let b = i * 8;
                sql.push_str(&format!(
                    "{}(CAST(${} AS TEXT)::uuid, ${}, ${}, 'upsert', ${}, ${}, CAST(${} AS TEXT)::uuid, CAST(${} AS TEXT)::uuid, ${})",
                    if i == 0 { "" } else { ", " },
                    b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8
                ));
                params.push(Box::new(c.change_id.clone()));
                params.push(Box::new(c.table.clone()));
                params.push(Box::new(c.row_id.clone()));
                params.push(Box::new(serde_json::Value::Object(c.fields.clone())));
                params.push(Box::new(c.hlc.clone()));
                params.push(Box::new(c.device_id.clone()));
                params.push(Box::new(c.user_id.clone()));
                params.push(Box::new(4i32));
            }
            let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = params.iter().map(|p| p.as_ref() as _).collect();
            baseline_client.execute(&sql, &refs).await.unwrap();
        }
    });
    let baseline_time = started.elapsed();

    let rate = |n: usize, d: Duration| n as f64 / d.as_secs_f64();
    println!(
        "## Sync load ({WORKSTATIONS} workstations × {per_ws} changes, batches of {BATCH}, loopback)\n"
    );
    println!("| step | changes | time | changes/s |");
    println!("|---|---|---|---|");
    println!(
        "| push (server: auth, policy re-check, idempotent log, merge into state) | {pushed} | {push_time:.2?} | {:.0} |",
        rate(pushed, push_time)
    );
    println!(
        "| pull (every workstation reads the whole log) | {pulled} | {pull_time:.2?} | {:.0} |",
        rate(pulled, pull_time)
    );
    println!(
        "| baseline: plain batched INSERT of the same rows | {} | {baseline_time:.2?} | {:.0} |",
        rows.len(),
        rate(rows.len(), baseline_time)
    );
    println!(
        "\nratio push/baseline: {:.2}x",
        rate(pushed, push_time) / rate(rows.len(), baseline_time)
    );
    runtime.block_on(async {
        drop(baseline_client);
        let (admin, conn) = tokio_postgres::connect(&admin_url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        let _ = admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
            .await;
    });
}
