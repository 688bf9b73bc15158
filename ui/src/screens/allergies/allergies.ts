// Allergies for display: the list's order and one line per allergy. Which allergies are
// current (and so warned of) is the core's: the chart sends only those.

import type { Allergy } from './api';
import { allergiesStrings } from './strings';

/** The severities the core takes, most serious first (for the form's choice). */
export const SEVERITIES = ['severe', 'moderate', 'mild', 'unknown'] as const;

function rank(a: Allergy): number {
  if (a.archived) return 2;
  return a.inactive ? 1 : 0;
}

const SEVERITY_ORDER: Record<string, number> = { severe: 0, moderate: 1, mild: 2, unknown: 3 };

/** Current ones first (most severe first), then inactive, archived last. */
export function sortAllergies(list: readonly Allergy[]): Allergy[] {
  return [...list].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9) ||
      a.substance.localeCompare(b.substance),
  );
}

/** `Penicillin (Severe): Anaphylaxis`. */
export function allergyLine(a: Allergy): string {
  const severity = allergiesStrings.severities[a.severity] ?? a.severity;
  return allergiesStrings.line(a.substance, severity, a.reaction);
}
