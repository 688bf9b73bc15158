// The doctor's day's commands: today's checked-in patients with the doctor's open visits,
// and opening a visit (from a checked-in appointment, or for a walk-in from the chart).

import { call, callAction } from '../../lib/api';
import type { DoctorsDay } from '../../lib/generated/DoctorsDay';
import type { Encounter } from '../../lib/generated/Encounter';
import type { OpenVisit } from '../../lib/generated/OpenVisit';
import type { WaitingPatient } from '../../lib/generated/WaitingPatient';

export type { DoctorsDay, OpenVisit, WaitingPatient };

export function doctorsDay(): Promise<DoctorsDay> {
  return call<DoctorsDay>('doctors_day');
}

/** Opens the visit of a checked-in appointment (the open one if already open). */
export function openVisit(appointmentId: string): Promise<Encounter> {
  return callAction<Encounter>('open_visit', { appointment_id: appointmentId });
}

/** Opens a visit for a patient who came without an appointment. */
export function openWalkIn(patientId: string, reason: string): Promise<Encounter> {
  return callAction<Encounter>('open_walk_in', { patient_id: patientId, reason });
}
