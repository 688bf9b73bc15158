// The visit screen's sections, in order (Alt+1 to Alt+5): the prescriptions only for
// those the core lets read them.

import type { Capabilities } from '../../lib/api';

export const VISIT_TABS = ['note', 'vitals', 'diagnoses', 'allergies', 'prescriptions'] as const;
export type VisitTab = (typeof VISIT_TABS)[number];

/** The visit's sections the signed-in person may open, in order. */
export function visitTabs(caps: Capabilities): VisitTab[] {
  return VISIT_TABS.filter((tab) => tab !== 'prescriptions' || caps.read_prescriptions);
}
