import { describe, expect, it } from 'vitest';

import type { AppError } from '../../lib/api';
import { firstErrorField, placeError } from '../../lib/forms';
import { PATIENT_FIELDS, PATIENT_FIELD_ORDER, emptyPatientForm, formToInput, patientToForm, validatePatientForm } from './form';

const validation = (field: string, message: string): AppError => ({ code: 'validation', message, field });

describe('the patient form', () => {
  const filled = {
    ...emptyPatientForm(),
    given_name: '  Wanjiku ',
    family_name: 'Mwangi',
    date_of_birth: ' 14/03/1985 ',
    sex: 'female',
    phone: ' 0722 118 904 ',
    email: '   ',
  };

  it('maps the form to the core’s input: trimmed, blanks as null', () => {
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
      insurance_provider: 'NHIF',
      insurance_number: 'NHIF-1',
      active: true,
      merged_into: null,
    };
    const form = patientToForm(record);
    expect(form.email).toBe('');
    const input = formToInput(form);
    expect(input.phone).toBe(record.phone);
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
