import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { startTestApp, type TestApp } from './app.js';
import type { DatabaseKind } from './databases.js';

/** Debian's chromium (installed by .ci/run), headless, with nothing reaching outside the machine. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches headless Chromium; `extraArgs` e.g. to block third-party cookies. */
export function launchChromium(extraArgs: string[] = [], options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_FLAGS, ...extraArgs], ...options });
}

export interface AppInChromium {
  /** Set by the describe's beforeAll. */
  readonly app: TestApp;
  readonly browser: Browser;
}

/**
 * For a describe block: starts a test app on `kind` and Chromium before its tests and closes both
 * after them. Read `app` and `browser` inside the tests.
 */
export function appInChromium(kind: DatabaseKind, timeout = 90_000): AppInChromium {
  const env = {} as { app: TestApp; browser: Browser };
  beforeAll(async () => {
    [env.app, env.browser] = await Promise.all([startTestApp(kind), launchChromium()]);
  }, timeout);
  afterAll(async () => {
    await env.browser?.close();
    await env.app?.close();
  }, timeout);
  return env;
}
