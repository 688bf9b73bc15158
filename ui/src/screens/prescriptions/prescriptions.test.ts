import { describe, expect, it } from 'vitest';

import type { Diagnosis } from '../diagnoses/api';
import type { Drug, PrescriptionWarning } from './api';
import {
  canIssue,
  defaultDiagnosis,
  diagnosisChoices,
  emptyItemForm,
  formFor,
  groupWarnings,
  itemInput,
  nextQuantity,
  overrideReasonFor,
  wholeNumber,
} from './prescriptions';

const warning = (severity: PrescriptionWarning['severity'], message: string): PrescriptionWarning => ({
  kind: 'interaction',
  severity,
  message,
  advice: 'advice',
  source: 'source',
  serious: severity === 'serious',
  items: [1, 2],
});

const simvastatin: Drug = {
  name: 'simvastatin',
  strengths: ['10 mg', '20 mg'],
  forms: ['tablet'],
  routes: ['oral'],
  ingredients: ['simvastatin'],
  classes: ['statins'],
  source: 'starter',
};

describe('when Issue is enabled', () => {
  const base = { items: 2, checked: true, warnings: [] as PrescriptionWarning[], overriding: false, reason: '', busy: false };

  it('needs an item and checks run on the items as they stand', () => {
    expect(canIssue(base)).toBe(true);
    expect(canIssue({ ...base, items: 0 }), 'nothing to issue').toBe(false);
    expect(canIssue({ ...base, checked: false }), 'an item changed since the checks ran').toBe(false);
    expect(canIssue({ ...base, busy: true })).toBe(false);
  });

  it('a moderate warning is shown but does not stop issuing', () => {
    expect(canIssue({ ...base, warnings: [warning('moderate', 'both analgesics')] })).toBe(true);
  });

  it('a serious warning needs an explicit override with a reason typed in', () => {
    const warnings = [warning('moderate', 'm'), warning('serious', 's')];
    expect(canIssue({ ...base, warnings })).toBe(false);
    expect(canIssue({ ...base, warnings, reason: 'typed without choosing Override' })).toBe(false);
    expect(canIssue({ ...base, warnings, overriding: true }), 'Override chosen, no reason yet').toBe(false);
    expect(canIssue({ ...base, warnings, overriding: true, reason: '   ' }), 'blank is no reason').toBe(false);
    expect(canIssue({ ...base, warnings, overriding: true, reason: 'Statin paused' })).toBe(true);
  });

  it('sends the override reason only when a serious warning is overridden', () => {
    expect(overrideReasonFor({ warnings: [warning('serious', 's')], overriding: true, reason: ' Paused ' })).toBe('Paused');
    expect(overrideReasonFor({ warnings: [warning('moderate', 'm')], overriding: true, reason: 'x' })).toBeNull();
    expect(overrideReasonFor({ warnings: [warning('serious', 's')], overriding: false, reason: 'x' })).toBeNull();
  });
});

describe('how warnings are grouped', () => {
  it('by severity, serious first, keeping the core’s order within a group, no empty group', () => {
    const groups = groupWarnings([warning('minor', 'a'), warning('serious', 'b'), warning('minor', 'c'), warning('serious', 'd')]);
    expect(groups.map((g) => g.severity)).toEqual(['serious', 'minor']);
    expect(groups[0]?.warnings.map((w) => w.message)).toEqual(['b', 'd']);
    expect(groups[1]?.warnings.map((w) => w.message)).toEqual(['a', 'c']);
    expect(groupWarnings([])).toEqual([]);
  });
});

describe('the item form', () => {
  it('starts with a drug’s only form and route, leaving a choice of strengths open', () => {
    const form = formFor({ kind: 'drug', drug: simvastatin });
    expect([form.strength, form.form, form.route]).toEqual(['', 'tablet', 'oral']);
    expect(formFor({ kind: 'free', text: 'x' })).toEqual(emptyItemForm());
  });

  it('sends a catalogue drug by name or free text, blanks as null, numbers parsed', () => {
    const form = { ...emptyItemForm(), strength: '20 mg', dose: ' 1 tablet ', frequency: 'nocte', days: '30', refills: '2' };
    expect(itemInput({ kind: 'drug', drug: simvastatin }, form)).toEqual({
      input: {
        drug: 'simvastatin',
        free_text: null,
        strength: '20 mg',
        form: null,
        dose: '1 tablet',
        route: null,
        frequency: 'nocte',
        duration_days: 30,
        quantity: null,
        refills: 2,
        substitution_allowed: true,
        instructions: null,
      },
    });
    const free = itemInput({ kind: 'free', text: ' Herbal tea ' }, { ...form, days: '' });
    expect('input' in free && free.input.free_text).toBe('Herbal tea');
    expect('input' in free && free.input.drug).toBeNull();
    expect('input' in free && free.input.duration_days).toBeNull();
  });

  it('refuses days and refills that are not whole numbers before asking the core', () => {
    expect(itemInput({ kind: 'drug', drug: simvastatin }, { ...emptyItemForm(), days: '7.5', refills: 'two' })).toEqual({ invalid: ['days', 'refills'] });
    expect(wholeNumber(' 12 ')).toBe(12);
    expect(wholeNumber('')).toBeNull();
    expect(wholeNumber('-1')).toBeUndefined();
  });

  it('the core’s quantity fills the field until the doctor types their own', () => {
    expect(nextQuantity('', false, '21 tablet')).toBe('21 tablet');
    expect(nextQuantity('21 tablet', false, null), 'no longer computable: emptied for the core to decide').toBe('');
    expect(nextQuantity('28 tablet', true, '21 tablet'), 'typed by hand: kept').toBe('28 tablet');
  });
});

describe('the diagnoses the form offers', () => {
  const d = (id: string, over: Partial<Diagnosis>): Diagnosis => ({
    id,
    patient_id: 'p',
    encounter_id: null,
    code: null,
    title: id,
    note: null,
    primary: false,
    onset: null,
    resolved: false,
    chronic: false,
    archived: false,
    recorded_by_name: 'dr',
    recorded_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...over,
  });

  it('current ones, the visit’s first, each code once; the visit’s primary is chosen', () => {
    const list = [
      d('old-htn', { code: 'I10', encounter_id: 'e0' }),
      d('gone', { archived: true }),
      d('better', { resolved: true }),
      d('dm', { code: 'E11.9', encounter_id: 'e1' }),
      d('htn', { code: 'I10', encounter_id: 'e1', primary: true }),
    ];
    const choices = diagnosisChoices(list, 'e1');
    expect(choices.map((c) => c.id)).toEqual(['dm', 'htn']);
    expect(defaultDiagnosis(choices, 'e1')).toBe('htn');
    expect(diagnosisChoices(list, null).map((c) => c.id)).toEqual(['old-htn', 'dm']);
    expect(defaultDiagnosis(diagnosisChoices(list, null), null), 'from the chart nothing is assumed').toBe('');
  });
});
