// Doctors and their schedules; `doctors` is also the booking and calendar screens' list.

import { call, callAction } from '../../lib/api';
import type { Doctor } from '../../lib/generated/Doctor';
import type { DoctorInput } from '../../lib/generated/DoctorInput';
import type { TimeOff } from '../../lib/generated/TimeOff';
import type { WeeklyHours } from '../../lib/generated/WeeklyHours';

export type { Doctor, DoctorInput, TimeOff, WeeklyHours };

export function doctors(specialization: string | null = null): Promise<Doctor[]> {
  return call<Doctor[]>('doctors', { specialization });
}

/** Every doctor, deactivated ones too (the doctors screen). */
export function allDoctors(): Promise<Doctor[]> {
  return call<Doctor[]>('all_doctors');
}

export function addDoctor(input: DoctorInput): Promise<Doctor> {
  return callAction<Doctor>('add_doctor', { input });
}

/** Null leaves a value as it is. */
export function updateDoctor(input: {
  id: string;
  specialization: string | null;
  fee_minor: number | null;
  active: boolean | null;
}): Promise<Doctor> {
  return callAction<Doctor>('update_doctor', input);
}

export function doctorHours(id: string): Promise<WeeklyHours[]> {
  return call<WeeklyHours[]>('doctor_hours', { id });
}

/** Replaces the doctor's weekly hours; answers with them as stored. */
export function setDoctorHours(id: string, hours: WeeklyHours[]): Promise<WeeklyHours[]> {
  return callAction<WeeklyHours[]>('set_doctor_hours', { id, hours });
}

/** Time off from today, for a year. */
export function doctorTimeOff(id: string): Promise<TimeOff[]> {
  return call<TimeOff[]>('doctor_time_off', { id });
}

/** `from`/`to` are clinic-local `YYYY-MM-DDTHH:MM`; answers with the time off from today. */
export function addTimeOff(input: { id: string; from: string; to: string; reason: string }): Promise<TimeOff[]> {
  return callAction<TimeOff[]>('add_time_off', input);
}

/** Cancels time off (it stays recorded); answers with the doctor's time off from today. */
export function cancelTimeOff(input: { id: string; time_off: string }): Promise<TimeOff[]> {
  return callAction<TimeOff[]>('cancel_time_off', input);
}
