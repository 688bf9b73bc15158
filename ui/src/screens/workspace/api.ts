// The header's sync indicator: the sync status and a sync round now (the administration's
// workstation panel uses them too).

import { call } from '../../lib/api';
import type { SyncReport } from '../../lib/generated/SyncReport';
import type { SyncStatus } from '../../lib/generated/SyncStatus';

export type { SyncReport, SyncStatus };

/** Asks the core; counts as activity for the idle lock. */
export function syncStatus(): Promise<SyncStatus> {
  return call<SyncStatus>('sync_status');
}

/** The status the shell last saw (background sync keeps it fresh); not activity. */
export function cachedSyncStatus(): Promise<SyncStatus | null> {
  return call<SyncStatus | null>('cached_sync_status');
}

/** One sync round on the signed-in session, now. */
export function syncNow(): Promise<SyncReport> {
  return call<SyncReport>('sync_now');
}
