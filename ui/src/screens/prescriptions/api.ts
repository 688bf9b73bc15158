// The prescribing commands: the drug catalogue's search, the core's quantity for a dose,
// drafts and their items, the checks, issuing (with an override reason when a warning is
// serious), cancelling with a reason, repeating, one prescription and a patient's list.
// Every rule (who may, what a warning is, the number) is the core's.

import { call, callAction } from '../../lib/api';
import type { Drug } from '../../lib/generated/Drug';
import type { Prescription } from '../../lib/generated/Prescription';
import type { PrescriptionDraftInput } from '../../lib/generated/PrescriptionDraftInput';
import type { PrescriptionItem } from '../../lib/generated/PrescriptionItem';
import type { PrescriptionItemInput } from '../../lib/generated/PrescriptionItemInput';
import type { PrescriptionStatus } from '../../lib/generated/PrescriptionStatus';
import type { PrescriptionWarning } from '../../lib/generated/PrescriptionWarning';
import type { WarningKind } from '../../lib/generated/WarningKind';
import type { WarningSeverity } from '../../lib/generated/WarningSeverity';

export type {
  Drug,
  Prescription,
  PrescriptionDraftInput,
  PrescriptionItem,
  PrescriptionItemInput,
  PrescriptionStatus,
  PrescriptionWarning,
  WarningKind,
  WarningSeverity,
};

/** Catalogue drugs whose name, ingredient or class starts with the text. */
export function searchDrugs(text: string, limit = 20): Promise<Drug[]> {
  return call<Drug[]>('search_drugs', { text, limit });
}

/** The quantity the core fills in for dose × frequency × days (null when it cannot). */
export function prescriptionQuantity(dose: string, frequency: string, durationDays: number | null): Promise<string | null> {
  return call<string | null>('prescription_quantity', { dose, frequency, duration_days: durationDays });
}

export function newPrescription(patientId: string, input: PrescriptionDraftInput): Promise<Prescription> {
  return callAction<Prescription>('new_prescription', { patient_id: patientId, input });
}

export function addPrescriptionItem(id: string, input: PrescriptionItemInput): Promise<Prescription> {
  return callAction<Prescription>('add_prescription_item', { id, input });
}

export function removePrescriptionItem(id: string, position: number): Promise<Prescription> {
  return callAction<Prescription>('remove_prescription_item', { id, position });
}

/** The warnings for the prescription as it stands (an audited read). */
export function checkPrescription(id: string): Promise<PrescriptionWarning[]> {
  return call<PrescriptionWarning[]>('check_prescription', { id });
}

export function issuePrescription(id: string, overrideReason: string | null): Promise<Prescription> {
  return callAction<Prescription>('issue_prescription', { id, override_reason: overrideReason });
}

export function cancelPrescription(id: string, reason: string): Promise<Prescription> {
  return callAction<Prescription>('cancel_prescription', { id, reason });
}

/** A new draft copying an issued or cancelled prescription. */
export function repeatPrescription(id: string): Promise<Prescription> {
  return callAction<Prescription>('repeat_prescription', { id });
}

export function prescription(id: string): Promise<Prescription> {
  return call<Prescription>('prescription', { id });
}

/** A patient's prescriptions, newest first, with one's own drafts (an audited read). */
export function patientPrescriptions(patientId: string): Promise<Prescription[]> {
  return call<Prescription[]>('patient_prescriptions', { patient_id: patientId });
}
