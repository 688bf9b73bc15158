import { defineConfig } from 'vitest/config';

// The end-to-end flows (e2e/*.e2e.ts) drive the built desktop app through tauri-driver;
// scripts/e2e-webdriver.sh starts Xvfb and the driver and runs them with this config.
// They run one at a time (one app window, one driver), each with its own data directory
// and session, so a failing flow is reported and the next one still runs.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 5 * 60_000,
    hookTimeout: 2 * 60_000,
    // A flow that fails is not run again: it would only hide a flaky step.
    retry: 0,
  },
});
