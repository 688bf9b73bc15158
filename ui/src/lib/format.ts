// Dates, times and money for display. Instants come from the shell as RFC 3339 UTC
// strings and are always shown in the clinic's time zone (not the computer's); calendar
// days (`YYYY-MM-DD`) are already clinic-local. Money comes as integer minor units.

import { UI_LOCALE } from './strings';

const cache = new Map<string, Intl.DateTimeFormat>();

function dateFormat(timeZone: string, options: Intl.DateTimeFormatOptions, locale = UI_LOCALE): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    cache.set(key, format);
  }
  return format;
}

/** `09:20` for an instant, in the clinic's time zone. */
export function formatTime(iso: string, timeZone: string): string {
  return dateFormat(timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

/** `Mon 5 Jan 2026, 09:20` for an instant, in the clinic's time zone. */
export function formatDateTime(iso: string, timeZone: string): string {
  return dateFormat(timeZone, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

function parseDay(day: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `Monday 5 January 2026` for a clinic-local day (`YYYY-MM-DD`). */
export function formatDay(day: string, style: 'long' | 'short' = 'long'): string {
  const date = parseDay(day);
  if (!date) return day;
  const options: Intl.DateTimeFormatOptions =
    style === 'long'
      ? { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }
      : { weekday: 'short', day: 'numeric', month: 'short' };
  // The day is a calendar date, not an instant: format it in UTC so no zone shifts it.
  return dateFormat('UTC', options).format(date);
}

/** `14 Mar 1985` for a date of birth. */
export function formatBirthDate(day: string): string {
  const date = parseDay(day);
  return date ? dateFormat('UTC', { day: 'numeric', month: 'short', year: 'numeric' }).format(date) : day;
}

/** The clinic-local calendar day (`YYYY-MM-DD`) of an instant. */
export function dayInZone(instant: string | Date, timeZone: string): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  const parts = dateFormat(timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' }, 'en-CA').formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** `day` moved by `days` calendar days. */
export function addDays(day: string, days: number): string {
  const date = parseDay(day);
  if (!date) return day;
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Whole years between a date of birth and `today` (both `YYYY-MM-DD`). */
export function ageInYears(dateOfBirth: string, today: string): number | null {
  const born = parseDay(dateOfBirth);
  const now = parseDay(today);
  if (!born || !now) return null;
  let years = now.getUTCFullYear() - born.getUTCFullYear();
  const beforeBirthday =
    now.getUTCMonth() < born.getUTCMonth() ||
    (now.getUTCMonth() === born.getUTCMonth() && now.getUTCDate() < born.getUTCDate());
  if (beforeBirthday) years -= 1;
  return years;
}

/**
 * The exact decimal text of an amount in minor units (`150000`, 2 digits → `1500.00`),
 * built from integers so that no floating-point rounding can change a cent.
 */
export function minorToDecimal(minor: number, digits: number): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not a whole number of minor units: ${minor}`);
  const sign = minor < 0 ? '-' : '';
  const text = Math.abs(minor).toString().padStart(digits + 1, '0');
  if (digits === 0) return `${sign}${text}`;
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** `KES 1,500.00` for 150000 minor units of KES. */
export function formatMoney(minor: number, currency: string): string {
  const format = new Intl.NumberFormat(UI_LOCALE, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  // Intl formats decimal strings exactly (ES2023); older engines read the string as a
  // number, which still shows the right amount for anything a clinic charges.
  return format.format(minorToDecimal(minor, digits) as unknown as number);
}

/** `4:05` for a number of seconds (a countdown). */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Seconds from `nowMs` until `iso` (never negative). */
export function secondsUntil(iso: string, nowMs: number): number {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return 0;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** How many minor digits a currency has (2 for KES, 0 for UGX). */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat(UI_LOCALE, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * Minor units from an amount as typed (`2,500.50` with 2 digits → 250050), without
 * floating point; null when it is not a plain non-negative amount with at most `digits`
 * decimals.
 */
export function decimalToMinor(text: string, digits: number): number | null {
  const plain = text.trim().replace(/[,\s]/g, '');
  const match = /^(\d+)(?:\.(\d*))?$/.exec(plain);
  if (!match) return null;
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return null;
  const minor = Number(whole + fraction.padEnd(digits, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}
