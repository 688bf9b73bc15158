// The vitals panel's commands: recording a set, a patient's history (the trend plots'
// data) and the clinic's display units (set by administrators in Administration →
// Clinic settings).

import { call, callAction } from '../../lib/api';
import type { Units } from '../../lib/generated/Units';
import type { VitalsFlag } from '../../lib/generated/VitalsFlag';
import type { VitalsInput } from '../../lib/generated/VitalsInput';
import type { VitalsReading } from '../../lib/generated/VitalsReading';

export type { Units, VitalsFlag, VitalsInput, VitalsReading };

/** Records a set for a patient, on a visit (`encounterId`) or not. */
export function recordVitals(patientId: string, encounterId: string | null, input: VitalsInput): Promise<VitalsReading> {
  return callAction<VitalsReading>('record_vitals', { patient_id: patientId, encounter_id: encounterId, input });
}

/** Every set of a patient's vitals, oldest first (an audited read). */
export function vitalsHistory(patientId: string): Promise<VitalsReading[]> {
  return call<VitalsReading[]>('vitals_history', { patient_id: patientId });
}

/** How the clinic reads vitals. */
export function displayUnits(): Promise<Units> {
  return call<Units>('display_units');
}

/** Sets how the clinic reads vitals (administrators); answers with the setting. */
export function setDisplayUnits(units: Units): Promise<Units> {
  return callAction<Units>('set_display_units', { units });
}
