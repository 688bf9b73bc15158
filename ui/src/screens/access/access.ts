// The access history for display: what each look opened, in words.

import type { RecordAccess } from './api';
import { accessStrings } from './strings';

/** `Note history` for `note_history`; an unknown read keeps the core's name. */
export function whatLabel(what: string): string {
  return accessStrings.whats[what] ?? what.replace(/_/g, ' ');
}

/** How many of the looks were refused or used break-glass (shown above the table). */
export function accessSummary(list: readonly RecordAccess[]): { refused: number; emergency: number } {
  return {
    refused: list.filter((a) => !a.allowed).length,
    emergency: list.filter((a) => a.emergency_reason !== null).length,
  };
}
