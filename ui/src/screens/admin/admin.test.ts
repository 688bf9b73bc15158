import { describe, expect, it } from 'vitest';

import type { Capabilities } from '../../lib/api';
import { placeError } from '../../lib/forms';
import { setupStrings } from '../setup/strings';
import {
  addedBranches,
  adminTabs,
  pageSize,
  auditQuery,
  detailsText,
  emptyAuditFilter,
  emptyNewUser,
  isLimited,
  lastBackupText,
  NEW_BRANCH_FIELDS,
  outcomeLabel,
  parseKeep,
  parseMinutes,
  replaceUser,
  showAdmin,
  tabForKey,
  toggleCode,
  totpChanges,
  userState,
  validateNewBranch,
  validateNewUser,
  verificationMessage,
} from './admin';
import type { Branch, UserAccount } from './api';
import { adminStrings } from './strings';

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

const user = (over: Partial<UserAccount> = {}): UserAccount => ({
  id: 'u1',
  username: 'amy',
  display_name: 'Amy',
  role: 'nurse',
  active: true,
  emergency: false,
  emergency_until: null,
  totp_enrolled: false,
  branches: [],
  ...over,
});

describe('admin sections', () => {
  it('shows only what the policy allows, in a fixed order', () => {
    expect(adminTabs(none)).toEqual([]);
    expect(showAdmin(none)).toBe(false);
    const admin = { ...none, manage_users: true, manage_settings: true, read_audit: true, manage_sync: true };
    expect(adminTabs(admin)).toEqual(['users', 'settings', 'audit', 'devices', 'letterhead', 'branches']);
    expect(adminTabs({ ...none, read_audit: true })).toEqual(['audit']);
    expect(adminTabs({ ...none, manage_settings: true })).toEqual(['settings', 'letterhead', 'branches']);
    expect(showAdmin({ ...none, read_audit: true })).toBe(true);
  });

  it('moves between section tabs with the arrow keys, wrapping, and Home/End', () => {
    const tabs = ['users', 'settings', 'audit'] as const;
    expect(tabForKey(tabs, 'users', 'ArrowRight')).toBe('settings');
    expect(tabForKey(tabs, 'audit', 'ArrowRight')).toBe('users');
    expect(tabForKey(tabs, 'users', 'ArrowLeft')).toBe('audit');
    expect(tabForKey(tabs, 'settings', 'Home')).toBe('users');
    expect(tabForKey(tabs, 'settings', 'End')).toBe('audit');
    expect(tabForKey(tabs, 'settings', 'Enter')).toBeNull();
    expect(tabForKey([], 'users', 'ArrowRight')).toBeNull();
  });
});

describe('add-user form', () => {
  it('asks for the required fields and two equal passwords before calling the core', () => {
    const t = adminStrings.users;
    expect(validateNewUser(emptyNewUser())).toEqual({
      username: t.required,
      role: t.required,
      password: t.required,
      confirm: t.required,
    });
    const filled = { ...emptyNewUser(), username: 'amy', role: 'nurse' as const, password: 'a long one 1', confirm: 'a long one 2' };
    expect(validateNewUser(filled)).toEqual({ confirm: t.passwordsDiffer });
    expect(validateNewUser({ ...filled, confirm: filled.password })).toEqual({});
  });

  it('does not ask for a role on the emergency form (the core fixes it)', () => {
    const v = { ...emptyNewUser(), username: 'glass', password: 'x', confirm: 'x' };
    expect(validateNewUser(v, false)).toEqual({});
  });

  it('keeps ticked branch codes sorted and unique', () => {
    expect(toggleCode(['BR02'], 'BR01', true)).toEqual(['BR01', 'BR02']);
    expect(toggleCode(['BR01', 'BR02'], 'BR01', true)).toEqual(['BR01', 'BR02']);
    expect(toggleCode(['BR01', 'BR02'], 'BR01', false)).toEqual(['BR02']);
  });
});

describe('branches', () => {
  const branch = (id: string, code: string): Branch => ({ id, code, name: code, active: true });

  it('asks for both fields before calling the core, and leaves the code’s rules to it', () => {
    const t = adminStrings.branches;
    expect(validateNewBranch({ code: ' ', name: '' })).toEqual({ code: t.required, name: t.required });
    expect(validateNewBranch({ code: '2x', name: 'Westside' })).toEqual({});
  });

  it('puts the core’s duplicate-code error next to the code field', () => {
    const err = { code: 'validation' as const, message: 'there is a branch BR02 already', field: 'branch_code' };
    expect(placeError(err, NEW_BRANCH_FIELDS)).toEqual({ fields: { code: 'There is a branch BR02 already.' }, form: null });
  });

  it('finds what an addition made by id, whatever order the core lists', () => {
    const before = [branch('b1', 'BR01'), branch('b3', 'BR03')];
    const after = [branch('b1', 'BR01'), branch('b2', 'BR02'), branch('b3', 'BR03')];
    expect(addedBranches(before, after)).toEqual([branch('b2', 'BR02')]);
    expect(addedBranches(after, after)).toEqual([]);
  });

  it('names the new code in the next steps, with the set-up screen’s own join label', () => {
    const line = adminStrings.branches.nextSteps('BR02', setupStrings.modeJoin);
    expect(line).toContain('sync-server enroll --branch BR02');
    expect(line).toContain(setupStrings.modeJoin);
  });
});

describe('user list', () => {
  it('tells active, deactivated and emergency accounts apart', () => {
    expect(userState(user())).toBe('active');
    expect(userState(user({ active: false }))).toBe('inactive');
    expect(userState(user({ emergency: true, active: false }))).toBe('emergency_closed');
    expect(userState(user({ emergency: true, active: true, emergency_until: '2026-01-05T12:00:00.000Z' }))).toBe(
      'emergency_open',
    );
  });

  it('replaces a changed user in place and adds a new one in name order', () => {
    const list = [user({ id: 'a', username: 'amy' }), user({ id: 'c', username: 'cy' })];
    const changed = replaceUser(list, user({ id: 'c', username: 'cy', role: 'doctor' }));
    expect(changed.map((u) => [u.username, u.role])).toEqual([
      ['amy', 'nurse'],
      ['cy', 'doctor'],
    ]);
    expect(replaceUser(list, user({ id: 'b', username: 'bo' })).map((u) => u.username)).toEqual(['amy', 'bo', 'cy']);
  });
});

describe('sign-in settings', () => {
  it('reads whole minutes and leaves the range to the core', () => {
    expect(parseMinutes(' 15 ')).toEqual({ minutes: 15 });
    expect(parseMinutes('0')).toEqual({ minutes: 0 });
    expect(parseMinutes('1.5')).toEqual({ error: adminStrings.settings.idleWhole });
    expect(parseMinutes('')).toEqual({ error: adminStrings.settings.idleWhole });
  });

  it('sends only the roles whose second-factor rule changed', () => {
    const settings = { idle_lock_minutes: 10, totp_required: ['admin', 'doctor'] as const };
    expect(totpChanges({ ...settings, totp_required: [...settings.totp_required] }, new Set(['admin', 'nurse']))).toEqual([
      { role: 'doctor', required: false },
      { role: 'nurse', required: true },
    ]);
    expect(totpChanges({ ...settings, totp_required: ['admin'] }, new Set(['admin']))).toEqual([]);
  });
});

describe('audit log', () => {
  it('sends blanks as null and a sensible limit', () => {
    expect(auditQuery(emptyAuditFilter())).toEqual({ username: null, action: null, from: null, to: null, limit: 200 });
    expect(auditQuery({ username: ' amy ', action: 'user.', from: '2026-01-01', to: '', limit: 'lots' })).toEqual({
      username: 'amy',
      action: 'user.',
      from: '2026-01-01',
      to: null,
      limit: 200,
    });
    expect(auditQuery({ ...emptyAuditFilter(), limit: '999999' }).limit).toBe(5000);
  });

  it('shows details as short pairs, skipping nulls, and odd text as it is', () => {
    expect(detailsText('{"username":"amy","role":"nurse","active":null,"branches":["BR01"]}')).toBe(
      'username: amy, role: nurse, branches: ["BR01"]',
    );
    expect(detailsText('{}')).toBe('');
    expect(detailsText('null')).toBe('');
    expect(detailsText('not json')).toBe('not json');
  });

  it('names outcomes, falling back to the core’s word', () => {
    expect(outcomeLabel('denied')).toBe(adminStrings.audit.outcomes['denied']);
    expect(outcomeLabel('something_new')).toBe('something_new');
  });

  it('says whether the chain is whole and, if not, where it breaks', () => {
    expect(verificationMessage({ events: 12, devices: 1, first_break: null })).toEqual({
      ok: true,
      text: adminStrings.audit.verifiedOk(12, 1),
    });
    const broken = verificationMessage({
      events: 12,
      devices: 2,
      first_break: { device_id: 'dev-1', device_seq: 7, event_id: 'e7', reason: 'hash mismatch' },
    });
    expect(broken.ok).toBe(false);
    expect(broken.text).toContain('event 7 of device dev-1');
    expect(broken.text).toContain('hash mismatch');
  });

  it('warns when the list may have been cut at the limit', () => {
    const q = auditQuery({ ...emptyAuditFilter(), limit: '2' });
    expect(isLimited([{} as never, {} as never], q)).toBe(true);
    expect(isLimited([{} as never], q)).toBe(false);
  });
});

describe('backups', () => {
  it('reads the number of backups to keep, leaving the range to the core', () => {
    expect(parseKeep(' 7 ')).toEqual({ keep: 7 });
    expect(parseKeep('0')).toEqual({ keep: 0 });
    expect(parseKeep('seven')).toEqual({ error: adminStrings.backup.keepWhole });
    expect(parseKeep('')).toEqual({ error: adminStrings.backup.keepWhole });
    expect(parseKeep('1.5')).toEqual({ error: adminStrings.backup.keepWhole });
  });

  it('says which file the last backup wrote, or why it failed', () => {
    const at = '2026-01-05T09:00:00.000Z';
    expect(lastBackupText({ at, ok: true, file: '/b/clinic-backup-20260105-090000.clinicbak', error: null })).toEqual({
      text: 'Wrote /b/clinic-backup-20260105-090000.clinicbak',
      ok: true,
    });
    expect(lastBackupText({ at, ok: false, file: null, error: 'the folder /b does not exist' })).toEqual({
      text: 'Failed: the folder /b does not exist',
      ok: false,
    });
  });
});

describe('the letterhead’s paper size', () => {
  it('is A4 or Letter, A4 for anything else', () => {
    expect(pageSize('Letter')).toBe('Letter');
    expect(pageSize('A4')).toBe('A4');
    expect(pageSize('A5')).toBe('A4');
  });
});
