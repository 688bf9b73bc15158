//! Wire types shared by the sync client (in `clinic-core`) and the sync server. Plain serde
//! data: no database, no HTTP framework. Every message carries the protocol version so an
//! old client gets a clear "please update" answer instead of being misread.

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
}
