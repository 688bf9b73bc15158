//! Managing people's access: user accounts, roles, branches, second factors, clinic-wide
//! sign-in settings and break-glass accounts. Administrators only, except enrolling
//! one's own second factor. Users are never deleted.

// The feature's own types, for callers (the shell, the CLI): they live in its store.
pub use crate::store::organisation::Branch;

use std::collections::HashMap;

use serde::Serialize;
use zeroize::Zeroizing;

use crate::actor::Role;
use crate::error::{Error, Result};
use crate::ids::{BranchId, PatientId, UserId};
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::audit::{self, Event, Outcome};
use crate::store::organisation;
use crate::store::settings;
use crate::store::users::{self, Update, User};
use crate::totp;
use crate::validate::{check_new_password, validate_branch_code, validate_name, validate_username};

/// A user an administrator adds.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password: Zeroizing<String>,
    /// Required for (and only for) a patient user.
    pub patient: Option<PatientId>,
    /// Branch codes the user may work at; empty means every branch.
    pub branches: Vec<String>,
}

impl NewUser {
    pub fn new(username: &str, role: Role, password: &str) -> Self {
        Self {
            username: username.into(),
            display_name: username.into(),
            role,
            password: Zeroizing::new(password.into()),
            patient: None,
            branches: Vec::new(),
        }
    }
}

/// The clinic-wide sign-in settings as they stand, for the settings screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignInSettings {
    /// Idle minutes before a session locks itself (applies from the next sign-in).
    pub idle_lock_minutes: u32,
    /// The roles that must use a second factor, in [`Role::ALL`] order.
    pub totp_required: Vec<Role>,
}

/// A second factor being set up: show the secret (or the link as a QR code) to the
/// user, then confirm with a code from their app.
#[derive(Debug, Clone, Serialize)]
pub struct TotpEnrolment {
    pub secret: String,
    pub uri: String,
}

impl Session {
    /// Creates a user with their own key envelope.
    ///
    /// The envelope is written to the key file before the database transaction commits:
    /// if the commit then fails, the stray envelope names a user the database does not
    /// have, and signing in with it is refused.
    pub fn create_user(&mut self, new: &NewUser) -> Result<User> {
        self.authorize(Action::UserManage, Target::Any)?;
        self.insert_user(new, false)
    }

    /// Creates a disabled break-glass account with doctor-level read access, to be opened
    /// only through [`crate::Workstation::break_glass`] with a reason.
    pub fn create_emergency_account(&mut self, username: &str, password: &str) -> Result<User> {
        self.authorize(Action::EmergencyAccountManage, Target::Any)?;
        let mut new = NewUser::new(username, Role::Doctor, password);
        new.display_name = format!("Emergency access ({username})");
        self.insert_user(&new, true)
    }

    fn insert_user(&mut self, new: &NewUser, emergency: bool) -> Result<User> {
        let username = validate_username(&new.username)?;
        let display_name = validate_name("display_name", &new.display_name)?;
        check_new_password(&username, &new.password)?;
        if (new.role == Role::Patient) != new.patient.is_some() {
            return Err(Error::validation(
                "patient",
                "a patient user must be linked to their patient record, and only a patient user",
            ));
        }
        if self.workstation.has_envelope(&username) {
            return Err(Error::validation(
                "username",
                format!("the user name \"{username}\" is already taken; choose another"),
            ));
        }
        let actor = self.actor.clone();
        let now = self.now();
        let workstation = self.workstation.clone();
        let id = UserId::new(workstation.clock());
        let unlocked = self.live()?;
        let mut branches = Vec::new();
        for code in &clean_branch_codes(&new.branches) {
            branches.push(
                organisation::branch_by_code(unlocked.store.conn(), code)?.ok_or_else(|| {
                    Error::validation("branches", format!("there is no branch with code {code}"))
                })?,
            );
        }
        let mut user = User::new(id, username, display_name, new.role);
        user.patient = new.patient;
        user.emergency = emergency;
        user.active = !emergency;
        user.branches = branches;
        let ctx = crate::store::changes::WriteContext {
            device: actor.device,
            user: Some(actor.user),
            now,
        };
        let tx = unlocked.store.transaction()?;
        users::insert(&tx, &ctx, &user)?;
        audit::append(
            &tx,
            &ctx,
            Some(&actor),
            now,
            &Event::new(
                if emergency {
                    "user.create_emergency"
                } else {
                    "user.create"
                },
                Outcome::Success,
            )
            .entity("user", user.id)
            .details(serde_json::json!({
                "username": user.username,
                "role": user.role.as_str(),
                "branches": new.branches,
            })),
        )?;
        workstation.reseal_user(&unlocked.key, user.id, &user.username, &new.password)?;
        tx.commit().map_err(Error::from_sqlite)?;
        Ok(user)
    }

    pub fn list_users(&mut self) -> Result<Vec<User>> {
        self.authorize(Action::UserManage, Target::Any)?;
        users::list(self.live()?.store.conn())
    }

    /// Deactivates a user: they can no longer sign in (an emergency account can no longer
    /// be opened through break-glass), a session of theirs that is open stops at its next
    /// call, and their envelope is removed from this workstation's key file, so their old
    /// password no longer unwraps the database key here. The key file is rewritten
    /// atomically before the transaction commits: if the commit then fails, the user is
    /// still active but needs sealing again ([`Session::seal_user_here`]), never the
    /// other way round. A copy of the key file taken earlier still opens the database
    /// with their password: only [`Session::rekey`] makes such a copy useless.
    pub fn deactivate_user(&mut self, username: &str) -> Result<User> {
        let workstation = self.workstation.clone();
        self.change_user(username, "user.deactivate", |user| {
            let envelope_removed = workstation.remove_envelope(
                user.id,
                &user.username,
                crate::keyfile::Removal::Deactivated,
            )?;
            Ok((
                Update {
                    active: Some(false),
                    emergency_until: user.emergency.then_some(None),
                    emergency_disabled: user.emergency.then_some(true),
                    ..Update::default()
                },
                serde_json::json!({ "envelope_removed": envelope_removed }),
            ))
        })
    }

    /// Reactivates a user in the database. Their envelope was removed when they were
    /// deactivated, so they sign in here again only once an administrator seals the key
    /// for them ([`Session::seal_user_here`], or [`Session::admit_user_here`] on an
    /// enrolled workstation). An emergency account becomes available to break-glass
    /// again (it stays inactive for ordinary sign-in).
    pub fn reactivate_user(&mut self, username: &str) -> Result<User> {
        let user = self.change_user(username, "user.reactivate", |user| {
            if user.emergency {
                if !user.emergency_disabled {
                    return Err(Error::validation(
                        "username",
                        "this emergency account is not deactivated; it opens only through emergency access",
                    ));
                }
                return Ok((
                    Update {
                        emergency_disabled: Some(false),
                        ..Update::default()
                    },
                    serde_json::json!({}),
                ));
            }
            Ok((
                Update {
                    active: Some(true),
                    ..Update::default()
                },
                serde_json::json!({}),
            ))
        })?;
        self.workstation.mark_reactivated(&user.username)?;
        Ok(user)
    }

    /// Seals the database key for a user who has no envelope on this workstation (after
    /// a reactivation or a re-key), under `password`, which they then use here (and
    /// should change with `clinic passwd`). Administrators; audited. Unlike
    /// [`Session::admit_user_here`], it needs no sync server, so the administrator vouches
    /// for the person instead of the server checking their existing password.
    pub fn seal_user_here(&mut self, username: &str, password: &str) -> Result<User> {
        self.authorize(Action::UserManage, Target::Any)?;
        let user = users::find_by_username(self.live()?.store.conn(), username.trim())?
            .ok_or_else(|| no_such_user(username.trim()))?;
        let usable = if user.emergency {
            !user.emergency_disabled
        } else {
            user.active
        };
        if !usable {
            return Err(Error::validation(
                "username",
                format!("{} is deactivated; reactivate them first", user.username),
            ));
        }
        if self.workstation.has_envelope(&user.username) {
            return Err(Error::validation(
                "username",
                format!(
                    "{} can already sign in on this workstation; they change their own password",
                    user.username
                ),
            ));
        }
        check_new_password(&user.username, password)?;
        let workstation = self.workstation.clone();
        let unlocked = self.live()?;
        workstation.reseal_user(&unlocked.key, user.id, &user.username, password)?;
        self.write_event(
            Event::new("user.seal_here", Outcome::Success)
                .entity("user", user.id)
                .details(serde_json::json!({ "username": user.username })),
        )?;
        Ok(user)
    }

    pub fn set_role(&mut self, username: &str, role: Role) -> Result<User> {
        self.change_user(username, "user.role", |user| {
            if user.role == Role::Patient || role == Role::Patient {
                return Err(Error::validation(
                    "role",
                    "patient accounts are linked to a patient record; make a new account instead",
                ));
            }
            if user.emergency {
                return Err(Error::validation(
                    "role",
                    "emergency accounts always have doctor-level read access",
                ));
            }
            Ok((
                Update {
                    role: Some(role),
                    ..Update::default()
                },
                serde_json::json!({}),
            ))
        })
    }

    /// Limits a user to some branches (codes); empty means every branch.
    pub fn set_user_branches(&mut self, username: &str, codes: &[String]) -> Result<User> {
        self.authorize(Action::UserManage, Target::Any)?;
        let username = username.to_owned();
        let codes = clean_branch_codes(codes);
        self.transact(move |tx, ctx, actor| {
            let user =
                users::find_by_username(tx, &username)?.ok_or_else(|| no_such_user(&username))?;
            let mut ids = Vec::new();
            for code in &codes {
                ids.push(organisation::branch_by_code(tx, code)?.ok_or_else(|| {
                    Error::validation("branches", format!("there is no branch with code {code}"))
                })?);
            }
            users::set_branches(tx, ctx, user.id, &ids)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("user.branches", Outcome::Success)
                    .entity("user", user.id)
                    .details(serde_json::json!({ "branches": codes })),
            )?;
            users::get(tx, user.id)?.ok_or_else(|| no_such_user(&username))
        })
    }

    fn change_user(
        &mut self,
        username: &str,
        action: &'static str,
        update: impl FnOnce(&User) -> Result<(Update, serde_json::Value)>,
    ) -> Result<User> {
        self.authorize(Action::UserManage, Target::Any)?;
        let username = username.to_owned();
        self.transact(move |tx, ctx, actor| {
            let user =
                users::find_by_username(tx, &username)?.ok_or_else(|| no_such_user(&username))?;
            let removes_admin_now = user.role == Role::Admin && user.active;
            if removes_admin_now
                && action == "user.deactivate"
                && users::active_admins(tx)?.len() <= 1
            {
                return Err(Error::validation(
                    "username",
                    "this is the last active administrator; make another administrator first",
                ));
            }
            let (change, extra) = update(&user)?;
            let removes_admin = user.role == Role::Admin
                && user.active
                && (change.active == Some(false) || change.role.is_some_and(|r| r != Role::Admin));
            if removes_admin && users::active_admins(tx)?.len() <= 1 {
                return Err(Error::validation(
                    "username",
                    "this is the last active administrator; make another administrator first",
                ));
            }
            users::update(tx, ctx, user.id, &change)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new(action, Outcome::Success)
                    .entity("user", user.id)
                    .details(serde_json::json!({
                        "username": user.username,
                        "role": change.role.map(Role::as_str),
                        "active": change.active,
                        "emergency_disabled": change.emergency_disabled,
                        "envelope_removed": extra.get("envelope_removed"),
                    })),
            )?;
            users::get(tx, user.id)?.ok_or_else(|| no_such_user(&username))
        })
    }

    /// Makes a second factor compulsory (or not) for everyone with `role`.
    pub fn set_totp_required(&mut self, role: Role, required: bool) -> Result<()> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        self.transact(|tx, ctx, actor| {
            settings::set_totp_required(tx, ctx, role, required)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("settings.totp_required", Outcome::Success)
                    .details(serde_json::json!({ "role": role.as_str(), "required": required })),
            )?;
            Ok(())
        })
    }

    /// Sets how many idle minutes lock a session (1 to 240); applies from the next sign-in.
    pub fn set_idle_lock_minutes(&mut self, minutes: u32) -> Result<()> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        let organisation = self.clinic.organisation_id;
        self.transact(|tx, ctx, actor| {
            settings::set_idle_lock_minutes(tx, ctx, organisation, minutes)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("settings.idle_lock", Outcome::Success)
                    .details(serde_json::json!({ "minutes": minutes })),
            )?;
            Ok(())
        })
    }

    /// The sign-in settings [`Session::set_idle_lock_minutes`] and
    /// [`Session::set_totp_required`] change. Administrators only.
    pub fn sign_in_settings(&mut self) -> Result<SignInSettings> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        let conn = self.live()?.store.conn();
        let idle_lock_minutes = settings::idle_lock_minutes(conn)?;
        let mut totp_required = Vec::new();
        for role in Role::ALL {
            if settings::totp_required(conn, role)? {
                totp_required.push(role);
            }
        }
        Ok(SignInSettings {
            idle_lock_minutes,
            totp_required,
        })
    }

    /// Adds a branch to the clinic group. Its first workstation then joins from the sync
    /// server as a user of the group (`clinic join`, or the set-up screen's join mode):
    /// a new branch never brings its own administrator. Administrators only.
    pub fn add_branch(&mut self, code: &str, name: &str) -> Result<organisation::Branch> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        let code = validate_branch_code(code)?;
        let name = validate_name("name", name)?;
        let organisation = self.clinic.organisation_id;
        let branch = self.transact(|tx, ctx, actor| {
            let id = BranchId(crate::ids::new_v7_at(ctx.now));
            organisation::insert_branch(tx, ctx, organisation, id, &code, &name)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("branch.add", Outcome::Success)
                    .entity("branch", id)
                    .details(serde_json::json!({ "code": code, "name": name })),
            )?;
            Ok(organisation::Branch {
                id,
                code: code.clone(),
                name: name.clone(),
                active: true,
            })
        })?;
        Ok(branch)
    }

    /// The clinic's branches, by code, for choosing where a user or doctor works. Any
    /// signed-in user may read them (every screen's header names its branch already).
    pub fn branches(&mut self) -> Result<Vec<organisation::Branch>> {
        organisation::branches(self.live()?.store.conn())
    }

    /// Branch codes by branch id, to name the branches a user or a doctor's hours are
    /// at (lists show codes, never ids).
    pub fn branch_codes(&mut self) -> Result<HashMap<BranchId, String>> {
        Ok(self
            .branches()?
            .into_iter()
            .map(|b| (b.id, b.code))
            .collect())
    }

    /// The branch a typed code names, whatever its case and surrounding blanks; a code
    /// no branch has is `field`'s validation error.
    pub fn branch_by_code(&mut self, field: &'static str, code: &str) -> Result<Branch> {
        let code = code.trim().to_ascii_uppercase();
        self.branches()?
            .into_iter()
            .find(|b| b.code == code)
            .ok_or_else(|| Error::validation(field, format!("there is no branch {code}")))
    }

    /// A fresh secret for the signed-in user's authenticator app. Nothing is stored until
    /// [`Session::enrol_totp`] confirms it with a code.
    pub fn begin_totp_enrolment(&mut self) -> Result<TotpEnrolment> {
        self.live()?;
        let secret = totp::generate_secret()?;
        let uri = totp::provisioning_uri(&secret, &self.clinic.name, &self.actor.username);
        Ok(TotpEnrolment { secret, uri })
    }

    /// Turns on the second factor for the signed-in user, proven by a current code.
    pub fn enrol_totp(&mut self, secret: &str, code: &str) -> Result<()> {
        let now = self.now();
        let seconds = u64::try_from(now.timestamp()).unwrap_or(0);
        if totp::base32_decode(secret).is_none_or(|k| k.len() < 10) {
            return Err(Error::validation(
                "secret",
                "that is not a valid authenticator secret",
            ));
        }
        if !totp::verify(secret, code, seconds)? {
            return Err(Error::BadTotpCode);
        }
        let secret = secret.to_owned();
        self.transact(|tx, ctx, actor| {
            users::update(
                tx,
                ctx,
                actor.user,
                &Update {
                    totp_secret: Some(Some(secret)),
                    ..Update::default()
                },
            )?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("user.totp_enrol", Outcome::Success).entity("user", actor.user),
            )?;
            Ok(())
        })?;
        self.actor.must_enrol_totp = false;
        Ok(())
    }
}

fn no_such_user(username: &str) -> Error {
    Error::validation("username", format!("there is no user \"{username}\""))
}

/// Branch codes as typed: trimmed, upper case, blanks dropped, each once.
pub fn clean_branch_codes(codes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = codes
        .iter()
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn branch_codes_are_trimmed_upper_cased_and_listed_once() {
        let typed: Vec<String> = [" br02", "BR01", "", "br01 "].map(String::from).to_vec();
        assert_eq!(super::clean_branch_codes(&typed), ["BR01", "BR02"]);
    }

    use std::sync::Arc;

    use crate::{Code, KdfParams, ManualClock, Session, Setup, Workstation};

    fn admin(dir: &std::path::Path) -> Session {
        Workstation::init(
            dir,
            &Setup::new("Clinic", "admin", "a long password"),
            Arc::new(ManualClock::monday_morning()),
            KdfParams::FAST_INSECURE_FOR_TESTS,
        )
        .unwrap()
        .session
    }

    #[test]
    fn branches_are_found_by_code_whatever_its_case_and_named_by_id() {
        let tmp = tempfile::tempdir().unwrap();
        let mut session = admin(tmp.path());
        let west = session.add_branch("BR02", "Westside").unwrap();
        let found = session.branch_by_code("branch", " br02 ").unwrap();
        assert_eq!(found, west, "trimmed and upper-cased before the look-up");
        let unknown = session.branch_by_code("branch", " xx9 ").unwrap_err();
        assert_eq!(
            (unknown.code(), unknown.field()),
            (Code::Validation, Some("branch")),
            "an unknown code is the asking field's error"
        );
        assert!(
            unknown.to_string().ends_with("there is no branch XX9"),
            "the message names the code as looked up: {unknown}"
        );

        let codes = session.branch_codes().unwrap();
        assert_eq!(codes.len(), 2, "this workstation's branch and the new one");
        assert_eq!(codes.get(&west.id).map(String::as_str), Some("BR02"));
        assert_eq!(
            codes.get(&session.clinic().branch_id),
            Some(&session.clinic().branch_code)
        );
    }
}
