// The home screen's words, and second-factor (TOTP) set-up.
// English for now; the words several screens share are in lib/strings.ts.

export const homeStrings = {
  title: (branch: string) => `Today at ${branch}`,
  role: 'Role',
  branch: 'Branch',
  whatYouCanDo: 'What you can do here',
  nothingYet: 'Your role has no front-desk screens yet. Screens for your work will appear here.',
  emergency: (until: string) => `Emergency access: read-only until ${until}. Every record you open is logged.`,
  unread: (n: number) => (n === 0 ? 'No unread notifications' : n === 1 ? '1 unread notification' : `${n} unread notifications`),
  openNotifications: 'Open notifications',
  todayQueue: 'Today’s appointments',
  openQueue: 'Open the full list',
  actions: {
    day: { title: 'My day', text: 'Your checked-in patients: open a visit, write and sign the note.' },
    ownRecord: { title: 'Your record', text: 'Your visits, vitals, diagnoses and allergies, and who opened them.' },
    search: { title: 'Find a patient', text: 'Search by name, phone, record number or date of birth.' },
    register: { title: 'Register a patient', text: 'Add someone who is new to the clinic.' },
    book: { title: 'Book an appointment', text: 'Find a doctor with a free slot and hold it.' },
    queue: { title: 'Check patients in', text: 'Today’s appointments at this branch.' },
    appointments: { title: 'Today’s appointments', text: 'Who is booked at this branch, and who has arrived.' },
    admin: { title: 'Administration', text: 'Users and roles, sign-in settings, the audit log, sync and branches.' },
    doctors: { title: 'Doctors and schedules', text: 'Add doctors, set their weekly hours and time off.' },
    calendar: { title: 'Calendar', text: 'A day or a week of appointments, per doctor and per branch.' },
  },
} as const;

export const totpStrings = {
  title: 'Set up a second factor',
  intro:
    'Your role must use an authenticator app to sign in. Until you set it up, the clinic records stay closed to this account.',
  start: 'Show my secret',
  secret: 'Secret',
  qr: 'Scan this with your authenticator app, or type the secret below into it.',
  secretHint: 'Type this into your authenticator app (time-based, 6 digits, every 30 seconds), or use the link.',
  link: 'Set-up link',
  code: 'Code from the app',
  submit: 'Turn on',
  done: 'Second factor turned on. You will be asked for a code when you sign in.',
} as const;
