//! `clinic stock …` and `clinic dispense …`: the pharmacy from a terminal. Items and
//! batches are named as the shelf names them (an item by its label or id, a batch by
//! its number); the core checks, picks first-expiry-first-out, counts and audits; this
//! file parses and prints.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use chrono::NaiveDate;
use clap::Subcommand;
use clinic_core::Session;
use clinic_core::ids::DiscrepancyId;
use clinic_core::pharmacy::dispensing::DispenseLine;
use clinic_core::pharmacy::stock::{
    Batch, Delivery, EXPIRY_ALERT_DAYS, ItemInput, ReceiveLine, StockItem, StockLine,
};

#[derive(Subcommand)]
pub enum StockCommand {
    /// This branch's stock: each item, its usable units and batches.
    List {
        /// Only items at or below their reorder level.
        #[arg(long)]
        low: bool,
    },
    /// Add an item this branch stocks (pharmacists).
    Item {
        /// A drug of the catalogue (e.g. amoxicillin); or --name for anything else.
        #[arg(long)]
        drug: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        strength: Option<String>,
        #[arg(long)]
        form: Option<String>,
        /// What one counts: tablet, capsule, mL, bottle.
        #[arg(long)]
        unit: String,
        #[arg(long, default_value_t = 0)]
        reorder_level: i64,
        /// Price per unit in minor units (cents).
        #[arg(long, default_value_t = 0)]
        price_minor: i64,
        /// Sold over the counter.
        #[arg(long)]
        otc: bool,
    },
    /// Receive a supplier's delivery (pharmacists): one line from the options, or every
    /// line of --csv (item,batch,expiry,quantity,cost_minor,location). All or nothing.
    Receive {
        #[arg(long)]
        supplier: String,
        /// The supplier's delivery or invoice number.
        #[arg(long)]
        reference: String,
        /// The item, by its label ("amoxicillin 500 mg capsule") or id.
        #[arg(long, required_unless_present = "csv")]
        item: Option<String>,
        #[arg(long, required_unless_present = "csv")]
        batch: Option<String>,
        /// YYYY-MM-DD.
        #[arg(long, required_unless_present = "csv")]
        expiry: Option<String>,
        #[arg(long, required_unless_present = "csv")]
        quantity: Option<i64>,
        /// Cost per unit in minor units.
        #[arg(long, default_value_t = 0)]
        cost_minor: i64,
        #[arg(long)]
        location: Option<String>,
        #[arg(long, conflicts_with_all = ["item", "batch", "expiry", "quantity"])]
        csv: Option<PathBuf>,
    },
    /// Correct a batch's books to a physical count, with the reason (pharmacists,
    /// administrators); --discrepancy resolves one.
    Adjust {
        /// The batch number.
        batch: String,
        #[arg(long)]
        counted: i64,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        discrepancy: Option<String>,
    },
    /// Take units of a batch off the books as expired or destroyed, with the reason.
    Expire {
        batch: String,
        #[arg(long)]
        quantity: i64,
        #[arg(long)]
        reason: String,
    },
    /// Transfers between branches: send, receive, list.
    #[command(subcommand)]
    Transfer(TransferCommand),
    /// Batches with units left expiring within --days (or expired), soonest first.
    Expiring {
        #[arg(long, default_value_t = EXPIRY_ALERT_DAYS)]
        days: i64,
    },
    /// Stock on hand and its value at cost.
    Report,
    /// Movements on the days --from to --to (YYYY-MM-DD, both included).
    Movements {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
    },
    /// Discrepancies the sync server raised for this branch.
    Discrepancies,
}

#[derive(Subcommand)]
pub enum TransferCommand {
    /// Send units of a batch to another branch. Prints the transfer's number.
    Send {
        #[arg(long)]
        to: String,
        #[arg(long)]
        batch: String,
        #[arg(long)]
        quantity: i64,
    },
    /// Receive a transfer sent to this branch, by its number.
    Receive { number: String },
    /// Transfers from or to this branch.
    List,
}

/// `clinic dispense`: a prescription at the pharmacy.
#[derive(clap::Args)]
pub struct DispenseArgs {
    /// The number on the prescription (BR01-…); without one, the queue.
    prescription: Option<String>,
    /// What to give: <item position>:<quantity>[:<batch number>], repeated. Without a
    /// batch, first expiry first out. Without --give, the prescription is shown.
    #[arg(long)]
    give: Vec<String>,
}

fn money(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, (minor % 100).abs())
}

fn item_named(lines: &[StockLine], name: &str) -> anyhow::Result<StockItem> {
    let wanted = name.trim().to_lowercase();
    let found: Vec<&StockLine> = lines
        .iter()
        .filter(|l| l.item.id.to_string() == wanted || l.item.label().to_lowercase() == wanted)
        .collect();
    match found.as_slice() {
        [one] => Ok(one.item.clone()),
        [] => bail!("no item {name:?} here; `clinic stock list` shows the labels"),
        _ => bail!("{name:?} names several items; use the id from `clinic stock list`"),
    }
}

fn batch_numbered(lines: &[StockLine], number: &str) -> anyhow::Result<Batch> {
    let wanted = number.trim();
    let found: Vec<&Batch> = lines
        .iter()
        .flat_map(|l| &l.batches)
        .filter(|b| b.batch_number.eq_ignore_ascii_case(wanted) || b.id.to_string() == wanted)
        .collect();
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => bail!("no batch {number:?} here; `clinic stock list` shows them"),
        _ => bail!("{number:?} names several batches; use the batch id"),
    }
}

fn day(field: &str, text: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .with_context(|| format!("--{field} is a date YYYY-MM-DD, not {text:?}"))
}

pub fn stock(session: &mut Session, command: StockCommand) -> anyhow::Result<()> {
    match command {
        StockCommand::List { low } => {
            for line in session.stock()?.into_iter().filter(|l| !low || l.low) {
                out!(
                    "{}: {} {} usable{}{} (reorder at {})",
                    line.item.label(),
                    line.usable,
                    line.item.unit,
                    if line.expired > 0 {
                        format!(", {} expired", line.expired)
                    } else {
                        String::new()
                    },
                    if line.low { ", LOW" } else { "" },
                    line.item.reorder_level
                );
                for b in line.batches.iter().filter(|b| b.balance != 0) {
                    out!(
                        "  batch {} expires {}: {}{}",
                        b.batch_number,
                        b.expiry_date,
                        b.balance,
                        b.location
                            .as_deref()
                            .map(|l| format!(" at {l}"))
                            .unwrap_or_default()
                    );
                }
            }
        }
        StockCommand::Item {
            drug,
            name,
            strength,
            form,
            unit,
            reorder_level,
            price_minor,
            otc,
        } => {
            let item = session.add_stock_item(&ItemInput {
                drug,
                name,
                strength,
                form,
                unit,
                reorder_level,
                price_minor,
                otc,
            })?;
            out!("{} ({})", item.label(), item.id);
        }
        StockCommand::Receive {
            supplier,
            reference,
            item,
            batch,
            expiry,
            quantity,
            cost_minor,
            location,
            csv,
        } => {
            let lines_here = session.stock()?;
            let mut lines = Vec::new();
            match csv {
                Some(path) => {
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    for (n, row) in text.lines().enumerate().skip(1) {
                        if row.trim().is_empty() {
                            continue;
                        }
                        let cols: Vec<&str> = row.split(',').map(str::trim).collect();
                        let [item, batch, expiry, quantity, cost, rest @ ..] = cols.as_slice()
                        else {
                            bail!(
                                "{} line {}: expected item,batch,expiry,quantity,cost_minor[,location]",
                                path.display(),
                                n + 1
                            );
                        };
                        let number = |text: &str, what: &str| {
                            text.parse::<i64>().with_context(|| {
                                format!(
                                    "{} line {}: {what} {text:?} is not a whole number",
                                    path.display(),
                                    n + 1
                                )
                            })
                        };
                        lines.push(ReceiveLine {
                            item: item_named(&lines_here, item)?.id,
                            batch_number: (*batch).to_owned(),
                            expiry_date: (*expiry).to_owned(),
                            quantity: number(quantity, "quantity")?,
                            cost_minor: number(cost, "cost")?,
                            location: rest.first().map(|l| (*l).to_owned()),
                        });
                    }
                }
                None => lines.push(ReceiveLine {
                    item: item_named(&lines_here, item.as_deref().unwrap_or_default())?.id,
                    batch_number: batch.unwrap_or_default(),
                    expiry_date: expiry.unwrap_or_default(),
                    quantity: quantity.unwrap_or_default(),
                    cost_minor,
                    location,
                }),
            }
            let batches = session.receive_stock(&Delivery {
                supplier,
                reference,
                lines,
            })?;
            for b in batches {
                out!(
                    "received batch {} ({} units, expires {})",
                    b.batch_number,
                    b.balance,
                    b.expiry_date
                );
            }
        }
        StockCommand::Adjust {
            batch,
            counted,
            reason,
            discrepancy,
        } => {
            let b = batch_numbered(&session.stock()?, &batch)?;
            let discrepancy = discrepancy
                .map(|d| {
                    d.parse::<DiscrepancyId>()
                        .with_context(|| format!("{d:?} is not a discrepancy id"))
                })
                .transpose()?;
            let m = session.adjust_stock(b.id, counted, &reason, discrepancy)?;
            out!("batch {} now {counted} ({:+})", b.batch_number, m.quantity);
        }
        StockCommand::Expire {
            batch,
            quantity,
            reason,
        } => {
            let b = batch_numbered(&session.stock()?, &batch)?;
            session.expire_stock(b.id, quantity, &reason)?;
            out!("batch {}: {quantity} taken off ({reason})", b.batch_number);
        }
        StockCommand::Transfer(TransferCommand::Send {
            to,
            batch,
            quantity,
        }) => {
            let b = batch_numbered(&session.stock()?, &batch)?;
            let t = session.send_transfer(&to, &[(b.id, quantity)])?;
            out!("{}", t.number);
        }
        StockCommand::Transfer(TransferCommand::Receive { number }) => {
            let t = session.receive_transfer(&number)?;
            out!("{} received from {}", t.number, t.from_branch);
        }
        StockCommand::Transfer(TransferCommand::List) => {
            for t in session.transfers()? {
                out!(
                    "{} {} → {} {} ({} lines, sent {})",
                    t.number,
                    t.from_branch,
                    t.to_branch,
                    t.status,
                    t.lines.len(),
                    t.sent_at
                );
            }
        }
        StockCommand::Expiring { days } => {
            for (item, b) in session.expiring_stock(days)? {
                out!(
                    "{} {}: batch {}, {} {}",
                    b.expiry_date,
                    item.label(),
                    b.batch_number,
                    b.balance,
                    item.unit
                );
            }
        }
        StockCommand::Report => {
            let report = session.stock_report()?;
            for line in &report.lines {
                out!(
                    "{}: {} {} worth {} {}",
                    line.item.label(),
                    line.usable,
                    line.item.unit,
                    money(line.value_minor),
                    report.currency
                );
            }
            out!(
                "stock on hand at {}: {} {}",
                report.branch_code,
                money(report.total_value_minor),
                report.currency
            );
            for b in &report.branches {
                out!(
                    "branch {}: {} items in stock, {} low, worth {} {}",
                    b.branch_code,
                    b.items_in_stock,
                    b.items_low,
                    money(b.value_minor),
                    report.currency
                );
            }
        }
        StockCommand::Movements { from, to } => {
            for m in session.stock_movements(day("from", &from)?, day("to", &to)?)? {
                out!(
                    "{} {} {:+} {} batch {} by {}{}",
                    m.moved_at,
                    m.kind,
                    m.quantity,
                    m.item_name,
                    m.batch_number,
                    m.moved_by_name,
                    m.reason
                        .or(m.reference)
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default()
                );
            }
        }
        StockCommand::Discrepancies => {
            for d in session.stock_discrepancies()? {
                out!(
                    "{} {} batch {} balance {} {} raised {}{}",
                    d.id,
                    d.item_name,
                    d.batch_number,
                    d.balance,
                    d.status,
                    d.raised_at,
                    d.resolution.map(|r| format!(": {r}")).unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}

pub fn dispense(session: &mut Session, args: DispenseArgs) -> anyhow::Result<()> {
    let Some(number) = args.prescription else {
        for q in session.dispense_queue()? {
            out!(
                "{} {} ({}) by {}, {} item(s) open{}",
                q.number,
                q.patient.name,
                q.patient.mrn,
                q.prescriber_name,
                q.open_items,
                if q.partly_dispensed {
                    ", partly dispensed"
                } else {
                    ""
                }
            );
        }
        return Ok(());
    };
    let id = session.prescription_by_number(&number)?;
    let mut view = session.dispensing(id)?;
    if !args.give.is_empty() {
        let stock = session.stock()?;
        let mut lines = Vec::new();
        for give in &args.give {
            let parts: Vec<&str> = give.split(':').collect();
            let (position, quantity, batch) = match parts.as_slice() {
                [p, q] => (p, q, None),
                [p, q, b] => (p, q, Some(*b)),
                _ => bail!("--give is <item position>:<quantity>[:<batch number>], not {give:?}"),
            };
            let position: i64 = position
                .parse()
                .with_context(|| format!("{give:?}: the item position is a number"))?;
            let quantity: i64 = quantity
                .parse()
                .with_context(|| format!("{give:?}: the quantity is a whole number"))?;
            let Some(entry) = view.items.iter().find(|i| i.item.position == position) else {
                bail!("{number} has no item {position}");
            };
            lines.push(DispenseLine {
                item_id: entry.item.id.clone(),
                batch: batch
                    .map(|b| batch_numbered(&stock, b))
                    .transpose()?
                    .map(|b| b.id),
                stock_item: None,
                quantity,
            });
        }
        view = session.dispense(id, &lines)?;
    }
    for i in &view.items {
        out!(
            "{}. {} {}: prescribed {}, given {}, {}",
            i.item.position,
            i.item.drug_name,
            i.item.strength.as_deref().unwrap_or_default(),
            i.item.quantity.as_deref().unwrap_or("-"),
            i.dispensed,
            match (i.open, i.remaining) {
                (false, _) => "done".to_owned(),
                (true, Some(r)) => format!("{r} left"),
                (true, None) => "open".to_owned(),
            }
        );
        for m in &i.given {
            out!(
                "   {} from batch {} by {} at {}{}",
                -m.quantity,
                m.batch_number,
                m.moved_by_name,
                m.moved_at,
                if m.substitute { " (substitute)" } else { "" }
            );
        }
    }
    Ok(())
}
