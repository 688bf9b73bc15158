//! Billing's synced tables and what a change to each needs (see [`crate::tables`]).
//!
//! Invariants:
//! - An invoice's lines change only while it is a draft; issuing gives it its number
//!   (group-unique: the server renumbers a collision and tells the issuer); an issued
//!   invoice changes only by being voided, with a reason, and a void stays void.
//! - The draft a completed visit makes belongs to that visit's doctor, who may send it
//!   (and its lines, in the same push) without billing rights; everything else on an
//!   invoice needs billing rights, a discount needs the discount right and a reason.
//! - Payments are append-only, on an issued invoice, by who records them; a refund is a
//!   negative payment with its reason.

use serde_json::Value;

use crate::policy::Action;
use crate::tables::{Access, Need, Parent, TableSpec, Transition, append, authored, lww};

/// Categories of a line (and of a price list item), each with its own tax rate.
pub const CATEGORIES: [&str; 6] = [
    "consultation",
    "service",
    "procedure",
    "lab",
    "pharmacy",
    "other",
];

/// How a payment is made.
pub const METHODS: [&str; 5] = ["cash", "card", "mobile_money", "bank_transfer", "insurance"];

/// The largest amount one line or payment may carry, in minor units.
pub const MAX_AMOUNT_MINOR: i64 = 1_000_000_000_000;

fn int(t: &Transition<'_>, field: &str) -> Option<i64> {
    t.fields
        .get(field)
        .or_else(|| t.old.and_then(|o| o.get(field)))
        .and_then(Value::as_i64)
}

fn price_items_need(t: &Transition<'_>) -> Need {
    if t.after("category").is_none_or(|c| !CATEGORIES.contains(&c)) {
        return Need::Refused(format!(
            "a price's category is one of {}",
            CATEGORIES.join(", ")
        ));
    }
    if int(t, "price_minor").is_none_or(|p| !(0..=MAX_AMOUNT_MINOR).contains(&p))
        || int(t, "tax_bp").is_none_or(|r| !(0..=10_000).contains(&r))
    {
        return Need::Refused(
            "a price is 0 or more minor units and its tax 0 to 10000 basis points".into(),
        );
    }
    Need::Action(Action::SettingsManage)
}

const FIXED_INVOICE_FIELDS: [&str; 8] = [
    "kind",
    "credit_of",
    "encounter_id",
    "branch_code",
    "currency",
    "created_by",
    "created_at",
    "patient_id",
];
const ISSUE_FIELDS: [&str; 4] = ["status", "number", "issued_by", "issued_at"];
const VOID_FIELDS: [&str; 4] = ["status", "void_reason", "voided_by", "voided_at"];

fn invoices_need(t: &Transition<'_>) -> Need {
    if t.is_new() {
        if t.after("status") != Some("draft") {
            return Need::Refused("an invoice is made as a draft, then issued".into());
        }
        if t.fields.get("number").is_some_and(|n| !n.is_null()) {
            return Need::Refused("a draft has no number; issuing gives it one".into());
        }
        let kind = t.after("kind");
        if kind == Some("credit_note") && t.after("credit_of").is_none_or(str::is_empty) {
            return Need::Refused("a credit note names the invoice it credits".into());
        }
        if !matches!(kind, Some("invoice" | "credit_note")) {
            return Need::Refused("an invoice's kind is invoice or credit_note".into());
        }
        // The visit's own draft: made by the doctor completing it.
        let visit_doctor = t
            .parent
            .and_then(|e| e.get("doctor_user_id"))
            .and_then(Value::as_str);
        if kind == Some("invoice") && visit_doctor == Some(t.author) {
            return authored(t, "created_by", Need::Action(Action::RecordWrite));
        }
        return authored(t, "created_by", Need::Action(Action::BillingWrite));
    }
    // The same visit completed on a second workstation offline: the same draft again,
    // differing at most in when it was made. The row stands as it is.
    let visit_doctor = t
        .parent
        .and_then(|e| e.get("doctor_user_id"))
        .and_then(Value::as_str);
    if t.before("status") == Some("draft")
        && visit_doctor == Some(t.author)
        && t.changed_fields().all(|f| f == "created_at")
    {
        return Need::Action(Action::RecordWrite);
    }
    if let Some(f) = FIXED_INVOICE_FIELDS
        .iter()
        .find(|f| **f != "patient_id" && t.changes(f))
    {
        return Need::Refused(format!("an invoice's {f} is set when it is made"));
    }
    if t.changes("patient_id") {
        return Need::Action(Action::PatientMerge);
    }
    match (t.before("status"), t.after("status")) {
        (Some("draft"), Some("draft")) => Need::Action(Action::BillingWrite),
        (Some("draft"), Some("issued")) => {
            if let Some(f) = t.changed_fields().find(|f| !ISSUE_FIELDS.contains(f)) {
                return Need::Refused(format!("issuing changes nothing else ({f})"));
            }
            if t.after("number").is_none_or(str::is_empty) || t.after("issued_at").is_none() {
                return Need::Refused("an issued invoice carries its number and issued_at".into());
            }
            authored(t, "issued_by", Need::Action(Action::BillingWrite))
        }
        (Some("issued"), Some("void")) => {
            if let Some(f) = t.changed_fields().find(|f| !VOID_FIELDS.contains(f)) {
                return Need::Refused(format!("voiding changes nothing else ({f})"));
            }
            if t.after("void_reason").is_none_or(|r| r.trim().is_empty()) {
                return Need::Refused("a void keeps its reason".into());
            }
            authored(t, "voided_by", Need::Action(Action::BillingWrite))
        }
        (Some("issued"), _) => {
            Need::Refused("an issued invoice is immutable; void it or issue a credit note".into())
        }
        (Some("void"), _) => Need::Refused("a void invoice stays void".into()),
        _ => Need::Refused("an invoice goes draft → issued → void".into()),
    }
}

fn invoice_lines_need(t: &Transition<'_>) -> Need {
    let Some(invoice) = t.parent else {
        return Need::Refused("a line travels with or after its invoice".into());
    };
    let on_invoice = |f: &str| invoice.get(f).and_then(Value::as_str);
    if on_invoice("status") != Some("draft") {
        return Need::Refused("lines change only on a draft invoice".into());
    }
    if t.changes("invoice_id") && !t.is_new() {
        return Need::Refused("a line stays on its invoice".into());
    }
    if t.after("category").is_none_or(|c| !CATEGORIES.contains(&c)) {
        return Need::Refused(format!(
            "a line's category is one of {}",
            CATEGORIES.join(", ")
        ));
    }
    let credit = on_invoice("kind") == Some("credit_note");
    let quantity = int(t, "quantity").unwrap_or(0);
    let price = int(t, "unit_price_minor").unwrap_or(-1);
    let discount = int(t, "discount_bp").unwrap_or(0);
    if !(1..=1_000_000).contains(&quantity)
        || !(if credit {
            (-MAX_AMOUNT_MINOR..=0).contains(&price)
        } else {
            (0..=MAX_AMOUNT_MINOR).contains(&price)
        })
        || int(t, "tax_bp").is_none_or(|r| !(0..=10_000).contains(&r))
        || !(0..=10_000).contains(&discount)
    {
        return Need::Refused(
            "a line has 1 or more units at a price of 0 or more minor units (below 0 on a credit note), tax and discount of 0 to 10000 basis points".into(),
        );
    }
    if t.changes("discount_bp") && discount > 0 {
        if t.after("discount_reason")
            .is_none_or(|r| r.trim().is_empty())
        {
            return Need::Refused("a discount keeps its reason".into());
        }
        return Need::Action(Action::BillingDiscount);
    }
    // The lines of the visit's own draft travel with it, from its doctor.
    let invoice_id = t.after("invoice_id").unwrap_or_default();
    if t.is_new()
        && on_invoice("created_by") == Some(t.author)
        && (t.same_push)("invoices", invoice_id)
        && on_invoice("encounter_id").is_some()
    {
        return authored(t, "added_by", Need::Action(Action::RecordWrite));
    }
    if t.is_new() {
        return authored(t, "added_by", Need::Action(Action::BillingWrite));
    }
    // The visit's line sent again by a second workstation that completed it offline.
    if on_invoice("created_by") == Some(t.author)
        && on_invoice("encounter_id").is_some()
        && t.changed_fields().all(|f| f == "added_at")
    {
        return Need::Action(Action::RecordWrite);
    }
    Need::Action(Action::BillingWrite)
}

fn payments_need(t: &Transition<'_>) -> Need {
    let Some(invoice) = t.parent else {
        return Need::Refused("a payment travels with or after its invoice".into());
    };
    if invoice.get("status").and_then(Value::as_str) != Some("issued") {
        return Need::Refused("payments are taken on an issued invoice".into());
    }
    if t.after("method").is_none_or(|m| !METHODS.contains(&m)) {
        return Need::Refused(format!(
            "a payment's method is one of {}",
            METHODS.join(", ")
        ));
    }
    let amount = int(t, "amount_minor").unwrap_or(0);
    if amount == 0 || amount.abs() > MAX_AMOUNT_MINOR {
        return Need::Refused("a payment is a non-zero amount in minor units".into());
    }
    if amount < 0 && t.after("reason").is_none_or(|r| r.trim().is_empty()) {
        return Need::Refused("a refund keeps its reason".into());
    }
    authored(t, "received_by", Need::Action(Action::PaymentRecord))
}

fn payers_need(t: &Transition<'_>) -> Need {
    if t.after("name").is_none_or(|n| n.trim().is_empty()) {
        return Need::Refused("a payer has a name".into());
    }
    Need::Action(Action::BillingWrite)
}

fn policies_need(t: &Transition<'_>) -> Need {
    if !t.is_new() && (t.changes("patient_id") || t.changes("payer_id")) {
        return Need::Refused("a policy stays its patient's, with its payer".into());
    }
    if int(t, "coverage_bp").is_none_or(|c| !(0..=10_000).contains(&c))
        || t.after("policy_number").is_none_or(|n| n.trim().is_empty())
    {
        return Need::Refused(
            "a policy has its number and a coverage of 0 to 10000 basis points".into(),
        );
    }
    if t.is_new() {
        return authored(t, "created_by", Need::Action(Action::BillingWrite));
    }
    Need::Action(Action::BillingWrite)
}

/// The claim states, in the only order they are reached.
const CLAIM_STEPS: [(&str, &[&str]); 6] = [
    ("draft", &["submitted"]),
    ("submitted", &["approved", "partly_approved", "denied"]),
    ("approved", &["paid"]),
    ("partly_approved", &["paid"]),
    ("denied", &[]),
    ("paid", &[]),
];

fn claims_need(t: &Transition<'_>) -> Need {
    let claimed = int(t, "claimed_minor").unwrap_or(-1);
    if !(0..=MAX_AMOUNT_MINOR).contains(&claimed) {
        return Need::Refused("a claim asks for 0 or more minor units".into());
    }
    if let Some(approved) = int(t, "approved_minor")
        && !(0..=claimed).contains(&approved)
    {
        return Need::Refused("a payer approves at most what was claimed".into());
    }
    if t.is_new() {
        if t.after("status") != Some("draft") {
            return Need::Refused("a claim is made as a draft".into());
        }
        return authored(t, "created_by", Need::Action(Action::BillingWrite));
    }
    for f in [
        "invoice_id",
        "policy_id",
        "payer_id",
        "created_by",
        "created_at",
    ] {
        if t.changes(f) {
            return Need::Refused(format!("a claim's {f} is set when it is made"));
        }
    }
    let (before, after) = (
        t.before("status").unwrap_or_default(),
        t.after("status").unwrap_or_default(),
    );
    if before != after {
        let allowed = CLAIM_STEPS
            .iter()
            .find(|(from, _)| *from == before)
            .is_some_and(|(_, to)| to.contains(&after));
        if !allowed {
            return Need::Refused(format!("a claim does not go from {before} to {after}"));
        }
    } else if before != "draft" && t.changes("claimed_minor") {
        return Need::Refused("a submitted claim's amount stays as submitted".into());
    }
    Need::Action(Action::BillingWrite)
}

pub const PAYERS: TableSpec = lww("payers", Access::ByTransition(payers_need));
pub const POLICIES: TableSpec = lww("policies", Access::ByTransition(policies_need));
pub const CLAIMS: TableSpec = lww("claims", Access::ByTransition(claims_need));

pub const PRICE_ITEMS: TableSpec = lww("price_items", Access::ByTransition(price_items_need));
pub const INVOICES: TableSpec = TableSpec {
    unique_number: Some("number"),
    parent: Some(Parent {
        field: "encounter_id",
        table: "encounters",
    }),
    ..lww("invoices", Access::ByTransition(invoices_need))
};
pub const INVOICE_LINES: TableSpec = TableSpec {
    parent: Some(Parent {
        field: "invoice_id",
        table: "invoices",
    }),
    ..lww("invoice_lines", Access::ByTransition(invoice_lines_need))
};
pub const PAYMENTS: TableSpec = TableSpec {
    parent: Some(Parent {
        field: "invoice_id",
        table: "invoices",
    }),
    ..append("payments", Access::ByTransition(payments_need))
};

#[cfg(test)]
mod tests {
    use serde_json::{Map, json};

    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn judge(
        f: fn(&Transition<'_>) -> Need,
        old: Option<Value>,
        fields: Value,
        parent: Option<Value>,
        same_push: bool,
    ) -> Need {
        let old = old.map(obj);
        let fields = obj(fields);
        let parent = parent.map(obj);
        let push = move |_: &str, _: &str| same_push;
        f(&Transition {
            author: "u1",
            branch: "BR01",
            row_id: "r1",
            old: old.as_ref(),
            fields: &fields,
            parent: parent.as_ref(),
            same_push: &push,
        })
    }

    #[test]
    fn the_visits_doctor_makes_its_draft_and_only_billing_issues_or_voids() {
        let draft = json!({"kind": "invoice", "status": "draft", "created_by": "u1",
            "encounter_id": "e1", "patient_id": "p", "currency": "KES"});
        let visit = Some(json!({"doctor_user_id": "u1"}));
        assert_eq!(
            judge(invoices_need, None, draft.clone(), visit, false),
            Need::Action(Action::RecordWrite)
        );
        assert_eq!(
            judge(
                invoices_need,
                None,
                draft.clone(),
                Some(json!({"doctor_user_id": "u2"})),
                false
            ),
            Need::Action(Action::BillingWrite)
        );
        assert!(matches!(
            judge(
                invoices_need,
                None,
                json!({"kind": "invoice", "status": "issued", "created_by": "u1"}),
                None,
                false
            ),
            Need::Refused(_)
        ));
        let issue = json!({"status": "issued", "number": "BR01-X-2026-000001",
            "issued_by": "u1", "issued_at": "2026-01-05T10:00:00.000Z"});
        assert_eq!(
            judge(
                invoices_need,
                Some(draft.clone()),
                issue.clone(),
                None,
                false
            ),
            Need::Action(Action::BillingWrite)
        );
        let mut issued = obj(draft);
        issued.extend(obj(issue));
        let issued = Value::Object(issued);
        assert!(matches!(
            judge(
                invoices_need,
                Some(issued.clone()),
                json!({"currency": "USD"}),
                None,
                false
            ),
            Need::Refused(_)
        ));
        assert!(
            matches!(
                judge(
                    invoices_need,
                    Some(issued.clone()),
                    json!({"status": "void", "voided_by": "u1", "void_reason": " "}),
                    None,
                    false
                ),
                Need::Refused(_)
            ),
            "a void keeps its reason"
        );
        assert_eq!(
            judge(
                invoices_need,
                Some(issued),
                json!({"status": "void", "voided_by": "u1",
                "voided_at": "2026-01-05T11:00:00.000Z", "void_reason": "wrong patient"}),
                None,
                false
            ),
            Need::Action(Action::BillingWrite)
        );
    }

    #[test]
    fn lines_change_only_on_a_draft_and_a_discount_needs_its_right_and_reason() {
        let draft = Some(
            json!({"status": "draft", "kind": "invoice", "created_by": "u1",
            "encounter_id": "e1"}),
        );
        let line = json!({"invoice_id": "i1", "category": "service", "quantity": 1,
            "unit_price_minor": 5000, "tax_bp": 1600, "discount_bp": 0, "added_by": "u1"});
        assert_eq!(
            judge(invoice_lines_need, None, line.clone(), draft.clone(), true),
            Need::Action(Action::RecordWrite),
            "the visit's doctor sends its lines with its draft"
        );
        assert_eq!(
            judge(invoice_lines_need, None, line.clone(), draft.clone(), false),
            Need::Action(Action::BillingWrite),
            "a later line is billing's"
        );
        assert!(matches!(
            judge(
                invoice_lines_need,
                None,
                line.clone(),
                Some(json!({"status": "issued"})),
                false
            ),
            Need::Refused(_)
        ));
        assert!(
            matches!(
                judge(
                    invoice_lines_need,
                    Some(line.clone()),
                    json!({"discount_bp": 1000}),
                    draft.clone(),
                    false
                ),
                Need::Refused(_)
            ),
            "a discount without a reason"
        );
        assert_eq!(
            judge(
                invoice_lines_need,
                Some(line.clone()),
                json!({"discount_bp": 1000, "discount_reason": "staff"}),
                draft.clone(),
                false
            ),
            Need::Action(Action::BillingDiscount)
        );
        assert!(matches!(
            judge(
                invoice_lines_need,
                Some(line),
                json!({"unit_price_minor": -5}),
                draft,
                false
            ),
            Need::Refused(_)
        ));
    }

    #[test]
    fn a_claim_moves_forward_only_and_is_approved_at_most_in_full() {
        let draft = json!({"invoice_id": "i", "policy_id": "p", "payer_id": "y",
            "status": "draft", "claimed_minor": 8000, "created_by": "u1"});
        assert_eq!(
            judge(claims_need, None, draft.clone(), None, false),
            Need::Action(Action::BillingWrite)
        );
        let mut submitted = obj(draft.clone());
        submitted.insert("status".into(), json!("submitted"));
        let submitted = Value::Object(submitted);
        assert_eq!(
            judge(
                claims_need,
                Some(draft.clone()),
                json!({"status": "submitted"}),
                None,
                false
            ),
            Need::Action(Action::BillingWrite)
        );
        assert!(
            matches!(
                judge(
                    claims_need,
                    Some(draft),
                    json!({"status": "paid"}),
                    None,
                    false
                ),
                Need::Refused(_)
            ),
            "no skipping ahead"
        );
        assert!(
            matches!(
                judge(
                    claims_need,
                    Some(submitted.clone()),
                    json!({"status": "approved", "approved_minor": 9000}),
                    None,
                    false
                ),
                Need::Refused(_)
            ),
            "never more than claimed"
        );
        assert_eq!(
            judge(
                claims_need,
                Some(submitted.clone()),
                json!({"status": "partly_approved", "approved_minor": 5000}),
                None,
                false
            ),
            Need::Action(Action::BillingWrite)
        );
        assert!(
            matches!(
                judge(
                    claims_need,
                    Some(submitted),
                    json!({"status": "draft"}),
                    None,
                    false
                ),
                Need::Refused(_)
            ),
            "never back"
        );
    }

    #[test]
    fn payments_are_on_issued_invoices_and_refunds_keep_a_reason() {
        let issued = Some(json!({"status": "issued"}));
        let pay = json!({"invoice_id": "i1", "method": "cash", "amount_minor": 5000, "received_by": "u1"});
        assert_eq!(
            judge(payments_need, None, pay.clone(), issued.clone(), false),
            Need::Action(Action::PaymentRecord)
        );
        assert!(matches!(
            judge(
                payments_need,
                None,
                pay,
                Some(json!({"status": "draft"})),
                false
            ),
            Need::Refused(_)
        ));
        let refund = json!({"invoice_id": "i1", "method": "cash", "amount_minor": -500, "received_by": "u1"});
        assert!(matches!(
            judge(payments_need, None, refund, issued, false),
            Need::Refused(_)
        ));
    }
}
