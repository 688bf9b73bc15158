import { describe, expect, it, vi } from 'vitest';

import { idleTimer } from './idle';

describe('idleTimer', () => {
  it('fires once after the limit with no input', () => {
    vi.useFakeTimers();
    const onIdle = vi.fn();
    idleTimer({ limitMs: 60_000, onIdle });
    vi.advanceTimersByTime(59_999);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(600_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
  });

  it('counts from the last input', () => {
    vi.useFakeTimers();
    const onIdle = vi.fn();
    const timer = idleTimer({ limitMs: 60_000, onIdle });
    vi.advanceTimersByTime(50_000);
    timer.touch();
    vi.advanceTimersByTime(50_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
  });

  it('never fires once stopped (signed out, locked by hand)', () => {
    vi.useFakeTimers();
    const onIdle = vi.fn();
    const timer = idleTimer({ limitMs: 1_000, onIdle });
    timer.stop();
    vi.advanceTimersByTime(10_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.useRealTimers();
  });
});
