// The booking screen's day strip, kept out of the component for testing.

import { addDays } from '../../lib/format';

export const STRIP_DAYS = 7;

/** The days shown in the strip that starts at `start`. */
export function dayStrip(start: string, length = STRIP_DAYS): string[] {
  return Array.from({ length }, (_, i) => addDays(start, i));
}

/**
 * Where the strip starts so that `day` shows (moved by `shift` days when paging): today
 * when `day` falls within the first week, never before today.
 */
export function stripStartFor(day: string, today: string, shift = 0): string {
  const wanted = addDays(day, shift);
  if (wanted <= today) return today;
  if (shift === 0 && wanted < addDays(today, STRIP_DAYS)) return today;
  return wanted;
}
