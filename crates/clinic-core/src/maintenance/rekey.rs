//! Changing the database key ([`Session::rekey`], `clinic rekey`).
//!
//! Removing a deactivated user's envelope stops their password from unwrapping the key
//! in the current `keys.json`, but a copy of `keys.json` taken earlier still does, and
//! that key opens the database for as long as the database keeps it. Re-keying makes a
//! new random key, re-encrypts every page under it and seals it again, so no earlier
//! copy of the key file opens the database any more.
//!
//! Envelopes are sealed under keys derived from each holder's own password, so only the
//! administrator running the re-key (who types their password) and the recovery code (a
//! new one, shown once) can be sealed again. Every other user's envelope is dropped and
//! marked `rekeyed` in the key file; an administrator seals it again
//! ([`Session::seal_user_here`], or [`Session::admit_user_here`] with the sync server).
//!
//! The order never leaves the workstation unopenable, whatever step the process dies at:
//!
//! 1. The new key file is written complete, atomically, beside the old one as
//!    `keys.json.rekey` (the staged file). The old `keys.json` is untouched.
//! 2. `PRAGMA rekey` re-encrypts the database in one SQLite transaction (the WAL is
//!    emptied before and after). Its commit is the point of no return.
//! 3. The staged file is renamed over `keys.json` (atomic), the directory is synced.
//! 4. The re-key is written to the audit log under the new key.
//!
//! At the next sign-in, a staged file left behind is settled with the credentials being
//! typed: if the current `keys.json` still opens the database, the re-key never
//! committed and the staged file is deleted (rolled back); if the staged file's envelope
//! for that person opens it, the re-key committed and the staged file is moved into
//! place (finished). Both are audited. Until then, a user without an envelope in the
//! staged file is told that the administrator who started the re-key must sign in.

use crate::envelope::{DataKey, Envelope, Holder, RecoveryCode};
use crate::error::{Error, Result};
use crate::keyfile::Removal;
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::audit::{Event, Outcome};
use crate::workstation::staged_key::{interrupted, promote, staged_path};

/// The outcome of a re-key.
#[derive(Debug)]
pub struct Rekeyed {
    /// The new recovery code: show it once; the old one no longer opens anything.
    pub recovery_code: RecoveryCode,
    /// Users whose envelope was dropped: an administrator seals it again before they can
    /// sign in here.
    pub readmit: Vec<String>,
}

impl Session {
    /// Generates a new database key, re-encrypts the whole database under it and seals
    /// it for the administrator running it (`password` is theirs) and a new recovery
    /// code; see the module documentation for the order and for who must be sealed
    /// again. Other sessions open on this database (and a session's sync companion)
    /// stop working: their connections still hold the old key. Administrators only.
    pub fn rekey(&mut self, password: &str) -> Result<Rekeyed> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        let workstation = self.workstation.clone();
        if interrupted(&workstation) {
            return Err(Error::validation(
                "password",
                "another change of the database key is under way on this workstation; wait for it to finish",
            ));
        }
        let actor = self.actor.clone();
        let (proved, _) = workstation.unseal_user(&actor.username, password)?;
        if proved != self.live()?.key {
            return Err(Error::BadCredentials);
        }
        drop(proved);
        let key = DataKey::generate()?;
        let recovery_code = RecoveryCode::generate()?;
        let kdf = workstation.kdf();

        // The lock is held until the new file is in place, so no envelope under the old
        // key can be added meanwhile by this process.
        let mut keys = workstation.keys();
        let mut next = keys.clone();
        let others: Vec<_> = keys
            .envelopes
            .iter()
            .filter_map(|e| match &e.holder {
                Holder::User { user_id, username } if *user_id != actor.user => {
                    Some((*user_id, username.clone()))
                }
                _ => None,
            })
            .collect();
        for (user, username) in &others {
            next.remove_user(*user, username, Removal::Rekeyed);
        }
        let version = |e: Option<&Envelope>| e.map_or(1, |e| e.version + 1);
        next.put(Envelope::seal(
            &key,
            password.as_bytes(),
            next.database_id,
            Holder::User {
                user_id: actor.user,
                username: actor.username.clone(),
            },
            version(keys.user_envelope(&actor.username)),
            kdf,
        )?);
        next.put(Envelope::seal(
            &key,
            RecoveryCode::normalise(recovery_code.as_str()).as_bytes(),
            next.database_id,
            Holder::Recovery,
            version(keys.recovery_envelope()),
            kdf,
        )?);
        let staged = staged_path(&workstation);
        next.save(&staged)?;

        let unlocked = self.live()?;
        if let Err(err) = unlocked.store.rekey(&key) {
            // Which key the database takes now is settled at the next sign-in; this
            // session cannot know for sure, so it stops here.
            self.unlocked = None;
            return Err(err);
        }
        unlocked.key = key;
        let salt = unlocked.store.cipher_salt()?;
        if !salt.eq_ignore_ascii_case(&next.database_salt) {
            next.database_salt = salt;
            next.save(&staged)?;
        }
        promote(&workstation, &staged)?;
        *keys = next;
        drop(keys);

        let readmit: Vec<String> = others.into_iter().map(|(_, name)| name).collect();
        self.write_event(Event::new("database.rekey", Outcome::Success).details(
            serde_json::json!({
                "readmit": readmit,
                "recovery_code": "replaced",
            }),
        ))?;
        Ok(Rekeyed {
            recovery_code,
            readmit,
        })
    }
}
