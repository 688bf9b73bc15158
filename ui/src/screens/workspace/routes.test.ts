import { describe, expect, it } from 'vitest';

import { section, shortcut } from './routes';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; inTextField: boolean }> = {}) =>
  shortcut({ key: k, ctrlKey: false, metaKey: false, altKey: false, inTextField: false, ...mods });

describe('keyboard shortcuts', () => {
  it('/ searches, but only outside text fields (where it is just a slash)', () => {
    expect(key('/')).toBe('search');
    expect(key('/', { inTextField: true })).toBeNull();
  });

  it('Ctrl+K searches and Ctrl+N registers, even from inside a field', () => {
    expect(key('k', { ctrlKey: true, inTextField: true })).toBe('search');
    expect(key('K', { metaKey: true })).toBe('search');
    expect(key('n', { ctrlKey: true })).toBe('register');
    expect(key('n')).toBeNull();
    expect(key('n', { ctrlKey: true, altKey: true })).toBeNull();
  });

  it('Ctrl+D opens the doctor’s day, even from inside a field', () => {
    expect(key('d', { ctrlKey: true, inTextField: true })).toBe('day');
    expect(key('D', { metaKey: true })).toBe('day');
    expect(key('d')).toBeNull();
  });

  it('Ctrl+L locks the workstation', () => {
    expect(key('l', { ctrlKey: true, inTextField: true })).toBe('lock');
    expect(key('l')).toBeNull();
  });

  it('Escape closes', () => {
    expect(key('Escape')).toBe('escape');
  });
});

describe('section', () => {
  it('keeps the Patients tab lit on a patient’s pages', () => {
    expect(section({ name: 'patient', id: 'x' })).toBe('patients');
    expect(section({ name: 'edit', id: 'x' })).toBe('patients');
    expect(section({ name: 'book', patient: null, reschedule: null })).toBe('book');
    expect(section({ name: 'admin', tab: 'audit' })).toBe('admin');
    expect(section({ name: 'doctors', id: 'd1' })).toBe('doctors');
    expect(section({ name: 'calendar', view: 'week', day: null, doctor: null, branch: null })).toBe('calendar');
    expect(section({ name: 'conflicts' })).toBe('conflicts');
    expect(section({ name: 'lab' })).toBe('lab');
    expect(section({ name: 'pharmacy', tab: 'stock' })).toBe('pharmacy');
    expect(section({ name: 'pharmacy', tab: null })).toBe('pharmacy');
    expect(section({ name: 'billing', tab: null, invoice: null })).toBe('billing');
    expect(section({ name: 'billing', tab: 'invoices', invoice: 'i1' })).toBe('billing');
  });

  it('keeps My day lit on a visit, and Patients on a chart', () => {
    expect(section({ name: 'day' })).toBe('day');
    expect(section({ name: 'visit', id: 'v', tab: null })).toBe('day');
    expect(section({ name: 'chart', patient: 'p', tab: 'vitals', visit: null })).toBe('patients');
    expect(section({ name: 'access', patient: 'p' })).toBe('patients');
  });
});
