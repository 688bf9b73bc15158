// The laboratory's commands: the catalogue, a doctor's order, a patient's orders with
// their results, the branch lab's worklist, collecting and rejecting a sample, opening one
// by its scanned number, entering and verifying results. Every rule (who may, the flags,
// the numbers) is the core's.

import { call, callAction } from '../../lib/api';
import type { LabCatalogue } from '../../lib/generated/LabCatalogue';
import type { LabFlag } from '../../lib/generated/LabFlag';
import type { LabOrder } from '../../lib/generated/LabOrder';
import type { LabOrderInput } from '../../lib/generated/LabOrderInput';
import type { LabPanel } from '../../lib/generated/LabPanel';
import type { LabResult } from '../../lib/generated/LabResult';
import type { LabSample } from '../../lib/generated/LabSample';
import type { LabTest } from '../../lib/generated/LabTest';
import type { LabWorklistRow } from '../../lib/generated/LabWorklistRow';
import type { ScannedSample } from '../../lib/generated/ScannedSample';

export type { LabCatalogue, LabFlag, LabOrder, LabOrderInput, LabPanel, LabResult, LabSample, LabTest, LabWorklistRow, ScannedSample };

export function labCatalogue(): Promise<LabCatalogue> {
  return call<LabCatalogue>('lab_catalogue', {});
}

export function orderLab(patientId: string, input: LabOrderInput): Promise<LabOrder> {
  return callAction<LabOrder>('order_lab', { patient_id: patientId, input });
}

/** A patient's orders with their samples and results, newest first (an audited read). */
export function patientLabOrders(patientId: string): Promise<LabOrder[]> {
  return call<LabOrder[]>('patient_lab_orders', { patient_id: patientId });
}

/** The branch lab's standing orders, urgent first, each with whose it is. */
export function labWorklist(): Promise<LabWorklistRow[]> {
  return call<LabWorklistRow[]>('lab_worklist', {});
}

/** Cancels an order that has no result yet (doctors). */
export function cancelLabOrder(id: string, reason: string): Promise<LabOrder> {
  return callAction<LabOrder>('cancel_lab_order', { id, reason });
}

export function collectSample(orderId: string, specimen: string | null): Promise<LabSample> {
  return callAction<LabSample>('collect_sample', { order_id: orderId, specimen });
}

export function rejectSample(id: string, reason: string): Promise<LabSample> {
  return callAction<LabSample>('reject_sample', { id, reason });
}

/** The sample a scanned label names, with its order. */
export function sampleByNumber(number: string): Promise<ScannedSample> {
  return call<ScannedSample>('sample_by_number', { number });
}

export function enterLabResult(sampleId: string, code: string, value: string, comment: string | null): Promise<LabResult> {
  return callAction<LabResult>('enter_lab_result', { sample_id: sampleId, code, value, comment });
}

export function verifyLabResult(id: string): Promise<LabResult> {
  return callAction<LabResult>('verify_lab_result', { id });
}
