//! The `drugs` and `drug_interactions` tables (workstation-local: no change is recorded).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension as _, Row, params};

use crate::clock::to_db_time;
use crate::error::{Error, Result};

use super::{Drug, Interaction};

const COLUMNS: &str = "id, name, strengths, forms, routes, ingredients, classes, source";

fn split(text: String) -> Vec<String> {
    text.split('|')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Drug> {
    Ok(Drug {
        id: r.get(0)?,
        name: r.get(1)?,
        strengths: split(r.get(2)?),
        forms: split(r.get(3)?),
        routes: split(r.get(4)?),
        ingredients: split(r.get(5)?),
        classes: split(r.get(6)?),
        source: r.get(7)?,
    })
}

pub(crate) fn seeded(conn: &Connection) -> Result<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM drugs)", [], |r| r.get(0))
        .map_err(Error::from_sqlite)
}

pub(crate) fn upsert_drug(conn: &Connection, d: &Drug, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "INSERT INTO drugs (id, name, strengths, forms, routes, ingredients, classes, source, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, strengths = excluded.strengths,
             forms = excluded.forms, routes = excluded.routes, ingredients = excluded.ingredients,
             classes = excluded.classes, source = excluded.source, updated_at = excluded.updated_at",
        params![
            d.id,
            d.name,
            d.strengths.join("|"),
            d.forms.join("|"),
            d.routes.join("|"),
            d.ingredients.join("|"),
            d.classes.join("|"),
            d.source,
            to_db_time(now)
        ],
    )
    .map_err(Error::from_sqlite)?;
    Ok(())
}

pub(crate) fn upsert_interaction(
    conn: &Connection,
    p: &Interaction,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO drug_interactions (a, b, severity, advice, source, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (a, b) DO UPDATE SET severity = excluded.severity, advice = excluded.advice,
             source = excluded.source, updated_at = excluded.updated_at",
        params![p.a, p.b, p.severity, p.advice, p.source, to_db_time(now)],
    )
    .map_err(Error::from_sqlite)?;
    Ok(())
}

/// Every ingredient and class name the catalogue knows.
pub(crate) fn terms(conn: &Connection) -> Result<HashSet<String>> {
    let mut stmt = conn
        .prepare_cached("SELECT ingredients, classes FROM drugs")
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .map_err(Error::from_sqlite)?;
    let mut out = HashSet::new();
    for row in rows {
        let (i, c) = row.map_err(Error::from_sqlite)?;
        out.extend(split(i));
        out.extend(split(c));
    }
    Ok(out)
}

pub(crate) fn get(conn: &Connection, id: &str) -> Result<Option<Drug>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM drugs WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

pub(crate) fn search(conn: &Connection, query: &str, limit: usize) -> Result<Vec<Drug>> {
    let like = format!("{}%", query.replace(['%', '_'], ""));
    let contains = format!("%|{}%", query.replace(['%', '_'], ""));
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM drugs
             WHERE id LIKE ?1 OR ingredients LIKE ?1 OR classes LIKE ?1
                OR ('|' || ingredients) LIKE ?2 OR ('|' || classes) LIKE ?2
             ORDER BY (id LIKE ?1) DESC, id LIMIT ?3"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map(params![like, contains, limit as i64], from_row)
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

pub(crate) fn all_interactions(conn: &Connection) -> Result<Vec<Interaction>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT a, b, severity, advice, source FROM drug_interactions ORDER BY a, b",
        )
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Interaction {
                a: r.get(0)?,
                b: r.get(1)?,
                severity: r.get(2)?,
                advice: r.get(3)?,
                source: r.get(4)?,
            })
        })
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}
