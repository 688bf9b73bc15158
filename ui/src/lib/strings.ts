// Every user-facing string of the desktop UI, in one place (English for now).

import type { ErrorCode, Role } from './api';

export const strings = {
  appName: 'Clinic',
  loading: 'Opening the workstation…',
  startupFailed: 'The clinic app could not start',
  retry: 'Try again',

  fields: {
    clinicName: 'Clinic name',
    clinicNameHint: 'As it should appear on receipts and reports.',
    username: 'User name',
    usernameHint: '3 to 32 letters, digits, dots, dashes or underscores, starting with a letter.',
    password: 'Password',
    passwordHint: 'At least 10 characters, and not containing the user name.',
    confirmPassword: 'Confirm password',
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
    demoText: 'This is a demo workstation. Sign in with:',
    required: 'Please fill this in.',
  },

  home: {
    signedInAs: 'Signed in as',
    role: 'Role',
    branch: 'Branch',
    lock: 'Lock',
    locking: 'Locking…',
    welcome: 'The workstation is unlocked.',
    nextSteps: 'Patient records, appointments and billing will appear here.',
  },

  errors: {
    generic: 'Something went wrong. Please try again.',
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

/** Short titles shown above a core error message, where the message alone is not enough. */
const ERROR_TITLES: Partial<Record<ErrorCode, string>> = {
  key_file_missing: 'The key file is missing',
  key_file_corrupt: 'The key file is damaged',
  database_missing: 'The database file is missing',
  not_our_database: 'The files do not belong together',
  database_corrupt: 'The database is damaged',
  internal: 'Something went wrong',
};

export function errorTitle(code: ErrorCode): string | null {
  return ERROR_TITLES[code] ?? null;
}
