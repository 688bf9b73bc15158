//! The stock tables' SQL. Every write records its change in the same transaction.

use std::collections::HashMap;

use clinic_protocol::tables;
use rusqlite::{Connection, OptionalExtension as _, Row, Transaction, params};

use super::{Batch, Discrepancy, Movement, StockItem, Transfer, TransferLine};
use crate::error::{Error, Result};
use crate::ids::{
    BatchId, BranchId, DiscrepancyId, PrescriptionId, StockItemId, TransferId, UserId,
};
use crate::store::changes::{self, ChangeKind, WriteContext};

// ---- items ----------------------------------------------------------------------------

const ITEM_COLUMNS: &str =
    "id, branch_code, drug_id, name, strength, form, unit, reorder_level, price_minor, otc";

fn item_from_row(r: &Row<'_>) -> rusqlite::Result<StockItem> {
    Ok(StockItem {
        id: r.get(0)?,
        branch_code: r.get(1)?,
        drug_id: r.get(2)?,
        name: r.get(3)?,
        strength: r.get(4)?,
        form: r.get(5)?,
        unit: r.get(6)?,
        reorder_level: r.get(7)?,
        price_minor: r.get(8)?,
        otc: r.get(9)?,
    })
}

pub(crate) fn insert_item(tx: &Transaction<'_>, ctx: &WriteContext, i: &StockItem) -> Result<()> {
    let at = crate::clock::to_db_time(ctx.now);
    tx.execute(
        "INSERT INTO stock_items (id, branch_code, drug_id, name, strength, form, unit,
             reorder_level, price_minor, otc, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
        params![
            i.id,
            i.branch_code,
            i.drug_id,
            i.name,
            i.strength,
            i.form,
            i.unit,
            i.reorder_level,
            i.price_minor,
            i.otc,
            at
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::STOCK_ITEMS,
        &i.id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "branch_code": i.branch_code, "drug_id": i.drug_id, "name": i.name,
            "strength": i.strength, "form": i.form, "unit": i.unit,
            "reorder_level": i.reorder_level, "price_minor": i.price_minor, "otc": i.otc,
            "created_at": at,
        }),
    )?;
    Ok(())
}

pub(crate) fn update_item(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    id: StockItemId,
    reorder_level: i64,
    price_minor: i64,
    otc: bool,
) -> Result<()> {
    tx.execute(
        "UPDATE stock_items SET reorder_level = ?2, price_minor = ?3, otc = ?4, updated_at = ?5
         WHERE id = ?1",
        params![
            id,
            reorder_level,
            price_minor,
            otc,
            crate::clock::to_db_time(ctx.now)
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::STOCK_ITEMS,
        &id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "reorder_level": reorder_level, "price_minor": price_minor, "otc": otc,
        }),
    )?;
    Ok(())
}

pub(crate) fn item(conn: &Connection, id: StockItemId) -> Result<Option<StockItem>> {
    conn.query_row(
        &format!("SELECT {ITEM_COLUMNS} FROM stock_items WHERE id = ?1"),
        [id],
        item_from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

pub(crate) fn items_of_branch(conn: &Connection, branch: &str) -> Result<Vec<StockItem>> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {ITEM_COLUMNS} FROM stock_items WHERE branch_code = ?1
             ORDER BY name COLLATE NOCASE, strength, form"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([branch], item_from_row)
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)
}

/// Every branch code that stocks anything, in order.
pub(crate) fn stocked_branches(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare("SELECT DISTINCT branch_code FROM stock_items ORDER BY branch_code")
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([], |r| r.get(0))
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)
}

// ---- batches --------------------------------------------------------------------------

const BATCH_COLUMNS: &str = "b.id, b.item_id, b.branch_code, b.batch_number, b.expiry_date,
    b.cost_minor, b.supplier, b.location, b.received_by, b.received_at,
    COALESCE((SELECT SUM(m.quantity) FROM stock_movements m WHERE m.batch_id = b.id), 0)";

fn batch_from_row(r: &Row<'_>) -> rusqlite::Result<Batch> {
    Ok(Batch {
        id: r.get(0)?,
        item_id: r.get(1)?,
        branch_code: r.get(2)?,
        batch_number: r.get(3)?,
        expiry_date: r.get(4)?,
        cost_minor: r.get(5)?,
        supplier: r.get(6)?,
        location: r.get(7)?,
        received_by: r.get(8)?,
        received_at: r.get(9)?,
        balance: r.get(10)?,
    })
}

pub(crate) fn insert_batch(tx: &Transaction<'_>, ctx: &WriteContext, b: &Batch) -> Result<()> {
    tx.execute(
        "INSERT INTO stock_batches (id, item_id, branch_code, batch_number, expiry_date,
             cost_minor, supplier, location, received_by, received_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        params![
            b.id,
            b.item_id,
            b.branch_code,
            b.batch_number,
            b.expiry_date,
            b.cost_minor,
            b.supplier,
            b.location,
            b.received_by,
            b.received_at
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::STOCK_BATCHES,
        &b.id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "item_id": b.item_id, "branch_code": b.branch_code, "batch_number": b.batch_number,
            "expiry_date": b.expiry_date, "cost_minor": b.cost_minor, "supplier": b.supplier,
            "location": b.location, "received_by": b.received_by, "received_at": b.received_at,
        }),
    )?;
    Ok(())
}

pub(crate) fn set_location(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    id: BatchId,
    location: Option<&str>,
) -> Result<()> {
    tx.execute(
        "UPDATE stock_batches SET location = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, location, crate::clock::to_db_time(ctx.now)],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::STOCK_BATCHES,
        &id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({ "location": location }),
    )?;
    Ok(())
}

pub(crate) fn batch(conn: &Connection, id: BatchId) -> Result<Option<Batch>> {
    conn.query_row(
        &format!("SELECT {BATCH_COLUMNS} FROM stock_batches b WHERE b.id = ?1"),
        [id],
        batch_from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

/// A branch's batches, by item then earliest expiry.
pub(crate) fn batches_of_branch(conn: &Connection, branch: &str) -> Result<Vec<Batch>> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {BATCH_COLUMNS} FROM stock_batches b WHERE b.branch_code = ?1
             ORDER BY b.item_id, b.expiry_date, b.received_at"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([branch], batch_from_row)
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)
}

pub(crate) fn batches_of_item(conn: &Connection, item: StockItemId) -> Result<Vec<Batch>> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {BATCH_COLUMNS} FROM stock_batches b WHERE b.item_id = ?1
             ORDER BY b.expiry_date, b.received_at"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([item], batch_from_row)
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)
}

// ---- movements ------------------------------------------------------------------------

const MOVEMENT_COLUMNS: &str = "m.id, m.batch_id, m.item_id, m.branch_code, m.kind, m.quantity,
    m.reason, m.reference, m.prescription_id, m.prescription_item_id, m.substitute,
    m.patient_id, m.transfer_id, m.discrepancy_id, m.price_minor, m.moved_by,
    COALESCE(u.display_name, ''), m.moved_at, b.batch_number, b.expiry_date, i.name";

const MOVEMENT_FROM: &str = "stock_movements m
    JOIN stock_batches b ON b.id = m.batch_id
    JOIN stock_items i ON i.id = m.item_id
    LEFT JOIN users u ON u.id = m.moved_by";

fn movement_from_row(r: &Row<'_>) -> rusqlite::Result<Movement> {
    Ok(Movement {
        id: r.get(0)?,
        batch_id: r.get(1)?,
        item_id: r.get(2)?,
        branch_code: r.get(3)?,
        kind: r.get(4)?,
        quantity: r.get(5)?,
        reason: r.get(6)?,
        reference: r.get(7)?,
        prescription_id: r.get(8)?,
        prescription_item_id: r.get(9)?,
        substitute: r.get(10)?,
        patient_id: r.get(11)?,
        transfer_id: r.get(12)?,
        discrepancy_id: r.get(13)?,
        price_minor: r.get(14)?,
        moved_by: r.get(15)?,
        moved_by_name: r.get(16)?,
        moved_at: r.get(17)?,
        batch_number: r.get(18)?,
        expiry_date: r.get(19)?,
        item_name: r.get(20)?,
    })
}

pub(crate) fn insert_movement(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    m: &Movement,
) -> Result<()> {
    tx.execute(
        "INSERT INTO stock_movements (id, batch_id, item_id, branch_code, kind, quantity,
             reason, reference, prescription_id, prescription_item_id, substitute, patient_id,
             transfer_id, discrepancy_id, price_minor, moved_by, moved_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        params![
            m.id,
            m.batch_id,
            m.item_id,
            m.branch_code,
            m.kind,
            m.quantity,
            m.reason,
            m.reference,
            m.prescription_id,
            m.prescription_item_id,
            m.substitute,
            m.patient_id,
            m.transfer_id,
            m.discrepancy_id,
            m.price_minor,
            m.moved_by,
            m.moved_at
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::STOCK_MOVEMENTS,
        &m.id.to_string(),
        ChangeKind::Append,
        &serde_json::json!({
            "batch_id": m.batch_id, "item_id": m.item_id, "branch_code": m.branch_code,
            "kind": m.kind, "quantity": m.quantity, "reason": m.reason,
            "reference": m.reference, "prescription_id": m.prescription_id,
            "prescription_item_id": m.prescription_item_id, "substitute": m.substitute,
            "patient_id": m.patient_id, "transfer_id": m.transfer_id,
            "discrepancy_id": m.discrepancy_id, "price_minor": m.price_minor,
            "moved_by": m.moved_by, "moved_at": m.moved_at,
        }),
    )?;
    Ok(())
}

pub(crate) fn balance(conn: &Connection, batch: BatchId) -> Result<i64> {
    conn.query_row(
        "SELECT COALESCE(SUM(quantity), 0) FROM stock_movements WHERE batch_id = ?1",
        [batch],
        |r| r.get(0),
    )
    .map_err(Error::from_sqlite)
}

/// An item's units on hand in batches not expired on `today` (what may be dispensed).
pub(crate) fn usable(conn: &Connection, item: StockItemId, today: &str) -> Result<i64> {
    conn.query_row(
        "SELECT COALESCE(SUM(m.quantity), 0) FROM stock_movements m
         JOIN stock_batches b ON b.id = m.batch_id
         WHERE m.item_id = ?1 AND b.expiry_date > ?2",
        params![item, today],
        |r| r.get(0),
    )
    .map_err(Error::from_sqlite)
}

pub(crate) fn movements_of_prescription(
    conn: &Connection,
    rx: PrescriptionId,
) -> Result<Vec<Movement>> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {MOVEMENT_COLUMNS} FROM {MOVEMENT_FROM}
             WHERE m.prescription_id = ?1 ORDER BY m.moved_at, m.rowid"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([rx], movement_from_row)
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)
}

/// A branch's movements with `from <= moved_at < to` (database times), oldest first.
pub(crate) fn movements_between(
    conn: &Connection,
    branch: &str,
    from: &str,
    to: &str,
) -> Result<Vec<Movement>> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {MOVEMENT_COLUMNS} FROM {MOVEMENT_FROM}
             WHERE m.branch_code = ?1 AND m.moved_at >= ?2 AND m.moved_at < ?3
             ORDER BY m.moved_at, m.rowid"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map(params![branch, from, to], movement_from_row)
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)
}

/// Everything dispensed per prescription (for the dispensing queue): units given per
/// prescription item id.
pub(crate) fn dispensed_by_item(conn: &Connection) -> Result<HashMap<String, i64>> {
    let mut stmt = conn
        .prepare(
            "SELECT prescription_item_id, -SUM(quantity) FROM stock_movements
             WHERE prescription_item_id IS NOT NULL AND kind IN ('dispense', 'return')
             GROUP BY prescription_item_id",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)
}

// ---- transfers ------------------------------------------------------------------------

const TRANSFER_COLUMNS: &str = "id, number, from_branch, to_branch, lines, status, sent_by,
    sent_at, received_by, received_at";

fn transfer_from_row(r: &Row<'_>) -> rusqlite::Result<Transfer> {
    let lines: String = r.get(4)?;
    Ok(Transfer {
        id: r.get(0)?,
        number: r.get(1)?,
        from_branch: r.get(2)?,
        to_branch: r.get(3)?,
        lines: serde_json::from_str::<Vec<TransferLine>>(&lines).unwrap_or_default(),
        status: r.get(5)?,
        sent_by: r.get(6)?,
        sent_at: r.get(7)?,
        received_by: r.get(8)?,
        received_at: r.get(9)?,
    })
}

pub(crate) fn insert_transfer(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    t: &Transfer,
) -> Result<()> {
    let lines = serde_json::to_string(&t.lines).map_err(|e| Error::Internal(e.to_string()))?;
    tx.execute(
        "INSERT INTO stock_transfers (id, number, from_branch, to_branch, lines, status,
             sent_by, sent_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'sent', ?6, ?7, ?7)",
        params![
            t.id,
            t.number,
            t.from_branch,
            t.to_branch,
            lines,
            t.sent_by,
            t.sent_at
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::STOCK_TRANSFERS,
        &t.id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "number": t.number, "from_branch": t.from_branch, "to_branch": t.to_branch,
            "lines": lines, "status": "sent", "sent_by": t.sent_by, "sent_at": t.sent_at,
        }),
    )?;
    Ok(())
}

pub(crate) fn mark_received(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    id: TransferId,
    by: UserId,
    at: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE stock_transfers SET status = 'received', received_by = ?2, received_at = ?3,
             updated_at = ?3 WHERE id = ?1 AND status = 'sent'",
        params![id, by, at],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::STOCK_TRANSFERS,
        &id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({ "status": "received", "received_by": by, "received_at": at }),
    )?;
    Ok(())
}

pub(crate) fn transfer(conn: &Connection, id: TransferId) -> Result<Option<Transfer>> {
    conn.query_row(
        &format!("SELECT {TRANSFER_COLUMNS} FROM stock_transfers WHERE id = ?1"),
        [id],
        transfer_from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

pub(crate) fn transfer_by_number(conn: &Connection, number: &str) -> Result<Option<Transfer>> {
    conn.query_row(
        &format!("SELECT {TRANSFER_COLUMNS} FROM stock_transfers WHERE number = ?1"),
        [number],
        transfer_from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

/// Transfers from or to a branch, newest first.
pub(crate) fn transfers_of_branch(conn: &Connection, branch: &str) -> Result<Vec<Transfer>> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {TRANSFER_COLUMNS} FROM stock_transfers
             WHERE from_branch = ?1 OR to_branch = ?1 ORDER BY sent_at DESC"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([branch], transfer_from_row)
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)
}

// ---- discrepancies --------------------------------------------------------------------

const DISCREPANCY_COLUMNS: &str = "d.id, d.batch_id, d.item_id, d.branch_code, d.balance,
    d.raised_at, d.status, d.resolved_by, d.resolved_at, d.resolution,
    COALESCE(i.name, ''), COALESCE(b.batch_number, '')";

fn discrepancy_from_row(r: &Row<'_>) -> rusqlite::Result<Discrepancy> {
    Ok(Discrepancy {
        id: r.get(0)?,
        batch_id: r.get(1)?,
        item_id: r.get(2)?,
        branch_code: r.get(3)?,
        balance: r.get(4)?,
        raised_at: r.get(5)?,
        status: r.get(6)?,
        resolved_by: r.get(7)?,
        resolved_at: r.get(8)?,
        resolution: r.get(9)?,
        item_name: r.get(10)?,
        batch_number: r.get(11)?,
    })
}

pub(crate) fn discrepancies(conn: &Connection, branch: &str) -> Result<Vec<Discrepancy>> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {DISCREPANCY_COLUMNS} FROM stock_discrepancies d
             LEFT JOIN stock_items i ON i.id = d.item_id
             LEFT JOIN stock_batches b ON b.id = d.batch_id
             WHERE d.branch_code = ?1 ORDER BY d.status = 'resolved', d.raised_at DESC"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([branch], discrepancy_from_row)
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)
}

pub(crate) fn discrepancy(conn: &Connection, id: DiscrepancyId) -> Result<Option<Discrepancy>> {
    conn.query_row(
        &format!(
            "SELECT {DISCREPANCY_COLUMNS} FROM stock_discrepancies d
             LEFT JOIN stock_items i ON i.id = d.item_id
             LEFT JOIN stock_batches b ON b.id = d.batch_id
             WHERE d.id = ?1"
        ),
        [id],
        discrepancy_from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

pub(crate) fn resolve_discrepancy(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    id: DiscrepancyId,
    by: UserId,
    at: &str,
    resolution: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE stock_discrepancies SET status = 'resolved', resolved_by = ?2, resolved_at = ?3,
             resolution = ?4, updated_at = ?3 WHERE id = ?1",
        params![id, by, at, resolution],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::STOCK_DISCREPANCIES,
        &id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "status": "resolved", "resolved_by": by, "resolved_at": at, "resolution": resolution,
        }),
    )?;
    Ok(())
}

// ---- who is told ----------------------------------------------------------------------

/// The active pharmacists who may work at a branch (no branch rows: every branch).
pub(crate) fn pharmacists_of(conn: &Connection, branch: BranchId) -> Result<Vec<UserId>> {
    let mut stmt = conn
        .prepare(
            "SELECT u.id FROM users u
             WHERE u.role = 'pharmacist' AND u.active = 1
               AND (NOT EXISTS (SELECT 1 FROM user_branches ub WHERE ub.user_id = u.id)
                    OR EXISTS (SELECT 1 FROM user_branches ub
                               WHERE ub.user_id = u.id AND ub.branch_id = ?1))
             ORDER BY u.id",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([branch], |r| r.get(0))
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)
}

/// Whether `user` already has a notification of `kind` about `entity_id`.
pub(crate) fn already_told(
    conn: &Connection,
    user: UserId,
    kind: &str,
    entity_id: &str,
) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM notifications
                        WHERE user_id = ?1 AND kind = ?2 AND entity_id = ?3)",
        params![user, kind, entity_id],
        |r| r.get(0),
    )
    .map_err(Error::from_sqlite)
}
