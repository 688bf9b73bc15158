import { afterEach, describe, expect, it, vi } from 'vitest';

import { setInvokeForTests } from '../../lib/api';
import { searchPatients, undoMerge } from './api';

describe('the patient commands', () => {
  afterEach(() => setInvokeForTests(null));

  it('send snake_case arguments and return the shell’s answer', async () => {
    const fake = vi.fn(() => Promise.resolve([]));
    setInvokeForTests(fake as never);
    await expect(searchPatients('anna', 10)).resolves.toEqual([]);
    expect(fake).toHaveBeenCalledWith('search_patients', { text: 'anna', limit: 10 });
  });

  it('send the merge commands the argument names their Rust side declares', async () => {
    const fake = vi.fn(() => Promise.resolve(null));
    setInvokeForTests(fake as never);
    await undoMerge('m1');
    expect(fake.mock.calls).toEqual([['undo_merge', { merge_id: 'm1' }]]);
  });
});
