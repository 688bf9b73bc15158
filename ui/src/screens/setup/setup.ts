// The set-up form's fields and checks, and the recovery code's groups; kept out of the
// components so that they can be unit-tested.

import type { FieldErrors } from '../../lib/forms';
import { setupStrings } from './strings';

export type SetupField = 'clinicName' | 'username' | 'password' | 'confirm';

export interface SetupValues {
  clinicName: string;
  username: string;
  password: string;
  confirm: string;
}

/** The core's names for the set-up fields (see clinic-core `Workstation::init`). */
export const SETUP_FIELDS: Readonly<Record<string, SetupField>> = {
  clinic_name: 'clinicName',
  username: 'username',
  admin_username: 'username',
  password: 'password',
};

/**
 * What the set-up form checks before asking the shell: every field filled in and the two
 * passwords the same. The rules on names and password strength belong to the core, whose
 * validation errors come back with a field and are placed by `placeError`.
 */
export function validateSetup(values: SetupValues): FieldErrors<SetupField> {
  const errors: FieldErrors<SetupField> = {};
  if (values.clinicName.trim() === '') errors.clinicName = setupStrings.required;
  if (values.username.trim() === '') errors.username = setupStrings.required;
  if (values.password === '') errors.password = setupStrings.required;
  if (values.confirm === '') {
    errors.confirm = setupStrings.required;
  } else if (values.password !== values.confirm) {
    errors.confirm = setupStrings.passwordsDiffer;
  }
  return errors;
}

/** Groups a recovery code for reading aloud and copying by hand: `ABCD-EFGH-…` stays as is. */
export function recoveryGroups(code: string): string[] {
  return code
    .split('-')
    .map((g) => g.trim())
    .filter((g) => g !== '');
}
