//! Push and pull. A push is one PostgreSQL transaction that takes a global advisory lock,
//! so sequence numbers commit in order and a puller can never skip a change that commits
//! late, however many server processes run. Each change is idempotent by its id, checked
//! against the role the server knows for its user, folded into the current state with the
//! shared merge rules, and checked against the hard rules; a change that loses a hard rule
//! is kept and a server verdict marks it a conflict. Nothing is dropped.
//!
//! A push does a handful of round trips whatever its size: the rows it touches are
//! loaded once, merged in memory, and written back with the new log entries in bulk.

use std::collections::{HashMap, HashSet};

use clinic_protocol::limits;
use clinic_protocol::merge::{self, Rule};
use clinic_protocol::policy::{self, Role};
use clinic_protocol::tables::{self, Access, Need, Scope, TableSpec, Transition};
use clinic_protocol::{Change, ChangeKind, PullPage, PushResponse, Rejection, SequencedChange};
use serde_json::{Map, Value, json};
use tokio_postgres::Transaction;

use crate::auth::SignedIn;
use crate::error::{Error, Result};

/// Pushes serialise on this lock (per database).
const PUSH_LOCK: i64 = 0x636c_696e_6963;
/// The device id stamped on the server's own verdicts.
pub const SERVER_DEVICE: &str = "00000000-0000-0000-0000-000000000000";
/// At most this many changes per push and per pulled page.
pub const MAX_BATCH: usize = 1000;
/// A pulled page stops growing past this many bytes of fields (then completes the push
/// it has started, which the request size limit bounds).
pub const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;

/// One synced row as the server holds it.
struct Row {
    fields: Map<String, Value>,
    clocks: Map<String, Value>,
    deleted: bool,
    dirty: bool,
}

type Key = (String, String);

/// A change-log entry to write.
struct Entry {
    change_id: String,
    table: String,
    row_id: String,
    kind: ChangeKind,
    fields: Map<String, Value>,
    hlc: String,
    device_id: String,
    user_id: Option<String>,
    schema_version: i32,
    origin: &'static str,
}

pub async fn push(
    tx: &Transaction<'_>,
    user: &SignedIn,
    changes: &[Change],
) -> Result<PushResponse> {
    let device = &user.device;
    if changes.len() > MAX_BATCH {
        return Err(Error::BadRequest(format!(
            "a push may carry at most {MAX_BATCH} changes; send the rest in the next push"
        )));
    }
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PUSH_LOCK])
        .await?;
    let batch: i64 = tx
        .query_one("SELECT nextval('change_batches')", &[])
        .await?
        .get(0);
    // The group's first set-up: the server holds no user yet, and this push brings the
    // founding administrator. Any later device brings nobody of its own.
    let founding: bool = !tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM row_state WHERE table_name = 'users')",
            &[],
        )
        .await?
        .get::<_, bool>(0);

    // What the server already has, and every row this push touches, in two queries.
    let ids: Vec<String> = changes
        .iter()
        .map(|c| c.change_id.clone())
        .filter(|id| looks_like_uuid(id))
        .collect();
    let known: HashSet<String> = tx
        .query(
            "SELECT change_id::text FROM change_log WHERE change_id = ANY(CAST($1 AS TEXT[])::uuid[])",
            &[&ids],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut keys: Vec<Key> = vec![("users".into(), user.user_id.clone())];
    for c in changes {
        keys.push((c.table.clone(), c.row_id.clone()));
        // A row judged by its parent (a note's version by its note): read the parent too.
        if let Some(parent) = tables::spec(&c.table).and_then(|t| t.parent)
            && let Some(id) = c.fields.get(parent.field).and_then(Value::as_str)
        {
            keys.push((parent.table.to_owned(), id.to_owned()));
        }
    }
    let (tables, row_ids): (Vec<String>, Vec<String>) = keys.into_iter().unzip();
    let mut rows: HashMap<Key, Row> = HashMap::new();
    for r in tx
        .query(
            "SELECT table_name, row_id, fields, clocks, deleted FROM row_state
             WHERE (table_name, row_id) IN (SELECT * FROM unnest(CAST($1 AS TEXT[]), CAST($2 AS TEXT[])))
             FOR UPDATE",
            &[&tables, &row_ids],
        )
        .await?
    {
        rows.insert(
            (r.get(0), r.get(1)),
            Row {
                fields: r.get::<_, Value>(2).as_object().cloned().unwrap_or_default(),
                clocks: r.get::<_, Value>(3).as_object().cloned().unwrap_or_default(),
                deleted: r.get(4),
                dirty: false,
            },
        );
    }

    let mut response = PushResponse {
        accepted: Vec::new(),
        rejected: Vec::new(),
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut now_text: Option<String> = None;
    let mut claims = claim_numbers(tx, changes).await?;
    let mut audit_head = AuditHead::load(tx, &device.id).await?;
    // Stamps are checked against the server's own clock; a workstation's never counts.
    let now_ms = u64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis()),
    )
    .unwrap_or(u64::MAX);
    for change in changes {
        let verdict = check(user, change, now_ms)
            .and_then(|spec| authorize(&rows, user, spec, change, changes, founding));
        if let Err(reason) = verdict {
            response.rejected.push(Rejection {
                change_id: change.change_id.clone(),
                reason,
            });
            continue;
        }
        if known.contains(&change.change_id) || !seen.insert(change.change_id.as_str()) {
            // Already received: accepted again, applied once.
            response.accepted.push(change.change_id.clone());
            continue;
        }
        if change.table == tables::AUDIT_LOG.name
            && let Err(reason) = audit_head.follow(&change.fields)
        {
            response.rejected.push(Rejection {
                change_id: change.change_id.clone(),
                reason,
            });
            continue;
        }
        let number_before = current_number(&rows, &change.table, &change.row_id);
        fold(
            &mut rows,
            &change.table,
            &change.row_id,
            change.kind,
            &change.fields,
            &change.hlc,
        );
        entries.push(Entry {
            change_id: change.change_id.clone(),
            table: change.table.clone(),
            row_id: change.row_id.clone(),
            kind: change.kind,
            fields: change.fields.clone(),
            hlc: change.hlc.clone(),
            device_id: change.device_id.clone(),
            user_id: change.user_id.clone(),
            schema_version: i32::try_from(change.schema_version).unwrap_or(i32::MAX),
            origin: "device",
        });
        if (change.table == "appointments"
            || change.table == tables::STOCK_MOVEMENTS.name
            || tables::spec(&change.table).is_some_and(|t| t.unique_number.is_some()))
            && now_text.is_none()
        {
            now_text = Some(
                tx.query_one(
                    "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
                    &[],
                )
                .await?
                .get(0),
            );
        }
        let now = now_text.as_deref().unwrap_or_default();
        let mut verdicts =
            enforce_unique_number(tx, &rows, change, number_before, &mut claims, now).await?;
        for v in &verdicts {
            fold(&mut rows, &v.table, &v.row_id, v.kind, &v.fields, &v.hlc);
        }
        if change.table == "appointments" {
            verdicts.extend(enforce_one_doctor_per_slot(tx, &rows, change, now).await?);
        }
        if change.table == tables::STOCK_MOVEMENTS.name {
            verdicts.extend(enforce_stock_balance(tx, &rows, change, now).await?);
        }
        for v in verdicts {
            fold(&mut rows, &v.table, &v.row_id, v.kind, &v.fields, &v.hlc);
            entries.push(v);
        }
        response.accepted.push(change.change_id.clone());
    }
    audit_head.save(tx, &device.id).await?;
    release_unused_claims(tx, changes, &rows).await?;
    write(tx, batch, &device.branch_code, &entries, &rows).await?;
    Ok(response)
}

/// A device's audit chain as far as the server has acknowledged it (`audit_heads`).
/// Each new event must follow it: the next sequence number, the head's hash as its
/// previous hash, and a hash that matches its content.
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
    moved: bool,
}

impl AuditHead {
    pub async fn load(tx: &Transaction<'_>, device: &str) -> Result<AuditHead> {
        let row = tx
            .query_opt(
                "SELECT seq, hash FROM audit_heads WHERE device_id = CAST($1 AS TEXT)::uuid FOR UPDATE",
                &[&device],
            )
            .await?;
        Ok(match row {
            Some(r) => AuditHead {
                seq: r.get(0),
                hash: r.get(1),
                moved: false,
            },
            None => AuditHead {
                seq: 0,
                hash: clinic_protocol::audit::GENESIS.to_owned(),
                moved: false,
            },
        })
    }

    fn follow(&mut self, fields: &Map<String, Value>) -> std::result::Result<(), String> {
        let seq = fields.get("device_seq").and_then(Value::as_i64);
        if seq != Some(self.seq + 1) {
            return Err(format!(
                "the audit chain does not continue here: the server holds this device's events up to #{}, and this one is #{} (an event was removed or the chain rewritten)",
                self.seq,
                seq.map_or_else(|| "?".to_owned(), |s| s.to_string())
            ));
        }
        if fields.get("prev_hash").and_then(Value::as_str) != Some(self.hash.as_str()) {
            return Err(format!(
                "audit event #{} does not follow the event the server holds before it (previous-hash mismatch)",
                self.seq + 1
            ));
        }
        let hash = clinic_protocol::audit::chain_hash(fields);
        if fields.get("hash").and_then(Value::as_str) != Some(hash.as_str()) {
            return Err(format!(
                "audit event #{} was changed after it was written (hash mismatch)",
                self.seq + 1
            ));
        }
        self.seq += 1;
        self.hash = hash;
        self.moved = true;
        Ok(())
    }

    async fn save(&self, tx: &Transaction<'_>, device: &str) -> Result<()> {
        if self.moved {
            tx.execute(
                "INSERT INTO audit_heads (device_id, seq, hash) VALUES (CAST($1 AS TEXT)::uuid, $2, $3)
                 ON CONFLICT (device_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
                &[&device, &self.seq, &self.hash],
            )
            .await?;
        }
        Ok(())
    }
}

pub(crate) fn looks_like_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// Writes the new log entries (in order, so sequence numbers follow them) and the rows
/// they changed, in two statements.
async fn write(
    tx: &Transaction<'_>,
    batch: i64,
    branch: &str,
    entries: &[Entry],
    rows: &HashMap<Key, Row>,
) -> Result<()> {
    if !entries.is_empty() {
        let col = |f: &dyn Fn(&Entry) -> String| -> Vec<String> { entries.iter().map(f).collect() };
        let change_ids = col(&|e| e.change_id.clone());
        let tables = col(&|e| e.table.clone());
        let row_ids = col(&|e| e.row_id.clone());
        let kinds = col(&|e| kind_name(e.kind).to_owned());
        let fields = col(&|e| Value::Object(e.fields.clone()).to_string());
        let hlcs = col(&|e| e.hlc.clone());
        let devices = col(&|e| e.device_id.clone());
        let users: Vec<Option<String>> = entries.iter().map(|e| e.user_id.clone()).collect();
        let versions: Vec<i32> = entries.iter().map(|e| e.schema_version).collect();
        let origins = col(&|e| e.origin.to_owned());
        let scopes: Vec<Option<&str>> = entries
            .iter()
            .map(|e| {
                tables::spec(&e.table)
                    .is_some_and(|t| t.scope == Scope::Branch)
                    .then_some(branch)
            })
            .collect();
        tx.execute(
            "INSERT INTO change_log (batch, change_id, table_name, row_id, kind, fields, hlc, device_id,
                 user_id, schema_version, origin, scope)
             SELECT $1, c::uuid, t, r, k, f::jsonb, h, d::uuid, u::uuid, v, o, s
             FROM unnest(CAST($2 AS TEXT[]), CAST($3 AS TEXT[]), CAST($4 AS TEXT[]), CAST($5 AS TEXT[]),
                         CAST($6 AS TEXT[]), CAST($7 AS TEXT[]), CAST($8 AS TEXT[]), CAST($9 AS TEXT[]),
                         CAST($10 AS INT[]), CAST($11 AS TEXT[]), CAST($12 AS TEXT[]))
                  WITH ORDINALITY AS e(c, t, r, k, f, h, d, u, v, o, s, n)
             ORDER BY n",
            &[&batch, &change_ids, &tables, &row_ids, &kinds, &fields, &hlcs, &devices, &users, &versions, &origins, &scopes],
        )
        .await
        .map_err(|e| match e.code() {
            Some(code) if code.code().starts_with("22") => Error::BadRequest(format!("malformed change: {e}")),
            _ => Error::Database(e),
        })?;
    }
    let dirty: Vec<(&Key, &Row)> = rows.iter().filter(|(_, r)| r.dirty).collect();
    if !dirty.is_empty() {
        let tables: Vec<String> = dirty.iter().map(|(k, _)| k.0.clone()).collect();
        let row_ids: Vec<String> = dirty.iter().map(|(k, _)| k.1.clone()).collect();
        let fields: Vec<String> = dirty
            .iter()
            .map(|(_, r)| Value::Object(r.fields.clone()).to_string())
            .collect();
        let clocks: Vec<String> = dirty
            .iter()
            .map(|(_, r)| Value::Object(r.clocks.clone()).to_string())
            .collect();
        let deleted: Vec<bool> = dirty.iter().map(|(_, r)| r.deleted).collect();
        tx.execute(
            "INSERT INTO row_state (table_name, row_id, fields, clocks, deleted)
             SELECT t, r, f::jsonb, c::jsonb, d
             FROM unnest(CAST($1 AS TEXT[]), CAST($2 AS TEXT[]), CAST($3 AS TEXT[]), CAST($4 AS TEXT[]),
                         CAST($5 AS BOOL[])) AS s(t, r, f, c, d)
             ON CONFLICT (table_name, row_id) DO UPDATE
             SET fields = excluded.fields, clocks = excluded.clocks, deleted = excluded.deleted",
            &[&tables, &row_ids, &fields, &clocks, &deleted],
        )
        .await?;
    }
    Ok(())
}

/// What the server refuses before looking at any row: a change to a table that is not
/// declared, of a kind the table does not take, carrying a secret, made by someone other
/// than the signed-in user, or malformed.
fn check(
    user: &SignedIn,
    change: &Change,
    now_ms: u64,
) -> std::result::Result<&'static TableSpec, String> {
    let spec = tables::spec(&change.table).ok_or_else(|| {
        format!(
            "table {} is not synced: nothing may be pushed to it",
            change.table
        )
    })?;
    if change.device_id != user.device.id {
        return Err("a device may only push its own changes".into());
    }
    if let Some(reason) = spec.kind_refusal(change.kind) {
        return Err(reason);
    }
    if spec
        .secret_fields
        .iter()
        .any(|f| change.fields.contains_key(*f))
    {
        return Err(format!(
            "{} carries a secret that never leaves its workstation ({})",
            spec.name,
            spec.secret_fields.join(", ")
        ));
    }
    match (&change.user_id, spec.access) {
        (Some(author), _) if *author == user.user_id => {}
        // The audit chain is the device's: its events (whoever they name) travel in order
        // with any user's sync, and grant nothing.
        (_, Access::DeviceOwn { .. }) => {}
        (Some(_), _) => {
            return Err(
                "a change must be made by the signed-in user: it names another user as its author"
                    .into(),
            );
        }
        (None, Access::ByTransition(_)) => {
            return Err("a change must name the user who made it".into());
        }
    }
    if !looks_like_uuid(&change.change_id) || !looks_like_uuid(&change.device_id) {
        return Err("the change id or device id is not a UUID".into());
    }
    if change.row_id.is_empty() || change.row_id.len() > 200 {
        return Err("the row id is missing or too long".into());
    }
    limits::check_stamp(&change.hlc, &change.device_id, now_ms)?;
    limits::check_size(&change.fields)?;
    Ok(spec)
}

/// The server's own permission check. The author is the signed-in user; what the change
/// needs comes from the table's declared access rule and the row's transition (as the
/// server holds the row), checked against the role the server holds for the author.
fn authorize(
    rows: &HashMap<Key, Row>,
    user: &SignedIn,
    spec: &TableSpec,
    change: &Change,
    batch: &[Change],
    founding: bool,
) -> std::result::Result<(), String> {
    let author = user.user_id.as_str();
    let known = rows
        .get(&("users".to_owned(), author.to_owned()))
        .filter(|r| !r.deleted)
        .map(|r| r.fields.clone());
    // The group's first set-up brings its administrator in its first push; after that,
    // only users the server already knows may write (a new branch's workstation joins
    // as one of them).
    let fields = match known {
        Some(fields) => fields,
        None if founding => batch
            .iter()
            .find(|c| c.table == "users" && c.row_id == author && c.kind == ChangeKind::Upsert)
            .map(|c| c.fields.clone())
            .filter(|f| f.get("role").and_then(Value::as_str) == Some("admin"))
            .ok_or("the group's first push must bring its administrator")?,
        None => return Err("the signed-in user is not known to the server".into()),
    };
    let role = fields
        .get("role")
        .and_then(Value::as_str)
        .and_then(|r| r.parse::<Role>().ok());
    let active = fields
        .get("active")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let emergency = fields
        .get("emergency")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let need = match spec.access {
        Access::DeviceOwn { device_field } => {
            if change.fields.get(device_field).and_then(Value::as_str) != Some(&user.device.id) {
                return Err(format!(
                    "{} rows belong to the device that writes them; this one names another device",
                    spec.name
                ));
            }
            Need::AnySignedIn
        }
        Access::ByTransition(need) => {
            let old = rows
                .get(&(change.table.clone(), change.row_id.clone()))
                .filter(|r| !r.deleted && !r.fields.is_empty())
                .map(|r| &r.fields);
            let same_push = |table: &str, row: &str| {
                batch.iter().any(|c| {
                    c.table == table && c.row_id == row && c.user_id.as_deref() == Some(author)
                })
            };
            let parent = spec.parent.and_then(|p| {
                let id = change.fields.get(p.field).and_then(Value::as_str)?;
                rows.get(&(p.table.to_owned(), id.to_owned()))
                    .filter(|r| !r.deleted && !r.fields.is_empty())
                    .map(|r| &r.fields)
            });
            need(&Transition {
                author,
                branch: &user.device.branch_code,
                row_id: &change.row_id,
                old,
                fields: &change.fields,
                parent,
                same_push: &same_push,
            })
        }
    };
    let action = match need {
        Need::Refused(reason) => return Err(reason),
        Need::AnySignedIn if active || emergency => return Ok(()),
        Need::AnySignedIn => return Err("the signed-in user is deactivated".into()),
        Need::Action(action) => action,
    };
    let Some(role) = role else {
        return Err("the signed-in user has no role on the server".into());
    };
    if !active || emergency {
        return Err(format!(
            "{} accounts may not {}",
            if emergency {
                "emergency"
            } else {
                "deactivated"
            },
            action.as_str()
        ));
    }
    match policy::grant(role, action) {
        Some(_) => Ok(()),
        None => Err(format!(
            "the role {} may not {}",
            role.as_str(),
            action.as_str()
        )),
    }
}

fn kind_name(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Upsert => "upsert",
        ChangeKind::Append => "append",
        ChangeKind::Tombstone => "tombstone",
    }
}

/// Folds a change into the in-memory copy of its row with the shared merge rules.
fn fold(
    rows: &mut HashMap<Key, Row>,
    table: &str,
    row_id: &str,
    kind: ChangeKind,
    fields: &Map<String, Value>,
    hlc: &str,
) {
    let key = (table.to_owned(), row_id.to_owned());
    let rule = tables::spec(table).map(|t| t.rule);
    let row = rows.entry(key).or_insert_with(|| Row {
        fields: Map::new(),
        clocks: Map::new(),
        deleted: false,
        dirty: true,
    });
    match (rule, kind) {
        (Some(Rule::AppendOnly), _) => {
            if row.fields.is_empty() {
                row.fields = fields.clone();
                row.dirty = true;
            }
        }
        (_, ChangeKind::Tombstone) => {
            let newer = row
                .clocks
                .get("_deleted")
                .and_then(Value::as_str)
                .is_none_or(|c| hlc > c);
            if newer {
                row.clocks
                    .insert("_deleted".into(), Value::String(hlc.to_owned()));
            }
            row.deleted = true;
            row.dirty = true;
        }
        _ => {
            merge::apply_upsert(&mut row.fields, &mut row.clocks, fields, hlc);
            row.deleted = false;
            row.dirty = true;
        }
    }
}

/// The hard rule for appointments: an active one holds its doctor's time in
/// `appointment_slots`, whose exclusion constraint refuses a second. The loser is marked
/// `conflict` by a server change every workstation pulls, and both bookers are told.
async fn enforce_one_doctor_per_slot(
    tx: &Transaction<'_>,
    rows: &HashMap<Key, Row>,
    change: &Change,
    now: &str,
) -> Result<Vec<Entry>> {
    let Some(row) = rows.get(&("appointments".to_owned(), change.row_id.clone())) else {
        return Ok(Vec::new());
    };
    let text = |k: &str| row.fields.get(k).and_then(Value::as_str).map(str::to_owned);
    let active = matches!(
        text("status").as_deref(),
        Some("held" | "confirmed" | "checked_in" | "completed")
    );
    let (Some(doctor), Some(starts), Some(ends)) =
        (text("doctor_id"), text("starts_at"), text("ends_at"))
    else {
        return Ok(Vec::new());
    };
    if !active {
        tx.execute(
            "DELETE FROM appointment_slots WHERE appointment_id = $1",
            &[&change.row_id],
        )
        .await?;
        return Ok(Vec::new());
    }
    tx.execute("SAVEPOINT slot", &[]).await?;
    let taken = tx
        .execute(
            "INSERT INTO appointment_slots (appointment_id, doctor_id, during)
             VALUES ($1, $2, tstzrange(CAST($3 AS TEXT)::timestamptz, CAST($4 AS TEXT)::timestamptz))
             ON CONFLICT (appointment_id) DO UPDATE SET doctor_id = excluded.doctor_id, during = excluded.during",
            &[&change.row_id, &doctor, &starts, &ends],
        )
        .await;
    match taken {
        Ok(_) => {
            tx.execute("RELEASE SAVEPOINT slot", &[]).await?;
            Ok(Vec::new())
        }
        Err(e) if e.code().is_some_and(|c| c.code() == "23P01") => {
            tx.execute("ROLLBACK TO SAVEPOINT slot", &[]).await?;
            let verdict = verdict_stamp(&change.hlc);
            let server_entry = |table: &str, row_id: String, fields: Value| {
                server_entry(table, row_id, fields, &verdict)
            };
            let mut out = vec![server_entry(
                "appointments",
                change.row_id.clone(),
                json!({ "status": "conflict" }),
            )];
            // Both sides hear of it: whoever made the losing booking, and whoever made the
            // booking that keeps the slot.
            let winner = tx
                .query_opt(
                    "SELECT s.appointment_id,
                            (SELECT user_id::text FROM change_log c WHERE c.table_name = 'appointments'
                               AND c.row_id = s.appointment_id AND c.user_id IS NOT NULL ORDER BY seq LIMIT 1)
                     FROM appointment_slots s
                     WHERE s.doctor_id = $1
                       AND s.during && tstzrange(CAST($2 AS TEXT)::timestamptz, CAST($3 AS TEXT)::timestamptz)
                     LIMIT 1",
                    &[&doctor, &starts, &ends],
                )
                .await?;
            let number = text("number").unwrap_or_default();
            let mut notes = Vec::new();
            if let Some(user) = &change.user_id {
                notes.push((
                    user.clone(),
                    change.row_id.clone(),
                    format!(
                        "Another branch booked this doctor at {starts} first. Appointment {number} is marked as a conflict: please rebook or cancel it."
                    ),
                ));
            }
            if let Some(user) = winner
                .as_ref()
                .and_then(|row| row.get::<_, Option<String>>(1))
            {
                let appointment: String = winner.as_ref().map(|row| row.get(0)).unwrap_or_default();
                notes.push((
                    user,
                    appointment,
                    format!(
                        "A booking made offline at another branch for the same doctor at {starts} arrived later and was marked as a conflict; your appointment stands."
                    ),
                ));
            }
            for (i, (user, appointment, body)) in notes.into_iter().enumerate() {
                out.push(server_entry(
                    "notifications",
                    uuid_from_hash(&format!("conflict-note:{}:{i}", change.change_id)),
                    json!({
                        "user_id": user,
                        "kind": "booking_conflict",
                        "title": "Booking conflict",
                        "body": body,
                        "entity": "appointment",
                        "entity_id": appointment,
                        "created_at": now,
                    }),
                ));
            }
            Ok(out)
        }
        Err(e) => Err(Error::Database(e)),
    }
}

/// The rule for stock: every movement is accepted (what it records has happened), and
/// the server keeps each batch's balance in `stock_balances`. A movement that takes a
/// batch from zero or above to below zero (workstations that dispensed the same units
/// offline) raises one discrepancy, a server-made `stock_discrepancies` row every
/// workstation pulls, and tells whoever took from the batch lately, the pusher first.
async fn enforce_stock_balance(
    tx: &Transaction<'_>,
    rows: &HashMap<Key, Row>,
    change: &Change,
    now: &str,
) -> Result<Vec<Entry>> {
    let text = |k: &str| change.fields.get(k).and_then(Value::as_str);
    let (Some(batch), Some(branch), Some(quantity)) = (
        text("batch_id"),
        text("branch_code"),
        change.fields.get("quantity").and_then(Value::as_i64),
    ) else {
        return Ok(Vec::new());
    };
    let after: i64 = tx
        .query_one(
            "INSERT INTO stock_balances (batch_id, branch_code, balance) VALUES ($1, $2, $3)
             ON CONFLICT (batch_id) DO UPDATE SET balance = stock_balances.balance + excluded.balance
             RETURNING balance",
            &[&batch, &branch, &quantity],
        )
        .await?
        .get(0);
    let before = after - quantity;
    if !(before >= 0 && after < 0) {
        return Ok(Vec::new());
    }
    let batch_number = rows
        .get(&(tables::STOCK_BATCHES.name.to_owned(), batch.to_owned()))
        .and_then(|r| r.fields.get("batch_number"))
        .and_then(Value::as_str)
        .unwrap_or(batch)
        .to_owned();
    let verdict = verdict_stamp(&change.hlc);
    let discrepancy = uuid_from_hash(&format!("stock-discrepancy:{}", change.change_id));
    let mut out = vec![server_entry(
        tables::STOCK_DISCREPANCIES.name,
        discrepancy.clone(),
        json!({
            "batch_id": batch,
            "item_id": text("item_id"),
            "branch_code": branch,
            "balance": after,
            "raised_at": now,
            "status": "open",
        }),
        &verdict,
    )];
    // Who took from the batch lately: the pusher, then the authors of the last
    // movements out the server already holds (the other offline dispenser).
    let mut told: Vec<String> = change.user_id.iter().cloned().collect();
    for row in tx
        .query(
            "SELECT user_id::text FROM change_log
             WHERE table_name = 'stock_movements' AND fields->>'batch_id' = $1
               AND (fields->>'quantity')::bigint < 0 AND user_id IS NOT NULL
             ORDER BY seq DESC LIMIT 20",
            &[&batch],
        )
        .await?
    {
        let user: String = row.get(0);
        if !told.contains(&user) && told.len() < 5 {
            told.push(user);
        }
    }
    for (i, user) in told.into_iter().enumerate() {
        out.push(server_entry(
            "notifications",
            uuid_from_hash(&format!("stock-discrepancy-note:{}:{i}", change.change_id)),
            json!({
                "user_id": user,
                "kind": "stock_discrepancy",
                "title": "Stock discrepancy",
                "body": format!(
                    "Batch {batch_number} at {branch}: its movements now sum to {after}, so more was given than the books held (dispensed offline on two workstations?). Nothing was lost; count the batch and correct it under Pharmacy, Discrepancies."
                ),
                "entity": "stock_discrepancy",
                "entity_id": discrepancy,
                "created_at": now,
            }),
            &verdict,
        ));
    }
    Ok(out)
}

/// A server-made upsert: the verdict on `hlc`'s change, stamped just after it.
fn server_entry(table: &str, row_id: String, fields: Value, verdict: &str) -> Entry {
    Entry {
        change_id: uuid_from_hash(&format!("{table}:{row_id}:{verdict}")),
        table: table.to_owned(),
        row_id,
        kind: ChangeKind::Upsert,
        fields: fields.as_object().cloned().unwrap_or_default(),
        hlc: verdict.to_owned(),
        device_id: SERVER_DEVICE.to_owned(),
        user_id: None,
        schema_version: 0,
        origin: "server",
    }
}

/// The hard rule for human-readable numbers: each row claims its current number in
/// `unique_numbers`. A row arriving with a number another row holds keeps everything
/// else, gets the first free `<number>-2`, `-3`… by a server change every side pulls,
/// and the person who made it is told.
async fn enforce_unique_number(
    tx: &Transaction<'_>,
    rows: &HashMap<Key, Row>,
    change: &Change,
    number_before: Option<String>,
    claims: &mut HashMap<(String, String), String>,
    now: &str,
) -> Result<Vec<Entry>> {
    let Some(field) = tables::spec(&change.table).and_then(|t| t.unique_number) else {
        return Ok(Vec::new());
    };
    if !change.fields.contains_key(field) {
        return Ok(Vec::new());
    }
    let Some(number) = current_number(rows, &change.table, &change.row_id) else {
        return Ok(Vec::new());
    };
    // A row renumbered by its own workstation lets go of its old number.
    if let Some(old) = number_before.filter(|old| *old != number) {
        tx.execute(
            "DELETE FROM unique_numbers WHERE table_name = $1 AND number = $2 AND row_id = $3",
            &[&change.table, &old, &change.row_id],
        )
        .await?;
        claims.remove(&(change.table.clone(), old));
    }
    let key = (change.table.clone(), number.clone());
    let holder = match claims.get(&key) {
        Some(holder) => holder.clone(),
        None => {
            // Not claimed up front (the merge kept another value than the one sent).
            let holder: String = tx
                .query_one(
                    "WITH claim AS (
                         INSERT INTO unique_numbers (table_name, number, row_id) VALUES ($1, $2, $3)
                         ON CONFLICT (table_name, number) DO NOTHING RETURNING row_id)
                     SELECT row_id FROM claim
                     UNION ALL SELECT row_id FROM unique_numbers WHERE table_name = $1 AND number = $2
                     LIMIT 1",
                    &[&change.table, &number, &change.row_id],
                )
                .await?
                .get(0);
            claims.insert(key, holder.clone());
            holder
        }
    };
    if holder == change.row_id {
        return Ok(Vec::new());
    }
    let mut n = 2;
    let renumbered = loop {
        let candidate = format!("{number}-{n}");
        let claimed = tx
            .execute(
                "INSERT INTO unique_numbers (table_name, number, row_id) VALUES ($1, $2, $3)
                 ON CONFLICT (table_name, number) DO NOTHING",
                &[&change.table, &candidate, &change.row_id],
            )
            .await?;
        if claimed == 1 {
            break candidate;
        }
        n += 1;
    };
    let verdict = verdict_stamp(&change.hlc);
    let mut out = vec![server_entry(
        &change.table,
        change.row_id.clone(),
        json!({ field: renumbered }),
        &verdict,
    )];
    if let Some(user) = &change.user_id {
        let (what, entity) = match change.table.as_str() {
            "patients" => ("record number", "patient"),
            "invoices" => ("invoice number", "invoice"),
            "appointments" => ("appointment number", "appointment"),
            "prescriptions" => ("prescription number", "prescription"),
            "lab_orders" => ("lab order number", "lab_order"),
            "lab_samples" => ("sample number", "lab_sample"),
            "stock_transfers" => ("transfer number", "stock_transfer"),
            _ => ("number", "record"),
        };
        out.push(server_entry(
            "notifications",
            uuid_from_hash(&format!("number-note:{}", change.change_id)),
            json!({
                "user_id": user,
                "kind": "number_conflict",
                "title": "Number changed",
                "body": format!("The {what} {number} was already used by another record made elsewhere; this one is now {renumbered}. Nothing else changed."),
                "entity": entity,
                "entity_id": change.row_id,
                "created_at": now,
            }),
            &verdict,
        ));
    }
    Ok(out)
}

/// A row's human-readable number in the in-memory state, if its table has one.
fn current_number(rows: &HashMap<Key, Row>, table: &str, row_id: &str) -> Option<String> {
    let field = tables::spec(table)?.unique_number?;
    rows.get(&(table.to_owned(), row_id.to_owned()))
        .and_then(|r| r.fields.get(field))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The (table, number, row) triples the changes send that `keep` picks, as three
/// columns for `unnest`.
fn sent_numbers(
    changes: &[Change],
    keep: impl Fn((&str, &str, &str)) -> bool,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut columns = (Vec::new(), Vec::new(), Vec::new());
    for c in changes {
        let Some(field) = tables::spec(&c.table).and_then(|t| t.unique_number) else {
            continue;
        };
        let Some(number) = c.fields.get(field).and_then(Value::as_str) else {
            continue;
        };
        if keep((&c.table, number, &c.row_id)) {
            columns.0.push(c.table.clone());
            columns.1.push(number.to_owned());
            columns.2.push(c.row_id.clone());
        }
    }
    columns
}

/// Claims, in two statements, every number this push sends, and returns who holds each
/// one now (this push's row, or the row that had it first).
async fn claim_numbers(
    tx: &Transaction<'_>,
    changes: &[Change],
) -> Result<HashMap<(String, String), String>> {
    let (tables, numbers, row_ids) = sent_numbers(changes, |_| true);
    if tables.is_empty() {
        return Ok(HashMap::new());
    }
    tx.execute(
        "INSERT INTO unique_numbers (table_name, number, row_id)
         SELECT * FROM unnest(CAST($1 AS TEXT[]), CAST($2 AS TEXT[]), CAST($3 AS TEXT[]))
         ON CONFLICT (table_name, number) DO NOTHING",
        &[&tables, &numbers, &row_ids],
    )
    .await?;
    Ok(tx
        .query(
            "SELECT table_name, number, row_id FROM unique_numbers
             WHERE (table_name, number) IN (SELECT * FROM unnest(CAST($1 AS TEXT[]), CAST($2 AS TEXT[])))",
            &[&tables, &numbers],
        )
        .await?
        .iter()
        .map(|r| ((r.get(0), r.get(1)), r.get(2)))
        .collect())
}

/// Lets go of numbers claimed up front for changes that did not end up giving their row
/// that number (refused, or outvoted by a newer write).
async fn release_unused_claims(
    tx: &Transaction<'_>,
    changes: &[Change],
    rows: &HashMap<Key, Row>,
) -> Result<()> {
    let (tables, numbers, row_ids) = sent_numbers(changes, |(table, number, row_id)| {
        current_number(rows, table, row_id).as_deref() != Some(number)
    });
    if !tables.is_empty() {
        tx.execute(
            "DELETE FROM unique_numbers WHERE (table_name, number, row_id) IN
                 (SELECT * FROM unnest(CAST($1 AS TEXT[]), CAST($2 AS TEXT[]), CAST($3 AS TEXT[])))",
            &[&tables, &numbers, &row_ids],
        )
        .await?;
    }
    Ok(())
}

/// The stamp of the server's verdict on a change: just after the change's own, so the
/// verdict wins over it (and the counter never outgrows its digits).
fn verdict_stamp(hlc: &str) -> String {
    let mut parts = hlc.splitn(3, '-');
    let wall: u64 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let counter: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let (wall, counter) = limits::next_after(wall, counter);
    format!("{wall:016}-{counter:05}-{SERVER_DEVICE}")
}

fn uuid_from_hash(seed: &str) -> String {
    let h = crate::auth::hash(seed);
    format!(
        "{}-{}-4{}-8{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// The changes after `cursor` that `branch` needs: every group-wide change, and the
/// branch-scoped ones written by its own workstations.
pub async fn pull(
    client: &deadpool_postgres::Client,
    branch: &str,
    cursor: i64,
    limit: usize,
) -> Result<PullPage> {
    let limit = i64::try_from(limit.clamp(1, MAX_BATCH)).unwrap_or(100);
    let mut rows = client
        .query(
            "SELECT seq, batch, change_id::text, table_name, row_id, kind, fields, hlc, device_id::text,
                    user_id::text, schema_version
             FROM change_log WHERE seq > $1 AND (scope IS NULL OR scope = $3)
             ORDER BY seq LIMIT $2",
            &[&cursor, &limit, &branch],
        )
        .await?;
    // A page is bounded by bytes as well as by count (at least one change goes out).
    let mut bytes = 0;
    let keep = rows
        .iter()
        .position(|r| {
            bytes += r.get::<_, Value>(6).to_string().len();
            bytes > MAX_PAGE_BYTES
        })
        .map_or(rows.len(), |over| over.max(1));
    rows.truncate(keep);
    if let Some(last) = rows.last() {
        // Never split the changes of one push (a booking and its conflict verdict).
        let (batch, seq): (i64, i64) = (last.get(1), last.get(0));
        let rest = client
            .query(
                "SELECT seq, batch, change_id::text, table_name, row_id, kind, fields, hlc, device_id::text,
                        user_id::text, schema_version
                 FROM change_log WHERE batch = $1 AND seq > $2 AND (scope IS NULL OR scope = $3)
                 ORDER BY seq",
                &[&batch, &seq, &branch],
            )
            .await?;
        rows.extend(rest);
    }
    let mut changes = Vec::with_capacity(rows.len());
    for r in &rows {
        let kind = match r.get::<_, &str>(5) {
            "append" => ChangeKind::Append,
            "tombstone" => ChangeKind::Tombstone,
            _ => ChangeKind::Upsert,
        };
        let table: String = r.get(3);
        let mut fields = r
            .get::<_, Value>(6)
            .as_object()
            .cloned()
            .unwrap_or_default();
        // Secrets were never meant to travel; a log written before that rule keeps none
        // out of a pull.
        if let Some(spec) = tables::spec(&table) {
            spec.strip_secrets(&mut fields);
        }
        changes.push(SequencedChange {
            seq: r.get(0),
            change: Change {
                change_id: r.get(2),
                table,
                row_id: r.get(4),
                kind,
                fields,
                hlc: r.get(7),
                device_id: r.get(8),
                user_id: r.get(9),
                schema_version: u32::try_from(r.get::<_, i32>(10)).unwrap_or(0),
            },
        });
    }
    let next_cursor = changes.last().map_or(cursor, |c| c.seq);
    let more: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM change_log WHERE seq > $1 AND (scope IS NULL OR scope = $2))",
            &[&next_cursor, &branch],
        )
        .await?
        .get(0);
    Ok(PullPage {
        changes,
        next_cursor,
        more,
    })
}
