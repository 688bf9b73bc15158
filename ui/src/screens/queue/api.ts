// The check-in queue's commands: a day's appointments at this branch, and checking in.

import { call, callAction } from '../../lib/api';
import type { Appointment } from '../../lib/generated/Appointment';
import type { DayAppointments } from '../../lib/generated/DayAppointments';

export type { DayAppointments };

export function checkIn(id: string): Promise<Appointment> {
  return callAction<Appointment>('check_in', { id });
}

/** One clinic day's appointments at this branch; today when `day` is null. */
export function dayAppointments(day: string | null = null): Promise<DayAppointments> {
  return call<DayAppointments>('day_appointments', { day });
}
