// `npm run bench -w @das/console`: the live table under 10,000 events/s for 10 s in Chromium.
// Prints frame times (p50/p95/max), long tasks (count, total) and received/shown/dropped; the
// only assertion is the counting invariant, never a time.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/support/browser.js';
import { CONSOLE_DIST } from '../test/support/console-build.js';
import { startFeedServer, type FeedServer } from '../test/support/feed-server.js';
import { formatResult, openLiveScreen, runLiveFeed } from '../test/support/live-bench.js';

let browser: Browser;
let server: FeedServer;

beforeAll(async () => {
  server = await startFeedServer(CONSOLE_DIST);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('live table: 10,000 events/s for 10 s', async () => {
  const page = await openLiveScreen(browser, server);
  // Baseline in the same run: the idle page's frames, so the loaded figures can be read as a ratio.
  const idle = await runLiveFeed(page, server, 10, 2);
  const loaded = await runLiveFeed(page, server, 10_000, 10, 'live-events-bench.png');
  process.stdout.write(`\n${formatResult('idle baseline (10 events/s, 2 s)', idle)}\n`);
  process.stdout.write(`${formatResult('live table (10,000 events/s, 10 s)', loaded)}\n`);
  process.stdout.write(`  frame p95 vs idle: ${(loaded.frameP95 / Math.max(idle.frameP95, 0.001)).toFixed(2)}x\n`);
  expect(loaded.shown + loaded.dropped).toBe(loaded.received);
  await page.close();
}, 120_000);
