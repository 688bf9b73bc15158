import { describe, expect, it } from 'vitest';

import type { PatientMerge, PatientSummary } from './api';
import { activeMergeOf, mergeProblem, movedSummary, otherRecord, sideOf } from './merge';
import { mergeStrings } from './strings';

const merge = (over: Partial<PatientMerge> = {}): PatientMerge => ({
  id: 'm1',
  survivor_id: 'keep',
  merged_id: 'dup',
  moved: [],
  merged_at: '2026-01-05T09:00:00.000Z',
  undone_at: null,
  ...over,
});

const summary = (over: Partial<PatientSummary> = {}): PatientSummary => ({
  id: 'dup',
  mrn: 'BR01-X-000002',
  given_name: 'Mary',
  family_name: 'Seacole',
  date_of_birth: '1955-11-23',
  sex: 'female',
  phone: null,
  active: true,
  ...over,
});

describe('merge record', () => {
  it('says what moved, in words, singular or plural', () => {
    expect(movedSummary(merge())).toBe(mergeStrings.nothingMoved);
    expect(
      movedSummary(
        merge({
          moved: [
            { table: 'appointments', ids: ['a', 'b', 'c'] },
            { table: 'lab_orders', ids: ['l1'] },
          ],
        }),
      ),
    ).toBe('3 appointments, 1 lab_orders');
    expect(movedSummary(merge({ moved: [{ table: 'appointments', ids: ['a'] }] }))).toBe('1 appointment');
  });

  it('tells the two sides apart and finds the merge to undo', () => {
    const done = merge({ id: 'old', undone_at: '2026-01-06T09:00:00.000Z' });
    const open = merge({ id: 'new' });
    expect(sideOf(open, 'dup')).toBe('merged');
    expect(sideOf(open, 'keep')).toBe('survivor');
    expect(otherRecord(open, 'dup')).toBe('keep');
    expect(otherRecord(open, 'keep')).toBe('dup');
    expect(activeMergeOf([done, open], 'dup')?.id).toBe('new');
    expect(activeMergeOf([done], 'dup')).toBeNull();
    expect(activeMergeOf([open], 'keep')).toBeNull();
  });
});

describe('picking the duplicate', () => {
  it('refuses the record itself and archived ones before asking the core', () => {
    expect(mergeProblem('keep', summary({ id: 'keep' }))).toBe(mergeStrings.sameRecord);
    expect(mergeProblem('keep', summary({ active: false }))).toBe(mergeStrings.notActive);
    expect(mergeProblem('keep', summary())).toBeNull();
  });
});
