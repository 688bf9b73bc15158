// The sign-in form's fields and checks (the lock screen's unlock form uses them too); kept
// out of the components so that they can be unit-tested.

import type { FieldErrors } from '../../lib/forms';
import { loginStrings } from './strings';

export type LoginField = 'username' | 'password' | 'totp' | 'reason';

export const LOGIN_FIELDS: Readonly<Record<string, LoginField>> = {
  username: 'username',
  password: 'password',
  totp: 'totp',
  reason: 'reason',
};

/** Error codes that are about the second-factor code, shown next to its field. */
export const TOTP_CODES: ReadonlySet<string> = new Set(['bad_totp_code', 'totp_required']);

export function validateLogin(values: {
  username: string;
  password: string;
  totp?: string | null;
}): FieldErrors<LoginField> {
  const errors: FieldErrors<LoginField> = {};
  if (values.username.trim() === '') errors.username = loginStrings.required;
  if (values.password === '') errors.password = loginStrings.required;
  if (values.totp !== undefined && values.totp !== null && !/^\d{6}$/.test(values.totp.replace(/\s/g, ''))) {
    errors.totp = loginStrings.totpFormat;
  }
  return errors;
}

/** A second-factor code as typed ("123 456") as sent (`123456`); null when not asked. */
export function totpCode(typed: string | null): string | null {
  return typed === null ? null : typed.replace(/\s/g, '');
}
