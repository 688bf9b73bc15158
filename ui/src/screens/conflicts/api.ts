// The sync conflicts screen's commands.

import { call, callAction, type AppointmentRow } from '../../lib/api';
import type { SyncConflict } from '../../lib/generated/SyncConflict';

export type { SyncConflict };

/** Pulled changes this workstation could not apply (administrators; read-only). */
export function syncConflicts(): Promise<SyncConflict[]> {
  return call<SyncConflict[]>('sync_conflicts');
}

/** Sets a kept change aside with a reason (administrators); it stays recorded. */
export function dismissSyncConflict(input: { change_id: string; why: string }): Promise<null> {
  return callAction<null>('dismiss_sync_conflict', input);
}

/** Bookings the sync server marked `conflict`: another branch took the slot first. */
export function conflictedAppointments(): Promise<AppointmentRow[]> {
  return call<AppointmentRow[]>('conflicted_appointments');
}
