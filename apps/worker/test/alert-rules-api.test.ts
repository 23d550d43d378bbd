// Rules created, replaced and deleted through the API (saved in the store, followed by every
// worker), and the webhook deliveries listed with their state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInRules, normaliseEvents } from '@das/core';
import { buildMysqlEvent, buildPayload } from '@das/core/fixtures';
import type { AlertDeliveries, AlertRules, Fleet, WorkerStatus } from '@das/contracts';
import { Registry } from 'prom-client';
import { startWorkerAlerts, type WorkerAlerts } from '../src/alerts/worker-alerts.js';
import { buildWorkerApp, type WorkerApp } from '../src/http/app.js';
import { createAlertHub } from '../src/live/alert-hub.js';
import { createLiveHub } from '../src/live/live-hub.js';
import { createWorkerMetrics } from '../src/metrics.js';
import { createDuckDbEventStore } from '../src/store/duckdb-event-store.js';
import type { EventStore } from '../src/store/event-store.js';
import { getJson, TEST_TOKEN, waitFor } from './support/worker-harness.js';

const emptyFleet: Fleet = { mode: 'embedded', workerId: 'test', streamKey: null, leaseTtlMs: null, workers: [], leases: [] };
const status: WorkerStatus = { state: 'consuming', clusterId: 'c', streamName: 's', resourceId: 'r', shards: [], lagMs: 0, eventsPerSecond: 0, recordsPerSecond: 0, storedEvents: 0, deadLetters: 0 };
const RULES = builtInRules().filter((rule) => ['failed-login-burst', 'privilege-change'].includes(rule.id)).map((rule) => ({ source: 'built-in' as const, rule }));

const send = (base: string, method: string, path: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** A rule of the API's own: any statement on `payroll` by anyone. */
const PAYROLL = { id: 'payroll-touched', kind: 'event', title: '{{user}} touched payroll', severity: 'high', match: { objects: ['payroll'] } };

describe('alert rules through the API', () => {
  let store: EventStore;
  let alerts: WorkerAlerts;
  let other: WorkerAlerts;
  let app: WorkerApp;
  let base: string;

  beforeAll(async () => {
    store = await createDuckDbEventStore({ path: ':memory:' });
    const metrics = () => createWorkerMetrics({ kms: () => ({ kmsCalls: 0, cacheHits: 0, cacheMisses: 0 }), liveClients: () => 0 });
    const settings = { enabled: true, sensitiveObjects: [], webhooks: [] };
    alerts = await startWorkerAlerts({ settings, store, metrics: metrics(), hub: createAlertHub(), log: () => undefined, rules: RULES, switchPollMs: 50 });
    // A second worker on the same store follows what the API changes.
    other = await startWorkerAlerts({ settings, store, metrics: metrics(), hub: createAlertHub(), log: () => undefined, rules: RULES, switchPollMs: 50 });
    app = await buildWorkerApp({
      token: TEST_TOKEN,
      store,
      hub: createLiveHub(),
      registry: new Registry(),
      status: () => status,
      fleet: async () => emptyFleet,
      ready: () => true,
      corsOrigins: [],
      logLevel: 'warn',
      alertRules: () => alerts.rules,
      alertRuleAdmin: alerts,
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await alerts?.stop();
    await other?.stop();
    await store?.close();
  });

  it('creates a rule that alerts, replaces it, refuses a bad one with its reason, and deletes it', async () => {
    const created = await send(base, 'PUT', '/alert-rules/payroll-touched', PAYROLL);
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({ source: 'api', rule: { id: 'payroll-touched', severity: 'high' } });
    expect((await getJson<AlertRules>(base, '/alert-rules')).body.rules.map((r) => [r.rule.id, r.source])).toContainEqual(['payroll-touched', 'api']);
    await waitFor('the other worker has it', () => (other.evaluator.rules.some((r) => r.id === 'payroll-touched') ? true : undefined), 2000);

    const event = buildMysqlEvent({ dbUserName: 'mallory', objectName: 'payroll', commandText: 'SELECT * FROM payroll' });
    const { stored } = await store.append({ streamKey: 's@1', shardId: 'a', records: [{ sequenceNumber: '1', arrivedAtMs: null, events: normaliseEvents(buildPayload([event])) }] });
    alerts.evaluator.evaluate(stored);
    await waitFor('the alert', async () => ((await store.alerts.list({ limit: 10 })).alerts.some((a) => a.title === 'mallory touched payroll') ? true : undefined), 5000);

    // Replacing a built-in: the API's version wins, and says so.
    const stricter = { ...RULES[1]!.rule, severity: 'critical' };
    expect(await (await send(base, 'PUT', '/alert-rules/privilege-change', stricter)).json()).toMatchObject({ source: 'api', rule: { severity: 'critical' } });

    const bad = await send(base, 'PUT', '/alert-rules/payroll-touched', { ...PAYROLL, match: { patterns: ['('] } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'RULE_INVALID' });
    expect((await (await send(base, 'PUT', '/alert-rules/other-id', PAYROLL)).json()) as { code: string }).toMatchObject({ code: 'RULE_ID_MISMATCH' });

    expect(await (await send(base, 'DELETE', '/alert-rules/payroll-touched')).json()).toEqual({ id: 'payroll-touched', deleted: true });
    expect((await send(base, 'DELETE', '/alert-rules/payroll-touched')).status).toBe(404);
    expect(await (await send(base, 'DELETE', '/alert-rules/failed-login-burst')).json()).toMatchObject({ code: 'RULE_NOT_REMOVABLE' });
    await waitFor('the other worker dropped it', () => (other.evaluator.rules.some((r) => r.id === 'payroll-touched') ? undefined : true), 2000);
  });

  it('lists webhook deliveries with their state, dead ones with their last error', async () => {
    await store.deliveries.enqueue({ id: 'a1:hook', alertId: 'a1', endpointId: 'hook', body: '{}', createdAt: Date.parse('2026-12-06T10:00:00Z'), nextAttemptAt: 0 });
    await store.deliveries.markAttempt('a1:hook', { at: Date.parse('2026-12-06T10:00:05Z'), outcome: 'dead', status: 500, error: 'HTTP 500: down' });
    const dead = await getJson<AlertDeliveries>(base, '/alert-deliveries?status=dead');
    expect(dead.body.deliveries).toEqual([
      expect.objectContaining({ id: 'a1:hook', status: 'dead', attempts: 1, lastStatus: 500, lastError: 'HTTP 500: down', createdAt: '2026-12-06T10:00:00.000Z' }),
    ]);
    expect((await getJson<AlertDeliveries>(base, '/alert-deliveries?status=delivered')).body.deliveries).toEqual([]);
  });
});
