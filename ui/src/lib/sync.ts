// The header's sync indicator text, from the shell's sync status.

import type { SyncStatus } from './generated/SyncStatus';
import { formatTime } from './format';
import { strings } from './strings';

export type SyncTone = 'unknown' | 'off' | 'ok' | 'pending' | 'problem';

export interface SyncIndicatorText {
  label: string;
  detail: string;
  tone: SyncTone;
}

/**
 * One short label, in order of what needs attention: conflicts, then offline, then
 * changes waiting, then the time of the last successful sync.
 */
export function syncIndicatorText(status: SyncStatus | null, timeZone: string): SyncIndicatorText {
  const t = strings.sync;
  if (status === null) return { label: t.unknown, detail: t.unknown, tone: 'unknown' };
  const lines: string[] = [];
  if (status.configured && status.last_success_at) lines.push(t.lastSuccess(formatTime(status.last_success_at, timeZone)));
  if (status.last_error) lines.push(status.last_error);
  if (status.refused_changes > 0 || status.conflicts > 0) lines.push(t.problems(status.refused_changes, status.conflicts));
  if (!status.configured) {
    return { label: t.notConfigured, detail: t.notConfiguredDetail(status.pending_changes), tone: 'off' };
  }
  const detail = (first?: string): string => [first, ...lines].filter(Boolean).join(' ');
  if (status.conflicts > 0) return { label: t.conflicts(status.conflicts), detail: detail(), tone: 'problem' };
  if (!status.online && status.last_attempt_at !== null) {
    const waiting = status.pending_changes > 0 ? t.pending(status.pending_changes) + '.' : undefined;
    return { label: t.offline, detail: detail([t.offlineDetail, waiting].filter(Boolean).join(' ')), tone: 'off' };
  }
  if (status.pending_changes > 0) return { label: t.pending(status.pending_changes), detail: detail(), tone: 'pending' };
  if (status.last_success_at) {
    return { label: t.syncedAt(formatTime(status.last_success_at, timeZone)), detail: detail(), tone: 'ok' };
  }
  return { label: t.notYet, detail: detail(t.notYet), tone: 'pending' };
}
