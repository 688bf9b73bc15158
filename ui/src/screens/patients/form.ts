// The patient registration and edit form: its fields, what it sends and what it checks;
// kept out of the component so that it can be unit-tested.

import type { FieldErrors } from '../../lib/forms';
import type { Patient, PatientInput } from './api';
import { patientsStrings } from './strings';

/** The registration and edit form, as typed: every field a string. */
export interface PatientFormValues {
  given_name: string;
  family_name: string;
  date_of_birth: string;
  sex: string;
  phone: string;
  email: string;
  address: string;
  blood_group: string;
  emergency_contact_name: string;
  emergency_contact_phone: string;
  insurance_provider: string;
  insurance_number: string;
}

export type PatientField = keyof PatientFormValues;

export const PATIENT_FIELD_ORDER: readonly PatientField[] = [
  'given_name',
  'family_name',
  'date_of_birth',
  'sex',
  'phone',
  'email',
  'address',
  'blood_group',
  'emergency_contact_name',
  'emergency_contact_phone',
  'insurance_provider',
  'insurance_number',
];

/** The values the core accepts for `sex`, in the order the form offers them. */
export const SEXES = ['female', 'male', 'other', 'unknown'] as const;

/** The blood groups the core accepts. */
export const BLOOD_GROUPS = ['A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-'] as const;

/** The core names the form's fields as the form does (`PatientInput`). */
export const PATIENT_FIELDS: Readonly<Record<string, PatientField>> = Object.fromEntries(
  PATIENT_FIELD_ORDER.map((f) => [f, f]),
);

export function emptyPatientForm(): PatientFormValues {
  return {
    given_name: '',
    family_name: '',
    date_of_birth: '',
    sex: '',
    phone: '',
    email: '',
    address: '',
    blood_group: '',
    emergency_contact_name: '',
    emergency_contact_phone: '',
    insurance_provider: '',
    insurance_number: '',
  };
}

export function patientToForm(p: Patient): PatientFormValues {
  return {
    given_name: p.given_name,
    family_name: p.family_name,
    date_of_birth: p.date_of_birth,
    sex: p.sex,
    phone: p.phone ?? '',
    email: p.email ?? '',
    address: p.address ?? '',
    blood_group: p.blood_group ?? '',
    emergency_contact_name: p.emergency_contact_name ?? '',
    emergency_contact_phone: p.emergency_contact_phone ?? '',
    insurance_provider: p.insurance_provider ?? '',
    insurance_number: p.insurance_number ?? '',
  };
}

/** What the form sends: trimmed, empty optional fields as null. Allergies are recorded
 * in the chart by clinical staff, not on the registration form. */
export function formToInput(v: PatientFormValues): PatientInput {
  const optional = (text: string): string | null => (text.trim() === '' ? null : text.trim());
  return {
    given_name: v.given_name.trim(),
    family_name: v.family_name.trim(),
    date_of_birth: v.date_of_birth.trim(),
    sex: v.sex,
    phone: optional(v.phone),
    email: optional(v.email),
    address: optional(v.address),
    blood_group: optional(v.blood_group),
    emergency_contact_name: optional(v.emergency_contact_name),
    emergency_contact_phone: optional(v.emergency_contact_phone),
    insurance_provider: optional(v.insurance_provider),
    insurance_number: optional(v.insurance_number),
  };
}

/**
 * What the form checks before asking the core: the required fields are filled in. Whether
 * a name, date, phone or e-mail is acceptable is the core's call; its answer comes back
 * with a field and is placed by `placeError`.
 */
export function validatePatientForm(v: PatientFormValues): FieldErrors<PatientField> {
  const errors: FieldErrors<PatientField> = {};
  for (const field of ['given_name', 'family_name', 'date_of_birth', 'sex'] as const) {
    if (v[field].trim() === '') errors[field] = patientsStrings.required;
  }
  return errors;
}
