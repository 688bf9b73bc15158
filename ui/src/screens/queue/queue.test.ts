import { describe, expect, it } from 'vitest';

import type { AppointmentRow, AppointmentStatus } from '../../lib/api';
import { isOpen, queueCounts, queueOrder } from './queue';

function row(id: string, starts_at: string, status: AppointmentStatus): AppointmentRow {
  return {
    appointment: {
      id,
      number: `BR01-X-${id}`,
      patient_id: `p${id}`,
      doctor_id: 'd',
      starts_at,
      ends_at: starts_at,
      status,
      hold_expires_at: null,
      provisional: true,
      reason: null,
      cancel_reason: null,
      rescheduled_from: null,
    },
    patient_name: `Patient ${id}`,
    patient_mrn: `MRN${id}`,
    doctor_name: 'Dr Test',
  };
}

describe('the check-in queue', () => {
  const rows = [
    row('1', '2026-01-05T09:40:00.000Z', 'cancelled'),
    row('2', '2026-01-05T09:00:00.000Z', 'checked_in'),
    row('3', '2026-01-05T09:20:00.000Z', 'confirmed'),
    row('4', '2026-01-05T08:40:00.000Z', 'rescheduled'),
    row('5', '2026-01-05T10:00:00.000Z', 'confirmed'),
  ];

  it('lists what still matters in time order, settled appointments last', () => {
    expect(queueOrder(rows).map((r) => r.appointment.id)).toEqual(['2', '3', '5', '4', '1']);
  });

  it('counts who is still to arrive and who is here', () => {
    expect(queueCounts(rows)).toEqual({ waiting: 2, checkedIn: 1 });
  });

  it('offers moving or cancelling only before the visit', () => {
    expect(isOpen('confirmed')).toBe(true);
    expect(isOpen('held')).toBe(true);
    expect(isOpen('conflict')).toBe(true);
    expect(isOpen('checked_in')).toBe(false);
    expect(isOpen('cancelled')).toBe(false);
  });
});
