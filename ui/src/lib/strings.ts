// The user-facing words several screens share (English for now): common words, form
// fields, sync, and the labels of roles, appointment statuses and errors.
//
// Convention: a screen's own words live in `screens/<feature>/strings.ts`, one exported
// `<group>Strings` object per group (e.g. `adminStrings`, `profileStrings`); screens and the
// e2e flows import them from there. A word goes here only when several features use it.

import type { AppointmentStatus } from './generated/AppointmentStatus';
import type { ErrorCode } from './generated/ErrorCode';
import type { Role } from './generated/Role';

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
  actions: 'Actions',

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

  saveToFolder: {
    folder: 'Folder',
    folderHint: 'Empty: your Documents folder.',
    fileName: 'File name',
    saveIt: 'Save',
    replace: 'Replace it',
    saving: 'Saving…',
    savedTo: (path: string) => `Saved to ${path}.`,
    cancel: 'Cancel',
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
      intro: 'Enter the server address and the one-time code from IT. Sync starts at once; other staff sync from their next sign-in.',
      server: 'Server address',
      serverHint: 'For example https://sync.example.org',
      code: 'One-time code',
      caCert: 'Server certificate (optional)',
      caCertHint: 'Paste the PEM certificate only if IT gave you one (for a self-signed server).',
      submit: 'Connect',
      connecting: 'Connecting…',
      done: (server: string) => `Connected to ${server}. Syncing in the background.`,
      required: 'Enter the server address and the code.',
    },
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
  not_a_backup: 'Not a clinic backup',
  backup_damaged: 'The backup is damaged',
  attachment_damaged: 'The attachment is damaged',
  forbidden: 'Not allowed',
  internal: 'Something went wrong',
};

export function errorTitle(code: ErrorCode): string | null {
  return ERROR_TITLES[code] ?? null;
}
