// The doctor's day as rows to choose from: today's checked-in patients (soonest first),
// then the doctor's other open visits (walk-ins, and visits left open from earlier),
// each once. Tested in day.test.ts.

import type { DoctorsDay } from './api';

export interface DayRow {
  key: string;
  patientId: string;
  patientName: string;
  mrn: string;
  reason: string;
  /** The appointment's start (checked-in rows) or when the visit was opened. */
  at: string;
  /** Set when the row is a checked-in appointment (opening it opens its visit). */
  appointmentId: string | null;
  /** The visit, once open. */
  encounterId: string | null;
}

export function dayRows(day: DoctorsDay): { waiting: DayRow[]; others: DayRow[] } {
  const waiting = day.waiting.map((w) => ({
    key: `a-${w.appointment.id}`,
    patientId: w.appointment.patient_id,
    patientName: w.patient_name,
    mrn: w.mrn,
    reason: w.appointment.reason ?? w.encounter?.reason ?? '',
    at: w.appointment.starts_at,
    appointmentId: w.appointment.id,
    encounterId: w.encounter?.status === 'open' ? w.encounter.id : null,
  }));
  const shown = new Set(waiting.map((w) => w.encounterId).filter((id) => id !== null));
  const others = day.open_visits
    .filter((v) => !shown.has(v.encounter.id))
    .map((v) => ({
      key: `e-${v.encounter.id}`,
      patientId: v.encounter.patient_id,
      patientName: v.patient_name,
      mrn: v.mrn,
      reason: v.encounter.reason,
      at: v.encounter.opened_at,
      appointmentId: null,
      encounterId: v.encounter.id,
    }));
  return { waiting, others };
}

/** The row the focus moves to after an arrow key (wrapping), among `count` rows. */
export function nextRow(current: number, key: string, count: number): number | null {
  if (count === 0) return null;
  if (key === 'ArrowDown') return (current + 1) % count;
  if (key === 'ArrowUp') return (current - 1 + count) % count;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}
