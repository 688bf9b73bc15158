import { describe, expect, it } from 'vitest';

import type { Note, NoteVersion } from './api';
import { addendaOf, defaultPair, draftOf, emptyContent, lineDiff, noteText, sameContent, sideBySide } from './notes';

const labels = { subjective: 'Subjective', objective: 'Objective', assessment: 'Assessment', plan: 'Plan' };

describe('a note as text', () => {
  it('writes each section under its label, as the core does', () => {
    const content = { ...emptyContent(), subjective: 'Cough for 3 days.', plan: 'Rest.\nFluids.  ' };
    expect(noteText(content, labels)).toBe('Subjective:\nCough for 3 days.\n\nPlan:\nRest.\nFluids.');
    expect(noteText({ ...emptyContent(), body: 'Observations taken.' }, labels)).toBe('Observations taken.');
  });

  it('sees trailing spaces as no change', () => {
    expect(sameContent({ ...emptyContent(), plan: 'Rest ' }, { ...emptyContent(), plan: 'Rest' })).toBe(true);
    expect(sameContent({ ...emptyContent(), plan: 'Rest' }, { ...emptyContent(), plan: 'rest' })).toBe(false);
  });
});

describe('comparing two versions', () => {
  it('keeps common lines and marks what went and came (the core’s own example)', () => {
    const d = lineDiff('cough\nfever 38.5\nplan: rest', 'cough\nfever 39.1\nplan: rest\nreview in 3 days');
    expect(d.map((l) => [l.change, l.text])).toEqual([
      ['same', 'cough'],
      ['removed', 'fever 38.5'],
      ['added', 'fever 39.1'],
      ['same', 'plan: rest'],
      ['added', 'review in 3 days'],
    ]);
  });

  it('lays a change out side by side: the old line facing its replacement', () => {
    expect(sideBySide('cough\nfever 38.5\nplan: rest', 'cough\nfever 39.1\nplan: rest\nreview in 3 days')).toEqual([
      { change: 'same', left: 'cough', right: 'cough' },
      { change: 'changed', left: 'fever 38.5', right: 'fever 39.1' },
      { change: 'same', left: 'plan: rest', right: 'plan: rest' },
      { change: 'added', left: null, right: 'review in 3 days' },
    ]);
  });

  it('leaves unmatched removals on the left only', () => {
    expect(sideBySide('a\nb\nc\nd', 'a\nX\nd')).toEqual([
      { change: 'same', left: 'a', right: 'a' },
      { change: 'changed', left: 'b', right: 'X' },
      { change: 'removed', left: 'c', right: null },
      { change: 'same', left: 'd', right: 'd' },
    ]);
  });

  it('compares from nothing and to nothing', () => {
    expect(sideBySide('', 'new')).toEqual([{ change: 'added', left: null, right: 'new' }]);
    expect(sideBySide('old', '')).toEqual([{ change: 'removed', left: 'old', right: null }]);
    expect(sideBySide('', '')).toEqual([]);
  });
});

function note(id: string, fields: Partial<Note>): Note {
  return {
    id,
    encounter_id: 'v',
    patient_id: 'p',
    kind: 'soap',
    addendum_to: null,
    author_id: 'me',
    author_role: 'doctor',
    author_name: 'dr.wanjiru',
    created_at: '2026-01-05T06:00:00.000Z',
    version: 1,
    signed_at: null,
    content: emptyContent(),
    written_at: '2026-01-05T06:00:00.000Z',
    ...fields,
  };
}

describe('which note is being written', () => {
  it('is one’s own unsigned note, never someone else’s or a signed one', () => {
    const notes = [
      note('signed', { signed_at: '2026-01-05T07:00:00.000Z' }),
      note('nurse', { author_id: 'nurse', kind: 'nursing' }),
      note('mine', {}),
    ];
    expect(draftOf(notes, 'me')?.id).toBe('mine');
    expect(draftOf(notes, 'nurse')?.id).toBe('nurse');
    expect(draftOf(notes.slice(0, 1), 'me')).toBeNull();
  });

  it('finds the addenda of a signed note', () => {
    const signed = note('signed', { signed_at: '2026-01-05T07:00:00.000Z' });
    const notes = [signed, note('a1', { kind: 'addendum', addendum_to: 'signed' }), note('a2', { kind: 'addendum', addendum_to: 'other' })];
    expect(addendaOf(notes, signed).map((n) => n.id)).toEqual(['a1']);
  });
});

describe('the history’s first comparison', () => {
  const version = (n: number): NoteVersion => ({ id: `v${n}`, note_id: 'n', version: n, author_name: 'dr.wanjiru', written_at: '', content: emptyContent() });
  it('is the version before the latest against the latest', () => {
    expect(defaultPair([version(1), version(2), version(3)])).toEqual([2, 3]);
    expect(defaultPair([version(1)])).toEqual([1, 1]);
    expect(defaultPair([])).toBeNull();
  });
});
