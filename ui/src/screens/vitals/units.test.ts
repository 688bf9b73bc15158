import { describe, expect, it } from 'vitest';

import { formatHeight, formatTemperature, formatWeight, heightValue, temperatureValue, unitSymbols, weightValue } from './units';

describe('vitals in the clinic’s units', () => {
  it('shows what the core shows for the same stored values', () => {
    // The core's own test: Units::Imperial.temperature(370) == "98.6 °F", and so on.
    expect(formatTemperature(370, 'imperial')).toBe('98.6 °F');
    expect(formatTemperature(370, 'metric')).toBe('37.0 °C');
    expect(formatWeight(70_000, 'imperial')).toBe('154.3 lb');
    expect(formatWeight(70_000, 'metric')).toBe('70.0 kg');
    expect(formatHeight(1800, 'imperial')).toBe('5 ft 10.9 in');
    expect(formatHeight(1800, 'metric')).toBe('180.0 cm');
  });

  it('converts plot values without rounding them', () => {
    expect(temperatureValue(385, 'metric')).toBeCloseTo(38.5, 10);
    expect(temperatureValue(385, 'imperial')).toBeCloseTo(101.3, 10);
    expect(weightValue(453.59237, 'imperial')).toBeCloseTo(1, 10);
    expect(heightValue(254, 'imperial')).toBeCloseTo(10, 10);
    expect(heightValue(1755, 'metric')).toBeCloseTo(175.5, 10);
  });

  it('names each unit for axis labels', () => {
    expect([unitSymbols.temperature('metric'), unitSymbols.weight('metric'), unitSymbols.height('metric')]).toEqual(['°C', 'kg', 'cm']);
    expect([unitSymbols.temperature('imperial'), unitSymbols.weight('imperial'), unitSymbols.height('imperial')]).toEqual(['°F', 'lb', 'in']);
  });

  it('never shows 12 inches: 6 ft is 6 ft 0.0 in', () => {
    expect(formatHeight(1828.8, 'imperial')).toBe('6 ft 0.0 in');
  });
});
