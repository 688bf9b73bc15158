// Form logic every screen shares, kept out of the components so that it can be unit-tested:
// placing a command's error next to its field, and the first field with an error. Each
// form's own fields and checks are in its screen's folder (e.g. screens/setup/setup.ts).

import { tick } from 'svelte';

import type { AppError } from './api';

/** A message per form field; a field with no message is valid. */
export type FieldErrors<F extends string> = Partial<Record<F, string>>;

/** Where an error is shown: next to one field, or under the whole form. */
export interface PlacedError<F extends string> {
  fields: FieldErrors<F>;
  form: string | null;
}

/** Makes a core message read as a sentence: capital first letter, closing full stop. */
export function sentence(message: string): string {
  const text = message.trim();
  if (text === '') return text;
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?)]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * Puts a command error next to the form field it is about. `fieldMap` maps the core's
 * field names (`err.field`, e.g. `password`) to this form's fields; an error about a
 * field the form does not show, or about no field at all, goes under the form.
 */
export function placeError<F extends string>(
  err: AppError,
  fieldMap: Readonly<Partial<Record<string, F>>>,
): PlacedError<F> {
  const target = err.field === null ? undefined : fieldMap[err.field];
  if (err.field !== null && target !== undefined) {
    // The core's Display form of a validation error is "field: message"; the shell strips
    // the prefix, but never show it twice if an older shell did not.
    const prefix = `${err.field}: `;
    const message = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
    const fields: FieldErrors<F> = {};
    fields[target] = sentence(message);
    return { fields, form: null };
  }
  return { fields: {}, form: sentence(err.message) };
}

export function hasErrors<F extends string>(errors: FieldErrors<F>): boolean {
  return Object.values(errors).some((m) => typeof m === 'string' && m !== '');
}

/** The first field with an error, in the order the form shows them. */
export function firstErrorField<F extends string>(errors: FieldErrors<F>, order: readonly F[]): F | null {
  return order.find((f) => typeof errors[f] === 'string' && errors[f] !== '') ?? null;
}

/** After the next render, moves the focus to the first field (in `order`) with an error. */
export async function focusFirstError<F extends string>(
  errors: FieldErrors<F>,
  order: readonly F[],
  ids: Record<F, string>,
): Promise<void> {
  const first = firstErrorField(errors, order);
  if (first === null) return;
  await tick();
  document.getElementById(ids[first])?.focus();
}

/** Whether the shell refused to save because the file exists (Replace is offered then):
 *  a refusal on `file_name` saying the path "already exists". */
export function offersReplace(err: { field: string | null; message: string }): boolean {
  return err.field === 'file_name' && err.message.includes('already exists');
}
