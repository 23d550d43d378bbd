// The live table under a synthetic 10,000 events/s feed: every event sent is either shown or
// counted as dropped, exactly. Frame figures are printed, not asserted (see `npm run bench`).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { CONSOLE_DIST } from '../support/console-build.js';
import { startFeedServer, type FeedServer } from '../support/feed-server.js';
import { formatResult, openLiveScreen, runLiveFeed } from '../support/live-bench.js';

describe('live table under a synthetic feed', () => {
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

  it('keeps shown + dropped = sent when more arrive than the buffer holds', async () => {
    const page = await openLiveScreen(browser, server);
    // The socket is received and parsed in a background thread, never on the page's own.
    expect(page.workers().map((worker) => worker.url())).toEqual([expect.stringMatching(/live-socket-thread/)]);
    // 60,000 events against a 50,000-event buffer: 10,000 must be counted as dropped.
    const result = await runLiveFeed(page, server, 10_000, 6, 'live-events-feed.png');
    console.log(formatResult('live table, 10k events/s for 6 s', result));
    expect(result.received).toBe(result.sent);
    expect(result.shown + result.dropped).toBe(result.sent);
    expect(result.shown).toBe(50_000);
    expect(result.dropped).toBe(result.sent - 50_000);
    // The virtualised table keeps the DOM small whatever the buffer holds.
    const rows = await page.getByTestId('live-row').count();
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(200);
    await page.close();
  });
});
