//! The audit chain's hash, shared by the workstation that writes an event and the sync
//! server that anchors each device's chain on push, so both compute it identically.
//!
//! Invariants: an event's hash is SHA-256 over a JSON array of every field but the hash
//! itself, in a fixed order; each device's first event follows [`GENESIS`].

use serde_json::{Map, Value, json};
use sha2::{Digest as _, Sha256};

/// The previous hash of a device's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an audit event, in hashing order.
pub const FIELDS: [&str; 15] = [
    "id",
    "device_id",
    "device_seq",
    "at",
    "user_id",
    "username",
    "role",
    "session_id",
    "action",
    "entity",
    "entity_id",
    "patient_id",
    "outcome",
    "details",
    "prev_hash",
];

/// The chain hash of an event given as its synced fields.
pub fn chain_hash(fields: &Map<String, Value>) -> String {
    let canonical: Vec<Value> = FIELDS
        .iter()
        .map(|f| fields.get(*f).cloned().unwrap_or(Value::Null))
        .collect();
    hex(&Sha256::digest(json!(canonical).to_string().as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_covers_every_field_and_ignores_the_hash_itself() {
        let event = json!({
            "id": "e1", "device_id": "d", "device_seq": 1, "at": "2026-01-05T09:00:00.000Z",
            "user_id": null, "username": null, "role": null, "session_id": null,
            "action": "sign_in", "entity": null, "entity_id": null, "patient_id": null,
            "outcome": "success", "details": "{}", "prev_hash": GENESIS,
        });
        let mut fields = event.as_object().unwrap().clone();
        let hash = chain_hash(&fields);
        assert_eq!(hash.len(), 64);
        fields.insert("hash".into(), json!("anything"));
        assert_eq!(chain_hash(&fields), hash, "the stored hash is not hashed");
        fields.insert("outcome".into(), json!("denied"));
        assert_ne!(
            chain_hash(&fields),
            hash,
            "an edited event changes its hash"
        );
    }
}
