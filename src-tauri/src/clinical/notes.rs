//! Notes on a visit: a doctor's SOAP note or a nurse's nursing note (the core picks the
//! kind from the role), each save a new version, signing freezes it, an addendum corrects
//! a signed note; a visit's notes and one note's every version.

use std::sync::Arc;

use clinic_core::ids::{EncounterId, NoteId};
use serde::{Deserialize, Serialize};

use crate::shell::{Reply, Result, Shared, Shell, blocking, parse_id};

// ---- commands -------------------------------------------------------------------------

#[tauri::command(rename_all = "snake_case")]
pub async fn visit_notes(shell: Shared<'_>, encounter_id: String) -> Reply<Vec<Note>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.visit_notes(&encounter_id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn write_note(
    shell: Shared<'_>,
    encounter_id: String,
    content: NoteContent,
) -> Reply<Note> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.write_note(&encounter_id, content)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn revise_note(shell: Shared<'_>, id: String, content: NoteContent) -> Reply<Note> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.revise_note(&id, content)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sign_note(shell: Shared<'_>, id: String) -> Reply<Note> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.sign_note(&id)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_addendum(shell: Shared<'_>, id: String, text: String) -> Reply<Note> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.add_addendum(&id, &text)).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn note_history(shell: Shared<'_>, id: String) -> Reply<Vec<NoteVersion>> {
    let shell = Arc::clone(&shell);
    blocking(move || shell.note_history(&id)).await
}

// ---- steps: parse what the UI sent, call the core, map the answer ---------------------

impl Shell {
    /// A visit's notes and addenda, oldest first (an audited read).
    pub fn visit_notes(&self, encounter_id: &str) -> Result<Vec<Note>> {
        let id: EncounterId = parse_id("encounter", encounter_id)?;
        self.with_open(|open| {
            let notes = open.session.visit_notes(id)?;
            Ok(notes.into_iter().map(Note::from).collect())
        })
    }

    /// A new note on an open visit: SOAP for a doctor, a nursing note for a nurse.
    pub fn write_note(&self, encounter_id: &str, content: NoteContent) -> Result<Note> {
        let id: EncounterId = parse_id("encounter", encounter_id)?;
        let content = content.into();
        self.with_open(|open| {
            let kind = clinic_core::clinical::notes::NoteKind::for_role(open.session.actor().role);
            Ok(open.session.write_note(id, kind, &content)?.into())
        })
    }

    /// A new version of the author's own unsigned note.
    pub fn revise_note(&self, id: &str, content: NoteContent) -> Result<Note> {
        let id: NoteId = parse_id("note", id)?;
        let content = content.into();
        self.with_open(|open| Ok(open.session.revise_note(id, &content)?.into()))
    }

    pub fn sign_note(&self, id: &str) -> Result<Note> {
        let id: NoteId = parse_id("note", id)?;
        self.with_open(|open| Ok(open.session.sign_note(id)?.into()))
    }

    pub fn add_addendum(&self, id: &str, text: &str) -> Result<Note> {
        let id: NoteId = parse_id("note", id)?;
        self.with_open(|open| Ok(open.session.add_addendum(id, text)?.into()))
    }

    /// Every version of a note, oldest first (an audited read).
    pub fn note_history(&self, id: &str) -> Result<Vec<NoteVersion>> {
        let id: NoteId = parse_id("note", id)?;
        self.with_open(|open| {
            let versions = open.session.note_history(id)?;
            Ok(versions.into_iter().map(NoteVersion::from).collect())
        })
    }
}

// ---- wire types -----------------------------------------------------------------------

/// What a version says: a SOAP note's four sections, or a nursing note's or an
/// addendum's body (the others empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NoteContent {
    pub subjective: String,
    pub objective: String,
    pub assessment: String,
    pub plan: String,
    pub body: String,
}

impl From<NoteContent> for clinic_core::clinical::notes::NoteContent {
    fn from(c: NoteContent) -> Self {
        Self {
            subjective: c.subjective,
            objective: c.objective,
            assessment: c.assessment,
            plan: c.plan,
            body: c.body,
        }
    }
}

impl From<clinic_core::clinical::notes::NoteContent> for NoteContent {
    fn from(c: clinic_core::clinical::notes::NoteContent) -> Self {
        Self {
            subjective: c.subjective,
            objective: c.objective,
            assessment: c.assessment,
            plan: c.plan,
            body: c.body,
        }
    }
}

/// Which note it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    Soap,
    Nursing,
    Addendum,
    /// A kind this version of the app does not know (from a newer workstation).
    Unknown,
}

/// A note as it stands: its latest version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Note {
    pub id: String,
    pub encounter_id: String,
    pub patient_id: String,
    pub kind: NoteKind,
    /// For an addendum: the signed note it corrects.
    pub addendum_to: Option<String>,
    pub author_id: String,
    pub author_role: String,
    pub author_name: String,
    pub created_at: String,
    /// The latest version's number (1 for a note never revised).
    pub version: i64,
    /// Set once signed: the note is frozen from then on.
    pub signed_at: Option<String>,
    pub content: NoteContent,
    /// When the latest version was written.
    pub written_at: String,
}

impl From<clinic_core::clinical::notes::Note> for Note {
    fn from(n: clinic_core::clinical::notes::Note) -> Self {
        Self {
            id: n.id.to_string(),
            encounter_id: n.encounter_id.to_string(),
            patient_id: n.patient_id.to_string(),
            kind: match n.kind.as_str() {
                "soap" => NoteKind::Soap,
                "nursing" => NoteKind::Nursing,
                "addendum" => NoteKind::Addendum,
                _ => NoteKind::Unknown,
            },
            addendum_to: n.addendum_to.map(|id| id.to_string()),
            author_id: n.author_id.to_string(),
            author_role: n.author_role,
            author_name: n.author_name,
            created_at: n.created_at,
            version: n.version,
            signed_at: n.signed_at,
            content: n.content.into(),
            written_at: n.written_at,
        }
    }
}

/// One version of a note, whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NoteVersion {
    pub id: String,
    pub note_id: String,
    pub version: i64,
    pub author_name: String,
    pub written_at: String,
    pub content: NoteContent,
}

impl From<clinic_core::clinical::notes::NoteVersion> for NoteVersion {
    fn from(v: clinic_core::clinical::notes::NoteVersion) -> Self {
        Self {
            id: v.id.to_string(),
            note_id: v.note_id.to_string(),
            version: v.version,
            author_name: v.author_name,
            written_at: v.written_at,
            content: v.content.into(),
        }
    }
}

/// This feature's wire types, for `dto::typescript`.
#[cfg(test)]
pub(crate) fn export_types(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS as _;
    NoteContent::export_all(cfg)?;
    Note::export_all(cfg)?;
    NoteVersion::export_all(cfg)?;
    Ok(())
}
