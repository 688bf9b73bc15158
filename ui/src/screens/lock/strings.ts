// The lock screen's words.
// English for now; the words several screens share are in lib/strings.ts.

export const lockStrings = {
  title: 'Workstation locked',
  intro: (username: string) => `Locked for ${username}. Enter your password to carry on where you left off.`,
  idle: 'The workstation locked itself after a period without activity.',
  submit: 'Unlock',
  busy: 'Unlocking…',
  someoneElse: 'Sign in as someone else',
} as const;
