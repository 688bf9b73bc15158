//! `/v1/auth/*`: users of enrolled workstations sign in to the server.
//!
//! Who may log in, from an enrolled workstation only (the device token comes with the
//! login): a user the server knows from synced `users` rows, active, whose name matches;
//! or a user id the server has not seen yet (made on the workstation since its last
//! push; the push brings the row, checked against the rights of the admin who made it).
//!
//! The first login of a user records the password's Argon2id verifier (the workstation
//! has just opened the user's key envelope with that password), and only from the
//! workstation that made the user. From then on the password must match, and only
//! `/v1/auth/password`, with the current password, changes it.
//!
//! Password guessing is throttled per account (the user name, whichever device or
//! address the attempts come from): every attempt is counted before the password is
//! checked, and after `Limits::login_failures_allowed` unsuccessful ones in a row the
//! account's sign-in is refused with 429 for `Limits::login_lockout`. The counts live in
//! PostgreSQL (`login_throttle`), timed by its clock, so every server process on the
//! database enforces the same lock-out; a successful sign-in clears them.

use clinic_protocol::{LoginRequest, PasswordChange, TokenPair};
use deadpool_postgres::Transaction;
use serde_json::Value;

use crate::auth::{self, Device, SignedIn};
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::tokens;

fn wrong_password() -> Error {
    Error::Unauthorized(
        "the user name or password is not the one the sync server knows for this user".into(),
    )
}

async fn argon<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::BadRequest(format!("password check failed: {e}")))
}

pub async fn login(
    tx: &Transaction<'_>,
    device: &Device,
    request: &LoginRequest,
    key: &[u8],
    limits: &Limits,
) -> Result<TokenPair> {
    // A workstation joining the group knows only the name; it may not claim a user
    // whose password the server has never seen.
    let by_name = request.user_id.is_empty();
    let user_id = if by_name {
        let ids = tx
            .query(
                "SELECT row_id FROM row_state
                 WHERE table_name = 'users' AND NOT deleted AND lower(fields->>'username') = lower($1)",
                &[&request.username.trim()],
            )
            .await?;
        match ids.as_slice() {
            [one] => one.get::<_, String>(0),
            [] => return Err(wrong_password()),
            _ => {
                return Err(Error::BadRequest(
                    "several users have this name on the server; ask IT".into(),
                ));
            }
        }
    } else if crate::sync::looks_like_uuid(&request.user_id) {
        request.user_id.clone()
    } else {
        return Err(Error::BadRequest("user_id must be the user's UUID".into()));
    };
    let user = tx
        .query_opt(
            "SELECT fields, deleted FROM row_state WHERE table_name = 'users' AND row_id = $1",
            &[&user_id],
        )
        .await?;
    // Only users the server holds may sign in; the one exception is the group's first
    // set-up, whose first push brings its administrator. Anyone else made on a
    // workstation reaches the server with their administrator's sync first.
    let Some(row) = user else {
        if group_founded(tx).await? {
            return Err(Error::Unauthorized(
                "this user is not on the sync server yet: the administrator who made them syncs first, then they sign in again (a new branch's first workstation joins the group as one of its users: clinic join, or the set-up screen's join mode)".into(),
            ));
        }
        return check_password(tx, device, &user_id, false, request, key, limits).await;
    };
    let fields: Value = row.get(0);
    let name_matches = fields
        .get("username")
        .and_then(Value::as_str)
        .is_some_and(|n| n.eq_ignore_ascii_case(request.username.trim()));
    if !name_matches {
        return Err(wrong_password());
    }
    let active = fields.get("active").and_then(Value::as_bool) == Some(true);
    if row.get::<_, bool>(1) || !active {
        return Err(Error::Forbidden(
            "this user has been deactivated; ask an administrator".into(),
        ));
    }
    check_password(tx, device, &user_id, by_name, request, key, limits).await
}

/// The throttle's name for the account a login names: the user name as the server
/// matches it (case-insensitively, surrounding spaces ignored).
pub fn throttle_account(request: &LoginRequest) -> String {
    request.username.trim().to_lowercase()
}

/// A login attempt counted against its account before the password is checked.
pub struct Attempt {
    account: String,
    failures: i32,
}

fn seconds(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_secs().max(1)).unwrap_or(i64::MAX)
}

/// Counts an attempt for `account`, or refuses it while the account is locked out. The
/// count comes first (one statement, committed at once), so concurrent guesses cannot
/// all slip in under the limit before any failure is recorded.
pub async fn begin_attempt(
    client: &deadpool_postgres::Client,
    account: &str,
    limits: &Limits,
) -> Result<Attempt> {
    let window = seconds(limits.login_lockout);
    let counted = client
        .query_opt(
            "INSERT INTO login_throttle AS t (account, failures, last_attempt_at)
             VALUES ($1, 1, now())
             ON CONFLICT (account) DO UPDATE SET
                 failures = CASE
                     WHEN t.locked_until <= now()
                       OR t.last_attempt_at <= now() - make_interval(secs => $2::bigint::double precision)
                     THEN 1 ELSE t.failures + 1 END,
                 locked_until = NULL,
                 last_attempt_at = now()
             WHERE t.locked_until IS NULL OR t.locked_until <= now()
             RETURNING failures",
            &[&account, &window],
        )
        .await?;
    let Some(row) = counted else {
        let retry_after: Option<i64> = client
            .query_opt(
                "SELECT greatest(1, ceil(extract(epoch FROM locked_until - now())))::bigint
                 FROM login_throttle WHERE account = $1",
                &[&account],
            )
            .await?
            .map(|r| r.get(0));
        return Err(Error::TooManyAttempts {
            retry_after: retry_after.map_or(1, |s| u64::try_from(s).unwrap_or(1)),
        });
    };
    let failures: i32 = row.get(0);
    let allowed = i32::try_from(limits.login_failures_allowed.max(1)).unwrap_or(i32::MAX);
    if failures > allowed {
        // Only concurrent attempts get here: lock now rather than check one more guess.
        lock(client, account, limits).await?;
        return Err(Error::TooManyAttempts {
            retry_after: limits.login_lockout.as_secs().max(1),
        });
    }
    Ok(Attempt {
        account: account.to_owned(),
        failures,
    })
}

async fn lock(client: &deadpool_postgres::Client, account: &str, limits: &Limits) -> Result<()> {
    client
        .execute(
            "UPDATE login_throttle
             SET locked_until = now() + make_interval(secs => $2::bigint::double precision)
             WHERE account = $1 AND locked_until IS NULL",
            &[&account, &seconds(limits.login_lockout)],
        )
        .await?;
    Ok(())
}

/// The attempt did not sign in: the account is locked out once it has used up its tries.
pub async fn attempt_failed(
    client: &deadpool_postgres::Client,
    attempt: &Attempt,
    limits: &Limits,
) -> Result<()> {
    if i64::from(attempt.failures) >= i64::from(limits.login_failures_allowed.max(1)) {
        lock(client, &attempt.account, limits).await?;
    }
    Ok(())
}

/// The attempt signed in: the account's count starts again (in the login's transaction).
pub async fn attempt_succeeded(tx: &Transaction<'_>, attempt: &Attempt) -> Result<()> {
    tx.execute(
        "DELETE FROM login_throttle WHERE account = $1",
        &[&attempt.account],
    )
    .await?;
    Ok(())
}

/// Whether the server holds any user yet (after the group's first set-up it does).
pub(crate) async fn group_founded(tx: &Transaction<'_>) -> Result<bool> {
    Ok(tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM row_state WHERE table_name = 'users')",
            &[],
        )
        .await?
        .get(0))
}

/// Checks the password against the recorded verifier, or records the first one (from
/// the workstation that made the user only), then issues tokens.
async fn check_password(
    tx: &Transaction<'_>,
    device: &Device,
    user_id: &str,
    by_name: bool,
    request: &LoginRequest,
    key: &[u8],
    limits: &Limits,
) -> Result<TokenPair> {
    let user_id = user_id.to_owned();
    let stored: Option<String> = tx
        .query_opt(
            "SELECT verifier FROM user_credentials WHERE user_id = CAST($1 AS TEXT)::uuid FOR UPDATE",
            &[&user_id],
        )
        .await?
        .map(|r| r.get(0));
    let password = request.password.clone();
    match stored {
        Some(verifier) => {
            if !argon(move || tokens::check_verifier(&verifier, &password)).await? {
                return Err(wrong_password());
            }
        }
        None if by_name || request.existing_only => {
            return Err(Error::Unauthorized(
                "this user has not signed in to the sync server yet: sign in and sync once on a workstation that already has the user, then try again".into(),
            ));
        }
        None => {
            // Only the workstation that made the user (where their key envelope is) may
            // record their first password; otherwise any enrolled device could claim an
            // account whose owner has not signed in to the server yet.
            let maker: Option<String> = tx
                .query_opt(
                    "SELECT device_id::text FROM change_log
                     WHERE table_name = 'users' AND row_id = $1 ORDER BY seq LIMIT 1",
                    &[&user_id],
                )
                .await?
                .map(|r| r.get(0));
            if maker.is_some_and(|maker| maker != device.id) {
                return Err(Error::Unauthorized(
                    "this user has not signed in to the sync server yet: they sign in once on the workstation where their account was made, while it is online".into(),
                ));
            }
            let verifier = argon(move || tokens::make_verifier(&password)).await??;
            let inserted = tx
                .execute(
                    "INSERT INTO user_credentials (user_id, verifier, set_by_device)
                     VALUES (CAST($1 AS TEXT)::uuid, $2, CAST($3 AS TEXT)::uuid)
                     ON CONFLICT (user_id) DO NOTHING",
                    &[&user_id, &verifier, &device.id],
                )
                .await?;
            if inserted == 0 {
                // Another login recorded one first; ask again and it is checked.
                return Err(wrong_password());
            }
        }
    }
    issue(tx, &user_id, &device.id, None, key, limits).await
}

/// A new refresh token (in `family`, or a new family) and an access token.
async fn issue(
    tx: &Transaction<'_>,
    user_id: &str,
    device_id: &str,
    family: Option<String>,
    key: &[u8],
    limits: &Limits,
) -> Result<TokenPair> {
    let refresh = auth::new_secret(32)?;
    let family = match family {
        Some(f) => f,
        None => tx
            .query_one("SELECT gen_random_uuid()::text", &[])
            .await?
            .get(0),
    };
    let seconds = i64::try_from(limits.refresh_token_lifetime.as_secs()).unwrap_or(i64::MAX);
    tx.execute(
        "INSERT INTO refresh_tokens (token_hash, family, user_id, device_id, expires_at)
         VALUES ($1, CAST($2 AS TEXT)::uuid, CAST($3 AS TEXT)::uuid, CAST($4 AS TEXT)::uuid,
                 now() + make_interval(secs => $5::bigint::double precision))",
        &[
            &auth::hash(&refresh),
            &family,
            &user_id,
            &device_id,
            &seconds,
        ],
    )
    .await?;
    Ok(TokenPair {
        token_type: "Bearer".into(),
        user_id: user_id.to_owned(),
        access_token: tokens::sign(key, user_id, device_id, limits.access_token_lifetime),
        expires_in: limits.access_token_lifetime.as_secs(),
        refresh_token: refresh,
    })
}

/// What happened to a refresh token presented again.
pub enum Refreshed {
    Pair(TokenPair),
    /// A replaced token came back: its family is now revoked (committed by the caller
    /// before answering 401).
    Reused,
}

pub async fn refresh(
    tx: &Transaction<'_>,
    refresh_token: &str,
    key: &[u8],
    limits: &Limits,
) -> Result<Refreshed> {
    let row = tx
        .query_opt(
            "SELECT family::text, user_id::text, device_id::text,
                    replaced_at IS NOT NULL, revoked_at IS NOT NULL, expires_at <= now()
             FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE",
            &[&auth::hash(refresh_token.trim())],
        )
        .await?
        .ok_or_else(|| {
            Error::Unauthorized("this refresh token is not known; sign in again".into())
        })?;
    let family: String = row.get(0);
    let user_id: String = row.get(1);
    let device_id: String = row.get(2);
    if row.get::<_, bool>(3) {
        tx.execute(
            "UPDATE refresh_tokens SET revoked_at = now()
             WHERE family = CAST($1 AS TEXT)::uuid AND revoked_at IS NULL",
            &[&family],
        )
        .await?;
        return Ok(Refreshed::Reused);
    }
    if row.get::<_, bool>(4) {
        return Err(Error::Unauthorized(
            "this sign-in has ended (signed out or revoked); sign in again".into(),
        ));
    }
    if row.get::<_, bool>(5) {
        return Err(Error::Unauthorized(
            "this sign-in has expired; sign in again".into(),
        ));
    }
    let device = tx
        .query_one(
            "SELECT revoked_at IS NOT NULL FROM devices WHERE id = CAST($1 AS TEXT)::uuid",
            &[&device_id],
        )
        .await?;
    if device.get::<_, bool>(0) {
        return Err(auth::revoked());
    }
    tx.execute(
        "UPDATE refresh_tokens SET replaced_at = now() WHERE token_hash = $1",
        &[&auth::hash(refresh_token.trim())],
    )
    .await?;
    issue(tx, &user_id, &device_id, Some(family), key, limits)
        .await
        .map(Refreshed::Pair)
}

/// Ends the sign-in the refresh token belongs to (its whole family). Unknown tokens are
/// not an error: signing out twice is fine.
pub async fn logout(tx: &Transaction<'_>, refresh_token: &str) -> Result<()> {
    tx.execute(
        "UPDATE refresh_tokens SET revoked_at = now()
         WHERE revoked_at IS NULL AND family = (
             SELECT family FROM refresh_tokens WHERE token_hash = $1)",
        &[&auth::hash(refresh_token.trim())],
    )
    .await?;
    Ok(())
}

pub async fn change_password(
    tx: &Transaction<'_>,
    user: &SignedIn,
    change: &PasswordChange,
) -> Result<()> {
    let verifier: String = tx
        .query_opt(
            "SELECT verifier FROM user_credentials WHERE user_id = CAST($1 AS TEXT)::uuid FOR UPDATE",
            &[&user.user_id],
        )
        .await?
        .ok_or_else(wrong_password)?
        .get(0);
    let current = change.current_password.clone();
    if !argon(move || tokens::check_verifier(&verifier, &current)).await? {
        return Err(wrong_password());
    }
    if change.new_password.chars().count() < 10 {
        return Err(Error::BadRequest(
            "the new password must have at least 10 characters".into(),
        ));
    }
    let new = change.new_password.clone();
    let verifier = argon(move || tokens::make_verifier(&new)).await??;
    tx.execute(
        "UPDATE user_credentials SET verifier = $2, set_by_device = CAST($3 AS TEXT)::uuid, set_at = now()
         WHERE user_id = CAST($1 AS TEXT)::uuid",
        &[&user.user_id, &verifier, &user.device.id],
    )
    .await?;
    Ok(())
}
