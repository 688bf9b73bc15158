import { describe, expect, it } from 'vitest';

import type { AppError } from './api';
import {
  LOGIN_FIELDS,
  PATIENT_FIELDS,
  PATIENT_FIELD_ORDER,
  SETUP_FIELDS,
  emptyPatientForm,
  firstErrorField,
  formToInput,
  hasErrors,
  patientToForm,
  placeError,
  recoveryGroups,
  sentence,
  totpCode,
  validateLogin,
  validatePatientForm,
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

  it('checks the second-factor code only once the core has asked for it', () => {
    const ok = { username: 'admin', password: 'long enough pw' };
    expect(validateLogin({ ...ok, totp: null })).toEqual({});
    expect(validateLogin({ ...ok, totp: '123 456' })).toEqual({});
    expect(validateLogin({ ...ok, totp: '' })).toEqual({ totp: strings.login.totpFormat });
    expect(validateLogin({ ...ok, totp: '12345a' })).toEqual({ totp: strings.login.totpFormat });
    expect(totpCode('123 456')).toBe('123456');
    expect(totpCode(null)).toBeNull();
  });
});

describe('the patient form', () => {
  const filled = {
    ...emptyPatientForm(),
    given_name: '  Wanjiku ',
    family_name: 'Mwangi',
    date_of_birth: ' 14/03/1985 ',
    sex: 'female',
    phone: ' 0722 118 904 ',
    email: '   ',
    allergies: 'Penicillin, latex;  peanuts\n\n',
  };

  it('maps the form to the core’s input: trimmed, blanks as null, allergies as a list', () => {
    expect(formToInput(filled)).toEqual({
      given_name: 'Wanjiku',
      family_name: 'Mwangi',
      date_of_birth: '14/03/1985',
      sex: 'female',
      phone: '0722 118 904',
      email: null,
      address: null,
      blood_group: null,
      emergency_contact_name: null,
      emergency_contact_phone: null,
      allergies: ['Penicillin', 'latex', 'peanuts'],
      insurance_provider: null,
      insurance_number: null,
    });
  });

  it('fills the edit form from a record and round-trips it', () => {
    const record = {
      id: 'p1',
      mrn: 'BR01-7KQ3M-000001',
      given_name: 'Wanjiku',
      family_name: 'Mwangi',
      date_of_birth: '1985-03-14',
      sex: 'female',
      phone: '0722118904',
      email: null,
      address: '10 Riverside Drive',
      blood_group: 'O+',
      emergency_contact_name: null,
      emergency_contact_phone: null,
      allergies: ['Penicillin', 'Latex'],
      insurance_provider: 'NHIF',
      insurance_number: 'NHIF-1',
      active: true,
      merged_into: null,
    };
    const form = patientToForm(record);
    expect(form.allergies).toBe('Penicillin, Latex');
    expect(form.email).toBe('');
    const input = formToInput(form);
    expect(input.allergies).toEqual(record.allergies);
    expect(input.blood_group).toBe('O+');
    expect(input.email).toBeNull();
  });

  it('asks for the required fields only; the core judges the rest', () => {
    expect(validatePatientForm(filled)).toEqual({});
    const errors = validatePatientForm(emptyPatientForm());
    expect(Object.keys(errors).sort()).toEqual(['date_of_birth', 'family_name', 'given_name', 'sex']);
    expect(firstErrorField(errors, PATIENT_FIELD_ORDER)).toBe('given_name');
    expect(validatePatientForm({ ...filled, date_of_birth: '3000-01-01', email: 'not an email' })).toEqual({});
  });

  it('puts the core’s validation message next to the field it names', () => {
    const placed = placeError(validation('date_of_birth', 'is in the future; check the year'), PATIENT_FIELDS);
    expect(placed).toEqual({ fields: { date_of_birth: 'Is in the future; check the year.' }, form: null });
    const archived = placeError(validation('patient', 'this record is archived'), PATIENT_FIELDS);
    expect(archived).toEqual({ fields: {}, form: 'This record is archived.' });
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
