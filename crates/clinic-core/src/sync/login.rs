//! Signing in to the sync server for a session: the password until the first login
//! succeeds (a workstation often signs in offline), then the access token, renewed with
//! the refresh token, and a new login only when the refresh is refused. The credentials
//! themselves are held by the session ([`crate::session::ServerLogin`]), zeroized when
//! it locks or ends.

use std::time::{Duration, Instant};

use clinic_protocol::{RefreshRequest, TokenPair};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

use super::http::Http;
use crate::session::ServerLogin;
impl ServerLogin {
    pub(crate) fn access_token(
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
