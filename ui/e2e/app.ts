// One end-to-end flow = one fresh data directory + one app session. `flow()` declares it
// as a Vitest test, opens the app, runs the steps, and on failure says which step failed
// and saves a screenshot; the app is closed and its directory removed either way, so the
// next flow starts from nothing whatever happened here.

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';

import { homeStrings } from '../src/screens/home/strings';
import { headerStrings } from '../src/screens/workspace/strings';
import { DEMO_BRANCH, DEMO_PASSWORD } from './demo';
import { ENTER, Session, button, css, waitUntil, type Element, type Locator } from './driver';

/** The app binary under test (scripts/e2e-webdriver.sh sets it). */
function application(): string {
  const app = process.env['E2E_APP'];
  if (!app) throw new Error('E2E_APP is not set: run the flows through scripts/e2e-webdriver.sh PATH/TO/clinic-desktop');
  return app;
}

/** Where failure screenshots go (`E2E_ARTIFACTS`, else a folder in the temp directory). */
const ARTIFACTS = process.env['E2E_ARTIFACTS'] ?? join(tmpdir(), 'clinic-e2e-failures');

/** The workspace tabs in the header's navigation (`data-tab` in Workspace.svelte). */
export type Tab = 'home' | 'day' | 'patients' | 'register' | 'book' | 'queue' | 'calendar' | 'conflicts' | 'doctors' | 'admin' | 'lab' | 'pharmacy' | 'billing';

export const tab = (key: Tab): Locator => css(`nav button[data-tab="${key}"]`);

/** The running app of one flow, with the moves every flow makes. */
export class App {
  constructor(
    readonly session: Session,
    /** The flow's own data directory (created empty; the app fills it). */
    readonly dataDir: string,
  ) {}

  waitFor(locator: Locator, text?: string, timeoutMs?: number): Promise<Element> {
    return this.session.waitFor(locator, text, timeoutMs);
  }

  async click(locator: Locator, text?: string): Promise<void> {
    await (await this.waitFor(locator, text)).click();
  }

  /** Replaces the text of the field `locator` finds; `submit` presses Enter after it. */
  async fill(locator: Locator, text: string, submit = false): Promise<void> {
    // A screen disables its form while it loads, and typing into it then is refused:
    // wait until it takes input, and try again if it was disabled in between.
    const field = await waitUntil(`${locator.value} to take input`, async () => {
      const found = await this.waitFor(locator);
      if (!(await found.enabled())) return undefined;
      await found.fill(text);
      return found;
    });
    if (submit) await field.type(ENTER);
  }

  async isAbsent(locator: Locator): Promise<boolean> {
    return (await this.session.count(locator)) === 0;
  }

  /** Waits for the page's heading to contain `text`. */
  async heading(text: string, timeoutMs?: number): Promise<void> {
    await this.waitFor(css('h1'), text, timeoutMs);
  }

  /** Waits for a status message (`role=status`) containing `text`. */
  async status(text: string): Promise<void> {
    await this.waitFor(css('[role=status]'), text);
  }

  /** The home page of the demo branch, after signing in or unlocking. */
  async home(): Promise<void> {
    await this.heading(homeStrings.title(DEMO_BRANCH));
  }

  async signIn(username: string, password = DEMO_PASSWORD): Promise<void> {
    await this.fill(css('#login-username'), username);
    await this.fill(css('#login-password'), password, true);
    await this.home();
  }

  async signOut(): Promise<void> {
    await this.click(button(headerStrings.signOut));
    await this.waitFor(css('#login-username'));
  }

  async open(key: Tab): Promise<void> {
    await this.click(tab(key));
  }

  /** Waits for the document dialog to show `pageText` ("Page 1 of 1") with its picture drawn. */
  async documentPreview(pageText: string): Promise<void> {
    await this.waitFor(css('#document-dialog[open] #document-page'), pageText);
    await waitUntil('the preview picture to be drawn', async () => this.session.imageShown('#document-preview img'));
  }
}

export interface FlowOptions {
  /** A demo workstation (true) or an empty one that shows the first-run set-up (false). */
  demo: boolean;
  /** The whole flow's time limit in milliseconds (default five minutes). */
  timeoutMs?: number;
}

/** A step of a flow: the name says what is being shown to work. */
export type Step = (name: string, body: () => Promise<void>) => Promise<void>;

/** Declares one independent flow: fresh data directory, own app session, own verdict. */
export function flow(name: string, options: FlowOptions, body: (app: App, step: Step) => Promise<void>): void {
  test(
    name,
    async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'clinic-e2e-'));
      let session: Session | null = null;
      const done: string[] = [];
      const step: Step = async (stepName, run) => {
        try {
          await run();
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const after = done.length ? ` (after: ${done.join('; ')})` : '';
          throw new Error(`step "${stepName}" failed: ${message}${after}`, { cause: error });
        }
        done.push(stepName);
      };
      try {
        session = await Session.start({
          application: application(),
          args: ['--data-dir', dataDir, options.demo ? '--demo' : '--no-demo'],
        });
        await body(new App(session, dataDir), step);
      } catch (error) {
        if (session) {
          await mkdir(ARTIFACTS, { recursive: true });
          const shot = await session.screenshot(join(ARTIFACTS, `${name.replace(/[^a-z0-9]+/gi, '-')}.png`));
          if (error instanceof Error) error.message += `\n  screen at that moment: ${shot}`;
        }
        throw error;
      } finally {
        await session?.close().catch(() => undefined);
        await rm(dataDir, { recursive: true, force: true });
      }
    },
    options.timeoutMs ?? 5 * 60_000,
  );
}
