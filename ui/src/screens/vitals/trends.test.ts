import { describe, expect, it } from 'vitest';

import type { VitalsReading } from './api';
import { plotValue, shownReadings, trends } from './trends';

function reading(at: string, fields: Partial<VitalsReading>): VitalsReading {
  return {
    id: at,
    patient_id: 'p',
    encounter_id: null,
    taken_at: at,
    recorded_by_name: 'nurse.akinyi',
    recorded_at: at,
    systolic: null,
    diastolic: null,
    pulse: null,
    temperature_dc: null,
    respiratory_rate: null,
    spo2: null,
    weight_g: null,
    height_mm: null,
    pain: null,
    note: null,
    bmi: null,
    flags: [],
    ...fields,
  };
}

const history = [
  reading('2025-12-01T06:00:00Z', { systolic: 152, diastolic: 96, temperature_dc: 367, weight_g: 84_000, height_mm: 1680, bmi: 29.8, flags: [{ measure: 'systolic', level: 'high' }, { measure: 'diastolic', level: 'high' }, { measure: 'bmi', level: 'high' }] }),
  reading('2026-01-05T06:00:00Z', { systolic: 128, diastolic: 82, temperature_dc: 385, pulse: 88, flags: [{ measure: 'temperature', level: 'high' }] }),
];

describe('trends', () => {
  it('makes one plot per measure with a reading, blood pressure with two lines', () => {
    const t = trends(history, 'metric');
    expect(t.map((x) => x.key)).toEqual(['bp', 'pulse', 'temperature', 'weight', 'bmi', 'height']);
    const bp = t[0]!;
    expect(bp.series.map((s) => s.points.map((p) => [p.value, p.flagged]))).toEqual([
      [[152, true], [128, false]],
      [[96, true], [82, false]],
    ]);
  });

  it('converts temperature, weight and height into the clinic’s units and names them', () => {
    const metric = trends(history, 'metric');
    const imperial = trends(history, 'imperial');
    const temp = (list: typeof metric) => list.find((x) => x.key === 'temperature')!;
    expect(temp(metric).unit).toBe('°C');
    expect(temp(metric).series[0]!.points.map((p) => p.value)).toEqual([36.7, 38.5]);
    expect(temp(imperial).unit).toBe('°F');
    expect(temp(imperial).series[0]!.points[1]!.value).toBeCloseTo(101.3, 6);
    expect(temp(imperial).series[0]!.points[1]!.flagged).toBe(true);
    const weight = imperial.find((x) => x.key === 'weight')!;
    expect(weight.unit).toBe('lb');
    expect(weight.series[0]!.points[0]!.value).toBeCloseTo(185.19, 2);
    expect(imperial.find((x) => x.key === 'height')!.unit).toBe('in');
  });

  it('gives nothing to plot for no readings', () => {
    expect(trends([], 'metric')).toEqual([]);
  });
});

describe('the latest readings on the chart', () => {
  it('shows each measure in the clinic’s units with the core’s flag', () => {
    const shown = shownReadings(history[0]!, 'imperial');
    expect(shown.map((s) => [s.key, s.text, s.flag])).toEqual([
      ['bp', '152/96 mmHg', 'high'],
      ['temperature', '98.1 °F', null],
      ['weight', '185.2 lb', null],
      ['height', '5 ft 6.1 in', null],
      ['bmi', '29.8', 'high'],
    ]);
  });

  it('rounds a plotted value as its measure is read', () => {
    expect(plotValue('temperature', 38.456)).toBe('38.5');
    expect(plotValue('pulse', 88)).toBe('88');
  });
});
