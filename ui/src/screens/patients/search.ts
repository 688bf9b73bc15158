// Search as you type, without Svelte: debounced, and only the answer to the latest text is
// ever shown (an older, slower answer arriving late is dropped).

import type { AppError } from '../../lib/api';
import { toAppError } from '../../lib/api';

export const SEARCH_DELAY_MS = 150;
/** Fewer characters than this do not search (one letter matches half the register). */
export const MIN_SEARCH_LENGTH = 2;

export interface SearchState<T> {
  text: string;
  status: 'idle' | 'waiting' | 'searching' | 'done' | 'failed';
  results: T[];
  error: AppError | null;
}

export interface Timers {
  set: (fn: () => void, ms: number) => unknown;
  clear: (handle: unknown) => void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface DebouncedSearch {
  /** The text changed: search for it after the delay. */
  input: (text: string) => void;
  /** Search for the current text now (Enter). */
  flush: () => void;
  /** Stop any pending search (the screen is going away). */
  dispose: () => void;
}

export function debouncedSearch<T>(options: {
  run: (text: string) => Promise<T[]>;
  onChange: (state: SearchState<T>) => void;
  delayMs?: number;
  timers?: Timers;
}): DebouncedSearch {
  const delay = options.delayMs ?? SEARCH_DELAY_MS;
  const timers = options.timers ?? realTimers;
  let pending: unknown = null;
  let latest = 0;
  let state: SearchState<T> = { text: '', status: 'idle', results: [], error: null };

  const emit = (next: SearchState<T>): void => {
    state = next;
    options.onChange(state);
  };

  const cancel = (): void => {
    if (pending !== null) timers.clear(pending);
    pending = null;
  };

  const start = (): void => {
    cancel();
    const text = state.text;
    const ticket = ++latest;
    emit({ ...state, status: 'searching' });
    options.run(text.trim()).then(
      (results) => {
        if (ticket === latest) emit({ text, status: 'done', results, error: null });
      },
      (raw: unknown) => {
        if (ticket === latest) emit({ text, status: 'failed', results: [], error: toAppError(raw) });
      },
    );
  };

  return {
    input(text) {
      cancel();
      if (text.trim().length < MIN_SEARCH_LENGTH) {
        latest++; // an answer still on its way is for older text
        emit({ text, status: 'idle', results: [], error: null });
        return;
      }
      // Keep the previous results on screen while waiting: no flicker as one types.
      emit({ ...state, text, status: 'waiting' });
      pending = timers.set(start, delay);
    },
    flush() {
      if (state.text.trim().length >= MIN_SEARCH_LENGTH && state.status === 'waiting') start();
    },
    dispose() {
      cancel();
      latest++;
    },
  };
}

/** The highlighted row after an arrow key: wraps around, -1 means none. */
export function moveActive(active: number, delta: number, length: number): number {
  if (length === 0) return -1;
  if (active < 0) return delta > 0 ? 0 : length - 1;
  return (((active + delta) % length) + length) % length;
}
