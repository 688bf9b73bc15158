import { describe, expect, it } from 'vitest';

// The window's grants (src-tauri/capabilities/main.json) and this UI's calls, as text.
import capabilities from '../../../src-tauri/capabilities/main.json';
import apiSource from './api.ts?raw';

describe('the window’s permissions', () => {
  it('grant exactly the commands this UI calls (the shell tests that they are registered)', () => {
    const granted = capabilities.permissions
      .filter((p) => p.startsWith('allow-'))
      .map((p) => p.slice('allow-'.length).replace(/-/g, '_'))
      .sort();
    const called = [...apiSource.matchAll(/call<[^(]*>\('([a-z_]+)'/g)].map((m) => m[1] ?? '').sort();
    expect(called.length).toBeGreaterThan(30);
    expect(granted).toEqual([...new Set(called)]);
  });
});
