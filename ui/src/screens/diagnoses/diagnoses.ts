// The diagnoses panel's logic, kept out of the component: what the form sends for a
// chosen code or free text, the list's order, and which rank a new diagnosis starts with.
// Whether a code exists and what its title is stays the core's (it looks it up again).

import type { Diagnosis, DiagnosisInput, IcdCode } from './api';

/** What the doctor chose: a code from the search, or the text typed when nothing fits. */
export type Choice = { kind: 'code'; code: IcdCode } | { kind: 'free'; title: string };

export interface DiagnosisForm {
  primary: boolean;
  chronic: boolean;
  onset: string;
  note: string;
}

const optional = (text: string): string | null => (text.trim() === '' ? null : text.trim());

/** The form as the core takes it. */
export function diagnosisInput(choice: Choice, form: DiagnosisForm): DiagnosisInput {
  return {
    code: choice.kind === 'code' ? choice.code.code : null,
    title: choice.kind === 'free' ? choice.title.trim() : null,
    note: optional(form.note),
    primary: form.primary,
    onset: optional(form.onset),
    chronic: form.chronic,
  };
}

/** A new diagnosis on a visit is primary unless the visit already has a current primary one. */
export function startsPrimary(list: readonly Diagnosis[], encounterId: string | null): boolean {
  return !list.some((d) => d.primary && !d.archived && !d.resolved && (encounterId === null || d.encounter_id === encounterId));
}

function rank(d: Diagnosis): number {
  if (d.archived) return 3;
  if (d.resolved) return 2;
  return d.primary ? 0 : 1;
}

/** Current ones first (primary before secondary), then resolved, archived last; newest first within each. */
export function sortDiagnoses(list: readonly Diagnosis[]): Diagnosis[] {
  return [...list].sort((a, b) => rank(a) - rank(b) || b.recorded_at.localeCompare(a.recorded_at));
}

/** The core's field names for the form's fields (a code or title error goes by the search). */
export const DIAGNOSIS_ERROR_FIELDS = {
  code: 'choice',
  title: 'choice',
  onset: 'onset',
  note: 'note',
} as const;
