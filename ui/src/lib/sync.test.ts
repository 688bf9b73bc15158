import { describe, expect, it } from 'vitest';

import type { SyncStatus } from './generated/SyncStatus';
import { syncIndicatorText } from './sync';

const tz = 'Africa/Nairobi';

function status(over: Partial<SyncStatus> = {}): SyncStatus {
  return {
    configured: true,
    online: true,
    server_url: 'https://sync.example.org',
    last_attempt_at: '2026-01-05T06:20:00.000Z',
    last_success_at: '2026-01-05T06:20:00.000Z',
    last_error: null,
    pending_changes: 0,
    refused_changes: 0,
    conflicts: 0,
    ...over,
  };
}

describe('syncIndicatorText', () => {
  it('shows the time of the last sync in the clinic time zone', () => {
    const text = syncIndicatorText(status(), tz);
    expect(text.label).toBe('Synced 09:20');
    expect(text.tone).toBe('ok');
  });

  it('counts changes waiting while the server is reachable', () => {
    expect(syncIndicatorText(status({ pending_changes: 1 }), tz).label).toBe('1 change waiting');
    expect(syncIndicatorText(status({ pending_changes: 4 }), tz).label).toBe('4 changes waiting');
  });

  it('says offline when the last attempt failed, with what is waiting in the detail', () => {
    const text = syncIndicatorText(
      status({ online: false, last_error: 'the sync server cannot be reached', pending_changes: 3 }),
      tz,
    );
    expect(text.label).toBe('Offline');
    expect(text.tone).toBe('off');
    expect(text.detail).toContain('3 changes waiting');
    expect(text.detail).toContain('the sync server cannot be reached');
    expect(text.detail).toContain('Last synced 09:20');
  });

  it('puts conflicts first', () => {
    const text = syncIndicatorText(status({ online: false, conflicts: 2, pending_changes: 5 }), tz);
    expect(text.label).toBe('2 conflicts');
    expect(text.tone).toBe('problem');
    expect(syncIndicatorText(status({ conflicts: 1 }), tz).label).toBe('1 conflict');
  });

  it('tells a workstation that has never synced or never joined', () => {
    expect(syncIndicatorText(status({ online: false, last_attempt_at: null, last_success_at: null }), tz).label).toBe(
      'Not synced yet',
    );
    const off = syncIndicatorText(status({ configured: false, online: false, server_url: null, pending_changes: 2 }), tz);
    expect(off.label).toBe('Sync not configured');
    expect(off.detail).toContain('2 changes');
    expect(syncIndicatorText(null, tz).label).toBe('Sync status unknown');
  });
});
