import { describe, expect, it } from 'vitest';

import { dayStrip, stripStartFor } from './booking';

describe('the day strip', () => {
  const today = '2026-01-05';

  it('shows a week from its first day', () => {
    expect(dayStrip('2026-01-30')).toEqual([
      '2026-01-30',
      '2026-01-31',
      '2026-02-01',
      '2026-02-02',
      '2026-02-03',
      '2026-02-04',
      '2026-02-05',
    ]);
  });

  it('starts today when the first free day is this week, else on that day', () => {
    expect(stripStartFor('2026-01-07', today)).toBe(today);
    expect(stripStartFor('2026-01-20', today)).toBe('2026-01-20');
  });

  it('pages by a week and never into the past', () => {
    expect(stripStartFor(today, today, 7)).toBe('2026-01-12');
    expect(stripStartFor('2026-01-12', today, -7)).toBe(today);
    expect(stripStartFor('2026-01-08', today, -7)).toBe(today);
  });
});
