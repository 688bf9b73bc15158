// A small WebDriver client over plain `fetch`, enough to drive the desktop app through
// tauri-driver (which forwards to WebKitGTK's WebKitWebDriver). No client library: the
// W3C protocol is a handful of JSON requests, and this keeps the test tooling to what
// ui/package.json already has.

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';

/** How an element is found: a CSS selector or an XPath expression. */
export interface Locator {
  readonly using: 'css selector' | 'xpath';
  readonly value: string;
}

export const css = (value: string): Locator => ({ using: 'css selector', value });
export const xpath = (value: string): Locator => ({ using: 'xpath', value });

/** `text` as an XPath string literal, whatever quotes it contains. */
export function xpathLiteral(text: string): string {
  if (!text.includes("'")) return `'${text}'`;
  if (!text.includes('"')) return `"${text}"`;
  return `concat(${text
    .split("'")
    .map((part) => `'${part}'`)
    .join(`, "'", `)})`;
}

/** The part of a formatted string before its argument (`Today at ${branch}` → `Today at `). */
export function lead(format: (value: string) => string): string {
  const mark = '\u0000';
  return format(mark).split(mark)[0] ?? '';
}

/** A button whose whole visible text is `label` (taken from a strings module), under `within`. */
export function button(label: string, within = ''): Locator {
  return xpath(`${within}//button[normalize-space()=${xpathLiteral(label)}]`);
}

/** The key WebDriver's "send keys" understands as Enter. */
export const ENTER = '\uE007';

/** The key WebDriver's "send keys" understands as Escape. */
export const ESCAPE = '\uE00C';

/** Where tauri-driver listens (`E2E_DRIVER_URL`, else port 4444 on this machine). */
export const DRIVER_URL = process.env['E2E_DRIVER_URL'] ?? 'http://127.0.0.1:4444';

/** How long each wait may take, in milliseconds (`E2E_TIMEOUT` in seconds, default 30). */
export const WAIT_MS = Number(process.env['E2E_TIMEOUT'] ?? '30') * 1000;

const W3C_ELEMENT = 'element-6066-11e4-a52e-4f735b5c4e6f';

/** An error the WebDriver server answered with (no such element, stale element, ...). */
export class WebDriverError extends Error {
  constructor(
    readonly error: string,
    message: string,
  ) {
    super(`${error}: ${message}`);
    this.name = 'WebDriverError';
  }
}

async function request(method: string, path: string, body?: unknown, timeoutMs = WAIT_MS): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${DRIVER_URL}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    throw new Error(`${method} ${path}: no answer from the WebDriver server at ${DRIVER_URL} (${String(cause)})`);
  }
  const text = await response.text();
  let json: { value?: unknown };
  try {
    json = JSON.parse(text) as { value?: unknown };
  } catch {
    throw new Error(`${method} ${path}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
  }
  const value = json.value;
  if (value !== null && typeof value === 'object' && 'error' in value) {
    const { error, message } = value as { error: unknown; message?: unknown };
    throw new WebDriverError(String(error), String(message ?? ''));
  }
  return value;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every 200 ms until it returns something other than undefined/false. */
export async function waitUntil<T>(
  description: string | (() => string),
  probe: () => Promise<T | undefined | false>,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      // A stale element or a screen still changing: try again until the deadline.
      lastError = error;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      const what = typeof description === 'string' ? description : description();
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${why}`);
    }
    await sleep(200);
  }
}

/** One element of the page, as the WebDriver server knows it. */
export class Element {
  constructor(
    private readonly session: Session,
    readonly id: string,
  ) {}

  private path(tail: string): string {
    return `/session/${this.session.id}/element/${this.id}/${tail}`;
  }

  async click(): Promise<void> {
    await request('POST', this.path('click'), {});
  }

  /** Types `text` (append `ENTER` to submit). */
  async type(text: string): Promise<void> {
    await request('POST', this.path('value'), { text });
  }

  async clear(): Promise<void> {
    await request('POST', this.path('clear'), {});
  }

  /** Replaces the field's value with `text`. */
  async fill(text: string): Promise<void> {
    await this.clear();
    if (text !== '') await this.type(text);
  }

  async text(): Promise<string> {
    return String(await request('GET', this.path('text')));
  }

  /** Whether the element takes input now (a form is disabled while its screen loads). */
  async enabled(): Promise<boolean> {
    return (await request('GET', this.path('enabled'))) === true;
  }

  async attribute(name: string): Promise<string | null> {
    const value = await request('GET', this.path(`attribute/${encodeURIComponent(name)}`));
    return value === null ? null : String(value);
  }

  /** A DOM property, e.g. a field's current `value` (the attribute keeps the initial one). */
  async property(name: string): Promise<unknown> {
    return request('GET', this.path(`property/${encodeURIComponent(name)}`));
  }
}

export interface SessionOptions {
  /** The app binary tauri-driver starts. */
  application: string;
  /** Its command-line arguments. */
  args: readonly string[];
}

/** A WebDriver session: one running instance of the app. */
export class Session {
  private constructor(readonly id: string) {}

  static async start(options: SessionOptions): Promise<Session> {
    const value = (await request(
      'POST',
      '/session',
      {
        capabilities: {
          alwaysMatch: { 'tauri:options': { application: options.application, args: [...options.args] } },
        },
      },
      // Starting the app (and seeding a demo workstation) takes a while in a debug build.
      Math.max(WAIT_MS, 120_000),
    )) as { sessionId?: unknown };
    if (typeof value.sessionId !== 'string') throw new Error(`no session id in ${JSON.stringify(value)}`);
    return new Session(value.sessionId);
  }

  /** Element ids matching the locator, in document order (none is not an error). */
  async findAll(locator: Locator): Promise<Element[]> {
    const value = (await request('POST', `/session/${this.id}/elements`, locator)) as Record<string, string>[];
    return value.map((entry) => new Element(this, entry[W3C_ELEMENT] ?? Object.values(entry)[0] ?? ''));
  }

  /** Waits for the first element matching the locator whose text contains `text`, if given. */
  async waitFor(locator: Locator, text?: string, timeoutMs = WAIT_MS): Promise<Element> {
    const what = `${locator.value}${text === undefined ? '' : ` containing "${text}"`}`;
    return waitUntil(
      what,
      async () => {
        for (const element of await this.findAll(locator)) {
          if (text === undefined || (await element.text()).includes(text)) return element;
        }
        return undefined;
      },
      timeoutMs,
    );
  }

  /** The texts of every element matching the locator. */
  async texts(locator: Locator): Promise<string[]> {
    const out: string[] = [];
    for (const element of await this.findAll(locator)) out.push(await element.text());
    return out;
  }

  async count(locator: Locator): Promise<number> {
    return (await this.findAll(locator)).length;
  }

  /** Waits until exactly `want` elements match the locator. */
  async waitForCount(locator: Locator, want: number, timeoutMs = WAIT_MS): Promise<void> {
    let seen = -1;
    await waitUntil(
      () => `${want} of ${locator.value} (last seen: ${seen})`,
      async () => {
        seen = await this.count(locator);
        return seen === want;
      },
      timeoutMs,
    );
  }

  /** Runs an asynchronous script in the window; it calls its last argument with the result. */
  async executeAsync(script: string, args: readonly unknown[], timeoutMs: number): Promise<unknown> {
    await request('POST', `/session/${this.id}/timeouts`, { script: timeoutMs });
    return request('POST', `/session/${this.id}/execute/async`, { script, args: [...args] }, timeoutMs + 10_000);
  }

  /**
   * Presses keys on whatever has the focus (W3C key actions), as a person at the keyboard
   * does: `press(ENTER)` on a focused button. Each string is one key (`'a'`, `ENTER`).
   */
  async press(...keys: string[]): Promise<void> {
    const actions = keys.flatMap((value) => [
      { type: 'keyDown', value },
      { type: 'keyUp', value },
    ]);
    await request('POST', `/session/${this.id}/actions`, { actions: [{ type: 'key', id: 'keyboard', actions }] });
    await request('DELETE', `/session/${this.id}/actions`);
  }

  /** Runs a script in the window and returns what it returns. */
  async execute(script: string, args: readonly unknown[] = []): Promise<unknown> {
    return request('POST', `/session/${this.id}/execute/sync`, { script, args: [...args] });
  }

  /** Whether the first image the CSS selector finds has loaded and has pixels. */
  async imageShown(selector: string): Promise<boolean> {
    const value = await this.execute('const img = document.querySelector(arguments[0]); return !!img && img.complete && img.naturalWidth > 0;', [selector]);
    return value === true;
  }

  /** The id attribute of the element that has the focus ('' for none). */
  async focusedId(): Promise<string> {
    const value = await request('POST', `/session/${this.id}/execute/sync`, { script: 'return document.activeElement ? document.activeElement.id : "";', args: [] });
    return String(value ?? '');
  }

  /**
   * Saves what the screen shows to `path` (PNG). WebKitWebDriver's screenshot command has
   * been seen never to answer under Xvfb, so it gets ten seconds, then ImageMagick's
   * `import` takes the whole virtual display instead. Returns where it went, or why not.
   */
  async screenshot(path: string): Promise<string> {
    try {
      const base64 = String(await request('GET', `/session/${this.id}/screenshot`, undefined, 10_000));
      await writeFile(path, Buffer.from(base64, 'base64'));
      return path;
    } catch (webdriverError) {
      return new Promise((resolve) => {
        execFile('import', ['-window', 'root', path], { timeout: 15_000 }, (error) =>
          resolve(error ? `no screenshot (${String(webdriverError)}; import: ${error.message})` : path),
        );
      });
    }
  }

  /** Ends the session; tauri-driver closes the app. */
  async close(): Promise<void> {
    await request('DELETE', `/session/${this.id}`);
  }
}
