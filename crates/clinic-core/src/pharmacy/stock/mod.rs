//! A branch's stock: items (a drug as the branch stocks it), batches (batch number,
//! expiry, cost) and the movements that make up every number shown.
//!
//! Invariants:
//! - Stock is the sum of a batch's append-only movements; a movement is never changed or
//!   deleted (triggers refuse it), a correction is another movement (`adjust`, with its
//!   reason).
//! - Nothing on this workstation takes a batch below zero: every movement out checks
//!   the balance in the same transaction that writes it. Two workstations offline can
//!   still oversell; the sync server raises a discrepancy for that, and a pharmacist
//!   resolves it here with a count.
//! - A batch is expired on and after its expiry date: it is never dispensed, sold or
//!   transferred, only expired (destroyed) or adjusted.
//! - Only pharmacists move stock; administrators may also adjust it to a count. Every
//!   movement is audited with who, what and why.

pub(crate) mod store;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::clinical::prescriptions::counted;
use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{
    BatchId, DiscrepancyId, MovementId, PatientId, PrescriptionId, StockItemId, TransferId, UserId,
    new_v7_at,
};
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::audit::{self, Event, Outcome};
use crate::store::changes::WriteContext;
use crate::store::{notifications, sequences};
use crate::validate;

/// How many days ahead "expiring soon" looks by default.
pub const EXPIRY_ALERT_DAYS: i64 = 90;

/// A drug (or other item) as one branch stocks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockItem {
    pub id: StockItemId,
    pub branch_code: String,
    /// The drug catalogue's id (the folded generic name); `None` for a non-drug item.
    pub drug_id: Option<String>,
    pub name: String,
    pub strength: Option<String>,
    pub form: Option<String>,
    /// What one counts: tablet, capsule, mL, bottle.
    pub unit: String,
    /// At or below this many usable units the branch's pharmacists are told.
    pub reorder_level: i64,
    /// Sale price per unit, in minor units (the invoice line's price).
    pub price_minor: i64,
    /// Sold over the counter without a prescription.
    pub otc: bool,
}

impl StockItem {
    /// "Amoxicillin 500 mg capsule".
    pub fn label(&self) -> String {
        [
            Some(self.name.as_str()),
            self.strength.as_deref(),
            self.form.as_deref(),
        ]
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
    }
}

/// One batch of an item, with its balance (the sum of its movements).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Batch {
    pub id: BatchId,
    pub item_id: StockItemId,
    pub branch_code: String,
    pub batch_number: String,
    /// `YYYY-MM-DD`; the batch is expired on and after this day.
    pub expiry_date: String,
    /// Cost per unit, in minor units.
    pub cost_minor: i64,
    pub supplier: Option<String>,
    pub location: Option<String>,
    pub received_by: UserId,
    pub received_at: String,
    pub balance: i64,
}

impl Batch {
    /// Whether the batch is expired on `today`.
    pub fn expired_on(&self, today: NaiveDate) -> bool {
        validate::parse_date(&self.expiry_date).is_none_or(|d| d <= today)
    }
}

/// One movement of a batch, with the names a list shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Movement {
    pub id: MovementId,
    pub batch_id: BatchId,
    pub item_id: StockItemId,
    pub branch_code: String,
    /// `receive`, `return`, `transfer_in`, `dispense`, `sale`, `transfer_out`, `expire`,
    /// `adjust`.
    pub kind: String,
    /// Signed: units in are positive, units out negative.
    pub quantity: i64,
    pub reason: Option<String>,
    /// The supplier's delivery or invoice number, or a sale's number.
    pub reference: Option<String>,
    pub prescription_id: Option<PrescriptionId>,
    pub prescription_item_id: Option<String>,
    /// Given in place of what was prescribed (the prescription allowed it).
    pub substitute: bool,
    pub patient_id: Option<PatientId>,
    pub transfer_id: Option<TransferId>,
    pub discrepancy_id: Option<DiscrepancyId>,
    /// Price per unit when it left (dispensed or sold): the invoice line's.
    pub price_minor: Option<i64>,
    pub moved_by: UserId,
    pub moved_by_name: String,
    pub moved_at: String,
    pub batch_number: String,
    pub expiry_date: String,
    pub item_name: String,
}

/// An item with its batches and what they add up to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockLine {
    pub item: StockItem,
    /// Every batch, earliest expiry first (empty ones included: their history stays).
    pub batches: Vec<Batch>,
    /// Units in batches not expired today: what may be dispensed.
    pub usable: i64,
    /// Units in expired batches still on the books (to destroy).
    pub expired: i64,
    /// `usable` at or below the reorder level.
    pub low: bool,
    /// The value of the usable units at cost, minor units.
    pub value_minor: i64,
}

/// A new item: from the drug catalogue (`drug` names it) or free (`name`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ItemInput {
    pub drug: Option<String>,
    pub name: Option<String>,
    pub strength: Option<String>,
    pub form: Option<String>,
    pub unit: String,
    pub reorder_level: i64,
    pub price_minor: i64,
    pub otc: bool,
}

/// One line of a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ReceiveLine {
    pub item: StockItemId,
    pub batch_number: String,
    /// `YYYY-MM-DD`.
    pub expiry_date: String,
    pub quantity: i64,
    pub cost_minor: i64,
    pub location: Option<String>,
}

/// A supplier's delivery: its delivery or invoice number and its lines.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Delivery {
    pub supplier: String,
    pub reference: String,
    pub lines: Vec<ReceiveLine>,
}

/// What one line of a transfer carried: enough for the receiving branch to make the
/// same batch of the same item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferLine {
    pub batch_id: BatchId,
    pub drug_id: Option<String>,
    pub name: String,
    pub strength: Option<String>,
    pub form: Option<String>,
    pub unit: String,
    pub batch_number: String,
    pub expiry_date: String,
    pub cost_minor: i64,
    pub quantity: i64,
}

/// Stock sent from one branch to another: sent, then received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transfer {
    pub id: TransferId,
    /// `T-BR01-7KQ3M-000001`.
    pub number: String,
    pub from_branch: String,
    pub to_branch: String,
    pub lines: Vec<TransferLine>,
    /// `sent` or `received`.
    pub status: String,
    pub sent_by: UserId,
    pub sent_at: String,
    pub received_by: Option<UserId>,
    pub received_at: Option<String>,
}

/// A batch the sync server found below zero (offline dispensing oversold it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Discrepancy {
    pub id: DiscrepancyId,
    pub batch_id: BatchId,
    pub item_id: StockItemId,
    pub branch_code: String,
    /// The books when the server saw it (below zero).
    pub balance: i64,
    pub raised_at: String,
    /// `open` or `resolved`.
    pub status: String,
    pub resolved_by: Option<UserId>,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
    pub item_name: String,
    pub batch_number: String,
}

/// Something a pharmacist should act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// `low_stock`, `expiring` or `expired`.
    pub kind: String,
    pub item_id: StockItemId,
    pub batch_id: Option<BatchId>,
    pub message: String,
}

/// Stock on hand and its value at cost: this branch line by line, and every branch's
/// total (stock rows reach every workstation of the group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockReport {
    pub branch_code: String,
    pub currency: String,
    pub lines: Vec<StockLine>,
    pub total_value_minor: i64,
    pub branches: Vec<BranchStock>,
}

/// One branch's stock in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BranchStock {
    pub branch_code: String,
    /// Items with usable units.
    pub items_in_stock: usize,
    /// Items at or below their reorder level.
    pub items_low: usize,
    pub value_minor: i64,
}

/// The leading whole number of a text ("21 capsules" → 21), if any.
pub fn leading_units(text: &str) -> Option<i64> {
    let digits: String = text
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let rest = text.trim()[digits.len()..].chars().next();
    if digits.is_empty() || matches!(rest, Some('.' | '/' | ',')) {
        return None;
    }
    digits.parse().ok()
}

pub(crate) fn check_quantity(field: &'static str, quantity: i64) -> Result<i64> {
    let max = clinic_protocol::stock::MAX_MOVEMENT_UNITS;
    if quantity <= 0 || quantity > max {
        return Err(Error::validation(
            field,
            format!("must be a whole number of units from 1 to {max}"),
        ));
    }
    Ok(quantity)
}

/// What a new movement needs besides its batch, kind and quantity.
#[derive(Debug, Clone, Default)]
pub(crate) struct MovementFacts {
    pub reason: Option<String>,
    pub reference: Option<String>,
    pub prescription_id: Option<PrescriptionId>,
    pub prescription_item_id: Option<String>,
    pub substitute: bool,
    pub patient_id: Option<PatientId>,
    pub transfer_id: Option<TransferId>,
    pub discrepancy_id: Option<DiscrepancyId>,
    pub price_minor: Option<i64>,
}

/// Writes one movement of `batch` and, when it leaves the item at or below its reorder
/// level for the first time, tells the branch's pharmacists (with the movement, so the
/// server accepts the notifications). Refuses to take the batch below zero.
// Each argument is one fact of the movement the callers already hold apart; bundling
// them would only move the list into a struct built at every call.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_movement(
    tx: &rusqlite::Transaction<'_>,
    ctx: &WriteContext,
    moved_by: UserId,
    branch: crate::ids::BranchId,
    batch: &Batch,
    kind: &str,
    quantity: i64,
    facts: MovementFacts,
    today: NaiveDate,
) -> Result<Movement> {
    let balance = store::balance(tx, batch.id)?;
    if quantity < 0 && balance + quantity < 0 {
        return Err(Error::validation(
            "quantity",
            format!(
                "batch {} has {balance} left; {} cannot leave it",
                batch.batch_number, -quantity
            ),
        ));
    }
    let item = store::item(tx, batch.item_id)?
        .ok_or_else(|| Error::Internal("a batch without its item".into()))?;
    let today_text = today.format("%Y-%m-%d").to_string();
    let usable_before = store::usable(tx, item.id, &today_text)?;
    let m = Movement {
        id: MovementId(new_v7_at(ctx.now)),
        batch_id: batch.id,
        item_id: batch.item_id,
        branch_code: batch.branch_code.clone(),
        kind: kind.to_owned(),
        quantity,
        reason: facts.reason,
        reference: facts.reference,
        prescription_id: facts.prescription_id,
        prescription_item_id: facts.prescription_item_id,
        substitute: facts.substitute,
        patient_id: facts.patient_id,
        transfer_id: facts.transfer_id,
        discrepancy_id: facts.discrepancy_id,
        price_minor: facts.price_minor,
        moved_by,
        moved_by_name: String::new(),
        moved_at: to_db_time(ctx.now),
        batch_number: batch.batch_number.clone(),
        expiry_date: batch.expiry_date.clone(),
        item_name: item.name.clone(),
    };
    store::insert_movement(tx, ctx, &m)?;
    let usable_after = store::usable(tx, item.id, &today_text)?;
    if quantity < 0 && usable_after <= item.reorder_level && usable_before > item.reorder_level {
        for pharmacist in store::pharmacists_of(tx, branch)? {
            notifications::insert(
                tx,
                ctx,
                pharmacist,
                &notifications::New {
                    kind: "low_stock",
                    title: format!("Low stock: {}", item.label()),
                    body: format!(
                        "{} left at {} (reorder level {}). Order more.",
                        counted(usable_after, &item.unit),
                        item.branch_code,
                        item.reorder_level
                    ),
                    entity: Some("stock_movement"),
                    entity_id: Some(m.id.to_string()),
                },
            )?;
        }
    }
    Ok(m)
}

impl Session {
    fn branch_code(&self) -> String {
        self.clinic().branch_code.clone()
    }

    pub(crate) fn stock_item_here(&mut self, id: StockItemId) -> Result<StockItem> {
        let branch = self.branch_code();
        store::item(self.live()?.store.conn(), id)?
            .filter(|i| i.branch_code == branch)
            .ok_or_else(|| {
                Error::validation("item", format!("there is no stock item {id} at {branch}"))
            })
    }

    pub(crate) fn batch_here(&mut self, id: BatchId) -> Result<Batch> {
        let branch = self.branch_code();
        store::batch(self.live()?.store.conn(), id)?
            .filter(|b| b.branch_code == branch)
            .ok_or_else(|| {
                Error::validation("batch", format!("there is no batch {id} at {branch}"))
            })
    }

    /// This branch's stock, item by item, with every batch (pharmacists, administrators).
    pub fn stock(&mut self) -> Result<Vec<StockLine>> {
        self.authorize(Action::StockRead, Target::Any)?;
        let today = self.today()?;
        let branch = self.branch_code();
        let conn = self.live()?.store.conn();
        let items = store::items_of_branch(conn, &branch)?;
        let batches = store::batches_of_branch(conn, &branch)?;
        Ok(items
            .into_iter()
            .map(|item| {
                let batches: Vec<Batch> = batches
                    .iter()
                    .filter(|b| b.item_id == item.id)
                    .cloned()
                    .collect();
                line_of(item, batches, today)
            })
            .collect())
    }

    /// One item's line (pharmacists, administrators).
    pub fn stock_line(&mut self, id: StockItemId) -> Result<StockLine> {
        self.authorize(Action::StockRead, Target::Any)?;
        let today = self.today()?;
        let item = self.stock_item_here(id)?;
        let batches = store::batches_of_item(self.live()?.store.conn(), id)?;
        Ok(line_of(item, batches, today))
    }

    /// Adds an item this branch stocks (pharmacists).
    pub fn add_stock_item(&mut self, input: &ItemInput) -> Result<StockItem> {
        self.authorize(Action::StockMove, Target::Any)?;
        let (drug_id, name) = match input
            .drug
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            Some(drug) => {
                let found = self.drug(drug)?.ok_or_else(|| {
                    Error::validation(
                        "drug",
                        format!(
                            "{drug} is not in the drug catalogue; leave it empty and give a name"
                        ),
                    )
                })?;
                (Some(found.id), found.name)
            }
            None => (
                None,
                validate::text("name", input.name.as_deref().unwrap_or_default(), 120)?,
            ),
        };
        let item = StockItem {
            id: StockItemId(new_v7_at(self.now())),
            branch_code: self.branch_code(),
            drug_id,
            name,
            strength: validate::optional_text("strength", input.strength.as_deref(), 60)?,
            form: validate::optional_text("form", input.form.as_deref(), 60)?,
            unit: validate::text("unit", &input.unit, 30)?,
            reorder_level: check_level(input.reorder_level)?,
            price_minor: check_money("price", input.price_minor)?,
            otc: input.otc,
        };
        let branch = self.branch_code();
        let conn = self.live()?.store.conn();
        if store::items_of_branch(conn, &branch)?.iter().any(|i| {
            i.drug_id == item.drug_id
                && validate::fold(&i.name) == validate::fold(&item.name)
                && i.strength == item.strength
                && i.form == item.form
        }) {
            return Err(Error::validation(
                "name",
                format!(
                    "{} is already stocked here; receive it as a new batch",
                    item.label()
                ),
            ));
        }
        self.transact(|tx, ctx, actor| {
            store::insert_item(tx, ctx, &item)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("stock.item", Outcome::Success)
                    .entity("stock_item", item.id)
                    .details(serde_json::json!({ "name": item.label(), "unit": item.unit })),
            )?;
            Ok(())
        })?;
        Ok(item)
    }

    /// Changes an item's reorder level, price and over-the-counter flag (pharmacists).
    pub fn update_stock_item(
        &mut self,
        id: StockItemId,
        reorder_level: i64,
        price_minor: i64,
        otc: bool,
    ) -> Result<StockItem> {
        self.authorize(Action::StockMove, Target::Any)?;
        self.stock_item_here(id)?;
        let reorder_level = check_level(reorder_level)?;
        let price_minor = check_money("price", price_minor)?;
        self.transact(|tx, ctx, actor| {
            store::update_item(tx, ctx, id, reorder_level, price_minor, otc)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("stock.item", Outcome::Success)
                    .entity("stock_item", id)
                    .details(serde_json::json!({
                        "reorder_level": reorder_level, "price_minor": price_minor, "otc": otc,
                    })),
            )?;
            Ok(())
        })?;
        self.stock_item_here(id)
    }

    /// Receives a supplier's delivery: one new batch per line (pharmacists). All lines
    /// or none.
    pub fn receive_stock(&mut self, delivery: &Delivery) -> Result<Vec<Batch>> {
        self.authorize(Action::StockMove, Target::Any)?;
        let supplier = validate::text("supplier", &delivery.supplier, 120)?;
        let reference = validate::text("reference", &delivery.reference, 60)?;
        if delivery.lines.is_empty() {
            return Err(Error::validation(
                "lines",
                "a delivery has at least one line",
            ));
        }
        let today = self.today()?;
        let mut checked = Vec::new();
        for (n, line) in delivery.lines.iter().enumerate() {
            let item = self.stock_item_here(line.item)?;
            let batch_number = validate::text("batch_number", &line.batch_number, 60)?;
            let expiry = validate::parse_date(line.expiry_date.trim()).ok_or_else(|| {
                Error::validation(
                    "expiry_date",
                    format!("line {}: the expiry date is YYYY-MM-DD", n + 1),
                )
            })?;
            if expiry <= today {
                return Err(Error::validation(
                    "expiry_date",
                    format!(
                        "line {}: {} batch {batch_number} expired on {expiry}; expired stock is not received",
                        n + 1,
                        item.label()
                    ),
                ));
            }
            check_quantity("quantity", line.quantity)?;
            check_money("cost", line.cost_minor)?;
            let location = validate::optional_text("location", line.location.as_deref(), 60)?;
            checked.push((item, batch_number, expiry, line, location));
        }
        let branch_id = self.clinic().branch_id;
        let batches = self.transact(|tx, ctx, actor| {
            let mut batches = Vec::new();
            for (item, batch_number, expiry, line, location) in checked {
                let batch = Batch {
                    id: BatchId(new_v7_at(ctx.now)),
                    item_id: item.id,
                    branch_code: item.branch_code.clone(),
                    batch_number,
                    expiry_date: expiry.format("%Y-%m-%d").to_string(),
                    cost_minor: line.cost_minor,
                    supplier: Some(supplier.clone()),
                    location,
                    received_by: actor.user,
                    received_at: to_db_time(ctx.now),
                    balance: line.quantity,
                };
                store::insert_batch(tx, ctx, &batch)?;
                write_movement(
                    tx,
                    ctx,
                    actor.user,
                    branch_id,
                    &batch,
                    "receive",
                    line.quantity,
                    MovementFacts {
                        reference: Some(reference.clone()),
                        ..MovementFacts::default()
                    },
                    today,
                )?;
                batches.push(batch);
            }
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("stock.receive", Outcome::Success).details(serde_json::json!({
                    "supplier": supplier, "reference": reference, "lines": batches.len(),
                })),
            )?;
            Ok(batches)
        })?;
        Ok(batches)
    }

    /// Moves a batch to another shelf (pharmacists); its only field that changes.
    pub fn move_batch(&mut self, batch: BatchId, location: Option<&str>) -> Result<Batch> {
        self.authorize(Action::StockMove, Target::Any)?;
        let b = self.batch_here(batch)?;
        let location = validate::optional_text("location", location, 60)?;
        self.transact(|tx, ctx, actor| {
            store::set_location(tx, ctx, b.id, location.as_deref())?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("stock.location", Outcome::Success)
                    .entity("stock_batch", b.id)
                    .details(serde_json::json!({ "batch": b.batch_number, "location": location })),
            )?;
            Ok(())
        })?;
        self.batch_here(batch)
    }

    /// Corrects a batch's books to a physical count, with the reason (pharmacists and
    /// administrators). Resolving a discrepancy names it.
    pub fn adjust_stock(
        &mut self,
        batch: BatchId,
        counted: i64,
        reason: &str,
        discrepancy: Option<DiscrepancyId>,
    ) -> Result<Movement> {
        self.authorize(Action::StockAdjust, Target::Any)?;
        let b = self.batch_here(batch)?;
        let reason = validate::text("reason", reason, 300)?;
        if !(0..=clinic_protocol::stock::MAX_MOVEMENT_UNITS).contains(&counted) {
            return Err(Error::validation(
                "counted",
                "the count is a whole number of units, 0 or more",
            ));
        }
        let open = match discrepancy {
            Some(id) => {
                let d = store::discrepancy(self.live()?.store.conn(), id)?.ok_or_else(|| {
                    Error::validation("discrepancy", format!("there is no discrepancy {id}"))
                })?;
                if d.batch_id != batch {
                    return Err(Error::validation(
                        "discrepancy",
                        "that discrepancy is about another batch",
                    ));
                }
                if d.status != "open" {
                    return Err(Error::validation(
                        "discrepancy",
                        "that discrepancy is already resolved",
                    ));
                }
                Some(d)
            }
            None => None,
        };
        let delta = counted - b.balance;
        if delta == 0 && open.is_none() {
            return Err(Error::validation(
                "counted",
                format!("the books already say {counted}; nothing to adjust"),
            ));
        }
        let today = self.today()?;
        let branch_id = self.clinic().branch_id;
        let unit = self.stock_item_here(b.item_id)?.unit;
        self.transact(|tx, ctx, actor| {
            let movement = if delta != 0 {
                Some(write_movement(
                    tx,
                    ctx,
                    actor.user,
                    branch_id,
                    &b,
                    "adjust",
                    delta,
                    MovementFacts {
                        reason: Some(reason.clone()),
                        discrepancy_id: discrepancy,
                        ..MovementFacts::default()
                    },
                    today,
                )?)
            } else {
                None
            };
            if let Some(d) = &open {
                store::resolve_discrepancy(
                    tx,
                    ctx,
                    d.id,
                    actor.user,
                    &to_db_time(ctx.now),
                    &format!("counted {counted} {unit}: {reason}"),
                )?;
            }
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("stock.adjust", Outcome::Success)
                    .entity("stock_batch", b.id)
                    .details(serde_json::json!({
                        "batch": b.batch_number, "was": b.balance, "counted": counted,
                        "reason": reason, "discrepancy": discrepancy,
                    })),
            )?;
            // Resolving with the books already right writes no movement; show the count.
            Ok(movement.unwrap_or_else(|| Movement {
                id: MovementId(new_v7_at(ctx.now)),
                batch_id: b.id,
                item_id: b.item_id,
                branch_code: b.branch_code.clone(),
                kind: "adjust".into(),
                quantity: 0,
                reason: Some(reason.clone()),
                reference: None,
                prescription_id: None,
                prescription_item_id: None,
                substitute: false,
                patient_id: None,
                transfer_id: None,
                discrepancy_id: discrepancy,
                price_minor: None,
                moved_by: actor.user,
                moved_by_name: String::new(),
                moved_at: to_db_time(ctx.now),
                batch_number: b.batch_number.clone(),
                expiry_date: b.expiry_date.clone(),
                item_name: String::new(),
            }))
        })
    }

    /// Takes units of a batch off the books as expired or destroyed, with the reason
    /// (pharmacists).
    pub fn expire_stock(
        &mut self,
        batch: BatchId,
        quantity: i64,
        reason: &str,
    ) -> Result<Movement> {
        self.authorize(Action::StockMove, Target::Any)?;
        let b = self.batch_here(batch)?;
        let quantity = check_quantity("quantity", quantity)?;
        let reason = validate::text("reason", reason, 300)?;
        let today = self.today()?;
        let branch_id = self.clinic().branch_id;
        self.transact(|tx, ctx, actor| {
            let m = write_movement(
                tx,
                ctx,
                actor.user,
                branch_id,
                &b,
                "expire",
                -quantity,
                MovementFacts {
                    reason: Some(reason.clone()),
                    ..MovementFacts::default()
                },
                today,
            )?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("stock.expire", Outcome::Success)
                    .entity("stock_batch", b.id)
                    .details(serde_json::json!({
                        "batch": b.batch_number, "quantity": quantity, "reason": reason,
                    })),
            )?;
            Ok(m)
        })
    }

    /// Sends units of this branch's batches to another branch (pharmacists): they leave
    /// the books here at once and arrive there when a pharmacist receives the transfer.
    pub fn send_transfer(&mut self, to_branch: &str, lines: &[(BatchId, i64)]) -> Result<Transfer> {
        self.authorize(Action::StockMove, Target::Any)?;
        let to = self.branch_by_code("to_branch", to_branch)?;
        let from = self.branch_code();
        if to.code == from {
            return Err(Error::validation(
                "to_branch",
                "a transfer goes to another branch",
            ));
        }
        if lines.is_empty() {
            return Err(Error::validation(
                "lines",
                "a transfer carries at least one batch",
            ));
        }
        let today = self.today()?;
        let mut carried = Vec::new();
        for (batch, quantity) in lines {
            let b = self.batch_here(*batch)?;
            let quantity = check_quantity("quantity", *quantity)?;
            if b.expired_on(today) {
                return Err(Error::validation(
                    "batch",
                    format!(
                        "batch {} expired on {}; expired stock is not transferred",
                        b.batch_number, b.expiry_date
                    ),
                ));
            }
            let item = self.stock_item_here(b.item_id)?;
            carried.push((
                b.clone(),
                TransferLine {
                    batch_id: b.id,
                    drug_id: item.drug_id,
                    name: item.name,
                    strength: item.strength,
                    form: item.form,
                    unit: item.unit,
                    batch_number: b.batch_number,
                    expiry_date: b.expiry_date,
                    cost_minor: b.cost_minor,
                    quantity,
                },
            ));
        }
        let clinic = self.clinic().clone();
        let device = self.actor().device;
        self.transact(|tx, ctx, actor| {
            let transfer = Transfer {
                id: TransferId(new_v7_at(ctx.now)),
                number: format!(
                    "T-{}",
                    sequences::number(
                        &clinic.branch_code,
                        device,
                        sequences::next(tx, "stock_transfer")?
                    )
                ),
                from_branch: clinic.branch_code.clone(),
                to_branch: to.code.clone(),
                lines: carried.iter().map(|(_, l)| l.clone()).collect(),
                status: "sent".into(),
                sent_by: actor.user,
                sent_at: to_db_time(ctx.now),
                received_by: None,
                received_at: None,
            };
            store::insert_transfer(tx, ctx, &transfer)?;
            for (b, line) in &carried {
                write_movement(
                    tx,
                    ctx,
                    actor.user,
                    clinic.branch_id,
                    b,
                    "transfer_out",
                    -line.quantity,
                    MovementFacts {
                        reference: Some(transfer.number.clone()),
                        transfer_id: Some(transfer.id),
                        ..MovementFacts::default()
                    },
                    today,
                )?;
            }
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("stock.transfer_out", Outcome::Success)
                    .entity("stock_transfer", transfer.id)
                    .details(serde_json::json!({
                        "number": transfer.number, "to": transfer.to_branch,
                        "lines": transfer.lines.len(),
                    })),
            )?;
            Ok(transfer)
        })
    }

    /// Receives a transfer sent to this branch (pharmacists): each line becomes a batch
    /// of the same number and expiry here, of this branch's item for the same drug
    /// (made when the branch has none).
    pub fn receive_transfer(&mut self, number: &str) -> Result<Transfer> {
        self.authorize(Action::StockMove, Target::Any)?;
        let number = number.trim().to_ascii_uppercase();
        let t =
            store::transfer_by_number(self.live()?.store.conn(), &number)?.ok_or_else(|| {
                Error::validation(
                    "transfer",
                    format!("there is no transfer {number} here yet; sync, then try again"),
                )
            })?;
        let here = self.branch_code();
        if t.to_branch != here {
            return Err(Error::validation(
                "transfer",
                format!("{number} goes to {}, not {here}", t.to_branch),
            ));
        }
        if t.status != "sent" {
            return Err(Error::validation(
                "transfer",
                format!("{number} was already received"),
            ));
        }
        let today = self.today()?;
        let branch_id = self.clinic().branch_id;
        let items = store::items_of_branch(self.live()?.store.conn(), &here)?;
        self.transact(|tx, ctx, actor| {
            for line in &t.lines {
                let existing = items.iter().find(|i| {
                    i.drug_id == line.drug_id
                        && validate::fold(&i.name) == validate::fold(&line.name)
                        && i.strength == line.strength
                        && i.form == line.form
                        && i.unit == line.unit
                });
                let item_id = match existing {
                    Some(i) => i.id,
                    None => {
                        let item = StockItem {
                            id: StockItemId(new_v7_at(ctx.now)),
                            branch_code: here.clone(),
                            drug_id: line.drug_id.clone(),
                            name: line.name.clone(),
                            strength: line.strength.clone(),
                            form: line.form.clone(),
                            unit: line.unit.clone(),
                            reorder_level: 0,
                            price_minor: 0,
                            otc: false,
                        };
                        store::insert_item(tx, ctx, &item)?;
                        item.id
                    }
                };
                let batch = Batch {
                    id: BatchId(new_v7_at(ctx.now)),
                    item_id,
                    branch_code: here.clone(),
                    batch_number: line.batch_number.clone(),
                    expiry_date: line.expiry_date.clone(),
                    cost_minor: line.cost_minor,
                    supplier: Some(format!("transfer {} from {}", t.number, t.from_branch)),
                    location: None,
                    received_by: actor.user,
                    received_at: to_db_time(ctx.now),
                    balance: line.quantity,
                };
                store::insert_batch(tx, ctx, &batch)?;
                write_movement(
                    tx,
                    ctx,
                    actor.user,
                    branch_id,
                    &batch,
                    "transfer_in",
                    line.quantity,
                    MovementFacts {
                        reference: Some(t.number.clone()),
                        transfer_id: Some(t.id),
                        ..MovementFacts::default()
                    },
                    today,
                )?;
            }
            store::mark_received(tx, ctx, t.id, actor.user, &to_db_time(ctx.now))?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("stock.transfer_in", Outcome::Success)
                    .entity("stock_transfer", t.id)
                    .details(serde_json::json!({ "number": t.number, "from": t.from_branch })),
            )?;
            Ok(())
        })?;
        store::transfer(self.live()?.store.conn(), t.id)?
            .ok_or_else(|| Error::Internal("transfer vanished".into()))
    }

    /// Transfers from or to this branch, newest first.
    pub fn transfers(&mut self) -> Result<Vec<Transfer>> {
        self.authorize(Action::StockRead, Target::Any)?;
        let branch = self.branch_code();
        store::transfers_of_branch(self.live()?.store.conn(), &branch)
    }

    /// This branch's stock discrepancies, open ones first.
    pub fn stock_discrepancies(&mut self) -> Result<Vec<Discrepancy>> {
        self.authorize(Action::StockRead, Target::Any)?;
        let branch = self.branch_code();
        store::discrepancies(self.live()?.store.conn(), &branch)
    }

    /// What needs acting on: items at or below their reorder level, batches expiring
    /// within `days`, expired batches still on the books.
    pub fn stock_alerts(&mut self, days: i64) -> Result<Vec<Alert>> {
        let lines = self.stock()?;
        let today = self.today()?;
        let horizon = today + chrono::Duration::days(days.clamp(0, 3650));
        let mut alerts = Vec::new();
        for line in &lines {
            let item = &line.item;
            if line.low {
                alerts.push(Alert {
                    kind: "low_stock".into(),
                    item_id: item.id,
                    batch_id: None,
                    message: format!(
                        "{}: {} left (reorder level {})",
                        item.label(),
                        counted(line.usable, &item.unit),
                        item.reorder_level
                    ),
                });
            }
            for b in line.batches.iter().filter(|b| b.balance > 0) {
                let Some(expiry) = validate::parse_date(&b.expiry_date) else {
                    continue;
                };
                let (kind, message) = if expiry <= today {
                    (
                        "expired",
                        format!(
                            "{} batch {}: {} {} expired on {} still on the books; destroy them",
                            item.label(),
                            b.batch_number,
                            b.balance,
                            item.unit,
                            b.expiry_date
                        ),
                    )
                } else if expiry <= horizon {
                    (
                        "expiring",
                        format!(
                            "{} batch {}: {} {} expire on {}",
                            item.label(),
                            b.batch_number,
                            b.balance,
                            item.unit,
                            b.expiry_date
                        ),
                    )
                } else {
                    continue;
                };
                alerts.push(Alert {
                    kind: kind.into(),
                    item_id: item.id,
                    batch_id: Some(b.id),
                    message,
                });
            }
        }
        Ok(alerts)
    }

    /// Turns the expiry alerts into notifications for the signed-in pharmacist, once per
    /// batch and kind; returns how many were new. (Low stock is told to every
    /// pharmacist of the branch by the movement that crosses the reorder level.)
    pub fn notify_stock_alerts(&mut self, days: i64) -> Result<usize> {
        self.authorize(Action::StockMove, Target::Any)?;
        let alerts = self.stock_alerts(days)?;
        let me = self.actor().user;
        let conn = self.live()?.store.conn();
        let mut new = Vec::new();
        for a in alerts.into_iter().filter(|a| a.kind != "low_stock") {
            let key = format!(
                "{}:{}",
                a.kind,
                a.batch_id.map(|b| b.to_string()).unwrap_or_default()
            );
            if !store::already_told(conn, me, &format!("stock_{}", a.kind), &key)? {
                new.push((a, key));
            }
        }
        let count = new.len();
        if count > 0 {
            self.transact(|tx, ctx, _| {
                for (a, key) in &new {
                    notifications::insert(
                        tx,
                        ctx,
                        me,
                        &notifications::New {
                            kind: if a.kind == "expiring" {
                                "stock_expiring"
                            } else {
                                "stock_expired"
                            },
                            title: if a.kind == "expiring" {
                                "Expiring soon".into()
                            } else {
                                "Expired stock on the shelf".into()
                            },
                            body: a.message.clone(),
                            entity: Some("stock_alert"),
                            entity_id: Some(key.clone()),
                        },
                    )?;
                }
                Ok(())
            })?;
        }
        Ok(count)
    }

    /// Stock on hand at this branch and its value at cost, with every branch's totals.
    pub fn stock_report(&mut self) -> Result<StockReport> {
        let lines = self.stock()?;
        let total_value_minor = lines.iter().map(|l| l.value_minor).sum();
        let today = self.today()?;
        let conn = self.live()?.store.conn();
        let mut branches = Vec::new();
        for code in store::stocked_branches(conn)? {
            let items = store::items_of_branch(conn, &code)?;
            let batches = store::batches_of_branch(conn, &code)?;
            let lines: Vec<StockLine> = items
                .into_iter()
                .map(|item| {
                    let of_item = batches
                        .iter()
                        .filter(|b| b.item_id == item.id)
                        .cloned()
                        .collect();
                    line_of(item, of_item, today)
                })
                .collect();
            branches.push(BranchStock {
                branch_code: code,
                items_in_stock: lines.iter().filter(|l| l.usable > 0).count(),
                items_low: lines.iter().filter(|l| l.low).count(),
                value_minor: lines.iter().map(|l| l.value_minor).sum(),
            });
        }
        self.write_event(Event::new("stock.report", Outcome::Success))?;
        Ok(StockReport {
            branch_code: self.branch_code(),
            currency: self.clinic().currency.clone(),
            lines,
            total_value_minor,
            branches,
        })
    }

    /// This branch's movements on the clinic days `from` to `to`, both included.
    pub fn stock_movements(&mut self, from: NaiveDate, to: NaiveDate) -> Result<Vec<Movement>> {
        self.authorize(Action::StockRead, Target::Any)?;
        if to < from {
            return Err(Error::validation(
                "to",
                "the period ends on or after its first day",
            ));
        }
        let time = self.clinic_time()?;
        let start = to_db_time(time.day_start(from));
        let end = to_db_time(time.day_start(to + chrono::Duration::days(1)));
        let branch = self.branch_code();
        store::movements_between(self.live()?.store.conn(), &branch, &start, &end)
    }

    /// Batches with units left that expire within `days` (or already have), soonest
    /// first.
    pub fn expiring_stock(&mut self, days: i64) -> Result<Vec<(StockItem, Batch)>> {
        let today = self.today()?;
        let horizon = today + chrono::Duration::days(days.clamp(0, 3650));
        let mut out: Vec<(StockItem, Batch)> = self
            .stock()?
            .into_iter()
            .flat_map(|line| {
                let item = line.item;
                line.batches
                    .into_iter()
                    .filter(|b| b.balance > 0)
                    .filter(|b| validate::parse_date(&b.expiry_date).is_some_and(|d| d <= horizon))
                    .map(move |b| (item.clone(), b))
            })
            .collect();
        out.sort_by(|a, b| a.1.expiry_date.cmp(&b.1.expiry_date));
        Ok(out)
    }
}

fn line_of(item: StockItem, batches: Vec<Batch>, today: NaiveDate) -> StockLine {
    let usable: i64 = batches
        .iter()
        .filter(|b| !b.expired_on(today))
        .map(|b| b.balance)
        .sum();
    let expired = batches
        .iter()
        .filter(|b| b.expired_on(today))
        .map(|b| b.balance.max(0))
        .sum();
    let value_minor = batches
        .iter()
        .filter(|b| !b.expired_on(today))
        .map(|b| b.balance.max(0).saturating_mul(b.cost_minor))
        .sum();
    StockLine {
        low: usable <= item.reorder_level,
        item,
        batches,
        usable,
        expired,
        value_minor,
    }
}

fn check_level(level: i64) -> Result<i64> {
    if !(0..=clinic_protocol::stock::MAX_MOVEMENT_UNITS).contains(&level) {
        return Err(Error::validation(
            "reorder_level",
            "the reorder level is a whole number of units, 0 or more",
        ));
    }
    Ok(level)
}

fn check_money(field: &'static str, minor: i64) -> Result<i64> {
    if !(0..=1_000_000_000).contains(&minor) {
        return Err(Error::validation(
            field,
            "must be 0 or more, in minor units",
        ));
    }
    Ok(minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prescribed_quantity_counts_its_leading_whole_units() {
        assert_eq!(leading_units("21 capsules"), Some(21));
        assert_eq!(leading_units(" 100 mL"), Some(100));
        assert_eq!(leading_units("1.5 tablets"), None, "not whole units");
        assert_eq!(leading_units("1/2 tablet"), None);
        assert_eq!(leading_units("as needed"), None);
    }
}
