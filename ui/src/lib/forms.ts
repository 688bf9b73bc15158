// Form logic kept out of the components so that it can be unit-tested.

import type { AppError } from './api';
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

export type LoginField = 'username' | 'password';

export const LOGIN_FIELDS: Readonly<Record<string, LoginField>> = {
  username: 'username',
  password: 'password',
};

export function validateLogin(values: { username: string; password: string }): FieldErrors<LoginField> {
  const errors: FieldErrors<LoginField> = {};
  if (values.username.trim() === '') errors.username = strings.login.required;
  if (values.password === '') errors.password = strings.login.required;
  return errors;
}

/** Groups a recovery code for reading aloud and copying by hand: `ABCD-EFGH-…` stays as is. */
export function recoveryGroups(code: string): string[] {
  return code
    .split('-')
    .map((g) => g.trim())
    .filter((g) => g !== '');
}
