import { afterEach, describe, expect, it } from 'vitest';
import { builtInRules, normaliseEvents } from '@das/core';
import { buildMysqlEvent, buildPayload } from '@das/core/fixtures';
import { createAlertHub } from '../live/alert-hub.js';
import { createWorkerMetrics } from '../metrics.js';
import { createDuckDbEventStore } from '../store/duckdb-event-store.js';
import type { EventStore } from '../store/event-store.js';
import { waitFor } from '../../test/support/worker-harness.js';
import { startWorkerAlerts, type WorkerAlerts } from './worker-alerts.js';

const RULES = builtInRules().filter((rule) => ['failed-login-burst', 'privilege-change'].includes(rule.id)).map((rule) => ({ source: 'built-in' as const, rule }));
const SETTINGS = { enabled: true, sensitiveObjects: [], webhooks: [] };

describe('rules turned on and off through the API', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(store: EventStore): Promise<WorkerAlerts> {
    const metrics = createWorkerMetrics({ kms: () => ({ kmsCalls: 0, cacheHits: 0, cacheMisses: 0 }), liveClients: () => 0 });
    const alerts = await startWorkerAlerts({ settings: SETTINGS, store, metrics, hub: createAlertHub(), log: () => undefined, rules: RULES, switchPollMs: 50 });
    cleanups.push(() => alerts.stop());
    return alerts;
  }

  let sequence = 0;
  async function failedLogins(store: EventStore, alerts: WorkerAlerts, startSeconds: number): Promise<void> {
    const at = (s: number) => new Date(Date.parse('2026-12-02T10:00:00Z') + s * 1000).toISOString().replace('T', ' ').replace('Z', '000+00');
    const events = Array.from({ length: 5 }, (_, i) => buildMysqlEvent({ logTime: at(startSeconds + i), command: 'FAILED_CONNECT', commandText: '', exitCode: '1045', dbUserName: 'eve', remoteHost: '203.0.113.9' }));
    const { stored } = await store.append({ streamKey: 's@1', shardId: 'shard-a', records: [{ sequenceNumber: String((sequence += 1)), arrivedAtMs: null, events: normaliseEvents(buildPayload(events)) }] });
    alerts.evaluator.evaluate(stored);
  }

  it('stops and starts a rule on every worker of the store, the switch kept across restarts', async () => {
    const store = await createDuckDbEventStore({ path: ':memory:' });
    cleanups.push(() => store.close());
    const a = await start(store);
    const b = await start(store);
    expect(await a.setEnabled('no-such-rule', false)).toBeNull();
    expect(await a.setEnabled('failed-login-burst', false)).toMatchObject({ source: 'built-in', rule: { id: 'failed-login-burst', enabled: false } });
    // The other worker follows the switch from the store.
    await waitFor('b turned it off', () => (b.rules.find((r) => r.rule.id === 'failed-login-burst')?.rule.enabled === false ? true : undefined), 2000);
    expect(b.evaluator.rules.map((r) => r.id)).toEqual(['privilege-change']);

    await failedLogins(store, a, 0);
    await a.stop();
    expect((await store.alerts.list({ limit: 10 })).alerts).toEqual([]);

    // A restart keeps the switch; turned on again, the rule alerts.
    const c = await start(store);
    expect(c.rules.find((r) => r.rule.id === 'failed-login-burst')?.rule.enabled).toBe(false);
    await c.setEnabled('failed-login-burst', true);
    expect(c.evaluator.rules.map((r) => r.id)).toEqual(['failed-login-burst', 'privilege-change']);
    await failedLogins(store, c, 60);
    await c.stop();
    expect((await store.alerts.list({ limit: 10 })).alerts.map((x) => x.ruleId)).toEqual(['failed-login-burst']);
  });
});
