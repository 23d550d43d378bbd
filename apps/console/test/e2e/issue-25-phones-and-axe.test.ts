// Issue 25: every page on a 390×844 phone without sideways scrolling, a menu that reaches Sign out,
// the event detail as a full-screen sheet; and axe-core's WCAG 2.1 AA rules on every page in the
// light and the dark scheme with no serious or critical violation.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCluster, makeKey, makeLoadRun } from '../../src/lib/testing/fake-backend.js';
import { launchChromium } from '../support/browser.js';
import { CONSOLE_DIST } from '../support/console-build.js';
import { openConsole, shoot } from '../support/console-page.js';
import { SCREENS_DIR } from '../support/live-bench.js';
import { deadLetters, eventsAt, startMockBackend, type MockBackend } from '../support/mock-backend.js';

/** Every screen, with what shows that it has drawn its content. */
const SCREENS = [
  { hash: '#/lab', ready: (p: Page) => p.getByRole('heading', { name: 'Database Activity Streams lab' }).waitFor() },
  { hash: '#/keys', ready: (p: Page) => p.getByRole('cell', { name: 'auroralab-mysql-das' }).waitFor() },
  { hash: '#/clusters', ready: (p: Page) => p.getByRole('row').filter({ hasText: 'auroralab-mysql-cluster' }).waitFor() },
  { hash: '#/load-runs', ready: (p: Page) => p.getByTestId('load-run').first().waitFor() },
  { hash: '#/events/live', ready: (p: Page) => p.getByText('connected', { exact: true }).waitFor() },
  { hash: '#/events/history', ready: (p: Page) => p.locator('table.events tbody tr').first().waitFor() },
  { hash: '#/dead-letters', ready: (p: Page) => p.getByTestId('dead-letter').first().waitFor() },
  { hash: '#/fleet', ready: (p: Page) => p.getByText('One worker, embedded store').waitFor() },
  { hash: '#/no-such-page', ready: (p: Page) => p.getByRole('heading', { name: 'Page not found' }).waitFor() },
];

let browser: Browser;
let server: MockBackend;

const slug = (hash: string) => hash.replace(/[#/]+/g, '-').replace(/^-|-$/g, '');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core's WCAG 2.0/2.1 A and AA rules on the page; the serious and critical findings. */
async function seriousViolations(page: Page): Promise<Violation[]> {
  // axe-core's own source, injected into the page (its `source` is the browser bundle).
  await page.addScriptTag({ content: axe.source });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: Violation[] }> } }).axe;
    // The WCAG A/AA rules, plus two the issue named: heading order and one main landmark.
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      rules: { 'heading-order': { enabled: true }, 'landmark-one-main': { enabled: true } },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'heading-order' || v.id === 'landmark-one-main');
}

beforeAll(async () => {
  const now = Date.now();
  server = await startMockBackend(CONSOLE_DIST, {
    keys: [makeKey()],
    clusters: [makeCluster({ activityStream: { status: 'started', mode: 'async', kinesisStreamName: 'aws-rds-das-cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ' } })],
    loadRuns: [makeLoadRun('InProgress', 45, 5712.5), { ...makeLoadRun('Failed', 0, 0), id: '0b1c2d3e-0000-4000-8000-000000000002', progress: undefined, failureReason: 'das-tpcc: Access denied for user' }],
    events: eventsAt(Array.from({ length: 200 }, (_, i) => now - 40 * 60_000 + i * 10_000)),
    deadLetters: deadLetters(30),
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('on a 390×844 phone', () => {
  it('no page scrolls sideways', async () => {
    const page = await openConsole(browser, server, '#/lab', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const widths: Record<string, number> = {};
    for (const screen of SCREENS) {
      await page.goto(`${server.url}/${screen.hash}`);
      await screen.ready(page);
      await page.waitForTimeout(200);
      widths[screen.hash] = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
      await shoot(page, `issue-25-phone-${slug(screen.hash)}`);
    }
    expect(widths).toEqual(Object.fromEntries(SCREENS.map((s) => [s.hash, expect.toSatisfy((w: number) => w <= 390)])));
    await page.context().close();
  });

  it('reaches Sign out through the menu, and shows an event as a full-screen sheet', async () => {
    const page = await openConsole(browser, server, '#/events/history', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.locator('table.events tbody tr').first().getByRole('button').click();
    const sheet = page.getByRole('complementary', { name: 'Event detail' });
    const box = (await sheet.boundingBox())!;
    expect([box.x, box.y, box.width, box.height]).toEqual([0, 0, 390, 844]);
    await expect.poll(() => page.getByTestId('copy-json').isVisible()).toBe(true);
    const copy = (await page.getByTestId('copy-json').boundingBox())!;
    expect(copy.x + copy.width).toBeLessThanOrEqual(390);
    await shoot(page, 'issue-25-phone-event-sheet', false);
    await sheet.getByRole('button', { name: 'Close event detail' }).click();

    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    await shoot(page, 'issue-25-phone-menu', false);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Access token').waitFor();
    await page.context().close();
  });
});

describe('axe-core, WCAG 2.1 AA', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`finds no serious or critical violation on any page in the ${scheme} scheme`, async () => {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: scheme });
      const page = await context.newPage();
      const found: Record<string, Violation[]> = {};
      // The token screen first (signed out), then every screen signed in.
      await page.goto(`${server.url}/`);
      await page.getByLabel('Access token').waitFor();
      found['token screen'] = await seriousViolations(page);
      await page.goto(`${server.url}/#token=${server.token}`);
      await page.waitForFunction(() => window.location.hash === '#/lab');
      for (const screen of SCREENS) {
        await page.goto(`${server.url}/${screen.hash}`);
        await screen.ready(page);
        if (screen.hash === '#/events/history') {
          await page.locator('table.events tbody tr').first().getByRole('button').click();
          await page.getByTestId('event-json').waitFor();
        }
        await page.waitForTimeout(300);
        found[screen.hash] = await seriousViolations(page);
        await shoot(page, `issue-25-axe-${scheme}-${slug(screen.hash)}`);
      }
      const failing = Object.entries(found).filter(([, v]) => v.length > 0);
      // The findings stay beside the screenshots, to read when this fails.
      writeFileSync(join(SCREENS_DIR, `issue-25-axe-${scheme}.json`), JSON.stringify(found, null, 1));
      expect(failing, JSON.stringify(failing, null, 1)).toEqual([]);
      await context.close();
    });
  }
});
