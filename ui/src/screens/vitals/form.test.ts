import { describe, expect, it } from 'vitest';

import { placeError } from '../../lib/forms';
import { emptyVitalsForm, VITALS_ERROR_FIELDS, vitalsInput } from './form';
import { vitalsStrings } from './strings';

describe('the vitals form', () => {
  it('sends blanks as not measured and numbers as typed (metric)', () => {
    const form = { ...emptyVitalsForm(), systolic: '128', diastolic: ' 82 ', temperature_c: '36,8', weight_kg: '71.5', note: '  after a walk ' };
    const result = vitalsInput(form);
    expect(result).toEqual({
      input: {
        taken_at: null,
        systolic: 128,
        diastolic: 82,
        pulse: null,
        temperature_c: 36.8,
        respiratory_rate: null,
        spo2: null,
        weight_kg: 71.5,
        height_cm: null,
        pain: null,
        note: 'after a walk',
      },
    });
  });

  it('says which fields are not numbers, leaving what is possible to the core', () => {
    const result = vitalsInput({ ...emptyVitalsForm(), pulse: '7O', temperature_c: 'hot', spo2: '97.5', weight_kg: '-3' });
    expect(result).toEqual({
      errors: { pulse: vitalsStrings.wholeNumber, temperature_c: vitalsStrings.number, spo2: vitalsStrings.wholeNumber },
    });
  });

  it('puts the core’s field error next to that field, and “nothing measured” under the form', () => {
    const pulse = placeError({ code: 'validation', message: '400 beats per minute is not possible; check the reading', field: 'pulse' }, VITALS_ERROR_FIELDS);
    expect(pulse.fields.pulse).toBe('400 beats per minute is not possible; check the reading.');
    const nothing = placeError({ code: 'validation', message: 'nothing was measured', field: 'vitals' }, VITALS_ERROR_FIELDS);
    expect(nothing).toEqual({ fields: {}, form: 'Nothing was measured.' });
  });
});
