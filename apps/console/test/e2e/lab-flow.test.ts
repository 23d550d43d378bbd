// The whole local stack (emulator + MariaDB, API serving the built console, worker) driven by
// clicking through the console in Chromium: the lab's five steps, the load's events live,
// a filter to one user, one event's JSON, every screen photographed.
import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type Stack } from '@das/stack';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { SCREENS_DIR } from '../support/live-bench.js';

let stack: Stack;
let dataDir: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;

async function shoot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENS_DIR, `${name}.png`), fullPage: true });
}

/** Follows a link of the main navigation. */
async function nav(name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
}

async function counter(testId: string): Promise<number> {
  return Number((await page.getByTestId(testId).innerText()).replace(/[^0-9]/g, ''));
}

/** The live counters read in one go: events keep arriving between separate reads. */
async function counters(): Promise<{ received: number; shown: number; dropped: number; skipped: number }> {
  return page.evaluate(() => {
    const read = (id: string) => Number(document.querySelector(`[data-testid="${id}"]`)?.textContent?.replace(/[^0-9]/g, '') ?? NaN);
    return { received: read('received'), shown: read('shown'), dropped: read('dropped'), skipped: read('skipped') };
  });
}

/** Polls `read` until `accept` holds or the deadline passes; returns the last value. */
async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(value)})`);
    await page.waitForTimeout(250);
    value = await read();
  }
  return value;
}

beforeAll(async () => {
  mkdirSync(SCREENS_DIR, { recursive: true });
  dataDir = await mkdtemp(join(tmpdir(), 'das-console-e2e-'));
  // The real path: the load runs on the emulator's MariaDB, whose audit log becomes the activity stream.
  stack = await startStack({ dataDir, ports: 'free', activityStreamDelayMs: 1500, source: 'mariadb' });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.apiUrl });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the console against the whole local stack', () => {
  it('refuses a wrong token and says what to do', async () => {
    await page.goto(`${stack.apiUrl}/#token=not-the-token`);
    await page.getByRole('alert').filter({ hasText: 'token was refused' }).waitFor();
    expect(page.url()).not.toContain('not-the-token');
    await shoot('token-refused');
  });

  it('runs the lab by clicking: key, stream starting → started, live events of the load, stop', async () => {
    await page.goto(stack.url);
    await page.getByRole('heading', { name: 'Database Activity Streams lab' }).waitFor();
    expect(page.url()).not.toContain('#token=');
    await page.getByLabel('Cluster').waitFor();
    await shoot('lab-start');

    // Step 1: the lab's key with its defaults.
    expect(await page.getByLabel('Alias').inputValue()).toBe('auroralab-mysql-das');
    await page.getByRole('button', { name: 'Create key' }).click();
    const step1 = page.getByTestId('lab-step-1');
    await step1.and(page.locator('[data-state="done"]')).waitFor({ timeout: 30_000 });
    const keyId = await step1.locator('dd').first().innerText();
    expect(keyId).toMatch(/^[0-9a-f-]{36}$/);

    // Step 2: start the stream and watch it go starting → started.
    await page.getByRole('button', { name: 'Start activity stream' }).click();
    const step2 = page.getByTestId('lab-step-2');
    await step2.and(page.locator('[data-state="done"]')).waitFor({ timeout: 90_000 });
    const log = await step2.getByRole('list', { name: 'Activity stream status changes' }).innerText();
    expect(log).toMatch(/starting[\s\S]*started/);
    expect(await step2.innerText()).toMatch(/aws-rds-das-cluster-/);

    // Step 4 before 3: listen first so the load's first statements are seen too.
    await page.getByRole('button', { name: 'Watch events' }).click();
    await page.getByLabel('Duration (s)').fill('20');
    await page.getByRole('button', { name: 'Generate load' }).click();
    const step3 = page.getByTestId('lab-step-3');
    await step3.getByText(/^Command id$/i).waitFor({ timeout: 30_000 });
    await eventually(
      () => page.getByRole('progressbar', { name: 'Load progress' }).getAttribute('aria-valuenow').then(Number),
      (value) => value > 0,
      120_000,
      'load progress',
    );
    await shoot('lab-load-running');

    // The load's events arrive live.
    await page.getByRole('link', { name: 'Open live events' }).click();
    await page.getByRole('heading', { name: 'Live events' }).waitFor();
    await eventually(() => counter('received'), (n) => n >= 50, 90_000, 'live events of the load');
    // They are the load's: statements on the TPC-C tables.
    const facets = page.getByRole('region', { name: 'Most frequent values' });
    const objects = await eventually(
      () => facets.locator('.group').filter({ hasText: 'Objects' }).locator('.value').allInnerTexts(),
      (values) => values.some((v) => /^(order_line|new_order|orders|stock|district|warehouse|customer|history|item)$/.test(v)),
      30_000,
      'TPC-C tables among the objects',
    );
    expect(objects.length).toBeGreaterThan(0);
    await shoot('live-events');

    // Filter to one user (the busiest one that is not RDS housekeeping).
    const users = page.getByRole('region', { name: 'Most frequent values' }).locator('.group').filter({ hasText: 'Users' }).locator('.value');
    const candidates = await users.allInnerTexts();
    const user = candidates.find((u) => u !== 'rdsadmin');
    expect(user).toBeDefined();
    await page.getByRole('textbox', { name: 'User', exact: true }).fill(user!);
    await page.getByRole('button', { name: 'Apply' }).click();
    await eventually(() => counter('shown'), (n) => n > 0, 30_000, 'events of the filtered user');
    const cells = await page.locator('[data-testid="live-row"] .cell.user').allInnerTexts();
    expect(cells.length).toBeGreaterThan(0);
    expect(new Set(cells)).toEqual(new Set([user]));
    // Received counts every match: shown, dropped from the table's buffer, or skipped by the worker's rate cap (a busy load).
    const { received, shown, dropped, skipped } = await counters();
    expect(shown + dropped + skipped).toBe(received);

    // One event's JSON, formatted in place, and copied.
    await page.getByTestId('live-row').first().click();
    const json = await page.getByTestId('event-json').innerText();
    expect(JSON.parse(json)).toMatchObject({ dbUserName: user });
    expect(json).toContain('\n  "');
    await page.getByTestId('copy-json').click();
    await page.getByTestId('copy-json').filter({ hasText: 'Copied' }).waitFor();
    expect(JSON.parse(await page.evaluate(() => navigator.clipboard.readText()))).toMatchObject({ dbUserName: user });
    await shoot('live-event-detail');

    // Step 5: stop the stream, back in the lab.
    await nav('Lab');
    await page.getByRole('button', { name: 'Stop activity stream' }).click();
    const step5 = page.getByTestId('lab-step-5');
    await step5.and(page.locator('[data-state="done"]')).waitFor({ timeout: 90_000 });
    expect(await step5.innerText()).toMatch(/stopped/);
    await shoot('lab-done');
  });

  it('shows the key, the cluster, the load run, the history and the dead letters', async () => {
    await nav('Keys');
    await page.getByRole('cell', { name: 'auroralab-mysql-das' }).waitFor();
    await shoot('keys');

    await nav('Clusters');
    const clusterRow = page.getByRole('row').filter({ hasText: 'auroralab-mysql-cluster' });
    await clusterRow.waitFor();
    expect(await clusterRow.innerText()).toMatch(/stopped/);
    await shoot('clusters');

    await nav('Load runs');
    await page.getByRole('progressbar').first().waitFor();
    await shoot('load-runs');

    await nav('Event history');
    await page.getByRole('heading', { name: 'Event history' }).waitFor();
    // On a busy machine the worker may still be storing the load's last batches when the page
    // first searches: a user would refresh, and so does the test (Retry after an error).
    const rows = page.locator('table.events tbody tr');
    await eventually(
      async () => {
        if ((await rows.count()) > 0) return true;
        const retry = page.getByRole('button', { name: 'Retry' });
        if (await retry.isVisible()) await retry.click();
        else if (await page.getByText('No events in this range').isVisible()) await page.getByLabel('Refresh').selectOption('10');
        return false;
      },
      (found) => found,
      60_000,
      'rows in the event history',
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; the page said: ${(await page.locator('main').innerText()).slice(0, 600)}`);
    });
    await page.getByRole('button', { name: 'Next' }).waitFor();
    expect(await page.locator('table.events tbody tr').count()).toBeGreaterThan(0);
    await page.locator('table.events tbody tr').first().getByRole('button').click();
    await page.getByTestId('event-json').waitFor();
    await shoot('event-history');

    // Export: the download carries the bearer header through the worker client, as NDJSON.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export NDJSON' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^das-events-.*\.ndjson$/);
    const path = await download.path();
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.parse(lines[0]!)).toHaveProperty('command');

    await nav('Dead letters');
    await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
    await page.getByText(/No dead letters|Arrived/).first().waitFor();
    await shoot('dead-letters');
  });

  it('is readable in the dark colour scheme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await nav('Live events');
    await page.getByTestId('live-row').first().click();
    await page.getByTestId('event-json').waitFor();
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(15, 18, 23)');
    await shoot('live-events-dark');
    await nav('Lab');
    await page.getByTestId('lab-step-5').waitFor();
    await shoot('lab-dark');
  });
});
