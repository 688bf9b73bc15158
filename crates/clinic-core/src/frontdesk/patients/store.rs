//! Patients and the patient search index. Patients are never deleted (a trigger refuses
//! it): they are archived, or merged into a survivor (recorded, and undoable).

pub(crate) mod merges;

use clinic_protocol::tables;
use rusqlite::{OptionalExtension as _, Transaction, params};
use serde::{Deserialize, Serialize};

use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{BranchId, PatientId};
use crate::store::changes::{self, ChangeKind, WriteContext};
use crate::validate::{edit_distance, fold};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patient {
    pub id: PatientId,
    /// Medical record number, unique across branches: `BR01-7KQ3M-000042`.
    pub mrn: String,
    pub given_name: String,
    pub family_name: String,
    /// ISO date, YYYY-MM-DD.
    pub date_of_birth: String,
    pub sex: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub blood_group: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub insurance_provider: Option<String>,
    pub insurance_number: Option<String>,
    pub branch_id: BranchId,
    pub active: bool,
    pub merged_into: Option<PatientId>,
}

/// One row of a search result or duplicate warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatientSummary {
    pub id: PatientId,
    pub mrn: String,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: String,
    pub sex: String,
    pub phone: Option<String>,
    pub active: bool,
}

impl Patient {
    fn fields(&self) -> serde_json::Value {
        serde_json::json!({
            "mrn": self.mrn,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "date_of_birth": self.date_of_birth,
            "sex": self.sex,
            "phone": self.phone,
            "email": self.email,
            "address": self.address,
            "blood_group": self.blood_group,
            "emergency_contact_name": self.emergency_contact_name,
            "emergency_contact_phone": self.emergency_contact_phone,
            "insurance_provider": self.insurance_provider,
            "insurance_number": self.insurance_number,
            "branch_id": self.branch_id,
            "active": self.active,
            "merged_into": self.merged_into,
        })
    }
}

pub(crate) fn insert(tx: &Transaction<'_>, ctx: &WriteContext, p: &Patient) -> Result<()> {
    let now = to_db_time(ctx.now);
    tx.execute(
        "INSERT INTO patients (id, mrn, given_name, family_name, date_of_birth, sex, phone, email,
             address, blood_group, emergency_contact_name, emergency_contact_phone,
             insurance_provider, insurance_number, branch_id, active, merged_into,
             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?18)",
        params![
            p.id,
            p.mrn,
            p.given_name,
            p.family_name,
            p.date_of_birth,
            p.sex,
            p.phone,
            p.email,
            p.address,
            p.blood_group,
            p.emergency_contact_name,
            p.emergency_contact_phone,
            p.insurance_provider,
            p.insurance_number,
            p.branch_id,
            p.active,
            p.merged_into,
            now
        ],
    )
    .map_err(Error::from_sqlite)?;
    changes::record(
        tx,
        ctx,
        &tables::PATIENTS,
        &p.id.to_string(),
        ChangeKind::Upsert,
        &p.fields(),
    )?;
    Ok(())
}

/// Writes the fields of `new` that differ from `old`, recording only those.
pub(crate) fn update(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    old: &Patient,
    new: &Patient,
) -> Result<Vec<String>> {
    let before = old.fields();
    let after = new.fields();
    let mut changed = serde_json::Map::new();
    if let (Some(before), Some(after)) = (before.as_object(), after.as_object()) {
        for (key, value) in after {
            if before.get(key) != Some(value) {
                changed.insert(key.clone(), value.clone());
            }
        }
    }
    if changed.is_empty() {
        return Ok(Vec::new());
    }
    tx.execute(
        "UPDATE patients SET given_name = ?2, family_name = ?3, date_of_birth = ?4, sex = ?5,
             phone = ?6, email = ?7, address = ?8, blood_group = ?9, emergency_contact_name = ?10,
             emergency_contact_phone = ?11, insurance_provider = ?12,
             insurance_number = ?13, active = ?14, merged_into = ?15, updated_at = ?16
         WHERE id = ?1",
        params![
            new.id,
            new.given_name,
            new.family_name,
            new.date_of_birth,
            new.sex,
            new.phone,
            new.email,
            new.address,
            new.blood_group,
            new.emergency_contact_name,
            new.emergency_contact_phone,
            new.insurance_provider,
            new.insurance_number,
            new.active,
            new.merged_into,
            to_db_time(ctx.now)
        ],
    )
    .map_err(Error::from_sqlite)?;
    let names = changed.keys().cloned().collect();
    changes::record(
        tx,
        ctx,
        &tables::PATIENTS,
        &new.id.to_string(),
        ChangeKind::Upsert,
        &serde_json::Value::Object(changed),
    )?;
    Ok(names)
}

const COLUMNS: &str = "id, mrn, given_name, family_name, date_of_birth, sex, phone, email, address,
    blood_group, emergency_contact_name, emergency_contact_phone, insurance_provider,
    insurance_number, branch_id, active, merged_into";

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Patient> {
    Ok(Patient {
        id: r.get(0)?,
        mrn: r.get(1)?,
        given_name: r.get(2)?,
        family_name: r.get(3)?,
        date_of_birth: r.get(4)?,
        sex: r.get(5)?,
        phone: r.get(6)?,
        email: r.get(7)?,
        address: r.get(8)?,
        blood_group: r.get(9)?,
        emergency_contact_name: r.get(10)?,
        emergency_contact_phone: r.get(11)?,
        insurance_provider: r.get(12)?,
        insurance_number: r.get(13)?,
        branch_id: r.get(14)?,
        active: r.get(15)?,
        merged_into: r.get(16)?,
    })
}

pub(crate) fn get(conn: &rusqlite::Connection, id: PatientId) -> Result<Option<Patient>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM patients WHERE id = ?1"),
        [id],
        read,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

pub(crate) fn get_by_mrn(conn: &rusqlite::Connection, mrn: &str) -> Result<Option<Patient>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM patients WHERE mrn = ?1"),
        [mrn.trim().to_ascii_uppercase()],
        read,
    )
    .optional()
    .map_err(Error::from_sqlite)
}

const SUMMARY: &str =
    "p.id, p.mrn, p.given_name, p.family_name, p.date_of_birth, p.sex, p.phone, p.active";

fn read_summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<PatientSummary> {
    Ok(PatientSummary {
        id: r.get(0)?,
        mrn: r.get(1)?,
        given_name: r.get(2)?,
        family_name: r.get(3)?,
        date_of_birth: r.get(4)?,
        sex: r.get(5)?,
        phone: r.get(6)?,
        active: r.get(7)?,
    })
}

/// What a search box's text asks for, split into index terms.
#[derive(Debug, Default, PartialEq, Eq)]
struct Query {
    /// Terms that must all match (FTS5 syntax), name terms excluded.
    fixed: Vec<String>,
    /// Name words, folded.
    names: Vec<String>,
}

fn parse(text: &str) -> Query {
    let mut query = Query::default();
    // Digit groups typed one after another ("0712 345 678") are one number.
    let mut number = String::new();
    let flush = |number: &mut String, query: &mut Query| {
        if number.len() >= 3 {
            query
                .fixed
                .push(format!("(phone:{number}* OR mrn:{number}*)"));
        }
        number.clear();
    };
    for raw in text.split_whitespace() {
        let phone_like = raw
            .chars()
            .all(|c| c.is_ascii_digit() || "+-()".contains(c))
            && raw.chars().any(|c| c.is_ascii_digit());
        if phone_like && crate::validate::parse_date(raw).is_none() {
            number.extend(raw.chars().filter(char::is_ascii_digit));
            continue;
        }
        flush(&mut number, &mut query);
        if let Some(date) = crate::validate::parse_date(raw) {
            query
                .fixed
                .push(format!("dob:\"{}\"", date.format("%Y %m %d")));
            continue;
        }
        let parts: Vec<String> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| !p.is_empty())
            .map(fold)
            .collect();
        if raw.contains('-') && parts.len() > 1 && parts[0].chars().any(|c| c.is_ascii_digit()) {
            // A record number such as BR01-7KQ3M-0000.
            query.fixed.push(format!("mrn:\"{}\"*", parts.join(" ")));
            continue;
        }
        query.names.extend(parts);
    }
    flush(&mut number, &mut query);
    query
}

fn name_terms(names: &[String]) -> Vec<String> {
    names.iter().map(|n| format!("name:\"{n}\"*")).collect()
}

/// Search as you type: name words in any order (case and accents folded, each word a
/// prefix), phone digits, record number or birth date. When nothing matches exactly, a
/// word with a typo (one edit, two for long words) after its first three letters still
/// finds the patient.
pub fn search(
    conn: &rusqlite::Connection,
    text: &str,
    limit: usize,
    include_archived: bool,
) -> Result<Vec<PatientSummary>> {
    let query = parse(text);
    if query.fixed.is_empty() && query.names.is_empty() {
        return Ok(Vec::new());
    }
    let mut terms = query.fixed.clone();
    terms.extend(name_terms(&query.names));
    let exact = run(conn, &terms.join(" AND "), limit, include_archived)?;
    if !exact.is_empty() || query.names.iter().all(|n| n.chars().count() < 4) {
        return Ok(exact);
    }
    // Typo-tolerant: widen each long name word to its first three letters, then keep
    // the candidates whose words are within the edit budget.
    let mut wide = query.fixed.clone();
    wide.extend(query.names.iter().map(|n| {
        let stem: String = n.chars().take(3).collect();
        format!("name:\"{stem}\"*")
    }));
    let candidates = run(conn, &wide.join(" AND "), 2000, include_archived)?;
    let mut found: Vec<PatientSummary> = candidates
        .into_iter()
        .filter(|p| {
            let words: Vec<String> = fold(&format!("{} {}", p.given_name, p.family_name))
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect();
            query.names.iter().all(|typed| {
                let budget = if typed.chars().count() >= 8 { 2 } else { 1 };
                words.iter().any(|word| {
                    let prefix: String = word.chars().take(typed.chars().count()).collect();
                    edit_distance(typed, &prefix) <= budget || edit_distance(typed, word) <= budget
                })
            })
        })
        .collect();
    found.truncate(limit);
    Ok(found)
}

fn run(
    conn: &rusqlite::Connection,
    fts: &str,
    limit: usize,
    include_archived: bool,
) -> Result<Vec<PatientSummary>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {SUMMARY} FROM patient_search s JOIN patients p ON p.rowid = s.rowid
             WHERE patient_search MATCH ?1 AND (?2 OR p.active = 1)
             LIMIT ?3"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map(
            params![
                fts,
                include_archived,
                i64::try_from(limit).unwrap_or(i64::MAX)
            ],
            read_summary,
        )
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

/// Every patient record in the order they were written here (archived ones only when
/// `include_archived`): the whole list, for exports and for checking that nothing
/// acknowledged was lost.
pub(crate) fn list(
    conn: &rusqlite::Connection,
    include_archived: bool,
) -> Result<Vec<PatientSummary>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {SUMMARY} FROM patients p WHERE (?1 OR p.active = 1) ORDER BY p.rowid"
        ))
        .map_err(Error::from_sqlite)?;
    let rows = stmt
        .query_map(params![include_archived], read_summary)
        .map_err(Error::from_sqlite)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from_sqlite)
}

/// Active patients who look like the same person: same name and birth date, or same
/// phone number.
pub(crate) fn possible_duplicates(
    conn: &rusqlite::Connection,
    given: &str,
    family: &str,
    date_of_birth: &str,
    phone: Option<&str>,
) -> Result<Vec<PatientSummary>> {
    let mut found = Vec::new();
    let same_person = format!(
        "{} AND dob:\"{}\"",
        name_terms(
            &fold(&format!("{given} {family}"))
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        )
        .join(" AND "),
        date_of_birth.replace('-', " ")
    );
    for p in run(conn, &same_person, 20, false)? {
        let same = fold(&p.given_name) == fold(given) && fold(&p.family_name) == fold(family);
        if same && p.date_of_birth == date_of_birth {
            found.push(p);
        }
    }
    if let Some(phone) = phone {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 7 {
            for p in run(conn, &format!("phone:{digits}"), 20, false)? {
                if !found.iter().any(|f| f.id == p.id) {
                    found.push(p);
                }
            }
        }
    }
    Ok(found)
}

/// Rows that belong to a patient, by table, for merging (and undoing a merge).
pub(crate) const OWNED_TABLES: &[&str] = &["appointments"];

pub(crate) fn owned_rows(
    conn: &rusqlite::Connection,
    patient: PatientId,
) -> Result<serde_json::Value> {
    let mut moved = serde_json::Map::new();
    for table in OWNED_TABLES {
        let mut stmt = conn
            .prepare(&format!(
                "SELECT id FROM {table} WHERE patient_id = ?1 ORDER BY id"
            ))
            .map_err(Error::from_sqlite)?;
        let ids = stmt
            .query_map([patient], |r| r.get::<_, String>(0))
            .map_err(Error::from_sqlite)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Error::from_sqlite)?;
        moved.insert((*table).to_owned(), ids.into());
    }
    Ok(serde_json::Value::Object(moved))
}

/// Points the listed rows at `to`, recording each move for sync.
pub(crate) fn move_rows(
    tx: &Transaction<'_>,
    ctx: &WriteContext,
    rows: &serde_json::Value,
    to: PatientId,
) -> Result<()> {
    for table in OWNED_TABLES {
        let ids = rows
            .get(*table)
            .and_then(|v| v.as_array())
            .cloned()
            .unwrap_or_default();
        let synced = match *table {
            "appointments" => &tables::APPOINTMENTS,
            other => return Err(Error::Internal(format!("no sync table for {other}"))),
        };
        for id in ids.iter().filter_map(|v| v.as_str()) {
            tx.execute(
                &format!("UPDATE {table} SET patient_id = ?2, updated_at = ?3 WHERE id = ?1"),
                params![id, to, to_db_time(ctx.now)],
            )
            .map_err(Error::from_sqlite)?;
            changes::record(
                tx,
                ctx,
                synced,
                id,
                ChangeKind::Upsert,
                &serde_json::json!({ "patient_id": to }),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_split_into_names_phones_dates_and_record_numbers() {
        let q = parse("José alv 0712 345 678 17/05/1980 BR01-7KQ3M");
        assert_eq!(q.names, ["jose", "alv"]);
        assert_eq!(
            q.fixed,
            [
                "(phone:0712345678* OR mrn:0712345678*)",
                "dob:\"1980 05 17\"",
                "mrn:\"br01 7kq3m\"*"
            ]
        );
        assert_eq!(parse("   "), Query::default());
        assert_eq!(
            parse("o'brien").names,
            ["o", "brien"],
            "punctuation splits words as the index does"
        );
        assert_eq!(
            parse("\"x\" OR y*").names,
            ["x", "or", "y"],
            "search syntax is never passed through"
        );
    }
}
