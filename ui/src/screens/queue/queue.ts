// Check-in queue helpers, kept out of the components for testing. Which transitions are
// allowed is the core's decision; these only choose which buttons are worth showing (a
// refused click still comes back with the core's message).

import type { AppointmentRow, AppointmentStatus } from '../../lib/api';

/** Still ahead of the patient: can be moved or cancelled. */
export function isOpen(status: AppointmentStatus): boolean {
  return status === 'held' || status === 'confirmed' || status === 'conflict';
}

/** Rows that still matter today first (in time order), then the settled ones. */
export function queueOrder(rows: readonly AppointmentRow[]): AppointmentRow[] {
  const settled = (s: AppointmentStatus): boolean => s === 'cancelled' || s === 'rescheduled' || s === 'no_show';
  return [...rows].sort((a, b) => {
    const sa = settled(a.appointment.status) ? 1 : 0;
    const sb = settled(b.appointment.status) ? 1 : 0;
    if (sa !== sb) return sa - sb;
    return a.appointment.starts_at.localeCompare(b.appointment.starts_at);
  });
}

export function queueCounts(rows: readonly AppointmentRow[]): { waiting: number; checkedIn: number } {
  let waiting = 0;
  let checkedIn = 0;
  for (const row of rows) {
    if (row.appointment.status === 'confirmed') waiting++;
    if (row.appointment.status === 'checked_in') checkedIn++;
  }
  return { waiting, checkedIn };
}
