import { afterEach, describe, expect, it, vi } from 'vitest';

import { call, callAction, isAppError, onAction, onSessionLocked, setInvokeForTests, toAppError } from './api';

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

  it('send the arguments as given and return the shell’s answer', async () => {
    const fake = vi.fn(() => Promise.resolve([]));
    setInvokeForTests(fake as never);
    await expect(call('search_patients', { text: 'anna', limit: 10 })).resolves.toEqual([]);
    expect(fake).toHaveBeenCalledWith('search_patients', { text: 'anna', limit: 10 });
  });

  it('tell the app when the session has locked, and still reject with the error', async () => {
    const locked = { code: 'session_locked', message: 'the session locked itself', field: null };
    setInvokeForTests((() => Promise.reject(locked)) as never);
    const listener = vi.fn();
    const stop = onSessionLocked(listener);
    await expect(call('search_patients', { text: 'anna', limit: 25 })).rejects.toEqual(locked);
    expect(listener).toHaveBeenCalledTimes(1);
    stop();
    await expect(callAction('check_in', { id: 'a1' })).rejects.toEqual(locked);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('do not call the lock listener for other errors', async () => {
    setInvokeForTests((() => Promise.reject({ code: 'forbidden', message: 'no', field: null })) as never);
    const listener = vi.fn();
    const stop = onSessionLocked(listener);
    await expect(call('search_patients', { text: 'anna', limit: 25 })).rejects.toMatchObject({ code: 'forbidden' });
    expect(listener).not.toHaveBeenCalled();
    stop();
  });

  it('tell the sync indicator after changes that succeeded, not after reads or failures', async () => {
    setInvokeForTests((() => Promise.resolve([])) as never);
    const listener = vi.fn();
    const stop = onAction(listener);
    await call('users');
    expect(listener).not.toHaveBeenCalled();
    await callAction('set_user_branches', { username: 'amy', branches: [] });
    expect(listener).toHaveBeenCalledTimes(1);
    setInvokeForTests((() => Promise.reject({ code: 'forbidden', message: 'no', field: null })) as never);
    await expect(callAction('set_user_branches', { username: 'amy', branches: [] })).rejects.toMatchObject({ code: 'forbidden' });
    expect(listener).toHaveBeenCalledTimes(1);
    stop();
  });
});
