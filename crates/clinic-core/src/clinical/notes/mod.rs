//! Notes: a doctor's SOAP note (subjective, objective, assessment, plan) or a nurse's
//! nursing note on a visit, every edit a new version, frozen when signed; after that
//! only an addendum (its own signed entry) corrects it.
//!
//! Invariants: every version is kept whole and never changed (the table refuses it), so
//! the history shows who wrote what and when; only a note's author revises or signs it
//! (`note_revise` is the doctor's own, a nurse's note is hers); a nurse never writes,
//! amends or signs a doctor's note and nobody deletes one; a signed note changes no
//! more. Every read of a note or its history is an audited read of the patient's record.

pub(crate) mod store;

use serde::{Deserialize, Serialize};

use crate::actor::Role;
use crate::clock::to_db_time;
use crate::error::{Error, Result};
use crate::ids::{EncounterId, NoteId, NoteVersionId, PatientId, UserId, new_v7_at};
use crate::policy::{Action, Target};
use crate::session::Session;
use crate::store::audit::{self, Event, Outcome};

/// The longest section a note takes (characters).
pub const SECTION_MAX: usize = 20_000;

/// Which note a user writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// A doctor's note in four sections.
    Soap,
    /// A nurse's note in one body.
    Nursing,
}

impl NoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Soap => "soap",
            NoteKind::Nursing => "nursing",
        }
    }

    /// The note a role writes: doctors SOAP, everyone else who may write a nursing note.
    pub fn for_role(role: Role) -> NoteKind {
        if role == Role::Doctor {
            NoteKind::Soap
        } else {
            NoteKind::Nursing
        }
    }
}

/// What a version says. A SOAP note uses the four sections, a nursing note and an
/// addendum the body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteContent {
    #[serde(default)]
    pub subjective: String,
    #[serde(default)]
    pub objective: String,
    #[serde(default)]
    pub assessment: String,
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub body: String,
}

impl NoteContent {
    pub fn is_empty(&self) -> bool {
        [
            &self.subjective,
            &self.objective,
            &self.assessment,
            &self.plan,
            &self.body,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }

    /// The note as text, one section per paragraph (for the CLI, the diff and printing).
    pub fn as_text(&self) -> String {
        let mut out = Vec::new();
        for (label, text) in [
            ("Subjective", &self.subjective),
            ("Objective", &self.objective),
            ("Assessment", &self.assessment),
            ("Plan", &self.plan),
        ] {
            if !text.trim().is_empty() {
                out.push(format!("{label}:\n{}", text.trim_end()));
            }
        }
        if !self.body.trim().is_empty() {
            out.push(self.body.trim_end().to_owned());
        }
        out.join("\n\n")
    }

    fn checked(&self) -> Result<NoteContent> {
        let clean = |field: &'static str, text: &str| -> Result<String> {
            let text = text.replace("\r\n", "\n");
            if text.chars().count() > SECTION_MAX {
                return Err(Error::validation(
                    field,
                    format!(
                        "is longer than {SECTION_MAX} characters; split it or attach a document"
                    ),
                ));
            }
            Ok(text.trim_end().to_owned())
        };
        let c = NoteContent {
            subjective: clean("subjective", &self.subjective)?,
            objective: clean("objective", &self.objective)?,
            assessment: clean("assessment", &self.assessment)?,
            plan: clean("plan", &self.plan)?,
            body: clean("body", &self.body)?,
        };
        if c.is_empty() {
            return Err(Error::validation(
                "note",
                "the note is empty; write at least one section",
            ));
        }
        Ok(c)
    }
}

/// A note as it stands: its header and its latest version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub id: NoteId,
    pub encounter_id: EncounterId,
    pub patient_id: PatientId,
    /// `soap`, `nursing` or `addendum`.
    pub kind: String,
    pub addendum_to: Option<NoteId>,
    pub author_id: UserId,
    pub author_role: String,
    pub author_name: String,
    pub created_at: String,
    pub version: i64,
    pub signed_at: Option<String>,
    pub signed_by: Option<UserId>,
    pub content: NoteContent,
    /// When the latest version was written.
    pub written_at: String,
}

impl Note {
    pub fn is_signed(&self) -> bool {
        self.signed_at.is_some()
    }
}

/// One version of a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteVersion {
    pub id: NoteVersionId,
    pub note_id: NoteId,
    pub patient_id: PatientId,
    pub version: i64,
    pub author_id: UserId,
    pub author_name: String,
    pub written_at: String,
    pub content: NoteContent,
}

/// One line of a side-by-side comparison of two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffLine {
    /// `same`, `removed` (only in the older) or `added` (only in the newer).
    pub change: &'static str,
    pub text: String,
}

/// Line by line, what changed from `old` to `new` (longest common subsequence).
pub fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    let line = |change, text: &str| DiffLine {
        change,
        text: text.to_owned(),
    };
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            out.push(line("same", a[i]));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] > lcs[i + 1][j]) {
            out.push(line("added", b[j]));
            j += 1;
        } else {
            out.push(line("removed", a[i]));
            i += 1;
        }
    }
    out
}

impl Session {
    /// Writes a new note on an open visit: a doctor's SOAP note or a nursing note.
    pub fn write_note(
        &mut self,
        encounter: EncounterId,
        kind: NoteKind,
        content: &NoteContent,
    ) -> Result<Note> {
        let e = self.encounter_unaudited(encounter)?;
        let action = match kind {
            NoteKind::Soap => Action::RecordWrite,
            NoteKind::Nursing => Action::NoteAdd,
        };
        self.authorize(action, Target::Patient(e.patient_id))?;
        if !e.is_open() {
            return Err(Error::validation(
                "encounter",
                "this visit is completed; correct a signed note with an addendum",
            ));
        }
        let content = content.checked()?;
        let id = self.transact(|tx, ctx, actor| {
            let id = NoteId(new_v7_at(ctx.now));
            let note = Note {
                id,
                encounter_id: encounter,
                patient_id: e.patient_id,
                kind: kind.as_str().into(),
                addendum_to: None,
                author_id: actor.user,
                author_role: actor.role.as_str().into(),
                author_name: String::new(),
                created_at: to_db_time(ctx.now),
                version: 1,
                signed_at: None,
                signed_by: None,
                content: content.clone(),
                written_at: to_db_time(ctx.now),
            };
            store::insert_note(tx, ctx, &note)?;
            store::insert_version(tx, ctx, &first_version(&note, ctx.now))?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("note.write", Outcome::Success)
                    .entity("note", id)
                    .patient(e.patient_id)
                    .details(serde_json::json!({ "kind": kind.as_str(), "encounter": encounter })),
            )?;
            Ok(id)
        })?;
        self.note_unaudited(id)
    }

    /// A new version of the author's own unsigned note.
    pub fn revise_note(&mut self, id: NoteId, content: &NoteContent) -> Result<Note> {
        let note = self.note_unaudited(id)?;
        self.may_change(&note, "note_revise")?;
        let content = content.checked()?;
        if content == note.content {
            return Err(Error::validation(
                "note",
                "nothing changed since the last version",
            ));
        }
        self.transact(|tx, ctx, actor| {
            let version = note.version + 1;
            store::insert_version(
                tx,
                ctx,
                &NoteVersion {
                    id: NoteVersionId(new_v7_at(ctx.now)),
                    note_id: id,
                    patient_id: note.patient_id,
                    version,
                    author_id: actor.user,
                    author_name: String::new(),
                    written_at: to_db_time(ctx.now),
                    content: content.clone(),
                },
            )?;
            store::set_version(tx, ctx, id, version)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("note.revise", Outcome::Success)
                    .entity("note", id)
                    .patient(note.patient_id)
                    .details(serde_json::json!({ "version": version })),
            )?;
            Ok(())
        })?;
        self.note_unaudited(id)
    }

    /// Signs the author's own note; it is frozen from now on.
    pub fn sign_note(&mut self, id: NoteId) -> Result<Note> {
        let note = self.note_unaudited(id)?;
        self.may_change(&note, "note_sign")?;
        self.transact(|tx, ctx, actor| {
            store::sign(tx, ctx, id)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("note.sign", Outcome::Success)
                    .entity("note", id)
                    .patient(note.patient_id)
                    .details(serde_json::json!({ "version": note.version })),
            )?;
            Ok(())
        })?;
        self.note_unaudited(id)
    }

    /// Corrects a signed note with an addendum: a new entry by the signed-in doctor,
    /// signed as it is written.
    pub fn add_addendum(&mut self, to: NoteId, text: &str) -> Result<Note> {
        let target = self.note_unaudited(to)?;
        self.authorize(Action::RecordWrite, Target::Patient(target.patient_id))?;
        if !target.is_signed() {
            return Err(Error::validation(
                "note",
                "this note is not signed yet: its author edits it instead",
            ));
        }
        let content = NoteContent {
            body: text.to_owned(),
            ..NoteContent::default()
        }
        .checked()?;
        let id = self.transact(|tx, ctx, actor| {
            let id = NoteId(new_v7_at(ctx.now));
            let now = to_db_time(ctx.now);
            let note = Note {
                id,
                encounter_id: target.encounter_id,
                patient_id: target.patient_id,
                kind: "addendum".into(),
                addendum_to: Some(to),
                author_id: actor.user,
                author_role: actor.role.as_str().into(),
                author_name: String::new(),
                created_at: now.clone(),
                version: 1,
                signed_at: None,
                signed_by: None,
                content: content.clone(),
                written_at: now,
            };
            store::insert_note(tx, ctx, &note)?;
            store::insert_version(tx, ctx, &first_version(&note, ctx.now))?;
            store::sign(tx, ctx, id)?;
            audit::append(
                tx,
                ctx,
                Some(actor),
                ctx.now,
                &Event::new("note.addendum", Outcome::Success)
                    .entity("note", id)
                    .patient(target.patient_id)
                    .details(serde_json::json!({ "to": to })),
            )?;
            Ok(id)
        })?;
        self.note_unaudited(id)
    }

    /// One note as it stands (an audited read).
    pub fn note(&mut self, id: NoteId) -> Result<Note> {
        let note = self.note_unaudited(id)?;
        self.read_record(note.patient_id, "note", Some(("note", id.to_string())))?;
        Ok(note)
    }

    /// Every version of a note, oldest first (an audited read).
    pub fn note_history(&mut self, id: NoteId) -> Result<Vec<NoteVersion>> {
        let note = self.note_unaudited(id)?;
        self.read_record(
            note.patient_id,
            "note_history",
            Some(("note", id.to_string())),
        )?;
        store::versions(self.live()?.store.conn(), id)
    }

    /// A visit's notes and addenda, oldest first (an audited read).
    pub fn visit_notes(&mut self, encounter: EncounterId) -> Result<Vec<Note>> {
        let e = self.encounter_unaudited(encounter)?;
        self.read_record(
            e.patient_id,
            "notes",
            Some(("encounter", encounter.to_string())),
        )?;
        store::for_encounter(self.live()?.store.conn(), encounter)
    }

    fn note_unaudited(&mut self, id: NoteId) -> Result<Note> {
        store::get(self.live()?.store.conn(), id)?
            .ok_or_else(|| Error::validation("note", format!("there is no note {id}")))
    }

    /// Whether the signed-in user may revise or sign `note`: its author only (a doctor's
    /// note also needs `note_revise`, which doctors hold for their own), and only while
    /// it is unsigned.
    fn may_change(&mut self, note: &Note, what: &'static str) -> Result<()> {
        match note.kind.as_str() {
            "nursing" => self.authorize(Action::NoteAdd, Target::Patient(note.patient_id))?,
            _ => self.authorize(Action::NoteRevise, Target::NoteBy(note.author_id))?,
        }
        if note.author_id != self.actor().user {
            self.write_event(
                Event::new(what, Outcome::Denied)
                    .entity("note", note.id)
                    .patient(note.patient_id)
                    .details(serde_json::json!({ "reason": "not_owner" })),
            )?;
            return Err(Error::Forbidden {
                action: what,
                reason: "not_owner",
            });
        }
        if note.is_signed() {
            return Err(Error::validation(
                "note",
                "this note is signed and frozen; correct it with an addendum",
            ));
        }
        Ok(())
    }
}

fn first_version(note: &Note, at: chrono::DateTime<chrono::Utc>) -> NoteVersion {
    NoteVersion {
        id: NoteVersionId(new_v7_at(at)),
        note_id: note.id,
        patient_id: note.patient_id,
        version: 1,
        author_id: note.author_id,
        author_name: String::new(),
        written_at: to_db_time(at),
        content: note.content.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_keeps_common_lines_and_marks_what_went_and_came() {
        let d = diff(
            "cough\nfever 38.5\nplan: rest",
            "cough\nfever 39.1\nplan: rest\nreview in 3 days",
        );
        let marks: Vec<(&str, &str)> = d.iter().map(|l| (l.change, l.text.as_str())).collect();
        assert_eq!(
            marks,
            vec![
                ("same", "cough"),
                ("removed", "fever 38.5"),
                ("added", "fever 39.1"),
                ("same", "plan: rest"),
                ("added", "review in 3 days"),
            ]
        );
    }

    #[test]
    fn an_empty_or_oversized_note_is_refused_with_the_section_named() {
        assert!(NoteContent::default().checked().is_err());
        let long = NoteContent {
            plan: "x".repeat(SECTION_MAX + 1),
            ..NoteContent::default()
        };
        let err = long.checked().unwrap_err();
        assert!(
            err.to_string().contains("plan") || format!("{err:?}").contains("plan"),
            "{err}"
        );
    }
}
