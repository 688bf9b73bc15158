// Notes without Svelte: a version as text (the sections the core's `as_text` writes),
// a line-by-line comparison of two versions laid out side by side, and which note the
// signed-in person is writing. Tested in notes.test.ts.

import type { Note, NoteContent, NoteVersion } from './api';

export const SOAP_SECTIONS = ['subjective', 'objective', 'assessment', 'plan'] as const;
export type SoapSection = (typeof SOAP_SECTIONS)[number];

export function emptyContent(): NoteContent {
  return { subjective: '', objective: '', assessment: '', plan: '', body: '' };
}

/** Whether two versions say the same (what the core compares, trailing spaces aside). */
export function sameContent(a: NoteContent, b: NoteContent): boolean {
  const keys = [...SOAP_SECTIONS, 'body'] as const;
  return keys.every((k) => a[k].replace(/\s+$/, '') === b[k].replace(/\s+$/, ''));
}

/** A version as text: each SOAP section under its label, then the body (as the core's `as_text`). */
export function noteText(content: NoteContent, labels: Record<SoapSection, string>): string {
  const out: string[] = [];
  for (const section of SOAP_SECTIONS) {
    const text = content[section];
    if (text.trim() !== '') out.push(`${labels[section]}:\n${text.replace(/\s+$/, '')}`);
  }
  if (content.body.trim() !== '') out.push(content.body.replace(/\s+$/, ''));
  return out.join('\n\n');
}

export type LineChange = 'same' | 'removed' | 'added';

/** Line by line, what changed from `old` to `next` (longest common subsequence, as the core's `diff`). */
export function lineDiff(old: string, next: string): { change: LineChange; text: string }[] {
  const a = old === '' ? [] : old.split('\n');
  const b = next === '' ? [] : next.split('\n');
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: { change: LineChange; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ change: 'same', text: a[i]! });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! > lcs[i + 1]![j]!)) {
      out.push({ change: 'added', text: b[j]! });
      j++;
    } else {
      out.push({ change: 'removed', text: a[i]! });
      i++;
    }
  }
  return out;
}

/** One row of a side-by-side comparison: the old line on the left, the new on the right. */
export interface DiffRow {
  change: 'same' | 'changed' | 'removed' | 'added';
  left: string | null;
  right: string | null;
}

/**
 * Two versions side by side: unchanged lines face each other; a run of removed lines
 * followed by added ones pairs up row by row as changed (the rest stay removed or added).
 */
export function sideBySide(old: string, next: string): DiffRow[] {
  const lines = lineDiff(old, next);
  const rows: DiffRow[] = [];
  let k = 0;
  while (k < lines.length) {
    const line = lines[k]!;
    if (line.change === 'same') {
      rows.push({ change: 'same', left: line.text, right: line.text });
      k++;
      continue;
    }
    const removed: string[] = [];
    const added: string[] = [];
    while (k < lines.length && lines[k]!.change !== 'same') {
      const l = lines[k]!;
      (l.change === 'removed' ? removed : added).push(l.text);
      k++;
    }
    const pairs = Math.max(removed.length, added.length);
    for (let p = 0; p < pairs; p++) {
      const left = removed[p] ?? null;
      const right = added[p] ?? null;
      rows.push({ change: left !== null && right !== null ? 'changed' : left !== null ? 'removed' : 'added', left, right });
    }
  }
  return rows;
}

/** The note the signed-in person is writing on this visit: their own, unsigned, not an addendum. */
export function draftOf(notes: readonly Note[], userId: string): Note | null {
  return notes.find((n) => n.author_id === userId && n.signed_at === null && n.kind !== 'addendum') ?? null;
}

/** The addenda that correct `note`, oldest first. */
export function addendaOf(notes: readonly Note[], note: Note): Note[] {
  return notes.filter((n) => n.kind === 'addendum' && n.addendum_to === note.id);
}

/** The pair compared when a history opens: the version before the latest, and the latest. */
export function defaultPair(versions: readonly NoteVersion[]): [number, number] | null {
  if (versions.length === 0) return null;
  const latest = versions[versions.length - 1]!.version;
  const before = versions.length > 1 ? versions[versions.length - 2]!.version : latest;
  return [before, latest];
}
