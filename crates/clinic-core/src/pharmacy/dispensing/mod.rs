//! Dispensing against issued prescriptions, and over-the-counter sales.
//!
//! Invariants:
//! - Only an issued prescription is dispensed (never a draft or a cancelled one), by a
//!   pharmacist, from this branch's stock.
//! - Batches are picked first-expiry-first-out unless the pharmacist names one; an
//!   expired batch is never dispensed or sold, and no batch goes below zero here.
//! - An item is dispensed up to what was prescribed (the whole units its quantity
//!   starts with); the rest stays open for a later visit. An item whose quantity is not
//!   a whole number of units is closed by its first dispensing.
//! - Something other than what was prescribed (another strength or form of the drug)
//!   is given only when the prescription allows substitution, and is marked so.
//! - Every dispensing is a movement naming the prescription, its item, the batch, who
//!   and when, and the unit price (the invoice line billing will make).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::clinical::prescriptions::{Item, Prescription};
use crate::error::{Error, Result};
use crate::ids::{BatchId, PatientId, PrescriptionId, StockItemId};
use crate::pharmacy::stock::{
    self, Batch, Movement, MovementFacts, StockItem, check_quantity, leading_units, write_movement,
};
use crate::policy::{Action, Target};
use crate::session::{PatientLabel, Session};
use crate::store::audit::{self, Event, Outcome};
use crate::store::sequences;

/// How far back the queue looks: a prescription older than this is found by its
/// number instead.
pub const QUEUE_DAYS: i64 = 30;

/// A prescription waiting at the pharmacy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    pub prescription_id: PrescriptionId,
    pub number: String,
    pub patient_id: PatientId,
    pub patient: PatientLabel,
    pub prescriber_name: String,
    pub issued_at: String,
    /// Items with something left to give.
    pub open_items: usize,
    /// Some items already given (a partial dispensing).
    pub partly_dispensed: bool,
}

/// A batch the pharmacist may give an item from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchChoice {
    pub item: StockItem,
    pub batch: Batch,
    /// Not what was prescribed (another strength or form): a substitution.
    pub substitute: bool,
    /// The batch first-expiry-first-out would take first.
    pub first: bool,
}

/// One prescribed item at the pharmacy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemDispensing {
    pub item: Item,
    /// Whole units prescribed; `None` when the quantity is not a count.
    pub prescribed: Option<i64>,
    pub dispensed: i64,
    /// What is left to give; `None` when unknown (not yet dispensed, not a count).
    pub remaining: Option<i64>,
    pub open: bool,
    /// What was given: batch, quantity, who, when.
    pub given: Vec<Movement>,
    /// Unexpired batches with units left, the first-expiry-first-out one first;
    /// substitutes only when the prescription allows them.
    pub choices: Vec<BatchChoice>,
}

/// A prescription as the pharmacy sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dispensing {
    pub prescription: Prescription,
    /// Whose it is: the name and record number the pharmacist checks.
    pub patient: PatientLabel,
    pub items: Vec<ItemDispensing>,
    /// Every item has been given in full.
    pub complete: bool,
}

/// One line the pharmacist gives.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DispenseLine {
    /// The prescription item's id (`<prescription id>-<position>`).
    pub item_id: String,
    /// The batch to give from; `None`: first-expiry-first-out over what was prescribed
    /// (or over `stock_item` when given).
    pub batch: Option<BatchId>,
    pub stock_item: Option<StockItemId>,
    pub quantity: i64,
}

/// One line of an over-the-counter sale.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SaleLine {
    pub stock_item: StockItemId,
    pub batch: Option<BatchId>,
    pub quantity: i64,
}

/// An over-the-counter sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sale {
    /// `OTC-BR01-7KQ3M-000001`.
    pub number: String,
    pub movements: Vec<Movement>,
    /// Sum of quantity × unit price, minor units.
    pub total_minor: i64,
}

/// First-expiry-first-out: which batches give `quantity` units, earliest expiry first
/// (then the earliest received), skipping expired and empty batches.
pub fn fefo(batches: &[Batch], today: NaiveDate, quantity: i64) -> Result<Vec<(Batch, i64)>> {
    let mut usable: Vec<&Batch> = batches
        .iter()
        .filter(|b| b.balance > 0 && !b.expired_on(today))
        .collect();
    usable.sort_by(|a, b| (&a.expiry_date, &a.received_at).cmp(&(&b.expiry_date, &b.received_at)));
    let mut left = quantity;
    let mut picked = Vec::new();
    for b in usable {
        if left == 0 {
            break;
        }
        let take = left.min(b.balance);
        picked.push((b.clone(), take));
        left -= take;
    }
    if left > 0 {
        let have = quantity - left;
        return Err(Error::validation(
            "quantity",
            format!("only {have} in unexpired stock; give at most {have}"),
        ));
    }
    Ok(picked)
}

/// Whether `stock` is what `item` prescribes, another form of it, or something else.
fn matches(item: &Item, stock: &StockItem) -> Option<bool> {
    let same_drug = match (&item.drug_id, &stock.drug_id) {
        (Some(a), Some(b)) => a == b,
        _ => crate::validate::fold(&item.drug_name) == crate::validate::fold(&stock.name),
    };
    if !same_drug {
        return None;
    }
    let same = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(a), Some(b)) => crate::validate::fold(a) == crate::validate::fold(b),
        // Not said on one side: not a difference.
        _ => true,
    };
    Some(!(same(&item.strength, &stock.strength) && same(&item.form, &stock.form)))
}

impl Session {
    /// Prescriptions issued in the last [`QUEUE_DAYS`] days with something left to give,
    /// oldest first (pharmacists).
    pub fn dispense_queue(&mut self) -> Result<Vec<QueueEntry>> {
        self.authorize(Action::PrescriptionDispense, Target::Any)?;
        let since = crate::clock::to_db_time(self.now() - chrono::Duration::days(QUEUE_DAYS));
        let conn = self.live()?.store.conn();
        let given = stock::store::dispensed_by_item(conn)?;
        let issued = crate::clinical::prescriptions::store::issued_since(conn, &since)?;
        let mut queue = Vec::new();
        for rx in issued {
            let open = rx
                .items
                .iter()
                .filter(|i| item_open(i, given.get(&i.id).copied().unwrap_or(0)))
                .count();
            if open == 0 {
                continue;
            }
            let partly = rx
                .items
                .iter()
                .any(|i| given.get(&i.id).is_some_and(|g| *g > 0));
            queue.push((rx, open, partly));
        }
        self.write_event(Event::new("pharmacy.queue", Outcome::Success))?;
        queue
            .into_iter()
            .map(|(rx, open_items, partly_dispensed)| {
                let patient = self.patient_label(rx.patient_id)?;
                Ok(QueueEntry {
                    prescription_id: rx.id,
                    number: rx.number.unwrap_or_default(),
                    patient_id: rx.patient_id,
                    patient,
                    prescriber_name: rx.prescriber_name,
                    issued_at: rx.issued_at.unwrap_or_default(),
                    open_items,
                    partly_dispensed,
                })
            })
            .collect()
    }

    /// Finds an issued prescription by the number on its paper (pharmacists).
    pub fn prescription_by_number(&mut self, number: &str) -> Result<PrescriptionId> {
        self.authorize(Action::PrescriptionDispense, Target::Any)?;
        let number = number.trim().to_ascii_uppercase();
        crate::clinical::prescriptions::store::id_by_number(self.live()?.store.conn(), &number)?
            .ok_or_else(|| {
                Error::validation("prescription", format!("there is no prescription {number}"))
            })
    }

    /// A prescription as the pharmacy sees it: each item with what was given and the
    /// batches it may be given from (an audited read of the prescription).
    pub fn dispensing(&mut self, id: PrescriptionId) -> Result<Dispensing> {
        self.authorize(Action::PrescriptionDispense, Target::Any)?;
        let rx = self.prescription(id)?;
        let patient = self.patient_label(rx.patient_id)?;
        let today = self.today()?;
        let branch = self.clinic().branch_code.clone();
        let conn = self.live()?.store.conn();
        let movements = stock::store::movements_of_prescription(conn, id)?;
        let items = stock::store::items_of_branch(conn, &branch)?;
        let batches = stock::store::batches_of_branch(conn, &branch)?;
        let mut by_item: HashMap<StockItemId, Vec<Batch>> = HashMap::new();
        for b in batches {
            by_item.entry(b.item_id).or_default().push(b);
        }
        let lines = rx
            .items
            .iter()
            .map(|item| {
                let given: Vec<Movement> = movements
                    .iter()
                    .filter(|m| m.prescription_item_id.as_deref() == Some(item.id.as_str()))
                    .cloned()
                    .collect();
                let dispensed = -given.iter().map(|m| m.quantity).sum::<i64>();
                let prescribed = item.quantity.as_deref().and_then(leading_units);
                let mut choices: Vec<BatchChoice> = Vec::new();
                for stock_item in &items {
                    let Some(substitute) = matches(item, stock_item) else {
                        continue;
                    };
                    if substitute && !item.substitution_allowed {
                        continue;
                    }
                    for b in by_item.get(&stock_item.id).into_iter().flatten() {
                        if b.balance > 0 && !b.expired_on(today) {
                            choices.push(BatchChoice {
                                item: stock_item.clone(),
                                batch: b.clone(),
                                substitute,
                                first: false,
                            });
                        }
                    }
                }
                choices.sort_by(|a, b| {
                    (a.substitute, &a.batch.expiry_date, &a.batch.received_at).cmp(&(
                        b.substitute,
                        &b.batch.expiry_date,
                        &b.batch.received_at,
                    ))
                });
                if let Some(first) = choices.first_mut().filter(|c| !c.substitute) {
                    first.first = true;
                }
                ItemDispensing {
                    open: item_open(item, dispensed),
                    remaining: match prescribed {
                        Some(p) => Some((p - dispensed).max(0)),
                        None if dispensed > 0 => Some(0),
                        None => None,
                    },
                    item: item.clone(),
                    prescribed,
                    dispensed,
                    given,
                    choices,
                }
            })
            .collect::<Vec<_>>();
        Ok(Dispensing {
            complete: lines.iter().all(|l| !l.open),
            prescription: rx,
            patient,
            items: lines,
        })
    }

    /// Gives items of an issued prescription (pharmacists): all lines or none.
    pub fn dispense(&mut self, id: PrescriptionId, lines: &[DispenseLine]) -> Result<Dispensing> {
        self.authorize(Action::PrescriptionDispense, Target::Any)?;
        self.authorize(Action::StockMove, Target::Any)?;
        let before = self.dispensing(id)?;
        let rx = &before.prescription;
        if rx.status != "issued" {
            return Err(Error::validation(
                "prescription",
                format!(
                    "{} is {}; only an issued prescription is dispensed",
                    rx.number.as_deref().unwrap_or("this prescription"),
                    rx.status
                ),
            ));
        }
        if lines.is_empty() {
            return Err(Error::validation(
                "lines",
                "choose at least one item to give",
            ));
        }
        let today = self.today()?;
        let branch = self.clinic().branch_code.clone();
        let mut plan: Vec<(Item, StockItem, Batch, i64, bool)> = Vec::new();
        let mut asked: HashMap<&str, i64> = HashMap::new();
        for line in lines {
            let Some(entry) = before.items.iter().find(|i| i.item.id == line.item_id) else {
                return Err(Error::validation(
                    "item",
                    format!("{} is not an item of this prescription", line.item_id),
                ));
            };
            let label = &entry.item.drug_name;
            let quantity = check_quantity("quantity", line.quantity)?;
            if !entry.open {
                return Err(Error::validation(
                    "quantity",
                    format!("{label} has been given in full"),
                ));
            }
            let total = asked.entry(entry.item.id.as_str()).or_default();
            *total += quantity;
            if let Some(left) = entry.remaining.filter(|left| *total > *left) {
                return Err(Error::validation(
                    "quantity",
                    format!(
                        "{label}: {left} left to give of {}",
                        entry.prescribed.unwrap_or(left)
                    ),
                ));
            }
            let picked: Vec<(Batch, i64)> = match line.batch {
                Some(batch_id) => {
                    let b = self.batch_here(batch_id)?;
                    if b.expired_on(today) {
                        return Err(Error::validation(
                            "batch",
                            format!(
                                "batch {} expired on {}; it is never dispensed",
                                b.batch_number, b.expiry_date
                            ),
                        ));
                    }
                    if b.balance < quantity {
                        return Err(Error::validation(
                            "quantity",
                            format!("batch {} has {} left", b.batch_number, b.balance),
                        ));
                    }
                    vec![(b, quantity)]
                }
                None => {
                    let pool: Vec<Batch> = entry
                        .choices
                        .iter()
                        .filter(|c| match line.stock_item {
                            Some(s) => c.item.id == s,
                            None => !c.substitute,
                        })
                        .map(|c| c.batch.clone())
                        .collect();
                    if pool.is_empty() {
                        return Err(Error::validation(
                            "quantity",
                            format!("no unexpired stock of {label} at {branch}"),
                        ));
                    }
                    fefo(&pool, today, quantity)?
                }
            };
            for (b, take) in picked {
                let stock_item = self.stock_item_here(b.item_id)?;
                let Some(substitute) = matches(&entry.item, &stock_item) else {
                    return Err(Error::validation(
                        "batch",
                        format!("{} is not {label}", stock_item.label()),
                    ));
                };
                if substitute && !entry.item.substitution_allowed {
                    return Err(Error::validation(
                        "batch",
                        format!("the prescription does not allow substituting {label}"),
                    ));
                }
                plan.push((entry.item.clone(), stock_item, b, take, substitute));
            }
        }
        let branch_id = self.clinic().branch_id;
        let patient = rx.patient_id;
        let number = rx.number.clone();
        self.transact(|tx, ctx, actor| {
            let mut given = Vec::new();
            for (item, stock_item, batch, take, substitute) in &plan {
                write_movement(
                    tx,
                    ctx,
                    actor.user,
                    branch_id,
                    batch,
                    "dispense",
                    -take,
                    MovementFacts {
                        prescription_id: Some(id),
                        prescription_item_id: Some(item.id.clone()),
                        substitute: *substitute,
                        patient_id: Some(patient),
                        price_minor: Some(stock_item.price_minor),
                        ..MovementFacts::default()
                    },
                    today,
                )?;
                given.push(serde_json::json!({
                    "item": item.drug_name, "given": stock_item.label(),
                    "batch": batch.batch_number, "quantity": take, "substitute": substitute,
                }));
            }
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("pharmacy.dispense", Outcome::Success)
                    .entity("prescription", id)
                    .patient(patient)
                    .details(serde_json::json!({ "number": number, "given": given })),
            )?;
            Ok(())
        })?;
        self.dispensing(id)
    }

    /// Sells over-the-counter items without a prescription (pharmacists); a patient
    /// may be named. All lines or none.
    pub fn sell_otc(&mut self, patient: Option<PatientId>, lines: &[SaleLine]) -> Result<Sale> {
        self.authorize(Action::StockMove, Target::Any)?;
        if lines.is_empty() {
            return Err(Error::validation("lines", "a sale has at least one line"));
        }
        if let Some(p) = patient {
            self.patient_label(p)?;
        }
        let today = self.today()?;
        let mut plan: Vec<(StockItem, Batch, i64)> = Vec::new();
        for line in lines {
            let item = self.stock_item_here(line.stock_item)?;
            if !item.otc {
                return Err(Error::validation(
                    "item",
                    format!(
                        "{} is not sold over the counter; it needs a prescription",
                        item.label()
                    ),
                ));
            }
            let quantity = check_quantity("quantity", line.quantity)?;
            match line.batch {
                Some(b) => {
                    let b = self.batch_here(b)?;
                    if b.item_id != item.id {
                        return Err(Error::validation("batch", "that batch is of another item"));
                    }
                    if b.expired_on(today) {
                        return Err(Error::validation(
                            "batch",
                            format!(
                                "batch {} expired on {}; it is never sold",
                                b.batch_number, b.expiry_date
                            ),
                        ));
                    }
                    plan.push((item, b, quantity));
                }
                None => {
                    let batches =
                        stock::store::batches_of_item(self.live()?.store.conn(), item.id)?;
                    for (b, take) in fefo(&batches, today, quantity)? {
                        plan.push((item.clone(), b, take));
                    }
                }
            }
        }
        let clinic = self.clinic().clone();
        let device = self.actor().device;
        self.transact(|tx, ctx, actor| {
            let number = format!(
                "OTC-{}",
                sequences::number(&clinic.branch_code, device, sequences::next(tx, "otc_sale")?)
            );
            let mut movements = Vec::new();
            let mut total_minor = 0i64;
            for (item, batch, take) in &plan {
                movements.push(write_movement(
                    tx,
                    ctx,
                    actor.user,
                    clinic.branch_id,
                    batch,
                    "sale",
                    -take,
                    MovementFacts {
                        reference: Some(number.clone()),
                        patient_id: patient,
                        price_minor: Some(item.price_minor),
                        ..MovementFacts::default()
                    },
                    today,
                )?);
                total_minor = total_minor.saturating_add(take.saturating_mul(item.price_minor));
            }
            let mut event = Event::new("pharmacy.sale", Outcome::Success)
                .details(serde_json::json!({ "number": number, "lines": movements.len(), "total_minor": total_minor }));
            if let Some(p) = patient {
                event = event.patient(p);
            }
            audit::append(tx, ctx, Some(actor), ctx.now, &event)?;
            Ok(Sale {
                number,
                movements,
                total_minor,
            })
        })
    }
}

fn item_open(item: &Item, dispensed: i64) -> bool {
    match item.quantity.as_deref().and_then(leading_units) {
        Some(prescribed) => dispensed < prescribed,
        None => dispensed == 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;

    fn batch(number: &str, expiry: &str, balance: i64) -> Batch {
        Batch {
            id: BatchId(uuid::Uuid::from_u128(
                number.bytes().fold(0u128, |h, b| h * 31 + u128::from(b)),
            )),
            item_id: StockItemId(uuid::Uuid::nil()),
            branch_code: "BR01".into(),
            batch_number: number.into(),
            expiry_date: expiry.into(),
            cost_minor: 10,
            supplier: None,
            location: None,
            received_by: UserId(uuid::Uuid::nil()),
            received_at: "2026-01-01T00:00:00.000Z".into(),
            balance,
        }
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn fefo_takes_the_earliest_unexpired_batch_first_and_never_an_expired_one() {
        let batches = [
            batch("LATE", "2027-06-30", 50),
            batch("EXPIRED", "2026-03-01", 50),
            batch("SOON", "2026-04-30", 5),
            batch("EMPTY", "2026-03-15", 0),
        ];
        let picked = fefo(&batches, day("2026-03-10"), 8).unwrap();
        let names: Vec<(&str, i64)> = picked
            .iter()
            .map(|(b, q)| (b.batch_number.as_str(), *q))
            .collect();
        assert_eq!(names, [("SOON", 5), ("LATE", 3)]);
        let on_expiry_day = fefo(&batches, day("2026-04-30"), 1).unwrap();
        assert_eq!(
            on_expiry_day[0].0.batch_number, "LATE",
            "a batch is expired on its expiry date"
        );
        let err = fefo(&batches, day("2026-03-10"), 56).unwrap_err();
        assert!(err.to_string().contains("only 55"), "{err}");
    }
}
