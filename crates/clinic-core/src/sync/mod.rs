//! The sync client: push the outbox in batches, pull pages from the cursor, apply each
//! page and advance the cursor in one transaction. Every step is safe to repeat: pushes
//! are idempotent by change id, and a page is applied with its cursor or not at all, so a
//! crash or a dropped connection at any point loses nothing and applies nothing twice.

// The feature's own types, for callers (the shell, the CLI): they live in its store.
pub(crate) mod blobs;
mod http;
pub mod join;
mod login;
pub(crate) mod store;

pub(crate) use http::Http;

pub use store::Conflict;

use std::time::Duration;

use clinic_protocol::{Change, ChangeKind, PROTOCOL_VERSION, PullPage, PushRequest, PushResponse};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::ids::DeviceId;
use crate::policy::{Action, Target};
use crate::session::ServerLogin;
use crate::session::Session;
use crate::store::Store;
use crate::store::audit::{Event, Outcome};
use crate::store::changes;
use crate::store::schema_version;
use store::SyncState;

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
    /// Attachments made here whose bytes reached the server whole in this round.
    pub attachments_sent: usize,
}

/// The sync line the app shows at all times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    pub configured: Option<SyncState>,
    pub pending_changes: i64,
    pub refused_changes: i64,
    pub conflicts: i64,
    /// Attachments made here whose bytes the server does not hold yet.
    pub attachments_waiting: i64,
    /// Why the latest of them could not be sent, if one could not.
    pub attachment_error: Option<String>,
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
        let latest = store::apply_page(&tx, &own, &changes, now)?;
        if let Some(latest) = latest.and_then(|l| l.parse().ok()) {
            changes::observe(&tx, own_device, &latest, now)?;
        }
        store::set_cursor(&tx, page.next_cursor)?;
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
    let Some((state, token, ca_cert)) = store::get(store.conn())? else {
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
        store::join(
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
        let (state, token, ca_cert) = store::get(self.live()?.store.conn())?
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
            let cursor = store::get(self.live()?.store.conn())?.map_or(0, |s| s.0.cursor);
            result = self
                .server_access(&http, &token)
                .and_then(|access| self.sync_round(&http, &access, cursor));
        }
        let now = self.now();
        let error = result.as_ref().err().map(ToString::to_string);
        store::record_attempt(self.live()?.store.conn(), now, error.as_deref())?;
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
            store::mark_pushed(&tx, &response.accepted, &rejected, now)?;
            tx.commit().map_err(Error::from_sqlite)?;
            report.pushed += response.accepted.len();
            report.rejected += rejected.len();
            if response.accepted.is_empty() {
                break;
            }
        }
        // Attachments' bytes follow their records, which the server must hold first.
        report.attachments_sent = self.upload_attachments(http, access)?;
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
        let Some((state, token, ca_cert)) = store::get(self.live()?.store.conn())? else {
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
    pub(crate) fn with_server<T>(&mut self, call: impl Fn(&Http, &str) -> Result<T>) -> Result<T> {
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
        Ok(store::get(self.live()?.store.conn())?.is_some())
    }

    pub fn sync_status(&mut self) -> Result<SyncStatus> {
        let conn = self.live()?.store.conn();
        let configured = store::get(conn)?.map(|(state, _token, _ca)| state);
        let (pending, refused, conflicts) = store::counts(conn)?;
        let (attachments_waiting, attachment_error) = store::uploads_waiting(conn)?;
        Ok(SyncStatus {
            configured,
            pending_changes: pending,
            refused_changes: refused,
            conflicts,
            attachments_waiting,
            attachment_error,
        })
    }

    /// Pulled changes that could not be applied here, for a person to resolve.
    pub fn sync_conflicts(&mut self) -> Result<Vec<Conflict>> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        store::conflicts(self.live()?.store.conn())
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
        let found = store::dismiss_conflict(
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
