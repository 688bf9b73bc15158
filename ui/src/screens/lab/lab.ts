// The lab screens' pure helpers: which result of a test is shown (the latest version),
// the flag's words and style, a catalogue filter, and the points of a numeric test's
// history. Tested in lab.test.ts. The flags themselves are the core's.

import type { LabCatalogue, LabFlag, LabOrder, LabResult } from './api';
import { labStrings as t } from './strings';

/** The latest version of a test's result on an order (corrections supersede). */
export function latestResult(order: LabOrder, code: string): LabResult | null {
  const all = order.results.filter((r) => r.test_code === code && !r.superseded);
  return all.length === 0 ? null : all.reduce((a, b) => (b.version > a.version ? b : a));
}

export function flagWords(flag: LabFlag | null): string {
  return flag === null ? '' : t.flags[flag];
}

/** The style class of a flag: critical values stand out more than high or low. */
export function flagClass(flag: LabFlag | null): string {
  switch (flag) {
    case 'critical_low':
    case 'critical_high':
      return 'flag-critical';
    case 'low':
    case 'high':
      return 'flag-abnormal';
    case 'normal':
      return 'flag-normal';
    default:
      return '';
  }
}

/** The collected sample an order's results are entered on (the latest not rejected). */
export function currentSample(order: LabOrder): LabOrder['samples'][number] | null {
  const live = order.samples.filter((s) => s.status === 'collected');
  return live.length === 0 ? null : live[live.length - 1]!;
}

export interface CatalogueChoice {
  code: string;
  name: string;
  panel: boolean;
}

/** Tests and panels matching the typed text (code or name), panels first. */
export function filterCatalogue(catalogue: LabCatalogue, text: string): CatalogueChoice[] {
  const needle = text.trim().toLowerCase();
  const all: CatalogueChoice[] = [
    ...catalogue.panels.map((p) => ({ code: p.code, name: p.name, panel: true })),
    ...catalogue.tests.map((x) => ({ code: x.code, name: x.name, panel: false })),
  ];
  if (needle === '') return all;
  return all.filter((c) => c.code.toLowerCase().startsWith(needle) || c.name.toLowerCase().includes(needle));
}

/** A numeric test's verified-or-not latest values across orders, oldest first. */
export function history(orders: readonly LabOrder[], code: string): { at: string; value: number }[] {
  const points: { at: string; value: number }[] = [];
  for (const o of orders) {
    const r = latestResult(o, code);
    if (r === null) continue;
    const value = Number(r.value);
    if (r.value.trim() !== '' && Number.isFinite(value)) points.push({ at: r.entered_at, value });
  }
  return points.sort((a, b) => a.at.localeCompare(b.at));
}

/** An SVG polyline's points for values in a width × height box (a flat line when equal). */
export function plotPoints(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) return '';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values
    .map((v, i) => `${Math.round(i * step * 10) / 10},${Math.round((height - ((v - lo) / span) * height) * 10) / 10}`)
    .join(' ');
}

/** The specimens an order's tests need, in the order's order, each once (the first is
 *  what a sample is taken as unless the technician chooses another). */
export function specimensOf(order: LabOrder): string[] {
  const seen: string[] = [];
  for (const test of order.tests) {
    if (test.specimen && !seen.includes(test.specimen)) seen.push(test.specimen);
  }
  return seen;
}
