// The visit screen's sections, in order (Alt+1 to Alt+4).

export const VISIT_TABS = ['note', 'vitals', 'diagnoses', 'allergies'] as const;
export type VisitTab = (typeof VISIT_TABS)[number];
