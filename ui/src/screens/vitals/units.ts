// Vitals in the clinic's units. The core stores exact integers (tenths of a degree
// Celsius, grams, millimetres) and says which units the clinic reads (`display_units`);
// entry is always metric. These convert a stored value for display and name its unit,
// the same conversions as the core's `Units` (its tests pin the same examples).

import type { Units } from './api';

const GRAMS_PER_POUND = 453.59237;
const MM_PER_INCH = 25.4;

/** A stored temperature (tenths of °C) in the clinic's unit. */
export function temperatureValue(tenthsC: number, units: Units): number {
  const c = tenthsC / 10;
  return units === 'imperial' ? (c * 9) / 5 + 32 : c;
}

/** A stored weight (grams) in kilograms or pounds. */
export function weightValue(grams: number, units: Units): number {
  return units === 'imperial' ? grams / GRAMS_PER_POUND : grams / 1000;
}

/** A stored height (millimetres) in centimetres or inches. */
export function heightValue(mm: number, units: Units): number {
  return units === 'imperial' ? mm / MM_PER_INCH : mm / 10;
}

export const unitSymbols = {
  temperature: (units: Units): string => (units === 'imperial' ? '°F' : '°C'),
  weight: (units: Units): string => (units === 'imperial' ? 'lb' : 'kg'),
  height: (units: Units): string => (units === 'imperial' ? 'in' : 'cm'),
} as const;

const oneDecimal = (value: number): string => value.toFixed(1);

/** `37.0 °C` or `98.6 °F`. */
export function formatTemperature(tenthsC: number, units: Units): string {
  return `${oneDecimal(temperatureValue(tenthsC, units))} ${unitSymbols.temperature(units)}`;
}

/** `70.0 kg` or `154.3 lb`. */
export function formatWeight(grams: number, units: Units): string {
  return `${oneDecimal(weightValue(grams, units))} ${unitSymbols.weight(units)}`;
}

/** `180.0 cm`, or `5 ft 10.9 in` as people say heights in imperial. */
export function formatHeight(mm: number, units: Units): string {
  if (units === 'metric') return `${oneDecimal(heightValue(mm, units))} cm`;
  // Rounded to a tenth of an inch before splitting, so 71.99 in reads 6 ft 0.0 in.
  const tenths = Math.round(heightValue(mm, units) * 10);
  const feet = Math.floor(tenths / 120);
  return `${feet} ft ${oneDecimal((tenths - feet * 120) / 10)} in`;
}
