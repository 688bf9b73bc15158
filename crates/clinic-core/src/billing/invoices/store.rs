//! Billing's SQL. Every write records its change in the same transaction.

use clinic_protocol::tables;
use rusqlite::{Connection, OptionalExtension as _, Row, Transaction, params};

use super::{Invoice, Line, Payment, PriceItem};
use crate::error::{Error, Result};
use crate::ids::{EncounterId, PatientId, UserId};
use crate::store::changes::{self, ChangeKind, WriteContext};

fn collect<T>(
    conn: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
    f: fn(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql).map_err(Error::from_sqlite)?;
    let rows = stmt.query_map(args, f).map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)
}

// ---- price list -----------------------------------------------------------------------

fn price_from_row(r: &Row<'_>) -> rusqlite::Result<PriceItem> {
    Ok(PriceItem {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        category: r.get(3)?,
        price_minor: r.get(4)?,
        tax_bp: r.get(5)?,
        active: r.get(6)?,
    })
}

const PRICE_COLUMNS: &str = "id, code, name, category, price_minor, tax_bp, active";

pub(crate) fn prices(conn: &Connection) -> Result<Vec<PriceItem>> {
    collect(
        conn,
        &format!("SELECT {PRICE_COLUMNS} FROM price_items ORDER BY category, name COLLATE NOCASE"),
        [],
        price_from_row,
    )
}

pub(crate) fn price_by_code(conn: &Connection, code: &str) -> Result<Option<PriceItem>> {
    conn.query_row(
        &format!(
            "SELECT {PRICE_COLUMNS} FROM price_items WHERE code = ?1 COLLATE NOCASE AND active = 1"
        ),
        [code],
        price_from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

pub(crate) fn upsert_price(tx: &Transaction<'_>, ctx: &WriteContext, p: &PriceItem) -> Result<()> {
    let at = crate::clock::to_db_time(ctx.now);
    tx.execute(
        "INSERT INTO price_items (id, code, name, category, price_minor, tax_bp, active, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name,
             category = excluded.category, price_minor = excluded.price_minor,
             tax_bp = excluded.tax_bp, active = excluded.active, updated_at = excluded.updated_at",
        params![p.id, p.code, p.name, p.category, p.price_minor, p.tax_bp, p.active, at],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::PRICE_ITEMS,
        &p.id,
        ChangeKind::Upsert,
        &serde_json::json!({
            "code": p.code, "name": p.name, "category": p.category,
            "price_minor": p.price_minor, "tax_bp": p.tax_bp, "active": p.active,
        }),
    )?;
    Ok(())
}

// ---- invoices -------------------------------------------------------------------------

const INVOICE_COLUMNS: &str = "id, number, kind, credit_of, patient_id, encounter_id, branch_code,
    currency, status, created_by, created_at, issued_by, issued_at, voided_by, voided_at,
    void_reason";

fn invoice_from_row(r: &Row<'_>) -> rusqlite::Result<Invoice> {
    Ok(Invoice {
        id: r.get(0)?,
        number: r.get(1)?,
        kind: r.get(2)?,
        credit_of: r.get(3)?,
        patient_id: r.get(4)?,
        encounter_id: r.get(5)?,
        branch_code: r.get(6)?,
        currency: r.get(7)?,
        status: r.get(8)?,
        created_by: r.get(9)?,
        created_at: r.get(10)?,
        issued_by: r.get(11)?,
        issued_at: r.get(12)?,
        voided_by: r.get(13)?,
        voided_at: r.get(14)?,
        void_reason: r.get(15)?,
    })
}

pub(crate) fn insert_invoice(tx: &Transaction<'_>, ctx: &WriteContext, i: &Invoice) -> Result<()> {
    tx.execute(
        "INSERT INTO invoices (id, number, kind, credit_of, patient_id, encounter_id, branch_code,
             currency, status, created_by, created_at, updated_at)
         VALUES (?1, NULL, ?2, ?3, ?4, ?5, ?6, ?7, 'draft', ?8, ?9, ?9)",
        params![
            i.id,
            i.kind,
            i.credit_of,
            i.patient_id,
            i.encounter_id,
            i.branch_code,
            i.currency,
            i.created_by,
            i.created_at
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::INVOICES,
        &i.id,
        ChangeKind::Upsert,
        &serde_json::json!({
            "kind": i.kind, "credit_of": i.credit_of, "patient_id": i.patient_id,
            "encounter_id": i.encounter_id, "branch_code": i.branch_code,
            "currency": i.currency, "status": "draft", "created_by": i.created_by,
            "created_at": i.created_at,
        }),
    )?;
    Ok(())
}

pub(crate) fn issue(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    id: &str,
    number: &str,
    by: UserId,
    at: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE invoices SET status = 'issued', number = ?2, issued_by = ?3, issued_at = ?4,
             updated_at = ?4 WHERE id = ?1 AND status = 'draft'",
        params![id, number, by, at],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::INVOICES,
        id,
        ChangeKind::Upsert,
        &serde_json::json!({ "status": "issued", "number": number, "issued_by": by, "issued_at": at }),
    )?;
    Ok(())
}

pub(crate) fn void(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    id: &str,
    by: UserId,
    at: &str,
    reason: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE invoices SET status = 'void', voided_by = ?2, voided_at = ?3, void_reason = ?4,
             updated_at = ?3 WHERE id = ?1 AND status = 'issued'",
        params![id, by, at, reason],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::INVOICES,
        id,
        ChangeKind::Upsert,
        &serde_json::json!({ "status": "void", "voided_by": by, "voided_at": at, "void_reason": reason }),
    )?;
    Ok(())
}

pub(crate) fn invoice(conn: &Connection, id: &str) -> Result<Option<Invoice>> {
    conn.query_row(
        &format!("SELECT {INVOICE_COLUMNS} FROM invoices WHERE id = ?1"),
        [id],
        invoice_from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

pub(crate) fn invoice_by_number(conn: &Connection, number: &str) -> Result<Option<Invoice>> {
    conn.query_row(
        &format!("SELECT {INVOICE_COLUMNS} FROM invoices WHERE number = ?1"),
        [number],
        invoice_from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

pub(crate) fn invoices_of_patient(conn: &Connection, patient: PatientId) -> Result<Vec<Invoice>> {
    collect(
        conn,
        &format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices WHERE patient_id = ?1 ORDER BY created_at DESC"
        ),
        [patient],
        invoice_from_row,
    )
}

/// Drafts and issued invoices of a branch, oldest first (the desk's list).
pub(crate) fn open_invoices(conn: &Connection, branch: &str) -> Result<Vec<Invoice>> {
    collect(
        conn,
        &format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices WHERE branch_code = ?1 AND status != 'void'
             ORDER BY created_at"
        ),
        [branch],
        invoice_from_row,
    )
}

// ---- lines ----------------------------------------------------------------------------

const LINE_COLUMNS: &str = "id, invoice_id, category, code, description, quantity,
    unit_price_minor, tax_bp, discount_bp, discount_reason, source, removed, added_by, added_at";

fn line_from_row(r: &Row<'_>) -> rusqlite::Result<Line> {
    Ok(Line {
        id: r.get(0)?,
        invoice_id: r.get(1)?,
        category: r.get(2)?,
        code: r.get(3)?,
        description: r.get(4)?,
        quantity: r.get(5)?,
        unit_price_minor: r.get(6)?,
        tax_bp: r.get(7)?,
        discount_bp: r.get(8)?,
        discount_reason: r.get(9)?,
        source: r.get(10)?,
        removed: r.get(11)?,
        added_by: r.get(12)?,
        added_at: r.get(13)?,
    })
}

pub(crate) fn insert_line(tx: &Transaction<'_>, ctx: &WriteContext, l: &Line) -> Result<()> {
    tx.execute(
        "INSERT INTO invoice_lines (id, invoice_id, category, code, description, quantity,
             unit_price_minor, tax_bp, discount_bp, discount_reason, source, removed, added_by,
             added_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, ?12, ?13, ?13)",
        params![
            l.id,
            l.invoice_id,
            l.category,
            l.code,
            l.description,
            l.quantity,
            l.unit_price_minor,
            l.tax_bp,
            l.discount_bp,
            l.discount_reason,
            l.source,
            l.added_by,
            l.added_at
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::INVOICE_LINES,
        &l.id,
        ChangeKind::Upsert,
        &serde_json::json!({
            "invoice_id": l.invoice_id, "category": l.category, "code": l.code,
            "description": l.description, "quantity": l.quantity,
            "unit_price_minor": l.unit_price_minor, "tax_bp": l.tax_bp,
            "discount_bp": l.discount_bp, "discount_reason": l.discount_reason,
            "source": l.source, "removed": false, "added_by": l.added_by, "added_at": l.added_at,
        }),
    )?;
    Ok(())
}

/// Changes fields of a draft's line (`removed`, a discount), recording those and the
/// line's invoice (which the server reads to judge the change).
pub(crate) fn update_line(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    id: &str,
    invoice: &str,
    fields: &serde_json::Value,
) -> Result<()> {
    let at = crate::clock::to_db_time(ctx.now);
    let get = |k: &str| fields.get(k);
    if let Some(removed) = get("removed").and_then(serde_json::Value::as_bool) {
        tx.execute(
            "UPDATE invoice_lines SET removed = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, removed, at],
        )
        .map_err(Error::from_sqlite)?;
    }
    if let Some(bp) = get("discount_bp").and_then(serde_json::Value::as_i64) {
        let reason = get("discount_reason").and_then(serde_json::Value::as_str);
        tx.execute(
            "UPDATE invoice_lines SET discount_bp = ?2, discount_reason = ?3, updated_at = ?4
             WHERE id = ?1",
            params![id, bp, reason, at],
        )
        .map_err(Error::from_sqlite)?;
    }
    let mut recorded = fields.clone();
    recorded["invoice_id"] = serde_json::json!(invoice);
    changes::record(
        tx,
        ctx,
        &tables::INVOICE_LINES,
        id,
        ChangeKind::Upsert,
        &recorded,
    )?;
    Ok(())
}

pub(crate) fn lines(conn: &Connection, invoice: &str) -> Result<Vec<Line>> {
    collect(
        conn,
        &format!(
            "SELECT {LINE_COLUMNS} FROM invoice_lines WHERE invoice_id = ?1 ORDER BY added_at, rowid"
        ),
        [invoice],
        line_from_row,
    )
}

pub(crate) fn line(conn: &Connection, id: &str) -> Result<Option<Line>> {
    conn.query_row(
        &format!("SELECT {LINE_COLUMNS} FROM invoice_lines WHERE id = ?1"),
        [id],
        line_from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

// ---- payments -------------------------------------------------------------------------

const PAYMENT_COLUMNS: &str = "p.id, p.invoice_id, p.method, p.amount_minor, p.tendered_minor,
    p.change_minor, p.reference, p.reason, p.receipt_number, p.received_by,
    COALESCE(u.display_name, ''), p.received_at";

fn payment_from_row(r: &Row<'_>) -> rusqlite::Result<Payment> {
    Ok(Payment {
        id: r.get(0)?,
        invoice_id: r.get(1)?,
        method: r.get(2)?,
        amount_minor: r.get(3)?,
        tendered_minor: r.get(4)?,
        change_minor: r.get(5)?,
        reference: r.get(6)?,
        reason: r.get(7)?,
        receipt_number: r.get(8)?,
        received_by: r.get(9)?,
        received_by_name: r.get(10)?,
        received_at: r.get(11)?,
    })
}

pub(crate) fn insert_payment(tx: &Transaction<'_>, ctx: &WriteContext, p: &Payment) -> Result<()> {
    tx.execute(
        "INSERT INTO payments (id, invoice_id, method, amount_minor, tendered_minor, change_minor,
             reference, reason, receipt_number, received_by, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            p.id,
            p.invoice_id,
            p.method,
            p.amount_minor,
            p.tendered_minor,
            p.change_minor,
            p.reference,
            p.reason,
            p.receipt_number,
            p.received_by,
            p.received_at
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::PAYMENTS,
        &p.id,
        ChangeKind::Append,
        &serde_json::json!({
            "invoice_id": p.invoice_id, "method": p.method, "amount_minor": p.amount_minor,
            "tendered_minor": p.tendered_minor, "change_minor": p.change_minor,
            "reference": p.reference, "reason": p.reason, "receipt_number": p.receipt_number,
            "received_by": p.received_by, "received_at": p.received_at,
        }),
    )?;
    Ok(())
}

pub(crate) fn payments(conn: &Connection, invoice: &str) -> Result<Vec<Payment>> {
    collect(
        conn,
        &format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments p LEFT JOIN users u ON u.id = p.received_by
             WHERE p.invoice_id = ?1 ORDER BY p.received_at, p.rowid"
        ),
        [invoice],
        payment_from_row,
    )
}

// ---- what a visit bills ---------------------------------------------------------------

/// The visit's doctor's consultation fee and name.
pub(crate) fn doctor_fee(conn: &Connection, user: UserId) -> Result<Option<(i64, String)>> {
    conn.query_row(
        "SELECT d.fee_minor, u.display_name FROM doctors d JOIN users u ON u.id = d.user_id
         WHERE d.user_id = ?1",
        [user],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
    .map_err(Error::from_sqlite)
}

/// The lab orders standing on a visit: (order id, number, tests JSON).
pub(crate) fn visit_lab_orders(
    conn: &Connection,
    encounter: EncounterId,
) -> Result<Vec<(String, String, String)>> {
    collect(
        conn,
        "SELECT id, number, tests FROM lab_orders WHERE encounter_id = ?1 AND status = 'ordered'
         ORDER BY ordered_at",
        [encounter],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
}

/// A lab test's price in this workstation's catalogue.
pub(crate) fn lab_price(conn: &Connection, code: &str) -> Result<i64> {
    Ok(conn
        .query_row(
            "SELECT price_minor FROM lab_tests WHERE code = ?1",
            [code],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::from_sqlite)?
        .unwrap_or(0))
}

/// A dispensed or sold movement waiting for its invoice line: (movement id, item label,
/// units, unit price, prescription number or sale number).
pub(crate) type Unbilled = (String, String, i64, i64, Option<String>);

/// Dispensed or sold units not yet on a live invoice line, oldest first. For a patient,
/// or for one over-the-counter sale by its number.
pub(crate) fn unbilled_movements(
    conn: &Connection,
    patient: Option<PatientId>,
    sale: Option<&str>,
) -> Result<Vec<Unbilled>> {
    collect(
        conn,
        "SELECT m.id,
                trim(i.name || ' ' || COALESCE(i.strength, '') || ' ' || COALESCE(i.form, '')),
                -m.quantity, COALESCE(m.price_minor, i.price_minor),
                COALESCE(p.number, m.reference)
         FROM stock_movements m
         JOIN stock_items i ON i.id = m.item_id
         LEFT JOIN prescriptions p ON p.id = m.prescription_id
         WHERE m.kind IN ('dispense', 'sale')
           AND ((?1 IS NOT NULL AND m.patient_id = ?1) OR (?2 IS NOT NULL AND m.reference = ?2))
           AND NOT EXISTS (
               SELECT 1 FROM invoice_lines l JOIN invoices v ON v.id = l.invoice_id
               WHERE l.source = 'dispense:' || m.id AND l.removed = 0 AND v.status != 'void')
         ORDER BY m.moved_at, m.rowid",
        params![patient, sale],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )
}
