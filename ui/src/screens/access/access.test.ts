import { describe, expect, it } from 'vitest';

import { accessSummary, whatLabel } from './access';

describe('the access history', () => {
  it('names what each look opened', () => {
    expect(whatLabel('note_history')).toBe('Note history');
    expect(whatLabel('record')).toBe('Record (refused)');
    expect(whatLabel('lab_results')).toBe('lab results');
  });

  it('counts refused and break-glass looks', () => {
    const look = { at: '2026-01-05T06:00:00.000Z', username: 'x', role: null, what: 'chart' };
    expect(
      accessSummary([
        { ...look, emergency_reason: null, allowed: true },
        { ...look, emergency_reason: 'Unconscious in casualty', allowed: true },
        { ...look, emergency_reason: null, allowed: false },
      ]),
    ).toEqual({ refused: 1, emergency: 1 });
  });
});
