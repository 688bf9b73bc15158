// The allergies panel's commands: recording an allergy, correcting it or marking it
// inactive, archiving one entered in error, and a patient's list.

import { call, callAction } from '../../lib/api';
import type { Allergy } from '../../lib/generated/Allergy';
import type { AllergyInput } from '../../lib/generated/AllergyInput';

export type { Allergy, AllergyInput };

export function addAllergy(patientId: string, input: AllergyInput): Promise<Allergy> {
  return callAction<Allergy>('add_allergy', { patient_id: patientId, input });
}

/** Corrects reaction and severity; `active` false marks it inactive (outgrown, disproved). */
export function updateAllergy(id: string, reaction: string | null, severity: string | null, active: boolean): Promise<Allergy> {
  return callAction<Allergy>('update_allergy', { id, reaction, severity, active });
}

export function archiveAllergy(id: string, reason: string): Promise<Allergy> {
  return callAction<Allergy>('archive_allergy', { id, reason });
}

/** A patient's allergies, current ones first (an audited read). */
export function patientAllergies(patientId: string): Promise<Allergy[]> {
  return call<Allergy[]>('patient_allergies', { patient_id: patientId });
}
