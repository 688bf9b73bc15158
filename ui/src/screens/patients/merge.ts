// Merge helpers, kept out of the components for testing. Whether two records may be
// merged, and what moves, is the core's decision; these describe the recorded result.

import type { PatientMerge, PatientSummary } from './api';
import { mergeStrings } from './strings';

/** `1 appointment, 3 status changes` for what a merge moved. */
export function movedSummary(merge: PatientMerge): string {
  const t = mergeStrings;
  const parts = merge.moved.map((m) => {
    const [one, many] = t.tables[m.table] ?? [m.table, m.table];
    return `${m.ids.length} ${m.ids.length === 1 ? one : many}`;
  });
  return parts.length === 0 ? t.nothingMoved : parts.join(', ');
}

/** Whether `patientId` survived this merge or was the merged duplicate. */
export function sideOf(merge: PatientMerge, patientId: string): 'survivor' | 'merged' {
  return merge.merged_id === patientId ? 'merged' : 'survivor';
}

/** The merge that currently keeps this record archived (not undone), if any. */
export function activeMergeOf(merges: readonly PatientMerge[], patientId: string): PatientMerge | null {
  return merges.find((m) => m.merged_id === patientId && m.undone_at === null) ?? null;
}

/**
 * What the form can tell before asking the core: picking the record itself, or one that
 * is archived. Null when it may be sent (the core still checks).
 */
export function mergeProblem(survivorId: string, candidate: PatientSummary): string | null {
  if (candidate.id === survivorId) return mergeStrings.sameRecord;
  if (!candidate.active) return mergeStrings.notActive;
  return null;
}

/** The other record of a merge, seen from `patientId`. */
export function otherRecord(merge: PatientMerge, patientId: string): string {
  return sideOf(merge, patientId) === 'merged' ? merge.survivor_id : merge.merged_id;
}
