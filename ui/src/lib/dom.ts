// Small DOM helpers shared by the screens.

/** Svelte action: focuses the element when it is mounted (keyboard users start typing at once). */
export function autofocus(node: HTMLElement, enabled: boolean = true): void {
  if (enabled) node.focus();
}

/** Resolves once the browser has painted the current DOM (or after `fallbackMs`). */
export function afterPaint(fallbackMs = 500): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, fallbackMs);
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        clearTimeout(timer);
        resolve();
      }),
    );
  });
}
