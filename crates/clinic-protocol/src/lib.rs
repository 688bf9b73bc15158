//! Wire types shared by the sync client (in `clinic-core`) and the sync server, and the
//! merge rules both sides apply, so they can never disagree. Plain serde data: no
//! database, no HTTP framework. Every request carries the protocol and schema versions so
//! an old client gets a clear "please update" answer instead of being misread.

pub mod attachments;
pub mod audit;
pub mod billing;
pub mod limits;
pub mod merge;
pub mod policy;
pub mod stock;
pub mod tables;

use serde::{Deserialize, Serialize};

/// Bumped whenever a wire type changes incompatibly.
pub const PROTOCOL_VERSION: u32 = 1;

/// `GET /v1/health`: the server is up and which protocol it speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub protocol_version: u32,
    /// The central schema version the server has migrated to.
    pub schema_version: u32,
}

/// `GET /v1/status`: who the server thinks this device is, and how far the log goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub device_id: String,
    pub branch_code: String,
    /// The newest sequence number in the server's change log.
    pub latest_seq: i64,
    /// The last audit event of this device the server has acknowledged (0: none yet):
    /// the device's chain up to it is anchored on the server.
    #[serde(default)]
    pub audit_seq: i64,
    /// That event's chain hash.
    #[serde(default)]
    pub audit_hash: String,
    pub protocol_version: u32,
    pub schema_version: u32,
}

/// How a change merges (see [`merge`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Set these fields of the row (per-field last-writer-wins).
    Upsert,
    /// A new append-only row (note version, audit event, payment, stock movement).
    Append,
    /// The row is archived/removed from its table (configuration rows only).
    Tombstone,
}

/// One change as recorded in a workstation's outbox. Its `change_id` makes pushing it
/// again harmless.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub change_id: String,
    pub table: String,
    pub row_id: String,
    pub kind: ChangeKind,
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// Hybrid logical clock stamp, `<wall ms>-<counter>-<device>`; sorts as text.
    pub hlc: String,
    pub device_id: String,
    pub user_id: Option<String>,
    pub schema_version: u32,
}

/// `POST /v1/enroll`: a workstation joins with a one-time code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollRequest {
    pub protocol_version: u32,
    pub code: String,
    pub device_id: String,
    pub device_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollResponse {
    pub device_id: String,
    pub branch_code: String,
    /// The device's secret credential; the server keeps only its hash.
    pub device_token: String,
}

/// `POST /v1/auth/login`, sent with the device token as bearer: a user of an enrolled
/// workstation signs in to the server. The first login of a user the server knows (from
/// synced `users` rows) records the password's verifier; later ones must match it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub protocol_version: u32,
    /// The user's id; empty when a new workstation joins and knows only the name (then
    /// the server must already hold the user's verifier).
    pub user_id: String,
    pub username: String,
    pub password: String,
    /// Only a user whose verifier the server already holds (set when a workstation
    /// vouches for someone else's password, or joins by name).
    #[serde(default)]
    pub existing_only: bool,
}

/// `POST /v1/auth/refresh` and `POST /v1/auth/logout`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// `POST /v1/auth/password`, sent with the user's access token: changes the password the
/// server checks at login; the current one must be given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// The answer to a login or a refresh: a short-lived access token (a JWT, sent as
/// bearer to push and pull) and a single-use refresh token for the next pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenPair {
    pub token_type: String,
    /// The signed-in user.
    pub user_id: String,
    pub access_token: String,
    /// Seconds the access token stays valid.
    pub expires_in: u64,
    pub refresh_token: String,
}

/// `GET /v1/devices` (administrators): one enrolled workstation of the group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    pub device_id: String,
    pub name: String,
    pub branch_code: String,
    pub enrolled_at: String,
    pub revoked_at: Option<String>,
    /// When the server last received a change from it.
    pub last_push_at: Option<String>,
}

/// `POST /v1/devices/revoke` (administrators).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeDevice {
    pub device_id: String,
}

/// `POST /v1/push`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub protocol_version: u32,
    pub schema_version: u32,
    pub changes: Vec<Change>,
}

/// Why the server did not take a change. Nothing is dropped silently: the client keeps
/// the change and shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub change_id: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    /// Accepted now or earlier (a re-sent change is accepted again, not applied twice).
    pub accepted: Vec<String>,
    pub rejected: Vec<Rejection>,
}

/// `GET /v1/pull?cursor=N&limit=M`: changes after the cursor, in server order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullPage {
    pub changes: Vec<SequencedChange>,
    /// Pass this as `cursor` next time.
    pub next_cursor: i64,
    /// More changes are waiting after this page.
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SequencedChange {
    pub seq: i64,
    #[serde(flatten)]
    pub change: Change,
}

/// Every error answer: RFC 9457 problem details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// A URI naming the kind of problem, e.g. `urn:clinic:problem:update-required`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_has_a_stable_json_shape() {
        let health = Health {
            status: "ok".into(),
            protocol_version: PROTOCOL_VERSION,
            schema_version: 1,
        };
        assert_eq!(
            serde_json::to_string(&health).unwrap(),
            r#"{"status":"ok","protocol_version":1,"schema_version":1}"#,
            "clients of other versions parse this exact shape"
        );
    }

    #[test]
    fn a_sequenced_change_is_a_flat_json_object() {
        let change = SequencedChange {
            seq: 7,
            change: Change {
                change_id: "c".into(),
                table: "patients".into(),
                row_id: "r".into(),
                kind: ChangeKind::Upsert,
                fields: serde_json::Map::new(),
                hlc: "h".into(),
                device_id: "d".into(),
                user_id: None,
                schema_version: 3,
            },
        };
        let json = serde_json::to_value(&change).unwrap();
        assert_eq!(json["seq"], 7);
        assert_eq!(json["kind"], "upsert");
        assert_eq!(
            serde_json::from_value::<SequencedChange>(json).unwrap(),
            change
        );
    }

    #[test]
    fn problems_use_the_rfc_9457_member_names() {
        let p = Problem {
            kind: "urn:clinic:problem:update-required".into(),
            title: "Update required".into(),
            status: 426,
            detail: "install version 2".into(),
        };
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["type"], "urn:clinic:problem:update-required");
        assert!(json.get("kind").is_none());
    }
}
