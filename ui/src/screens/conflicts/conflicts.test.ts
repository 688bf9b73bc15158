import { describe, expect, it } from 'vitest';

import type { AppointmentRow, Capabilities } from '../../lib/api';
import type { SyncConflict } from './api';
import { newestFirst, rebookRoute, showConflicts, tableLabel } from './conflicts';

const caps = (over: Partial<Capabilities>): Capabilities => ({
  search_patients: false,
  register_patients: false,
  edit_patients: false,
  archive_patients: false,
  view_doctors: false,
  view_appointments: false,
  book_appointments: false,
  cancel_appointments: false,
  reschedule_appointments: false,
  check_in: false,
  manage_sync: false,
  manage_users: false,
  manage_emergency_accounts: false,
  manage_settings: false,
  read_audit: false,
  manage_doctors: false,
  merge_patients: false,
  read_records: false,
  read_own_record: false,
  write_records: false,
  add_notes: false,
  add_vitals: false,
  record_allergies: false,
  add_attachments: false,
  read_access_history: false,
  read_prescriptions: false,
  write_prescriptions: false,
  read_lab: false,
  order_lab: false,
  enter_lab_results: false,
  read_stock: false,
  move_stock: false,
  adjust_stock: false,
  dispense: false,
  read_billing: false,
  write_billing: false,
  take_payments: false,
  give_discounts: false,
  manage_prices: false,
  ...over,
});

const lost: AppointmentRow = {
  appointment: {
    id: 'a1',
    number: 'BR02-X-000009',
    patient_id: 'p1',
    doctor_id: 'd1',
    starts_at: '2026-01-05T06:00:00.000Z',
    ends_at: '2026-01-05T06:20:00.000Z',
    status: 'conflict',
    hold_expires_at: null,
    provisional: false,
    reason: null,
    cancel_reason: null,
    rescheduled_from: null,
  },
  patient_name: 'Amani Njoroge',
  patient_mrn: 'BR02-X-000001',
  doctor_name: 'Dr Amina Wanjiru',
};

describe('conflicts', () => {
  it('is shown to whoever sees appointments or manages sync', () => {
    expect(showConflicts(caps({}))).toBe(false);
    expect(showConflicts(caps({ view_appointments: true }))).toBe(true);
    expect(showConflicts(caps({ manage_sync: true }))).toBe(true);
  });

  it('rebooks through the booking flow, moving the lost appointment for the same patient', () => {
    expect(rebookRoute(lost)).toEqual({
      name: 'book',
      patient: { id: 'p1', name: 'Amani Njoroge', mrn: 'BR02-X-000001' },
      reschedule: lost,
    });
  });

  it('names tables and lists unapplied changes newest first', () => {
    expect(tableLabel('appointments')).toBe('Appointment');
    expect(tableLabel('lab_orders')).toBe('lab_orders');
    const c = (id: string, at: string): SyncConflict => ({ change_id: id, table: 't', row_id: 'r', reason: 'x', received_at: at });
    expect(newestFirst([c('a', '2026-01-01T00:00:00Z'), c('b', '2026-01-02T00:00:00Z')]).map((x) => x.change_id)).toEqual(['b', 'a']);
  });
});
