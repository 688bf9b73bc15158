// The booking screen's commands: free slots, holding, confirming, moving and cancelling
// appointments (the check-in queue cancels with `cancelAppointment` too).

import { call, callAction } from '../../lib/api';
import type { Appointment } from '../../lib/generated/Appointment';
import type { Availability } from '../../lib/generated/Availability';
import type { Slot } from '../../lib/generated/Slot';

export type { Appointment, Availability, Slot };

export function specializations(): Promise<string[]> {
  return call<string[]>('specializations');
}

/** `from` is a clinic-local day (`YYYY-MM-DD`); today when null. */
export function findAvailableDoctors(specialization: string, from: string | null = null): Promise<Availability[]> {
  return call<Availability[]>('find_available_doctors', { specialization, from });
}

export function freeSlots(doctorId: string, day: string): Promise<Slot[]> {
  return call<Slot[]>('free_slots', { doctor_id: doctorId, day });
}

export function holdSlot(input: {
  patient_id: string;
  doctor_id: string;
  starts_at: string;
  reason: string | null;
}): Promise<Appointment> {
  return callAction<Appointment>('hold_slot', input);
}

export function confirmAppointment(id: string): Promise<Appointment> {
  return callAction<Appointment>('confirm_appointment', { id });
}

export function cancelAppointment(id: string, reason: string): Promise<Appointment> {
  return callAction<Appointment>('cancel_appointment', { id, reason });
}

export function rescheduleAppointment(input: {
  id: string;
  doctor_id: string | null;
  starts_at: string;
}): Promise<Appointment> {
  return callAction<Appointment>('reschedule_appointment', input);
}
