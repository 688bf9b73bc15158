// Where the signed-in workspace is: one value, so that every screen change goes through
// `navigate` and the header knows what is showing.

import type { AppointmentRow } from '../../lib/api';
import type { AdminTab } from '../admin/admin';
import type { CalendarView } from '../calendar/calendar';

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
  | { name: 'conflicts' };

export type Navigate = (route: Route) => void;

/** The header tab a route belongs to. */
export function section(route: Route): 'home' | 'patients' | 'register' | 'book' | 'queue' | 'admin' | 'doctors' | 'calendar' | 'conflicts' {
  switch (route.name) {
    case 'home':
      return 'home';
    case 'patients':
    case 'patient':
    case 'edit':
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
  }
}

/**
 * The workspace's keyboard shortcuts: `/` (outside a text field) or Ctrl+K searches
 * patients, Ctrl+N registers one, Ctrl+L locks, Escape closes a panel. Returns null for
 * other keys.
 */
export function shortcut(event: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  inTextField: boolean;
}): 'search' | 'register' | 'lock' | 'escape' | null {
  const command = event.ctrlKey || event.metaKey;
  if (event.altKey) return null;
  if (event.key === 'Escape' && !command) return 'escape';
  if (command && (event.key === 'k' || event.key === 'K')) return 'search';
  if (command && (event.key === 'n' || event.key === 'N')) return 'register';
  if (command && (event.key === 'l' || event.key === 'L')) return 'lock';
  if (!command && event.key === '/' && !event.inTextField) return 'search';
  return null;
}
