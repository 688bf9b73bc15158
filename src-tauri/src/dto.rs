//! What the commands send to the UI. `ui/src/lib/api.ts` mirrors these types by hand.

use clinic_core::{Actor, ClinicInfo, Code, Session};
use serde::{Serialize, Serializer};
use zeroize::Zeroizing;

/// `app_state`: what the first screen needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppState {
    pub initialized: bool,
    pub demo: bool,
    pub demo_username: Option<String>,
    pub demo_password: Option<String>,
    /// Only known while a session is open: the name is inside the encrypted database.
    pub clinic_name: Option<String>,
}

/// A successful sign-in.
#[derive(Debug, Clone, Serialize)]
pub struct SignedIn {
    pub clinic: ClinicInfo,
    pub actor: Actor,
}

impl SignedIn {
    pub fn of(session: &Session) -> Self {
        Self {
            clinic: session.clinic().clone(),
            actor: session.actor().clone(),
        }
    }
}

/// A successful set-up: the admin is signed in and the recovery code is shown once.
#[derive(Serialize)]
pub struct SetUpDone {
    #[serde(serialize_with = "expose")]
    pub recovery_code: Zeroizing<String>,
    pub clinic: ClinicInfo,
    pub actor: Actor,
}

impl std::fmt::Debug for SetUpDone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetUpDone")
            .field("recovery_code", &"<redacted>")
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}

fn expose<S: Serializer>(secret: &Zeroizing<String>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.as_str())
}

/// Every command error reaches the UI as `{ code, message, field }`; `field` names the
/// form field a validation error is about and is `null` otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommandError {
    pub code: Code,
    pub message: String,
    pub field: Option<&'static str>,
}

impl CommandError {
    pub fn internal(message: impl Into<String>) -> Self {
        Self {
            code: Code::Internal,
            message: message.into(),
            field: None,
        }
    }
}

impl From<clinic_core::Error> for CommandError {
    fn from(err: clinic_core::Error) -> Self {
        let field = err.field();
        let mut message = err.to_string();
        // A validation error displays as "field: message"; the UI shows the message next
        // to the field itself, so the prefix would only repeat the field's (internal) name.
        if let Some(field) = field
            && let Some(rest) = message.strip_prefix(&format!("{field}: "))
        {
            message = rest.to_owned();
        }
        Self {
            code: err.code(),
            message,
            field,
        }
    }
}
