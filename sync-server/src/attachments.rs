//! Attachments' bytes (`clinic_protocol::attachments`): the sealed chunks a workstation
//! uploads after pushing an attachment's record, and hands out to workstations that open
//! it. The server never opens a chunk; it decides everything from what it holds, never
//! from the request:
//!
//! - which attachment: its record must be in `row_state` (pushed, and accepted by the
//!   table's access rule, first);
//! - who uploads: only the record's author (`added_by`), signed in with an access token,
//!   active, and holding `attachment_add` by the role the server holds;
//! - who downloads (and asks for the status): a role granted `record_read` for the
//!   record's patient, so only their own for a patient, never for the front desk or
//!   administrators; the author may always see the status of their upload;
//! - what is stored: the chunk numbers and each chunk's exact length follow from the
//!   record's size, and a chunk, once stored, never changes (a re-sent identical chunk
//!   is accepted again; different bytes are refused with 409; a trigger refuses updates
//!   and deletes).
//!
//! Chunks live in PostgreSQL (`attachment_chunks`), so every server process serves
//! every upload and download, and both resume wherever any of them stopped.

use std::collections::HashSet;

use clinic_protocol::attachments::{self as wire, AttachmentStatus};
use clinic_protocol::policy::{self, Action, Role, Scope};
use serde_json::Value;

use crate::auth::SignedIn;
use crate::error::{Error, Result};

/// What the server holds about an attachment, from its record.
struct Record {
    patient_id: String,
    added_by: String,
    size: u64,
    chunk_count: u32,
}

/// The signed-in user as the server holds them.
struct Holder {
    role: Option<Role>,
    active: bool,
    emergency: bool,
    patient_id: Option<String>,
}

fn check_id(id: &str) -> Result<()> {
    if crate::sync::looks_like_uuid(id) {
        Ok(())
    } else {
        Err(Error::BadRequest(
            "attachment_id must be the attachment's UUID (8-4-4-4-12 hex digits)".into(),
        ))
    }
}

async fn record(client: &deadpool_postgres::Client, id: &str) -> Result<Record> {
    check_id(id)?;
    let row = client
        .query_opt(
            "SELECT fields FROM row_state
             WHERE table_name = 'attachments' AND row_id = $1 AND NOT deleted",
            &[&id],
        )
        .await?
        .ok_or_else(|| {
            Error::NotFound(format!(
                "the server holds no attachment {id}: its record must be pushed (and accepted) before its bytes"
            ))
        })?;
    let fields: Value = row.get(0);
    let text = |name: &str| {
        fields
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let size = fields.get("size").and_then(Value::as_u64).unwrap_or(0);
    let chunk_count = wire::chunk_count(size).ok_or_else(|| {
        Error::Conflict(format!(
            "attachment {id}'s record declares an impossible size; nothing can be stored for it"
        ))
    })?;
    Ok(Record {
        patient_id: text("patient_id"),
        added_by: text("added_by"),
        size,
        chunk_count,
    })
}

async fn holder(client: &deadpool_postgres::Client, user: &SignedIn) -> Result<Holder> {
    let fields: Option<Value> = client
        .query_opt(
            "SELECT fields FROM row_state WHERE table_name = 'users' AND row_id = $1 AND NOT deleted",
            &[&user.user_id],
        )
        .await?
        .map(|r| r.get(0));
    let fields = fields.unwrap_or(Value::Null);
    Ok(Holder {
        role: fields
            .get("role")
            .and_then(Value::as_str)
            .and_then(|r| r.parse().ok()),
        active: fields
            .get("active")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        emergency: fields
            .get("emergency")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        patient_id: fields
            .get("patient_id")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

impl Holder {
    /// The scope of `action` for this user, if an active, ordinary account holds it.
    fn grant(&self, action: Action) -> Option<Scope> {
        if !self.active || self.emergency {
            return None;
        }
        self.role.and_then(|role| policy::grant(role, action))
    }
}

/// Whether `user` may read `record`'s patient's record, as the grant table says for the
/// role the server holds.
async fn may_read(
    client: &deadpool_postgres::Client,
    who: &Holder,
    record: &Record,
) -> Result<bool> {
    Ok(match who.grant(Action::RecordRead) {
        Some(Scope::All) => true,
        Some(Scope::Own) => match &who.patient_id {
            Some(own) if *own == record.patient_id => true,
            // A record merged into the patient's own is theirs too.
            Some(own) => client
                .query_opt(
                    "SELECT 1 FROM row_state WHERE table_name = 'patients' AND row_id = $1
                       AND fields->>'merged_into' = $2",
                    &[&record.patient_id, own],
                )
                .await?
                .is_some(),
            None => false,
        },
        None => false,
    })
}

fn may_upload(user: &SignedIn, who: &Holder, record: &Record) -> Result<()> {
    if record.added_by != user.user_id {
        return Err(Error::Forbidden(
            "only the user who added an attachment uploads its bytes".into(),
        ));
    }
    if who.grant(Action::AttachmentAdd).is_none() {
        return Err(Error::Forbidden(format!(
            "the role {} may not {}",
            who.role.map_or("(none)", Role::as_str),
            Action::AttachmentAdd.as_str()
        )));
    }
    Ok(())
}

fn read_refused(who: &Holder) -> Error {
    Error::Forbidden(format!(
        "reading this attachment needs {} for its patient, which the role {} does not hold",
        Action::RecordRead.as_str(),
        who.role.map_or("(none)", Role::as_str)
    ))
}

async fn status_of(
    client: &deadpool_postgres::Client,
    id: &str,
    record: &Record,
) -> Result<AttachmentStatus> {
    let held: HashSet<i32> = client
        .query(
            "SELECT chunk FROM attachment_chunks WHERE attachment_id = CAST($1 AS TEXT)::uuid",
            &[&id],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let missing: Vec<u32> = (0..record.chunk_count)
        .filter(|i| !held.contains(&i32::try_from(*i).unwrap_or(i32::MAX)))
        .collect();
    Ok(AttachmentStatus {
        attachment_id: id.to_owned(),
        size: record.size,
        chunk_count: record.chunk_count,
        complete: missing.is_empty(),
        missing,
    })
}

/// Which chunks of an attachment the server holds: for its author (to resume an upload)
/// and for those who may read it (to know whether it can be fetched).
pub async fn status(
    client: &deadpool_postgres::Client,
    user: &SignedIn,
    id: &str,
) -> Result<AttachmentStatus> {
    let record = record(client, id).await?;
    let who = holder(client, user).await?;
    let uploader = may_upload(user, &who, &record).is_ok();
    if !uploader && !may_read(client, &who, &record).await? {
        return Err(read_refused(&who));
    }
    status_of(client, id, &record).await
}

fn check_index(record: &Record, id: &str, index: u32) -> Result<u64> {
    wire::sealed_len(record.size, index).ok_or_else(|| {
        Error::BadRequest(format!(
            "attachment {id} has chunks 0 to {}; there is no chunk {index}",
            record.chunk_count - 1
        ))
    })
}

/// Stores one sealed chunk from the attachment's author.
pub async fn put_chunk(
    client: &deadpool_postgres::Client,
    user: &SignedIn,
    id: &str,
    index: u32,
    bytes: &[u8],
) -> Result<AttachmentStatus> {
    let record = record(client, id).await?;
    let who = holder(client, user).await?;
    may_upload(user, &who, &record)?;
    let expected = check_index(&record, id, index)?;
    if u64::try_from(bytes.len()).ok() != Some(expected) {
        return Err(Error::BadRequest(format!(
            "chunk {index} of attachment {id} is {expected} bytes sealed (its record's size says so), not {}",
            bytes.len()
        )));
    }
    let chunk = i32::try_from(index).unwrap_or(i32::MAX);
    let stored = client
        .execute(
            "INSERT INTO attachment_chunks (attachment_id, chunk, bytes, uploaded_by, device_id)
             VALUES (CAST($1 AS TEXT)::uuid, $2, $3, CAST($4 AS TEXT)::uuid, CAST($5 AS TEXT)::uuid)
             ON CONFLICT (attachment_id, chunk) DO NOTHING",
            &[&id, &chunk, &bytes, &user.user_id, &user.device.id],
        )
        .await?;
    if stored == 0 {
        let same: bool = client
            .query_one(
                "SELECT bytes = $3 FROM attachment_chunks
                 WHERE attachment_id = CAST($1 AS TEXT)::uuid AND chunk = $2",
                &[&id, &chunk, &bytes],
            )
            .await?
            .get(0);
        if !same {
            return Err(Error::Conflict(format!(
                "chunk {index} of attachment {id} is already stored with other bytes; an attachment's bytes never change"
            )));
        }
    }
    status_of(client, id, &record).await
}

/// One sealed chunk, for a user who may read the attachment's patient's record.
pub async fn get_chunk(
    client: &deadpool_postgres::Client,
    user: &SignedIn,
    id: &str,
    index: u32,
) -> Result<Vec<u8>> {
    let record = record(client, id).await?;
    let who = holder(client, user).await?;
    if !may_read(client, &who, &record).await? {
        return Err(read_refused(&who));
    }
    check_index(&record, id, index)?;
    let chunk = i32::try_from(index).unwrap_or(i32::MAX);
    client
        .query_opt(
            "SELECT bytes FROM attachment_chunks
             WHERE attachment_id = CAST($1 AS TEXT)::uuid AND chunk = $2",
            &[&id, &chunk],
        )
        .await?
        .map(|r| r.get(0))
        .ok_or_else(|| {
            Error::NotFound(format!(
                "chunk {index} of attachment {id} has not reached the server yet: the workstation that added it sends it at its next sync"
            ))
        })
}
