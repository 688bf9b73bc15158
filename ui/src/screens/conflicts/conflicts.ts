// Sync conflicts helpers, kept out of the components for testing.

import type { AppointmentRow, Capabilities } from '../../lib/api';
import type { Route } from '../workspace/routes';
import type { SyncConflict } from './api';
import { conflictsStrings } from './strings';

/** Whether the Conflicts tab is shown: lost bookings (front desk) or unapplied changes (administrators). */
export function showConflicts(caps: Capabilities): boolean {
  return caps.view_appointments || caps.manage_sync;
}

/** The booking flow for a lost booking: the same patient, moving (rebooking) that appointment. */
export function rebookRoute(row: AppointmentRow): Route {
  return {
    name: 'book',
    patient: { id: row.appointment.patient_id, name: row.patient_name, mrn: row.patient_mrn },
    reschedule: row,
  };
}

/** A table name as people call it; unknown ones as they are. */
export function tableLabel(table: string): string {
  return conflictsStrings.tables[table] ?? table;
}

/** Unapplied changes, newest first (the core lists them oldest first). */
export function newestFirst(list: readonly SyncConflict[]): SyncConflict[] {
  return [...list].sort((a, b) => b.received_at.localeCompare(a.received_at) || a.change_id.localeCompare(b.change_id));
}
