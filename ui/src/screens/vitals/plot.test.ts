import { describe, expect, it } from 'vitest';

import { niceTicks, plotLayout, SMALL_FRAME, type TrendSeries } from './plot';

describe('niceTicks', () => {
  it('brackets the values with round steps', () => {
    expect(niceTicks(36.6, 38.2)).toEqual([36.5, 37, 37.5, 38, 38.5]);
    expect(niceTicks(118, 152, 4)).toEqual([100, 120, 140, 160]);
    expect(niceTicks(0, 10, 3)).toEqual([0, 5, 10]);
  });

  it('gives a flat series a range around its value', () => {
    const ticks = niceTicks(98, 98, 4);
    expect(ticks[0]).toBeLessThan(98);
    expect(ticks[ticks.length - 1]).toBeGreaterThan(98);
    const small = niceTicks(3, 3, 4);
    expect(small[0]).toBeLessThanOrEqual(2);
    expect(small[small.length - 1]).toBeGreaterThanOrEqual(4);
  });

  it('has no floating-point noise in its labels', () => {
    for (const tick of niceTicks(0.1, 0.7)) expect(String(tick).length).toBeLessThan(6);
  });
});

const pulse: TrendSeries = {
  key: 'pulse',
  label: 'Pulse',
  points: [
    { at: '2026-01-05T06:00:00Z', value: 102, flagged: true },
    { at: '2025-12-01T06:00:00Z', value: 70, flagged: false },
    { at: '2025-12-20T06:00:00Z', value: 80, flagged: false },
  ],
};

describe('plotLayout', () => {
  it('puts time across and value up, oldest on the left, inside the margins', () => {
    const layout = plotLayout([pulse]);
    expect(layout).not.toBeNull();
    const dots = layout!.series[0]!.dots;
    expect(dots.map((d) => d.value)).toEqual([70, 80, 102]);
    expect(dots[0]!.x).toBe(SMALL_FRAME.left);
    expect(dots[2]!.x).toBe(SMALL_FRAME.width - SMALL_FRAME.right);
    expect(dots[0]!.y).toBeGreaterThan(dots[2]!.y);
    for (const d of dots) {
      expect(d.y).toBeGreaterThanOrEqual(SMALL_FRAME.top);
      expect(d.y).toBeLessThanOrEqual(SMALL_FRAME.height - SMALL_FRAME.bottom);
    }
    expect(dots.map((d) => d.flagged)).toEqual([false, false, true]);
    expect(layout!.series[0]!.path).toMatch(/^M[\d.]+ [\d.]+ L[\d.]+ [\d.]+ L[\d.]+ [\d.]+$/);
  });

  it('places the lowest tick on the bottom edge and the highest on the top', () => {
    const layout = plotLayout([pulse])!;
    const ys = layout.yTicks.map((t) => t.y);
    expect(Math.max(...ys)).toBe(SMALL_FRAME.height - SMALL_FRAME.bottom);
    expect(Math.min(...ys)).toBe(SMALL_FRAME.top);
    expect(layout.xTicks.map((t) => t.at)).toEqual(['2025-12-01T06:00:00Z', '2026-01-05T06:00:00Z']);
  });

  it('scales two series together (systolic above diastolic)', () => {
    const at = '2026-01-05T06:00:00Z';
    const layout = plotLayout([
      { key: 'systolic', label: 'Systolic', points: [{ at, value: 150, flagged: true }] },
      { key: 'diastolic', label: 'Diastolic', points: [{ at, value: 95, flagged: true }] },
    ])!;
    const [sys, dia] = layout.series.map((s) => s.dots[0]!);
    expect(sys!.y).toBeLessThan(dia!.y);
    expect(sys!.x).toBe(dia!.x);
    expect(layout.xTicks).toHaveLength(1);
  });

  it('draws nothing from no readings', () => {
    expect(plotLayout([])).toBeNull();
    expect(plotLayout([{ key: 'pain', label: 'Pain', points: [] }])).toBeNull();
  });
});
