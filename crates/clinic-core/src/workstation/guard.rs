//! Protection against password guessing at the workstation: consecutive failures per
//! user name lock the account with a growing back-off, and the count survives restarts.
//!
//! Failures happen before the database can be opened (the password is what opens it), so
//! they are kept in a small plain file beside the database, `signin.json`, together with
//! the failed attempts not yet written to the audit log. The next successful sign-in
//! writes them into the audit log with their original times. The file holds user names
//! and times only. Someone who can edit it can also copy the database and guess offline,
//! which Argon2id is there to make slow; this guard is for guessing at the keyboard. A
//! damaged file is treated as empty rather than locking everybody out.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::keyfile::write_atomically;

/// Failures allowed before the first lock-out.
pub const FREE_ATTEMPTS: u32 = 5;
const FIRST_LOCK_SECONDS: i64 = 30;
const LONGEST_LOCK_SECONDS: i64 = 3600;
/// Bounds the file when someone types many different unknown user names.
const MAX_ACCOUNTS: usize = 1000;
const MAX_PENDING: usize = 10_000;

#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    accounts: BTreeMap<String, Account>,
    pending: Vec<Attempt>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct Account {
    failures: u32,
    locked_until: Option<DateTime<Utc>>,
}

/// A failed or refused attempt waiting to be written to the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    pub username: String,
    /// `bad_password`, `bad_totp_code`, `locked_out` (refused while locked) or
    /// `lockout` (this failure started a lock-out).
    pub reason: String,
}

#[derive(Debug, Clone)]
pub(crate) struct SignInGuard {
    path: PathBuf,
}

/// Serialises read-modify-write of the guard file within this process (the app signs
/// people in from several threads).
static FILE_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn locked() -> std::sync::MutexGuard<'static, ()> {
    FILE_LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

impl SignInGuard {
    pub(crate) fn new(path: PathBuf) -> Self {
        Self { path }
    }

    fn load(&self) -> State {
        fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    fn save(&self, state: &State) -> Result<()> {
        let json = serde_json::to_vec(state)
            .map_err(|e| Error::Internal(format!("encoding sign-in state: {e}")))?;
        write_atomically(&self.path, &json)
    }

    /// Refuses (and remembers the refusal) while the account is locked out.
    pub(crate) fn check(&self, username: &str, now: DateTime<Utc>) -> Result<()> {
        let _guard = locked();
        let mut state = self.load();
        let key = username.to_lowercase();
        let until = state
            .accounts
            .get(&key)
            .and_then(|a| a.locked_until)
            .filter(|until| *until > now);
        match until {
            Some(until) => {
                push(&mut state, now, &key, "locked_out");
                self.save(&state)?;
                Err(Error::LockedOut {
                    until: until.format("%Y-%m-%d %H:%M:%S").to_string(),
                })
            }
            None => Ok(()),
        }
    }

    /// Counts a failure; returns the lock-out it started, if any.
    pub(crate) fn fail(
        &self,
        username: &str,
        now: DateTime<Utc>,
        reason: &str,
    ) -> Result<Option<DateTime<Utc>>> {
        let _guard = locked();
        let mut state = self.load();
        let key = username.to_lowercase();
        if !state.accounts.contains_key(&key) && state.accounts.len() >= MAX_ACCOUNTS {
            // Forget the account with the fewest failures to make room.
            if let Some(victim) = state
                .accounts
                .iter()
                .min_by_key(|(_, a)| a.failures)
                .map(|(k, _)| k.clone())
            {
                state.accounts.remove(&victim);
            }
        }
        let account = state.accounts.entry(key.clone()).or_default();
        account.failures += 1;
        let lock = (account.failures >= FREE_ATTEMPTS).then(|| {
            let doublings = (account.failures - FREE_ATTEMPTS).min(20);
            let seconds = (FIRST_LOCK_SECONDS << doublings).min(LONGEST_LOCK_SECONDS);
            now + Duration::seconds(seconds)
        });
        account.locked_until = lock;
        push(&mut state, now, &key, reason);
        if lock.is_some() {
            push(&mut state, now, &key, "lockout");
        }
        self.save(&state)?;
        Ok(lock)
    }

    /// Remembers an event that happened while the database was closed (a password
    /// change or recovery), for the next sign-in to write to the audit log.
    pub(crate) fn note(&self, username: &str, at: DateTime<Utc>, reason: &str) -> Result<()> {
        let _guard = locked();
        let mut state = self.load();
        push(&mut state, at, &username.to_lowercase(), reason);
        self.save(&state)
    }

    /// Attempts not yet in the audit log.
    pub(crate) fn pending(&self) -> Vec<Attempt> {
        self.load().pending
    }

    /// After a successful sign-in whose transaction wrote `written` pending attempts:
    /// forget them and reset the user's count.
    pub(crate) fn succeeded(&self, username: &str, written: usize) -> Result<()> {
        let _guard = locked();
        let mut state = self.load();
        state.accounts.remove(&username.to_lowercase());
        let written = written.min(state.pending.len());
        state.pending.drain(..written);
        self.save(&state)
    }

    pub(crate) fn failures(&self, username: &str) -> u32 {
        self.load()
            .accounts
            .get(&username.to_lowercase())
            .map_or(0, |a| a.failures)
    }
}

fn push(state: &mut State, at: DateTime<Utc>, username: &str, reason: &str) {
    if state.pending.len() >= MAX_PENDING {
        state.pending.remove(0);
    }
    state.pending.push(Attempt {
        at,
        username: username.to_owned(),
        reason: reason.to_owned(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn back_off_doubles_after_the_free_attempts_and_is_capped() {
        let dir = tempfile::tempdir().unwrap();
        let guard = SignInGuard::new(dir.path().join("signin.json"));
        for _ in 1..FREE_ATTEMPTS {
            assert_eq!(guard.fail("ana", t(0), "bad_password").unwrap(), None);
        }
        assert_eq!(
            guard.fail("ana", t(0), "bad_password").unwrap(),
            Some(t(30))
        );
        assert_eq!(
            guard.fail("ana", t(0), "bad_password").unwrap(),
            Some(t(60))
        );
        assert_eq!(
            guard.fail("ANA", t(0), "bad_password").unwrap(),
            Some(t(120)),
            "names fold case"
        );
        for _ in 0..20 {
            guard.fail("ana", t(0), "bad_password").unwrap();
        }
        assert_eq!(
            guard.fail("ana", t(0), "bad_password").unwrap(),
            Some(t(3600)),
            "capped at an hour"
        );
    }

    #[test]
    fn a_damaged_file_does_not_lock_everyone_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("signin.json");
        std::fs::write(&path, b"{not json").unwrap();
        let guard = SignInGuard::new(path);
        assert!(guard.check("ana", t(0)).is_ok());
        assert_eq!(guard.failures("ana"), 0);
    }
}
