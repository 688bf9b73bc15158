// The patient screens' commands: search, registration, records, archive, merges.

import { call, callAction, type AppointmentRow } from '../../lib/api';
import type { Patient } from '../../lib/generated/Patient';
import type { PatientInput } from '../../lib/generated/PatientInput';
import type { PatientMerge } from '../../lib/generated/PatientMerge';
import type { PatientSummary } from '../../lib/generated/PatientSummary';

export type { Patient, PatientInput, PatientMerge, PatientSummary };

export function searchPatients(text: string, limit = 25): Promise<PatientSummary[]> {
  return call<PatientSummary[]>('search_patients', { text, limit });
}

export function possibleDuplicates(input: PatientInput): Promise<PatientSummary[]> {
  return call<PatientSummary[]>('possible_duplicates', { input });
}

export function registerPatient(input: PatientInput, confirmedNotDuplicate: boolean): Promise<Patient> {
  return callAction<Patient>('register_patient', { input, confirmed_not_duplicate: confirmedNotDuplicate });
}

export function patient(id: string): Promise<Patient> {
  return call<Patient>('patient', { id });
}

export function updatePatient(id: string, input: PatientInput): Promise<Patient> {
  return callAction<Patient>('update_patient', { id, input });
}

export function archivePatient(id: string, reason: string): Promise<Patient> {
  return callAction<Patient>('archive_patient', { id, reason });
}

/** Brings an archived (not merged) record back (administrators). */
export function restorePatient(id: string): Promise<Patient> {
  return callAction<Patient>('restore_patient', { id });
}

/** Merges `duplicate` into `survivor`; answers with the recorded merge and what moved. */
export function mergePatients(survivor: string, duplicate: string): Promise<PatientMerge> {
  return callAction<PatientMerge>('merge_patients', { survivor, duplicate });
}

/** The merges a record took part in, newest first (administrators). */
export function patientMerges(id: string): Promise<PatientMerge[]> {
  return call<PatientMerge[]>('patient_merges', { id });
}

export function undoMerge(mergeId: string): Promise<PatientMerge> {
  return callAction<PatientMerge>('undo_merge', { merge_id: mergeId });
}

export function patientAppointments(id: string): Promise<AppointmentRow[]> {
  return call<AppointmentRow[]>('patient_appointments', { id });
}
