import { describe, expect, it } from 'vitest';

import type { AppError } from '../../lib/api';
import { hasErrors, placeError } from '../../lib/forms';
import { SETUP_FIELDS, recoveryGroups, validateSetup } from './setup';
import { setupStrings } from './strings';

const validation = (field: string, message: string): AppError => ({ code: 'validation', message, field });

describe('SETUP_FIELDS', () => {
  it('put the core’s set-up field names on the form’s own fields', () => {
    expect(placeError(validation('clinic_name', 'must not be empty'), SETUP_FIELDS).fields).toEqual({ clinicName: 'Must not be empty.' });
    expect(placeError(validation('admin_username', 'use 3 to 32 letters'), SETUP_FIELDS).fields).toEqual({ username: 'Use 3 to 32 letters.' });
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
    expect(errors).toEqual({ confirm: setupStrings.passwordsDiffer });
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

describe('recoveryGroups', () => {
  it('splits a recovery code into its groups', () => {
    expect(recoveryGroups('ABCD-EFGH-JKMN')).toEqual(['ABCD', 'EFGH', 'JKMN']);
  });
});
