import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { alertIdentity, builtInRules, normaliseEvents, type AlertCandidate } from '@das/core';
import { buildMysqlEvent, buildPayload } from '@das/core/fixtures';
import type { Alert, AlertRuleDryRun, AlertRules, AlertsPage, Fleet, LiveAlertFrame, WorkerStatus } from '@das/contracts';
import { Registry } from 'prom-client';
import { buildWorkerApp, type WorkerApp } from '../src/http/app.js';
import { createAlertHub } from '../src/live/alert-hub.js';
import { createLiveHub } from '../src/live/live-hub.js';
import { createDuckDbEventStore } from '../src/store/duckdb-event-store.js';
import type { EventStore } from '../src/store/event-store.js';
import { getJson, TEST_TOKEN, waitFor } from './support/worker-harness.js';

const emptyFleet: Fleet = { mode: 'embedded', workerId: 'test', streamKey: null, leaseTtlMs: null, workers: [], leases: [] };
const status: WorkerStatus = { state: 'consuming', clusterId: 'c', streamName: 's', resourceId: 'r', shards: [], lagMs: 0, eventsPerSecond: 0, recordsPerSecond: 0, storedEvents: 0, deadLetters: 0 };
const RULES = builtInRules().map((rule) => ({ source: 'built-in' as const, rule }));

function candidate(ruleId: string, user: string, severity: AlertCandidate['severity']): AlertCandidate {
  const identity = alertIdentity(ruleId, `user=${user}`, Date.parse('2026-12-06T10:00:00Z'));
  return { ...identity, ruleId, kind: 'event', severity, title: `${ruleId} by ${user}`, groupKey: `user=${user}`, group: { user }, eventIds: [1], eventCount: 1, windowStart: '2026-12-06T10:00:00.000Z', firstTime: '2026-12-06T10:00:00.000Z', lastTime: '2026-12-06T10:00:00.000Z' };
}

const post = (base: string, path: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('alerts API', () => {
  let store: EventStore;
  let app: WorkerApp;
  let base: string;
  const alertHub = createAlertHub();
  const hub = createLiveHub();
  const stored: Alert[] = [];

  beforeAll(async () => {
    store = await createDuckDbEventStore({ path: ':memory:' });
    app = await buildWorkerApp({ token: TEST_TOKEN, store, hub, registry: new Registry(), status: () => status, fleet: async () => emptyFleet, ready: () => true, corsOrigins: [], logLevel: 'warn', alertRules: () => RULES, alertHub });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    stored.push(...(await store.alerts.insert([candidate('privilege-change', 'root', 'critical'), candidate('destructive-ddl', 'app', 'high')])));
    // Five refused logins within a minute, an hour ago: what the failed-login rule is for.
    const at = (s: number) => new Date(Date.now() - 3_600_000 + s * 1000).toISOString().replace('T', ' ').replace('Z', '000+00');
    const logins = Array.from({ length: 5 }, (_, i) => buildMysqlEvent({ logTime: at(i * 5), command: 'FAILED_CONNECT', commandText: '', exitCode: '1045', dbUserName: 'eve', remoteHost: '203.0.113.9' }));
    await store.append({ streamKey: 's@1', shardId: 'shard-a', records: [{ sequenceNumber: '1', arrivedAtMs: null, events: normaliseEvents(buildPayload(logins)) }] });
  });
  afterAll(async () => {
    await app?.close();
    hub.close();
    await store?.close();
  });

  it('lists alerts newest first with filters and a cursor, and gets one', async () => {
    const all = await getJson<AlertsPage>(base, '/alerts');
    expect(all.status).toBe(200);
    expect(new Set(all.body.alerts.map((a) => a.ruleId))).toEqual(new Set(['privilege-change', 'destructive-ddl']));
    expect((await getJson<AlertsPage>(base, '/alerts?severity=critical')).body.alerts.map((a) => a.ruleId)).toEqual(['privilege-change']);
    expect((await getJson<AlertsPage>(base, '/alerts?rule=destructive-ddl&status=open')).body.alerts).toHaveLength(1);
    const first = await getJson<AlertsPage>(base, '/alerts?limit=1');
    expect(first.body.next).not.toBeNull();
    const second = await getJson<AlertsPage>(base, `/alerts?limit=1&cursor=${first.body.next as string}`);
    expect([...first.body.alerts, ...second.body.alerts].map((a) => a.id).sort()).toEqual(stored.map((a) => a.id).sort());
    expect((await getJson<Alert>(base, `/alerts/${stored[0]?.id as string}`)).body).toEqual(stored[0]);
    expect((await getJson<{ code: string }>(base, '/alerts/00000000000000ff')).status).toBe(404);
    expect((await getJson<{ code: string }>(base, '/alerts?status=closed')).status).toBe(400);
    expect((await getJson<{ code: string }>(base, '/alerts?cursor=nope')).body).toMatchObject({ code: 'INVALID_CURSOR' });
    expect((await fetch(`${base}/alerts`)).status).toBe(401);
  });

  it('acknowledges and resolves, with or without saying who', async () => {
    const id = stored[1]?.id as string;
    const acknowledged = await post(base, `/alerts/${id}/acknowledge`, { by: 'ana' });
    expect(acknowledged.status).toBe(200);
    expect(await acknowledged.json()).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'ana' });
    const resolved = await post(base, `/alerts/${id}/resolve`);
    expect(await resolved.json()).toMatchObject({ status: 'resolved', acknowledgedBy: 'ana', resolvedBy: 'api' });
    expect((await post(base, `/alerts/${id}/acknowledge`, { by: 'x', extra: 1 })).status).toBe(400);
    expect((await post(base, '/alerts/00000000000000ff/resolve')).status).toBe(404);
  });

  it('lists the rules and dry-runs one over the stored events', async () => {
    const rules = await getJson<AlertRules>(base, '/alert-rules');
    expect(rules.body.rules.map((r) => r.rule.id)).toContain('failed-login-burst');
    const run = await post(base, '/alert-rules/failed-login-burst/dry-run?hours=2');
    expect(run.status).toBe(200);
    const body = (await run.json()) as AlertRuleDryRun;
    expect(body).toMatchObject({ ruleId: 'failed-login-burst', events: 5, truncated: false });
    expect(body.alerts.map((a) => [a.ruleId, a.group])).toEqual([['failed-login-burst', { user: 'eve', remoteHost: '203.0.113.9' }]]);
    // Nothing of a dry run is stored.
    expect((await getJson<AlertsPage>(base, '/alerts?rule=failed-login-burst')).body.alerts).toEqual([]);
    expect(((await (await post(base, '/alert-rules/failed-login-burst/dry-run?hours=0')).json()) as { code: string }).code).toBe('VALIDATION_FAILED');
    expect((await post(base, '/alert-rules/no-such-rule/dry-run')).status).toBe(404);
    // This app was built without alerting (DAS_ALERTS=false): nothing to switch.
    expect(await (await post(base, '/alert-rules/failed-login-burst/disable')).json()).toMatchObject({ code: 'ALERTS_OFF' });
  });

  it('pushes stored alerts to /alerts/live clients', async () => {
    const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/alerts/live`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    const frames: LiveAlertFrame[] = [];
    socket.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8')) as LiveAlertFrame));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    await waitFor('the client counted', () => (alertHub.clientCount === 1 ? true : undefined));
    alertHub.publish(stored);
    await waitFor('two alert frames', () => (frames.length === 2 ? true : undefined), 5000);
    expect(frames.map((f) => [f.type, f.alert.id])).toEqual(stored.map((a) => ['alert', a.id]));
    socket.close();
    expect((await fetch(`${base}/alerts/live`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).status).toBe(426);
  });
});
