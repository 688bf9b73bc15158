// Where the signed-in workspace is: one value, so that every screen change goes through
// `navigate` and the header knows what is showing.

import type { AppointmentRow } from '../../lib/api';
import type { AdminTab } from '../admin/admin';
import type { BillingTab } from '../billing/billing';
import type { CalendarView } from '../calendar/calendar';
import type { ChartTab } from '../chart/chart';
import type { VisitTab } from '../encounter/visit';
import type { PharmacyTab } from '../pharmacy/pharmacy';

/** Enough of a patient to book for: shown above the booking steps. */
export interface PatientRef {
  id: string;
  name: string;
  mrn: string;
}

export type Route =
  | { name: 'home' }
  | { name: 'patients'; text: string }
  | { name: 'register' }
  | { name: 'patient'; id: string }
  | { name: 'edit'; id: string }
  | { name: 'book'; patient: PatientRef | null; reschedule: AppointmentRow | null }
  | { name: 'queue'; day: string | null }
  | { name: 'admin'; tab: AdminTab | null }
  | { name: 'doctors'; id: string | null }
  | { name: 'calendar'; view: CalendarView; day: string | null; doctor: string | null; branch: string | null }
  | { name: 'conflicts' }
  | { name: 'day' }
  | { name: 'chart'; patient: string; tab: ChartTab | null; visit: string | null }
  | { name: 'visit'; id: string; tab: VisitTab | null }
  | { name: 'access'; patient: string }
  | { name: 'lab' }
  | { name: 'pharmacy'; tab: PharmacyTab | null }
  | { name: 'billing'; tab: BillingTab | null; invoice: string | null };

export type Navigate = (route: Route) => void;

/** The header tab a route belongs to. */
export type Section = 'home' | 'day' | 'patients' | 'register' | 'book' | 'queue' | 'admin' | 'doctors' | 'calendar' | 'conflicts' | 'lab' | 'pharmacy' | 'billing';

export function section(route: Route): Section {
  switch (route.name) {
    case 'home':
      return 'home';
    case 'day':
    case 'visit':
      return 'day';
    case 'patients':
    case 'patient':
    case 'edit':
    case 'chart':
    case 'access':
      return 'patients';
    case 'register':
      return 'register';
    case 'book':
      return 'book';
    case 'queue':
      return 'queue';
    case 'admin':
      return 'admin';
    case 'doctors':
      return 'doctors';
    case 'calendar':
      return 'calendar';
    case 'conflicts':
      return 'conflicts';
    case 'lab':
      return 'lab';
    case 'pharmacy':
      return 'pharmacy';
    case 'billing':
      return 'billing';
  }
}

/**
 * The workspace's keyboard shortcuts: `/` (outside a text field) or Ctrl+K searches
 * patients, Ctrl+N registers one, Ctrl+D opens the doctor's day, Ctrl+L locks, Escape
 * closes a panel. Returns null for other keys.
 */
export function shortcut(event: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  inTextField: boolean;
}): 'search' | 'register' | 'day' | 'lock' | 'escape' | null {
  const command = event.ctrlKey || event.metaKey;
  if (event.altKey) return null;
  if (event.key === 'Escape' && !command) return 'escape';
  if (command && (event.key === 'k' || event.key === 'K')) return 'search';
  if (command && (event.key === 'n' || event.key === 'N')) return 'register';
  if (command && (event.key === 'd' || event.key === 'D')) return 'day';
  if (command && (event.key === 'l' || event.key === 'L')) return 'lock';
  if (!command && event.key === '/' && !event.inTextField) return 'search';
  return null;
}
