import { describe, expect, it } from 'vitest';

import type { Appointment } from '../../lib/generated/Appointment';
import type { Encounter } from '../../lib/generated/Encounter';
import type { DoctorsDay } from './api';
import { dayRows, nextRow } from './day';

const appointment = (id: string, patient: string, starts: string): Appointment => ({
  id,
  number: `BR01-${id}`,
  patient_id: patient,
  doctor_id: 'd',
  starts_at: starts,
  ends_at: starts,
  status: 'checked_in',
  hold_expires_at: null,
  provisional: true,
  reason: 'Check-up',
  cancel_reason: null,
  rescheduled_from: null,
});

const visit = (id: string, patient: string, appointmentId: string | null): Encounter => ({
  id,
  patient_id: patient,
  appointment_id: appointmentId,
  doctor_user_id: 'me',
  reason: appointmentId ? 'Check-up' : 'Dressing change',
  status: 'open',
  opened_at: '2026-01-05T05:00:00.000Z',
  completed_at: null,
});

describe('the doctor’s day', () => {
  it('lists the waiting patients, then open visits not already on that list', () => {
    const day: DoctorsDay = {
      waiting: [
        { appointment: appointment('a1', 'p1', '2026-01-05T06:00:00.000Z'), patient_name: 'Amani Njoroge', mrn: 'M1', encounter: visit('v1', 'p1', 'a1') },
        { appointment: appointment('a2', 'p2', '2026-01-05T06:20:00.000Z'), patient_name: 'Wanjiku Mwangi', mrn: 'M2', encounter: null },
      ],
      open_visits: [
        { encounter: visit('v0', 'p3', null), patient_name: 'Baraka Otieno', mrn: 'M3' },
        { encounter: visit('v1', 'p1', 'a1'), patient_name: 'Amani Njoroge', mrn: 'M1' },
      ],
    };
    const rows = dayRows(day);
    expect(rows.waiting.map((r) => [r.patientName, r.appointmentId, r.encounterId])).toEqual([
      ['Amani Njoroge', 'a1', 'v1'],
      ['Wanjiku Mwangi', 'a2', null],
    ]);
    expect(rows.others.map((r) => [r.patientName, r.appointmentId, r.encounterId, r.reason])).toEqual([['Baraka Otieno', null, 'v0', 'Dressing change']]);
  });

  it('moves the choice with the arrows, wrapping, and Home/End', () => {
    expect(nextRow(0, 'ArrowDown', 3)).toBe(1);
    expect(nextRow(2, 'ArrowDown', 3)).toBe(0);
    expect(nextRow(0, 'ArrowUp', 3)).toBe(2);
    expect(nextRow(1, 'End', 3)).toBe(2);
    expect(nextRow(1, 'Home', 3)).toBe(0);
    expect(nextRow(0, 'Enter', 3)).toBeNull();
    expect(nextRow(0, 'ArrowDown', 0)).toBeNull();
  });
});
