import { afterEach, describe, expect, it, vi } from 'vitest';

import { setInvokeForTests } from '../../lib/api';
import { calendar } from './api';

describe('the calendar command', () => {
  afterEach(() => setInvokeForTests(null));

  it('sends the argument names its Rust side declares', async () => {
    const fake = vi.fn(() => Promise.resolve(null));
    setInvokeForTests(fake as never);
    await calendar({ from: '2026-01-05', days: 7, doctor_id: null, branch: '' });
    expect(fake.mock.calls).toEqual([['calendar', { from: '2026-01-05', days: 7, doctor_id: null, branch: '' }]]);
  });
});
