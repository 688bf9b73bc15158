// The vitals entry form: what is typed (text per field, metric) to what the core takes.
// Blank is "not measured"; a value that is not a number is caught here, next to its
// field; whether a number is possible for a person is the core's to say (its message
// comes back with the field's name and goes next to the same field).

import type { FieldErrors } from '../../lib/forms';
import type { VitalsInput } from './api';
import { vitalsStrings } from './strings';

/** The form's fields, in the order they are shown (the core's field names). */
export const VITALS_FIELDS = [
  'systolic',
  'diastolic',
  'pulse',
  'temperature_c',
  'respiratory_rate',
  'spo2',
  'weight_kg',
  'height_cm',
  'pain',
  'note',
] as const;

export type VitalsField = (typeof VITALS_FIELDS)[number];
export type VitalsForm = Record<VitalsField, string>;

const WHOLE: readonly VitalsField[] = ['systolic', 'diastolic', 'pulse', 'respiratory_rate', 'spo2', 'pain'];

export function emptyVitalsForm(): VitalsForm {
  return Object.fromEntries(VITALS_FIELDS.map((f) => [f, ''])) as VitalsForm;
}

/** `36,8` (a decimal comma) reads as 36.8; anything else that is not a number is null. */
function parseNumber(text: string, whole: boolean): number | null {
  const t = text.trim().replace(',', '.');
  const pattern = whole ? /^[+-]?\d+$/ : /^[+-]?(\d+\.?\d*|\.\d+)$/;
  return pattern.test(t) ? Number(t) : null;
}

/** The form as the core takes it, or the fields that are not numbers. */
export function vitalsInput(form: VitalsForm): { input: VitalsInput } | { errors: FieldErrors<VitalsField> } {
  const errors: FieldErrors<VitalsField> = {};
  const value = (field: VitalsField): number | null => {
    const text = form[field];
    if (text.trim() === '') return null;
    const whole = WHOLE.includes(field);
    const n = parseNumber(text, whole);
    if (n === null) errors[field] = whole ? vitalsStrings.wholeNumber : vitalsStrings.number;
    return n;
  };
  const input: VitalsInput = {
    taken_at: null,
    systolic: value('systolic'),
    diastolic: value('diastolic'),
    pulse: value('pulse'),
    temperature_c: value('temperature_c'),
    respiratory_rate: value('respiratory_rate'),
    spo2: value('spo2'),
    weight_kg: value('weight_kg'),
    height_cm: value('height_cm'),
    pain: value('pain'),
    note: form.note.trim() === '' ? null : form.note.trim(),
  };
  return Object.keys(errors).length > 0 ? { errors } : { input };
}

/** The core's field names for this form: each error goes next to its own field. */
export const VITALS_ERROR_FIELDS: Readonly<Record<string, VitalsField>> = Object.fromEntries(
  VITALS_FIELDS.map((f) => [f, f]),
) as Record<string, VitalsField>;
