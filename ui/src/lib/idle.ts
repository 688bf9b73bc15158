// The UI's own idle lock: after the session's idle limit with no keyboard, mouse or touch
// input, the workstation locks. (The core also locks a session that has not been used
// for as long; this catches a screen left open with nothing asking the core anything.)

export interface IdleTimer {
  /** Input happened: start counting again. Cheap enough for every mouse move. */
  touch: () => void;
  stop: () => void;
}

export function idleTimer(options: {
  limitMs: number;
  onIdle: () => void;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}): IdleTimer {
  const now = options.now ?? (() => Date.now());
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let last = now();
  let handle: unknown = null;
  let stopped = false;

  const check = (): void => {
    handle = null;
    if (stopped) return;
    const idle = now() - last;
    if (idle >= options.limitMs) {
      stopped = true;
      options.onIdle();
    } else {
      // Input moved the deadline: sleep until the new one rather than polling.
      handle = setTimer(check, options.limitMs - idle);
    }
  };
  handle = setTimer(check, options.limitMs);

  return {
    touch() {
      last = now();
    },
    stop() {
      stopped = true;
      if (handle !== null) clearTimer(handle);
      handle = null;
    },
  };
}

/** The DOM events that count as someone at the keyboard. */
export const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;
