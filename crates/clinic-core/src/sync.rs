//! The sync client: push the outbox in batches, pull pages from the cursor, apply each
//! page and advance the cursor in one transaction. Every step is safe to repeat: pushes
//! are idempotent by change id, and a page is applied with its cursor or not at all, so a
//! crash or a dropped connection at any point loses nothing and applies nothing twice.

// The feature's own types, for callers (the shell, the CLI): they live in its store.
pub use crate::store::sync_state::Conflict;

use std::cell::Cell;
use std::time::{Duration, Instant};

use clinic_protocol::{
    Change, ChangeKind, EnrollRequest, EnrollResponse, LoginRequest, PROTOCOL_VERSION, Problem,
    PullPage, PushRequest, PushResponse, RefreshRequest, TokenPair,
};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::ids::DeviceId;
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::Store;
use crate::store::audit::{Event, Outcome};
use crate::store::changes;
use crate::store::schema_version;
use crate::store::sync_state::{self, SyncState};

/// Changes per push request.
pub const PUSH_BATCH: usize = 500;
/// Changes per pulled page.
pub const PULL_PAGE: usize = 500;

/// How often and how patiently to retry a sync the network interrupted.
#[derive(Debug, Clone, Copy)]
pub struct Retries {
    /// Attempts in all (1: no retry).
    pub attempts: u32,
    /// The pause before the second attempt; it doubles each time, with ±50 % jitter so
    /// many workstations coming back at once do not retry in step.
    pub first_delay: Duration,
}

impl Retries {
    pub const DEFAULT: Retries = Retries {
        attempts: 3,
        first_delay: Duration::from_millis(500),
    };
    pub const NONE: Retries = Retries {
        attempts: 1,
        first_delay: Duration::ZERO,
    };
}

fn jittered(delay: Duration) -> Duration {
    let mut byte = [0u8; 1];
    let _ = getrandom::getrandom(&mut byte);
    // 0.5x to 1.5x.
    delay.mul_f64(0.5 + f64::from(byte[0]) / 255.0)
}

/// What a sync round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub pushed: usize,
    pub rejected: usize,
    pub pulled: usize,
    pub cursor: i64,
}

/// The sync line the app shows at all times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    pub configured: Option<SyncState>,
    pub pending_changes: i64,
    pub refused_changes: i64,
    pub conflicts: i64,
}

/// The session's sign-in on the sync server: the password until the first login
/// succeeds (a workstation often signs in offline), then only the tokens. All of it is
/// zeroized when the session locks or ends.
#[derive(Default)]
pub(crate) struct ServerLogin {
    password: Option<Zeroizing<String>>,
    access: Option<(Zeroizing<String>, Instant)>,
    refresh: Option<Zeroizing<String>>,
}

impl ServerLogin {
    pub(crate) fn with_password(password: &str) -> ServerLogin {
        ServerLogin {
            password: Some(Zeroizing::new(password.to_owned())),
            ..ServerLogin::default()
        }
    }

    fn access_token(
        &mut self,
        http: &Http,
        device_token: &str,
        user_id: &str,
        username: &str,
    ) -> Result<Zeroizing<String>> {
        loop {
            if let Some((token, until)) = &self.access
                && Instant::now() < *until
            {
                return Ok(token.clone());
            }
            if let Some(refresh) = self.refresh.take() {
                let answer: Result<TokenPair> = http.send(
                    http.client
                        .post(format!("{}/v1/auth/refresh", http.base))
                        .json(&RefreshRequest {
                            refresh_token: refresh.to_string(),
                        }),
                );
                match answer {
                    Ok(pair) => {
                        self.keep(pair);
                        continue;
                    }
                    Err(e) if e.code() == crate::Code::Offline => {
                        self.refresh = Some(refresh);
                        return Err(e);
                    }
                    // Expired, signed out, or revoked as reused: log in again if we can.
                    Err(_) => self.access = None,
                }
            }
            let Some(password) = self.password.clone() else {
                return Err(Error::SyncRefused(
                    "the sign-in on the sync server has ended; sign out and in again to sync"
                        .into(),
                ));
            };
            match http.login(device_token, user_id, username, &password) {
                Ok(pair) => self.keep(pair),
                Err(e) if e.code() == crate::Code::Offline => return Err(e),
                Err(e) => {
                    // The server refused this password (or this user): trying it again every
                    // minute in the background would only pause the account on the
                    // server for everyone. Stop until the user signs in again.
                    self.password = None;
                    return Err(Error::SyncRefused(format!(
                        "{e}; background sync stops trying until you sign in again (if the password changed on another workstation: clinic sync password)"
                    )));
                }
            }
        }
    }

    pub(crate) fn keep(&mut self, pair: TokenPair) {
        // Renew a little early, so a token never expires in the middle of a round.
        let life = Duration::from_secs(pair.expires_in);
        let until = Instant::now() + life - (life / 10).min(Duration::from_secs(60));
        self.access = Some((Zeroizing::new(pair.access_token), until));
        self.refresh = Some(Zeroizing::new(pair.refresh_token));
        self.password = None;
    }
}

/// The sync server's address, checked: `https://`, or plain `http://` only to this
/// computer (the host, once parsed, is `localhost` or a loopback IP). Parsed rather than
/// matched by prefix, so `http://localhost@evil.example/` (a user name before the real
/// host) or `http://127.0.0.1.evil.example/` cannot pass as local. Returns the address
/// without a trailing slash, ready for paths to be appended.
pub(crate) fn server_base(text: &str) -> Result<String> {
    use reqwest::Url;
    let refuse = |what: &str| {
        Error::validation(
            "server",
            format!(
                "{what}; use the server's https:// address (plain http:// is only for a server on this computer: http://localhost:PORT, http://127.0.0.1:PORT or http://[::1]:PORT)"
            ),
        )
    };
    let url = Url::parse(text.trim())
        .map_err(|e| refuse(&format!("`{}` is not a web address ({e})", text.trim())))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse(
            "the address has a user name or password before the host (user@host), which hides the real host",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refuse("the address has a ?query or #fragment"));
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(refuse("the address names no host"));
    };
    match url.scheme() {
        "https" => {}
        "http" => {
            // The parser has already lower-cased a name and normalised an IP address
            // (an IPv6 one keeps its brackets), so these comparisons see the real host.
            let loopback = host == "localhost"
                || host
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback());
            if !loopback {
                return Err(refuse(&format!(
                    "plain http:// to {host} would send passwords and patient data unencrypted"
                )));
            }
        }
        other => {
            return Err(refuse(&format!(
                "`{other}://` is not a sync server address"
            )));
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

pub(crate) struct Http {
    client: reqwest::blocking::Client,
    base: String,
    /// Set when the server answered that the access token has expired.
    token_expired: Cell<bool>,
}

impl Http {
    pub(crate) fn new(base: &str, ca_cert: Option<&str>) -> Result<Http> {
        let base = server_base(base)?;
        let mut builder = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10));
        if let Some(pem) = ca_cert {
            let cert = reqwest::Certificate::from_pem(pem.as_bytes()).map_err(|e| {
                Error::validation("ca_cert", format!("that is not a PEM certificate: {e}"))
            })?;
            builder = builder.add_root_certificate(cert);
        }
        let client = builder
            .build()
            .map_err(|e| Error::Sync(format!("cannot start the HTTP client: {e}")))?;
        Ok(Http {
            client,
            base,
            token_expired: Cell::new(false),
        })
    }

    /// Sends a request whose success has no body (204).
    fn send_empty(&self, request: reqwest::blocking::RequestBuilder) -> Result<()> {
        self.answer(request).map(drop)
    }

    fn send<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::blocking::RequestBuilder,
    ) -> Result<T> {
        self.answer(request)?
            .json()
            .map_err(|e| Error::Sync(format!("the sync server's answer could not be read: {e}")))
    }

    /// Sends a request; a successful response, or the server's problem as an error.
    fn answer(
        &self,
        request: reqwest::blocking::RequestBuilder,
    ) -> Result<reqwest::blocking::Response> {
        let response = request.send().map_err(|e| {
            Error::Offline(format!(
                "the sync server at {} cannot be reached ({}); work continues offline",
                self.base,
                chain(&e)
            ))
        })?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let problem: Option<Problem> = response.json().ok();
        if problem
            .as_ref()
            .is_some_and(|p| p.kind.ends_with(":token-expired"))
        {
            self.token_expired.set(true);
        }
        let detail = problem.map_or_else(|| status.to_string(), |p| p.detail);
        Err(match status.as_u16() {
            426 => Error::UpdateRequired(detail),
            401 | 403 => Error::SyncRefused(detail),
            _ => Error::Sync(format!("the sync server answered {status}: {detail}")),
        })
    }
}

impl Http {
    /// Enrolls `device_id` with a one-time code.
    pub(crate) fn enroll(
        &self,
        code: &str,
        device_id: &str,
        device_name: &str,
    ) -> Result<EnrollResponse> {
        self.send(
            self.client
                .post(format!("{}/v1/enroll", self.base))
                .json(&EnrollRequest {
                    protocol_version: PROTOCOL_VERSION,
                    code: code.trim().to_owned(),
                    device_id: device_id.to_owned(),
                    device_name: device_name.to_owned(),
                }),
        )
    }

    /// Signs a user in on this enrolled device (`user_id` empty: by name only).
    pub(crate) fn login(
        &self,
        device_token: &str,
        user_id: &str,
        username: &str,
        password: &str,
    ) -> Result<TokenPair> {
        self.login_as(device_token, user_id, username, password, false)
    }

    /// As [`Http::login`]; `existing_only`: refuse a user the server has no password for.
    pub(crate) fn login_as(
        &self,
        device_token: &str,
        user_id: &str,
        username: &str,
        password: &str,
        existing_only: bool,
    ) -> Result<TokenPair> {
        self.send(
            self.client
                .post(format!("{}/v1/auth/login", self.base))
                .bearer_auth(device_token)
                .json(&LoginRequest {
                    protocol_version: PROTOCOL_VERSION,
                    user_id: user_id.to_owned(),
                    username: username.trim().to_owned(),
                    password: password.to_owned(),
                    existing_only,
                }),
        )
    }

    /// `GET /v1/status` with the device token: who the server thinks this device is, and
    /// how far it has acknowledged the device's audit chain.
    pub(crate) fn status(&self, device_token: &str) -> Result<clinic_protocol::Status> {
        self.send(
            self.client
                .get(format!("{}/v1/status", self.base))
                .bearer_auth(device_token),
        )
    }

    pub(crate) fn base(&self) -> &str {
        &self.base
    }
}

/// Pulls every page after `cursor` into `store`, each page with its cursor in one
/// transaction. Returns the changes pulled and the new cursor.
pub(crate) fn pull_all(
    store: &mut Store,
    http: &Http,
    access: &str,
    own_device: DeviceId,
    mut cursor: i64,
    clock: &dyn Clock,
) -> Result<(usize, i64)> {
    let own = own_device.to_string();
    let mut pulled = 0;
    loop {
        let page: PullPage = http.send(
            http.client
                .get(format!(
                    "{}/v1/pull?cursor={cursor}&limit={PULL_PAGE}&protocol_version={PROTOCOL_VERSION}",
                    http.base
                ))
                .bearer_auth(access),
        )?;
        let now = clock.now();
        let changes: Vec<Change> = page.changes.iter().map(|c| c.change.clone()).collect();
        let tx = store.transaction()?;
        let latest = sync_state::apply_page(&tx, &own, &changes, now)?;
        if let Some(latest) = latest.and_then(|l| l.parse().ok()) {
            changes::observe(&tx, own_device, &latest, now)?;
        }
        sync_state::set_cursor(&tx, page.next_cursor)?;
        tx.commit().map_err(Error::from_sqlite)?;
        pulled += changes.len();
        cursor = page.next_cursor;
        if !page.more {
            return Ok((pulled, cursor));
        }
    }
}

/// Catches a just-restored database up with the sync server it was enrolled with: logs
/// `username` in with the device token it holds and pulls from its cursor, so this
/// device's changes made after the backup (its audit events among them) are back before
/// it writes anything new. `None` when the database is not enrolled.
pub(crate) fn catch_up(
    store: &mut Store,
    username: &str,
    password: &str,
    clock: &dyn Clock,
) -> Result<Option<usize>> {
    let Some((state, token, ca_cert)) = sync_state::get(store.conn())? else {
        return Ok(None);
    };
    let device = crate::store::organisation::get(store.conn())?.device_id;
    let http = Http::new(&state.server_url, ca_cert.as_deref())?;
    let tokens = http.login(&token, "", username, password)?;
    let (pulled, _) = pull_all(
        store,
        &http,
        &tokens.access_token,
        device,
        state.cursor,
        clock,
    )?;
    Ok(Some(pulled))
}

impl Session {
    /// Enrolls this workstation with a sync server using a one-time code from IT.
    /// `ca_cert` (PEM) is an extra certificate to trust, for a server with a self-signed
    /// certificate. Administrators only.
    pub fn sync_join(
        &mut self,
        server: &str,
        code: &str,
        ca_cert: Option<&str>,
    ) -> Result<SyncState> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        let http = Http::new(server, ca_cert)?;
        let response = http.enroll(
            code,
            &self.actor.device.to_string(),
            &format!("{} {}", self.clinic.branch_code, self.clinic.branch_name),
        )?;
        let conn = self.live()?.store.conn();
        sync_state::join(
            conn,
            &http.base,
            &response.device_token,
            &response.branch_code,
            ca_cert,
        )?;
        self.write_event(
            Event::new("sync.join", Outcome::Success).details(serde_json::json!({
                "server": http.base, "branch": response.branch_code,
            })),
        )?;
        self.sync_status()?
            .configured
            .ok_or_else(|| Error::Internal("sync state vanished".into()))
    }

    /// Pushes everything pending, then pulls until up to date, retrying a few times with
    /// growing, jittered pauses when the server cannot be reached. Safe to call at any
    /// time and to repeat after any failure.
    pub fn sync_now(&mut self) -> Result<SyncReport> {
        self.sync_with_retries(Retries::DEFAULT)
    }

    pub fn sync_with_retries(&mut self, retries: Retries) -> Result<SyncReport> {
        let mut delay = retries.first_delay;
        let mut attempt = 1;
        loop {
            let result = self.sync_once();
            match &result {
                Err(e)
                    if attempt < retries.attempts
                        && matches!(e.code(), crate::Code::Offline | crate::Code::Sync) =>
                {
                    std::thread::sleep(jittered(delay));
                    delay = delay.saturating_mul(2);
                    attempt += 1;
                }
                _ => return result,
            }
        }
    }

    /// A client for the sync server this workstation joined, its device token and the
    /// sync state; `not_enrolled` says what to do when it has joined none.
    fn enrolled_server(&mut self, not_enrolled: &str) -> Result<(Http, String, SyncState)> {
        let (state, token, ca_cert) = sync_state::get(self.live()?.store.conn())?
            .ok_or_else(|| Error::validation("server", not_enrolled.to_owned()))?;
        let http = Http::new(&state.server_url, ca_cert.as_deref())?;
        Ok((http, token, state))
    }

    fn sync_once(&mut self) -> Result<SyncReport> {
        let (http, token, state) = self.enrolled_server(
            "this workstation is not enrolled with a sync server yet (clinic sync join)",
        )?;
        let mut result = self
            .server_access(&http, &token)
            .and_then(|access| self.sync_round(&http, &access, state.cursor));
        if result.is_err() && http.token_expired.replace(false) {
            // Our clock and the server's disagree on the token's life: get a fresh one
            // and go on from where the round stopped (every step is safe to repeat).
            self.server_login().access = None;
            let cursor = sync_state::get(self.live()?.store.conn())?.map_or(0, |s| s.0.cursor);
            result = self
                .server_access(&http, &token)
                .and_then(|access| self.sync_round(&http, &access, cursor));
        }
        let now = self.now();
        let error = result.as_ref().err().map(ToString::to_string);
        sync_state::record_attempt(self.live()?.store.conn(), now, error.as_deref())?;
        result
    }

    /// An access token for this session's user: the one in hand, else a refreshed one,
    /// else a login with the password the session was opened with. Shared with the
    /// session's sync companion, so the two never race each other's refresh tokens.
    fn server_access(&mut self, http: &Http, device_token: &str) -> Result<Zeroizing<String>> {
        let user_id = self.actor.user.to_string();
        let mut login = self.server_login();
        login.access_token(http, device_token, &user_id, &self.actor.username)
    }

    pub(crate) fn server_login(&self) -> std::sync::MutexGuard<'_, ServerLogin> {
        self.server
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn sync_round(&mut self, http: &Http, access: &str, cursor: i64) -> Result<SyncReport> {
        let mut report = SyncReport::default();
        // Push: oldest first, in batches; refused changes stay visible and are not resent
        // until something changes. Only this user's changes (and the device's own audit
        // events): the server takes a change only from its author, so a colleague's
        // changes wait for their next sync on this workstation.
        loop {
            let user = self.actor.user;
            let pending = changes::pushable(self.live()?.store.conn(), user, PUSH_BATCH)?;
            if pending.is_empty() {
                break;
            }
            let request = PushRequest {
                protocol_version: PROTOCOL_VERSION,
                schema_version: schema_version(),
                changes: pending.iter().map(to_wire).collect(),
            };
            let response: PushResponse = http.send(
                http.client
                    .post(format!("{}/v1/push", http.base))
                    .bearer_auth(access)
                    .json(&request),
            )?;
            let now = self.now();
            let rejected: Vec<(String, String)> = response
                .rejected
                .iter()
                .map(|r| (r.change_id.clone(), r.reason.clone()))
                .collect();
            let store = &mut self.live()?.store;
            let tx = store.transaction()?;
            sync_state::mark_pushed(&tx, &response.accepted, &rejected, now)?;
            tx.commit().map_err(Error::from_sqlite)?;
            report.pushed += response.accepted.len();
            report.rejected += rejected.len();
            if response.accepted.is_empty() {
                break;
            }
        }
        let device = self.actor.device;
        let workstation = self.workstation.clone();
        let (pulled, cursor) = pull_all(
            &mut self.live()?.store,
            http,
            access,
            device,
            cursor,
            workstation.clock(),
        )?;
        report.pulled = pulled;
        report.cursor = cursor;
        Ok(report)
    }

    /// Verifies every device's audit chain here, then compares this device's chain with
    /// the head the sync server acknowledged: a chain rewritten or cut short after it was
    /// pushed no longer holds that event with that hash. `Ok(None)` for the server part
    /// when this workstation is not enrolled. Administrators only; audited.
    pub fn audit_verify_with_server(
        &mut self,
    ) -> Result<(crate::store::audit::Verification, Option<i64>)> {
        let mut result = self.audit_verify()?;
        let Some((state, token, ca_cert)) = sync_state::get(self.live()?.store.conn())? else {
            return Ok((result, None));
        };
        let http = Http::new(&state.server_url, ca_cert.as_deref())?;
        let status = http.status(&token)?;
        let device = self.actor.device.to_string();
        if status.audit_seq > 0 && result.first_break.is_none() {
            let local =
                crate::store::audit::hash_at(self.live()?.store.conn(), &device, status.audit_seq)?;
            let reason = match local {
                None => Some(format!(
                    "the sync server acknowledged this device's events up to #{}, but this log holds fewer: events were removed after they were sent",
                    status.audit_seq
                )),
                Some(hash) if hash != status.audit_hash => Some(format!(
                    "the sync server acknowledged event #{} of this device with another hash: the log was rewritten after it was sent",
                    status.audit_seq
                )),
                Some(_) => None,
            };
            if let Some(reason) = reason {
                result.first_break = Some(crate::store::audit::Break {
                    device_id: device,
                    device_seq: status.audit_seq,
                    event_id: String::new(),
                    reason,
                });
            }
        }
        Ok((result, Some(status.audit_seq)))
    }

    /// Changes the password the sync server checks for this session's user from
    /// `current` (the one the server knows) to `new` (normally the one just set here).
    /// Needs the server; the workstation's own password is not touched.
    pub fn sync_change_password(&mut self, current: &str, new: &str) -> Result<()> {
        let (http, device_token, _) = self.enrolled_server(
            "this workstation is not enrolled with a sync server (clinic sync join)",
        )?;
        let pair = http.login(
            &device_token,
            &self.actor.user.to_string(),
            &self.actor.username,
            current,
        )?;
        http.send_empty(
            http.client
                .post(format!("{}/v1/auth/password", http.base))
                .bearer_auth(&pair.access_token)
                .json(&clinic_protocol::PasswordChange {
                    current_password: current.to_owned(),
                    new_password: new.to_owned(),
                }),
        )?;
        *self.server_login() = ServerLogin::with_password(new);
        self.write_event(Event::new("sync.password_change", Outcome::Success))?;
        Ok(())
    }

    /// Lets a user of the group who was made on another workstation sign in here: they
    /// type their own password, the sync server confirms it is theirs, and the database
    /// key is sealed for them with it. Administrators, on an enrolled workstation.
    pub fn admit_user_here(&mut self, username: &str, password: &str) -> Result<()> {
        self.authorize(Action::UserManage, Target::Any)?;
        let conn = self.live()?.store.conn();
        let user = crate::store::users::find_by_username(conn, username.trim())?
            .filter(|u| u.active && !u.emergency)
            .ok_or_else(|| {
                Error::validation(
                    "username",
                    "no active user of the group has this name here yet; sync, or check the spelling",
                )
            })?;
        if self.workstation.has_envelope(&user.username) {
            return Err(Error::validation(
                "username",
                format!("{} can already sign in on this workstation", user.username),
            ));
        }
        let (http, device_token, _) = self.enrolled_server(
            "only the sync server can confirm another workstation's user: enroll this one first",
        )?;
        http.login_as(
            &device_token,
            &user.id.to_string(),
            &user.username,
            password,
            true,
        )?;
        let workstation = self.workstation.clone();
        let unlocked = self.live()?;
        workstation.reseal_user(&unlocked.key, user.id, &user.username, password)?;
        self.write_event(
            Event::new("user.admit_here", Outcome::Success)
                .entity("user", user.id)
                .details(serde_json::json!({ "username": user.username })),
        )?;
        Ok(())
    }

    /// Runs `call` with an access token for this session's user, once more with a fresh
    /// token if the server says the one in hand has expired.
    fn with_server<T>(&mut self, call: impl Fn(&Http, &str) -> Result<T>) -> Result<T> {
        let (http, device_token, _) =
            self.enrolled_server("this workstation is not enrolled with a sync server yet")?;
        let access = self.server_access(&http, &device_token)?;
        match call(&http, &access) {
            Err(_) if http.token_expired.replace(false) => {
                self.server_login().access = None;
                let access = self.server_access(&http, &device_token)?;
                call(&http, &access)
            }
            other => other,
        }
    }

    /// Every workstation enrolled in the group, as the sync server knows them
    /// (administrators; needs the server).
    pub fn sync_devices(&mut self) -> Result<Vec<clinic_protocol::DeviceInfo>> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        self.with_server(|http, access| {
            http.send(
                http.client
                    .get(format!("{}/v1/devices", http.base))
                    .bearer_auth(access),
            )
        })
    }

    /// Revokes another workstation of the group at once: its next request is refused.
    /// Administrators; the server checks the role too.
    pub fn sync_revoke_device(&mut self, device_id: &str) -> Result<()> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        let device_id = device_id.trim().to_owned();
        self.with_server(|http, access| {
            http.send_empty(
                http.client
                    .post(format!("{}/v1/devices/revoke", http.base))
                    .bearer_auth(access)
                    .json(&clinic_protocol::RevokeDevice {
                        device_id: device_id.clone(),
                    }),
            )
        })?;
        self.write_event(
            Event::new("sync.device_revoke", Outcome::Success)
                .details(serde_json::json!({ "device_id": device_id })),
        )
    }

    /// Whether this workstation has joined a sync server (cheap: no counting).
    pub fn sync_configured(&mut self) -> Result<bool> {
        Ok(sync_state::get(self.live()?.store.conn())?.is_some())
    }

    pub fn sync_status(&mut self) -> Result<SyncStatus> {
        let conn = self.live()?.store.conn();
        let configured = sync_state::get(conn)?.map(|(state, _token, _ca)| state);
        let (pending, refused, conflicts) = sync_state::counts(conn)?;
        Ok(SyncStatus {
            configured,
            pending_changes: pending,
            refused_changes: refused,
            conflicts,
        })
    }

    /// Pulled changes that could not be applied here, for a person to resolve.
    pub fn sync_conflicts(&mut self) -> Result<Vec<Conflict>> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        sync_state::conflicts(self.live()?.store.conn())
    }

    /// Sets aside a pulled change a person has looked at and decided not to apply here
    /// (say, an edit to a record the branch never had). It stays in the database with
    /// who set it aside and why; the audit log records it. Administrators.
    pub fn sync_dismiss_conflict(&mut self, change_id: &str, why: &str) -> Result<()> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        let why = why.trim();
        if why.chars().count() < 5 {
            return Err(Error::validation(
                "why",
                "say why this change is set aside (a few words); other administrators will read it",
            ));
        }
        let username = self.actor.username.clone();
        let now = crate::clock::to_db_time(self.now());
        let found = sync_state::dismiss_conflict(
            self.live()?.store.conn(),
            change_id.trim(),
            &format!("set aside by {username}: {why}"),
            &now,
        )?;
        if !found {
            return Err(Error::validation(
                "change_id",
                "no unresolved pulled change has this id; refresh the list",
            ));
        }
        self.write_event(
            Event::new("sync.conflict_dismiss", Outcome::Success)
                .details(serde_json::json!({ "change_id": change_id.trim(), "why": why })),
        )
    }
}

/// An error with its causes, which is where reqwest puts the useful part (refused,
/// certificate not trusted, timed out).
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn to_wire(change: &changes::Change) -> Change {
    Change {
        change_id: change.change_id.to_string(),
        table: change.table.clone(),
        row_id: change.row_id.clone(),
        kind: match change.kind.as_str() {
            "append" => ChangeKind::Append,
            "tombstone" => ChangeKind::Tombstone,
            _ => ChangeKind::Upsert,
        },
        fields: {
            let mut fields = change.fields.as_object().cloned().unwrap_or_default();
            // Changes recorded before secrets stopped being recorded still hold them.
            if let Some(spec) = clinic_protocol::tables::spec(&change.table) {
                spec.strip_secrets(&mut fields);
            }
            fields
        },
        hlc: change.hlc.encode(),
        device_id: change.device.to_string(),
        user_id: change.user.map(|u| u.to_string()),
        schema_version: schema_version(),
    }
}

#[cfg(test)]
mod tests {
    use super::server_base;

    #[test]
    fn plain_http_is_accepted_only_to_a_host_that_parses_as_this_computer() {
        for local in [
            "http://127.0.0.1:8443",
            "http://localhost:8443/",
            "http://LOCALHOST:8443",
            "http://[::1]:8443",
            "http://127.0.0.2:9000",
            "https://sync.example.org",
            "https://sync.example.org/clinic/",
        ] {
            assert!(
                server_base(local).is_ok(),
                "{local} is https or loopback, so it is allowed"
            );
        }
        assert_eq!(
            server_base("http://localhost:8443/").unwrap(),
            "http://localhost:8443",
            "paths are appended to the base, so it loses its trailing slash"
        );
        for remote in [
            "http://localhost@evil.example/",
            "http://127.0.0.1.evil.example/",
            "http://localhost.evil/",
            "http://[::1]@evil/",
            "http://127.0.0.1@evil.example:80/",
            "http://evil.example/",
            "http://10.0.0.1:8443",
            "https://user:pw@sync.example.org",
            "ftp://127.0.0.1/",
            "localhost:8443",
            "http://localhost:8443/?next=http://evil",
        ] {
            let err = server_base(remote).expect_err(remote).to_string();
            assert!(
                err.contains("https://"),
                "{remote} must be refused with what to do instead, got: {err}"
            );
        }
    }
}
