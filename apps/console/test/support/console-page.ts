// Opening the console in Chromium, signed in, for the browser tests against the mock backend.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { SCREENS_DIR } from './live-bench.js';
import type { MockBackend } from './mock-backend.js';

/** A new page in its own context, signed in by the `#token=` link, showing `hash`. */
export async function openConsole(browser: Browser, server: MockBackend, hash = '#/lab', options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, ...options });
  const page = await context.newPage();
  await page.goto(`${server.url}/#token=${server.token}`);
  await page.waitForFunction(() => window.location.hash === '#/lab');
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  if (hash !== '#/lab') {
    // The address as a shared link would give it: typed into the same signed-in tab.
    await page.goto(`${server.url}/${hash}`);
  }
  return page;
}

/** Keeps a screenshot under test-results/screens/ (the tests' artifacts). */
export async function shoot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENS_DIR, `${name}.png`), fullPage });
}

/** The hash of the page's address. */
export function hashOf(page: Page): string {
  return new URL(page.url()).hash;
}
