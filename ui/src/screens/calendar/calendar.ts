// Calendar helpers, kept out of the components for testing: which days a view shows,
// moving a day or a week, and laying appointments out by clinic-local time, side by side
// where they overlap (different doctors at one time).

import type { AppointmentRow } from '../../lib/api';
import { addDays, dayInZone, formatTime } from '../../lib/format';

export type CalendarView = 'day' | 'week';

/** The weekday of a `YYYY-MM-DD` day: 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: string): number {
  const [y, m, d] = day.split('-').map(Number);
  const wd = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)).getUTCDay();
  return wd === 0 ? 7 : wd;
}

/** The Monday of the week `day` is in. */
export function weekStart(day: string): string {
  return addDays(day, 1 - isoWeekday(day));
}

/** The first day shown and how many: the day itself, or its Monday-to-Sunday week. */
export function range(view: CalendarView, anchor: string): { from: string; days: number } {
  return view === 'day' ? { from: anchor, days: 1 } : { from: weekStart(anchor), days: 7 };
}

/** The anchor one step back (-1) or forward (+1): a day or a week. */
export function step(view: CalendarView, anchor: string, direction: -1 | 1): string {
  return addDays(anchor, direction * (view === 'day' ? 1 : 7));
}

/** Minutes after clinic-local midnight of an instant. */
export function localMinutes(iso: string, timeZone: string): number {
  const [h, m] = formatTime(iso, timeZone).split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export interface Placed {
  row: AppointmentRow;
  /** Minutes after local midnight. */
  start: number;
  end: number;
  /** Side-by-side position among overlapping appointments, and how many share it. */
  lane: number;
  lanes: number;
}

const STATUS_HIDDEN = new Set(['rescheduled']);

/**
 * Appointments per shown day, each with its local start and end and a lane: appointments
 * that overlap in time sit side by side. A moved appointment's old row is left out (its
 * new row is shown).
 */
export function layout(rows: readonly AppointmentRow[], days: readonly string[], timeZone: string): Map<string, Placed[]> {
  const out = new Map<string, Placed[]>(days.map((d) => [d, []]));
  for (const row of rows) {
    if (STATUS_HIDDEN.has(row.appointment.status)) continue;
    const day = dayInZone(row.appointment.starts_at, timeZone);
    const list = out.get(day);
    if (!list) continue;
    const start = localMinutes(row.appointment.starts_at, timeZone);
    const endDay = dayInZone(row.appointment.ends_at, timeZone);
    const end = endDay === day ? localMinutes(row.appointment.ends_at, timeZone) : 24 * 60;
    list.push({ row, start, end: Math.max(end, start + 5), lane: 0, lanes: 1 });
  }
  for (const list of out.values()) assignLanes(list);
  return out;
}

/** Gives each appointment the first free lane; a cluster of overlaps shares its lane count. */
function assignLanes(list: Placed[]): void {
  list.sort((a, b) => a.start - b.start || a.end - b.end);
  let cluster: Placed[] = [];
  let clusterEnd = -1;
  const close = (): void => {
    const lanes = Math.max(1, ...cluster.map((p) => p.lane + 1));
    for (const p of cluster) p.lanes = lanes;
    cluster = [];
  };
  for (const p of list) {
    if (p.start >= clusterEnd && cluster.length > 0) close();
    const taken = new Set(cluster.filter((q) => q.end > p.start).map((q) => q.lane));
    let lane = 0;
    while (taken.has(lane)) lane++;
    p.lane = lane;
    cluster.push(p);
    clusterEnd = Math.max(clusterEnd, p.end);
  }
  if (cluster.length > 0) close();
}

/** The hours the grid spans: working hours by default, widened to fit every appointment. */
export function hourSpan(placed: Iterable<Placed[]>, first = 8, last = 18): { first: number; last: number } {
  let lo = first;
  let hi = last;
  for (const list of placed) {
    for (const p of list) {
      lo = Math.min(lo, Math.floor(p.start / 60));
      hi = Math.max(hi, Math.ceil(p.end / 60));
    }
  }
  return { first: lo, last: Math.min(24, hi) };
}

export type CalendarKey = 'previous' | 'next' | 'today' | 'day' | 'week';

/**
 * The calendar's keys outside text fields: arrows or Page Up/Down move a day or a week,
 * T goes to today, D and W switch the view. Null for other keys.
 */
export function calendarKey(event: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; inTextField: boolean }): CalendarKey | null {
  if (event.ctrlKey || event.metaKey || event.altKey || event.inTextField) return null;
  switch (event.key) {
    case 'ArrowLeft':
    case 'PageUp':
      return 'previous';
    case 'ArrowRight':
    case 'PageDown':
      return 'next';
    case 't':
    case 'T':
      return 'today';
    case 'd':
    case 'D':
      return 'day';
    case 'w':
    case 'W':
      return 'week';
    default:
      return null;
  }
}

/**
 * How far down (in pixels) to scroll the grid so the first appointment shows with half
 * an hour above it; 0 when there is none or it is near the top.
 */
export function firstScroll(placed: Iterable<Placed[]>, firstHour: number, pxPerHour: number): number {
  let earliest = Infinity;
  for (const list of placed) for (const p of list) earliest = Math.min(earliest, p.start);
  if (!Number.isFinite(earliest)) return 0;
  return Math.max(0, ((earliest - 30 - firstHour * 60) / 60) * pxPerHour);
}
