// The notifications panel's words.
// English for now; the words several screens share are in lib/strings.ts.

export const notificationsStrings = {
  title: 'Notifications',
  unreadOnly: 'Unread only',
  empty: 'Nothing here.',
  markRead: 'Mark as read',
  read: 'Read',
} as const;
