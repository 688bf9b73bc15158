// The notifications panel's commands (the header counts the unread ones).

import { call } from '../../lib/api';
import type { Notification } from '../../lib/generated/Notification';

export type { Notification };

export function notifications(unreadOnly: boolean): Promise<Notification[]> {
  return call<Notification[]>('notifications', { unread_only: unreadOnly });
}

export function markNotificationRead(id: string): Promise<void> {
  return call<void>('mark_notification_read', { id });
}
