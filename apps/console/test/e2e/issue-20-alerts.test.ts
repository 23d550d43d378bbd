// Issue 20 in the console, on the whole local stack: a failed-login burst, a GRANT, a DROP TABLE
// and a read of a sensitive table on the emulator's MariaDB appear on the Alerts page (with the
// navigation badge), open the events behind them, are acknowledged; the Rules page dry-runs a rule.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInRules } from '@das/core';
import type { ClusterList, CreateKeyResult } from '@das/contracts';
import { startStack, type Stack } from '@das/stack';
import mysql from 'mysql2/promise';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { shoot } from '../support/console-page.js';

const DATABASE = 'das_console_alerts';
let stack: Stack;
let dataDir: string;
let browser: Browser;
let page: Page;

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'das-console-alerts-'));
  // Business hours all week: the off-hours rule must not depend on when the test runs.
  const allDay = builtInRules({ businessHours: { timeZone: 'UTC', days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '24:00' } }).find((r) => r.id === 'off-hours-activity');
  await writeFile(join(dataDir, 'rules.json'), JSON.stringify([allDay]));
  stack = await startStack({
    dataDir,
    ports: 'free',
    activityStreamDelayMs: 300,
    source: 'mariadb',
    env: { DAS_ALERT_RULES: join(dataDir, 'rules.json'), DAS_SENSITIVE_OBJECTS: `${DATABASE}.cards` },
  });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('alerts in the console on the whole local stack', () => {
  it('shows the four alerts of the scenario live with a badge, the events behind one, and acknowledges it', async () => {
    const { key } = await api<CreateKeyResult>('POST', '/keys', { alias: 'alias/console-alerts', description: 'console alerts test' });
    const cluster = (await api<ClusterList>('GET', '/clusters')).clusters[0]!;
    await api('POST', `/clusters/${cluster.id}/activity-stream`, { kmsKeyId: key.keyId, mode: 'async', applyImmediately: true });
    await page.goto(stack.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts', exact: true }).click();
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    // Wait until the stream is started and the worker consumes it.
    await expect.poll(async () => (await api<ClusterList>('GET', '/clusters')).clusters[0]?.activityStream.status, { timeout: 60_000, interval: 250 }).toBe('started');
    await expect.poll(async () => (await (await fetch(`${stack.workerUrl}/readyz`)).json() as { state: string }).state, { timeout: 30_000, interval: 250 }).toBe('consuming');

    const connect = (password: string) => mysql.createConnection({ host: cluster.endpoint, port: cluster.port, user: 'root', password });
    const admin = await connect('');
    try {
      await admin.query(`CREATE DATABASE IF NOT EXISTS ${DATABASE}`);
      await admin.query(`CREATE TABLE ${DATABASE}.scratch (id INT PRIMARY KEY)`);
      await admin.query(`CREATE TABLE ${DATABASE}.cards (id INT PRIMARY KEY, pan VARCHAR(19))`);
      for (let i = 0; i < 5; i += 1) await expect(connect('wrong-password')).rejects.toThrow(/Access denied/);
      await admin.query(`GRANT SELECT ON ${DATABASE}.* TO 'root'@'localhost'`);
      await admin.query(`DROP TABLE ${DATABASE}.scratch`);
      await admin.query(`SELECT pan FROM ${DATABASE}.cards`);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`).catch(() => undefined);
      await admin.end();
    }

    const rows = page.getByTestId('alert-row');
    await expect.poll(async () => (await rows.allInnerTexts()).join('\n'), { timeout: 20_000, interval: 250 }).toMatch(/failed logins/);
    await expect.poll(async () => new Set(await page.getByTestId('alert-row').evaluateAll((els) => els.map((e) => e.querySelector('td:nth-child(3)')?.textContent?.trim()))), { timeout: 20_000, interval: 250 }).toEqual(
      new Set(['failed-login-burst', 'privilege-change', 'destructive-ddl', 'sensitive-read']),
    );
    await expect.poll(() => page.getByTestId('nav-open-alerts').innerText(), { timeout: 10_000, interval: 250 }).toBe('4');
    await shoot(page, 'alerts-open');

    const burst = rows.filter({ hasText: 'failed-login-burst' });
    await burst.getByRole('button', { name: /5 events/ }).click();
    const behind = page.getByRole('table', { name: 'Events behind the alert' });
    await behind.waitFor();
    expect(await behind.getByRole('row').count()).toBe(6);
    await shoot(page, 'alerts-events-behind');
    await burst.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => rows.count(), { timeout: 10_000, interval: 250 }).toBe(3);
    await expect.poll(() => page.getByTestId('nav-open-alerts').innerText(), { timeout: 10_000, interval: 250 }).toBe('3');
    await page.getByRole('button', { name: 'Acknowledged', exact: true }).click();
    await expect.poll(() => rows.count(), { timeout: 10_000, interval: 250 }).toBe(1);

    // The history shows the top statements by fingerprint, literals replaced.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Event history', exact: true }).click();
    const statements = page.getByTestId('top-statement');
    await statements.first().waitFor({ timeout: 20_000 });
    expect((await statements.allInnerTexts()).join('\n')).toMatch(/select pan from das_console_alerts\.cards/i);
    await shoot(page, 'history-top-statements');
  });

  it('lists the rules, dry-runs one over the stored events, and turns it off and on', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alert rules', exact: true }).click();
    const row = page.getByTestId('rule-row').filter({ hasText: 'failed-login-burst' });
    await row.getByRole('button', { name: 'Dry run (24 h)' }).click();
    const result = page.getByTestId('dry-run');
    await result.waitFor();
    expect(await result.innerText()).toMatch(/Would have raised [1-9]\d* alerts? over [\d,]+ stored events/);
    await shoot(page, 'alert-rules-dry-run');
    // Turned off and on again through the worker (saved in its store for every worker).
    await row.getByRole('button', { name: 'Turn off' }).click();
    await row.getByRole('button', { name: 'Turn on' }).waitFor();
    expect(await row.innerText()).toContain('off');
    await page.reload();
    await page.getByTestId('rule-row').filter({ hasText: 'failed-login-burst' }).getByRole('button', { name: 'Turn on' }).click();
    await page.getByTestId('rule-row').filter({ hasText: 'failed-login-burst' }).getByRole('button', { name: 'Turn off' }).waitFor();
  });
});
