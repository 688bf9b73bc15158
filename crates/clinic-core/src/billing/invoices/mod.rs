//! Invoices, their lines, payments and the price list.
//!
//! Invariants:
//! - Money is integer minor units of the invoice's currency (the clinic's); the figures
//!   follow the one rounding rule in [`totals`], and the lines always add up to the total.
//! - A draft has no number and its lines change (removed lines are kept, marked); issuing
//!   numbers it `<branch>-<device>-<year>-<seq>` (a per-device series: never reused, never
//!   the same on two devices) and freezes it. An issued invoice is only voided, with a
//!   reason, or credited by a credit note; both keep the original.
//! - Completing a visit makes exactly one draft: its id is derived from the visit's, so
//!   two workstations completing it offline make the same row, and its lines (the
//!   doctor's fee, the visit's lab tests) have ids derived the same way.
//! - Payments are append-only: a refund is a negative payment with its reason, never
//!   more than was paid. A payment recorded twice offline is kept twice and shows as an
//!   overpayment to resolve.
//! - Who may: the front desk and accountants draft, issue, void and take payments;
//!   only accountants give discounts, each with a reason; administrators keep the price
//!   list; a visit's doctor makes its draft by completing it.

pub(crate) mod store;
pub mod totals;

use chrono::Datelike as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::clinical::encounters::{Encounter, complete_in};
use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{EncounterId, PatientId, UserId};
use crate::policy::{Action, Target};
use crate::session::{PatientLabel, Session};
use crate::store::audit::{self, Event, Outcome};
use crate::store::changes::WriteContext;
use crate::store::sequences;
use crate::validate;
use totals::{LineAmounts, LineTotals, Totals};

pub use clinic_protocol::billing::{CATEGORIES, METHODS};

/// An item of the clinic's price list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceItem {
    pub id: String,
    pub code: String,
    pub name: String,
    pub category: String,
    pub price_minor: i64,
    pub tax_bp: i64,
    pub active: bool,
}

/// An invoice or credit note as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invoice {
    pub id: String,
    /// `None` while a draft.
    pub number: Option<String>,
    /// `invoice` or `credit_note`.
    pub kind: String,
    pub credit_of: Option<String>,
    pub patient_id: Option<PatientId>,
    pub encounter_id: Option<EncounterId>,
    pub branch_code: String,
    pub currency: String,
    /// `draft`, `issued` or `void`.
    pub status: String,
    pub created_by: UserId,
    pub created_at: String,
    pub issued_by: Option<UserId>,
    pub issued_at: Option<String>,
    pub voided_by: Option<UserId>,
    pub voided_at: Option<String>,
    pub void_reason: Option<String>,
}

/// One line of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub id: String,
    pub invoice_id: String,
    pub category: String,
    pub code: Option<String>,
    pub description: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub tax_bp: i64,
    pub discount_bp: i64,
    pub discount_reason: Option<String>,
    /// What made it: `visit-fee`, `lab:<order>:<code>`, `price:<code>`, `credit:<line>`.
    pub source: Option<String>,
    /// Taken off a draft (kept, not deleted).
    pub removed: bool,
    pub added_by: UserId,
    pub added_at: String,
}

impl Line {
    fn amounts(&self) -> LineAmounts {
        LineAmounts {
            quantity: self.quantity,
            unit_price_minor: self.unit_price_minor,
            tax_bp: self.tax_bp,
            discount_bp: self.discount_bp,
        }
    }
}

/// One payment (or refund, negative).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    pub id: String,
    pub invoice_id: String,
    pub method: String,
    pub amount_minor: i64,
    pub tendered_minor: Option<i64>,
    pub change_minor: Option<i64>,
    pub reference: Option<String>,
    pub reason: Option<String>,
    /// `R-<branch>-<device>-<seq>`: what the receipt prints.
    pub receipt_number: String,
    pub received_by: UserId,
    pub received_by_name: String,
    pub received_at: String,
}

/// A line with its figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineView {
    pub line: Line,
    pub totals: LineTotals,
}

/// An invoice with its lines, figures, payments and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceView {
    pub invoice: Invoice,
    /// Whose it is (name and record number, one remembered read per patient per
    /// session); `None` for a walk-in without a patient or a record this user may not
    /// read.
    pub patient: Option<PatientLabel>,
    /// The lines that count (removed ones are in `removed`).
    pub lines: Vec<LineView>,
    pub removed: Vec<Line>,
    pub totals: Totals,
    pub payments: Vec<Payment>,
    pub paid_minor: i64,
    /// Total − paid: negative when overpaid.
    pub balance_minor: i64,
    /// `draft`, `issued`, `partially_paid`, `paid`, `overpaid` or `void`.
    pub state: String,
}

/// A line to add to a draft: from the price list (`code`) or written out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct LineInput {
    pub code: Option<String>,
    pub category: Option<String>,
    pub description: Option<String>,
    pub unit_price_minor: Option<i64>,
    pub tax_bp: Option<i64>,
    pub quantity: i64,
}

/// A payment to take (positive) or a refund to give (negative, with a reason).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PaymentInput {
    pub method: String,
    pub amount_minor: i64,
    /// Cash handed over (at least the amount); the change is worked out.
    pub tendered_minor: Option<i64>,
    pub reference: Option<String>,
    pub reason: Option<String>,
}

/// A stable id derived from `seed`: the same on every workstation that derives it.
pub(crate) fn derived_id(seed: &str) -> String {
    let digest = Sha256::digest(seed.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    // Shaped as a version-8 (custom) UUID.
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(bytes).hyphenated().to_string()
}

/// Where an invoice stands, from its figures and payments.
pub fn state_of(status: &str, total: i64, paid: i64) -> &'static str {
    match status {
        "draft" => "draft",
        "void" => "void",
        _ if paid == 0 && total != 0 => "issued",
        _ if paid < total => "partially_paid",
        _ if paid == total => "paid",
        _ => "overpaid",
    }
}

fn view(invoice: Invoice, all: Vec<Line>, payments: Vec<Payment>) -> Result<InvoiceView> {
    let (removed, kept): (Vec<Line>, Vec<Line>) = all.into_iter().partition(|l| l.removed);
    let amounts: Vec<LineAmounts> = kept.iter().map(Line::amounts).collect();
    let totals = totals::invoice(&amounts)?;
    let lines = kept
        .into_iter()
        .map(|line| {
            Ok(LineView {
                totals: totals::line(line.amounts())?,
                line,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let paid_minor = payments.iter().map(|p| p.amount_minor).sum();
    let state = state_of(&invoice.status, totals.total_minor, paid_minor).to_owned();
    Ok(InvoiceView {
        balance_minor: totals.total_minor - paid_minor,
        patient: None,
        invoice,
        lines,
        removed,
        totals,
        payments,
        paid_minor,
        state,
    })
}

fn check_category(category: &str) -> Result<String> {
    let c = category.trim().to_ascii_lowercase();
    if CATEGORIES.contains(&c.as_str()) {
        Ok(c)
    } else {
        Err(Error::validation(
            "category",
            format!("is one of {}", CATEGORIES.join(", ")),
        ))
    }
}

fn check_bp(field: &'static str, bp: i64) -> Result<i64> {
    if (0..=10_000).contains(&bp) {
        Ok(bp)
    } else {
        Err(Error::validation(
            field,
            "is 0 to 10000 basis points (100 = 1 %)",
        ))
    }
}

fn check_amount(field: &'static str, minor: i64) -> Result<i64> {
    if (0..=clinic_protocol::billing::MAX_AMOUNT_MINOR).contains(&minor) {
        Ok(minor)
    } else {
        Err(Error::validation(field, "is 0 or more, in minor units"))
    }
}

/// The draft a completed visit makes: the doctor's fee and the visit's lab tests.
fn visit_draft(
    tx: &rusqlite::Transaction<'_>,
    ctx: &WriteContext,
    actor: UserId,
    e: &Encounter,
    branch_code: &str,
    currency: &str,
) -> Result<String> {
    let id = derived_id(&format!("visit-invoice:{}", e.id));
    if store::invoice(tx, &id)?.is_some() {
        return Ok(id);
    }
    let at = to_db_time(ctx.now);
    store::insert_invoice(
        tx,
        ctx,
        &Invoice {
            id: id.clone(),
            number: None,
            kind: "invoice".into(),
            credit_of: None,
            patient_id: Some(e.patient_id),
            encounter_id: Some(e.id),
            branch_code: branch_code.to_owned(),
            currency: currency.to_owned(),
            status: "draft".into(),
            created_by: actor,
            created_at: at.clone(),
            issued_by: None,
            issued_at: None,
            voided_by: None,
            voided_at: None,
            void_reason: None,
        },
    )?;
    let tax = |category: &str| -> Result<i64> {
        Ok(store::price_by_code(tx, category)?.map_or(0, |p| p.tax_bp))
    };
    let mut lines = Vec::new();
    if let Some((fee, name)) = store::doctor_fee(tx, e.doctor_user_id)? {
        lines.push((
            "visit-fee".to_owned(),
            "consultation",
            Some("CONSULT".to_owned()),
            format!("Consultation, {name}"),
            fee,
            tax("consultation")?,
        ));
    }
    for (order, number, tests) in store::visit_lab_orders(tx, e.id)? {
        let tests: Vec<serde_json::Value> = serde_json::from_str(&tests).unwrap_or_default();
        for t in tests {
            let code = t.get("code").and_then(|c| c.as_str()).unwrap_or_default();
            let name = t.get("name").and_then(|c| c.as_str()).unwrap_or(code);
            lines.push((
                format!("lab:{order}:{code}"),
                "lab",
                Some(code.to_owned()),
                format!("{name} ({number})"),
                store::lab_price(tx, code)?,
                tax("lab")?,
            ));
        }
    }
    for (source, category, code, description, price, tax_bp) in lines {
        store::insert_line(
            tx,
            ctx,
            &Line {
                id: derived_id(&format!("{id}:{source}")),
                invoice_id: id.clone(),
                category: category.into(),
                code,
                description,
                quantity: 1,
                unit_price_minor: price,
                tax_bp,
                discount_bp: 0,
                discount_reason: None,
                source: Some(source),
                removed: false,
                added_by: actor,
                added_at: at.clone(),
            },
        )?;
    }
    Ok(id)
}

impl Session {
    /// Completes the signed-in doctor's visit and makes its draft invoice in the same
    /// transaction: exactly one per visit, whichever workstation completes it.
    pub fn complete_visit(&mut self, id: EncounterId) -> Result<(Encounter, String)> {
        let e = self.completable_encounter(id)?;
        let branch = self.clinic().branch_code.clone();
        let currency = self.clinic().currency.clone();
        self.transact(|tx, ctx, actor| {
            let done = complete_in(tx, ctx, actor, &e)?;
            let invoice = visit_draft(tx, ctx, actor.user, &e, &branch, &currency)?;
            Ok((done, invoice))
        })
    }

    /// The clinic's price list (billing staff and administrators).
    pub fn price_list(&mut self) -> Result<Vec<PriceItem>> {
        if self.authorize(Action::BillingRead, Target::Any).is_err() {
            self.authorize(Action::SettingsManage, Target::Any)?;
        }
        store::prices(self.live()?.store.conn())
    }

    /// Adds or changes a price (administrators). A price whose code is a line category
    /// (`consultation`, `lab`, …) sets that category's tax rate for visits' drafts.
    pub fn set_price(&mut self, input: &PriceItem) -> Result<PriceItem> {
        self.authorize(Action::SettingsManage, Target::Any)?;
        let code = validate::text("code", &input.code, 40)?.to_ascii_uppercase();
        let existing = store::price_by_code(self.live()?.store.conn(), &code)?;
        let item = PriceItem {
            id: existing
                .map(|p| p.id)
                .unwrap_or_else(|| derived_id(&format!("price:{code}"))),
            code,
            name: validate::text("name", &input.name, 120)?,
            category: check_category(&input.category)?,
            price_minor: check_amount("price_minor", input.price_minor)?,
            tax_bp: check_bp("tax_bp", input.tax_bp)?,
            active: input.active,
        };
        self.transact(|tx, ctx, actor| {
            store::upsert_price(tx, ctx, &item)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("billing.price", Outcome::Success).details(serde_json::json!({
                    "code": item.code, "price_minor": item.price_minor, "tax_bp": item.tax_bp,
                    "active": item.active,
                })),
            )?;
            Ok(())
        })?;
        Ok(item)
    }

    fn invoice_unaudited(&mut self, id: &str) -> Result<Invoice> {
        let conn = self.live()?.store.conn();
        store::invoice(conn, id)?
            .or(store::invoice_by_number(
                conn,
                &id.trim().to_ascii_uppercase(),
            )?)
            .ok_or_else(|| Error::validation("invoice", format!("there is no invoice {id}")))
    }

    /// An invoice by its id or number, with its lines, figures and payments.
    pub fn invoice(&mut self, id: &str) -> Result<InvoiceView> {
        self.authorize(Action::BillingRead, Target::Any)?;
        let invoice = self.invoice_unaudited(id)?;
        let mut event = Event::new("billing.read", Outcome::Success).entity("invoice", &invoice.id);
        if let Some(p) = invoice.patient_id {
            event = event.patient(p);
        }
        self.write_event(event)?;
        let conn = self.live()?.store.conn();
        let lines = store::lines(conn, &invoice.id)?;
        let payments = store::payments(conn, &invoice.id)?;
        let mut v = view(invoice, lines, payments)?;
        self.name_patient(&mut v);
        Ok(v)
    }

    /// Names an invoice's patient from the session's remembered reads.
    fn name_patient(&mut self, v: &mut InvoiceView) {
        v.patient = v
            .invoice
            .patient_id
            .and_then(|p| self.patient_label(p).ok());
    }

    /// A patient's invoices, newest first.
    pub fn invoices_of(&mut self, patient: PatientId) -> Result<Vec<InvoiceView>> {
        self.authorize(Action::BillingRead, Target::Patient(patient))?;
        self.write_event(Event::new("billing.read", Outcome::Success).patient(patient))?;
        let conn = self.live()?.store.conn();
        let mut views = store::invoices_of_patient(conn, patient)?
            .into_iter()
            .map(|i| {
                let lines = store::lines(conn, &i.id)?;
                let payments = store::payments(conn, &i.id)?;
                view(i, lines, payments)
            })
            .collect::<Result<Vec<_>>>()?;
        views.iter_mut().for_each(|v| self.name_patient(v));
        Ok(views)
    }

    /// This branch's drafts and issued invoices, oldest first.
    pub fn open_invoices(&mut self) -> Result<Vec<InvoiceView>> {
        self.authorize(Action::BillingRead, Target::Any)?;
        let branch = self.clinic().branch_code.clone();
        self.write_event(Event::new("billing.list", Outcome::Success))?;
        let conn = self.live()?.store.conn();
        let mut views = store::open_invoices(conn, &branch)?
            .into_iter()
            .map(|i| {
                let lines = store::lines(conn, &i.id)?;
                let payments = store::payments(conn, &i.id)?;
                view(i, lines, payments)
            })
            .collect::<Result<Vec<_>>>()?;
        views.iter_mut().for_each(|v| self.name_patient(v));
        Ok(views)
    }

    /// A walk-in draft (front desk, accountants), for a patient or none.
    pub fn new_invoice(&mut self, patient: Option<PatientId>) -> Result<InvoiceView> {
        self.authorize(Action::BillingWrite, Target::Any)?;
        if let Some(p) = patient {
            self.patient_label(p)?;
        }
        let branch = self.clinic().branch_code.clone();
        let currency = self.clinic().currency.clone();
        let id = self.transact(|tx, ctx, actor| {
            let id = crate::ids::new_v7_at(ctx.now).hyphenated().to_string();
            store::insert_invoice(
                tx,
                ctx,
                &Invoice {
                    id: id.clone(),
                    number: None,
                    kind: "invoice".into(),
                    credit_of: None,
                    patient_id: patient,
                    encounter_id: None,
                    branch_code: branch.clone(),
                    currency: currency.clone(),
                    status: "draft".into(),
                    created_by: actor.user,
                    created_at: to_db_time(ctx.now),
                    issued_by: None,
                    issued_at: None,
                    voided_by: None,
                    voided_at: None,
                    void_reason: None,
                },
            )?;
            let mut event = Event::new("billing.draft", Outcome::Success).entity("invoice", &id);
            if let Some(p) = patient {
                event = event.patient(p);
            }
            audit::append(tx, ctx, Some(actor), ctx.now, &event)?;
            Ok(id)
        })?;
        self.invoice(&id)
    }

    fn draft(&mut self, id: &str) -> Result<Invoice> {
        let invoice = self.invoice_unaudited(id)?;
        if invoice.status != "draft" {
            return Err(Error::validation(
                "invoice",
                format!(
                    "{} is {}; only a draft's lines change (void it or issue a credit note)",
                    invoice.number.as_deref().unwrap_or("this invoice"),
                    invoice.status
                ),
            ));
        }
        Ok(invoice)
    }

    /// Adds a line to a draft (front desk, accountants): a price list item by its code,
    /// or a line written out.
    pub fn add_invoice_line(&mut self, invoice: &str, input: &LineInput) -> Result<InvoiceView> {
        self.authorize(Action::BillingWrite, Target::Any)?;
        let inv = self.draft(invoice)?;
        if !(1..=1_000_000).contains(&input.quantity) {
            return Err(Error::validation(
                "quantity",
                "is a whole number from 1 to 1000000",
            ));
        }
        let (category, code, description, price, tax_bp) = match input
            .code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            Some(code) => {
                let p =
                    store::price_by_code(self.live()?.store.conn(), code)?.ok_or_else(|| {
                        Error::validation("code", format!("{code} is not on the price list"))
                    })?;
                (p.category, Some(p.code), p.name, p.price_minor, p.tax_bp)
            }
            None => (
                check_category(input.category.as_deref().unwrap_or("other"))?,
                None,
                validate::text(
                    "description",
                    input.description.as_deref().unwrap_or_default(),
                    200,
                )?,
                check_amount("unit_price_minor", input.unit_price_minor.unwrap_or(-1))?,
                check_bp("tax_bp", input.tax_bp.unwrap_or(0))?,
            ),
        };
        self.transact(|tx, ctx, actor| {
            let line = Line {
                id: crate::ids::new_v7_at(ctx.now).hyphenated().to_string(),
                invoice_id: inv.id.clone(),
                category,
                code: code.clone(),
                description,
                quantity: input.quantity,
                unit_price_minor: price,
                tax_bp,
                discount_bp: 0,
                discount_reason: None,
                source: code.map(|c| format!("price:{c}")),
                removed: false,
                added_by: actor.user,
                added_at: to_db_time(ctx.now),
            };
            // The figures must still fit before anything is written.
            let mut all = store::lines(tx, &inv.id)?;
            all.push(line.clone());
            totals::invoice(
                &all.iter()
                    .filter(|l| !l.removed)
                    .map(Line::amounts)
                    .collect::<Vec<_>>(),
            )?;
            store::insert_line(tx, ctx, &line)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("billing.line", Outcome::Success)
                    .entity("invoice", &inv.id)
                    .details(serde_json::json!({
                        "description": line.description, "quantity": line.quantity,
                        "unit_price_minor": line.unit_price_minor,
                    })),
            )?;
            Ok(())
        })?;
        self.invoice(&inv.id)
    }

    fn draft_line(&mut self, line: &str) -> Result<(Invoice, Line)> {
        let l = store::line(self.live()?.store.conn(), line)?
            .ok_or_else(|| Error::validation("line", format!("there is no invoice line {line}")))?;
        let inv = self.draft(&l.invoice_id)?;
        Ok((inv, l))
    }

    /// Adds to a draft what the pharmacy gave and has not been billed yet: the draft's
    /// patient's dispensed and sold items, or, with `sale`, one over-the-counter sale
    /// by its number. One line per movement (its batch's units at the price it left
    /// at), taxed at the `PHARMACY` price's rate; none is billed twice.
    pub fn add_dispensed_lines(
        &mut self,
        invoice: &str,
        sale: Option<&str>,
    ) -> Result<InvoiceView> {
        self.authorize(Action::BillingWrite, Target::Any)?;
        let inv = self.draft(invoice)?;
        let sale = sale
            .map(|s| s.trim().to_ascii_uppercase())
            .filter(|s| !s.is_empty());
        if inv.patient_id.is_none() && sale.is_none() {
            return Err(Error::validation(
                "sale",
                "this invoice has no patient; name the over-the-counter sale to bill",
            ));
        }
        let conn = self.live()?.store.conn();
        let found = store::unbilled_movements(
            conn,
            if sale.is_some() { None } else { inv.patient_id },
            sale.as_deref(),
        )?;
        if found.is_empty() {
            return Err(Error::validation(
                "invoice",
                "nothing dispensed or sold is waiting to be billed",
            ));
        }
        let tax_bp = store::price_by_code(conn, "PHARMACY")?.map_or(0, |p| p.tax_bp);
        self.transact(|tx, ctx, actor| {
            for (movement, label, units, price, reference) in &found {
                store::insert_line(
                    tx,
                    ctx,
                    &Line {
                        id: crate::ids::new_v7_at(ctx.now).hyphenated().to_string(),
                        invoice_id: inv.id.clone(),
                        category: "pharmacy".into(),
                        code: None,
                        description: match reference {
                            Some(r) => format!("{label} ({r})"),
                            None => label.clone(),
                        },
                        quantity: *units,
                        unit_price_minor: *price,
                        tax_bp,
                        discount_bp: 0,
                        discount_reason: None,
                        source: Some(format!("dispense:{movement}")),
                        removed: false,
                        added_by: actor.user,
                        added_at: to_db_time(ctx.now),
                    },
                )?;
            }
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("billing.dispensed", Outcome::Success)
                    .entity("invoice", &inv.id)
                    .details(serde_json::json!({ "lines": found.len(), "sale": sale })),
            )?;
            Ok(())
        })?;
        self.invoice(&inv.id)
    }

    /// Takes a line off a draft (kept, marked removed).
    pub fn remove_invoice_line(&mut self, line: &str) -> Result<InvoiceView> {
        self.authorize(Action::BillingWrite, Target::Any)?;
        let (inv, l) = self.draft_line(line)?;
        self.transact(|tx, ctx, actor| {
            store::update_line(
                tx,
                ctx,
                &l.id,
                &inv.id,
                &serde_json::json!({ "removed": true }),
            )?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("billing.line_removed", Outcome::Success)
                    .entity("invoice", &inv.id)
                    .details(serde_json::json!({ "description": l.description })),
            )?;
            Ok(())
        })?;
        self.invoice(&inv.id)
    }

    /// Gives a discount on a draft's line, in basis points, with a reason (accountants).
    pub fn discount_line(
        &mut self,
        line: &str,
        discount_bp: i64,
        reason: &str,
    ) -> Result<InvoiceView> {
        self.authorize(Action::BillingDiscount, Target::Any)?;
        let (inv, l) = self.draft_line(line)?;
        let discount_bp = check_bp("discount_bp", discount_bp)?;
        let reason = validate::text("reason", reason, 300)?;
        self.transact(|tx, ctx, actor| {
            store::update_line(
                tx,
                ctx,
                &l.id,
                &inv.id,
                &serde_json::json!({ "discount_bp": discount_bp, "discount_reason": reason }),
            )?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("billing.discount", Outcome::Success)
                    .entity("invoice", &inv.id)
                    .details(serde_json::json!({
                        "line": l.description, "discount_bp": discount_bp, "reason": reason,
                    })),
            )?;
            Ok(())
        })?;
        self.invoice(&inv.id)
    }

    /// Issues a draft (front desk, accountants): numbered in this device's series for the
    /// year, then frozen.
    pub fn issue_invoice(&mut self, id: &str) -> Result<InvoiceView> {
        self.authorize(Action::BillingWrite, Target::Any)?;
        let inv = self.draft(id)?;
        let current = self.invoice(&inv.id)?;
        if current.lines.is_empty() {
            return Err(Error::validation(
                "invoice",
                "an invoice has at least one line",
            ));
        }
        if inv.kind == "invoice" && current.totals.total_minor < 0 {
            return Err(Error::validation(
                "invoice",
                "an invoice's total is not below zero",
            ));
        }
        let year = self.today()?.year();
        let clinic = self.clinic().clone();
        let device = self.actor().device;
        self.transact(|tx, ctx, actor| {
            let seq = sequences::next(tx, &format!("invoice-{year}"))?;
            let number = format!(
                "{}{}-{}-{year}-{seq:06}",
                if inv.kind == "credit_note" { "CN-" } else { "" },
                clinic.branch_code,
                sequences::device_tag(device)
            );
            store::issue(tx, ctx, &inv.id, &number, actor.user, &to_db_time(ctx.now))?;
            let mut event = Event::new("billing.issue", Outcome::Success)
                .entity("invoice", &inv.id)
                .details(serde_json::json!({
                    "number": number, "total_minor": current.totals.total_minor,
                }));
            if let Some(p) = inv.patient_id {
                event = event.patient(p);
            }
            audit::append(tx, ctx, Some(actor), ctx.now, &event)?;
            Ok(())
        })?;
        self.invoice(&inv.id)
    }

    /// Voids an issued invoice with a reason (front desk, accountants); the original is
    /// kept. Refused while payments stand on it: refund them first.
    pub fn void_invoice(&mut self, id: &str, reason: &str) -> Result<InvoiceView> {
        self.authorize(Action::BillingWrite, Target::Any)?;
        let current = self.invoice(id)?;
        let reason = validate::text("reason", reason, 300)?;
        if current.invoice.status != "issued" {
            return Err(Error::validation(
                "invoice",
                format!(
                    "only an issued invoice is voided; this one is {}",
                    current.invoice.status
                ),
            ));
        }
        if current.paid_minor != 0 {
            return Err(Error::validation(
                "invoice",
                "payments stand on this invoice; refund them first, or issue a credit note",
            ));
        }
        let inv = current.invoice;
        self.transact(|tx, ctx, actor| {
            store::void(tx, ctx, &inv.id, actor.user, &to_db_time(ctx.now), &reason)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("billing.void", Outcome::Success)
                    .entity("invoice", &inv.id)
                    .details(serde_json::json!({ "number": inv.number, "reason": reason })),
            )?;
            Ok(())
        })?;
        self.invoice(&inv.id)
    }

    /// Credits an issued invoice in full with a credit note (issued at once, numbered
    /// `CN-…`); the original stays as it was.
    pub fn credit_invoice(&mut self, id: &str, reason: &str) -> Result<InvoiceView> {
        self.authorize(Action::BillingWrite, Target::Any)?;
        let current = self.invoice(id)?;
        let reason = validate::text("reason", reason, 300)?;
        if current.invoice.status != "issued" || current.invoice.kind != "invoice" {
            return Err(Error::validation(
                "invoice",
                "only an issued invoice is credited",
            ));
        }
        let original = current.invoice.clone();
        let note = self.transact(|tx, ctx, actor| {
            let id = crate::ids::new_v7_at(ctx.now).hyphenated().to_string();
            let at = to_db_time(ctx.now);
            store::insert_invoice(
                tx,
                ctx,
                &Invoice {
                    id: id.clone(),
                    number: None,
                    kind: "credit_note".into(),
                    credit_of: Some(original.id.clone()),
                    patient_id: original.patient_id,
                    encounter_id: None,
                    branch_code: original.branch_code.clone(),
                    currency: original.currency.clone(),
                    status: "draft".into(),
                    created_by: actor.user,
                    created_at: at.clone(),
                    issued_by: None,
                    issued_at: None,
                    voided_by: None,
                    voided_at: None,
                    void_reason: None,
                },
            )?;
            for l in &current.lines {
                store::insert_line(
                    tx,
                    ctx,
                    &Line {
                        id: derived_id(&format!("{id}:credit:{}", l.line.id)),
                        invoice_id: id.clone(),
                        unit_price_minor: -l.line.unit_price_minor,
                        source: Some(format!("credit:{}", l.line.id)),
                        added_by: actor.user,
                        added_at: at.clone(),
                        ..l.line.clone()
                    },
                )?;
            }
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("billing.credit", Outcome::Success)
                    .entity("invoice", &original.id)
                    .details(serde_json::json!({ "number": original.number, "reason": reason })),
            )?;
            Ok(id)
        })?;
        self.issue_invoice(&note)
    }

    /// Takes a payment, or gives a refund (negative, with a reason, never more than was
    /// paid), on an issued invoice (front desk, accountants). Cash may carry what was
    /// tendered; the change is worked out. Each payment has its receipt number.
    pub fn record_payment(&mut self, invoice: &str, input: &PaymentInput) -> Result<Payment> {
        self.authorize(Action::PaymentRecord, Target::Any)?;
        let current = self.invoice(invoice)?;
        if current.invoice.status != "issued" {
            return Err(Error::validation(
                "invoice",
                format!(
                    "payments are taken on an issued invoice; this one is {}",
                    current.invoice.status
                ),
            ));
        }
        let method = input.method.trim().to_ascii_lowercase();
        if !METHODS.contains(&method.as_str()) {
            return Err(Error::validation(
                "method",
                format!("is one of {}", METHODS.join(", ")),
            ));
        }
        let amount = input.amount_minor;
        if amount == 0 || amount.abs() > clinic_protocol::billing::MAX_AMOUNT_MINOR {
            return Err(Error::validation(
                "amount_minor",
                "is a non-zero amount in minor units",
            ));
        }
        let reason = validate::optional_text("reason", input.reason.as_deref(), 300)?;
        if amount < 0 {
            if reason.is_none() {
                return Err(Error::validation("reason", "a refund keeps its reason"));
            }
            if -amount > current.paid_minor {
                return Err(Error::validation(
                    "amount_minor",
                    format!(
                        "only {} was paid; a refund is at most that",
                        current.paid_minor
                    ),
                ));
            }
        }
        let (tendered, change) = match input.tendered_minor {
            Some(t) if method == "cash" && amount > 0 => {
                if t < amount {
                    return Err(Error::validation(
                        "tendered_minor",
                        "the cash handed over is at least the amount paid",
                    ));
                }
                (Some(t), Some(t - amount))
            }
            Some(_) => {
                return Err(Error::validation(
                    "tendered_minor",
                    "only a cash payment is tendered",
                ));
            }
            None => (None, None),
        };
        let reference = validate::optional_text("reference", input.reference.as_deref(), 100)?;
        let clinic = self.clinic().clone();
        let device = self.actor().device;
        let inv = current.invoice;
        self.transact(|tx, ctx, actor| {
            let receipt = format!(
                "R-{}",
                sequences::number(&clinic.branch_code, device, sequences::next(tx, "receipt")?)
            );
            let p = Payment {
                id: crate::ids::new_v7_at(ctx.now).hyphenated().to_string(),
                invoice_id: inv.id.clone(),
                method: method.clone(),
                amount_minor: amount,
                tendered_minor: tendered,
                change_minor: change,
                reference: reference.clone(),
                reason: reason.clone(),
                receipt_number: receipt,
                received_by: actor.user,
                received_by_name: actor.username.clone(),
                received_at: to_db_time(ctx.now),
            };
            store::insert_payment(tx, ctx, &p)?;
            let mut event = Event::new(
                if amount < 0 {
                    "billing.refund"
                } else {
                    "billing.payment"
                },
                Outcome::Success,
            )
            .entity("invoice", &inv.id)
            .details(serde_json::json!({
                "number": inv.number, "method": method, "amount_minor": amount,
                "receipt": p.receipt_number,
            }));
            if let Some(pt) = inv.patient_id {
                event = event.patient(pt);
            }
            audit::append(tx, ctx, Some(actor), ctx.now, &event)?;
            Ok(p)
        })
    }
}
