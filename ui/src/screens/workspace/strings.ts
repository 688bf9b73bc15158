// The workspace header's words: navigation, notifications badge, lock and sign-out.
// English for now; the words several screens share are in lib/strings.ts.

export const headerStrings = {
  nav: 'Main',
  home: 'Home',
  day: 'My day',
  patients: 'Patients',
  register: 'New patient',
  book: 'Book',
  queue: 'Check-in',
  appointments: 'Appointments',
  admin: 'Administration',
  doctors: 'Doctors',
  calendar: 'Calendar',
  conflicts: 'Conflicts',
  lab: 'Lab worklist',
  pharmacy: 'Pharmacy',
  notifications: 'Notifications',
  notificationsUnread: (n: number) => (n === 1 ? '1 unread notification' : `${n} unread notifications`),
  lock: 'Lock',
  lockHint: 'Lock the workstation (Ctrl+L)',
  signOut: 'Sign out',
  signedInAs: (username: string, role: string) => `${username} · ${role}`,
  shortcuts: 'Shortcuts: / or Ctrl+K search patients · Ctrl+N new patient · Ctrl+L lock · Esc closes panels.',
  doctorShortcuts: 'Shortcuts: Ctrl+D my day · / or Ctrl+K search patients · Ctrl+S save note · Ctrl+Enter sign · Alt+1–5 sections · Ctrl+L lock.',
} as const;
