// The set-up screen's words: a new clinic, joining a group, and the recovery code.
// English for now; the words several screens share are in lib/strings.ts.

export const setupStrings = {
  title: 'Set up this workstation',
  intro:
    'This computer has no clinic data yet. Name the clinic and create the first administrator account. Everything is stored encrypted on this computer.',
  submit: 'Set up workstation',
  busy: 'Setting up…',
  required: 'Please fill this in.',
  passwordsDiffer: 'The two passwords are not the same.',
  modeLabel: 'How to set up',
  modeNew: 'A new clinic',
  modeJoin: 'Join a clinic group that already syncs',
  joinIntro:
    'For another computer of a branch that already uses the sync server. Enter the server address and the one-time code from IT, then your own user name and password: the server checks them and this computer receives the branch’s records.',
  joinUsername: 'Your user name',
  joinPassword: 'Your password',
  joinServerFormat: 'Type the whole address, starting with https://',
  joinSubmit: 'Join and download the records',
  joinBusy: 'Joining and downloading…',
} as const;

export const recoveryStrings = {
  title: 'Your recovery code',
  intro:
    'This code is the only way back in if every administrator password is forgotten. It is shown only once and is not stored anywhere on this computer.',
  writeDown: 'Write it down or print it now, and keep it somewhere safe, away from this computer.',
  print: 'Print',
  confirm: 'I have written down or printed the recovery code.',
  continue: 'Continue',
  codeLabel: 'Recovery code',
} as const;
