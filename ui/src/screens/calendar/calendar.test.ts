import { describe, expect, it } from 'vitest';

import type { AppointmentRow, AppointmentStatus } from '../../lib/api';
import { calendarKey, firstScroll, hourSpan, isoWeekday, layout, localMinutes, range, step, weekStart } from './calendar';

const NAIROBI = 'Africa/Nairobi'; // UTC+3, no summer time

function row(id: string, starts: string, ends: string, status: AppointmentStatus = 'confirmed'): AppointmentRow {
  return {
    appointment: {
      id,
      number: id,
      patient_id: 'p',
      doctor_id: 'd',
      starts_at: starts,
      ends_at: ends,
      status,
      hold_expires_at: null,
      provisional: false,
      reason: null,
      cancel_reason: null,
      rescheduled_from: null,
    },
    patient_name: 'P',
    patient_mrn: 'M',
    doctor_name: 'D',
  };
}

describe('days and weeks', () => {
  it('knows weekdays and Mondays', () => {
    expect(isoWeekday('2026-01-05')).toBe(1);
    expect(isoWeekday('2026-01-11')).toBe(7);
    expect(weekStart('2026-01-08')).toBe('2026-01-05');
    expect(weekStart('2026-01-05')).toBe('2026-01-05');
    expect(weekStart('2026-01-04')).toBe('2025-12-29');
  });

  it('shows a day, or the Monday-to-Sunday week around it', () => {
    expect(range('day', '2026-01-08')).toEqual({ from: '2026-01-08', days: 1 });
    expect(range('week', '2026-01-08')).toEqual({ from: '2026-01-05', days: 7 });
  });

  it('steps a day or a week, across months', () => {
    expect(step('day', '2026-01-31', 1)).toBe('2026-02-01');
    expect(step('week', '2026-01-08', -1)).toBe('2026-01-01');
  });
});

describe('layout', () => {
  it('places appointments by clinic-local time on their day', () => {
    expect(localMinutes('2026-01-05T06:20:00.000Z', NAIROBI)).toBe(9 * 60 + 20);
    const placed = layout(
      [row('a', '2026-01-05T06:00:00.000Z', '2026-01-05T06:20:00.000Z'), row('b', '2026-01-06T21:30:00.000Z', '2026-01-06T21:50:00.000Z')],
      ['2026-01-05', '2026-01-06', '2026-01-07'],
      NAIROBI,
    );
    expect(placed.get('2026-01-05')?.map((p) => [p.row.appointment.id, p.start, p.end])).toEqual([['a', 540, 560]]);
    expect(placed.get('2026-01-06')).toEqual([]);
    expect(placed.get('2026-01-07')?.map((p) => [p.row.appointment.id, p.start])).toEqual([['b', 30]]);
  });

  it('puts overlapping appointments side by side and leaves the rest full width', () => {
    const day = ['2026-01-05'];
    const placed = layout(
      [
        row('a', '2026-01-05T06:00:00.000Z', '2026-01-05T06:30:00.000Z'),
        row('b', '2026-01-05T06:10:00.000Z', '2026-01-05T06:40:00.000Z'),
        row('c', '2026-01-05T06:30:00.000Z', '2026-01-05T06:50:00.000Z'),
        row('d', '2026-01-05T08:00:00.000Z', '2026-01-05T08:20:00.000Z'),
      ],
      day,
      NAIROBI,
    ).get('2026-01-05');
    expect(placed?.map((p) => [p.row.appointment.id, p.lane, p.lanes])).toEqual([
      ['a', 0, 2],
      ['b', 1, 2],
      ['c', 0, 2],
      ['d', 0, 1],
    ]);
  });

  it('leaves out the old row of a moved appointment', () => {
    const placed = layout([row('a', '2026-01-05T06:00:00.000Z', '2026-01-05T06:20:00.000Z', 'rescheduled')], ['2026-01-05'], NAIROBI);
    expect(placed.get('2026-01-05')).toEqual([]);
  });

  it('spans working hours, widened to fit early or late appointments', () => {
    expect(hourSpan([])).toEqual({ first: 8, last: 18 });
    const early = layout([row('a', '2026-01-05T03:30:00.000Z', '2026-01-05T03:50:00.000Z')], ['2026-01-05'], NAIROBI);
    expect(hourSpan(early.values())).toEqual({ first: 6, last: 18 });
    const late = layout([row('a', '2026-01-05T17:40:00.000Z', '2026-01-05T18:00:00.000Z')], ['2026-01-05'], NAIROBI);
    expect(hourSpan(late.values()).last).toBe(21);
  });
});

describe('scrolling', () => {
  it('scrolls to half an hour before the first appointment of the shown days', () => {
    const placed = layout(
      [row('a', '2026-01-06T11:00:00.000Z', '2026-01-06T11:20:00.000Z'), row('b', '2026-01-05T14:30:00.000Z', '2026-01-05T14:50:00.000Z')],
      ['2026-01-05', '2026-01-06'],
      NAIROBI,
    );
    // b starts 17:30 local, a 14:00: a wins; 13:30 is 5.5 hours below 08:00.
    expect(firstScroll(placed.values(), 8, 56)).toBe(5.5 * 56);
    expect(firstScroll([], 8, 56)).toBe(0);
    const early = layout([row('c', '2026-01-05T05:10:00.000Z', '2026-01-05T05:30:00.000Z')], ['2026-01-05'], NAIROBI);
    expect(firstScroll(early.values(), 8, 56)).toBe(0);
  });
});

describe('keys', () => {
  const key = (k: string, mods: Partial<{ ctrlKey: boolean; inTextField: boolean }> = {}) =>
    calendarKey({ key: k, ctrlKey: false, metaKey: false, altKey: false, inTextField: false, ...mods });

  it('moves with arrows and Page Up/Down, switches views with D and W, T for today', () => {
    expect(key('ArrowLeft')).toBe('previous');
    expect(key('PageDown')).toBe('next');
    expect(key('t')).toBe('today');
    expect(key('W')).toBe('week');
    expect(key('d')).toBe('day');
  });

  it('leaves keys alone in text fields and with modifiers', () => {
    expect(key('ArrowLeft', { inTextField: true })).toBeNull();
    expect(key('t', { ctrlKey: true })).toBeNull();
    expect(key('x')).toBeNull();
  });
});
