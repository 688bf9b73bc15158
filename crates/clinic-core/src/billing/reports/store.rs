//! The reports' SQL: read-only queries over invoices, lines, payments, visits and stock.

use std::collections::BTreeMap;

use rusqlite::{Connection, params};

use super::CashUpRow;
use crate::billing::invoices::totals::{self, LineAmounts};
use crate::error::{Error, Result};

/// Payments (less refunds) received in `[from, to)`, per branch, cashier and method.
pub(crate) fn takings(
    conn: &Connection,
    from: &str,
    to: &str,
    branch: Option<&str>,
) -> Result<Vec<CashUpRow>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT v.branch_code, COALESCE(u.display_name, p.received_by), p.method,
                    count(*), SUM(p.amount_minor)
             FROM payments p
             JOIN invoices v ON v.id = p.invoice_id
             LEFT JOIN users u ON u.id = p.received_by
             WHERE p.received_at >= ?1 AND p.received_at < ?2
               AND (?3 IS NULL OR v.branch_code = ?3)
             GROUP BY v.branch_code, p.received_by, p.method
             ORDER BY v.branch_code, 2, p.method",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map(params![from, to, branch], |r| {
            Ok(CashUpRow {
                branch_code: r.get(0)?,
                user_name: r.get(1)?,
                method: r.get(2)?,
                payments: r.get(3)?,
                amount_minor: r.get(4)?,
            })
        })
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)
}

/// Payments less refunds received in `[from, to)`.
pub(crate) fn received(
    conn: &Connection,
    from: &str,
    to: &str,
    branch: Option<&str>,
) -> Result<i64> {
    conn.query_row(
        "SELECT COALESCE(SUM(p.amount_minor), 0) FROM payments p
         JOIN invoices v ON v.id = p.invoice_id
         WHERE p.received_at >= ?1 AND p.received_at < ?2 AND (?3 IS NULL OR v.branch_code = ?3)",
        params![from, to, branch],
        |r| r.get(0),
    )
    .map_err(Error::from_sqlite)
}

/// Visits completed in `[from, to)` (at a branch, by its code).
pub(crate) fn visits_completed(
    conn: &Connection,
    from: &str,
    to: &str,
    branch: Option<&str>,
) -> Result<i64> {
    conn.query_row(
        "SELECT count(*) FROM encounters e LEFT JOIN branches b ON b.id = e.branch_id
         WHERE e.status = 'completed' AND e.completed_at >= ?1 AND e.completed_at < ?2
           AND (?3 IS NULL OR b.code = ?3)",
        params![from, to, branch],
        |r| r.get(0),
    )
    .map_err(Error::from_sqlite)
}

/// The live lines of invoices and credit notes issued in `[from, to)` and not void: per
/// invoice its branch, its visit's doctor's name and its lines' (category, amounts).
#[allow(clippy::type_complexity)]
pub(crate) fn issued_lines(
    conn: &Connection,
    from: &str,
    to: &str,
    branch: Option<&str>,
) -> Result<Vec<(String, Option<String>, Vec<(String, LineAmounts)>)>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT v.id, v.branch_code, u.display_name, l.category, l.quantity,
                    l.unit_price_minor, l.tax_bp, l.discount_bp
             FROM invoices v
             JOIN invoice_lines l ON l.invoice_id = v.id AND l.removed = 0
             LEFT JOIN encounters e ON e.id = v.encounter_id
             LEFT JOIN users u ON u.id = e.doctor_user_id
             WHERE v.status = 'issued' AND v.issued_at >= ?1 AND v.issued_at < ?2
               AND (?3 IS NULL OR v.branch_code = ?3)
             ORDER BY v.id",
        )
        .map_err(Error::from_sqlite)?;
    let mut by_invoice: BTreeMap<String, (String, Option<String>, Vec<(String, LineAmounts)>)> =
        BTreeMap::new();
    let rows = stmt
        .query_map(params![from, to, branch], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                LineAmounts {
                    quantity: r.get(4)?,
                    unit_price_minor: r.get(5)?,
                    tax_bp: r.get(6)?,
                    discount_bp: r.get(7)?,
                },
            ))
        })
        .map_err(Error::from_sqlite)?;
    for row in rows {
        let (id, branch, doctor, category, amounts) = row.map_err(Error::from_sqlite)?;
        by_invoice
            .entry(id)
            .or_insert_with(|| (branch, doctor, Vec::new()))
            .2
            .push((category, amounts));
    }
    Ok(by_invoice.into_values().collect())
}

/// Every issued invoice (not a credit note) issued before `end`: (issued_at, total,
/// paid before `end`).
pub(crate) fn balances_as_of(
    conn: &Connection,
    end: &str,
    branch: Option<&str>,
) -> Result<Vec<(String, i64, i64)>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT v.id, v.issued_at,
                    COALESCE((SELECT SUM(p.amount_minor) FROM payments p
                              WHERE p.invoice_id = v.id AND p.received_at < ?1), 0)
             FROM invoices v
             WHERE v.status = 'issued' AND v.kind = 'invoice' AND v.issued_at < ?1
               AND (?2 IS NULL OR v.branch_code = ?2)",
        )
        .map_err(Error::from_sqlite)?;
    let invoices: Vec<(String, String, i64)> = stmt
        .query_map(params![end, branch], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .map_err(Error::from_sqlite)?
        .collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)?;
    let mut lines = conn
        .prepare_cached(
            "SELECT quantity, unit_price_minor, tax_bp, discount_bp FROM invoice_lines
             WHERE invoice_id = ?1 AND removed = 0",
        )
        .map_err(Error::from_sqlite)?;
    let mut out = Vec::with_capacity(invoices.len());
    for (id, issued_at, paid) in invoices {
        let amounts: Vec<LineAmounts> = lines
            .query_map([&id], |r| {
                Ok(LineAmounts {
                    quantity: r.get(0)?,
                    unit_price_minor: r.get(1)?,
                    tax_bp: r.get(2)?,
                    discount_bp: r.get(3)?,
                })
            })
            .map_err(Error::from_sqlite)?
            .collect::<rusqlite::Result<_>>()
            .map_err(Error::from_sqlite)?;
        out.push((issued_at, totals::invoice(&amounts)?.total_minor, paid));
    }
    Ok(out)
}

/// Every branch's usable stock at cost (batches not expired on `day`).
pub(crate) fn stock_value(conn: &Connection, day: &str) -> Result<i64> {
    conn.query_row(
        "SELECT COALESCE(SUM(MAX(bal, 0) * cost_minor), 0) FROM (
             SELECT b.cost_minor,
                    (SELECT COALESCE(SUM(m.quantity), 0) FROM stock_movements m
                     WHERE m.batch_id = b.id) AS bal
             FROM stock_batches b WHERE b.expiry_date > ?1)",
        [day],
        |r| r.get(0),
    )
    .map_err(Error::from_sqlite)
}

/// Claims made in `[from, to)` by status: (count, claimed).
pub(crate) fn claims_by_status(
    conn: &Connection,
    from: &str,
    to: &str,
) -> Result<BTreeMap<String, (i64, i64)>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT status, count(*), SUM(claimed_minor) FROM claims
             WHERE created_at >= ?1 AND created_at < ?2 GROUP BY status",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map(params![from, to], |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))
        })
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)
}

/// Appointments starting in `[from, to)`: (starts_at, status).
pub(crate) fn appointments_between(
    conn: &Connection,
    from: &str,
    to: &str,
) -> Result<Vec<(String, String)>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT starts_at, status FROM appointments WHERE starts_at >= ?1 AND starts_at < ?2",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map(params![from, to], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)
}

/// Issued invoices' and credit notes' totals in `[from, to)`: (issued_at, total).
pub(crate) fn issued_totals(conn: &Connection, from: &str, to: &str) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT v.issued_at, l.quantity, l.unit_price_minor, l.tax_bp, l.discount_bp, v.id
             FROM invoices v JOIN invoice_lines l ON l.invoice_id = v.id AND l.removed = 0
             WHERE v.status = 'issued' AND v.issued_at >= ?1 AND v.issued_at < ?2
             ORDER BY v.id",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map(params![from, to], |r| {
            Ok((
                r.get::<_, String>(0)?,
                LineAmounts {
                    quantity: r.get(1)?,
                    unit_price_minor: r.get(2)?,
                    tax_bp: r.get(3)?,
                    discount_bp: r.get(4)?,
                },
            ))
        })
        .map_err(Error::from_sqlite)?;
    let mut out = Vec::new();
    for row in rows {
        let (issued_at, amounts) = row.map_err(Error::from_sqlite)?;
        out.push((issued_at, totals::line(amounts)?.total_minor));
    }
    Ok(out)
}

/// The most recorded diagnoses in `[from, to)`: (code, title, count).
pub(crate) fn top_diagnoses(
    conn: &Connection,
    from: &str,
    to: &str,
    limit: i64,
) -> Result<Vec<(String, String, i64)>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT COALESCE(code, ''), MIN(title), count(*) AS n FROM diagnoses
             WHERE recorded_at >= ?1 AND recorded_at < ?2 AND active = 1
             GROUP BY COALESCE(code, lower(title)) ORDER BY n DESC, 1 LIMIT ?3",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map(params![from, to, limit], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)
}
