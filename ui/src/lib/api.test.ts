import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  addBranch,
  auditLog,
  calendar,
  createUser,
  isAppError,
  onAction,
  onSessionLocked,
  searchPatients,
  setInvokeForTests,
  setUserBranches,
  toAppError,
  undoMerge,
  users,
} from './api';

describe('toAppError', () => {
  it('keeps the shell’s own error objects as they are', () => {
    const err = { code: 'validation', message: 'must not be empty', field: 'clinic_name' };
    expect(toAppError(err)).toEqual(err);
  });

  it('turns Tauri’s plain-string rejections into internal errors without a field', () => {
    expect(toAppError('Command sign_in not allowed by ACL')).toEqual({
      code: 'internal',
      message: 'Command sign_in not allowed by ACL',
      field: null,
    });
  });

  it('does not trust unknown codes or empty fields', () => {
    expect(toAppError({ code: 'nope', message: 'x', field: '' })).toEqual({ code: 'internal', message: 'x', field: null });
  });

  it('handles thrown Error objects and odd values', () => {
    expect(toAppError(new Error('boom')).message).toBe('boom');
    expect(toAppError(undefined).code).toBe('internal');
    expect(isAppError(toAppError(42))).toBe(true);
  });
});

describe('calls', () => {
  afterEach(() => setInvokeForTests(null));

  it('send snake_case arguments and return the shell’s answer', async () => {
    const fake = vi.fn(() => Promise.resolve([]));
    setInvokeForTests(fake as never);
    await expect(searchPatients('anna', 10)).resolves.toEqual([]);
    expect(fake).toHaveBeenCalledWith('search_patients', { text: 'anna', limit: 10 });
  });

  it('tell the app when the session has locked, and still reject with the error', async () => {
    const locked = { code: 'session_locked', message: 'the session locked itself', field: null };
    setInvokeForTests((() => Promise.reject(locked)) as never);
    const listener = vi.fn();
    const stop = onSessionLocked(listener);
    await expect(searchPatients('anna')).rejects.toEqual(locked);
    expect(listener).toHaveBeenCalledTimes(1);
    stop();
    await expect(searchPatients('anna')).rejects.toEqual(locked);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('do not call the lock listener for other errors', async () => {
    setInvokeForTests((() => Promise.reject({ code: 'forbidden', message: 'no', field: null })) as never);
    const listener = vi.fn();
    const stop = onSessionLocked(listener);
    await expect(searchPatients('anna')).rejects.toMatchObject({ code: 'forbidden' });
    expect(listener).not.toHaveBeenCalled();
    stop();
  });

  it('send the admin, calendar and merge commands the argument names their Rust side declares', async () => {
    const fake = vi.fn(() => Promise.resolve(null));
    setInvokeForTests(fake as never);
    await createUser({ username: 'amy', display_name: null, role: 'nurse', password: 'pw', branches: ['BR01'] });
    await setUserBranches('amy', []);
    await auditLog({ username: null, action: 'user.', from: null, to: null, limit: 10 });
    await calendar({ from: '2026-01-05', days: 7, doctor_id: null, branch: '' });
    await undoMerge('m1');
    await addBranch({ code: 'BR02', name: 'Westside' });
    expect(fake.mock.calls).toEqual([
      ['create_user', { username: 'amy', display_name: null, role: 'nurse', password: 'pw', branches: ['BR01'] }],
      ['set_user_branches', { username: 'amy', branches: [] }],
      ['audit_log', { query: { username: null, action: 'user.', from: null, to: null, limit: 10 } }],
      ['calendar', { from: '2026-01-05', days: 7, doctor_id: null, branch: '' }],
      ['undo_merge', { merge_id: 'm1' }],
      ['add_branch', { code: 'BR02', name: 'Westside' }],
    ]);
  });

  it('tell the sync indicator after changes, not after reads', async () => {
    setInvokeForTests((() => Promise.resolve([])) as never);
    const listener = vi.fn();
    const stop = onAction(listener);
    await users();
    expect(listener).not.toHaveBeenCalled();
    await setUserBranches('amy', []);
    expect(listener).toHaveBeenCalledTimes(1);
    stop();
  });
});
