// Issue 25 against a real worker and its DuckDB store (no scripted answers): History sorted oldest
// first through cursor pages, values excluded from facets and the detail pane (`user!=` in the
// address), the chart split by user, and dead letters listed without their data, opened on demand,
// retried per reason or per selection after a confirmation with the worker's letters and KMS calls.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normaliseEvents } from '@das/core';
import { buildMysqlEvent, buildPayload, createEventGenerator } from '@das/core/fixtures';
import type { EventsPage, Facets, Fleet, WorkerStatus } from '@das/contracts';
import { buildWorkerApp, createDuckDbEventStore, createLiveHub, type EventStore, type LiveHub } from '@das/worker';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { CONSOLE_DIST } from '../support/console-build.js';
import { hashOf, openConsole, shoot } from '../support/console-page.js';
import { startMockBackend, type MockBackend } from '../support/mock-backend.js';

const TOKEN = 'console-real-worker-token-0123456789abcdef';
let browser: Browser;
let server: MockBackend;
let store: EventStore;
let hub: LiveHub;
let worker: Awaited<ReturnType<typeof buildWorkerApp>>;
let workerUrl: string;
let dir: string;
const pages: Page[] = [];

const status: WorkerStatus = {
  state: 'consuming', clusterId: 'auroralab-mysql-cluster', streamName: 'aws-rds-das-cluster-REAL', resourceId: 'cluster-REAL', shards: [], lagMs: 0,
  eventsPerSecond: 0, recordsPerSecond: 0, storedEvents: 0, deadLetters: 4,
};
const fleet: Fleet = { mode: 'embedded', workerId: 'real', streamKey: null, leaseTtlMs: null, workers: [], leases: [] };

async function get<T>(path: string): Promise<T> {
  const response = await fetch(`${workerUrl}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return (await response.json()) as T;
}

async function open(hash: string): Promise<Page> {
  const page = await openConsole(browser, server, hash);
  pages.push(page);
  return page;
}

/** The time cells of the table, top to bottom. */
async function times(page: Page): Promise<string[]> {
  return page.locator('table.events tbody td.time').allInnerTexts();
}

const ascending = (list: string[]) => list.every((t, i) => i === 0 || list[i - 1]! <= t);
const descending = (list: string[]) => list.every((t, i) => i === 0 || list[i - 1]! >= t);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'das-console-real-worker-'));
  store = await createDuckDbEventStore({ path: join(dir, 'events.duckdb') });
  // 300 events over the last 40 minutes, several at each time (ties the cursor orders by id).
  const generator = createEventGenerator({ seed: 25, engine: 'mysql', heartbeatRate: 0 });
  const now = Date.now();
  const events = normaliseEvents(buildPayload(generator.events(300))).map((event, i) => {
    const timeMs = now - 40 * 60_000 + Math.floor(i / 3) * 24_000;
    return { ...event, timeMs, time: new Date(timeMs).toISOString().replace('Z', '000Z') };
  });
  const envelope = (key: string) => Buffer.from(JSON.stringify({ type: 'DatabaseActivityMonitoringRecords', version: '1.2', databaseActivityEvents: 'AYADeK…', key }));
  await store.append({
    streamKey: 's@1',
    shardId: 'shardId-000000000000',
    records: [
      { sequenceNumber: '1', arrivedAtMs: now - 5000, events },
      { sequenceNumber: '2', arrivedAtMs: now - 4000, deadLetter: { reason: 'KEY_DECRYPT_FAILED', message: 'AccessDeniedException', data: envelope('key-A') } },
      { sequenceNumber: '3', arrivedAtMs: now - 3000, deadLetter: { reason: 'KEY_DECRYPT_FAILED', message: 'AccessDeniedException', data: envelope('key-A') } },
      { sequenceNumber: '4', arrivedAtMs: now - 2000, deadLetter: { reason: 'KEY_DECRYPT_FAILED', message: 'AccessDeniedException', data: envelope('key-B') } },
      { sequenceNumber: '5', arrivedAtMs: now - 1000, deadLetter: { reason: 'ENVELOPE_NOT_JSON', message: 'not JSON', data: Buffer.alloc(400_000, 0x41) } },
    ],
  });
  // One event by a user nobody else is, to exclude from the detail pane.
  await store.append({
    streamKey: 's@1',
    shardId: 'shardId-000000000001',
    records: [{ sequenceNumber: '1', arrivedAtMs: null, events: normaliseEvents(buildPayload([buildMysqlEvent({ dbUserName: 'auditor', databaseName: 'audit', logTime: new Date(now - 60_000).toISOString() })])) }],
  });
  server = await startMockBackend(CONSOLE_DIST, {}, TOKEN);
  hub = createLiveHub();
  // No metrics here: a registry that has none.
  const registry = { contentType: 'text/plain', metrics: async () => '' } as unknown as Parameters<typeof buildWorkerApp>[0]['registry'];
  worker = await buildWorkerApp({ token: TOKEN, store, hub, registry, status: () => status, fleet: async () => fleet, ready: () => true, corsOrigins: [server.url], logLevel: 'warn' });
  workerUrl = await worker.listen({ host: '127.0.0.1', port: 0 });
  server.data.workerUrl = workerUrl;
  browser = await launchChromium();
});

afterAll(async () => {
  for (const page of pages) await page.context().close();
  await browser?.close();
  await worker?.close();
  hub?.close();
  await store?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('history on a real worker', () => {
  it('sorts by time either way from the time column, through cursor pages, and keeps the order in the address', async () => {
    const page = await open('#/events/history?size=25');
    await page.getByTestId('history-total').filter({ hasText: '301 matching events' }).waitFor();
    const newest = await times(page);
    expect(newest).toHaveLength(25);
    expect(descending(newest)).toBe(true);
    await page.getByTestId('sort-time').click();
    await page.waitForFunction(() => location.hash.includes('order=asc'));
    await page.locator('th[aria-sort="ascending"]').waitFor();
    const oldest = (await get<EventsPage>('/events?limit=25&order=asc')).events;
    await page.waitForFunction((n) => document.querySelectorAll('table.events tbody tr').length === n && !location.hash.includes('cursor'), 25);
    const first = await times(page);
    expect(ascending(first)).toBe(true);
    expect(first[0]! < newest.at(-1)!).toBe(true);
    expect(first).toHaveLength(oldest.length);
    // The next page goes on oldest first, from the worker's ascending cursor.
    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForFunction(() => location.hash.includes('cursor='));
    await page.getByText(/^Page 2 · /).waitFor();
    // The pager moves at once; the rows once the worker answered.
    await page.waitForFunction((top) => document.querySelector('table.events tbody td.time')?.textContent?.trim() !== top, first[0]!);
    const second = await times(page);
    expect(ascending([...first, ...second])).toBe(true);
    // The same address in a new page shows the same order and page.
    const again = await open(hashOf(page));
    await again.locator('th[aria-sort="ascending"]').waitFor();
    await again.getByText(/^Page 2 · /).waitFor();
    expect(await times(again)).toEqual(second);
    await shoot(again, 'issue-25-history-oldest-first');
  });

  it('excludes a value from a facet and from the detail pane; the address carries it and the count follows the worker', async () => {
    const page = await open('#/events/history');
    await page.getByTestId('history-total').filter({ hasText: '301 matching events' }).waitFor();
    const facets = await get<Facets>('/events/facets');
    const top = { value: facets.users[0]!.value as string, count: facets.users[0]!.count };
    const second = facets.users[1]!.value as string;
    await page.getByRole('button', { name: `Exclude users ${top.value}`, exact: true }).click();
    await page.waitForFunction((u) => decodeURIComponent(location.hash).includes(`user!=${u}`), top.value);
    await page.getByTestId('history-total').filter({ hasText: `${301 - top.count} matching events` }).waitFor();
    expect(await page.getByTestId('excluded-values').innerText()).toContain(top.value);
    expect(await page.locator('table.events tbody td.user').allInnerTexts()).not.toContain(top.value);
    // From the detail pane: open the auditor's event and exclude its database.
    await page.getByRole('button', { name: `Exclude users ${second}`, exact: true }).click();
    await page.waitForFunction((u) => decodeURIComponent(location.hash).includes(u), second);
    const row = page.locator('table.events tbody tr').filter({ hasText: 'auditor' });
    await row.getByRole('button').first().click();
    await page.getByRole('button', { name: 'Exclude database audit', exact: true }).click();
    await page.waitForFunction(() => decodeURIComponent(location.hash).includes('database!=audit'));
    const expected = (await get<Facets>(`/events/facets?user!=${top.value},${second}&database!=audit`)).total;
    await page.getByTestId('history-total').filter({ hasText: `${expected} matching events` }).waitFor();
    await shoot(page, 'issue-25-history-excluded');
    // Undo one exclusion from its chip.
    await page.getByRole('button', { name: 'Stop excluding database audit' }).click();
    await page.waitForFunction(() => !decodeURIComponent(location.hash).includes('database!='));
    await page.getByTestId('history-total').filter({ hasText: `${expected + 1} matching events` }).waitFor();
  });

  it('splits the chart by user from the address and the selector', async () => {
    const page = await open('#/events/history');
    await page.getByTestId('history-total').filter({ hasText: '301 matching events' }).waitFor();
    await page.getByLabel('Split by').selectOption('user');
    await page.waitForFunction(() => location.hash.includes('groupBy=user'));
    const facets = await get<Facets>('/events/facets');
    const plot = page.getByTestId('time-chart').locator('[role="img"]');
    await page.getByTestId('time-chart').filter({ hasText: 'Events by user' }).waitFor();
    const label = (await plot.getAttribute('aria-label')) ?? '';
    for (const { value } of facets.users.slice(0, 3)) expect(label).toContain(value as string);
    await page.getByTestId('time-chart').locator('canvas').first().waitFor();
    const again = await open(hashOf(page));
    await again.getByTestId('time-chart').filter({ hasText: 'Events by user' }).waitFor();
    expect(await again.getByLabel('Split by').inputValue()).toBe('user');
  });
});

describe('dead letters on a real worker', () => {
  it('lists letters without their data, opens one on demand, and retries per reason or per selection after saying letters and KMS calls', async () => {
    const page = await open('#/dead-letters');
    const lists: number[] = [];
    const opened: string[] = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.pathname === '/dead-letters') void response.body().then((b) => lists.push(b.length), () => undefined);
      if (/^\/dead-letters\/\d+$/.test(url.pathname)) opened.push(url.pathname);
    });
    await page.reload();
    await page.getByTestId('dead-letter').first().waitFor();
    expect(await page.getByTestId('dead-letter').count()).toBe(4);
    expect(await page.getByTestId('dead-letter-reasons').innerText()).toMatch(/KEY_DECRYPT_FAILED\s*3[\s\S]*ENVELOPE_NOT_JSON\s*1/);
    await expect.poll(() => lists.length).toBeGreaterThan(0);
    // Four letters, one of 400 KB: the list itself stays small.
    expect(Math.max(...lists)).toBeLessThan(10_000);
    expect(opened).toEqual([]);
    const big = page.getByTestId('dead-letter').filter({ hasText: 'ENVELOPE_NOT_JSON' });
    await big.getByRole('button', { name: /Show \(391 KB\)/ }).click();
    await page.getByTestId('dead-letter-data').waitFor();
    expect(opened).toHaveLength(1);
    expect((await page.getByTestId('dead-letter-data').innerText()).startsWith('AAAA')).toBe(true);

    // Per reason: the worker's plan, three letters and two data keys.
    await page.getByTestId('dead-letter-reasons').getByRole('button', { name: 'Retry 3' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/Retry 3 dead letters with reason KEY_DECRYPT_FAILED\?[\s\S]*3 letters, up to 2 KMS Decrypt calls/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    // Per selection: the two letters that share a data key.
    for (const sequence of ['2', '3']) await page.getByRole('checkbox', { name: `Select letter ${sequence}`, exact: true }).check();
    await page.getByTestId('retry-selected').filter({ hasText: 'Retry selected (2)' }).click();
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/Retry 2 selected dead letters\?[\s\S]*2 letters, up to 1 KMS Decrypt call /);
    await shoot(page, 'issue-25-dead-letters-retry-selection');
    // This worker reads no stream: the retry is refused, and the page says why.
    await dialog.getByRole('button', { name: 'Retry 2' }).click();
    await page.getByText('Retry failed').waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'Retry failed' }).innerText()).toContain('resource id');
    expect(await page.getByTestId('dead-letter').count()).toBe(4);
  });
});

describe('live on a real worker', () => {
  it('receives a 64 KB statement cut to 2,000 characters and opens it whole from the store', async () => {
    const statement = `INSERT INTO stock VALUES ${Array.from({ length: 4000 }, (_, i) => `(${i}, 'item ${i}')`).join(', ')}`;
    await store.append({
      streamKey: 's@1',
      shardId: 'shardId-000000000002',
      records: [{ sequenceNumber: '1', arrivedAtMs: null, events: normaliseEvents(buildPayload([buildMysqlEvent({ dbUserName: 'loader', commandText: statement })])) }],
    });
    const stored = (await get<EventsPage>('/events?user=loader')).events[0]!;
    // The frames' sizes as the worker sends them (the page's socket lives in a background thread).
    const frames: number[] = [];
    const addClient = hub.addClient.bind(hub);
    hub.addClient = (socket, filter, limits) =>
      addClient(
        {
          get bufferedAmount() {
            return socket.bufferedAmount;
          },
          get readyState() {
            return socket.readyState;
          },
          send(data) {
            frames.push(data.length);
            socket.send(data);
          },
        },
        filter,
        limits,
      );
    const page = await open('#/events/live');
    await page.getByText('connected', { exact: true }).waitFor();
    hub.publish([stored]);
    const row = page.getByTestId('live-row').filter({ hasText: 'loader' });
    await row.waitFor();
    // The frame carried the statement cut (twice: text and raw.commandText), not its 64 KB.
    expect(statement.length).toBeGreaterThan(64_000);
    await expect.poll(() => Math.max(0, ...frames)).toBeGreaterThan(2000);
    expect(Math.max(...frames)).toBeLessThan(12_000);
    await row.click();
    // Opened: the whole statement, loaded by id; the note about the cut goes once it is here.
    await expect.poll(async () => (await page.getByTestId('event-sql').innerText()).length).toBe(statement.length);
    expect(await page.getByTestId('cut-note').count()).toBe(0);
  });
});
