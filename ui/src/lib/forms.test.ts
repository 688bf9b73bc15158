import { describe, expect, it } from 'vitest';

import type { AppError } from './api';
import { hasErrors, offersReplace, placeError, sentence } from './forms';

const validation = (field: string, message: string): AppError => ({ code: 'validation', message, field });

// Two forms' maps from the core's field names to their own, as the set-up and sign-in forms
// have them (screens/setup/setup.ts and screens/login/login.ts).
const SETUP_FIELDS = { clinic_name: 'clinicName', username: 'username', admin_username: 'username', password: 'password' } as const;
const LOGIN_FIELDS = { username: 'username', password: 'password', totp: 'totp', reason: 'reason' } as const;

describe('placeError', () => {
  it('shows a validation error next to the field the core named', () => {
    const placed = placeError(validation('password', 'must be at least 10 characters long'), SETUP_FIELDS);
    expect(placed).toEqual({ fields: { password: 'Must be at least 10 characters long.' }, form: null });
  });

  it('maps core field names to the form’s own field names', () => {
    const placed = placeError(validation('clinic_name', 'must not be empty'), SETUP_FIELDS);
    expect(placed.fields.clinicName).toBe('Must not be empty.');
    expect(placed.form).toBeNull();
  });

  it('strips a "field: " prefix so the field name is not shown twice', () => {
    const placed = placeError(validation('username', 'username: use 3 to 32 letters'), LOGIN_FIELDS);
    expect(placed.fields.username).toBe('Use 3 to 32 letters.');
  });

  it('puts errors without a field under the form', () => {
    const err: AppError = {
      code: 'bad_credentials',
      message: 'wrong user name or password; check the caps-lock key and try again',
      field: null,
    };
    expect(placeError(err, LOGIN_FIELDS)).toEqual({
      fields: {},
      form: 'Wrong user name or password; check the caps-lock key and try again.',
    });
  });

  it('puts errors about a field the form does not show under the form', () => {
    const placed = placeError(validation('branch_code', 'use 2 to 8 letters'), SETUP_FIELDS);
    expect(placed.fields).toEqual({});
    expect(placed.form).toBe('Use 2 to 8 letters.');
  });
});

describe('hasErrors', () => {
  it('counts only non-empty messages', () => {
    expect(hasErrors({})).toBe(false);
    expect(hasErrors({ username: '' })).toBe(false);
    expect(hasErrors({ username: 'Please fill this in.' })).toBe(true);
  });
});

describe('text helpers', () => {
  it('turns core messages into sentences without doubling punctuation', () => {
    expect(sentence('must not be empty')).toBe('Must not be empty.');
    expect(sentence('Restore it from your backup.')).toBe('Restore it from your backup.');
    expect(sentence('')).toBe('');
  });
});

describe('saving to a folder', () => {
  it('offers Replace only when the file exists', () => {
    expect(offersReplace({ field: 'file_name', message: '/tmp/x.csv already exists; choose another name, or replace it' })).toBe(true);
    expect(offersReplace({ field: 'file_name', message: 'type a name for the file' })).toBe(false);
    expect(offersReplace({ field: null, message: 'already exists' })).toBe(false);
  });
});
