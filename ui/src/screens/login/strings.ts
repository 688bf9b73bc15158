// The sign-in screen's words, normal and emergency (break-glass) sign-in.
// English for now; the words several screens share are in lib/strings.ts.

export const loginStrings = {
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
} as const;
