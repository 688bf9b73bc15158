import { afterEach, describe, expect, it, vi } from 'vitest';

import { onAction, setInvokeForTests } from '../../lib/api';
import { addBranch, auditLog, createUser, setUserBranches, users } from './api';

describe('the administration commands', () => {
  afterEach(() => setInvokeForTests(null));

  it('send the argument names their Rust side declares', async () => {
    const fake = vi.fn(() => Promise.resolve(null));
    setInvokeForTests(fake as never);
    await createUser({ username: 'amy', display_name: null, role: 'nurse', password: 'pw', branches: ['BR01'] });
    await setUserBranches('amy', []);
    await auditLog({ username: null, action: 'user.', from: null, to: null, limit: 10 });
    await addBranch({ code: 'BR02', name: 'Westside' });
    expect(fake.mock.calls).toEqual([
      ['create_user', { username: 'amy', display_name: null, role: 'nurse', password: 'pw', branches: ['BR01'] }],
      ['set_user_branches', { username: 'amy', branches: [] }],
      ['audit_log', { query: { username: null, action: 'user.', from: null, to: null, limit: 10 } }],
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
