// Doctors screen helpers, kept out of the components for testing. The schedule rules
// (overlaps, slot lengths, branches) are the core's; these check only that each field is
// filled in a form the core reads, and shape what is sent.

import type { FieldErrors } from '../../lib/forms';
import type { UserAccount } from '../admin/api';
import type { Doctor, WeeklyHours } from './api';
import { doctorsStrings } from './strings';

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** `Monday` for 1 … `Sunday` for 7. */
export function weekdayLabel(weekday: number): string {
  return doctorsStrings.weekdays[weekday - 1] ?? String(weekday);
}

/** A block of hours as the form holds it (every field a string). */
export interface HoursRow {
  branch_code: string;
  weekday: string;
  start: string;
  end: string;
  slot_minutes: string;
}

export function toRows(hours: readonly WeeklyHours[]): HoursRow[] {
  return hours.map((h) => ({
    branch_code: h.branch_code,
    weekday: String(h.weekday),
    start: h.start,
    end: h.end,
    slot_minutes: String(h.slot_minutes),
  }));
}

/** A new block: the day after the last one (or Monday), 09:00–13:00, 15-minute slots. */
export function newRow(rows: readonly HoursRow[], branchCode: string): HoursRow {
  const last = rows[rows.length - 1];
  const weekday = last ? (Number(last.weekday) % 7) + 1 : 1;
  return {
    branch_code: last?.branch_code ?? branchCode,
    weekday: String(weekday),
    start: last?.start ?? '09:00',
    end: last?.end ?? '13:00',
    slot_minutes: last?.slot_minutes ?? '15',
  };
}

const HHMM = /^([01]\d|2[0-4]):[0-5]\d$/;

export type HoursRowErrors = Partial<Record<keyof HoursRow, string>>;

/**
 * Per-row problems the form can see on its own (empty or misshapen fields); the core
 * decides overlaps and whether a slot fits. Empty when every row can be sent.
 */
export function checkRows(rows: readonly HoursRow[]): Map<number, HoursRowErrors> {
  const t = doctorsStrings;
  const out = new Map<number, HoursRowErrors>();
  rows.forEach((row, i) => {
    const errors: HoursRowErrors = {};
    if (!HHMM.test(row.start.trim())) errors.start = t.timeFormat;
    if (!HHMM.test(row.end.trim())) errors.end = t.timeFormat;
    if (!/^\d{1,3}$/.test(row.slot_minutes.trim()) || Number(row.slot_minutes) === 0) errors.slot_minutes = t.slotFormat;
    if (row.branch_code === '') errors.branch_code = t.required;
    if (Object.keys(errors).length > 0) out.set(i, errors);
  });
  return out;
}

/** The rows as the shell takes them, in week order. */
export function toHours(rows: readonly HoursRow[]): WeeklyHours[] {
  return rows
    .map((r) => ({
      branch_code: r.branch_code,
      weekday: Number(r.weekday),
      start: r.start.trim(),
      end: r.end.trim(),
      slot_minutes: Number(r.slot_minutes),
    }))
    .sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start) || a.branch_code.localeCompare(b.branch_code));
}

/** Doctor accounts that are active and have no doctor profile yet, by user name. */
export function accountsWithoutProfile(users: readonly UserAccount[], doctors: readonly Doctor[]): UserAccount[] {
  const taken = new Set(doctors.map((d) => d.user_id));
  return users
    .filter((u) => u.role === 'doctor' && u.active && !u.emergency && !taken.has(u.id))
    .sort((a, b) => a.username.localeCompare(b.username));
}

export type DoctorField = 'username' | 'specialization' | 'licence' | 'fee' | 'phone' | 'email';

export const DOCTOR_FIELD_ORDER: readonly DoctorField[] = ['username', 'specialization', 'licence', 'fee', 'phone', 'email'];

/** The core's field names mapped to the add-doctor form's. */
export const DOCTOR_FIELDS: Readonly<Record<string, DoctorField>> = {
  username: 'username',
  specialization: 'specialization',
  licence_number: 'licence',
  fee_minor: 'fee',
  phone: 'phone',
  email: 'email',
};

export interface DoctorFormValues {
  username: string;
  specialization: string;
  licence: string;
  fee: string;
  phone: string;
  email: string;
}

export function emptyDoctorForm(): DoctorFormValues {
  return { username: '', specialization: '', licence: '', fee: '', phone: '', email: '' };
}

export function validateDoctorForm(v: DoctorFormValues): FieldErrors<DoctorField> {
  const t = doctorsStrings;
  const errors: FieldErrors<DoctorField> = {};
  if (v.username.trim() === '') errors.username = t.required;
  if (v.specialization.trim() === '') errors.specialization = t.required;
  if (v.licence.trim() === '') errors.licence = t.required;
  if (v.fee.trim() === '') errors.fee = t.required;
  return errors;
}

/** `YYYY-MM-DDTHH:MM` as a `datetime-local` field gives it; true when complete. */
export function isLocalDateTime(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(text.trim());
}
