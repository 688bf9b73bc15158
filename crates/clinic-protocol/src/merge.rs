//! Merge rules by kind of data, used by the client when it applies pulled changes and by
//! the server when it folds pushed changes into the current state. Never one rule for
//! all: demographic and administrative fields are last-writer-wins per field (by HLC
//! stamp, whose text order breaks ties by device); clinical notes, audit events,
//! payments and stock movements are append-only and simply united; hard rules (one
//! appointment per doctor slot, unique numbers, stock never negative) are decided by the
//! server, and the loser becomes a conflict for a person to resolve.

use serde_json::{Map, Value};

use crate::ChangeKind;

/// How a table's rows merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Per-field last-writer-wins.
    FieldLww,
    /// Rows are only ever added; every copy is kept.
    AppendOnly,
}

/// The rule for a synced table, or `None` for a table that is not synced.
pub fn rule_for(table: &str) -> Option<Rule> {
    Some(match table {
        "organisation" | "branches" | "users" | "user_branches" | "role_settings"
        | "notifications" | "patients" | "patient_merges" | "doctors" | "doctor_hours"
        | "doctor_time_off" | "appointments" => Rule::FieldLww,
        "audit_log" | "appointment_events" => Rule::AppendOnly,
        _ => return None,
    })
}

/// Whether a table's rows stay in the branch whose workstation wrote them: the server
/// sends them only to that branch's workstations ("a branch pulls what it needs").
/// Audit events are by far the largest table and each device's chain is verified where
/// it was written and on the server; everything else (patients, who may visit any
/// branch; doctors and bookings, checked across branches) goes to the whole group.
pub fn branch_scoped(table: &str) -> bool {
    table == "audit_log"
}

/// The field holding a table's human-readable number, which must be unique across the
/// group (a hard rule the server decides): record numbers and appointment numbers.
pub fn unique_number_field(table: &str) -> Option<&'static str> {
    match table {
        "patients" => Some("mrn"),
        "appointments" => Some("number"),
        _ => None,
    }
}

/// The HLC stamp of each field of a row, as kept beside the row.
pub type FieldClocks = Map<String, Value>;

/// Folds an incoming upsert into a row's fields and field clocks. Returns the fields that
/// changed (those whose incoming stamp is newer than the one on record); an older write
/// to a field leaves it alone, whatever order the changes arrive in.
pub fn apply_upsert(
    row: &mut Map<String, Value>,
    clocks: &mut FieldClocks,
    incoming: &Map<String, Value>,
    hlc: &str,
) -> Map<String, Value> {
    let mut won = Map::new();
    for (field, value) in incoming {
        let newer = clocks
            .get(field)
            .and_then(Value::as_str)
            .is_none_or(|current| hlc > current);
        if newer {
            row.insert(field.clone(), value.clone());
            clocks.insert(field.clone(), Value::String(hlc.to_owned()));
            won.insert(field.clone(), value.clone());
        }
    }
    won
}

/// Whether a change of `kind` is acceptable for a table with `rule`.
pub fn kind_allowed(rule: Rule, kind: ChangeKind) -> bool {
    match rule {
        Rule::FieldLww => matches!(kind, ChangeKind::Upsert | ChangeKind::Tombstone),
        Rule::AppendOnly => kind == ChangeKind::Append,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn last_writer_wins_per_field_whatever_the_arrival_order() {
        let a = obj(json!({ "phone": "111", "email": "a@x.org" }));
        let b = obj(json!({ "phone": "222" }));
        let (early, late) = ("0000000000001000-00000-aaaa", "0000000000002000-00000-bbbb");
        let mut row1 = Map::new();
        let mut clocks1 = Map::new();
        apply_upsert(&mut row1, &mut clocks1, &a, early);
        apply_upsert(&mut row1, &mut clocks1, &b, late);
        let mut row2 = Map::new();
        let mut clocks2 = Map::new();
        apply_upsert(&mut row2, &mut clocks2, &b, late);
        let won = apply_upsert(&mut row2, &mut clocks2, &a, early);
        assert_eq!(row1, row2, "same result in either order");
        assert_eq!(row1["phone"], "222", "the later phone wins");
        assert_eq!(row1["email"], "a@x.org", "an untouched field survives");
        assert_eq!(
            won.keys().collect::<Vec<_>>(),
            ["email"],
            "the stale phone lost"
        );
    }

    #[test]
    fn ties_in_wall_time_are_broken_by_counter_then_device() {
        let mut row = Map::new();
        let mut clocks = Map::new();
        apply_upsert(
            &mut row,
            &mut clocks,
            &obj(json!({"x": 1})),
            "0000000000001000-00001-aaaa",
        );
        apply_upsert(
            &mut row,
            &mut clocks,
            &obj(json!({"x": 2})),
            "0000000000001000-00001-bbbb",
        );
        apply_upsert(
            &mut row,
            &mut clocks,
            &obj(json!({"x": 3})),
            "0000000000001000-00000-ffff",
        );
        assert_eq!(row["x"], 2);
    }

    #[test]
    fn every_table_has_one_rule_and_kinds_follow_it() {
        assert_eq!(rule_for("audit_log"), Some(Rule::AppendOnly));
        assert!(branch_scoped("audit_log"));
        assert!(!branch_scoped("patients") && !branch_scoped("appointments"));
        assert_eq!(rule_for("patients"), Some(Rule::FieldLww));
        assert_eq!(
            rule_for("refinery_schema_history"),
            None,
            "local bookkeeping never syncs"
        );
        assert!(
            !kind_allowed(Rule::AppendOnly, ChangeKind::Upsert),
            "an audit event is never rewritten"
        );
        assert!(!kind_allowed(Rule::FieldLww, ChangeKind::Append));
    }
}
