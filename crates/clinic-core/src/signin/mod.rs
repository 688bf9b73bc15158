//! Signing in: password, lock-out and second-factor checks, break-glass access, and
//! the session each way in opens (with the sign-in audited, and any attempts recorded
//! while the database was closed written first). Set-up of a new workstation is
//! [`setup`]; joining a branch is [`crate::sync::join`].
//!
//! Invariants: no refused sign-in writes to the database or the key file (it is kept in
//! `signin.json` until the next success); a sign-in that finds a re-key half-way settles
//! it first ([`crate::workstation::staged_key`]).

pub mod setup;

use crate::actor::Actor;
use crate::clock::to_db_time;
use crate::envelope::DataKey;
use crate::error::{Error, Result};
use crate::ids::SessionId;
use crate::session::{Session, Unlocked};
use crate::store::Store;
use crate::store::audit::{self, Event, Outcome};
use crate::store::changes::WriteContext;
use crate::store::notifications;
use crate::store::organisation::ClinicInfo;
use crate::store::settings;
use crate::store::users::{self, User};
use crate::totp;
use crate::workstation::{BREAK_GLASS_HOURS, Workstation};
pub(crate) enum Opening {
    Init,
    Join {
        server: String,
        branch: String,
        pulled: usize,
    },
    SignIn {
        must_enrol: bool,
    },
    BreakGlass {
        reason: String,
        until: chrono::DateTime<chrono::Utc>,
    },
}

impl Workstation {
    /// Signs in with a password only; see [`Workstation::sign_in`].
    pub fn unlock(&self, username: &str, password: &str) -> Result<Session> {
        self.sign_in(username, password, None)
    }

    /// Checks the password (and the second factor, if the user has one) and opens the
    /// encrypted database as that user. Repeated failures lock the account out for a
    /// growing time; every attempt ends up in the audit log.
    pub fn sign_in(
        &self,
        username: &str,
        password: &str,
        totp_code: Option<&str>,
    ) -> Result<Session> {
        let (store, clinic, key, user) =
            self.authenticate(username, password, totp_code, "sign_in")?;
        if user.emergency {
            let err = Error::EmergencyAccount(user.username.clone());
            self.refuse(store, &clinic, &user, "sign_in", "emergency_account")?;
            return Err(err);
        }
        let must_enrol = !user.totp_enrolled && settings::totp_required(store.conn(), user.role)?;
        let session =
            self.start_session(store, clinic, key, user, Opening::SignIn { must_enrol })?;
        *session.server_login() = crate::session::ServerLogin::with_password(password);
        Ok(session)
    }

    /// Break-glass emergency access: opens a pre-created emergency account for a limited
    /// time with doctor-level read access. The reason is recorded in the audit log with a
    /// distinct event, and every administrator is notified.
    pub fn break_glass(
        &self,
        username: &str,
        password: &str,
        totp_code: Option<&str>,
        reason: &str,
    ) -> Result<Session> {
        let reason = reason.trim();
        if reason.chars().count() < 10 {
            return Err(Error::validation(
                "reason",
                "say why emergency access is needed (at least 10 characters); administrators will read it",
            ));
        }
        let (store, clinic, key, user) =
            self.authenticate(username, password, totp_code, "break_glass.open")?;
        if !user.emergency {
            self.refuse(store, &clinic, &user, "sign_in", "not_an_emergency_account")?;
            return Err(Error::validation(
                "username",
                "this is not an emergency account; sign in normally",
            ));
        }
        let until = self.clock().now() + chrono::Duration::hours(BREAK_GLASS_HOURS);
        self.start_session(
            store,
            clinic,
            key,
            user,
            Opening::BreakGlass {
                reason: reason.to_owned(),
                until,
            },
        )
    }

    /// Password, lock-out, database and second-factor checks shared by every way in.
    /// `action` names the way in for the audit log (`sign_in`, `break_glass.open`).
    fn authenticate(
        &self,
        username: &str,
        password: &str,
        totp_code: Option<&str>,
        action: &str,
    ) -> Result<(Store, ClinicInfo, DataKey, User)> {
        let now = self.clock().now();
        let guard = self.guard();
        guard.check(username, now)?;
        if let Some(settled) =
            crate::workstation::staged_key::settle_interrupted(self, username, password)?
        {
            guard.note(username, now, settled)?;
        }
        let (key, user_id) = match self.unseal_user(username, password) {
            Ok(found) => found,
            Err(Error::BadCredentials) => {
                guard.fail(username, now, "bad_password")?;
                return Err(Error::BadCredentials);
            }
            Err(err @ Error::UserInactive(_)) => {
                // The envelope went with the deactivation, so the database cannot be
                // opened to audit this: the attempt waits in the sign-in file and is
                // written at the next successful sign-in.
                let reason = if action == "break_glass.open" {
                    "break_glass_deactivated"
                } else {
                    "deactivated"
                };
                guard.note(username, now, reason)?;
                return Err(err);
            }
            Err(other) => return Err(other),
        };
        let (store, clinic) = match self.open_store(&key) {
            Ok(opened) => opened,
            Err(Error::DatabaseCorrupt { .. })
                if crate::workstation::staged_key::interrupted(self) =>
            {
                return Err(crate::workstation::staged_key::unfinished_error());
            }
            Err(other) => return Err(other),
        };
        let user = users::get(store.conn(), user_id)?.ok_or(Error::BadCredentials)?;
        let deactivated = if user.emergency {
            user.emergency_disabled
        } else {
            !user.active
        };
        if deactivated {
            let err = Error::UserInactive(user.username.clone());
            self.refuse(store, &clinic, &user, action, "deactivated")?;
            return Err(err);
        }
        if !user.branches.is_empty() && !user.branches.contains(&clinic.branch_id) {
            self.refuse(store, &clinic, &user, "sign_in", "branch_not_allowed")?;
            return Err(Error::Forbidden {
                action: "sign_in",
                reason: "branch_not_allowed",
            });
        }
        if let Some(secret) = users::totp_secret(store.conn(), user.id)? {
            let Some(code) = totp_code.filter(|c| !c.trim().is_empty()) else {
                return Err(Error::TotpRequired);
            };
            let seconds = u64::try_from(now.timestamp()).unwrap_or(0);
            if !totp::verify(&secret, code, seconds)? {
                guard.fail(username, now, "bad_totp_code")?;
                return Err(Error::BadTotpCode);
            }
        }
        Ok((store, clinic, key, user))
    }

    /// Records a refused sign-in of a known user straight into the audit log.
    fn refuse(
        &self,
        mut store: Store,
        clinic: &ClinicInfo,
        user: &User,
        action: &str,
        reason: &str,
    ) -> Result<()> {
        let now = self.clock().now();
        let ctx = WriteContext {
            device: clinic.device_id,
            user: Some(user.id),
            now,
        };
        let tx = store.transaction()?;
        audit::append(
            &tx,
            &ctx,
            None,
            now,
            &Event::new(action, Outcome::Denied)
                .entity("user", user.id)
                .details(serde_json::json!({ "username": user.username, "reason": reason })),
        )?;
        tx.commit().map_err(Error::from_sqlite)
    }

    /// Writes the sign-in (with any attempts recorded while the database was closed) and
    /// hands out the session.
    pub(crate) fn start_session(
        &self,
        mut store: Store,
        clinic: ClinicInfo,
        key: DataKey,
        user: User,
        opening: Opening,
    ) -> Result<Session> {
        let now = self.clock().now();
        let guard = self.guard();
        let offline = guard.pending();
        let actor = Actor {
            user: user.id,
            username: user.username.clone(),
            role: user.role,
            device: clinic.device_id,
            session: SessionId::new(self.clock()),
            patient: user.patient,
            emergency_until: match &opening {
                Opening::BreakGlass { until, .. } => Some(*until),
                _ => None,
            },
            must_enrol_totp: matches!(opening, Opening::SignIn { must_enrol: true }),
        };
        let ctx = WriteContext {
            device: clinic.device_id,
            user: Some(user.id),
            now,
        };
        let idle_minutes = settings::idle_lock_minutes(store.conn())?;
        let tx = store.transaction()?;
        for attempt in &offline {
            let (action, outcome) = match attempt.reason.as_str() {
                "lockout" => ("sign_in.lockout", Outcome::Failure),
                "locked_out" => ("sign_in", Outcome::Denied),
                "password_changed" => ("password.change", Outcome::Success),
                "password_recovered" => ("password.recover", Outcome::Success),
                "deactivated" => ("sign_in", Outcome::Denied),
                "break_glass_deactivated" => ("break_glass.open", Outcome::Denied),
                "rekey_finished" => ("database.rekey.finish", Outcome::Success),
                "rekey_rolled_back" => ("database.rekey.roll_back", Outcome::Failure),
                "backup_restored" => ("backup.restore", Outcome::Success),
                _ => ("sign_in", Outcome::Failure),
            };
            audit::append(
                &tx,
                &ctx,
                None,
                attempt.at,
                &Event::new(action, outcome).details(serde_json::json!({
                    "username": attempt.username,
                    "reason": attempt.reason,
                    "recorded_offline": true,
                })),
            )?;
        }
        match &opening {
            Opening::Init => {
                audit::append(
                    &tx,
                    &ctx,
                    Some(&actor),
                    now,
                    &Event::new("workstation.init", Outcome::Success),
                )?;
            }
            Opening::Join {
                server,
                branch,
                pulled,
            } => {
                audit::append(
                    &tx,
                    &ctx,
                    Some(&actor),
                    now,
                    &Event::new("workstation.join", Outcome::Success).details(
                        serde_json::json!({ "server": server, "branch": branch, "pulled": pulled }),
                    ),
                )?;
            }
            Opening::SignIn { must_enrol } => {
                audit::append(
                    &tx,
                    &ctx,
                    Some(&actor),
                    now,
                    &Event::new("sign_in", Outcome::Success)
                        .details(serde_json::json!({ "must_enrol_totp": must_enrol })),
                )?;
            }
            Opening::BreakGlass { reason, until } => {
                users::update(
                    &tx,
                    &ctx,
                    user.id,
                    &users::Update {
                        emergency_until: Some(Some(*until)),
                        ..users::Update::default()
                    },
                )?;
                audit::append(
                    &tx,
                    &ctx,
                    Some(&actor),
                    now,
                    &Event::new("break_glass.open", Outcome::Success)
                        .entity("user", user.id)
                        .details(
                            serde_json::json!({ "reason": reason, "until": to_db_time(*until) }),
                        ),
                )?;
                for admin in users::active_admins(&tx)? {
                    notifications::insert(
                        &tx,
                        &ctx,
                        admin,
                        &notifications::New {
                            kind: "break_glass",
                            title: format!("Emergency access opened by {}", user.username),
                            body: format!(
                                "Reason given: {reason}. Access ends at {} UTC.",
                                until.format("%Y-%m-%d %H:%M")
                            ),
                            entity: Some("user"),
                            entity_id: Some(user.id.to_string()),
                        },
                    )?;
                }
            }
        }
        tx.commit().map_err(Error::from_sqlite)?;
        guard.succeeded(&user.username, offline.len())?;
        Ok(Session {
            unlocked: Some(Unlocked { store, key }),
            actor,
            clinic,
            workstation: self.clone(),
            last_activity: now,
            idle_limit: chrono::Duration::minutes(i64::from(idle_minutes)),
            server: std::sync::Arc::default(),
            patients_read: std::collections::HashMap::new(),
        })
    }
}
