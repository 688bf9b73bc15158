// The visit screen's commands: the visit itself, its notes (write, revise, sign, addendum,
// every version) and completing it. The doctor's day opens visits (screens/day/api.ts).

import { call, callAction } from '../../lib/api';
import type { Encounter } from '../../lib/generated/Encounter';
import type { Note } from '../../lib/generated/Note';
import type { NoteContent } from '../../lib/generated/NoteContent';
import type { NoteKind } from '../../lib/generated/NoteKind';
import type { NoteVersion } from '../../lib/generated/NoteVersion';
import type { VisitStatus } from '../../lib/generated/VisitStatus';

export type { Encounter, Note, NoteContent, NoteKind, NoteVersion, VisitStatus };

/** One visit (an audited read). */
export function encounter(id: string): Promise<Encounter> {
  return call<Encounter>('encounter', { id });
}

/** Completes the visit (and its appointment). */
export function completeEncounter(id: string): Promise<Encounter> {
  return callAction<Encounter>('complete_encounter', { id });
}

/** A visit's notes and addenda, oldest first (an audited read). */
export function visitNotes(encounterId: string): Promise<Note[]> {
  return call<Note[]>('visit_notes', { encounter_id: encounterId });
}

/** A new note on an open visit: the core makes it SOAP for a doctor, nursing for a nurse. */
export function writeNote(encounterId: string, content: NoteContent): Promise<Note> {
  return callAction<Note>('write_note', { encounter_id: encounterId, content });
}

/** A new version of one's own unsigned note. */
export function reviseNote(id: string, content: NoteContent): Promise<Note> {
  return callAction<Note>('revise_note', { id, content });
}

/** Signs one's own note: frozen from then on. */
export function signNote(id: string): Promise<Note> {
  return callAction<Note>('sign_note', { id });
}

/** Corrects a signed note with an addendum (signed as it is written). */
export function addAddendum(id: string, text: string): Promise<Note> {
  return callAction<Note>('add_addendum', { id, text });
}

/** Every version of a note, oldest first (an audited read). */
export function noteHistory(id: string): Promise<NoteVersion[]> {
  return call<NoteVersion[]>('note_history', { id });
}
