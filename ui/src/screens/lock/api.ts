// Locking the workstation (the header's Lock and Ctrl+L) and unlocking it.

import { call, type SignedIn } from '../../lib/api';

/** Unlocks as the user who locked the workstation. */
export function unlock(input: { password: string; totp_code: string | null }): Promise<SignedIn> {
  return call<SignedIn>('unlock', input);
}

export function lock(): Promise<void> {
  return call<void>('lock');
}
