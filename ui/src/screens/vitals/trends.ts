// From a patient's vitals history (stored units, with the core's flags) to the trend
// plots' series in the clinic's units, and the chart's line of latest readings.

import type { Units, VitalsReading } from './api';
import type { TrendSeries } from './plot';
import { vitalsStrings } from './strings';
import { formatHeight, formatTemperature, formatWeight, heightValue, temperatureValue, unitSymbols, weightValue } from './units';

export type TrendKey = 'bp' | 'pulse' | 'temperature' | 'respiratory_rate' | 'spo2' | 'weight' | 'bmi' | 'height' | 'pain';

export interface Trend {
  key: TrendKey;
  title: string;
  unit: string;
  series: TrendSeries[];
}

type Pick = (r: VitalsReading) => number | null;

/** A series of one measure; `flag` is the core's name for it in `flags` (none: never flagged). */
function series(history: readonly VitalsReading[], key: string, label: string, pick: Pick, flag: string | null): TrendSeries {
  return {
    key,
    label,
    points: history.flatMap((r) => {
      const value = pick(r);
      return value === null ? [] : [{ at: r.taken_at, value, flagged: flag !== null && r.flags.some((f) => f.measure === flag) }];
    }),
  };
}

/** One plot per measure that has a reading, in the order a clinician reads them. */
export function trends(history: readonly VitalsReading[], units: Units): Trend[] {
  const m = vitalsStrings.measures;
  const u = vitalsStrings.plotUnits;
  const one = (key: TrendKey, unit: string, pick: Pick, flag: string | null): Trend => ({
    key,
    title: m[key],
    unit,
    series: [series(history, key, m[key], pick, flag)],
  });
  const all: Trend[] = [
    {
      key: 'bp',
      title: m.bp,
      unit: u.bp,
      series: [
        series(history, 'systolic', vitalsStrings.series.systolic, (r) => r.systolic, 'systolic'),
        series(history, 'diastolic', vitalsStrings.series.diastolic, (r) => r.diastolic, 'diastolic'),
      ],
    },
    one('pulse', u.pulse, (r) => r.pulse, 'pulse'),
    one('temperature', unitSymbols.temperature(units), (r) => (r.temperature_dc === null ? null : temperatureValue(r.temperature_dc, units)), 'temperature'),
    one('respiratory_rate', u.respiratory_rate, (r) => r.respiratory_rate, 'respiratory_rate'),
    one('spo2', u.spo2, (r) => r.spo2, 'spo2'),
    one('weight', unitSymbols.weight(units), (r) => (r.weight_g === null ? null : weightValue(r.weight_g, units)), null),
    one('bmi', u.bmi, (r) => r.bmi, 'bmi'),
    one('height', unitSymbols.height(units), (r) => (r.height_mm === null ? null : heightValue(r.height_mm, units)), null),
    one('pain', u.pain, (r) => r.pain, 'pain'),
  ];
  return all.filter((t) => t.series.some((s) => s.points.length > 0));
}

/** One reading on the chart's latest-vitals line, with its flag when out of range. */
export interface Shown {
  key: string;
  label: string;
  text: string;
  flag: 'low' | 'high' | null;
}

function flagOf(r: VitalsReading, ...measures: string[]): 'low' | 'high' | null {
  const found = r.flags.find((f) => measures.includes(f.measure));
  return found?.level === 'low' || found?.level === 'high' ? found.level : null;
}

/** A set of vitals as the chart shows it, in the clinic's units. */
export function shownReadings(r: VitalsReading, units: Units): Shown[] {
  const m = vitalsStrings.measures;
  const out: Shown[] = [];
  if (r.systolic !== null && r.diastolic !== null) {
    out.push({ key: 'bp', label: m.bp, text: `${r.systolic}/${r.diastolic} mmHg`, flag: flagOf(r, 'systolic', 'diastolic') });
  }
  if (r.pulse !== null) out.push({ key: 'pulse', label: m.pulse, text: `${r.pulse}/min`, flag: flagOf(r, 'pulse') });
  if (r.temperature_dc !== null) {
    out.push({ key: 'temperature', label: m.temperature, text: formatTemperature(r.temperature_dc, units), flag: flagOf(r, 'temperature') });
  }
  if (r.respiratory_rate !== null) {
    out.push({ key: 'respiratory_rate', label: m.respiratory_rate, text: `${r.respiratory_rate}/min`, flag: flagOf(r, 'respiratory_rate') });
  }
  if (r.spo2 !== null) out.push({ key: 'spo2', label: m.spo2, text: `${r.spo2}%`, flag: flagOf(r, 'spo2') });
  if (r.weight_g !== null) out.push({ key: 'weight', label: m.weight, text: formatWeight(r.weight_g, units), flag: null });
  if (r.height_mm !== null) out.push({ key: 'height', label: m.height, text: formatHeight(r.height_mm, units), flag: null });
  if (r.bmi !== null) out.push({ key: 'bmi', label: m.bmi, text: r.bmi.toFixed(1), flag: flagOf(r, 'bmi') });
  if (r.pain !== null) out.push({ key: 'pain', label: m.pain, text: `${r.pain}/10`, flag: flagOf(r, 'pain') });
  return out;
}

/** A plotted value as text, with the precision its measure is read to. */
export function plotValue(key: TrendKey, value: number): string {
  return ['temperature', 'weight', 'bmi', 'height'].includes(key) ? value.toFixed(1) : String(Math.round(value));
}
