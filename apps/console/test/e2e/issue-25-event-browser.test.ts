// Issue 25: the console as an event browser. Against a scripted API + worker (mock-backend.ts),
// so each view is exact: the address carries the view, the chart draws one bucket, a gap and one
// event as bars, 204 dead letters are all reachable, times switch zone, errors offer Retry.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeCluster, makeKey, makeLoadRun } from '../../src/lib/testing/fake-backend.js';
import { launchChromium } from '../support/browser.js';
import { CONSOLE_DIST } from '../support/console-build.js';
import { hashOf, openConsole, shoot } from '../support/console-page.js';
import { deadLetters, eventsAt, startMockBackend, type MockBackend } from '../support/mock-backend.js';

const MIN = 60_000;
let browser: Browser;
let server: MockBackend;
const pages: Page[] = [];

/** 300 events over the last 50 minutes, one every 10 s. */
function recentEvents() {
  const now = Date.now();
  return eventsAt(Array.from({ length: 300 }, (_, i) => now - 50 * MIN + i * 10_000));
}

async function open(hash: string, options = {}): Promise<Page> {
  const page = await openConsole(browser, server, hash, options);
  pages.push(page);
  return page;
}

interface Bar {
  x: number;
  width: number;
  height: number;
}

async function bars(page: Page): Promise<Bar[]> {
  const chart = page.getByTestId('time-chart');
  await chart.locator('canvas').first().waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="time-chart"]')?.getAttribute('data-bars') !== '[]');
  return JSON.parse((await chart.getAttribute('data-bars')) ?? '[]') as Bar[];
}

beforeAll(async () => {
  server = await startMockBackend(CONSOLE_DIST, {
    keys: [makeKey()],
    clusters: [makeCluster({ activityStream: { status: 'started', mode: 'async', kinesisStreamName: 'aws-rds-das-cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ' } })],
    loadRuns: [makeLoadRun('InProgress', 45, 5712.5)],
  });
  browser = await launchChromium();
});

beforeEach(async () => {
  server.data.events = recentEvents();
  server.data.deadLetters = [];
  server.data.workerUp = true;
  server.data.liveEvents = [];
  server.data.liveSkipped = 0;
  for (const page of pages.splice(0)) await page.context().close();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('state in the address', () => {
  it('round-trips the history view through the URL, and Back walks through the changes', async () => {
    const page = await open('#/events/history');
    await page.getByTestId('history-total').filter({ hasText: '300 matching events' }).waitFor();
    expect(await page.title()).toBe('Event history · DAS Toolkit');

    // Filter to one user, 25 a page, second page, a column more, one event open.
    const user = server.data.events[0]!.user!;
    await page.getByRole('textbox', { name: 'User', exact: true }).fill(user);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForFunction((u) => location.hash.includes(`user=${u}`), user);
    await page.getByLabel('Per page').selectOption('25');
    await page.waitForFunction(() => location.hash.includes('size=25'));
    const total = Number((await page.getByTestId('history-total').innerText()).replace(/[^0-9]/g, ''));
    expect(total).toBe(server.data.events.filter((e) => e.user === user).length);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2 ·').waitFor();
    await page.locator('summary', { hasText: /^Columns/ }).click();
    await page.getByRole('checkbox', { name: 'Host' }).check();
    await page.locator('table.events tbody tr').nth(3).getByRole('button').click();
    await page.getByRole('complementary', { name: 'Event detail' }).waitFor();
    const hash = hashOf(page);
    expect(hash).toMatch(/cursor=25/);
    expect(hash).toMatch(/cols=.*remoteHost/);
    expect(hash).toMatch(/event=\d+/);
    const eventId = /event=(\d+)/.exec(hash)![1]!;
    expect(await page.title()).toBe(`Event ${eventId} · Event history · DAS Toolkit`);
    const rows = await page.locator('table.events tbody tr').allInnerTexts();
    await shoot(page, 'issue-25-history-view');

    // The same address in another browser (signed in there) shows the same view.
    const copy = await open(hash);
    await copy.getByText('Page 2 ·').waitFor();
    expect(await copy.getByRole('textbox', { name: 'User', exact: true }).inputValue()).toBe(user);
    expect(await copy.locator('table.events thead th').allInnerTexts()).toContain('HOST');
    expect(await copy.locator('table.events tbody tr').allInnerTexts()).toEqual(rows);
    expect(await copy.getByRole('complementary', { name: 'Event detail' }).innerText()).toContain(JSON.parse(await copy.getByTestId('event-json').innerText()).dbUserName);
    expect(hashOf(copy)).toBe(hash);
    await shoot(copy, 'issue-25-history-view-reopened');

    // Back: the event closes, then the columns, then page 1.
    await page.goBack();
    await page.getByRole('complementary', { name: 'Event detail' }).waitFor({ state: 'detached' });
    await page.goBack();
    await page.waitForFunction(() => !location.hash.includes('cols='));
    await page.goBack();
    await page.getByText('Page 1 ·').waitFor();
    await page.goForward();
    await page.getByText('Page 2 ·').waitFor();
  });

  it('gives an event a permalink that opens it with its minute around it', async () => {
    const page = await open('#/events/history');
    await page.locator('table.events tbody tr').first().getByRole('button').click();
    const href = await page.getByTestId('permalink').getAttribute('href');
    expect(href).toMatch(/^#\/events\/history\?event=\d+&from=.*&to=/);
    const other = await open(href!);
    await other.getByRole('complementary', { name: 'Event detail' }).waitFor();
    expect(await other.locator('table.events tbody tr.selected').count()).toBe(1);
  });

  it('keeps the live filters and columns in the address', async () => {
    const page = await open('#/events/live?command=QUERY&cols=time,user,command');
    expect(await page.getByRole('textbox', { name: 'Command', exact: true }).inputValue()).toBe('QUERY');
    expect(await page.getByRole('columnheader').allInnerTexts()).toEqual(['TIME (UTC)', 'USER', 'COMMAND']);
    await page.getByRole('textbox', { name: 'User', exact: true }).fill('admin');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForFunction(() => location.hash.includes('user=admin'));
    expect(await page.title()).toBe('Live events · DAS Toolkit');
    // No held event matches: the table says so rather than "waiting".
    await page.getByText('No event held matches this filter').waitFor();
  });

  it('opens the event a live address names, from the worker\'s store when it is not held', async () => {
    const event = server.data.events[5]!;
    const page = await open(`#/events/live?event=${event.id}`);
    const detail = page.getByRole('complementary', { name: 'Event detail' });
    await detail.waitFor();
    expect(JSON.parse(await page.getByTestId('event-json').innerText())).toMatchObject({ dbUserName: event.user });
    expect(await page.title()).toBe(`Event ${event.id} · Live events · DAS Toolkit`);
    await detail.getByRole('button', { name: 'Close event detail' }).click();
    await page.waitForFunction(() => !location.hash.includes('event='));
  });

  it('shows a not-found page for an unknown address, with its own title', async () => {
    const page = await open('#/no-such-page');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(await page.title()).toBe('Not found · DAS Toolkit');
    expect(await page.getByRole('heading', { name: 'Database Activity Streams lab' }).count()).toBe(0);
  });
});

describe('the time chart', () => {
  const cases = [
    { name: 'one bucket', times: (t: number) => Array.from({ length: 50 }, (_, i) => t + i * 200) },
    { name: 'a gap', times: (t: number) => [...Array.from({ length: 20 }, (_, i) => t + i * 1000), ...Array.from({ length: 20 }, (_, i) => t + 20 * MIN + i * 1000)] },
    { name: 'one event', times: (t: number) => [t] },
  ];
  for (const scenario of cases) {
    it(`draws ${scenario.name} as bars with a size, on a time axis over the whole range`, async () => {
      const t0 = Date.parse('2026-11-25T10:05:00Z');
      server.data.events = eventsAt(scenario.times(t0));
      const from = '2026-11-25T09:35:00.000Z';
      const to = '2026-11-25T10:35:00.000Z';
      const page = await open(`#/events/history?from=${from}&to=${to}`);
      const drawn = await bars(page);
      await page.getByTestId('time-chart').screenshot({ path: `${process.cwd()}/test-results/screens/issue-25-chart-${scenario.name.replace(/ /g, '-')}.png` });
      expect(drawn.length).toBe(scenario.name === 'a gap' ? 2 : 1);
      for (const bar of drawn) {
        expect(bar.width).toBeGreaterThan(2);
        expect(bar.height).toBeGreaterThan(2);
      }
      // The range is the hour asked for, in the worker's 30-second buckets: the bars are narrow, not the chart's width.
      expect(Number(await page.getByTestId('time-chart').getAttribute('data-buckets'))).toBe(120);
      const plotWidth = await page.getByTestId('time-chart').locator('.u-over').evaluate((el) => el.getBoundingClientRect().width);
      for (const bar of drawn) expect(bar.width).toBeLessThan(plotWidth / 20);
      if (scenario.name === 'a gap') {
        // 20 minutes apart on a 60-minute axis: a third of the plot between them.
        const [a, b] = [...drawn].sort((p, q) => p.x - q.x);
        expect(b!.x - a!.x).toBeGreaterThan(plotWidth / 4);
      }
      // Axes are labelled; hovering a bar gives its values.
      expect(await page.getByTestId('time-chart').getAttribute('data-axes')).toBe('Time (UTC) | Events per 30 s');
      // Bars are measured on the canvas; a bar starts at its bucket's start, where the cursor snaps.
      const canvas = (await page.getByTestId('time-chart').locator('canvas').first().boundingBox())!;
      const over = (await page.getByTestId('time-chart').locator('.u-over').boundingBox())!;
      const [first] = drawn;
      await page.mouse.move(canvas.x + first!.x + 1, over.y + over.height - 3);
      await page.waitForFunction(() => [...document.querySelectorAll('.u-legend .u-series:not(:first-child) .u-value')].some((v) => /[1-9]/.test(v.textContent ?? '')));
    });
  }

  it('zooms by dragging: the range, the filters and the address follow', async () => {
    server.data.events = eventsAt(Array.from({ length: 60 }, (_, i) => Date.parse('2026-11-25T10:00:00Z') + i * MIN));
    const page = await open('#/events/history?from=2026-11-25T10:00:00.000Z&to=2026-11-25T11:00:00.000Z');
    await bars(page);
    const box = (await page.getByTestId('time-chart').locator('.u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => location.hash.includes('from=2026-11-25T10%3A1'));
    const params = new URLSearchParams(hashOf(page).split('?')[1]);
    const from = Date.parse(params.get('from')!);
    const to = Date.parse(params.get('to')!);
    expect(from).toBeGreaterThanOrEqual(Date.parse('2026-11-25T10:13:00Z'));
    expect(to).toBeLessThanOrEqual(Date.parse('2026-11-25T10:32:00Z'));
    // The new range is searched: fewer of the hour's 60 events match.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="history-total"]')?.textContent?.replace(/[^0-9]/g, '')) < 60);
    const total = Number((await page.getByTestId('history-total').innerText()).replace(/[^0-9]/g, ''));
    expect(total).toBeGreaterThan(5);
    expect(total).toBeLessThan(25);
    await page.getByTestId('time-chart').screenshot({ path: `${process.cwd()}/test-results/screens/issue-25-chart-zoomed.png` });
  });
});

describe('history as a log explorer', () => {
  it('shows a clear error with Retry and no stale table when the worker is down', async () => {
    const page = await open('#/events/history');
    await page.locator('table.events tbody tr').first().waitFor();
    server.data.workerUp = false;
    await page.getByLabel('Per page').selectOption('100');
    await page.getByRole('alert').filter({ hasText: 'Cannot search events' }).waitFor();
    expect(await page.locator('table.events').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Next' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Export NDJSON' }).isDisabled()).toBe(true);
    await shoot(page, 'issue-25-history-worker-down');
    server.data.workerUp = true;
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.locator('table.events tbody tr').first().waitFor();
  });

  it('moves through rows with the arrow keys, closes with Esc, filters on a value from the detail', async () => {
    const page = await open('#/events/history');
    await page.locator('table.events tbody tr').first().waitFor();
    await page.getByRole('region', { name: /arrow keys move the selection/ }).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const second = await page.locator('table.events tbody tr').nth(1).getAttribute('aria-selected');
    expect(second).toBe('true');
    await page.keyboard.press('Escape');
    await page.getByRole('complementary', { name: 'Event detail' }).waitFor({ state: 'detached' });
    await page.keyboard.press('ArrowDown');
    const detail = page.getByRole('complementary', { name: 'Event detail' });
    const database = (await page.locator('table.events tbody tr').first().locator('td.database').innerText()).trim();
    await detail.getByRole('button', { name: `Filter on database ${database}` }).click();
    await page.waitForFunction((d) => location.hash.includes(`database=${d}`), database);
    const databases = await page.locator('table.events tbody td.database').allInnerTexts();
    expect(new Set(databases)).toEqual(new Set([database]));
  });

  it('copies a value, the SQL and the permalink from the detail pane', async () => {
    const page = await open('#/events/history');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const row = server.data.events.find((e) => e.text !== null && e.text.length > 20)!;
    await page.goto(`${server.url}/#/events/history?event=${row.id}`);
    const detail = page.getByRole('complementary', { name: 'Event detail' });
    await detail.waitFor();
    // Long SQL wraps inside the pane instead of running off it.
    const sql = page.getByTestId('event-sql');
    expect(await sql.evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('pre-wrap');
    await detail.getByRole('button', { name: 'Copy SQL' }).click();
    await detail.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(row.text);
    await detail.getByRole('button', { name: 'Copy user' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(row.user);
    await detail.getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain(`#/events/history?event=${row.id}&from=`);
  });

  it('refreshes the first page on its own when asked to', async () => {
    const page = await open('#/events/history?refresh=10');
    expect(await page.getByLabel('Refresh').inputValue()).toBe('10');
    await page.locator('table.events tbody tr').first().waitFor();
    const before = server.requests.filter((r) => r.startsWith('/events?')).length;
    await expect.poll(() => server.requests.filter((r) => r.startsWith('/events?')).length, { timeout: 15_000, interval: 500 }).toBeGreaterThan(before);
  });

  it('offers more than five facet values and a search among them', async () => {
    const page = await open('#/events/history');
    const facets = page.getByRole('region', { name: 'Most frequent values' });
    const objects = facets.locator('.group').filter({ hasText: 'Objects' });
    await objects.locator('.value').first().waitFor();
    expect(await objects.locator('.value').count()).toBe(5);
    await objects.getByRole('button', { name: /more$/ }).click();
    expect(await objects.locator('.value').count()).toBeGreaterThan(5);
    await facets.getByTestId('facet-search').fill('stock');
    expect(await objects.locator('.value').allInnerTexts()).toEqual(['stock']);
  });
});

describe('time zones', () => {
  it('shows UTC by default and switches tables and inputs to local time', async () => {
    const page = await open('#/events/history?from=2026-11-25T10:00:00.000Z&to=2026-11-25T11:00:00.000Z', { timezoneId: 'Asia/Kolkata' });
    server.data.events = eventsAt([Date.parse('2026-11-25T10:30:00Z')]);
    await page.reload();
    await page.locator('table.events tbody tr').first().waitFor();
    expect(await page.locator('table.events tbody td.time').first().innerText()).toBe('10:30:00.000');
    expect(await page.getByLabel(/^From \(UTC\)/).inputValue()).toMatch(/^2026-11-25T10:00(:00)?$/);
    await page.getByRole('button', { name: 'Local' }).click();
    expect(await page.locator('table.events tbody td.time').first().innerText()).toBe('16:00:00.000');
    expect(await page.locator('table.events thead th.time').innerText()).toBe('TIME (UTC+05:30)');
    expect(await page.getByLabel(/^From \(UTC\+05:30\)/).inputValue()).toMatch(/^2026-11-25T15:30(:00)?$/);
    await shoot(page, 'issue-25-history-local-time');
    await page.getByRole('button', { name: 'UTC' }).click();
  });

  it('cannot apply a range that ends before it starts', async () => {
    const page = await open('#/events/history?from=2026-11-25T10:00:00.000Z&to=2026-11-25T11:00:00.000Z');
    await page.getByLabel(/^To \(UTC\)/).fill('2026-11-25T09:00:00');
    await page.getByRole('alert').filter({ hasText: 'The range ends before it starts.' }).waitFor();
    expect(await page.getByRole('button', { name: 'Apply range' }).isDisabled()).toBe(true);
    expect(hashOf(page)).toContain('to=2026-11-25T11');
  });
});

describe('dead letters', () => {
  it('reaches all 204 by page, with the total in the navigation, UTC times and the reason once', async () => {
    server.data.deadLetters = deadLetters(204);
    const page = await open('#/dead-letters');
    await page.getByTestId('nav-dead-letters').filter({ hasText: '204' }).waitFor({ timeout: 20_000 });
    await page.getByTestId('dead-letter-range').filter({ hasText: '1–100 of 204' }).waitFor();
    expect(await page.getByTestId('dead-letter').count()).toBe(100);
    const firstRow = await page.getByTestId('dead-letter').first().innerText();
    expect(firstRow).toMatch(/2026-11-25 03:03:24\.000 UTC/);
    expect(firstRow.match(/KEY_DECRYPT_FAILED/g)).toHaveLength(1);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByTestId('dead-letter-range').filter({ hasText: '101–200 of 204' }).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByTestId('dead-letter-range').filter({ hasText: '201–204 of 204' }).waitFor();
    expect(await page.getByTestId('dead-letter').count()).toBe(4);
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    expect(await page.title()).toBe('Dead letters · DAS Toolkit');

    // The 400 KB letter renders only when asked, and only its first 64 KB at first.
    const big = page.getByTestId('dead-letter').filter({ hasText: '49700000000001' });
    await big.getByRole('button', { name: /Show \(391 KB\)/ }).click();
    const data = page.getByTestId('dead-letter-data');
    expect((await data.innerText()).length).toBeLessThanOrEqual(64 * 1024);
    await shoot(page, 'issue-25-dead-letters-last-page');

    // The address holds the page: Back returns to the second.
    await page.goBack();
    await page.getByTestId('dead-letter-range').filter({ hasText: '201–204 of 204' }).waitFor();
    await page.goBack();
    await page.getByTestId('dead-letter-range').filter({ hasText: '101–200 of 204' }).waitFor();
  });

  it('shows a JSON envelope decoded, and asks before a retry with the count and the KMS calls', async () => {
    server.data.deadLetters = deadLetters(12);
    const page = await open('#/dead-letters');
    const json = page.getByTestId('dead-letter').filter({ hasText: '49700000000012' });
    await json.getByRole('button', { name: /Show/ }).click();
    expect(await page.getByTestId('dead-letter-data').innerText()).toContain('"type": "DatabaseActivityMonitoringRecords"');
    await page.getByRole('combobox', { name: 'Reason' }).selectOption('KEY_DECRYPT_FAILED');
    await page.waitForFunction(() => location.hash.includes('reason=KEY_DECRYPT_FAILED'));
    await page.getByRole('button', { name: 'Retry all KEY_DECRYPT_FAILED' }).click();
    const dialog = page.getByRole('alertdialog');
    expect(await dialog.innerText()).toMatch(/Retry 6 dead letters with reason KEY_DECRYPT_FAILED\?[\s\S]*up to 6 KMS Decrypt calls/);
    const before = server.requests.filter((r) => r.startsWith('/dead-letters/replay')).length;
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(server.requests.filter((r) => r.startsWith('/dead-letters/replay')).length).toBe(before);
    await page.getByRole('button', { name: 'Retry all KEY_DECRYPT_FAILED' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Retry 6' }).click();
    await page.getByText('Recovered 0 of 6 dead letters').waitFor();
    expect(server.requests).toContain('/dead-letters/replay?reason=KEY_DECRYPT_FAILED');
  });
});

describe('live', () => {
  it('filters held events in place, keeps its layout still, shows chart and facets at 1440×900, resets all counters together', async () => {
    server.data.liveEvents = recentEvents().slice(0, 120).reverse();
    server.data.liveSkipped = 7;
    const page = await open('#/events/live');
    await page.getByTestId('received').filter({ hasText: /^120$/ }).waitFor();
    const tableTop = await page.getByTestId('live-viewport').evaluate((el) => el.getBoundingClientRect().top);
    // A skipped count arriving later does not move the table.
    await page.getByTestId('skipped').filter({ hasText: /^7$/ }).waitFor();
    expect(await page.getByTestId('live-viewport').evaluate((el) => el.getBoundingClientRect().top)).toBe(tableTop);
    // Chart and facets are on screen without scrolling.
    for (const part of [page.getByTestId('time-chart'), page.getByRole('region', { name: 'Most frequent values' }).locator('.group').first()]) {
      const box = (await part.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(900);
    }
    await shoot(page, 'issue-25-live-1440x900', false);

    // The filter applies to what is already held: those of one user stay, nothing is refetched.
    const user = server.data.liveEvents[0]!.user!;
    const expected = server.data.liveEvents.filter((e) => e.user === user).length;
    await page.getByRole('textbox', { name: 'User', exact: true }).fill(user);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByTestId('shown').filter({ hasText: new RegExp(`^${expected}$`) }).waitFor();
    expect(new Set(await page.locator('[data-testid="live-row"] .cell.user').allInnerTexts())).toEqual(new Set([user]));
    expect(await page.getByTestId('skipped').innerText()).toBe('0');

    // Pause says what it holds back; Clear zeroes every counter at once.
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByText(/Paused: the table stays as it was; 0 new events are held back/).waitFor();
    await page.getByRole('button', { name: /Resume/ }).click();
    await page.getByTestId('clear-live').click();
    const counters = await page.getByTestId('live-counter').innerText();
    expect(counters).toMatch(/received 0 · shown 0 · dropped 0 · skipped by worker 0/);
    // One rate figure: the worker's own count of the matching events, and how much of it the table shows.
    expect(await page.getByTestId('worker-rate').innerText()).toBe('0 matching events/s · table shows all');
  });
});

describe('load runs', () => {
  it('shows start time, duration, why a run failed, readable parameters and progress per phase', async () => {
    server.data.loadRuns = [
      { ...makeLoadRun('Failed', 0, 0), id: '0b1c2d3e-0000-4000-8000-000000000002', progress: undefined, startedAt: '2026-11-25T03:00:00.000Z', endedAt: '2026-11-25T03:00:07.000Z', failureReason: 'das-tpcc: Access denied for user' },
      makeLoadRun('InProgress', 45, 5712.5),
    ];
    const page = await open('#/load-runs');
    const failed = page.getByTestId('load-run').filter({ hasText: '000000000002' });
    await failed.waitFor();
    expect(await failed.innerText()).toMatch(/Failed[\s\S]*das-tpcc: Access denied for user[\s\S]*2026-11-25 03:00:00\.000[\s\S]*7s/);
    const running = page.getByTestId('load-run').filter({ hasText: '000000000001' });
    expect(await running.getByRole('progressbar', { name: /^Data set of/ }).getAttribute('aria-valuenow')).toBe('100');
    expect(await running.getByRole('progressbar', { name: /^Load of/ }).getAttribute('aria-valuenow')).toBe('45');
    await running.getByRole('button', { name: 'Details' }).click();
    expect(await page.locator('dl.params').innerText()).toMatch(/WAREHOUSES[\s\S]*THREADS[\s\S]*DURATION \(S\)/);
    await shoot(page, 'issue-25-load-runs');
    // The open run is in the address: opened elsewhere, its details are open.
    expect(hashOf(page)).toBe('#/load-runs?run=0b1c2d3e-0000-4000-8000-000000000001');
    const copy = await open(hashOf(page));
    await copy.locator('dl.params').waitFor();
  });
});

describe('token hygiene', () => {
  it('says when a second wrong token is refused too, and never logs a token', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    pages.push(page);
    const logged: string[] = [];
    page.on('console', (message) => logged.push(message.text()));
    await page.goto(`${server.url}/#token=wrong-one`);
    await page.getByTestId('token-message').filter({ hasText: 'token was refused' }).waitFor();
    expect(await page.getByTestId('token-message').innerText()).not.toContain('again');
    await page.getByLabel('Access token').fill('wrong-two');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('token-message').filter({ hasText: 'Refused again (2 tries)' }).waitFor();
    await shoot(page, 'issue-25-token-refused-again');
    // The right token: live events open their socket with the token as a subprotocol, not in the URL.
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.getByLabel('Access token').fill(server.token);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.goto(`${server.url}/#/events/live`);
    await page.getByText('connected', { exact: true }).waitFor();
    expect(sockets.length).toBeGreaterThan(0);
    for (const url of [...sockets, ...logged, page.url()]) {
      expect(url).not.toContain(server.token);
      expect(url).not.toContain('wrong-two');
    }
  });

  it('opens the lab from a #token= link in a tab that already shows the console', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    pages.push(page);
    await page.goto(`${server.url}/#token=wrong`);
    await page.getByTestId('token-message').waitFor();
    // Same document, only the fragment changes: no reload.
    await page.goto(`${server.url}/#token=${server.token}`);
    await page.getByRole('heading', { name: 'Database Activity Streams lab' }).waitFor();
    expect(hashOf(page)).toBe('#/lab');
    expect(await page.title()).toBe('Lab · DAS Toolkit');
  });
});
