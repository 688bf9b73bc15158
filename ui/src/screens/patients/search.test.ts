import { describe, expect, it, vi } from 'vitest';

import { MIN_SEARCH_LENGTH, SEARCH_DELAY_MS, debouncedSearch, moveActive, type SearchState } from './search';

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('debouncedSearch', () => {
  it('waits ~150 ms after the last keystroke and searches once, for the latest text', async () => {
    vi.useFakeTimers();
    const run = vi.fn((text: string) => Promise.resolve([text]));
    const states: SearchState<string>[] = [];
    const s = debouncedSearch({ run, onChange: (st) => states.push(st) });
    s.input('an');
    vi.advanceTimersByTime(100);
    s.input('ann');
    vi.advanceTimersByTime(100);
    s.input('anna ');
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    expect(run).toHaveBeenCalledTimes(1);
    expect(run).toHaveBeenCalledWith('anna');
    await vi.runAllTimersAsync();
    expect(states.at(-1)).toEqual({ text: 'anna ', status: 'done', results: ['anna'], error: null });
    vi.useRealTimers();
  });

  it('drops an older answer that arrives after a newer one', async () => {
    vi.useFakeTimers();
    const slow = deferred<string[]>();
    const fast = deferred<string[]>();
    const run = vi.fn().mockReturnValueOnce(slow.promise).mockReturnValueOnce(fast.promise);
    let state: SearchState<string> | null = null;
    const s = debouncedSearch<string>({ run, onChange: (st) => (state = st) });
    s.input('jo');
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    s.input('john');
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    fast.resolve(['John Kamau']);
    await Promise.resolve();
    slow.resolve(['Joan', 'John Kamau', 'Joseph']);
    await vi.runAllTimersAsync();
    expect(state).toMatchObject({ text: 'john', status: 'done', results: ['John Kamau'] });
    vi.useRealTimers();
  });

  it('does not search for fewer than two characters and clears the results', async () => {
    vi.useFakeTimers();
    const run = vi.fn(() => Promise.resolve(['x']));
    let state: SearchState<string> | null = null;
    const s = debouncedSearch<string>({ run, onChange: (st) => (state = st) });
    s.input('a'.repeat(MIN_SEARCH_LENGTH - 1));
    await vi.runAllTimersAsync();
    expect(run).not.toHaveBeenCalled();
    expect(state).toMatchObject({ status: 'idle', results: [] });
    vi.useRealTimers();
  });

  it('searches at once on Enter (flush) and reports failures with the core’s error', async () => {
    vi.useFakeTimers();
    const run = vi.fn(() => Promise.reject({ code: 'session_locked', message: 'locked', field: null }));
    let state: SearchState<string> | null = null;
    const s = debouncedSearch<string>({ run, onChange: (st) => (state = st) });
    s.input('wanjiku');
    s.flush();
    expect(run).toHaveBeenCalledTimes(1);
    await vi.runAllTimersAsync();
    expect(run).toHaveBeenCalledTimes(1); // the pending timer was cancelled by flush
    expect(state).toMatchObject({ status: 'failed', error: { code: 'session_locked' } });
    vi.useRealTimers();
  });

  it('forgets a pending search when disposed', async () => {
    vi.useFakeTimers();
    const run = vi.fn(() => Promise.resolve([]));
    const s = debouncedSearch<string>({ run, onChange: () => undefined });
    s.input('otieno');
    s.dispose();
    await vi.runAllTimersAsync();
    expect(run).not.toHaveBeenCalled();
    vi.useRealTimers();
  });
});

describe('moveActive (arrow keys in the results)', () => {
  it('starts at the first or last row and wraps around', () => {
    expect(moveActive(-1, 1, 3)).toBe(0);
    expect(moveActive(-1, -1, 3)).toBe(2);
    expect(moveActive(2, 1, 3)).toBe(0);
    expect(moveActive(0, -1, 3)).toBe(2);
    expect(moveActive(1, 1, 3)).toBe(2);
    expect(moveActive(0, 1, 0)).toBe(-1);
  });
});
