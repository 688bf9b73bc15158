// Timing mode for scripts/bench-app.sh (not a flow: vitest does not pick it up). Opens
// the seeded workstation in E2E_DATA_DIR, signs in as E2E_USER with E2E_PASSWORD, and
// times the app's own commands from inside its window, through the same IPC the screens
// use: a patient search for each query of the JSON array E2E_QUERIES_JSON, today's
// appointments, the sync line and unread notifications, E2E_ROUNDS rounds after a warm-up
// round. Writes the milliseconds to E2E_BENCH_OUT as JSON.
//
// Run by scripts/e2e-webdriver.sh (with E2E_BENCH_OUT set) as `npx vite-node e2e/timing.ts`.

import { writeFile } from 'node:fs/promises';

import { homeStrings } from '../src/screens/home/strings';
import { ENTER, Session, css, lead } from './driver';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (see the header of e2e/timing.ts)`);
  return value;
}

const SCRIPT = `
  const [queries, rounds] = arguments;
  const done = arguments[arguments.length - 1];
  const invoke = window.__TAURI_INTERNALS__.invoke;
  (async () => {
    const search = [], day = [], found = [], sync = [], notes = [];
    for (let r = 0; r <= rounds; r++) {
      for (const q of queries) {
        const t = performance.now();
        const hits = await invoke("search_patients", { text: q, limit: 25 });
        if (r > 0) { search.push(performance.now() - t); found.push(hits.length); }
      }
      let t = performance.now();
      await invoke("day_appointments", { day: null });
      if (r > 0) day.push(performance.now() - t);
      t = performance.now();
      await invoke("sync_status", {});
      if (r > 0) sync.push(performance.now() - t);
      t = performance.now();
      await invoke("notifications", { unread_only: true });
      if (r > 0) notes.push(performance.now() - t);
    }
    done({ search, day, found, sync, notes });
  })().catch((e) => done({ error: String((e && e.message) || JSON.stringify(e)) }));`;

async function main(): Promise<void> {
  const out = required('E2E_BENCH_OUT');
  const session = await Session.start({
    application: required('E2E_APP'),
    args: ['--data-dir', required('E2E_DATA_DIR'), '--no-demo'],
  });
  try {
    console.log(`timing: signing in as ${required('E2E_USER')}`);
    await (await session.waitFor(css('#login-username'))).fill(required('E2E_USER'));
    const password = await session.waitFor(css('#login-password'));
    const started = Date.now();
    await password.fill(required('E2E_PASSWORD'));
    await password.type(ENTER);
    await session.waitFor(css('h1'), lead(homeStrings.title));
    const signInMs = Date.now() - started;

    console.log("timing: the app's commands");
    const queries: unknown = JSON.parse(process.env['E2E_QUERIES_JSON'] ?? '["kamau"]');
    const rounds = Number(process.env['E2E_ROUNDS'] ?? '5');
    const result = (await session.executeAsync(SCRIPT, [queries, rounds], 900_000)) as Record<string, unknown>;
    if ('error' in result) throw new Error(`a command failed: ${String(result['error'])}`);
    await writeFile(out, JSON.stringify({ ...result, sign_in_ms: signInMs }));
    console.log('timing: timed');
  } finally {
    await session.close().catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  console.error(`timing: FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
