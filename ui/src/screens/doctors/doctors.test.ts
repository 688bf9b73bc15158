import { describe, expect, it } from 'vitest';

import type { UserAccount } from '../admin/api';
import type { Doctor } from './api';
import {
  accountsWithoutProfile,
  checkRows,
  emptyDoctorForm,
  isLocalDateTime,
  newRow,
  toHours,
  toRows,
  validateDoctorForm,
  weekdayLabel,
} from './doctors';
import { doctorsStrings } from './strings';

const account = (over: Partial<UserAccount>): UserAccount => ({
  id: 'u',
  username: 'dr.x',
  display_name: 'Dr X',
  role: 'doctor',
  active: true,
  emergency: false,
  emergency_until: null,
  totp_enrolled: false,
  branches: [],
  ...over,
});

const doctor = (userId: string): Doctor => ({
  id: `d-${userId}`,
  user_id: userId,
  name: 'Dr',
  specialization: 'GP',
  licence_number: 'L',
  phone: null,
  email: null,
  fee_minor: 0,
  active: true,
});

describe('weekly hours form', () => {
  it('names weekdays from Monday (1) to Sunday (7)', () => {
    expect(weekdayLabel(1)).toBe('Monday');
    expect(weekdayLabel(7)).toBe('Sunday');
  });

  it('round-trips the shell’s hours through the form, sorted by day and time', () => {
    const hours = [
      { branch_code: 'BR01', weekday: 3, start: '14:00', end: '17:00', slot_minutes: 20 },
      { branch_code: 'BR01', weekday: 1, start: '09:00', end: '12:00', slot_minutes: 15 },
    ];
    expect(toHours(toRows(hours))).toEqual([hours[1], hours[0]]);
  });

  it('starts a new block on the day after the last one, copying its times', () => {
    expect(newRow([], 'BR01')).toEqual({ branch_code: 'BR01', weekday: '1', start: '09:00', end: '13:00', slot_minutes: '15' });
    const sunday = { branch_code: 'BR02', weekday: '7', start: '08:00', end: '10:00', slot_minutes: '30' };
    expect(newRow([sunday], 'BR01')).toEqual({ ...sunday, weekday: '1' });
  });

  it('flags misshapen fields per row and leaves overlaps to the core', () => {
    const ok = { branch_code: 'BR01', weekday: '1', start: '09:00', end: '12:00', slot_minutes: '15' };
    expect(checkRows([ok, { ...ok, start: '11:00', end: '13:00' }]).size).toBe(0);
    const problems = checkRows([ok, { ...ok, start: '9am', end: '25:00', slot_minutes: '0', branch_code: '' }]);
    expect([...problems.keys()]).toEqual([1]);
    expect(problems.get(1)).toEqual({
      start: doctorsStrings.timeFormat,
      end: doctorsStrings.timeFormat,
      slot_minutes: doctorsStrings.slotFormat,
      branch_code: doctorsStrings.required,
    });
    expect(checkRows([{ ...ok, end: '24:00' }]).size).toBe(0);
  });
});

describe('add-doctor form', () => {
  it('offers active doctor accounts that have no profile yet', () => {
    const users = [
      account({ id: 'a', username: 'dr.b' }),
      account({ id: 'b', username: 'dr.a' }),
      account({ id: 'c', username: 'nurse', role: 'nurse' }),
      account({ id: 'd', username: 'dr.gone', active: false }),
      account({ id: 'e', username: 'glass', emergency: true, active: false }),
    ];
    expect(accountsWithoutProfile(users, [doctor('a')]).map((u) => u.username)).toEqual(['dr.a']);
  });

  it('asks for the required fields', () => {
    const t = doctorsStrings;
    expect(validateDoctorForm(emptyDoctorForm())).toEqual({
      username: t.required,
      specialization: t.required,
      licence: t.required,
      fee: t.required,
    });
  });

  it('accepts only complete local date-times for time off', () => {
    expect(isLocalDateTime('2026-01-05T08:00')).toBe(true);
    expect(isLocalDateTime('2026-01-05')).toBe(false);
  });
});
