import { describe, expect, it } from 'vitest';

import { totpCode, validateLogin } from './login';
import { loginStrings } from './strings';

describe('validateLogin', () => {
  it('needs a user name and a password but does not trim the password', () => {
    expect(validateLogin({ username: ' ', password: '' })).toEqual({
      username: loginStrings.required,
      password: loginStrings.required,
    });
    expect(validateLogin({ username: 'admin', password: ' ' })).toEqual({});
  });

  it('checks the second-factor code only once the core has asked for it', () => {
    const ok = { username: 'admin', password: 'long enough pw' };
    expect(validateLogin({ ...ok, totp: null })).toEqual({});
    expect(validateLogin({ ...ok, totp: '123 456' })).toEqual({});
    expect(validateLogin({ ...ok, totp: '' })).toEqual({ totp: loginStrings.totpFormat });
    expect(validateLogin({ ...ok, totp: '12345a' })).toEqual({ totp: loginStrings.totpFormat });
    expect(totpCode('123 456')).toBe('123456');
    expect(totpCode(null)).toBeNull();
  });
});
