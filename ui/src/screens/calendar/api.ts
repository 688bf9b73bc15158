// The calendar screen's command.

import { call } from '../../lib/api';
import type { CalendarAppointments } from '../../lib/generated/CalendarAppointments';

export type { CalendarAppointments };

/**
 * Appointments over `days` clinic days from `from`, for one doctor (or all when null), at
 * one branch by code (this workstation's when null, every branch when '').
 */
export function calendar(input: { from: string; days: number; doctor_id: string | null; branch: string | null }): Promise<CalendarAppointments> {
  return call<CalendarAppointments>('calendar', input);
}
