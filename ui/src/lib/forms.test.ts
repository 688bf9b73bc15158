import { describe, expect, it } from 'vitest';

import type { AppError } from './api';
import {
  LOGIN_FIELDS,
  SETUP_FIELDS,
  hasErrors,
  placeError,
  recoveryGroups,
  sentence,
  validateLogin,
  validateSetup,
} from './forms';
import { strings } from './strings';

const validation = (field: string, message: string): AppError => ({ code: 'validation', message, field });

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

describe('validateSetup', () => {
  const ok = { clinicName: 'Riverside Clinic', username: 'admin', password: 'long enough pw', confirm: 'long enough pw' };

  it('accepts a complete form whose passwords match', () => {
    expect(validateSetup(ok)).toEqual({});
    expect(hasErrors(validateSetup(ok))).toBe(false);
  });

  it('rejects passwords that do not match, on the confirm field', () => {
    const errors = validateSetup({ ...ok, confirm: 'long enough pW' });
    expect(errors).toEqual({ confirm: strings.setup.passwordsDiffer });
    expect(hasErrors(errors)).toBe(true);
  });

  it('asks for every empty field, treating blanks as empty', () => {
    const errors = validateSetup({ clinicName: '   ', username: '', password: '', confirm: '' });
    expect(Object.keys(errors).sort()).toEqual(['clinicName', 'confirm', 'password', 'username']);
  });

  it('leaves password strength to the core', () => {
    expect(validateSetup({ ...ok, password: 'short', confirm: 'short' })).toEqual({});
  });
});

describe('validateLogin', () => {
  it('needs a user name and a password but does not trim the password', () => {
    expect(validateLogin({ username: ' ', password: '' })).toEqual({
      username: strings.login.required,
      password: strings.login.required,
    });
    expect(validateLogin({ username: 'admin', password: ' ' })).toEqual({});
  });
});

describe('text helpers', () => {
  it('turns core messages into sentences without doubling punctuation', () => {
    expect(sentence('must not be empty')).toBe('Must not be empty.');
    expect(sentence('Restore it from your backup.')).toBe('Restore it from your backup.');
    expect(sentence('')).toBe('');
  });

  it('splits a recovery code into its groups', () => {
    expect(recoveryGroups('ABCD-EFGH-JKMN')).toEqual(['ABCD', 'EFGH', 'JKMN']);
  });
});
