// The chart's and the visit's section tabs: which a role sees (from the core's
// capabilities) and the keys that move between them. Tested in chart.test.ts.

import type { Capabilities } from '../../lib/api';

export type ChartTab = 'visits' | 'vitals' | 'diagnoses' | 'allergies' | 'attachments' | 'prescriptions' | 'lab' | 'access';

/** The chart's sections the signed-in person may open, in order. */
export function chartTabs(caps: Capabilities): ChartTab[] {
  const tabs: ChartTab[] = ['visits', 'vitals', 'diagnoses', 'allergies', 'attachments'];
  if (caps.read_prescriptions) tabs.push('prescriptions');
  if (caps.read_lab) tabs.push('lab');
  if (caps.read_access_history) tabs.push('access');
  return tabs;
}

/**
 * The section a key press moves to: Alt+1…Alt+9 pick by position anywhere on the screen;
 * in the tab list the arrows wrap and Home and End jump (WAI-ARIA tabs). Null for other keys.
 */
export function sectionForKey<T>(
  tabs: readonly T[],
  current: T,
  event: { key: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean; inTabList: boolean },
): T | null {
  if (tabs.length === 0 || event.ctrlKey || event.metaKey) return null;
  if (event.altKey) {
    const n = /^[1-9]$/.test(event.key) ? Number(event.key) : NaN;
    return Number.isNaN(n) ? null : (tabs[n - 1] ?? null);
  }
  if (!event.inTabList) return null;
  const i = Math.max(0, tabs.indexOf(current));
  switch (event.key) {
    case 'ArrowRight':
      return tabs[(i + 1) % tabs.length] ?? null;
    case 'ArrowLeft':
      return tabs[(i - 1 + tabs.length) % tabs.length] ?? null;
    case 'Home':
      return tabs[0] ?? null;
    case 'End':
      return tabs[tabs.length - 1] ?? null;
    default:
      return null;
  }
}
