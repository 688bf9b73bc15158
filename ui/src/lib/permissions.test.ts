import { describe, expect, it } from 'vitest';

// The window's grants (src-tauri/capabilities/main.json) and this UI's calls, as text: the
// shared commands in ./api.ts and each screen's own in screens/<feature>/api.ts.
import capabilities from '../../../src-tauri/capabilities/main.json';

const apiSources = import.meta.glob<string>(['./api.ts', '../screens/*/api.ts'], { query: '?raw', import: 'default', eager: true });

describe('the window’s permissions', () => {
  it('grant exactly the commands this UI calls (the shell tests that they are registered)', () => {
    const granted = capabilities.permissions
      .filter((p) => p.startsWith('allow-'))
      .map((p) => p.slice('allow-'.length).replace(/-/g, '_'))
      .sort();
    const called = Object.values(apiSources)
      .flatMap((source) => [...source.matchAll(/call(?:Action)?<[^(]*>\('([a-z_]+)'/g)].map((m) => m[1] ?? ''))
      .sort();
    expect(Object.keys(apiSources).length).toBeGreaterThan(10);
    expect(called.length).toBeGreaterThan(30);
    expect(granted).toEqual([...new Set(called)]);
  });
});
