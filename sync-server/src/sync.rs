//! Push and pull. A push is one PostgreSQL transaction that takes a global advisory lock,
//! so sequence numbers commit in order and a puller can never skip a change that commits
//! late, however many server processes run. Each change is idempotent by its id, folded
//! into the current state with the shared merge rules, and checked against the hard
//! rules; a change that loses a hard rule is kept and a server verdict marks it a
//! conflict. Nothing is dropped.

use clinic_protocol::merge::{self, Rule};
use clinic_protocol::policy::{self, Role};
use clinic_protocol::{Change, ChangeKind, PullPage, PushResponse, Rejection, SequencedChange};
use serde_json::{Map, Value, json};
use tokio_postgres::Transaction;

use crate::auth::Device;
use crate::error::{Error, Result};

/// Pushes and pulls serialise on this lock (per database).
const PUSH_LOCK: i64 = 0x636c_696e_6963;
/// The device id stamped on the server's own verdicts.
pub const SERVER_DEVICE: &str = "00000000-0000-0000-0000-000000000000";
/// At most this many changes per push and per pulled page.
pub const MAX_BATCH: usize = 1000;

pub async fn push(
    tx: &Transaction<'_>,
    device: &Device,
    changes: &[Change],
) -> Result<PushResponse> {
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
    let mut response = PushResponse {
        accepted: Vec::new(),
        rejected: Vec::new(),
    };
    let first_push: bool = !tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM change_log WHERE device_id = CAST($1 AS TEXT)::uuid)",
            &[&device.id],
        )
        .await?
        .get::<_, bool>(0);
    for change in changes {
        let checked = match check(device, change) {
            Ok(()) => authorize(tx, change, changes, first_push).await?,
            Err(reason) => Err(reason),
        };
        if let Err(reason) = checked {
            response.rejected.push(Rejection {
                change_id: change.change_id.clone(),
                reason,
            });
            continue;
        }
        tx.execute("SAVEPOINT change", &[]).await?;
        match apply(tx, batch, change).await {
            Ok(()) => {
                tx.execute("RELEASE SAVEPOINT change", &[]).await?;
                response.accepted.push(change.change_id.clone());
            }
            Err(Error::BadRequest(reason)) => {
                tx.execute("ROLLBACK TO SAVEPOINT change", &[]).await?;
                response.rejected.push(Rejection {
                    change_id: change.change_id.clone(),
                    reason,
                });
            }
            Err(other) => return Err(other),
        }
    }
    Ok(response)
}

/// What the server refuses before touching the database.
fn check(device: &Device, change: &Change) -> std::result::Result<(), String> {
    if change.device_id != device.id {
        return Err("a device may only push its own changes".into());
    }
    let rule = merge::rule_for(&change.table)
        .ok_or_else(|| format!("table {} is not synced", change.table))?;
    if !merge::kind_allowed(rule, change.kind) {
        return Err(format!(
            "{:?} changes are not allowed for {}",
            change.kind, change.table
        ));
    }
    if change.row_id.is_empty() || change.row_id.len() > 200 {
        return Err("the row id is missing or too long".into());
    }
    if change.hlc.len() < 22 || !change.hlc.ends_with(&change.device_id) {
        return Err("the clock stamp is malformed or not this device's".into());
    }
    Ok(())
}

/// The server's own permission check: the role the server knows for the change's user
/// (never the workstation's word for it) must hold the action the change needs.
async fn authorize(
    tx: &Transaction<'_>,
    change: &Change,
    batch: &[Change],
    first_push: bool,
) -> Result<std::result::Result<(), String>> {
    let Some(user) = &change.user_id else {
        return Ok(if change.table == "audit_log" {
            Ok(())
        } else {
            Err("a change must name the user who made it".into())
        });
    };
    let known = tx
        .query_opt(
            "SELECT fields FROM row_state WHERE table_name = 'users' AND row_id = $1 AND NOT deleted",
            &[user],
        )
        .await?
        .map(|r| r.get::<_, Value>(0));
    // A freshly enrolled workstation's first push may bring the administrator it was set
    // up with; after that, only users the server already knows may write.
    let fields = match known {
        Some(fields) => fields,
        None if first_push => match batch
            .iter()
            .find(|c| c.table == "users" && &c.row_id == user && c.kind == ChangeKind::Upsert)
        {
            Some(created) => Value::Object(created.fields.clone()),
            None => {
                return Ok(Err(
                    "the user who made this change is not known to the server".into(),
                ));
            }
        },
        None => {
            return Ok(Err(
                "the user who made this change is not known to the server".into(),
            ));
        }
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
    let Some(role) = role else {
        return Ok(Err(
            "the user who made this change has no role on the server".into(),
        ));
    };
    let row_exists: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM row_state WHERE table_name = $1 AND row_id = $2)",
            &[&change.table, &change.row_id],
        )
        .await?
        .get(0);
    let Some(action) = policy::action_for_change(&change.table, &change.fields, row_exists) else {
        // Side effects of any signed-in work: audit events, notifications, history.
        return Ok(if active || emergency {
            Ok(())
        } else {
            Err("the user who made this change is deactivated".into())
        });
    };
    let self_service = change.table == "users"
        && &change.row_id == user
        && change
            .fields
            .keys()
            .all(|k| k == "totp_secret" || k == "emergency_until");
    if self_service {
        return Ok(Ok(()));
    }
    if !active || emergency {
        return Ok(Err(format!(
            "{} accounts may not {}",
            if emergency {
                "emergency"
            } else {
                "deactivated"
            },
            action.as_str()
        )));
    }
    Ok(match policy::grant(role, action) {
        Some(_) => Ok(()),
        None => Err(format!(
            "the role {} may not {}",
            role.as_str(),
            action.as_str()
        )),
    })
}

async fn apply(tx: &Transaction<'_>, batch: i64, change: &Change) -> Result<()> {
    let inserted = tx
        .query_opt(
            "INSERT INTO change_log (batch, change_id, table_name, row_id, kind, fields, hlc,
                 device_id, user_id, schema_version)
             VALUES ($1, CAST($2 AS TEXT)::uuid, $3, $4, $5, $6, $7, CAST($8 AS TEXT)::uuid,
                 CAST($9 AS TEXT)::uuid, $10)
             ON CONFLICT (change_id) DO NOTHING RETURNING seq",
            &[
                &batch,
                &change.change_id,
                &change.table,
                &change.row_id,
                &kind_name(change.kind),
                &Value::Object(change.fields.clone()),
                &change.hlc,
                &change.device_id,
                &change.user_id,
                &i32::try_from(change.schema_version).unwrap_or(i32::MAX),
            ],
        )
        .await
        .map_err(|e| match e.code() {
            Some(code) if code.code().starts_with("22") => {
                Error::BadRequest(format!("malformed change: {e}"))
            }
            _ => Error::Database(e),
        })?;
    if inserted.is_none() {
        // Already received: accepted again, applied once.
        return Ok(());
    }
    fold(
        tx,
        &change.table,
        &change.row_id,
        change.kind,
        &change.fields,
        &change.hlc,
    )
    .await?;
    if change.table == "appointments" {
        enforce_one_doctor_per_slot(tx, batch, change).await?;
    }
    Ok(())
}

fn kind_name(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Upsert => "upsert",
        ChangeKind::Append => "append",
        ChangeKind::Tombstone => "tombstone",
    }
}

/// Folds a change into `row_state`; returns the row's fields after it.
async fn fold(
    tx: &Transaction<'_>,
    table: &str,
    row_id: &str,
    kind: ChangeKind,
    fields: &Map<String, Value>,
    hlc: &str,
) -> Result<Map<String, Value>> {
    let current = tx
        .query_opt(
            "SELECT fields, clocks FROM row_state WHERE table_name = $1 AND row_id = $2 FOR UPDATE",
            &[&table, &row_id],
        )
        .await?;
    let (mut row, mut clocks) = match &current {
        Some(r) => (
            r.get::<_, Value>(0)
                .as_object()
                .cloned()
                .unwrap_or_default(),
            r.get::<_, Value>(1)
                .as_object()
                .cloned()
                .unwrap_or_default(),
        ),
        None => (Map::new(), Map::new()),
    };
    let deleted = match (merge::rule_for(table), kind) {
        (Some(Rule::AppendOnly), _) => {
            if current.is_some() {
                return Ok(row);
            }
            row = fields.clone();
            false
        }
        (_, ChangeKind::Tombstone) => {
            let newer = clocks
                .get("_deleted")
                .and_then(Value::as_str)
                .is_none_or(|c| hlc > c);
            if newer {
                clocks.insert("_deleted".into(), Value::String(hlc.to_owned()));
            }
            true
        }
        _ => {
            merge::apply_upsert(&mut row, &mut clocks, fields, hlc);
            false
        }
    };
    tx.execute(
        "INSERT INTO row_state (table_name, row_id, fields, clocks, deleted) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (table_name, row_id) DO UPDATE
         SET fields = excluded.fields, clocks = excluded.clocks, deleted = excluded.deleted",
        &[&table, &row_id, &Value::Object(row.clone()), &Value::Object(clocks), &deleted],
    )
    .await?;
    Ok(row)
}

/// The hard rule for appointments: an active one holds its doctor's time in
/// `appointment_slots`, whose exclusion constraint refuses a second. The loser is marked
/// `conflict` by a server change every workstation pulls, and whoever booked it is told.
async fn enforce_one_doctor_per_slot(
    tx: &Transaction<'_>,
    batch: i64,
    change: &Change,
) -> Result<()> {
    let state = tx
        .query_one(
            "SELECT fields FROM row_state WHERE table_name = 'appointments' AND row_id = $1",
            &[&change.row_id],
        )
        .await?;
    let row: Value = state.get(0);
    let text = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_owned);
    let active = matches!(
        text("status").as_deref(),
        Some("held" | "confirmed" | "checked_in" | "completed")
    );
    let (Some(doctor), Some(starts), Some(ends)) =
        (text("doctor_id"), text("starts_at"), text("ends_at"))
    else {
        return Ok(());
    };
    if !active {
        tx.execute(
            "DELETE FROM appointment_slots WHERE appointment_id = $1",
            &[&change.row_id],
        )
        .await?;
        return Ok(());
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
            Ok(())
        }
        Err(e) if e.code().is_some_and(|c| c.code() == "23P01") => {
            tx.execute("ROLLBACK TO SAVEPOINT slot", &[]).await?;
            let verdict = verdict_stamp(&change.hlc);
            let fields = json!({ "status": "conflict" })
                .as_object()
                .cloned()
                .unwrap_or_default();
            server_change(
                tx,
                batch,
                "appointments",
                &change.row_id,
                ChangeKind::Upsert,
                &fields,
                &verdict,
            )
            .await?;
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
            let created_at: String = tx
                .query_one(
                    "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
                    &[],
                )
                .await?
                .get(0);
            for (i, (user, appointment, body)) in notes.into_iter().enumerate() {
                let note_id = uuid_from_hash(&format!("conflict-note:{}:{i}", change.change_id));
                let note = json!({
                    "user_id": user,
                    "kind": "booking_conflict",
                    "title": "Booking conflict",
                    "body": body,
                    "entity": "appointment",
                    "entity_id": appointment,
                    "created_at": created_at,
                });
                server_change(
                    tx,
                    batch,
                    "notifications",
                    &note_id,
                    ChangeKind::Upsert,
                    note.as_object().unwrap_or(&Map::new()),
                    &verdict,
                )
                .await?;
            }
            Ok(())
        }
        Err(e) => Err(Error::Database(e)),
    }
}

async fn server_change(
    tx: &Transaction<'_>,
    batch: i64,
    table: &str,
    row_id: &str,
    kind: ChangeKind,
    fields: &Map<String, Value>,
    hlc: &str,
) -> Result<()> {
    let change_id = uuid_from_hash(&format!("{table}:{row_id}:{hlc}"));
    tx.execute(
        "INSERT INTO change_log (batch, change_id, table_name, row_id, kind, fields, hlc, device_id,
             schema_version, origin)
         VALUES ($1, CAST($2 AS TEXT)::uuid, $3, $4, $5, $6, $7, CAST($8 AS TEXT)::uuid, 0, 'server')
         ON CONFLICT (change_id) DO NOTHING",
        &[&batch, &change_id, &table, &row_id, &kind_name(kind), &Value::Object(fields.clone()), &hlc, &SERVER_DEVICE],
    )
    .await?;
    fold(tx, table, row_id, kind, fields, hlc).await?;
    Ok(())
}

/// A stamp that orders just after `hlc`, for a verdict about that change.
fn verdict_stamp(hlc: &str) -> String {
    let mut parts = hlc.splitn(3, '-');
    let wall: u64 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let counter: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    format!("{wall:016}-{:05}-{SERVER_DEVICE}", counter + 1)
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

pub async fn pull(
    client: &deadpool_postgres::Client,
    cursor: i64,
    limit: usize,
) -> Result<PullPage> {
    let limit = i64::try_from(limit.clamp(1, MAX_BATCH)).unwrap_or(100);
    let mut rows = client
        .query(
            "SELECT seq, batch, change_id::text, table_name, row_id, kind, fields, hlc, device_id::text,
                    user_id::text, schema_version
             FROM change_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&cursor, &limit],
        )
        .await?;
    if let Some(last) = rows.last() {
        // Never split the changes of one push (a booking and its conflict verdict).
        let (batch, seq): (i64, i64) = (last.get(1), last.get(0));
        let rest = client
            .query(
                "SELECT seq, batch, change_id::text, table_name, row_id, kind, fields, hlc, device_id::text,
                        user_id::text, schema_version
                 FROM change_log WHERE batch = $1 AND seq > $2 ORDER BY seq",
                &[&batch, &seq],
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
        changes.push(SequencedChange {
            seq: r.get(0),
            change: Change {
                change_id: r.get(2),
                table: r.get(3),
                row_id: r.get(4),
                kind,
                fields: r
                    .get::<_, Value>(6)
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
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
            "SELECT EXISTS (SELECT 1 FROM change_log WHERE seq > $1)",
            &[&next_cursor],
        )
        .await?
        .get(0);
    Ok(PullPage {
        changes,
        next_cursor,
        more,
    })
}
