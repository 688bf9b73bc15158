//! Merge rules by kind of data, used by the client when it applies pulled changes and by
//! the server when it folds pushed changes into the current state. Never one rule for
//! all: demographic and administrative fields are last-writer-wins per field (by HLC
//! stamp, whose text order breaks ties by device); clinical notes, audit events,
//! payments and stock movements are append-only and simply united; hard rules (one
//! appointment per doctor slot, unique numbers, stock never negative) are decided by the
//! server, and the loser becomes a conflict for a person to resolve. Which rule a table
//! follows is declared once, in [`crate::tables`].

use serde_json::{Map, Value};

/// How a table's rows merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Per-field last-writer-wins.
    FieldLww,
    /// Rows are only ever added; every copy is kept.
    AppendOnly,
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
}
