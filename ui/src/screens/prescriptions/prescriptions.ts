// The prescribing screens' logic, kept out of the components and tested in
// prescriptions.test.ts: what the item form sends, when the quantity the core computed
// replaces what is in the field, how warnings are grouped, when Issue is enabled, which
// diagnoses the form offers and how a list row reads. Whether a warning is serious, the
// quantity itself and every check stay the core's.

import type { Diagnosis } from '../diagnoses/api';
import type { Drug, Prescription, PrescriptionItem, PrescriptionItemInput, PrescriptionWarning, WarningSeverity } from './api';
import { prescriptionsStrings as t } from './strings';

/** What the doctor chose: a catalogue drug, or text written when nothing fits. */
export type DrugChoice = { kind: 'drug'; drug: Drug } | { kind: 'free'; text: string };

export interface ItemForm {
  strength: string;
  form: string;
  route: string;
  dose: string;
  frequency: string;
  days: string;
  quantity: string;
  refills: string;
  substitution: boolean;
  instructions: string;
}

export function emptyItemForm(): ItemForm {
  return { strength: '', form: '', route: '', dose: '', frequency: '', days: '', quantity: '', refills: '0', substitution: true, instructions: '' };
}

/** The form's defaults for a chosen drug: its only strength, form and route, if it has one. */
export function formFor(choice: DrugChoice): ItemForm {
  const form = emptyItemForm();
  if (choice.kind === 'drug') {
    const only = (list: readonly string[]): string => (list.length === 1 ? (list[0] ?? '') : '');
    form.strength = only(choice.drug.strengths);
    form.form = only(choice.drug.forms);
    form.route = only(choice.drug.routes);
  }
  return form;
}

const optional = (text: string): string | null => (text.trim() === '' ? null : text.trim());

/** A whole number typed in a field: null when empty, `undefined` when it is not one. */
export function wholeNumber(text: string): number | null | undefined {
  const s = text.trim();
  if (s === '') return null;
  return /^\d+$/.test(s) ? Number(s) : undefined;
}

/** The item as the core takes it, or the form's fields that are not whole numbers. */
export function itemInput(choice: DrugChoice, form: ItemForm): { input: PrescriptionItemInput } | { invalid: ('days' | 'refills')[] } {
  const days = wholeNumber(form.days);
  const refills = wholeNumber(form.refills);
  const invalid: ('days' | 'refills')[] = [];
  if (days === undefined) invalid.push('days');
  if (refills === undefined) invalid.push('refills');
  if (invalid.length > 0 || days === undefined || refills === undefined) return { invalid };
  return {
    input: {
      drug: choice.kind === 'drug' ? choice.drug.name : null,
      free_text: choice.kind === 'free' ? choice.text.trim() : null,
      strength: optional(form.strength),
      form: optional(form.form),
      dose: form.dose.trim(),
      route: optional(form.route),
      frequency: form.frequency.trim(),
      duration_days: days,
      quantity: optional(form.quantity),
      refills: refills ?? 0,
      substitution_allowed: form.substitution,
      instructions: optional(form.instructions),
    },
  };
}

/**
 * What the quantity field holds once the core has computed one: the core's figure (or
 * empty when it could not compute one) until the doctor types their own, which is kept.
 */
export function nextQuantity(current: string, editedByHand: boolean, computed: string | null): string {
  if (editedByHand) return current;
  return computed ?? '';
}

/** The core's field names for the item form's fields. */
export const ITEM_ERROR_FIELDS = {
  drug: 'drug',
  free_text: 'drug',
  item: 'drug',
  strength: 'strength',
  form: 'form',
  route: 'route',
  dose: 'dose',
  frequency: 'frequency',
  duration_days: 'days',
  quantity: 'quantity',
  refills: 'refills',
  instructions: 'instructions',
} as const;

/** The core's field names for the start of a draft. */
export const DRAFT_ERROR_FIELDS = { diagnosis: 'diagnosis', follow_up: 'followUp', encounter: 'diagnosis' } as const;

const SEVERITY_ORDER: readonly WarningSeverity[] = ['serious', 'moderate', 'minor'];

export interface WarningGroup {
  severity: WarningSeverity;
  warnings: PrescriptionWarning[];
}

/** Warnings by severity, serious first, in the core's order within each; no empty group. */
export function groupWarnings(warnings: readonly PrescriptionWarning[]): WarningGroup[] {
  return SEVERITY_ORDER.map((severity) => ({ severity, warnings: warnings.filter((w) => w.severity === severity) })).filter((g) => g.warnings.length > 0);
}

/** Whether the core said a warning needs an override reason. */
export function needsOverride(warnings: readonly PrescriptionWarning[]): boolean {
  return warnings.some((w) => w.serious);
}

export interface IssueState {
  items: number;
  /** The warnings shown are for the items as they stand (checked after the last change). */
  checked: boolean;
  warnings: readonly PrescriptionWarning[];
  /** The doctor chose Override. */
  overriding: boolean;
  reason: string;
  busy: boolean;
}

/**
 * Issue is enabled once there is an item, the checks ran on the items as they stand, and
 * every serious warning has been overridden explicitly with a reason typed in.
 */
export function canIssue(s: IssueState): boolean {
  if (s.busy || s.items === 0 || !s.checked) return false;
  if (!needsOverride(s.warnings)) return true;
  return s.overriding && s.reason.trim() !== '';
}

/** The reason sent with Issue: only when a serious warning is overridden. */
export function overrideReasonFor(s: Pick<IssueState, 'warnings' | 'overriding' | 'reason'>): string | null {
  return needsOverride(s.warnings) && s.overriding && s.reason.trim() !== '' ? s.reason.trim() : null;
}

/**
 * The diagnoses the form offers: current ones (not archived or resolved), the visit's
 * own first; each once per code or title.
 */
export function diagnosisChoices(list: readonly Diagnosis[], encounterId: string | null): Diagnosis[] {
  const current = list.filter((d) => !d.archived && !d.resolved);
  const ours = encounterId === null ? [] : current.filter((d) => d.encounter_id === encounterId);
  const seen = new Set<string>();
  return [...ours, ...current.filter((d) => !ours.includes(d))].filter((d) => {
    const key = d.code ?? d.title;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The diagnosis the form starts with: the visit's primary one, or none. */
export function defaultDiagnosis(choices: readonly Diagnosis[], encounterId: string | null): string {
  if (encounterId === null) return '';
  return choices.find((d) => d.encounter_id === encounterId && d.primary)?.id ?? choices.find((d) => d.encounter_id === encounterId)?.id ?? '';
}

/** One item as a line: drug and strength, then dose, frequency and days, quantity, refills. */
export function itemLine(item: PrescriptionItem): string {
  const parts = [t.itemLine(item.dose, item.frequency, item.duration_days === null ? null : Number(item.duration_days))];
  if (item.route) parts.push(item.route);
  if (item.quantity) parts.push(t.quantityShort(item.quantity));
  if (Number(item.refills) > 0) parts.push(t.refillsShort(Number(item.refills)));
  if (!item.substitution_allowed) parts.push(t.noSubstitution);
  return parts.join(' · ');
}

export function drugLabel(item: PrescriptionItem): string {
  return [item.drug_name, item.strength, item.form].filter((p): p is string => !!p).join(' ');
}

/** The drugs of a prescription, for its list row. */
export function itemsSummary(rx: Prescription): string {
  return rx.items.map((i) => [i.drug_name, i.strength].filter((p): p is string => !!p).join(' ')).join(', ');
}

/** What a prescription is called in a list or a button's label: its number, or "Draft". */
export function rxName(rx: Prescription): string {
  return rx.number ?? t.draftNumber;
}

/** When it was issued, or started for a draft. */
export function rxDate(rx: Prescription): string {
  return rx.issued_at ?? rx.created_at;
}
