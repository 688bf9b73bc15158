// The access history's command: who opened a patient's record, when, as what role, with
// the break-glass reason, and the refused attempts (administrators; a patient for their
// own record). The patient's name for the page comes from the patients feature.

import { call } from '../../lib/api';
import type { RecordAccess } from '../../lib/generated/RecordAccess';

export type { RecordAccess };

/** Newest first, at most `limit`. Reading it is itself audited. */
export function accessHistory(patientId: string, limit = 200): Promise<RecordAccess[]> {
  return call<RecordAccess[]>('access_history', { patient_id: patientId, limit });
}
