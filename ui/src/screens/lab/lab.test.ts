import { describe, expect, it } from 'vitest';

import type { LabOrder, LabResult } from './api';
import { currentSample, filterCatalogue, flagClass, flagWords, history, latestResult, plotPoints, specimensOf } from './lab';

function result(code: string, version: number, value: string, over: Partial<LabResult> = {}): LabResult {
  return {
    id: `${code}-${version}`,
    sample_id: 's1',
    order_id: 'o1',
    test_code: code,
    version,
    value,
    unit: 'mmol/L',
    range_text: '3.5–5.1',
    flag: null,
    comment: null,
    entered_by: 'u1',
    entered_by_name: 'Mei Chen',
    entered_at: '2026-01-05T06:00:00Z',
    verified_by_name: null,
    verified_at: null,
    superseded: false,
    ...over,
  };
}

function order(results: LabResult[], over: Partial<LabOrder> = {}): LabOrder {
  return {
    id: 'o1',
    number: 'L-1',
    patient_id: 'p1',
    encounter_id: null,
    ordered_by_name: 'Dr Amina Wanjiru',
    priority: 'routine',
    note: null,
    tests: [{ code: '2823-3', name: 'Potassium', specimen: 'serum', unit: 'mmol/L', result_type: 'numeric', choices: [] }],
    status: 'ordered',
    ordered_at: '2026-01-05T06:00:00Z',
    cancelled_at: null,
    cancel_reason: null,
    samples: [],
    results,
    complete: false,
    ...over,
  };
}

describe('lab results', () => {
  it('show the latest version of a test, never a superseded one', () => {
    const o = order([result('2823-3', 1, '9.9', { superseded: true }), result('2823-3', 2, '4.1')]);
    expect(latestResult(o, '2823-3')?.value).toBe('4.1');
    expect(latestResult(o, '718-7')).toBeNull();
  });

  it('emphasise critical flags more than high or low, in the core’s words', () => {
    expect(flagClass('critical_high')).toBe('flag-critical');
    expect(flagClass('low')).toBe('flag-abnormal');
    expect(flagClass(null)).toBe('');
    expect(flagWords('critical_high')).toBe('CRITICAL HIGH');
    expect(flagWords(null)).toBe('');
  });

  it('enter on the latest collected sample, not a rejected one', () => {
    const sample = (id: string, status: string) => ({
      id,
      number: `S-${id}`,
      order_id: 'o1',
      specimen: 'serum',
      status,
      collected_at: '2026-01-05T06:00:00Z',
      reject_reason: null,
    });
    expect(currentSample(order([], { samples: [sample('a', 'rejected')] }))).toBeNull();
    expect(currentSample(order([], { samples: [sample('a', 'rejected'), sample('b', 'collected')] }))?.id).toBe('b');
  });

  it('plot a numeric test’s history oldest first, skipping text values', () => {
    const a = order([result('2823-3', 1, '4.0', { entered_at: '2026-01-02T00:00:00Z' })], { id: 'a' });
    const b = order([result('2823-3', 1, '6.9', { entered_at: '2026-01-01T00:00:00Z' })], { id: 'b' });
    const c = order([result('2823-3', 1, 'haemolysed')], { id: 'c' });
    expect(history([a, b, c], '2823-3').map((p) => p.value)).toEqual([6.9, 4.0]);
    expect(plotPoints([1, 3], 80, 20)).toBe('0,20 80,0');
    expect(plotPoints([2, 2], 80, 20)).toBe('0,20 80,20');
    expect(plotPoints([], 80, 20)).toBe('');
  });

  it('find tests and panels by code or name, panels first', () => {
    const catalogue = {
      tests: [{ code: '2823-3', name: 'Potassium', specimen: 's', unit: 'mmol/L', result_type: 'numeric' as const, choices: [] }],
      panels: [{ code: '51990-0', name: 'Basic metabolic panel', tests: ['2823-3'] }],
    };
    expect(filterCatalogue(catalogue, 'pot').map((c) => c.code)).toEqual(['2823-3']);
    expect(filterCatalogue(catalogue, '').map((c) => c.panel)).toEqual([true, false]);
    expect(filterCatalogue(catalogue, '2823').map((c) => c.name)).toEqual(['Potassium']);
  });
});

describe('specimensOf', () => {
  it('offers each specimen an order needs once, the first test\'s first', () => {
    const test = (code: string, specimen: string) => ({ code, name: code, specimen, unit: '', result_type: 'numeric' as const, choices: [] });
    const o = order([], { tests: [test('a', 'serum'), test('b', 'urine'), test('c', 'serum'), test('d', '')] });
    expect(specimensOf(o)).toEqual(['serum', 'urine']);
  });
});
