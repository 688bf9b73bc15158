// The chart's command: who the patient is, current allergies, problem list, latest
// vitals, active diagnoses and visits, in one audited read. The chart's sections call
// their own features' commands (vitals, diagnoses, allergies, access, visit notes).

import { call } from '../../lib/api';
import type { Chart } from '../../lib/generated/Chart';
import type { ChartPatient } from '../../lib/generated/ChartPatient';
import type { VisitLine } from '../../lib/generated/VisitLine';

export type { Chart, ChartPatient, VisitLine };

/** Opens a patient's chart (audited by the core). */
export function chart(patientId: string): Promise<Chart> {
  return call<Chart>('chart', { patient_id: patientId });
}
