// The commands the interoperability screens call, with their wire types.

import { call } from '../../lib/api';
import type { SavedExport } from '../../lib/generated/SavedExport';

export type { SavedExport };

/** Saves a patient's record as a FHIR R4 Bundle (JSON) into `folder` (empty: the user's
 *  Documents folder); an existing file is replaced only when asked. */
export function exportPatientFhir(patientId: string, folder: string, fileName: string, replace: boolean): Promise<SavedExport> {
  return call<SavedExport>('export_patient_fhir', { patient_id: patientId, folder, file_name: fileName, replace });
}
