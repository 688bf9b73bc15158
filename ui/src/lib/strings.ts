// Every user-facing string of the desktop UI, in one place (English for now).

import type { AppointmentStatus, ErrorCode, Role } from './api';

/** The locale dates, times and money are written in; it goes with the language below. */
export const UI_LOCALE = 'en-GB';

export const strings = {
  appName: 'Clinic',
  loading: 'Opening the workstation…',
  startupFailed: 'The clinic app could not start',
  retry: 'Try again',
  close: 'Close',
  cancel: 'Cancel',
  back: 'Back',
  refresh: 'Refresh',
  working: 'Working…',

  fields: {
    clinicName: 'Clinic name',
    clinicNameHint: 'As it should appear on receipts and reports.',
    username: 'User name',
    usernameHint: '3 to 32 letters, digits, dots, dashes or underscores, starting with a letter.',
    password: 'Password',
    passwordHint: 'At least 10 characters, and not containing the user name.',
    confirmPassword: 'Confirm password',
    totp: 'Authenticator code',
    totpHint: 'The 6-digit code your authenticator app shows now.',
  },

  setup: {
    title: 'Set up this workstation',
    intro:
      'This computer has no clinic data yet. Name the clinic and create the first administrator account. Everything is stored encrypted on this computer.',
    submit: 'Set up workstation',
    busy: 'Setting up…',
    required: 'Please fill this in.',
    passwordsDiffer: 'The two passwords are not the same.',
  },

  recovery: {
    title: 'Your recovery code',
    intro:
      'This code is the only way back in if every administrator password is forgotten. It is shown only once and is not stored anywhere on this computer.',
    writeDown: 'Write it down or print it now, and keep it somewhere safe, away from this computer.',
    print: 'Print',
    confirm: 'I have written down or printed the recovery code.',
    continue: 'Continue',
    codeLabel: 'Recovery code',
  },

  login: {
    title: 'Sign in',
    intro: 'Sign in to open the clinic records on this workstation.',
    submit: 'Sign in',
    busy: 'Signing in…',
    demoTitle: 'Demo mode',
    demoText: 'This is a demo workstation. Every account below uses the same password:',
    demoUse: (username: string) => `Use ${username}`,
    required: 'Please fill this in.',
    totpFormat: 'Type the 6 digits your authenticator app shows.',
    totpAsked: 'This account uses a second factor. Enter the code from your authenticator app.',
    emergencyLink: 'Emergency access…',
    emergencyTitle: 'Emergency access',
    emergencyIntro:
      'For emergencies only: opens a pre-created emergency account with read-only access to clinical records for a few hours. Every administrator sees who opened it and why.',
    emergencyReason: 'Why is emergency access needed?',
    emergencyReasonHint: 'At least 10 characters. Administrators will read this.',
    emergencySubmit: 'Open emergency access',
    emergencyBack: 'Back to normal sign-in',
  },

  lock: {
    title: 'Workstation locked',
    intro: (username: string) => `Locked for ${username}. Enter your password to carry on where you left off.`,
    idle: 'The workstation locked itself after a period without activity.',
    submit: 'Unlock',
    busy: 'Unlocking…',
    someoneElse: 'Sign in as someone else',
  },

  header: {
    nav: 'Main',
    home: 'Home',
    patients: 'Patients',
    register: 'New patient',
    book: 'Book',
    queue: 'Check-in',
    appointments: 'Appointments',
    notifications: 'Notifications',
    notificationsUnread: (n: number) => (n === 1 ? '1 unread notification' : `${n} unread notifications`),
    lock: 'Lock',
    lockHint: 'Lock the workstation (Ctrl+L)',
    signOut: 'Sign out',
    signedInAs: (username: string, role: string) => `${username} · ${role}`,
    shortcuts: 'Shortcuts: / or Ctrl+K search patients · Ctrl+N new patient · Ctrl+L lock · Esc closes panels.',
  },

  sync: {
    notConfigured: 'Sync not configured',
    notConfiguredDetail: (pending: number) =>
      pending === 1
        ? 'This workstation is not connected to a sync server. 1 change is kept here until it is.'
        : `This workstation is not connected to a sync server. ${pending} changes are kept here until it is.`,
    pending: (n: number) => (n === 1 ? '1 change waiting' : `${n} changes waiting`),
    upToDate: 'Synced',
    lastSuccess: (when: string) => `Last synced ${when}`,
    problems: (refused: number, conflicts: number) => `${refused} refused, ${conflicts} conflicts to resolve`,
    unknown: 'Sync status unknown',
    offline: 'Offline',
    offlineDetail: 'The sync server could not be reached; changes are kept here and sent when it can.',
    syncedAt: (time: string) => `Synced ${time}`,
    notYet: 'Not synced yet',
    conflicts: (n: number) => (n === 1 ? '1 conflict' : `${n} conflicts`),
    syncNow: 'Sync now',
    syncing: 'Syncing…',
    syncDone: (pushed: number, pulled: number) => `Sent ${pushed}, received ${pulled}.`,
    join: {
      title: 'Connect to a sync server',
      intro: 'Enter the server address and the one-time code from IT. Other staff start syncing the next time they sign in.',
      server: 'Server address',
      serverHint: 'For example https://sync.example.org',
      code: 'One-time code',
      caCert: 'Server certificate (optional)',
      caCertHint: 'Paste the PEM certificate only if IT gave you one (for a self-signed server).',
      submit: 'Connect',
      connecting: 'Connecting…',
      done: (server: string) => `Connected to ${server}. Sync starts at the next sign-in.`,
      required: 'Enter the server address and the code.',
    },
  },

  home: {
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
      search: { title: 'Find a patient', text: 'Search by name, phone, record number or date of birth.' },
      register: { title: 'Register a patient', text: 'Add someone who is new to the clinic.' },
      book: { title: 'Book an appointment', text: 'Find a doctor with a free slot and hold it.' },
      queue: { title: 'Check patients in', text: 'Today’s appointments at this branch.' },
      appointments: { title: 'Today’s appointments', text: 'Who is booked at this branch, and who has arrived.' },
    },
  },

  totp: {
    title: 'Set up a second factor',
    intro:
      'Your role must use an authenticator app to sign in. Until you set it up, the clinic records stay closed to this account.',
    start: 'Show my secret',
    secret: 'Secret',
    secretHint: 'Type this into your authenticator app (time-based, 6 digits, every 30 seconds), or use the link.',
    link: 'Set-up link',
    code: 'Code from the app',
    submit: 'Turn on',
    done: 'Second factor turned on. You will be asked for a code when you sign in.',
  },

  patients: {
    title: 'Patients',
    searchLabel: 'Search patients',
    searchHint: 'Name, phone, record number (e.g. BR01-…) or date of birth. Use the arrow keys and Enter to open.',
    searchPlaceholder: 'e.g. Wanjiku Mwangi, 0722 118 904',
    typeMore: 'Type at least two characters.',
    searching: 'Searching…',
    none: (text: string) => `No patient matches “${text}”.`,
    count: (n: number) => (n === 1 ? '1 patient' : `${n} patients`),
    archived: 'Archived',
    registerNew: 'Register a new patient',
    required: 'Please fill this in.',
    born: 'Born',
    age: (years: number) => `${years} y`,
    mrn: 'Record',
    phone: 'Phone',
    noPhone: 'no phone',
  },

  patientForm: {
    registerTitle: 'Register a patient',
    editTitle: (name: string) => `Edit ${name}`,
    intro: 'Fields marked * are required. The clinic’s rules check the rest when you save.',
    identity: 'Identity',
    contact: 'Contact',
    medical: 'Medical and insurance',
    labels: {
      given_name: 'Given name *',
      family_name: 'Family name *',
      date_of_birth: 'Date of birth *',
      sex: 'Sex *',
      phone: 'Phone',
      email: 'E-mail',
      address: 'Address',
      blood_group: 'Blood group',
      emergency_contact_name: 'Emergency contact',
      emergency_contact_phone: 'Emergency contact phone',
      allergies: 'Allergies',
      insurance_provider: 'Insurance provider',
      insurance_number: 'Insurance number',
    },
    hints: {
      date_of_birth: 'YYYY-MM-DD, or DD/MM/YYYY.',
      allergies: 'Separate several with commas.',
    } as Partial<Record<string, string>>,
    chooseSex: 'Choose…',
    sexes: { female: 'Female', male: 'Male', other: 'Other', unknown: 'Unknown' } as Record<string, string>,
    bloodUnknown: 'Not known',
    submitRegister: 'Register patient',
    submitEdit: 'Save changes',
    busy: 'Saving…',
    duplicateTitle: 'This patient may already be registered',
    duplicateIntro: 'These records look like the same person. Open one of them, or confirm that this is someone else.',
    openRecord: 'Open this record',
    differentPerson: 'This is a different person: register',
  },

  profile: {
    born: 'Date of birth',
    sex: 'Sex',
    phone: 'Phone',
    email: 'E-mail',
    address: 'Address',
    bloodGroup: 'Blood group',
    emergencyContact: 'Emergency contact',
    allergies: 'Allergies',
    noAllergies: 'None recorded',
    insurance: 'Insurance',
    none: '—',
    edit: 'Edit',
    book: 'Book an appointment',
    archive: 'Archive record…',
    archived: 'This record is archived. It no longer appears in searches.',
    merged: 'This record was merged into another one.',
    archiveTitle: 'Archive this record',
    archiveIntro: 'Nothing is deleted: the record and its history stay, but it no longer appears in searches.',
    archiveReason: 'Reason',
    archiveConfirm: 'Archive',
    appointments: 'Appointments',
    noAppointments: 'No appointments.',
  },

  booking: {
    title: 'Book an appointment',
    rescheduleTitle: 'Move an appointment',
    rescheduling: (when: string, doctor: string) => `Currently ${when} with ${doctor}.`,
    for: 'For',
    choosePatient: 'Choose the patient first: search, then pick a name.',
    changePatient: 'Change',
    specialization: 'Specialization',
    chooseSpecialization: 'Choose…',
    noDoctorsAtAll: 'No doctors take appointments at this branch yet. An administrator adds them.',
    doctors: 'Doctors with a free slot',
    noDoctors: 'No doctor of this specialization has a free slot in the next month.',
    firstFree: 'First free',
    fee: 'Fee',
    chooseDoctor: 'Choose',
    day: 'Day',
    earlier: 'Earlier days',
    later: 'Later days',
    slots: 'Free times',
    noSlots: 'No free time on this day. Try another day.',
    reason: 'Reason for the visit (optional)',
    hold: (time: string) => `Hold ${time}`,
    holdBusy: 'Holding…',
    heldTitle: 'Slot held',
    heldText: (time: string, doctor: string) => `${time} with ${doctor} is held for this patient.`,
    holdLeft: (left: string) => `The hold ends in ${left}. Confirm to book it.`,
    holdExpired: 'The hold has run out and the slot is free again. Pick a time again.',
    confirm: 'Confirm booking',
    confirmBusy: 'Confirming…',
    release: 'Release the hold',
    releaseReason: 'Released at the desk before confirming',
    booked: 'Booked',
    bookedText: (number: string, time: string, doctor: string) => `Appointment ${number}: ${time} with ${doctor}.`,
    provisional: 'Not yet synced: the booking is provisional until the sync server accepts it.',
    moveTo: (time: string) => `Move to ${time}`,
    moved: 'Appointment moved',
    another: 'Book another',
    toProfile: 'Back to the patient',
  },

  appointments: {
    cancel: 'Cancel…',
    cancelTitle: 'Cancel this appointment',
    cancelReason: 'Reason',
    cancelConfirm: 'Cancel appointment',
    keep: 'Keep it',
    reschedule: 'Move…',
    checkIn: 'Check in',
    checkingIn: 'Checking in…',
    provisional: 'Not yet synced',
    provisionalHint: 'Booked on this workstation; provisional until the sync server accepts it.',
    number: 'No.',
    time: 'Time',
    patient: 'Patient',
    doctor: 'Doctor',
    status: 'Status',
    actions: 'Actions',
    unknownDoctor: 'Doctor',
    reason: (text: string) => `Reason: ${text}`,
  },

  queue: {
    title: 'Check-in queue',
    viewTitle: 'Appointments',
    intro: (branch: string) => `Appointments at ${branch}, in time order.`,
    previousDay: 'Previous day',
    nextDay: 'Next day',
    today: 'Today',
    empty: 'No appointments on this day.',
    summary: (waiting: number, checkedIn: number) => `${waiting} to arrive, ${checkedIn} checked in`,
  },

  notifications: {
    title: 'Notifications',
    unreadOnly: 'Unread only',
    empty: 'Nothing here.',
    markRead: 'Mark as read',
    read: 'Read',
  },

  errors: {
    generic: 'Something went wrong. Please try again.',
    forbiddenTitle: 'Not allowed',
  },
} as const;

const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  doctor: 'Doctor',
  nurse: 'Nurse',
  receptionist: 'Receptionist',
  lab_technician: 'Lab technician',
  pharmacist: 'Pharmacist',
  accountant: 'Accountant',
  patient: 'Patient',
};

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role];
}

const STATUS_LABELS: Record<AppointmentStatus, string> = {
  held: 'Held',
  confirmed: 'Booked',
  checked_in: 'Checked in',
  completed: 'Completed',
  cancelled: 'Cancelled',
  no_show: 'Did not come',
  rescheduled: 'Moved',
  conflict: 'Conflict: resolve',
  unknown: 'Unknown',
};

export function statusLabel(status: AppointmentStatus): string {
  return STATUS_LABELS[status];
}

/** Short titles shown above a core error message, where the message alone is not enough. */
const ERROR_TITLES: Partial<Record<ErrorCode, string>> = {
  key_file_missing: 'The key file is missing',
  key_file_corrupt: 'The key file is damaged',
  database_missing: 'The database file is missing',
  not_our_database: 'The files do not belong together',
  database_corrupt: 'The database is damaged',
  forbidden: 'Not allowed',
  internal: 'Something went wrong',
};

export function errorTitle(code: ErrorCode): string | null {
  return ERROR_TITLES[code] ?? null;
}
