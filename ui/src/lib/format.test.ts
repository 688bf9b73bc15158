import { describe, expect, it } from 'vitest';

import {
  addDays,
  ageInYears,
  currencyDigits,
  dayInZone,
  decimalToMinor,
  formatBirthDate,
  formatCountdown,
  formatDateTime,
  formatDay,
  formatMoney,
  formatTime,
  minorToDecimal,
  secondsUntil,
} from './format';

// ICU versions differ in small ways (a comma after the weekday, a no-break space before an
// amount): compare text with plain spaces, and allow the comma.
const plain = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

describe('times in the clinic’s time zone', () => {
  const nineUtc = '2026-01-05T09:20:00.000Z';

  it('shows an instant in the clinic’s zone, not the computer’s', () => {
    expect(formatTime(nineUtc, 'Africa/Nairobi')).toBe('12:20');
    expect(formatTime(nineUtc, 'UTC')).toBe('09:20');
    expect(formatTime(nineUtc, 'America/New_York')).toBe('04:20');
  });

  it('writes a full date and time in the UI locale', () => {
    expect(plain(formatDateTime(nineUtc, 'Africa/Nairobi'))).toMatch(/^Mon,? 5 Jan 2026,? 12:20$/);
  });

  it('finds the clinic-local day of an instant, which may differ from the UTC day', () => {
    expect(dayInZone('2026-01-04T22:30:00.000Z', 'Africa/Nairobi')).toBe('2026-01-05');
    expect(dayInZone('2026-01-04T22:30:00.000Z', 'UTC')).toBe('2026-01-04');
    expect(dayInZone(new Date('2026-01-05T03:00:00Z'), 'America/Los_Angeles')).toBe('2026-01-04');
  });
});

describe('calendar days', () => {
  it('formats a day without shifting it through a time zone', () => {
    expect(plain(formatDay('2026-01-05'))).toMatch(/^Monday,? 5 January 2026$/);
    expect(plain(formatDay('2026-01-05', 'short'))).toMatch(/^Mon,? 5 Jan$/);
    expect(plain(formatBirthDate('1985-03-14'))).toBe('14 Mar 1985');
    expect(formatDay('not a day')).toBe('not a day');
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  it('counts age in whole years, birthdays included', () => {
    expect(ageInYears('1985-03-14', '2026-03-13')).toBe(40);
    expect(ageInYears('1985-03-14', '2026-03-14')).toBe(41);
    expect(ageInYears('2026-01-01', '2026-06-01')).toBe(0);
    expect(ageInYears('garbage', '2026-06-01')).toBeNull();
  });
});

describe('money', () => {
  it('reads typed amounts into minor units without floating point', () => {
    expect(decimalToMinor('2,500', 2)).toBe(250000);
    expect(decimalToMinor(' 2500.5 ', 2)).toBe(250050);
    expect(decimalToMinor('0.07', 2)).toBe(7);
    expect(decimalToMinor('19.', 2)).toBe(1900);
    expect(decimalToMinor('1500', 0)).toBe(1500);
    expect(decimalToMinor('1.234', 2)).toBeNull();
    expect(decimalToMinor('-5', 2)).toBeNull();
    expect(decimalToMinor('abc', 2)).toBeNull();
    expect(decimalToMinor('', 2)).toBeNull();
    expect(decimalToMinor('99999999999999999999', 2)).toBeNull();
  });

  it('knows how many decimals a currency has', () => {
    expect(currencyDigits('KES')).toBe(2);
    expect(currencyDigits('UGX')).toBe(0);
    expect(currencyDigits('not a currency')).toBe(2);
  });

  it('turns minor units into exact decimal text', () => {
    expect(minorToDecimal(150000, 2)).toBe('1500.00');
    expect(minorToDecimal(5, 2)).toBe('0.05');
    expect(minorToDecimal(-1234, 2)).toBe('-12.34');
    expect(minorToDecimal(1500, 0)).toBe('1500');
    expect(minorToDecimal(1234, 3)).toBe('1.234');
    expect(() => minorToDecimal(1.5, 2)).toThrow(RangeError);
  });

  it('formats in the clinic’s currency with its own number of decimals', () => {
    expect(plain(formatMoney(150000, 'KES'))).toBe('KES 1,500.00');
    expect(plain(formatMoney(1999, 'USD'))).toBe('US$19.99');
    expect(plain(formatMoney(1500, 'JPY'))).toBe('JP¥1,500');
    expect(plain(formatMoney(1234, 'KWD'))).toBe('KWD 1.234');
  });

  it('keeps every cent of amounts a float would round', () => {
    // 0.1 + 0.2 style trouble never reaches the screen: the text is built from integers.
    expect(plain(formatMoney(30, 'EUR'))).toBe('€0.30');
    expect(plain(formatMoney(900719925474099, 'USD'))).toBe('US$9,007,199,254,740.99');
  });
});

describe('hold countdown', () => {
  const expires = '2026-01-05T09:05:00.000Z';
  const at = (iso: string): number => Date.parse(iso);

  it('counts whole seconds down to the end of the hold and never below zero', () => {
    expect(secondsUntil(expires, at('2026-01-05T09:00:00.000Z'))).toBe(300);
    expect(secondsUntil(expires, at('2026-01-05T09:04:59.200Z'))).toBe(1);
    expect(secondsUntil(expires, at('2026-01-05T09:05:00.000Z'))).toBe(0);
    expect(secondsUntil(expires, at('2026-01-05T09:06:00.000Z'))).toBe(0);
    expect(secondsUntil('not a time', 0)).toBe(0);
  });

  it('shows minutes and seconds', () => {
    expect(formatCountdown(300)).toBe('5:00');
    expect(formatCountdown(65)).toBe('1:05');
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(-3)).toBe('0:00');
  });
});
