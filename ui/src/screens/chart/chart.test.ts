import { describe, expect, it } from 'vitest';

import type { Capabilities } from '../../lib/api';
import { chartTabs, sectionForKey } from './chart';

const none: Capabilities = {
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
};

describe('the chart’s sections', () => {
  it('add the access history only for those the core lets read it', () => {
    expect(chartTabs({ ...none, read_records: true })).toEqual(['visits', 'vitals', 'diagnoses', 'allergies', 'attachments']);
    expect(chartTabs({ ...none, read_own_record: true, read_access_history: true })).toEqual([
      'visits',
      'vitals',
      'diagnoses',
      'allergies',
      'attachments',
      'access',
    ]);
  });

  it('add the prescriptions for those the core lets read them', () => {
    expect(chartTabs({ ...none, read_records: true, read_prescriptions: true })).toEqual([
      'visits',
      'vitals',
      'diagnoses',
      'allergies',
      'attachments',
      'prescriptions',
    ]);
  });
});

describe('moving between sections', () => {
  const tabs = ['note', 'vitals', 'diagnoses', 'allergies'] as const;
  const key = (k: string, mods: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean; inTabList: boolean }> = {}) =>
    sectionForKey(tabs, 'vitals', { key: k, altKey: false, ctrlKey: false, metaKey: false, inTabList: false, ...mods });

  it('Alt and a digit pick a section from anywhere, even while typing', () => {
    expect(key('1', { altKey: true })).toBe('note');
    expect(key('3', { altKey: true })).toBe('diagnoses');
    expect(key('9', { altKey: true })).toBeNull();
    expect(key('3')).toBeNull();
    expect(key('3', { altKey: true, ctrlKey: true })).toBeNull();
  });

  it('arrows wrap and Home/End jump, only in the tab list', () => {
    expect(key('ArrowRight', { inTabList: true })).toBe('diagnoses');
    expect(key('ArrowLeft', { inTabList: true })).toBe('note');
    expect(sectionForKey(tabs, 'allergies', { key: 'ArrowRight', altKey: false, ctrlKey: false, metaKey: false, inTabList: true })).toBe('note');
    expect(key('End', { inTabList: true })).toBe('allergies');
    expect(key('ArrowRight')).toBeNull();
  });
});
