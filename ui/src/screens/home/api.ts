// Second-factor (TOTP) set-up, shown on the home screen.

import { call, type SignedIn } from '../../lib/api';
import type { TotpSetup } from '../../lib/generated/TotpSetup';

export type { QrMatrix } from '../../lib/generated/QrMatrix';
export type { TotpSetup };

export function beginTotpEnrolment(): Promise<TotpSetup> {
  return call<TotpSetup>('begin_totp_enrolment');
}

export function enrolTotp(input: { secret: string; code: string }): Promise<SignedIn> {
  return call<SignedIn>('enrol_totp', input);
}
