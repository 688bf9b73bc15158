import { describe, expect, it } from 'vitest';

import { validateJoin } from './join';
import { setupStrings } from './strings';

const complete = {
  server: 'https://sync.example.org:8443',
  code: 'a1b2c3',
  username: 'admin',
  password: 'a long password',
};

describe('validateJoin', () => {
  it('accepts a complete form', () => {
    expect(validateJoin(complete)).toEqual({});
  });

  it('asks for every field that is empty', () => {
    expect(validateJoin({ server: ' ', code: '', username: '  ', password: '' })).toEqual({
      server: setupStrings.required,
      code: setupStrings.required,
      username: setupStrings.required,
      password: setupStrings.required,
    });
  });

  it('wants a web address for the server', () => {
    expect(validateJoin({ ...complete, server: 'sync.example.org' }).server).toBe(setupStrings.joinServerFormat);
    expect(validateJoin({ ...complete, server: 'http://127.0.0.1:8443' })).toEqual({});
  });

  it('keeps a password with spaces as it was typed', () => {
    expect(validateJoin({ ...complete, password: '   ' })).toEqual({});
  });
});
