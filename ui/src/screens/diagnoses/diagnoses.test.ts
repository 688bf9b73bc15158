import { describe, expect, it } from 'vitest';

import { placeError } from '../../lib/forms';
import type { Diagnosis } from './api';
import { DIAGNOSIS_ERROR_FIELDS, diagnosisInput, sortDiagnoses, startsPrimary } from './diagnoses';

const form = { primary: true, chronic: true, onset: ' 2025-11-01 ', note: '' };

function dx(id: string, fields: Partial<Diagnosis>): Diagnosis {
  return {
    id,
    patient_id: 'p',
    encounter_id: 'v1',
    code: 'I10',
    title: 'Essential (primary) hypertension',
    note: null,
    primary: false,
    onset: null,
    resolved: false,
    chronic: false,
    archived: false,
    recorded_by_name: 'dr.wanjiru',
    recorded_at: '2026-01-05T06:00:00.000Z',
    updated_at: '2026-01-05T06:00:00.000Z',
    ...fields,
  };
}

describe('the diagnosis form', () => {
  it('sends a chosen code (the core fills in its title) or free text, never both', () => {
    const code = { code: 'E11.9', title: 'Type 2 diabetes mellitus without complications', billable: true };
    expect(diagnosisInput({ kind: 'code', code }, form)).toEqual({
      code: 'E11.9',
      title: null,
      note: null,
      primary: true,
      onset: '2025-11-01',
      chronic: true,
    });
    expect(diagnosisInput({ kind: 'free', title: '  Worried well ' }, { ...form, note: 'ask again', onset: '' })).toEqual({
      code: null,
      title: 'Worried well',
      note: 'ask again',
      primary: true,
      onset: null,
      chronic: true,
    });
  });

  it('shows a refused code by the search and a bad onset by its field', () => {
    expect(placeError({ code: 'validation', message: 'E99 is not an ICD-10-CM code', field: 'code' }, DIAGNOSIS_ERROR_FIELDS).fields).toEqual({
      choice: 'E99 is not an ICD-10-CM code.',
    });
    expect(placeError({ code: 'validation', message: 'is in the future', field: 'onset' }, DIAGNOSIS_ERROR_FIELDS).fields).toEqual({
      onset: 'Is in the future.',
    });
  });

  it('starts primary unless the visit already has a current primary diagnosis', () => {
    expect(startsPrimary([], 'v1')).toBe(true);
    expect(startsPrimary([dx('a', { primary: true })], 'v1')).toBe(false);
    expect(startsPrimary([dx('a', { primary: true, encounter_id: 'old' })], 'v1')).toBe(true);
    expect(startsPrimary([dx('a', { primary: true, archived: true })], 'v1')).toBe(true);
  });
});

describe('the list of diagnoses', () => {
  it('puts current ones first, primary before secondary, then resolved, archived last', () => {
    const list = [
      dx('archived', { archived: true }),
      dx('resolved', { resolved: true }),
      dx('secondary-old', { recorded_at: '2025-01-01T00:00:00.000Z' }),
      dx('primary', { primary: true }),
      dx('secondary-new', {}),
    ];
    expect(sortDiagnoses(list).map((d) => d.id)).toEqual(['primary', 'secondary-new', 'secondary-old', 'resolved', 'archived']);
  });
});
