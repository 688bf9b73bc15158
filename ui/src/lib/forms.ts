// Form logic kept out of the components so that it can be unit-tested.

import { tick } from 'svelte';

import type { AppError, Patient, PatientInput } from './api';
import { strings } from './strings';

/** A message per form field; a field with no message is valid. */
export type FieldErrors<F extends string> = Partial<Record<F, string>>;

/** Where an error is shown: next to one field, or under the whole form. */
export interface PlacedError<F extends string> {
  fields: FieldErrors<F>;
  form: string | null;
}

/** Makes a core message read as a sentence: capital first letter, closing full stop. */
export function sentence(message: string): string {
  const text = message.trim();
  if (text === '') return text;
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?)]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * Puts a command error next to the form field it is about. `fieldMap` maps the core's
 * field names (`err.field`, e.g. `password`) to this form's fields; an error about a
 * field the form does not show, or about no field at all, goes under the form.
 */
export function placeError<F extends string>(
  err: AppError,
  fieldMap: Readonly<Partial<Record<string, F>>>,
): PlacedError<F> {
  const target = err.field === null ? undefined : fieldMap[err.field];
  if (err.field !== null && target !== undefined) {
    // The core's Display form of a validation error is "field: message"; the shell strips
    // the prefix, but never show it twice if an older shell did not.
    const prefix = `${err.field}: `;
    const message = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
    const fields: FieldErrors<F> = {};
    fields[target] = sentence(message);
    return { fields, form: null };
  }
  return { fields: {}, form: sentence(err.message) };
}

export function hasErrors<F extends string>(errors: FieldErrors<F>): boolean {
  return Object.values(errors).some((m) => typeof m === 'string' && m !== '');
}

export type SetupField = 'clinicName' | 'username' | 'password' | 'confirm';

export interface SetupValues {
  clinicName: string;
  username: string;
  password: string;
  confirm: string;
}

/** The core's names for the set-up fields (see clinic-core `Workstation::init`). */
export const SETUP_FIELDS: Readonly<Record<string, SetupField>> = {
  clinic_name: 'clinicName',
  username: 'username',
  admin_username: 'username',
  password: 'password',
};

/**
 * What the set-up form checks before asking the shell: every field filled in and the two
 * passwords the same. The rules on names and password strength belong to the core, whose
 * validation errors come back with a field and are placed by `placeError`.
 */
export function validateSetup(values: SetupValues): FieldErrors<SetupField> {
  const errors: FieldErrors<SetupField> = {};
  if (values.clinicName.trim() === '') errors.clinicName = strings.setup.required;
  if (values.username.trim() === '') errors.username = strings.setup.required;
  if (values.password === '') errors.password = strings.setup.required;
  if (values.confirm === '') {
    errors.confirm = strings.setup.required;
  } else if (values.password !== values.confirm) {
    errors.confirm = strings.setup.passwordsDiffer;
  }
  return errors;
}

export type LoginField = 'username' | 'password' | 'totp' | 'reason';

export const LOGIN_FIELDS: Readonly<Record<string, LoginField>> = {
  username: 'username',
  password: 'password',
  totp: 'totp',
  reason: 'reason',
};

/** Error codes that are about the second-factor code, shown next to its field. */
export const TOTP_CODES: ReadonlySet<string> = new Set(['bad_totp_code', 'totp_required']);

export function validateLogin(values: {
  username: string;
  password: string;
  totp?: string | null;
}): FieldErrors<LoginField> {
  const errors: FieldErrors<LoginField> = {};
  if (values.username.trim() === '') errors.username = strings.login.required;
  if (values.password === '') errors.password = strings.login.required;
  if (values.totp !== undefined && values.totp !== null && !/^\d{6}$/.test(values.totp.replace(/\s/g, ''))) {
    errors.totp = strings.login.totpFormat;
  }
  return errors;
}

/** A second-factor code as typed ("123 456") as sent (`123456`); null when not asked. */
export function totpCode(typed: string | null): string | null {
  return typed === null ? null : typed.replace(/\s/g, '');
}

/** Groups a recovery code for reading aloud and copying by hand: `ABCD-EFGH-…` stays as is. */
export function recoveryGroups(code: string): string[] {
  return code
    .split('-')
    .map((g) => g.trim())
    .filter((g) => g !== '');
}

// ---- the patient form ----------------------------------------------------------------

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
  /** Comma-, semicolon- or line-separated. */
  allergies: string;
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
  'allergies',
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
    allergies: '',
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
    allergies: p.allergies.join(', '),
    insurance_provider: p.insurance_provider ?? '',
    insurance_number: p.insurance_number ?? '',
  };
}

/** What the form sends: trimmed, empty optional fields as null, allergies as a list. */
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
    allergies: v.allergies
      .split(/[,;\n]/)
      .map((a) => a.trim())
      .filter((a) => a !== ''),
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
    if (v[field].trim() === '') errors[field] = strings.patients.required;
  }
  return errors;
}

/** The first field with an error, in the order the form shows them. */
export function firstErrorField<F extends string>(errors: FieldErrors<F>, order: readonly F[]): F | null {
  return order.find((f) => typeof errors[f] === 'string' && errors[f] !== '') ?? null;
}

/** After the next render, moves the focus to the first field (in `order`) with an error. */
export async function focusFirstError<F extends string>(
  errors: FieldErrors<F>,
  order: readonly F[],
  ids: Record<F, string>,
): Promise<void> {
  const first = firstErrorField(errors, order);
  if (first === null) return;
  await tick();
  document.getElementById(ids[first])?.focus();
}
