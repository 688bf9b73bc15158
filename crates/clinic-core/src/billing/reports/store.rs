//! The reports' SQL: read-only queries over invoices, lines, payments, visits and stock.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension as _, params};

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

/// How many stale invoices are brought up to date per transaction.
const REFRESH_CHUNK: usize = 2_000;

/// Brings every stale invoice's cached balance up to date: an issued invoice or credit
/// note gets its total (by [`totals::invoice`], the one rounding rule) and what has been
/// paid on it; a draft or void one has no row. The running total of what is owed moves
/// by the difference, in the same transaction. Returns how many were refreshed.
pub(crate) fn refresh_balances(store: &mut crate::store::Store) -> Result<usize> {
    let mut done = 0;
    loop {
        let tx = store.transaction()?;
        let stale: Vec<String> = {
            let mut stmt = tx
                .prepare_cached("SELECT invoice_id FROM invoice_balances_stale LIMIT ?1")
                .map_err(Error::from_sqlite)?;
            stmt.query_map([REFRESH_CHUNK as i64], |r| r.get(0))
                .map_err(Error::from_sqlite)?
                .collect::<rusqlite::Result<_>>()
                .map_err(Error::from_sqlite)?
        };
        if stale.is_empty() {
            return Ok(done);
        }
        {
            let mut invoice = tx
                .prepare_cached(
                    "SELECT kind, branch_code, issued_at,
                            COALESCE((SELECT SUM(amount_minor) FROM payments
                                      WHERE invoice_id = v.id), 0)
                     FROM invoices v WHERE id = ?1 AND status = 'issued'
                       AND issued_at IS NOT NULL",
                )
                .map_err(Error::from_sqlite)?;
            let mut lines = tx
                .prepare_cached(
                    "SELECT quantity, unit_price_minor, tax_bp, discount_bp FROM invoice_lines
                     WHERE invoice_id = ?1 AND removed = 0",
                )
                .map_err(Error::from_sqlite)?;
            let mut old_row = tx
                .prepare_cached(
                    "SELECT kind, total_minor, paid_minor FROM invoice_balances
                     WHERE invoice_id = ?1",
                )
                .map_err(Error::from_sqlite)?;
            let mut put = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO invoice_balances
                         (invoice_id, kind, branch_code, issued_at, total_minor, paid_minor)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(Error::from_sqlite)?;
            let mut drop_row = tx
                .prepare_cached("DELETE FROM invoice_balances WHERE invoice_id = ?1")
                .map_err(Error::from_sqlite)?;
            let mut fresh = tx
                .prepare_cached("DELETE FROM invoice_balances_stale WHERE invoice_id = ?1")
                .map_err(Error::from_sqlite)?;
            // What the stale invoices owed before and owe now, for the running total.
            let (mut open_delta, mut owed_delta) = (0i64, 0i64);
            for id in &stale {
                let before: Option<(String, i64, i64)> = old_row
                    .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()
                    .map_err(Error::from_sqlite)?;
                if let Some((kind, total, paid)) = before
                    && kind == "invoice"
                    && paid < total
                {
                    open_delta -= 1;
                    owed_delta -= total - paid;
                }
                let issued: Option<(String, String, String, i64)> = invoice
                    .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                    .optional()
                    .map_err(Error::from_sqlite)?;
                match issued {
                    Some((kind, branch, issued_at, paid)) => {
                        let amounts: Vec<LineAmounts> = lines
                            .query_map([id], |r| {
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
                        let total = totals::invoice(&amounts)?.total_minor;
                        if kind == "invoice" && paid < total {
                            open_delta += 1;
                            owed_delta += total - paid;
                        }
                        put.execute(params![id, kind, branch, issued_at, total, paid])
                            .map_err(Error::from_sqlite)?;
                    }
                    None => {
                        drop_row.execute([id]).map_err(Error::from_sqlite)?;
                    }
                }
                fresh.execute([id]).map_err(Error::from_sqlite)?;
            }
            tx.execute(
                "UPDATE invoice_balances_owed
                 SET invoices = invoices + ?1, owed_minor = owed_minor + ?2",
                params![open_delta, owed_delta],
            )
            .map_err(Error::from_sqlite)?;
        }
        tx.commit().map_err(Error::from_sqlite)?;
        done += stale.len();
    }
}

/// Every issued invoice (not a credit note) issued before `end` with something left to
/// pay on it then: (issued_at, total, paid before `end`). Reads the cache: the invoices
/// open now, and those paid off since `end` (the only others that were open then).
pub(crate) fn balances_as_of(
    conn: &Connection,
    end: &str,
    branch: Option<&str>,
) -> Result<Vec<(String, i64, i64)>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT b.issued_at, b.total_minor,
                    b.paid_minor - COALESCE((SELECT SUM(p.amount_minor) FROM payments p
                                            WHERE p.invoice_id = b.invoice_id
                                              AND p.received_at >= ?1), 0)
             FROM invoice_balances b
             WHERE b.invoice_id IN (
                     SELECT invoice_id FROM invoice_balances
                     WHERE kind = 'invoice' AND paid_minor < total_minor
                     UNION
                     SELECT invoice_id FROM payments WHERE received_at >= ?1)
               AND b.kind = 'invoice' AND b.issued_at < ?1
               AND (?2 IS NULL OR b.branch_code = ?2)",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map(params![end, branch], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .map_err(Error::from_sqlite)?;
    let all: Vec<(String, i64, i64)> = rows
        .collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)?;
    Ok(all.into_iter().filter(|(_, t, p)| t > p).collect())
}

/// Invoices with something left to pay now, and how much: (count, sum), kept as a
/// running total by [`refresh_balances`].
pub(crate) fn outstanding_now(conn: &Connection) -> Result<(i64, i64)> {
    conn.query_row(
        "SELECT invoices, owed_minor FROM invoice_balances_owed",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .map_err(Error::from_sqlite)
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

/// Appointments starting in `[from, to)` that were not cancelled, moved or refused.
pub(crate) fn appointments_held(conn: &Connection, from: &str, to: &str) -> Result<i64> {
    conn.prepare_cached(
        "SELECT count(*) FROM appointments
         WHERE starts_at >= ?1 AND starts_at < ?2
           AND status NOT IN ('cancelled', 'rescheduled', 'conflict')",
    )
    .and_then(|mut stmt| stmt.query_row(params![from, to], |r| r.get(0)))
    .map_err(Error::from_sqlite)
}

/// Appointments starting in `[from, to)` that were kept (checked in or completed) and
/// missed (no-show).
pub(crate) fn kept_and_missed(conn: &Connection, from: &str, to: &str) -> Result<(i64, i64)> {
    conn.prepare_cached(
        "SELECT COALESCE(SUM(status IN ('completed', 'checked_in')), 0),
                COALESCE(SUM(status = 'no_show'), 0)
         FROM appointments WHERE starts_at >= ?1 AND starts_at < ?2",
    )
    .and_then(|mut stmt| stmt.query_row(params![from, to], |r| Ok((r.get(0)?, r.get(1)?))))
    .map_err(Error::from_sqlite)
}

/// Issued invoices' totals in `[from, to)`, credit notes subtracted (from the cache).
pub(crate) fn revenue_between(conn: &Connection, from: &str, to: &str) -> Result<i64> {
    conn.prepare_cached(
        "SELECT COALESCE(SUM(total_minor), 0) FROM invoice_balances
         WHERE issued_at >= ?1 AND issued_at < ?2",
    )
    .and_then(|mut stmt| stmt.query_row(params![from, to], |r| r.get(0)))
    .map_err(Error::from_sqlite)
}

/// The most recorded diagnoses in `[from, to)`: (code, title, count), coded ones counted
/// by code from the index, free-text ones by their title.
pub(crate) fn top_diagnoses(
    conn: &Connection,
    from: &str,
    to: &str,
    limit: i64,
) -> Result<Vec<(String, String, i64)>> {
    let mut coded = conn
        .prepare_cached(
            "SELECT code, count(*) AS n FROM diagnoses
             WHERE recorded_at >= ?1 AND recorded_at < ?2 AND active = 1 AND code IS NOT NULL
             GROUP BY code ORDER BY n DESC, code LIMIT ?3",
        )
        .map_err(Error::from_sqlite)?;
    let mut out: Vec<(String, String, i64)> = coded
        .query_map(params![from, to, limit], |r| {
            Ok((r.get::<_, String>(0)?, String::new(), r.get(1)?))
        })
        .map_err(Error::from_sqlite)?
        .collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)?;
    let mut title = conn
        .prepare_cached(
            "SELECT title FROM diagnoses
             WHERE recorded_at >= ?1 AND recorded_at < ?2 AND active = 1 AND code = ?3
             LIMIT 1",
        )
        .map_err(Error::from_sqlite)?;
    for (code, t, _) in &mut out {
        *t = title
            .query_row(params![from, to, &*code], |r| r.get(0))
            .map_err(Error::from_sqlite)?;
    }
    let mut free = conn
        .prepare_cached(
            "SELECT '', MIN(title), count(*) AS n FROM diagnoses
             WHERE recorded_at >= ?1 AND recorded_at < ?2 AND active = 1 AND code IS NULL
             GROUP BY lower(title) ORDER BY n DESC LIMIT ?3",
        )
        .map_err(Error::from_sqlite)?;
    let uncoded: Vec<(String, String, i64)> = free
        .query_map(params![from, to, limit], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .map_err(Error::from_sqlite)?
        .collect::<rusqlite::Result<_>>()
        .map_err(Error::from_sqlite)?;
    out.extend(uncoded);
    out.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    out.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(out)
}
