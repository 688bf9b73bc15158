// The diagnoses panel's commands: the ICD-10-CM search as one types, recording a
// diagnosis (a code, or free text), resolving it, the problem list (chronic), archiving
// one entered in error, and a patient's list.

import { call, callAction } from '../../lib/api';
import type { Diagnosis } from '../../lib/generated/Diagnosis';
import type { DiagnosisInput } from '../../lib/generated/DiagnosisInput';
import type { IcdCode } from '../../lib/generated/IcdCode';

export type { Diagnosis, DiagnosisInput, IcdCode };

/** ICD-10-CM codes by code prefix or words of the title, best first. */
export function searchDiagnosisCodes(text: string, limit = 20): Promise<IcdCode[]> {
  return call<IcdCode[]>('search_diagnosis_codes', { text, limit });
}

export function addDiagnosis(patientId: string, encounterId: string | null, input: DiagnosisInput): Promise<Diagnosis> {
  return callAction<Diagnosis>('add_diagnosis', { patient_id: patientId, encounter_id: encounterId, input });
}

export function setDiagnosisResolved(id: string, resolved: boolean): Promise<Diagnosis> {
  return callAction<Diagnosis>('set_diagnosis_resolved', { id, resolved });
}

/** Puts a diagnosis on the problem list (chronic) or takes it off. */
export function setDiagnosisChronic(id: string, chronic: boolean): Promise<Diagnosis> {
  return callAction<Diagnosis>('set_diagnosis_chronic', { id, chronic });
}

export function archiveDiagnosis(id: string, reason: string): Promise<Diagnosis> {
  return callAction<Diagnosis>('archive_diagnosis', { id, reason });
}

/** A patient's diagnoses, newest first, archived ones included (an audited read). */
export function patientDiagnoses(patientId: string): Promise<Diagnosis[]> {
  return call<Diagnosis[]>('patient_diagnoses', { patient_id: patientId });
}
