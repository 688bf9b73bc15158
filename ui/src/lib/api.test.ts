import { describe, expect, it } from 'vitest';

import { isAppError, toAppError } from './api';

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
