//! The laboratory's tables: the catalogue (`lab_tests`, `lab_ranges`, `lab_panels`,
//! workstation-local) and the synced `lab_orders`, `lab_samples`, `lab_results` and
//! `lab_verifications`, each write recorded in the change log with all its fields.

use clinic_protocol::tables;
use rusqlite::{Connection, OptionalExtension as _, Row, Transaction, params};

use super::catalogue::{Age, Decimal, LabTest, Panel, RangeSex, RefRange, ResultType};
use super::{LabOrder, LabResult, OrderedTest, Sample};
use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{LabOrderId, LabResultId, LabVerificationId, PatientId, SampleId, UserId};
use crate::store::changes::{self, ChangeKind, WriteContext};

// ---- the catalogue --------------------------------------------------------------------

pub(crate) fn seeded(conn: &Connection) -> Result<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM lab_tests)", [], |r| r.get(0))
        .map_err(Error::from_sqlite)
}

fn type_str(t: ResultType) -> &'static str {
    match t {
        ResultType::Numeric => "numeric",
        ResultType::Text => "text",
        ResultType::Choice => "choice",
    }
}

fn sex_str(s: RangeSex) -> &'static str {
    match s {
        RangeSex::Any => "any",
        RangeSex::Female => "female",
        RangeSex::Male => "male",
    }
}

pub(crate) fn replace_catalogue(
    tx: &Transaction<'_>,
    tests: &[LabTest],
    ranges: &[RefRange],
    panels: &[Panel],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    for t in tests {
        tx.execute(
            "INSERT INTO lab_tests (code, name, specimen, unit, result_type, choices, price_minor, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, specimen = excluded.specimen,
                 unit = excluded.unit, result_type = excluded.result_type,
                 choices = excluded.choices, price_minor = excluded.price_minor,
                 updated_at = excluded.updated_at",
            params![
                t.code,
                t.name,
                t.specimen,
                t.unit,
                type_str(t.result_type),
                t.choices.join("|"),
                t.price_minor,
                to_db_time(now)
            ],
        )
        .map_err(Error::from_sqlite)?;
    }
    let mut codes: Vec<&str> = ranges.iter().map(|r| r.code.as_str()).collect();
    codes.dedup();
    for code in codes {
        tx.execute("DELETE FROM lab_ranges WHERE code = ?1", [code])
            .map_err(Error::from_sqlite)?;
    }
    for r in ranges {
        tx.execute(
            "INSERT INTO lab_ranges (code, sex, age_from, age_to, low, high, critical_low, critical_high)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                r.code,
                sex_str(r.sex),
                r.age_from.to_string(),
                r.age_to.map(|a| a.to_string()),
                r.low.map(|d| d.0),
                r.high.map(|d| d.0),
                r.critical_low.map(|d| d.0),
                r.critical_high.map(|d| d.0)
            ],
        )
        .map_err(Error::from_sqlite)?;
    }
    for p in panels {
        tx.execute(
            "INSERT INTO lab_panels (code, name, tests) VALUES (?1, ?2, ?3)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, tests = excluded.tests",
            params![p.code, p.name, p.tests.join("|")],
        )
        .map_err(Error::from_sqlite)?;
    }
    Ok(())
}

fn split(text: String) -> Vec<String> {
    text.split('|')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

fn test_from_row(r: &Row<'_>) -> rusqlite::Result<LabTest> {
    let kind: String = r.get(4)?;
    Ok(LabTest {
        code: r.get(0)?,
        name: r.get(1)?,
        specimen: r.get(2)?,
        unit: r.get(3)?,
        result_type: match kind.as_str() {
            "numeric" => ResultType::Numeric,
            "choice" => ResultType::Choice,
            _ => ResultType::Text,
        },
        choices: split(r.get(5)?),
        price_minor: r.get(6)?,
    })
}

pub(crate) fn tests(conn: &Connection) -> Result<Vec<LabTest>> {
    let mut stmt = conn
        .prepare(
            "SELECT code, name, specimen, unit, result_type, choices, price_minor
             FROM lab_tests ORDER BY name",
        )
        .map_err(Error::from_sqlite)?;
    stmt.query_map([], test_from_row)
        .and_then(|rows| rows.collect())
        .map_err(Error::from_sqlite)
}

pub(crate) fn panels(conn: &Connection) -> Result<Vec<Panel>> {
    let mut stmt = conn
        .prepare("SELECT code, name, tests FROM lab_panels ORDER BY name")
        .map_err(Error::from_sqlite)?;
    stmt.query_map([], |r| {
        Ok(Panel {
            code: r.get(0)?,
            name: r.get(1)?,
            tests: split(r.get(2)?),
        })
    })
    .and_then(|rows| rows.collect())
    .map_err(Error::from_sqlite)
}

pub(crate) fn ranges(conn: &Connection, code: &str) -> Result<Vec<RefRange>> {
    let mut stmt = conn
        .prepare(
            "SELECT code, sex, age_from, age_to, low, high, critical_low, critical_high
             FROM lab_ranges WHERE code = ?1",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([code], |r| {
            let sex: String = r.get(1)?;
            let from: String = r.get(2)?;
            let to: Option<String> = r.get(3)?;
            let dec = |v: Option<i64>| v.map(Decimal);
            Ok(RefRange {
                code: r.get(0)?,
                sex: match sex.as_str() {
                    "female" => RangeSex::Female,
                    "male" => RangeSex::Male,
                    _ => RangeSex::Any,
                },
                age_from: Age::parse(&from).unwrap_or(Age::Days(0)),
                age_to: to.as_deref().and_then(Age::parse),
                low: dec(r.get(4)?),
                high: dec(r.get(5)?),
                critical_low: dec(r.get(6)?),
                critical_high: dec(r.get(7)?),
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(Error::from_sqlite)?;
    Ok(rows)
}

// ---- orders ---------------------------------------------------------------------------

const ORDER_COLUMNS: &str =
    "o.id, o.number, o.patient_id, o.encounter_id, o.branch_id, o.ordered_by,
    coalesce(u.display_name, ''), o.priority, o.note, o.tests, o.status, o.ordered_at,
    o.cancelled_at, o.cancelled_by, o.cancel_reason";

fn order_from_row(r: &Row<'_>) -> rusqlite::Result<LabOrder> {
    let tests: String = r.get(9)?;
    Ok(LabOrder {
        id: r.get(0)?,
        number: r.get(1)?,
        patient_id: r.get(2)?,
        encounter_id: r.get(3)?,
        branch_id: r.get(4)?,
        ordered_by: r.get(5)?,
        ordered_by_name: r.get(6)?,
        priority: r.get(7)?,
        note: r.get(8)?,
        tests: serde_json::from_str::<Vec<OrderedTest>>(&tests).unwrap_or_default(),
        status: r.get(10)?,
        ordered_at: r.get(11)?,
        cancelled_at: r.get(12)?,
        cancelled_by: r.get(13)?,
        cancel_reason: r.get(14)?,
        samples: Vec::new(),
        results: Vec::new(),
    })
}

pub(crate) fn insert_order(tx: &Transaction<'_>, ctx: &WriteContext, o: &LabOrder) -> Result<()> {
    let tests = serde_json::to_string(&o.tests).map_err(|e| Error::Internal(e.to_string()))?;
    tx.execute(
        "INSERT INTO lab_orders (id, number, patient_id, encounter_id, branch_id, ordered_by,
             priority, note, tests, status, ordered_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
        params![
            o.id,
            o.number,
            o.patient_id,
            o.encounter_id,
            o.branch_id,
            o.ordered_by,
            o.priority,
            o.note,
            tests,
            o.status,
            o.ordered_at
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::LAB_ORDERS,
        &o.id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "number": o.number, "patient_id": o.patient_id, "encounter_id": o.encounter_id,
            "branch_id": o.branch_id, "ordered_by": o.ordered_by, "priority": o.priority,
            "note": o.note, "tests": tests, "status": o.status, "ordered_at": o.ordered_at,
        }),
    )?;
    Ok(())
}

pub(crate) fn cancel_order(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    id: LabOrderId,
    by: UserId,
    reason: &str,
) -> Result<()> {
    let at = to_db_time(ctx.now);
    tx.execute(
        "UPDATE lab_orders SET status = 'cancelled', cancelled_at = ?2, cancelled_by = ?3,
             cancel_reason = ?4, updated_at = ?2 WHERE id = ?1",
        params![id, at, by, reason],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::LAB_ORDERS,
        &id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "status": "cancelled", "cancelled_at": at, "cancelled_by": by, "cancel_reason": reason,
        }),
    )?;
    Ok(())
}

pub(crate) fn order(conn: &Connection, id: LabOrderId) -> Result<Option<LabOrder>> {
    conn.query_row(
        &format!(
            "SELECT {ORDER_COLUMNS} FROM lab_orders o LEFT JOIN users u ON u.id = o.ordered_by
             WHERE o.id = ?1"
        ),
        [id],
        order_from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

fn orders_where(conn: &Connection, condition: &str, arg: &str) -> Result<Vec<LabOrder>> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {ORDER_COLUMNS} FROM lab_orders o LEFT JOIN users u ON u.id = o.ordered_by
             WHERE {condition} ORDER BY o.ordered_at DESC, o.id DESC"
        ))
        .map_err(Error::from_sqlite)?;
    stmt.query_map([arg], order_from_row)
        .and_then(|rows| rows.collect())
        .map_err(Error::from_sqlite)
}

pub(crate) fn order_by_number(conn: &Connection, number: &str) -> Result<Option<LabOrderId>> {
    conn.query_row(
        "SELECT id FROM lab_orders WHERE number = ?1",
        [number],
        |r| r.get(0),
    )
    .optional()
    .map_err(Error::from_sqlite)
}

pub(crate) fn orders_of_patient(conn: &Connection, patient: PatientId) -> Result<Vec<LabOrder>> {
    orders_where(conn, "o.patient_id = ?1", &patient.to_string())
}

/// Standing orders of a branch's lab, newest first.
pub(crate) fn standing_orders(conn: &Connection, branch: &str) -> Result<Vec<LabOrder>> {
    orders_where(conn, "o.branch_id = ?1 AND o.status = 'ordered'", branch)
}

// ---- samples --------------------------------------------------------------------------

const SAMPLE_COLUMNS: &str = "id, number, order_id, patient_id, specimen, status, collected_by,
    collected_at, rejected_by, rejected_at, reject_reason";

fn sample_from_row(r: &Row<'_>) -> rusqlite::Result<Sample> {
    Ok(Sample {
        id: r.get(0)?,
        number: r.get(1)?,
        order_id: r.get(2)?,
        patient_id: r.get(3)?,
        specimen: r.get(4)?,
        status: r.get(5)?,
        collected_by: r.get(6)?,
        collected_at: r.get(7)?,
        rejected_by: r.get(8)?,
        rejected_at: r.get(9)?,
        reject_reason: r.get(10)?,
    })
}

pub(crate) fn insert_sample(tx: &Transaction<'_>, ctx: &WriteContext, s: &Sample) -> Result<()> {
    tx.execute(
        "INSERT INTO lab_samples (id, number, order_id, patient_id, specimen, status,
             collected_by, collected_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![
            s.id,
            s.number,
            s.order_id,
            s.patient_id,
            s.specimen,
            s.status,
            s.collected_by,
            s.collected_at
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::LAB_SAMPLES,
        &s.id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "number": s.number, "order_id": s.order_id, "patient_id": s.patient_id,
            "specimen": s.specimen, "status": s.status, "collected_by": s.collected_by,
            "collected_at": s.collected_at,
        }),
    )?;
    Ok(())
}

pub(crate) fn reject_sample(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    id: SampleId,
    by: UserId,
    reason: &str,
) -> Result<()> {
    let at = to_db_time(ctx.now);
    tx.execute(
        "UPDATE lab_samples SET status = 'rejected', rejected_by = ?2, rejected_at = ?3,
             reject_reason = ?4, updated_at = ?3 WHERE id = ?1",
        params![id, by, at, reason],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::LAB_SAMPLES,
        &id.to_string(),
        ChangeKind::Upsert,
        &serde_json::json!({
            "status": "rejected", "rejected_by": by, "rejected_at": at, "reject_reason": reason,
        }),
    )?;
    Ok(())
}

pub(crate) fn sample(conn: &Connection, id: SampleId) -> Result<Option<Sample>> {
    conn.query_row(
        &format!("SELECT {SAMPLE_COLUMNS} FROM lab_samples WHERE id = ?1"),
        [id],
        sample_from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

pub(crate) fn sample_by_number(conn: &Connection, number: &str) -> Result<Option<Sample>> {
    conn.query_row(
        &format!("SELECT {SAMPLE_COLUMNS} FROM lab_samples WHERE number = ?1"),
        [number],
        sample_from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

pub(crate) fn samples_of_order(conn: &Connection, order: LabOrderId) -> Result<Vec<Sample>> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {SAMPLE_COLUMNS} FROM lab_samples WHERE order_id = ?1 ORDER BY collected_at"
        ))
        .map_err(Error::from_sqlite)?;
    stmt.query_map([order], sample_from_row)
        .and_then(|rows| rows.collect())
        .map_err(Error::from_sqlite)
}

// ---- results --------------------------------------------------------------------------

const RESULT_COLUMNS: &str = "r.id, r.sample_id, r.order_id, r.patient_id, r.test_code, r.version,
    r.value, r.number, r.unit, r.range_text, r.flag, r.comment, r.entered_by,
    coalesce(eu.display_name, ''), r.entered_at, v.verified_by, coalesce(vu.display_name, ''),
    v.verified_at,
    EXISTS (SELECT 1 FROM lab_results later WHERE later.sample_id = r.sample_id
            AND later.test_code = r.test_code AND later.version > r.version)";

const RESULT_FROM: &str = "lab_results r
    LEFT JOIN users eu ON eu.id = r.entered_by
    LEFT JOIN lab_verifications v ON v.result_id = r.id
    LEFT JOIN users vu ON vu.id = v.verified_by";

fn result_from_row(r: &Row<'_>) -> rusqlite::Result<LabResult> {
    let flag: Option<String> = r.get(10)?;
    let verified_by: Option<UserId> = r.get(15)?;
    Ok(LabResult {
        id: r.get(0)?,
        sample_id: r.get(1)?,
        order_id: r.get(2)?,
        patient_id: r.get(3)?,
        test_code: r.get(4)?,
        version: r.get(5)?,
        value: r.get(6)?,
        number: r.get::<_, Option<i64>>(7)?.map(Decimal),
        unit: r.get(8)?,
        range_text: r.get(9)?,
        flag: flag.as_deref().and_then(super::flag_from_str),
        comment: r.get(11)?,
        entered_by: r.get(12)?,
        entered_by_name: r.get(13)?,
        entered_at: r.get(14)?,
        verified_by_name: verified_by.map(|_| r.get(16)).transpose()?,
        verified_by,
        verified_at: r.get(17)?,
        superseded: r.get(18)?,
    })
}

pub(crate) fn insert_result(tx: &Transaction<'_>, ctx: &WriteContext, x: &LabResult) -> Result<()> {
    let number = x.number.map(|d| d.0);
    let flag = x.flag.map(|f| f.as_str());
    tx.execute(
        "INSERT INTO lab_results (id, sample_id, order_id, patient_id, test_code, version, value,
             number, unit, range_text, flag, comment, entered_by, entered_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            x.id,
            x.sample_id,
            x.order_id,
            x.patient_id,
            x.test_code,
            x.version,
            x.value,
            number,
            x.unit,
            x.range_text,
            flag,
            x.comment,
            x.entered_by,
            x.entered_at
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::LAB_RESULTS,
        &x.id.to_string(),
        ChangeKind::Append,
        &serde_json::json!({
            "sample_id": x.sample_id, "order_id": x.order_id, "patient_id": x.patient_id,
            "test_code": x.test_code, "version": x.version, "value": x.value, "number": number,
            "unit": x.unit, "range_text": x.range_text, "flag": flag, "comment": x.comment,
            "entered_by": x.entered_by, "entered_at": x.entered_at,
        }),
    )?;
    Ok(())
}

pub(crate) fn insert_verification(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    id: LabVerificationId,
    result: LabResultId,
    by: UserId,
) -> Result<()> {
    let at = to_db_time(ctx.now);
    tx.execute(
        "INSERT INTO lab_verifications (id, result_id, verified_by, verified_at) VALUES (?1, ?2, ?3, ?4)",
        params![id, result, by, at],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::LAB_VERIFICATIONS,
        &id.to_string(),
        ChangeKind::Append,
        &serde_json::json!({ "result_id": result, "verified_by": by, "verified_at": at }),
    )?;
    Ok(())
}

pub(crate) fn result(conn: &Connection, id: LabResultId) -> Result<Option<LabResult>> {
    conn.query_row(
        &format!("SELECT {RESULT_COLUMNS} FROM {RESULT_FROM} WHERE r.id = ?1"),
        [id],
        result_from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

fn results_where(conn: &Connection, condition: &str, arg: &str) -> Result<Vec<LabResult>> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {RESULT_COLUMNS} FROM {RESULT_FROM} WHERE {condition}
             ORDER BY r.entered_at, r.test_code, r.version"
        ))
        .map_err(Error::from_sqlite)?;
    stmt.query_map([arg], result_from_row)
        .and_then(|rows| rows.collect())
        .map_err(Error::from_sqlite)
}

pub(crate) fn results_of_order(conn: &Connection, order: LabOrderId) -> Result<Vec<LabResult>> {
    results_where(conn, "r.order_id = ?1", &order.to_string())
}

pub(crate) fn results_of_patient(conn: &Connection, patient: PatientId) -> Result<Vec<LabResult>> {
    results_where(conn, "r.patient_id = ?1", &patient.to_string())
}

/// The latest version of a test's result on a sample, if any.
pub(crate) fn latest_version(conn: &Connection, sample: SampleId, code: &str) -> Result<i64> {
    conn.query_row(
        "SELECT coalesce(max(version), 0) FROM lab_results WHERE sample_id = ?1 AND test_code = ?2",
        params![sample, code],
        |r| r.get(0),
    )
    .map_err(Error::from_sqlite)
}
