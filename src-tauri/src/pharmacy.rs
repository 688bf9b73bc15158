//! The pharmacy: the branch's stock (items with their batches, deliveries, counts,
//! expiry, shelf locations, transfers, discrepancies, alerts and reports) and dispensing
//! (the queue of issued prescriptions, what each item may be given from, dispensing,
//! over-the-counter sales).
//!
//! The core decides everything here: who may, first-expiry-first-out, what is expired,
//! what is left to give, the numbers and what is audited; these steps only parse and
//! map.

use std::sync::Arc;

use clinic_core::ids::{BatchId, DiscrepancyId, PatientId, PrescriptionId, StockItemId};
use clinic_core::pharmacy::{dispensing as dcore, stock as score};
use serde::{Deserialize, Serialize};

use crate::clinical::prescriptions::{Prescription, PrescriptionItem};
use crate::shell::{Reply, Result, Shared, Shell, blocking, parse_day, parse_id};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn stock_list(shell: Shared<'_>) -> Reply<Vec<StockLine>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.stock_list()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_stock_item(shell: Shared<'_>, input: StockItemInput) -> Reply<StockItem> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.add_stock_item(input)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn update_stock_item(
    shell: Shared<'_>,
    id: String,
    reorder_level: i64,
    price_minor: i64,
    otc: bool,
) -> Reply<StockItem> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.update_stock_item(&id, reorder_level, price_minor, otc)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn receive_stock(shell: Shared<'_>, delivery: DeliveryInput) -> Reply<Vec<StockBatch>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.receive_stock(delivery)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn adjust_stock(
    shell: Shared<'_>,
    batch_id: String,
    counted: i64,
    reason: String,
    discrepancy_id: Option<String>,
) -> Reply<StockMovement> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.adjust_stock(&batch_id, counted, &reason, discrepancy_id.as_deref()))
        .await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn expire_stock(
    shell: Shared<'_>,
    batch_id: String,
    quantity: i64,
    reason: String,
) -> Reply<StockMovement> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.expire_stock(&batch_id, quantity, &reason)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn move_batch(
    shell: Shared<'_>,
    batch_id: String,
    location: Option<String>,
) -> Reply<StockBatch> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.move_batch(&batch_id, location.as_deref())).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn send_transfer(
    shell: Shared<'_>,
    to_branch: String,
    lines: Vec<TransferLineInput>,
) -> Reply<StockTransfer> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.send_transfer(&to_branch, &lines)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn receive_transfer(shell: Shared<'_>, number: String) -> Reply<StockTransfer> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.receive_transfer(&number)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn stock_transfers(shell: Shared<'_>) -> Reply<Vec<StockTransfer>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.stock_transfers()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn stock_discrepancies(shell: Shared<'_>) -> Reply<Vec<StockDiscrepancy>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.stock_discrepancies()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn stock_alerts(shell: Shared<'_>, days: i64) -> Reply<Vec<StockAlert>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.stock_alerts(days)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn stock_report(shell: Shared<'_>) -> Reply<StockReport> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.stock_report()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn stock_movements(
    shell: Shared<'_>,
    from: String,
    to: String,
) -> Reply<Vec<StockMovement>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.stock_movements(&from, &to)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn dispense_queue(shell: Shared<'_>) -> Reply<Vec<DispenseQueueEntry>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.dispense_queue()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn dispensing(shell: Shared<'_>, prescription: String) -> Reply<Dispensing> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.dispensing(&prescription)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn dispense(
    shell: Shared<'_>,
    prescription_id: String,
    lines: Vec<DispenseLineInput>,
) -> Reply<Dispensing> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.dispense(&prescription_id, &lines)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sell_otc(
    shell: Shared<'_>,
    patient_id: Option<String>,
    lines: Vec<SaleLineInput>,
) -> Reply<OtcSale> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.sell_otc(patient_id.as_deref(), &lines)).await
}

// ---- the shell's steps ----------------------------------------------------------------

fn optional_id<T: std::str::FromStr>(field: &str, text: Option<&str>) -> Result<Option<T>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => parse_id(field, t).map(Some),
        None => Ok(None),
    }
}

impl Shell {
    /// This branch's stock, item by item with every batch. Opening it also turns expiry
    /// alerts into notifications for a pharmacist, once each.
    pub fn stock_list(&self) -> Result<Vec<StockLine>> {
        self.with_open(|open| {
            let s = &mut open.session;
            if clinic_core::policy::decide(
                s.actor(),
                clinic_core::policy::Action::StockMove,
                clinic_core::policy::Target::Any,
            ) == clinic_core::policy::Decision::Allow
            {
                s.notify_stock_alerts(score::EXPIRY_ALERT_DAYS)?;
            }
            Ok(s.stock()?.into_iter().map(StockLine::from).collect())
        })
    }

    pub fn add_stock_item(&self, input: StockItemInput) -> Result<StockItem> {
        let input = score::ItemInput {
            drug: input.drug,
            name: input.name,
            strength: input.strength,
            form: input.form,
            unit: input.unit,
            reorder_level: input.reorder_level,
            price_minor: input.price_minor,
            otc: input.otc,
        };
        self.with_open(|open| Ok(open.session.add_stock_item(&input)?.into()))
    }

    pub fn update_stock_item(
        &self,
        id: &str,
        reorder_level: i64,
        price_minor: i64,
        otc: bool,
    ) -> Result<StockItem> {
        let id: StockItemId = parse_id("item", id)?;
        self.with_open(|open| {
            Ok(open
                .session
                .update_stock_item(id, reorder_level, price_minor, otc)?
                .into())
        })
    }

    pub fn receive_stock(&self, delivery: DeliveryInput) -> Result<Vec<StockBatch>> {
        let lines = delivery
            .lines
            .into_iter()
            .map(|l| {
                Ok(score::ReceiveLine {
                    item: parse_id("item", &l.item_id)?,
                    batch_number: l.batch_number,
                    expiry_date: l.expiry_date,
                    quantity: l.quantity,
                    cost_minor: l.cost_minor,
                    location: l.location,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let delivery = score::Delivery {
            supplier: delivery.supplier,
            reference: delivery.reference,
            lines,
        };
        self.with_open(|open| {
            Ok(open
                .session
                .receive_stock(&delivery)?
                .into_iter()
                .map(StockBatch::from)
                .collect())
        })
    }

    pub fn adjust_stock(
        &self,
        batch: &str,
        counted: i64,
        reason: &str,
        discrepancy: Option<&str>,
    ) -> Result<StockMovement> {
        let batch: BatchId = parse_id("batch", batch)?;
        let discrepancy: Option<DiscrepancyId> = optional_id("discrepancy", discrepancy)?;
        self.with_open(|open| {
            Ok(open
                .session
                .adjust_stock(batch, counted, reason, discrepancy)?
                .into())
        })
    }

    pub fn expire_stock(&self, batch: &str, quantity: i64, reason: &str) -> Result<StockMovement> {
        let batch: BatchId = parse_id("batch", batch)?;
        self.with_open(|open| Ok(open.session.expire_stock(batch, quantity, reason)?.into()))
    }

    pub fn move_batch(&self, batch: &str, location: Option<&str>) -> Result<StockBatch> {
        let batch: BatchId = parse_id("batch", batch)?;
        self.with_open(|open| Ok(open.session.move_batch(batch, location)?.into()))
    }

    pub fn send_transfer(&self, to: &str, lines: &[TransferLineInput]) -> Result<StockTransfer> {
        let lines = lines
            .iter()
            .map(|l| Ok((parse_id::<BatchId>("batch", &l.batch_id)?, l.quantity)))
            .collect::<Result<Vec<_>>>()?;
        self.with_open(|open| Ok(open.session.send_transfer(to, &lines)?.into()))
    }

    pub fn receive_transfer(&self, number: &str) -> Result<StockTransfer> {
        self.with_open(|open| Ok(open.session.receive_transfer(number)?.into()))
    }

    pub fn stock_transfers(&self) -> Result<Vec<StockTransfer>> {
        self.with_open(|open| {
            Ok(open
                .session
                .transfers()?
                .into_iter()
                .map(StockTransfer::from)
                .collect())
        })
    }

    pub fn stock_discrepancies(&self) -> Result<Vec<StockDiscrepancy>> {
        self.with_open(|open| {
            Ok(open
                .session
                .stock_discrepancies()?
                .into_iter()
                .map(StockDiscrepancy::from)
                .collect())
        })
    }

    pub fn stock_alerts(&self, days: i64) -> Result<Vec<StockAlert>> {
        self.with_open(|open| {
            Ok(open
                .session
                .stock_alerts(days)?
                .into_iter()
                .map(StockAlert::from)
                .collect())
        })
    }

    pub fn stock_report(&self) -> Result<StockReport> {
        self.with_open(|open| {
            let r = open.session.stock_report()?;
            Ok(StockReport {
                branch_code: r.branch_code,
                currency: r.currency,
                lines: r.lines.into_iter().map(StockLine::from).collect(),
                total_value_minor: r.total_value_minor,
                branches: r
                    .branches
                    .into_iter()
                    .map(|b| BranchStock {
                        branch_code: b.branch_code,
                        items_in_stock: b.items_in_stock,
                        items_low: b.items_low,
                        value_minor: b.value_minor,
                    })
                    .collect(),
            })
        })
    }

    /// Movements on the clinic days `from` to `to` (`YYYY-MM-DD`), both included.
    pub fn stock_movements(&self, from: &str, to: &str) -> Result<Vec<StockMovement>> {
        let from = parse_day("from", from)?;
        let to = parse_day("to", to)?;
        self.with_open(|open| {
            Ok(open
                .session
                .stock_movements(from, to)?
                .into_iter()
                .map(StockMovement::from)
                .collect())
        })
    }

    pub fn dispense_queue(&self) -> Result<Vec<DispenseQueueEntry>> {
        self.with_open(|open| {
            Ok(open
                .session
                .dispense_queue()?
                .into_iter()
                .map(DispenseQueueEntry::from)
                .collect())
        })
    }

    /// A prescription as the pharmacy sees it, by its id or the number on its paper.
    pub fn dispensing(&self, prescription: &str) -> Result<Dispensing> {
        let text = prescription.trim();
        self.with_open(|open| {
            let id = match text.parse::<PrescriptionId>() {
                Ok(id) => id,
                Err(_) => open.session.prescription_by_number(text)?,
            };
            Ok(open.session.dispensing(id)?.into())
        })
    }

    pub fn dispense(&self, prescription: &str, lines: &[DispenseLineInput]) -> Result<Dispensing> {
        let id: PrescriptionId = parse_id("prescription", prescription)?;
        let lines = lines
            .iter()
            .map(|l| {
                Ok(dcore::DispenseLine {
                    item_id: l.item_id.clone(),
                    batch: optional_id("batch", l.batch_id.as_deref())?,
                    stock_item: optional_id("stock_item", l.stock_item_id.as_deref())?,
                    quantity: l.quantity,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        self.with_open(|open| Ok(open.session.dispense(id, &lines)?.into()))
    }

    pub fn sell_otc(&self, patient: Option<&str>, lines: &[SaleLineInput]) -> Result<OtcSale> {
        let patient: Option<PatientId> = optional_id("patient", patient)?;
        let lines = lines
            .iter()
            .map(|l| {
                Ok(dcore::SaleLine {
                    stock_item: parse_id("stock_item", &l.stock_item_id)?,
                    batch: optional_id("batch", l.batch_id.as_deref())?,
                    quantity: l.quantity,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        self.with_open(|open| {
            let sale = open.session.sell_otc(patient, &lines)?;
            Ok(OtcSale {
                number: sale.number,
                movements: sale
                    .movements
                    .into_iter()
                    .map(StockMovement::from)
                    .collect(),
                total_minor: sale.total_minor,
            })
        })
    }
}

// ---- wire types -----------------------------------------------------------------------

/// A drug (or other item) as this branch stocks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StockItem {
    pub id: String,
    pub drug_id: Option<String>,
    pub name: String,
    pub strength: Option<String>,
    pub form: Option<String>,
    /// "Amoxicillin 500 mg capsule".
    pub label: String,
    pub unit: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub reorder_level: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub price_minor: i64,
    pub otc: bool,
}

impl From<score::StockItem> for StockItem {
    fn from(i: score::StockItem) -> Self {
        Self {
            label: i.label(),
            id: i.id.to_string(),
            drug_id: i.drug_id,
            name: i.name,
            strength: i.strength,
            form: i.form,
            unit: i.unit,
            reorder_level: i.reorder_level,
            price_minor: i.price_minor,
            otc: i.otc,
        }
    }
}

/// One batch with its balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StockBatch {
    pub id: String,
    pub item_id: String,
    pub batch_number: String,
    /// `YYYY-MM-DD`: expired on and after this day.
    pub expiry_date: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub cost_minor: i64,
    pub supplier: Option<String>,
    pub location: Option<String>,
    pub received_at: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub balance: i64,
}

impl From<score::Batch> for StockBatch {
    fn from(b: score::Batch) -> Self {
        Self {
            id: b.id.to_string(),
            item_id: b.item_id.to_string(),
            batch_number: b.batch_number,
            expiry_date: b.expiry_date,
            cost_minor: b.cost_minor,
            supplier: b.supplier,
            location: b.location,
            received_at: b.received_at,
            balance: b.balance,
        }
    }
}

/// An item with its batches and totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StockLine {
    pub item: StockItem,
    pub batches: Vec<StockBatch>,
    /// Units in unexpired batches: what may be dispensed.
    #[cfg_attr(test, ts(type = "number"))]
    pub usable: i64,
    /// Units in expired batches still on the books.
    #[cfg_attr(test, ts(type = "number"))]
    pub expired: i64,
    /// At or below the reorder level.
    pub low: bool,
    #[cfg_attr(test, ts(type = "number"))]
    pub value_minor: i64,
}

impl From<score::StockLine> for StockLine {
    fn from(l: score::StockLine) -> Self {
        Self {
            item: l.item.into(),
            batches: l.batches.into_iter().map(StockBatch::from).collect(),
            usable: l.usable,
            expired: l.expired,
            low: l.low,
            value_minor: l.value_minor,
        }
    }
}

/// One movement of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StockMovement {
    pub id: String,
    pub batch_id: String,
    pub item_id: String,
    /// `receive`, `return`, `transfer_in`, `dispense`, `sale`, `transfer_out`, `expire`,
    /// `adjust`.
    pub kind: String,
    /// Signed units: in positive, out negative.
    #[cfg_attr(test, ts(type = "number"))]
    pub quantity: i64,
    pub reason: Option<String>,
    pub reference: Option<String>,
    pub prescription_id: Option<String>,
    pub prescription_item_id: Option<String>,
    pub substitute: bool,
    #[cfg_attr(test, ts(type = "number | null"))]
    pub price_minor: Option<i64>,
    pub moved_by_name: String,
    pub moved_at: String,
    pub batch_number: String,
    pub expiry_date: String,
    pub item_name: String,
}

impl From<score::Movement> for StockMovement {
    fn from(m: score::Movement) -> Self {
        Self {
            id: m.id.to_string(),
            batch_id: m.batch_id.to_string(),
            item_id: m.item_id.to_string(),
            kind: m.kind,
            quantity: m.quantity,
            reason: m.reason,
            reference: m.reference,
            prescription_id: m.prescription_id.map(|p| p.to_string()),
            prescription_item_id: m.prescription_item_id,
            substitute: m.substitute,
            price_minor: m.price_minor,
            moved_by_name: m.moved_by_name,
            moved_at: m.moved_at,
            batch_number: m.batch_number,
            expiry_date: m.expiry_date,
            item_name: m.item_name,
        }
    }
}

/// A new item: from the drug catalogue (`drug`) or by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StockItemInput {
    pub drug: Option<String>,
    pub name: Option<String>,
    pub strength: Option<String>,
    pub form: Option<String>,
    pub unit: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub reorder_level: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub price_minor: i64,
    pub otc: bool,
}

/// One line of a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReceiveLineInput {
    pub item_id: String,
    pub batch_number: String,
    /// `YYYY-MM-DD`.
    pub expiry_date: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub quantity: i64,
    #[cfg_attr(test, ts(type = "number"))]
    pub cost_minor: i64,
    pub location: Option<String>,
}

/// A supplier's delivery.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DeliveryInput {
    pub supplier: String,
    /// The supplier's delivery or invoice number.
    pub reference: String,
    pub lines: Vec<ReceiveLineInput>,
}

/// A batch and how many of its units to send.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TransferLineInput {
    pub batch_id: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub quantity: i64,
}

/// What one line of a transfer carried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StockTransferLine {
    pub name: String,
    pub strength: Option<String>,
    pub form: Option<String>,
    pub unit: String,
    pub batch_number: String,
    pub expiry_date: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub quantity: i64,
}

/// Stock sent between branches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StockTransfer {
    pub id: String,
    pub number: String,
    pub from_branch: String,
    pub to_branch: String,
    pub lines: Vec<StockTransferLine>,
    /// `sent` or `received`.
    pub status: String,
    pub sent_at: String,
    pub received_at: Option<String>,
}

impl From<score::Transfer> for StockTransfer {
    fn from(t: score::Transfer) -> Self {
        Self {
            id: t.id.to_string(),
            number: t.number,
            from_branch: t.from_branch,
            to_branch: t.to_branch,
            lines: t
                .lines
                .into_iter()
                .map(|l| StockTransferLine {
                    name: l.name,
                    strength: l.strength,
                    form: l.form,
                    unit: l.unit,
                    batch_number: l.batch_number,
                    expiry_date: l.expiry_date,
                    quantity: l.quantity,
                })
                .collect(),
            status: t.status,
            sent_at: t.sent_at,
            received_at: t.received_at,
        }
    }
}

/// A batch the sync server found below zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StockDiscrepancy {
    pub id: String,
    pub batch_id: String,
    pub item_id: String,
    pub item_name: String,
    pub batch_number: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub balance: i64,
    pub raised_at: String,
    /// `open` or `resolved`.
    pub status: String,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
}

impl From<score::Discrepancy> for StockDiscrepancy {
    fn from(d: score::Discrepancy) -> Self {
        Self {
            id: d.id.to_string(),
            batch_id: d.batch_id.to_string(),
            item_id: d.item_id.to_string(),
            item_name: d.item_name,
            batch_number: d.batch_number,
            balance: d.balance,
            raised_at: d.raised_at,
            status: d.status,
            resolved_at: d.resolved_at,
            resolution: d.resolution,
        }
    }
}

/// Something a pharmacist should act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StockAlert {
    /// `low_stock`, `expiring` or `expired`.
    pub kind: String,
    pub item_id: String,
    pub batch_id: Option<String>,
    pub message: String,
}

impl From<score::Alert> for StockAlert {
    fn from(a: score::Alert) -> Self {
        Self {
            kind: a.kind,
            item_id: a.item_id.to_string(),
            batch_id: a.batch_id.map(|b| b.to_string()),
            message: a.message,
        }
    }
}

/// Stock on hand and its value at cost: this branch by item, every branch in total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct StockReport {
    pub branch_code: String,
    pub currency: String,
    pub lines: Vec<StockLine>,
    #[cfg_attr(test, ts(type = "number"))]
    pub total_value_minor: i64,
    pub branches: Vec<BranchStock>,
}

/// One branch's totals in a stock report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BranchStock {
    pub branch_code: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub items_in_stock: usize,
    #[cfg_attr(test, ts(type = "number"))]
    pub items_low: usize,
    #[cfg_attr(test, ts(type = "number"))]
    pub value_minor: i64,
}

/// A prescription waiting at the pharmacy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DispenseQueueEntry {
    pub prescription_id: String,
    pub number: String,
    pub patient_id: String,
    pub patient_name: String,
    pub mrn: String,
    pub prescriber_name: String,
    pub issued_at: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub open_items: usize,
    pub partly_dispensed: bool,
}

impl From<dcore::QueueEntry> for DispenseQueueEntry {
    fn from(q: dcore::QueueEntry) -> Self {
        Self {
            prescription_id: q.prescription_id.to_string(),
            number: q.number,
            patient_id: q.patient_id.to_string(),
            patient_name: q.patient.name,
            mrn: q.patient.mrn,
            prescriber_name: q.prescriber_name,
            issued_at: q.issued_at,
            open_items: q.open_items,
            partly_dispensed: q.partly_dispensed,
        }
    }
}

/// A batch an item may be given from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BatchChoice {
    pub item: StockItem,
    pub batch: StockBatch,
    /// Another strength or form than prescribed.
    pub substitute: bool,
    /// The batch first-expiry-first-out takes first.
    pub first: bool,
}

/// One prescribed item at the pharmacy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ItemDispensing {
    /// What a dispense line names (`<prescription id>-<position>`).
    pub item_id: String,
    pub item: PrescriptionItem,
    #[cfg_attr(test, ts(type = "number | null"))]
    pub prescribed: Option<i64>,
    #[cfg_attr(test, ts(type = "number"))]
    pub dispensed: i64,
    #[cfg_attr(test, ts(type = "number | null"))]
    pub remaining: Option<i64>,
    pub open: bool,
    pub given: Vec<StockMovement>,
    pub choices: Vec<BatchChoice>,
}

/// A prescription as the pharmacy sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Dispensing {
    pub prescription: Prescription,
    pub patient_name: String,
    pub mrn: String,
    pub items: Vec<ItemDispensing>,
    pub complete: bool,
}

impl From<dcore::Dispensing> for Dispensing {
    fn from(d: dcore::Dispensing) -> Self {
        Self {
            prescription: d.prescription.into(),
            patient_name: d.patient.name,
            mrn: d.patient.mrn,
            items: d
                .items
                .into_iter()
                .map(|i| ItemDispensing {
                    item_id: i.item.id.clone(),
                    item: i.item.into(),
                    prescribed: i.prescribed,
                    dispensed: i.dispensed,
                    remaining: i.remaining,
                    open: i.open,
                    given: i.given.into_iter().map(StockMovement::from).collect(),
                    choices: i
                        .choices
                        .into_iter()
                        .map(|c| BatchChoice {
                            item: c.item.into(),
                            batch: c.batch.into(),
                            substitute: c.substitute,
                            first: c.first,
                        })
                        .collect(),
                })
                .collect(),
            complete: d.complete,
        }
    }
}

/// One line the pharmacist gives: the prescription item, how many, and optionally the
/// batch or the stock item (a substitute) to give from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DispenseLineInput {
    pub item_id: String,
    pub batch_id: Option<String>,
    pub stock_item_id: Option<String>,
    #[cfg_attr(test, ts(type = "number"))]
    pub quantity: i64,
}

/// One line of an over-the-counter sale.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SaleLineInput {
    pub stock_item_id: String,
    pub batch_id: Option<String>,
    #[cfg_attr(test, ts(type = "number"))]
    pub quantity: i64,
}

/// An over-the-counter sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct OtcSale {
    pub number: String,
    pub movements: Vec<StockMovement>,
    #[cfg_attr(test, ts(type = "number"))]
    pub total_minor: i64,
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    StockLine::export_all(cfg)?;
    StockItemInput::export_all(cfg)?;
    DeliveryInput::export_all(cfg)?;
    TransferLineInput::export_all(cfg)?;
    StockTransfer::export_all(cfg)?;
    StockDiscrepancy::export_all(cfg)?;
    StockAlert::export_all(cfg)?;
    StockReport::export_all(cfg)?;
    StockMovement::export_all(cfg)?;
    DispenseQueueEntry::export_all(cfg)?;
    Dispensing::export_all(cfg)?;
    DispenseLineInput::export_all(cfg)?;
    SaleLineInput::export_all(cfg)?;
    OtcSale::export_all(cfg)?;
    Ok(())
}
