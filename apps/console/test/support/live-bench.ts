// Drives the live events screen under a synthetic feed and measures how the page copes.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { CONSOLE_ROOT } from './console-build.js';
import type { FeedServer } from './feed-server.js';

export const SCREENS_DIR = `${CONSOLE_ROOT}/test-results/screens`;

export interface LiveBenchResult {
  sent: number;
  received: number;
  shown: number;
  dropped: number;
  frames: number;
  frameP50: number;
  frameP95: number;
  frameMax: number;
  longTasks: number;
  longTaskTotalMs: number;
  seconds: number;
}

function readCount(page: Page, testId: string): Promise<number> {
  return page
    .getByTestId(testId)
    .innerText()
    .then((text) => Number(text.replace(/[^0-9]/g, '')));
}

/** The p-th percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Signs in by the `#token=` fragment and opens the live screen; resolves once the socket is up. */
export async function openLiveScreen(browser: Browser, server: FeedServer): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await page.goto(`${server.url}/#token=${server.token}`);
  await page.waitForFunction(() => window.location.hash === '#/lab');
  await page.evaluate(() => {
    window.location.hash = '#/events/live';
  });
  await page.getByRole('heading', { name: 'Live events' }).waitFor();
  await server.connected();
  return page;
}

/** Feeds `rate` events/s for `seconds` into an open live screen and measures frames and long tasks. */
export async function runLiveFeed(page: Page, server: FeedServer, rate: number, seconds: number, screenshot?: string): Promise<LiveBenchResult> {
  await page.getByTestId('clear-live').click();
  await page.getByTestId('received').filter({ hasText: /^0$/ }).waitFor();
  await page.evaluate(() => {
    const w = window as unknown as { __bench: { frames: number[]; longTasks: number[]; running: boolean } };
    w.__bench = { frames: [], longTasks: [], running: true };
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__bench.longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: false });
    let last = performance.now();
    const tick = (now: number) => {
      w.__bench.frames.push(now - last);
      last = now;
      if (w.__bench.running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const started = Date.now();
  const sent = await server.feed({ rate, seconds });
  // Wait (bounded) until the page has taken in everything that was sent.
  const deadline = Date.now() + 30_000;
  while ((await readCount(page, 'received')) < sent && Date.now() < deadline) await page.waitForTimeout(100);
  const elapsed = (Date.now() - started) / 1000;
  const bench = await page.evaluate(() => {
    const w = window as unknown as { __bench: { frames: number[]; longTasks: number[]; running: boolean } };
    w.__bench.running = false;
    return { frames: w.__bench.frames.slice(1), longTasks: w.__bench.longTasks };
  });
  if (screenshot !== undefined) {
    mkdirSync(SCREENS_DIR, { recursive: true });
    await page.screenshot({ path: `${SCREENS_DIR}/${screenshot}` });
  }
  const frames = [...bench.frames].sort((a, b) => a - b);
  return {
    sent,
    received: await readCount(page, 'received'),
    shown: await readCount(page, 'shown'),
    dropped: await readCount(page, 'dropped'),
    frames: frames.length,
    frameP50: percentile(frames, 50),
    frameP95: percentile(frames, 95),
    frameMax: frames[frames.length - 1] ?? 0,
    longTasks: bench.longTasks.length,
    longTaskTotalMs: bench.longTasks.reduce((a, b) => a + b, 0),
    seconds: elapsed,
  };
}

/** One line per figure, for the bench's output. */
export function formatResult(label: string, r: LiveBenchResult): string {
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  return [
    `${label}: ${r.sent} events sent over ${r.seconds.toFixed(1)} s`,
    `  frame time   p50 ${ms(r.frameP50)} · p95 ${ms(r.frameP95)} · max ${ms(r.frameMax)} (${r.frames} frames)`,
    `  long tasks   ${r.longTasks} · total ${ms(r.longTaskTotalMs)}`,
    `  events       received ${r.received} · shown ${r.shown} · dropped ${r.dropped} · shown+dropped=${r.shown + r.dropped} (sent ${r.sent})`,
  ].join('\n');
}
