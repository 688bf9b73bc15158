// The set-up screen's commands: a new clinic, or a workstation joining a group that syncs.

import { call } from '../../lib/api';
import type { SetUpDone } from '../../lib/generated/SetUpDone';

export type { SetUpDone };

export function setUpWorkstation(input: {
  clinic_name: string;
  admin_username: string;
  password: string;
}): Promise<SetUpDone> {
  return call<SetUpDone>('set_up_workstation', input);
}

/** Sets this workstation up for a branch that already syncs (see `Workstation::join`). */
export function joinWorkstation(input: {
  server: string;
  code: string;
  ca_cert_pem: string | null;
  username: string;
  password: string;
}): Promise<SetUpDone> {
  return call<SetUpDone>('join_workstation', input);
}
