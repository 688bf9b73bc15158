//! The pharmacy's synced tables and what a change to each needs (see [`crate::tables`]).
//!
//! Invariants:
//! - Stock is the sum of append-only movements (`stock_movements`); items and batches
//!   only describe it. Each movement's sign follows its kind, its quantity is a whole
//!   number of units within [`MAX_MOVEMENT_UNITS`], and it names the batch, item and
//!   branch it moves, which must agree with the batch on record.
//! - A branch's stock is moved only from that branch's workstations: every stock row
//!   carries its `branch_code`, which must be the pushing device's branch (a transfer is
//!   sent by its source branch and received by its destination).
//! - Discrepancies are raised by the sync server alone (a batch whose movements sum
//!   below zero); a pharmacist resolves one with a count adjustment.

use serde_json::Value;

use crate::policy::Action;
use crate::tables::{Access, Need, Parent, TableSpec, Transition, append, authored, fixed, lww};

/// The most units one movement may carry either way.
pub const MAX_MOVEMENT_UNITS: i64 = 1_000_000;

/// The kinds of movement, with the sign each one's quantity has.
pub const MOVEMENT_KINDS: [(&str, Sign); 8] = [
    ("receive", Sign::In),
    ("return", Sign::In),
    ("transfer_in", Sign::In),
    ("dispense", Sign::Out),
    ("sale", Sign::Out),
    ("transfer_out", Sign::Out),
    ("expire", Sign::Out),
    ("adjust", Sign::Either),
];

/// Which way a movement's quantity goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    In,
    Out,
    Either,
}

/// The sign of a kind of movement, `None` for an unknown kind.
pub fn sign_of(kind: &str) -> Option<Sign> {
    MOVEMENT_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, s)| *s)
}

fn own_branch(t: &Transition<'_>, field: &str) -> Option<Need> {
    if t.after(field) == Some(t.branch) {
        None
    } else {
        Some(Need::Refused(format!(
            "stock is moved by its own branch's workstations ({field} must be {})",
            t.branch
        )))
    }
}

fn stock_items_need(t: &Transition<'_>) -> Need {
    if let Some(refused) = own_branch(t, "branch_code") {
        return refused;
    }
    if !t.is_new()
        && let Some(refused) = fixed(t, &["branch_code", "drug_id", "unit"])
    {
        return refused;
    }
    if t.fields.get("reorder_level").is_some_and(|v| {
        v.as_i64()
            .is_none_or(|n| !(0..=MAX_MOVEMENT_UNITS).contains(&n))
    }) {
        return Need::Refused("a reorder level is a whole number of units, 0 or more".into());
    }
    if t.fields
        .get("price_minor")
        .is_some_and(|v| v.as_i64().is_none_or(|n| n < 0))
    {
        return Need::Refused("a price is a whole number of minor units, 0 or more".into());
    }
    Need::Action(Action::StockMove)
}

fn stock_batches_need(t: &Transition<'_>) -> Need {
    if let Some(refused) = own_branch(t, "branch_code") {
        return refused;
    }
    if t.is_new() {
        if t.after("batch_number").is_none_or(|b| b.trim().is_empty())
            || t.after("expiry_date").is_none_or(|d| d.len() != 10)
            || t.after("item_id").is_none()
        {
            return Need::Refused(
                "a batch carries its item, batch number and expiry date (YYYY-MM-DD)".into(),
            );
        }
        return authored(t, "received_by", Need::Action(Action::StockMove));
    }
    if let Some(f) = t.changed_fields().find(|f| *f != "location") {
        return Need::Refused(format!(
            "a batch's {f} is set when it is received and never changes; only its location does"
        ));
    }
    Need::Action(Action::StockMove)
}

fn stock_movements_need(t: &Transition<'_>) -> Need {
    let Some(batch) = t.parent else {
        return Need::Refused("a movement travels with or after its batch".into());
    };
    let on_batch = |f: &str| batch.get(f).and_then(Value::as_str);
    if t.after("item_id") != on_batch("item_id")
        || t.after("branch_code") != on_batch("branch_code")
    {
        return Need::Refused("a movement names its batch's item and branch".into());
    }
    if let Some(refused) = own_branch(t, "branch_code") {
        return refused;
    }
    let kind = t.after("kind").unwrap_or_default();
    let Some(sign) = sign_of(kind) else {
        return Need::Refused(format!("{kind:?} is not a kind of stock movement"));
    };
    let quantity = t
        .fields
        .get("quantity")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let fits = quantity != 0
        && quantity.abs() <= MAX_MOVEMENT_UNITS
        && match sign {
            Sign::In => quantity > 0,
            Sign::Out => quantity < 0,
            Sign::Either => true,
        };
    if !fits {
        return Need::Refused(format!(
            "a {kind} movement's quantity is a whole number of units, {} and at most {MAX_MOVEMENT_UNITS}",
            match sign {
                Sign::In => "above zero",
                Sign::Out => "below zero",
                Sign::Either => "not zero",
            }
        ));
    }
    let has = |f: &str| t.after(f).is_some_and(|v| !v.trim().is_empty());
    match kind {
        "dispense" if !has("prescription_id") || !has("prescription_item_id") => {
            return Need::Refused("a dispense names its prescription and item".into());
        }
        "receive" if !has("reference") => {
            return Need::Refused(
                "a delivery names the supplier's delivery or invoice number (reference)".into(),
            );
        }
        "adjust" | "expire" | "return" if !has("reason") => {
            return Need::Refused(format!("a {kind} movement keeps its reason"));
        }
        "transfer_out" | "transfer_in" if !has("transfer_id") => {
            return Need::Refused("a transfer's movement names its transfer".into());
        }
        _ => {}
    }
    let need = if kind == "adjust" {
        Action::StockAdjust
    } else if kind == "dispense" {
        Action::PrescriptionDispense
    } else {
        Action::StockMove
    };
    authored(t, "moved_by", Need::Action(need))
}

const RECEIVE_FIELDS: [&str; 3] = ["status", "received_by", "received_at"];

fn stock_transfers_need(t: &Transition<'_>) -> Need {
    if t.is_new() {
        if let Some(refused) = own_branch(t, "from_branch") {
            return refused;
        }
        if t.after("status") != Some("sent") || t.after("to_branch") == t.after("from_branch") {
            return Need::Refused("a transfer is made sent, from this branch to another".into());
        }
        return authored(t, "sent_by", Need::Action(Action::StockMove));
    }
    if let Some(f) = t.changed_fields().find(|f| !RECEIVE_FIELDS.contains(f)) {
        return Need::Refused(format!(
            "a sent transfer only changes by being received ({f})"
        ));
    }
    if t.before("status") != Some("sent") || t.after("status") != Some("received") {
        return Need::Refused("a transfer goes from sent to received, once".into());
    }
    if let Some(refused) = own_branch(t, "to_branch") {
        return refused;
    }
    authored(t, "received_by", Need::Action(Action::StockMove))
}

const RESOLVE_FIELDS: [&str; 4] = ["status", "resolved_by", "resolved_at", "resolution"];

fn stock_discrepancies_need(t: &Transition<'_>) -> Need {
    if t.is_new() {
        return Need::Refused(
            "a stock discrepancy is raised by the sync server, from the movements it holds".into(),
        );
    }
    if let Some(refused) = own_branch(t, "branch_code") {
        return refused;
    }
    if let Some(f) = t.changed_fields().find(|f| !RESOLVE_FIELDS.contains(f)) {
        return Need::Refused(format!(
            "a discrepancy only changes by being resolved ({f})"
        ));
    }
    if t.before("status") != Some("open") || t.after("status") != Some("resolved") {
        return Need::Refused("a discrepancy goes from open to resolved, once".into());
    }
    if t.after("resolution").is_none_or(|r| r.trim().is_empty()) {
        return Need::Refused("a resolved discrepancy says how it was resolved".into());
    }
    authored(t, "resolved_by", Need::Action(Action::StockAdjust))
}

pub const STOCK_ITEMS: TableSpec = lww("stock_items", Access::ByTransition(stock_items_need));
pub const STOCK_BATCHES: TableSpec = TableSpec {
    parent: Some(Parent {
        field: "item_id",
        table: "stock_items",
    }),
    ..lww("stock_batches", Access::ByTransition(stock_batches_need))
};
pub const STOCK_MOVEMENTS: TableSpec = TableSpec {
    parent: Some(Parent {
        field: "batch_id",
        table: "stock_batches",
    }),
    ..append(
        "stock_movements",
        Access::ByTransition(stock_movements_need),
    )
};
pub const STOCK_TRANSFERS: TableSpec = TableSpec {
    unique_number: Some("number"),
    ..lww(
        "stock_transfers",
        Access::ByTransition(stock_transfers_need),
    )
};
pub const STOCK_DISCREPANCIES: TableSpec = lww(
    "stock_discrepancies",
    Access::ByTransition(stock_discrepancies_need),
);

#[cfg(test)]
mod tests {
    use serde_json::{Map, json};

    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn judge(
        f: fn(&Transition<'_>) -> Need,
        branch: &str,
        old: Option<Value>,
        fields: Value,
        parent: Option<Value>,
    ) -> Need {
        let old = old.map(obj);
        let fields = obj(fields);
        let parent = parent.map(obj);
        f(&Transition {
            author: "u1",
            branch,
            row_id: "r1",
            old: old.as_ref(),
            fields: &fields,
            parent: parent.as_ref(),
            same_push: &|_, _| false,
        })
    }

    fn movement(kind: &str, quantity: i64, extra: Value) -> Value {
        let mut m = obj(json!({
            "batch_id": "b1", "item_id": "i1", "branch_code": "BR01", "kind": kind,
            "quantity": quantity, "moved_by": "u1",
        }));
        m.extend(obj(extra));
        Value::Object(m)
    }

    fn batch() -> Option<Value> {
        Some(json!({"item_id": "i1", "branch_code": "BR01"}))
    }

    #[test]
    fn a_movements_sign_follows_its_kind_and_names_what_it_moves() {
        let m = |kind: &str, q: i64, extra: Value| {
            judge(
                stock_movements_need,
                "BR01",
                None,
                movement(kind, q, extra),
                batch(),
            )
        };
        assert_eq!(
            m(
                "dispense",
                -2,
                json!({"prescription_id": "rx", "prescription_item_id": "rx-1"})
            ),
            Need::Action(Action::PrescriptionDispense)
        );
        assert!(
            matches!(
                m(
                    "dispense",
                    2,
                    json!({"prescription_id": "rx", "prescription_item_id": "rx-1"})
                ),
                Need::Refused(_)
            ),
            "a dispense that adds stock is refused"
        );
        assert!(matches!(m("dispense", -2, json!({})), Need::Refused(_)));
        assert_eq!(
            m("receive", 100, json!({"reference": "INV-9"})),
            Need::Action(Action::StockMove)
        );
        assert!(matches!(m("receive", 100, json!({})), Need::Refused(_)));
        assert!(matches!(
            m("receive", MAX_MOVEMENT_UNITS + 1, json!({"reference": "x"})),
            Need::Refused(_)
        ));
        assert_eq!(
            m("adjust", -3, json!({"reason": "count"})),
            Need::Action(Action::StockAdjust)
        );
        assert!(matches!(
            m("adjust", 0, json!({"reason": "count"})),
            Need::Refused(_)
        ));
        assert!(
            matches!(m("expire", -1, json!({})), Need::Refused(_)),
            "no reason"
        );
        assert!(matches!(m("steal", -1, json!({})), Need::Refused(_)));
    }

    #[test]
    fn a_movement_is_its_batchs_and_its_branchs_and_its_authors() {
        let fields = movement("receive", 5, json!({"reference": "D-1"}));
        assert!(
            matches!(
                judge(stock_movements_need, "BR02", None, fields.clone(), batch()),
                Need::Refused(_)
            ),
            "another branch's workstation may not move this branch's stock"
        );
        assert!(
            matches!(
                judge(stock_movements_need, "BR01", None, fields.clone(), None),
                Need::Refused(_)
            ),
            "a movement needs its batch"
        );
        assert!(
            matches!(
                judge(
                    stock_movements_need,
                    "BR01",
                    None,
                    fields.clone(),
                    Some(json!({"item_id": "other", "branch_code": "BR01"}))
                ),
                Need::Refused(_)
            ),
            "a movement may not claim another item than its batch's"
        );
        let mut forged = obj(fields);
        forged.insert("moved_by".into(), json!("someone-else"));
        assert!(
            matches!(
                judge(
                    stock_movements_need,
                    "BR01",
                    None,
                    Value::Object(forged),
                    batch()
                ),
                Need::Refused(_)
            ),
            "a movement names the user who pushes it"
        );
    }

    #[test]
    fn an_item_is_made_by_its_branch_and_keeps_its_drug_and_unit() {
        let item = json!({"branch_code": "BR01", "drug_id": "amoxicillin", "unit": "capsule",
            "name": "amoxicillin", "reorder_level": 10, "price_minor": 100});
        assert_eq!(
            judge(stock_items_need, "BR01", None, item.clone(), None),
            Need::Action(Action::StockMove)
        );
        assert!(matches!(
            judge(stock_items_need, "BR02", None, item.clone(), None),
            Need::Refused(_)
        ));
        assert_eq!(
            judge(
                stock_items_need,
                "BR01",
                Some(item.clone()),
                json!({"reorder_level": 20}),
                None
            ),
            Need::Action(Action::StockMove)
        );
        assert!(matches!(
            judge(
                stock_items_need,
                "BR01",
                Some(item),
                json!({"unit": "tablet"}),
                None
            ),
            Need::Refused(_)
        ));
    }

    #[test]
    fn discrepancies_are_raised_by_the_server_and_resolved_with_a_reason() {
        let open = json!({"branch_code": "BR01", "status": "open", "batch_id": "b1"});
        assert!(matches!(
            judge(stock_discrepancies_need, "BR01", None, open.clone(), None),
            Need::Refused(_)
        ));
        let resolve = json!({"status": "resolved", "resolved_by": "u1",
            "resolved_at": "2026-01-01T00:00:00Z", "resolution": "counted 0"});
        assert_eq!(
            judge(
                stock_discrepancies_need,
                "BR01",
                Some(open.clone()),
                resolve.clone(),
                None
            ),
            Need::Action(Action::StockAdjust)
        );
        assert!(matches!(
            judge(
                stock_discrepancies_need,
                "BR01",
                Some(open.clone()),
                json!({"status": "resolved", "resolved_by": "u1", "resolution": " "}),
                None
            ),
            Need::Refused(_)
        ));
        assert!(matches!(
            judge(
                stock_discrepancies_need,
                "BR01",
                Some(open),
                json!({"batch_id": "b2"}),
                None
            ),
            Need::Refused(_)
        ));
    }

    #[test]
    fn a_transfer_is_sent_by_its_source_and_received_by_its_destination() {
        let sent = json!({"from_branch": "BR01", "to_branch": "BR02", "status": "sent",
            "sent_by": "u1", "number": "T-1", "lines": "[]"});
        assert_eq!(
            judge(stock_transfers_need, "BR01", None, sent.clone(), None),
            Need::Action(Action::StockMove)
        );
        assert!(matches!(
            judge(stock_transfers_need, "BR02", None, sent.clone(), None),
            Need::Refused(_)
        ));
        let receive = json!({"status": "received", "received_by": "u1"});
        assert!(
            matches!(
                judge(
                    stock_transfers_need,
                    "BR01",
                    Some(sent.clone()),
                    receive.clone(),
                    None
                ),
                Need::Refused(_)
            ),
            "the source does not receive its own transfer"
        );
        assert_eq!(
            judge(stock_transfers_need, "BR02", Some(sent), receive, None),
            Need::Action(Action::StockMove)
        );
    }
}
