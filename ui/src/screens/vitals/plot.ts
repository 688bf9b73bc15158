// The trend plots' geometry, without Svelte or the DOM: round axis ticks, and where each
// reading goes in a small SVG (time across, value up). Pure, so it is unit-tested; the
// component only draws what this returns.

/** One reading of one measure. `at` is an RFC 3339 instant. */
export interface TrendPoint {
  at: string;
  value: number;
  /** Outside the normal range, as the core flagged it. */
  flagged: boolean;
}

/** One line of a plot (blood pressure has two: systolic and diastolic). */
export interface TrendSeries {
  key: string;
  label: string;
  points: TrendPoint[];
}

/** The SVG's size and the margins kept for axis labels (user units). */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const SMALL_FRAME: Frame = { width: 300, height: 150, left: 44, right: 14, top: 22, bottom: 26 };

export interface Dot {
  x: number;
  y: number;
  at: string;
  value: number;
  flagged: boolean;
}

export interface Layout {
  /** The plotting area inside the margins. */
  area: { left: number; right: number; top: number; bottom: number };
  series: { key: string; label: string; path: string; dots: Dot[] }[];
  yTicks: { y: number; value: number }[];
  /** The first and last reading's times (one when all share a time). */
  xTicks: { x: number; at: string }[];
}

/** 1, 2, 2.5 or 5 times a power of ten, the nearest to `value` (rounding) or above it. */
function niceNumber(value: number, round: boolean): number {
  const exponent = Math.floor(Math.log10(value));
  const fraction = value / 10 ** exponent;
  let nice: number;
  if (round) nice = fraction < 1.5 ? 1 : fraction < 2.25 ? 2 : fraction < 3.5 ? 2.5 : fraction < 7.5 ? 5 : 10;
  else nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * 10 ** exponent;
}

/** Drops the binary noise of repeated float sums (36.5 + 0.5 * 3 = 38.00000000001). */
function tidy(value: number): number {
  return Number.parseFloat(value.toPrecision(12));
}

/**
 * Round ticks spanning `min`..`max`, about `count` of them: the first at or below `min`,
 * the last at or above `max`. A flat series (min = max) gets a range around its value.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  let lo = Math.min(min, max);
  let hi = Math.max(min, max);
  if (hi - lo < 1e-9) {
    const pad = Math.abs(lo) > 10 ? Math.abs(lo) * 0.05 : 1;
    lo -= pad;
    hi += pad;
  }
  const step = niceNumber(niceNumber(hi - lo, false) / Math.max(1, count - 1), true);
  const first = Math.floor(lo / step + 1e-9) * step;
  const last = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; first + i * step <= last + step * 1e-6; i++) ticks.push(tidy(first + i * step));
  return ticks;
}

/** Where every reading goes; null when there is nothing to draw. */
export function plotLayout(series: readonly TrendSeries[], frame: Frame = SMALL_FRAME): Layout | null {
  const points = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.value) && !Number.isNaN(Date.parse(p.at)));
  if (points.length === 0) return null;
  const values = points.map((p) => p.value);
  const times = points.map((p) => Date.parse(p.at));
  const yTicks = niceTicks(Math.min(...values), Math.max(...values), 4);
  const lo = yTicks[0] ?? 0;
  const hi = yTicks[yTicks.length - 1] ?? 1;
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const area = { left: frame.left, right: frame.width - frame.right, top: frame.top, bottom: frame.height - frame.bottom };
  const xOf = (t: number): number => (t1 === t0 ? (area.left + area.right) / 2 : area.left + ((t - t0) / (t1 - t0)) * (area.right - area.left));
  const yOf = (v: number): number => area.bottom - ((v - lo) / (hi - lo)) * (area.bottom - area.top);
  const round = (n: number): number => Math.round(n * 10) / 10;
  const earliest = points.find((p) => Date.parse(p.at) === t0)?.at ?? '';
  const latest = points.find((p) => Date.parse(p.at) === t1)?.at ?? '';
  return {
    area,
    series: series.map((s) => {
      const dots = [...s.points]
        .filter((p) => Number.isFinite(p.value) && !Number.isNaN(Date.parse(p.at)))
        .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
        .map((p) => ({ x: round(xOf(Date.parse(p.at))), y: round(yOf(p.value)), at: p.at, value: p.value, flagged: p.flagged }));
      const path = dots.map((d, i) => `${i === 0 ? 'M' : 'L'}${d.x} ${d.y}`).join(' ');
      return { key: s.key, label: s.label, path, dots };
    }),
    yTicks: yTicks.map((value) => ({ y: round(yOf(value)), value })),
    xTicks: t1 === t0 ? [{ x: round(xOf(t0)), at: earliest }] : [{ x: area.left, at: earliest }, { x: area.right, at: latest }],
  };
}
