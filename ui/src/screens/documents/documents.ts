// Pure helpers of the printed documents, tested in documents.test.ts: the copies a person
// typed, turning the preview's pages (buttons and keys), the printer offered first, the
// status lines after printing and saving, which errors offer "Replace", and the shape of
// a certificate as the form sends it. What a document says, who may print it and what is
// valid on a letterhead or certificate are the core's.

import type { AppError } from '../../lib/api';
import { documentsStrings as t } from './strings';

/** The most copies one Print sends (a prescription pad, not a print shop). */
export const MAX_COPIES = 99;

/** The copies typed in: a whole number from 1 to 99, or why not. */
export function parseCopies(text: string): { copies: number } | { error: string } {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return { error: t.copiesWhole };
  const copies = Number(trimmed);
  if (copies < 1 || copies > MAX_COPIES) return { error: t.copiesRange };
  return { copies };
}

/** The page a preview moves to, kept within 1…pages. */
export function turnPage(page: number, pages: number, by: number): number {
  return Math.min(Math.max(1, page + by), Math.max(1, pages));
}

/**
 * The page a key takes the preview to, or null when the key does not turn pages (or the
 * page would not change). `onPreview` says whether the focus is on the preview itself:
 * the arrow keys turn pages only there, so they keep moving the caret in the fields.
 */
export function pageForKey(key: string, page: number, pages: number, onPreview: boolean): number | null {
  let next: number;
  switch (key) {
    case 'PageDown':
      next = turnPage(page, pages, 1);
      break;
    case 'PageUp':
      next = turnPage(page, pages, -1);
      break;
    case 'ArrowRight':
    case 'ArrowDown':
      if (!onPreview) return null;
      next = turnPage(page, pages, 1);
      break;
    case 'ArrowLeft':
    case 'ArrowUp':
      if (!onPreview) return null;
      next = turnPage(page, pages, -1);
      break;
    case 'Home':
      if (!onPreview) return null;
      next = 1;
      break;
    case 'End':
      if (!onPreview) return null;
      next = Math.max(1, pages);
      break;
    default:
      return null;
  }
  return next === page ? null : next;
}

/** The printer the list starts on: the shell's preferred one if listed, else the first. */
export function initialPrinter(printers: readonly string[], preferred: string | null): string {
  if (preferred !== null && printers.includes(preferred)) return preferred;
  return printers[0] ?? '';
}

/** The line shown once a print job is handed to the printing system. */
export function printedStatus(printed: { printer: string; job: string | number | null }): string {
  const job = printed.job === null ? '' : String(printed.job).trim();
  return job === '' ? t.sentNoJob(printed.printer) : t.sent(printed.printer, job);
}

/** The line shown once the PDF is written. */
export function savedStatus(saved: { path: string }): string {
  return t.saved(saved.path);
}

/**
 * Whether a refused save is the "file already exists" refusal, which the dialog answers
 * with a Replace button (the shell then saves again with `replace`). The shell refuses
 * it as a validation error on `file_name` saying the path "already exists"; an empty or
 * foldered name is refused on the same field, and Replace would not help there.
 */
export function offersReplace(err: AppError): boolean {
  return err.code === 'validation' && err.field === 'file_name' && err.message.includes('already exists');
}

/** Whether an attachment can be printed from the chart: an active PDF. */
export function printable(a: { mime: string; archived: boolean }): boolean {
  return a.mime === 'application/pdf' && !a.archived;
}

export type CertificateKind = 'sick_note' | 'fitness_to_work';
export const CERTIFICATE_KINDS: readonly CertificateKind[] = ['sick_note', 'fitness_to_work'];

export type CertificateField = 'kind' | 'from' | 'until' | 'recommendation';
export const CERTIFICATE_FIELD_ORDER: readonly CertificateField[] = ['kind', 'from', 'until', 'recommendation'];

/** The core's field names, mapped to the certificate form's. */
export const CERTIFICATE_FIELDS: Readonly<Record<string, CertificateField>> = {
  kind: 'kind',
  from: 'from',
  until: 'until',
  recommendation: 'recommendation',
};

export interface CertificateForm {
  kind: CertificateKind;
  from: string;
  until: string;
  recommendation: string;
}

/**
 * What the form sends: a fitness-to-work certificate has no last day, so one typed
 * while the form showed a sick note is not sent; the core checks the rest.
 */
export function certificateInput(form: CertificateForm): { kind: CertificateKind; from: string; until: string | null; recommendation: string } {
  const until = form.kind === 'sick_note' && form.until.trim() !== '' ? form.until.trim() : null;
  return { kind: form.kind, from: form.from.trim(), until, recommendation: form.recommendation.trim() };
}
