import { describe, expect, it } from 'vitest';

import type { Allergy } from './api';
import { allergyLine, sortAllergies } from './allergies';

function allergy(substance: string, fields: Partial<Allergy> = {}): Allergy {
  return {
    id: substance,
    patient_id: 'p',
    substance,
    coded: null,
    reaction: null,
    severity: 'unknown',
    inactive: false,
    archived: false,
    noted_by_name: 'nurse.akinyi',
    noted_at: '2026-01-05T06:00:00.000Z',
    updated_at: '2026-01-05T06:00:00.000Z',
    ...fields,
  };
}

describe('allergies', () => {
  it('lists current ones first, the most severe first, then inactive, archived last', () => {
    const list = [
      allergy('Dust', { archived: true, severity: 'severe' }),
      allergy('Latex', { inactive: true, severity: 'severe' }),
      allergy('Peanuts', { severity: 'mild' }),
      allergy('Penicillin', { severity: 'severe' }),
      allergy('Aspirin', { severity: 'mild' }),
    ];
    expect(sortAllergies(list).map((a) => a.substance)).toEqual(['Penicillin', 'Aspirin', 'Peanuts', 'Latex', 'Dust']);
  });

  it('reads as one line with its severity and reaction', () => {
    expect(allergyLine(allergy('Penicillin', { severity: 'severe', reaction: 'Anaphylaxis' }))).toBe('Penicillin (Severe): Anaphylaxis');
    expect(allergyLine(allergy('Latex'))).toBe('Latex (Severity unknown)');
  });
});
