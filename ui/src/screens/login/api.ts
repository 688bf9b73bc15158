// Sign-in, break-glass emergency access and sign-out (the lock screen and the header sign
// out too).

import { call, type SignedIn } from '../../lib/api';

/** `totp_code` is sent once the core has answered `totp_required`. */
export function signIn(input: { username: string; password: string; totp_code: string | null }): Promise<SignedIn> {
  return call<SignedIn>('sign_in', input);
}

/** Break-glass emergency access: read-only, time-limited, the reason shown to administrators. */
export function breakGlass(input: {
  username: string;
  password: string;
  totp_code: string | null;
  reason: string;
}): Promise<SignedIn> {
  return call<SignedIn>('break_glass', input);
}

export function signOut(): Promise<void> {
  return call<void>('sign_out');
}
