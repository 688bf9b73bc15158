//! Users signing in to the sync server: access tokens, rotating refresh tokens, logout,
//! password changes, and what each refusal looks like on the wire.

use std::time::Duration;

use clinic_protocol::{Problem, TokenPair};
use sync_server::tokens::{Claims, sign_claims};

use crate::harness::{PASSWORD, Server, Station, post};

fn problem(body: &str) -> Problem {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not problem JSON ({e}): {body}"))
}

fn refresh(server: &Server, token: &str) -> (u16, String) {
    let body = serde_json::json!({ "refresh_token": token }).to_string();
    let (status, _, body) = post(&server.url, "/v1/auth/refresh", None, &body);
    (status, body)
}

fn empty_push() -> String {
    serde_json::json!({
        "protocol_version": clinic_protocol::PROTOCOL_VERSION,
        "schema_version": clinic_core::store::schema_version(),
        "changes": [],
    })
    .to_string()
}

fn change_log(server: &Server) -> i64 {
    server.query("SELECT count(*) FROM change_log")[0].get(0)
}

#[test]
fn push_and_pull_need_a_users_access_token_not_just_the_device_token() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    let device = a.device_token();
    let (status, _, body) = post(&server.url, "/v1/push", Some(&device), &empty_push());
    assert_eq!(status, 401, "{body}");
    assert_eq!(problem(&body).status, 401);

    let pair = a.tokens(&server.url);
    assert_eq!(pair.token_type, "Bearer");
    assert_eq!(pair.expires_in, 15 * 60, "access tokens are short-lived");
    let (status, _, body) = post(
        &server.url,
        "/v1/push",
        Some(&pair.access_token),
        &empty_push(),
    );
    assert_eq!(status, 200, "{body}");
    // Only hashes of refresh tokens are kept.
    let stored: Vec<String> = server
        .query("SELECT token_hash FROM refresh_tokens")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(!stored.contains(&pair.refresh_token));
    assert!(stored.contains(&sync_server::auth::hash(&pair.refresh_token)));
}

#[test]
fn a_login_needs_the_device_token_and_then_the_password_the_server_recorded() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    a.tokens(&server.url); // the first login records the verifier
    let verifier: String = server.query("SELECT verifier FROM user_credentials")[0].get(0);
    assert!(verifier.starts_with("argon2id$") && !verifier.contains(PASSWORD));

    let (status, body) = a.login(&server.url, "wrong horse battery");
    assert_eq!(status, 401, "{body}");
    assert!(problem(&body).detail.contains("password"), "{body}");

    let user = a.admin().actor().user.to_string();
    let login = serde_json::json!({
        "protocol_version": clinic_protocol::PROTOCOL_VERSION,
        "user_id": user, "username": a.admin_name, "password": PASSWORD,
    })
    .to_string();
    let (status, _, body) = post(&server.url, "/v1/auth/login", None, &login);
    assert_eq!(status, 401, "no device token: {body}");
    let (status, _, body) = post(&server.url, "/v1/auth/login", Some("forged"), &login);
    assert_eq!(status, 401, "an unknown device: {body}");
}

#[test]
fn an_expired_access_token_gets_401_problem_json_and_nothing_is_applied() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    let pair = a.tokens(&server.url);
    let before = change_log(&server);
    // The same key the server signs with, a lifetime that ended a minute ago.
    let key: Vec<u8> = server.query("SELECT secret FROM server_secrets")[0].get(0);
    let mut claims: Claims = {
        let body = pair.access_token.split('.').nth(1).unwrap();
        use base64::Engine as _;
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(body)
                .unwrap(),
        )
        .unwrap()
    };
    claims.exp = claims.iat.saturating_sub(60);
    let expired = sign_claims(&key, &claims);

    // The workstation's real pending changes (its organisation, branch and admin).
    let pending = a.admin().pending_changes(500).unwrap();
    assert!(!pending.is_empty());
    let changes: Vec<serde_json::Value> = pending
        .iter()
        .map(|c| {
            serde_json::json!({
                "change_id": c.change_id.to_string(), "table": c.table, "row_id": c.row_id,
                "kind": c.kind, "fields": c.fields, "hlc": c.hlc.encode(),
                "device_id": c.device.to_string(), "user_id": c.user.map(|u| u.to_string()),
                "schema_version": clinic_core::store::schema_version(),
            })
        })
        .collect();
    let push = serde_json::json!({
        "protocol_version": clinic_protocol::PROTOCOL_VERSION,
        "schema_version": clinic_core::store::schema_version(),
        "changes": changes,
    });
    let (status, head, body) = post(&server.url, "/v1/push", Some(&expired), &push.to_string());
    assert_eq!(status, 401, "{body}");
    assert!(
        head.to_lowercase().contains("application/problem+json"),
        "{head}"
    );
    let p = problem(&body);
    assert_eq!(p.kind, "urn:clinic:problem:token-expired");
    assert!(p.detail.contains("expired"), "{body}");
    assert_eq!(change_log(&server), before, "nothing applied");
    // The same push with a live token goes through.
    let (status, _, body) = post(
        &server.url,
        "/v1/push",
        Some(&pair.access_token),
        &push.to_string(),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(change_log(&server), before + pending.len() as i64);
}

#[test]
fn the_client_refreshes_an_expired_access_token_by_itself_and_sync_goes_on() {
    let server = Server::start_limited(sync_server::limits::Limits {
        access_token_lifetime: Duration::from_secs(1),
        ..sync_server::limits::Limits::default()
    });
    let mut a = Station::new("BR01", &server);
    a.admin().sync_now().unwrap();
    std::thread::sleep(Duration::from_millis(2100));
    a.admin().sync_now().unwrap();
    std::thread::sleep(Duration::from_millis(2100));
    a.admin().sync_now().unwrap();
    let rows = server
        .query("SELECT count(*), count(replaced_at), count(DISTINCT family) FROM refresh_tokens");
    let (all, replaced, families): (i64, i64, i64) =
        (rows[0].get(0), rows[0].get(1), rows[0].get(2));
    assert_eq!(families, 1, "one login, then refreshes");
    assert!(
        all >= 3 && replaced == all - 1,
        "{all} tokens, {replaced} replaced"
    );
}

#[test]
fn a_replayed_refresh_token_is_refused_and_revokes_the_whole_family() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    let first = a.tokens(&server.url);

    let (status, body) = refresh(&server, &first.refresh_token);
    assert_eq!(status, 200, "{body}");
    let second: TokenPair = serde_json::from_str(&body).unwrap();
    assert_ne!(
        second.refresh_token, first.refresh_token,
        "refresh tokens rotate"
    );

    // Somebody presents the first token again: a thief or the victim, we cannot tell.
    let (status, body) = refresh(&server, &first.refresh_token);
    assert_eq!(status, 401, "{body}");
    assert!(problem(&body).detail.contains("already used"), "{body}");
    // So the legitimate newest token is dead too, and the family is revoked.
    let (status, body) = refresh(&server, &second.refresh_token);
    assert_eq!(status, 401, "{body}");
    let live: i64 =
        server.query("SELECT count(*) FROM refresh_tokens WHERE revoked_at IS NULL")[0].get(0);
    assert_eq!(live, 0);

    let (status, body) = refresh(&server, "never-issued");
    assert_eq!(status, 401, "{body}");
}

#[test]
fn logging_out_ends_the_sign_in_and_a_fresh_login_works() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    let pair = a.tokens(&server.url);
    let body = serde_json::json!({ "refresh_token": pair.refresh_token }).to_string();
    let (status, _, _) = post(&server.url, "/v1/auth/logout", None, &body);
    assert_eq!(status, 204);
    let (status, body) = refresh(&server, &pair.refresh_token);
    assert_eq!(status, 401, "{body}");
    assert!(problem(&body).detail.contains("signed out"), "{body}");
    a.tokens(&server.url);
}

#[test]
fn the_server_password_changes_only_with_the_current_one() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    let pair = a.tokens(&server.url);
    let change = |current: &str| {
        serde_json::json!({ "current_password": current, "new_password": "a new long passphrase" })
            .to_string()
    };
    let (status, _, body) = post(
        &server.url,
        "/v1/auth/password",
        Some(&pair.access_token),
        &change("not the password"),
    );
    assert_eq!(status, 401, "{body}");
    let (status, _, body) = post(
        &server.url,
        "/v1/auth/password",
        Some(&pair.access_token),
        &change(PASSWORD),
    );
    assert_eq!(status, 204, "{body}");
    assert_eq!(
        a.login(&server.url, PASSWORD).0,
        401,
        "the old password is gone"
    );
    assert_eq!(a.login(&server.url, "a new long passphrase").0, 200);
}

#[test]
fn a_revoked_devices_tokens_stop_working_at_once() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    let pair = a.tokens(&server.url);
    let device = a.admin().actor().device.to_string();
    server.revoke(&device);
    let (status, _, body) = post(
        &server.url,
        "/v1/push",
        Some(&pair.access_token),
        &empty_push(),
    );
    assert_eq!(status, 403, "{body}");
    assert!(problem(&body).detail.contains("revoked"), "{body}");
    let (status, body) = refresh(&server, &pair.refresh_token);
    assert_eq!(status, 403, "{body}");
    assert_eq!(a.login(&server.url, PASSWORD).0, 403);
}

#[test]
fn a_token_from_one_server_process_is_accepted_by_another_on_the_same_database() {
    let server = Server::start();
    let other = crate::harness::ServerProcess::start(&server.database_url);
    let mut a = Station::new("BR01", &server);
    let pair = a.tokens(&server.url);
    let (status, _, body) = post(
        &other.url,
        "/v1/push",
        Some(&pair.access_token),
        &empty_push(),
    );
    assert_eq!(status, 200, "{body}");
    let body = serde_json::json!({ "refresh_token": pair.refresh_token }).to_string();
    let (status, _, body) = post(&other.url, "/v1/auth/refresh", None, &body);
    assert_eq!(status, 200, "{body}");
}

#[test]
fn an_administrator_lists_the_groups_workstations_and_revokes_one_from_the_app() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    let mut b = Station::new("BR02", &server);
    a.admin().sync_now().unwrap();
    b.admin().sync_now().unwrap();
    a.admin().sync_now().unwrap();

    let devices = a.admin().sync_devices().unwrap();
    let branches: Vec<&str> = devices.iter().map(|d| d.branch_code.as_str()).collect();
    assert_eq!(branches, ["BR01", "BR02"]);
    assert!(
        devices
            .iter()
            .all(|d| d.revoked_at.is_none() && d.last_push_at.is_some())
    );

    // A receptionist may not, in the app or at the server.
    a.admin()
        .create_user(&clinic_core::NewUser::new(
            "desk.br01",
            clinic_core::Role::Receptionist,
            "morning tea phrase",
        ))
        .unwrap();
    a.admin().sync_now().unwrap();
    let mut desk = a
        .workstation
        .unlock("desk.br01", "morning tea phrase")
        .unwrap();
    assert_eq!(
        desk.sync_devices().unwrap_err().code(),
        clinic_core::Code::Forbidden
    );
    desk.sync_now().unwrap();
    let user = desk.actor().user.to_string();
    let login = serde_json::json!({
        "protocol_version": clinic_protocol::PROTOCOL_VERSION,
        "user_id": user, "username": "desk.br01", "password": "morning tea phrase",
    })
    .to_string();
    let device_token = a.device_token();
    let (_, _, body) = post(&server.url, "/v1/auth/login", Some(&device_token), &login);
    let desk_tokens: TokenPair = serde_json::from_str(&body).unwrap();
    let (status, _, body) = crate::harness::raw_http(
        &server.url,
        &format!(
            "GET /v1/devices HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
            desk_tokens.access_token
        ),
    );
    assert_eq!(status, 403, "{body}");

    let own = a.admin().actor().device.to_string();
    let err = a.admin().sync_revoke_device(&own).unwrap_err();
    assert!(err.to_string().contains("you are using"), "{err}");
    let other = b.admin().actor().device.to_string();
    a.admin().sync_revoke_device(&other).unwrap();
    let err = b.admin().sync_now().unwrap_err();
    assert!(err.to_string().contains("revoked"), "{err}");
    let listed = a.admin().sync_devices().unwrap();
    assert!(
        listed
            .iter()
            .any(|d| d.device_id == other && d.revoked_at.is_some())
    );
    let revocations: i64 = a
        .admin()
        .raw_connection()
        .unwrap()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'sync.device_revoke'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(revocations, 1, "the revocation is in the audit log");
}

#[test]
fn only_the_workstation_that_made_a_user_records_their_first_password() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    let mut b = Station::new("BR02", &server);
    a.admin()
        .create_user(&clinic_core::NewUser::new(
            "desk.br01",
            clinic_core::Role::Receptionist,
            "morning tea phrase",
        ))
        .unwrap();
    a.admin().sync_now().unwrap();
    b.admin().sync_now().unwrap();
    let desk_id = a
        .admin()
        .list_users()
        .unwrap()
        .into_iter()
        .find(|u| u.username == "desk.br01")
        .unwrap()
        .id
        .to_string();
    let login = |station: &mut Station, password: &str| {
        let token = station.device_token();
        let body = serde_json::json!({
            "protocol_version": clinic_protocol::PROTOCOL_VERSION,
            "user_id": desk_id, "username": "desk.br01", "password": password,
        })
        .to_string();
        let (status, _, body) = post(&server.url, "/v1/auth/login", Some(&token), &body);
        (status, body)
    };
    // Another branch's workstation knows the user's id but cannot claim the account.
    let (status, body) = login(&mut b, "an attackers phrase");
    assert_eq!(status, 401, "{body}");
    assert!(
        problem(&body)
            .detail
            .contains("where their account was made"),
        "{body}"
    );
    // Their own workstation can, and then the password is what counts everywhere.
    assert_eq!(login(&mut a, "morning tea phrase").0, 200);
    assert_eq!(login(&mut b, "morning tea phrase").0, 200);
    assert_eq!(login(&mut b, "an attackers phrase").0, 401);
}

/// The review found that any unknown user id, with any password, got an access token
/// and pulled every branch's data. Only users the server holds may sign in.
#[test]
fn a_login_for_a_user_the_server_does_not_hold_is_refused() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    a.admin().sync_now().unwrap();
    let device_token = a.device_token();
    let made_up = "01900000-0000-7000-8000-00000000beef";
    let login = serde_json::json!({
        "protocol_version": clinic_protocol::PROTOCOL_VERSION,
        "user_id": made_up, "username": "intruder", "password": "anything at all",
    })
    .to_string();
    let (status, _, body) = post(&server.url, "/v1/auth/login", Some(&device_token), &login);
    assert_eq!(status, 401, "{body}");
    assert!(
        problem(&body).detail.contains("not on the sync server"),
        "{body}"
    );
    let recorded: i64 = server.query(&format!(
        "SELECT count(*) FROM user_credentials WHERE user_id = '{made_up}'"
    ))[0]
        .get(0);
    assert_eq!(recorded, 0, "no password is recorded for a made-up user");
    let tokens: i64 = server.query("SELECT count(*) FROM refresh_tokens")[0].get(0);
    let (status, _, _) = post(&server.url, "/v1/auth/login", Some(&device_token), &login);
    assert_eq!(status, 401);
    assert_eq!(
        server.query("SELECT count(*) FROM refresh_tokens")[0].get::<_, i64>(0),
        tokens,
        "no sign-in was issued"
    );
}

/// A device enrolled with a fresh code, set up as a new clinic with its own
/// administrator, may not bring that administrator into an existing group.
#[test]
fn a_workstation_set_up_as_a_new_clinic_cannot_bring_its_own_administrator() {
    let server = Server::start();
    let mut founder = Station::new("BR01", &server);
    founder.admin().sync_now().unwrap();
    let users_before: i64 =
        server.query("SELECT count(*) FROM row_state WHERE table_name = 'users'")[0].get(0);
    let dir = tempfile::tempdir().unwrap();
    let clinic_core::Initialized { mut session, .. } = clinic_core::Workstation::init(
        dir.path(),
        &clinic_core::Setup {
            branch_code: "BR09".into(),
            ..clinic_core::Setup::new("Rogue Clinic", "rogue.admin", PASSWORD)
        },
        std::sync::Arc::new(clinic_core::ManualClock::monday_morning()),
        clinic_core::KdfParams::FAST_INSECURE_FOR_TESTS,
    )
    .unwrap();
    session
        .sync_join(&server.url, &server.enrollment_code("BR09"), None)
        .unwrap();
    let err = session.sync_now().unwrap_err();
    assert_eq!(err.code(), clinic_core::Code::SyncRefused, "{err}");
    assert!(err.to_string().contains("not on the sync server"), "{err}");
    let users_after: i64 =
        server.query("SELECT count(*) FROM row_state WHERE table_name = 'users'")[0].get(0);
    assert_eq!(
        users_after, users_before,
        "the rogue administrator is not on the server"
    );
    let rogue: i64 = server.query(
        "SELECT count(*) FROM change_log c JOIN devices d ON d.id = c.device_id WHERE d.branch_code = 'BR09'",
    )[0]
        .get(0);
    assert_eq!(rogue, 0, "nothing of the rogue clinic was taken");
}

#[test]
fn repeated_wrong_passwords_pause_the_accounts_sign_in_on_every_device_and_server_process() {
    let server = Server::start_limited(sync_server::limits::Limits {
        login_failures_allowed: 3,
        login_lockout: Duration::from_secs(600),
        ..sync_server::limits::Limits::default()
    });
    let mut a = Station::new("BR01", &server);
    let mut b = Station::new("BR02", &server);
    // Another process on the same database, with its own (default) limits.
    let other = crate::harness::ServerProcess::start(&server.database_url);

    // Three wrong passwords for BR01's administrator, through both processes.
    let (status, body) = a.login(&other.url, "wrong horse battery 1");
    assert_eq!(status, 401, "{body}");
    for guess in ["wrong horse battery 2", "wrong horse battery 3"] {
        let (status, body) = a.login(&server.url, guess);
        assert_eq!(status, 401, "{body}");
    }

    // A fourth guess from another workstation, by name, is refused before any check.
    let by_name = serde_json::json!({
        "protocol_version": clinic_protocol::PROTOCOL_VERSION,
        "user_id": "", "username": format!(" {} ", a.admin_name.to_uppercase()),
        "password": "wrong horse battery 4",
    })
    .to_string();
    let (status, head, body) = post(
        &server.url,
        "/v1/auth/login",
        Some(&b.device_token()),
        &by_name,
    );
    assert_eq!(
        status, 429,
        "the account is paused whatever device asks: {body}"
    );
    assert!(head.contains("application/problem+json"), "{head}");
    let refused = problem(&body);
    assert_eq!(refused.kind, "urn:clinic:problem:too-many-attempts");
    assert!(refused.detail.contains("try again"), "{body}");
    let retry_after: u64 = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("retry-after: ")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap_or_else(|| panic!("a Retry-After header: {head}"));
    assert!(
        (1..=600).contains(&retry_after),
        "retry after the rest of the 10-minute lock-out, got {retry_after}"
    );

    // Even the right password waits (a guess cannot be confirmed during the pause), on
    // the other process too, because the lock-out is in the shared database.
    for url in [&server.url, &other.url] {
        let (status, body) = a.login(url, PASSWORD);
        assert_eq!(status, 429, "{url}: {body}");
    }
    // Another user is not affected.
    let (status, body) = b.login(&server.url, PASSWORD);
    assert_eq!(status, 200, "{body}");

    // The pause ends (by the database's clock: move its times back rather than wait).
    server.query(
        "UPDATE login_throttle SET locked_until = now() - interval '1 second',
                                   last_attempt_at = now() - interval '11 minutes'",
    );
    let (status, body) = a.login(&other.url, PASSWORD);
    assert_eq!(
        status, 200,
        "the right password works after the pause: {body}"
    );
    let left: i64 = server.query("SELECT count(*) FROM login_throttle")[0].get(0);
    assert_eq!(left, 0, "a successful sign-in clears the account's count");
}

#[test]
fn revoking_an_unknown_workstation_is_404_a_malformed_id_400_and_a_revoked_one_409() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    a.admin().sync_now().unwrap();
    let pair = a.tokens(&server.url);
    let spare = "0190a5b0-0000-7000-8000-00000000beef";
    let enroll = serde_json::json!({
        "protocol_version": clinic_protocol::PROTOCOL_VERSION,
        "code": server.enrollment_code("BR01"),
        "device_id": spare,
        "device_name": "Spare laptop",
    })
    .to_string();
    let (status, _, body) = post(&server.url, "/v1/enroll", None, &enroll);
    assert_eq!(status, 200, "{body}");
    let revoke = |device_id: &str| {
        let body = serde_json::json!({ "device_id": device_id }).to_string();
        let (status, head, body) = post(
            &server.url,
            "/v1/devices/revoke",
            Some(&pair.access_token),
            &body,
        );
        if status != 204 {
            assert!(
                head.contains("application/problem+json"),
                "every refusal is problem JSON: {head}"
            );
            assert_eq!(problem(&body).status, status, "{body}");
        }
        (status, body)
    };

    let (status, body) = revoke("0190a5b0-0000-7000-8000-000000000404");
    assert_eq!(status, 404, "a well-formed id nobody enrolled: {body}");
    assert!(problem(&body).detail.contains("no workstation"), "{body}");
    let (status, body) = revoke("not-a-uuid");
    assert_eq!(
        status, 400,
        "a malformed id is the caller's mistake: {body}"
    );
    assert!(problem(&body).detail.contains("UUID"), "{body}");
    let own = a.admin().actor().device.to_string();
    let (status, body) = revoke(&own);
    assert_eq!(
        status, 400,
        "an administrator cannot lock themself out: {body}"
    );

    assert_eq!(revoke(spare).0, 204, "an enrolled workstation is revoked");
    let (status, body) = revoke(spare);
    assert_eq!(status, 409, "revoking twice changes nothing: {body}");
    assert!(problem(&body).detail.contains("already revoked"), "{body}");
    let revoked: i64 = server.query(&format!(
        "SELECT count(*) FROM devices WHERE id = '{spare}' AND revoked_at IS NOT NULL"
    ))[0]
        .get(0);
    assert_eq!(revoked, 1);
}

#[test]
fn enrolling_with_a_malformed_or_taken_device_id_says_what_is_wrong() {
    let server = Server::start();
    let enroll = |device_id: &str, name: &str| {
        let body = serde_json::json!({
            "protocol_version": clinic_protocol::PROTOCOL_VERSION,
            "code": server.enrollment_code("BR01"),
            "device_id": device_id,
            "device_name": name,
        })
        .to_string();
        let (status, _, body) = post(&server.url, "/v1/enroll", None, &body);
        (status, body)
    };
    let (status, body) = enroll("not-a-uuid", "Desk");
    assert_eq!(status, 400, "{body}");
    assert!(problem(&body).detail.contains("UUID"), "{body}");
    let (status, body) = enroll("0190a5b0-0000-7000-8000-000000000001", "  ");
    assert_eq!(status, 400, "{body}");
    assert!(problem(&body).detail.contains("device_name"), "{body}");
    assert_eq!(
        enroll("0190a5b0-0000-7000-8000-000000000001", "Desk").0,
        200
    );
    let (status, body) = enroll("0190a5b0-0000-7000-8000-000000000001", "Desk");
    assert_eq!(status, 409, "{body}");
    assert!(
        !problem(&body).detail.contains("duplicate key"),
        "no database text on the wire: {body}"
    );
}

/// A workstation whose password the server no longer accepts (changed on another
/// workstation) must not keep trying it every minute: that would pause the account on
/// the server for every workstation. It tries once, then stops until the user signs in.
#[test]
fn a_refused_password_is_tried_once_not_again_with_every_sync() {
    let server = Server::start();
    let mut a = Station::new("BR01", &server);
    a.admin().sync_now().unwrap();
    // The password changes on another workstation: the server now checks another one.
    let verifier = sync_server::tokens::make_verifier("a password set elsewhere").unwrap();
    let user = a.admin().actor().user.to_string();
    server.query(&format!(
        "UPDATE user_credentials SET verifier = '{verifier}' WHERE user_id = '{user}'"
    ));
    let mut fresh = a.workstation.unlock(&a.admin_name, PASSWORD).unwrap();
    let err = fresh.sync_now().unwrap_err();
    assert_eq!(err.code(), clinic_core::Code::SyncRefused, "{err}");
    assert!(err.to_string().contains("sign in again"), "{err}");
    let failures = |server: &Server| -> i32 {
        server
            .query("SELECT coalesce(max(failures), 0) FROM login_throttle")
            .first()
            .map_or(0, |r| r.get(0))
    };
    let after_first = failures(&server);
    assert_eq!(after_first, 1, "one refused sign-in");
    for _ in 0..3 {
        assert!(fresh.sync_now().is_err());
    }
    assert_eq!(
        failures(&server),
        after_first,
        "no further sign-in was tried with the refused password"
    );
}
