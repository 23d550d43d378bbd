import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { normaliseEvents } from '@das/core';
import { buildMysqlEvent, buildPayload, createEventGenerator } from '@das/core/fixtures';
import type { DeadLetter, DeadLetterReasons, DeadLetterReplayPlan, TopStatements, DeadLettersPage, Fleet, EventsPage, Facets, Histogram, LiveServerFrame, StoredEvent, WorkerStatus } from '@das/contracts';
import { Registry } from 'prom-client';
import { buildWorkerApp, type WorkerApp } from '../src/http/app.js';
import { createLiveHub, type LiveHub } from '../src/live/live-hub.js';
import { createDuckDbEventStore } from '../src/store/duckdb-event-store.js';
import type { EventStore } from '../src/store/event-store.js';
import { connectLive, getJson, TEST_TOKEN, waitFor } from './support/worker-harness.js';

const emptyFleet: Fleet = { mode: 'embedded', workerId: 'test', streamKey: null, leaseTtlMs: null, workers: [], leases: [] };

const status: WorkerStatus = {
  state: 'consuming', clusterId: 'c', streamName: 's', resourceId: 'r', shards: [], lagMs: 0,
  eventsPerSecond: 0, recordsPerSecond: 0, storedEvents: 0, deadLetters: 0,
};

describe('query API and live WebSocket', () => {
  let store: EventStore;
  let hub: LiveHub;
  let app: WorkerApp;
  let base: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    store = await createDuckDbEventStore({ path: ':memory:' });
    hub = createLiveHub({ flushIntervalMs: 50, maxBufferedBytes: 256 * 1024 });
    app = await buildWorkerApp({ token: TEST_TOKEN, store, hub, registry: new Registry(), status: () => status, fleet: async () => emptyFleet, ready: () => true, corsOrigins: ['http://127.0.0.1:5173'], logLevel: 'info', logStream: { write: (line) => logLines.push(line) } });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    const generator = createEventGenerator({ seed: 3, engine: 'mysql', startTime: new Date(Date.now() - 600_000).toISOString() });
    const records = Array.from({ length: 60 }, (_, i) => ({ sequenceNumber: String(i + 1), arrivedAtMs: null, events: normaliseEvents(buildPayload(generator.events(5))) }));
    await store.append({
      streamKey: 's@1',
      shardId: 'shard-a',
      records: [
        ...records,
        { sequenceNumber: '100', arrivedAtMs: null, events: normaliseEvents(buildPayload([buildMysqlEvent({ commandText: 'select "quoted", =1+1', dbUserName: 'csv_user', logTime: new Date().toISOString() })])) },
        { sequenceNumber: '101', arrivedAtMs: null, deadLetter: { reason: 'PAYLOAD_NOT_GZIP', message: 'x', data: Buffer.from('zz') } },
      ],
    });
  });
  afterAll(async () => {
    await app?.close();
    hub?.close();
    await store?.close();
  });

  it('refuses a dead-letter replay while no activity stream is located, and says why', async () => {
    const response = await fetch(`${base}/dead-letters/replay?limit=10`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'NO_ACTIVITY_STREAM' });
    const invalid = await fetch(`${base}/dead-letters/replay?limit=0`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(invalid.status).toBe(400);
    // The console's origin may POST it (CORS preflight).
    const preflight = await fetch(`${base}/dead-letters/replay`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('answers 401 without a token or with a wrong one, and refuses the WebSocket', async () => {
    for (const path of ['/events', '/events/facets', '/dead-letters', '/metrics', '/status', '/events/1']) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(401);
      expect((await getJson(base, path, 'wrong')).status, path).toBe(401);
    }
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/events?token=${TEST_TOKEN}`)).status).toBe(401);
    for (const url of [`${base.replace('http', 'ws')}/events/live`, `${base.replace('http', 'ws')}/events/live?token=wrong`]) {
      const refused = await new Promise<number>((resolve) => {
        const socket = new WebSocket(url);
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('open', () => resolve(101));
        socket.on('error', () => undefined);
      });
      expect(refused).toBe(401);
    }
    // Browsers offer the token as a subprotocol beside das.v1; the worker chooses das.v1, never the token.
    const browser = new WebSocket(`${base.replace('http', 'ws')}/events/live`, ['das.v1', `das.bearer.${TEST_TOKEN}`]);
    await new Promise((resolve, reject) => {
      browser.on('open', resolve);
      browser.on('error', reject);
    });
    expect(browser.protocol).toBe('das.v1');
    browser.close();
    const wrongProtocol = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${base.replace('http', 'ws')}/events/live`, ['das.v1', 'das.bearer.wrong-token-0123456789']);
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
      socket.on('error', () => undefined);
    });
    expect(wrongProtocol).toBe(401);
    // Older clients may still pass ?token= on the upgrade; it never reaches the logs.
    const legacy = new WebSocket(`${base.replace('http', 'ws')}/events/live?token=${TEST_TOKEN}`);
    await new Promise((resolve, reject) => {
      legacy.on('open', resolve);
      legacy.on('error', reject);
    });
    legacy.close();
    await waitFor('request logged', () => (logLines.some((l) => l.includes('/events/live?token=')) ? true : undefined));
    expect(logLines.join('')).not.toContain(TEST_TOKEN);
    expect(logLines.join('')).toContain('token=[REDACTED]');
    // ?token= is honoured on the WebSocket upgrade of /events/live only, not on look-alike paths.
    expect((await fetch(`${base}/events/live?token=${TEST_TOKEN}`)).status).toBe(401);
    expect((await fetch(`${base}/events/livex?token=${TEST_TOKEN}`)).status).toBe(401);
  });

  it('pages and filters events, and rejects bad parameters with a reason code', async () => {
    const first = await getJson<EventsPage>(base, '/events?limit=10&user=app_user&command=QUERY');
    expect(first.status).toBe(200);
    expect(first.body.events).toHaveLength(10);
    expect(first.body.events.every((e) => e.user === 'app_user' && e.command === 'QUERY')).toBe(true);
    const second = await getJson<EventsPage>(base, `/events?limit=10&user=app_user&command=QUERY&cursor=${first.body.next}`);
    expect(second.body.events[0]!.time <= first.body.events[9]!.time).toBe(true);
    expect(new Set([...first.body.events, ...second.body.events].map((e) => e.id)).size).toBe(20);
    const one = await getJson<StoredEvent>(base, `/events/${first.body.events[0]!.id}`);
    expect(one.body).toEqual(first.body.events[0]);
    expect((await getJson(base, '/events/99999')).status).toBe(404);

    const bad = await getJson<{ code: string; field?: string }>(base, '/events?from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INVALID_FILTER_PARAM', field: '/querystring/from' });
    expect((await getJson<{ code: string }>(base, '/events?exitCode=maybe')).status).toBe(400);
    expect((await getJson<{ code: string }>(base, '/events?cursor=bm9wZQ')).body.code).toBe('INVALID_CURSOR');
    expect((await getJson<{ code: string }>(base, '/events?limit=0')).body.code).toBe('VALIDATION_FAILED');
  });

  it('serves facets, a histogram, dead letters and streamed NDJSON/CSV exports with the same filters', async () => {
    const facets = await getJson<Facets>(base, '/events/facets');
    expect(facets.body.total).toBeGreaterThan(200);
    expect(facets.body.users.map((u) => u.value)).toContain('app_user');
    const histogram = await getJson<Histogram>(base, '/events/histogram?intervalMs=60000');
    expect(histogram.body.buckets.reduce((n, b) => n + b.total, 0)).toBe(facets.body.total);
    // Statement categories are a facet and a filter (`category=`, any case).
    const dql = facets.body.categories?.find((c) => c.value === 'DQL')?.count ?? 0;
    expect(dql).toBeGreaterThan(0);
    const dqlOnly = await getJson<Facets>(base, '/events/facets?category=dql');
    expect(dqlOnly.body.total).toBe(dql);
    expect(dqlOnly.body.categories).toEqual([{ value: 'DQL', count: dql }]);
    expect((await getJson<{ code: string }>(base, '/events?category=SQL')).body).toMatchObject({ code: 'INVALID_FILTER_PARAM' });
    const top = await getJson<TopStatements>(base, '/events/statements?category=DQL&limit=3');
    expect(top.status).toBe(200);
    expect(top.body.statements.length).toBeGreaterThan(0);
    expect(top.body.statements.length).toBeLessThanOrEqual(3);
    expect(top.body.statements.every((s) => s.category === 'DQL' && s.count > 0)).toBe(true);
    expect((await getJson<{ code: string }>(base, '/events/statements?limit=101')).status).toBe(400);
    const dead = await getJson<DeadLettersPage>(base, '/dead-letters');
    expect(dead.body.deadLetters.map((d) => d.reason)).toEqual(['PAYLOAD_NOT_GZIP']);

    const ndjson = await fetch(`${base}/events/export?user=app_user`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(ndjson.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await ndjson.text()).trim().split('\n').map((l) => JSON.parse(l) as StoredEvent);
    const appUser = facets.body.users.find((u) => u.value === 'app_user')!.count;
    expect(lines).toHaveLength(appUser);
    expect(lines.every((e) => e.user === 'app_user')).toBe(true);

    const csv = await fetch(`${base}/events/export?format=csv&user=csv_user`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    const rows = (await csv.text()).trim().split('\r\n');
    expect(rows[0]).toMatch(/^id,time,/);
    expect(rows[0]?.split(',')).toEqual(expect.arrayContaining(['user', 'database', 'command', 'objectName', 'text', 'remoteHost', 'shardId', 'sequenceNumber']));
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain('"select ""quoted"", =1+1"');
  });

  it('sorts by time either way, excludes values (user!=), and splits the histogram by another field', async () => {
    const newest = await getJson<EventsPage>(base, '/events?limit=1000&heartbeats=true');
    const oldest = await getJson<EventsPage>(base, '/events?limit=7&order=asc&heartbeats=true');
    expect(oldest.body.events.map((e) => e.id)).toEqual(newest.body.events.map((e) => e.id).reverse().slice(0, 7));
    const next = await getJson<EventsPage>(base, `/events?limit=7&order=asc&heartbeats=true&cursor=${oldest.body.next}`);
    expect(next.body.events.map((e) => e.id)).toEqual(newest.body.events.map((e) => e.id).reverse().slice(7, 14));
    // A cursor of one order is refused in the other.
    expect((await getJson<{ code: string }>(base, `/events?limit=7&cursor=${oldest.body.next}`)).body.code).toBe('INVALID_CURSOR');
    expect((await getJson<{ code: string }>(base, '/events?order=sideways')).status).toBe(400);

    const all = await getJson<Facets>(base, '/events/facets');
    const appUser = all.body.users.find((u) => u.value === 'app_user')?.count ?? 0;
    expect(appUser).toBeGreaterThan(0);
    const without = await getJson<Facets>(base, '/events/facets?user!=app_user');
    expect(without.body.total).toBe(all.body.total - appUser);
    expect(without.body.users.map((u) => u.value)).not.toContain('app_user');
    const page = await getJson<EventsPage>(base, '/events?limit=1000&user%21=APP_USER&command!=QUERY,CONNECT');
    expect(page.body.events.length).toBeGreaterThan(0);
    expect(page.body.events.every((e) => e.user !== 'app_user' && e.command !== 'QUERY' && e.command !== 'CONNECT')).toBe(true);
    expect((await getJson<{ code: string }>(base, '/events?category!=nope')).body.code).toBe('INVALID_FILTER_PARAM');

    const byUser = await getJson<Histogram>(base, '/events/histogram?intervalMs=60000&groupBy=user&top=1');
    expect(byUser.body).toMatchObject({ groupBy: 'user', values: [all.body.users[0]?.value] });
    expect(byUser.body.buckets.reduce((n, b) => n + (b.byValue[all.body.users[0]?.value as string] ?? 0), 0)).toBe(all.body.users[0]?.count);
    expect(byUser.body.buckets.reduce((n, b) => n + b.other, 0)).toBe(all.body.total - (all.body.users[0]?.count ?? 0));
    expect((await getJson<Histogram>(base, '/events/histogram?intervalMs=60000')).body.groupBy).toBe('command');
    expect((await getJson<{ code: string }>(base, '/events/histogram?groupBy=text')).status).toBe(400);
  });

  it('lists dead letters without their data, serves one with it, counts them per reason, and plans a replay: letters and KMS calls', async () => {
    const envelope = (key: string) => Buffer.from(JSON.stringify({ type: 'DatabaseActivityMonitoringRecords', version: '1.2', databaseActivityEvents: 'AAAA', key }));
    await store.append({
      streamKey: 's@1',
      shardId: 'shard-dl',
      records: [
        { sequenceNumber: '1', arrivedAtMs: null, deadLetter: { reason: 'KEY_DECRYPT_FAILED', message: 'denied', data: envelope('K1') } },
        { sequenceNumber: '2', arrivedAtMs: null, deadLetter: { reason: 'KEY_DECRYPT_FAILED', message: 'denied', data: envelope('K1') } },
        { sequenceNumber: '3', arrivedAtMs: null, deadLetter: { reason: 'KEY_DECRYPT_FAILED', message: 'denied', data: envelope('K2') } },
        { sequenceNumber: '4', arrivedAtMs: null, deadLetter: { reason: 'ENVELOPE_NOT_JSON', message: 'no', data: Buffer.alloc(300_000, 120) } },
      ],
    });
    const list = await getJson<DeadLettersPage>(base, '/dead-letters');
    expect(list.body.deadLetters.map((d) => [d.reason, d.data])).toEqual([
      ['ENVELOPE_NOT_JSON', undefined],
      ['KEY_DECRYPT_FAILED', undefined],
      ['KEY_DECRYPT_FAILED', undefined],
      ['KEY_DECRYPT_FAILED', undefined],
      ['PAYLOAD_NOT_GZIP', undefined],
    ]);
    expect(list.body.deadLetters[0]?.size).toBe(300_000);
    const big = await getJson<DeadLetter>(base, `/dead-letters/${list.body.deadLetters[0]?.id}`);
    expect(Buffer.from(big.body.data as string, 'base64')).toEqual(Buffer.alloc(300_000, 120));
    expect((await getJson<{ code: string }>(base, '/dead-letters/999999')).status).toBe(404);
    const reasons = await getJson<DeadLetterReasons>(base, '/dead-letters/reasons');
    expect(reasons.body).toEqual({
      total: 5,
      reasons: [
        { reason: 'KEY_DECRYPT_FAILED', count: 3 },
        { reason: 'ENVELOPE_NOT_JSON', count: 1 },
        { reason: 'PAYLOAD_NOT_GZIP', count: 1 },
      ],
    });
    expect((await getJson<DeadLetterReplayPlan>(base, '/dead-letters/replay-plan?reason=KEY_DECRYPT_FAILED')).body).toEqual({ letters: 3, kmsCalls: 2 });
    const [, , k1, k1again] = list.body.deadLetters.map((d) => d.id);
    expect((await getJson<DeadLetterReplayPlan>(base, `/dead-letters/replay-plan?ids=${k1},${k1again}`)).body).toEqual({ letters: 2, kmsCalls: 1 });
    expect((await getJson<DeadLetterReplayPlan>(base, '/dead-letters/replay-plan')).body).toEqual({ letters: 5, kmsCalls: 2 });
    expect((await getJson<{ code: string }>(base, '/dead-letters/replay-plan?ids=1;2')).status).toBe(400);
  });

  it('delivers live events by filter, changes the filter on subscribe, and sends status frames', async () => {
    const live = await connectLive(base, 'user=alice');
    const events = (users: string[]) =>
      normaliseEvents(buildPayload(users.map((u) => buildMysqlEvent({ dbUserName: u })))).map((e, i) => ({ ...e, id: 10_000 + i, shardId: 's', sequenceNumber: String(i) }));
    await waitFor('status frame', () => (live.frames.some((f) => f.type === 'status') ? true : undefined));
    hub.publish(events(['alice', 'bob']));
    await waitFor('alice', () => (live.events().length === 1 ? true : undefined));
    live.socket.send(JSON.stringify({ type: 'subscribe', filter: { user: 'bob' } }));
    await waitFor('subscribed', () => (live.frames.some((f) => f.type === 'subscribed') ? true : undefined));
    hub.publish(events(['alice', 'bob']));
    await waitFor('bob', () => (live.events().length === 2 ? true : undefined));
    expect(live.events().map((e) => e.user)).toEqual(['alice', 'bob']);
    live.socket.send('not json');
    await waitFor('error frame', () => (live.frames.some((f) => f.type === 'error' && f.code === 'FRAME_NOT_JSON') ? true : undefined));
    live.close();
  });

  it('cuts long texts in the frames of a subscription that asks (maxTextChars); the stored event stays whole', async () => {
    const statement = `INSERT INTO big VALUES ${Array.from({ length: 3000 }, (_, i) => `(${i}, 'row ${i}')`).join(', ')}`;
    await store.append({
      streamKey: 's@1',
      shardId: 'shard-b',
      records: [{ sequenceNumber: '1', arrivedAtMs: null, events: normaliseEvents(buildPayload([buildMysqlEvent({ commandText: statement, dbUserName: 'loader' })])) }],
    });
    const [whole] = (await getJson<EventsPage>(base, '/events?user=loader')).body.events;
    expect(whole!.text).toBe(statement);
    const short = await connectLive(base, 'user=loader&maxTextChars=200');
    const full = await connectLive(base, 'user=loader');
    await waitFor('status frames', () => (short.frames.some((f) => f.type === 'status') && full.frames.some((f) => f.type === 'status') ? true : undefined));
    hub.publish([whole!]);
    await waitFor('both clients', () => (short.events().length === 1 && full.events().length === 1 ? true : undefined));
    const [cut] = short.events();
    expect(cut!.text).toBe(`${statement.slice(0, 200)}…`);
    expect((cut!.raw as { commandText: string }).commandText).toBe(`${statement.slice(0, 200)}…`);
    expect(cut!.cut).toEqual(expect.arrayContaining(['text', 'raw.commandText']));
    expect(cut!.user).toBe('loader');
    // A client that asked for nothing gets it whole, and so does GET /events/:id for the one that did.
    expect(full.events()[0]!.text).toBe(statement);
    expect(full.events()[0]!.cut).toBeUndefined();
    expect((await getJson<StoredEvent>(base, `/events/${cut!.id}`)).body.text).toBe(statement);
    // A subscribe frame may lift the limit; a limit out of range is refused and names the parameter.
    short.socket.send(JSON.stringify({ type: 'subscribe', filter: { user: 'loader' }, maxTextChars: 1_000_000 }));
    await waitFor('subscribed', () => (short.frames.some((f) => f.type === 'subscribed') ? true : undefined));
    hub.publish([whole!]);
    await waitFor('second frame', () => (short.events().length === 2 ? true : undefined));
    expect(short.events()[1]!.text).toBe(statement);
    const bad = await connectLive(base, 'maxTextChars=5');
    await waitFor('maxTextChars refused', () => (bad.frames.some((f) => f.type === 'error' && f.message.includes('maxTextChars')) ? true : undefined));
    short.close();
    full.close();
  });

  it('keeps a reading client on time while another never reads; the slow one learns what it missed', async () => {
    const fast = await connectLive(base, 'maxRate=1000');
    const slow = await connectLive(base, 'maxRate=1000');
    // The slow client stops reading from its TCP socket: the server's buffer for it fills up.
    (slow.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const big = 'x'.repeat(10_000);
    const batch = (n: number, offset: number) =>
      normaliseEvents(buildPayload(Array.from({ length: n }, (_, i) => buildMysqlEvent({ commandText: `select ${offset + i} -- ${big}` })))).map((e, i) => ({
        ...e, id: 20_000 + offset + i, shardId: 's', sequenceNumber: String(offset + i),
      }));
    let sent = 0;
    const matched = (live: typeof fast) => live.frames.reduce((n, f) => n + (f.type === 'events' ? f.matched : 0), 0);
    for (let round = 0; round < 20; round += 1) {
      hub.publish(batch(200, sent));
      sent += 200;
      // Every round reaches the reading client promptly (counted, and sampled under its rate cap), whatever the other one does.
      await waitFor(`fast client round ${round}`, () => (matched(fast) >= sent ? true : undefined), 5000);
      // Rounds a tenth of a second apart: the rate cap lets ~100 events a round through, ~1 MB for the slow client.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(matched(fast)).toBe(sent);
    expect(fast.events().length).toBeGreaterThan(0);
    (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    // Once it reads again it gets new events; everything before was delivered or counted as dropped.
    let marker = sent;
    await waitFor(
      'slow client receives new events',
      async () => {
        if (slow.events().some((e) => Number(e.sequenceNumber) >= sent)) return true;
        hub.publish(batch(1, marker));
        marker += 1;
        await new Promise((resolve) => setTimeout(resolve, 100));
        return undefined;
      },
      15_000,
    );
    // Everything published was delivered, skipped by the rate cap (both in `matched`) or counted as dropped.
    const dropped = () => slow.frames.reduce((n, f: LiveServerFrame) => n + (f.type === 'dropped' ? f.count : 0), 0);
    await waitFor('every event accounted for', () => (matched(slow) + dropped() === marker ? true : undefined), 5000);
    expect(dropped()).toBeGreaterThan(0);
    fast.close();
    slow.close();
  });

  it('caps the events pushed per second per subscription: a sample in store order, with the worker\'s count of every match', async () => {
    const capped = await connectLive(base, 'maxRate=50&user=alice');
    const uncapped = await connectLive(base, 'maxRate=1000&user=alice');
    await waitFor('status frames', () => (capped.frames.some((f) => f.type === 'status') && uncapped.frames.some((f) => f.type === 'status') ? true : undefined));
    const counts = (live: typeof capped) =>
      live.frames.reduce((n, f) => (f.type === 'events' ? { matched: n.matched + f.matched, skipped: n.skipped + f.skipped, shown: n.shown + f.events.length } : n), { matched: 0, skipped: 0, shown: 0 });
    const started = Date.now();
    let id = 30_000;
    // 800 events for alice (and as many for bob) over about a second, in 16 batches.
    for (let round = 0; round < 16; round += 1) {
      const users = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 'alice' : 'bob'));
      hub.publish(normaliseEvents(buildPayload(users.map((u) => buildMysqlEvent({ dbUserName: u })))).map((e) => ({ ...e, id: (id += 1), shardId: 's', sequenceNumber: String(id) })));
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await waitFor('every match counted', () => (counts(capped).matched === 800 && counts(uncapped).matched === 800 ? true : undefined), 5000);
    const seconds = (Date.now() - started) / 1000;
    const got = counts(capped);
    expect(got.shown + got.skipped).toBe(800);
    expect(got.shown).toBeGreaterThan(0);
    // At most 50 a second, plus one second's worth at the start (the bucket starts full).
    expect(got.shown).toBeLessThanOrEqual(50 * (seconds + 1));
    expect(capped.events().every((e) => e.user === 'alice')).toBe(true);
    const ids = capped.events().map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(counts(uncapped)).toEqual({ matched: 800, skipped: 0, shown: 800 });
    // A subscribe frame may change the cap; a bad cap is refused and names the parameter.
    capped.socket.send(JSON.stringify({ type: 'subscribe', filter: { user: 'alice' }, maxRate: 1000 }));
    await waitFor('subscribed', () => (capped.frames.some((f) => f.type === 'subscribed') ? true : undefined));
    const before = counts(capped);
    // The cap is spread over the second: a burst after a second's rest may take all of it.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    hub.publish(normaliseEvents(buildPayload(Array.from({ length: 300 }, () => buildMysqlEvent({ dbUserName: 'alice' })))).map((e) => ({ ...e, id: (id += 1), shardId: 's', sequenceNumber: String(id) })));
    await waitFor('raised cap', () => (counts(capped).matched === before.matched + 300 ? true : undefined), 5000);
    expect(counts(capped).shown - before.shown).toBe(300);
    const bad = await connectLive(base, 'maxRate=0');
    await waitFor('maxRate refused', () => (bad.frames.some((f) => f.type === 'error' && f.message.includes('maxRate')) ? true : undefined));
    // A subscription may ask for fewer frames: every match still counted, in frames at least ~400 ms apart.
    const slow = await connectLive(base, 'user=carol&intervalMs=500');
    const frameTimes: number[] = [];
    slow.socket.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString('utf8')) as LiveServerFrame).type === 'events') frameTimes.push(Date.now());
    });
    for (let round = 0; round < 12; round += 1) {
      hub.publish(normaliseEvents(buildPayload([buildMysqlEvent({ dbUserName: 'carol' })])).map((e) => ({ ...e, id: (id += 1), shardId: 's', sequenceNumber: String(id) })));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await waitFor('carol counted', () => (slow.frames.reduce((n, f) => n + (f.type === 'events' ? f.matched : 0), 0) === 12 ? true : undefined), 5000);
    expect(frameTimes.length).toBeLessThanOrEqual(4);
    expect(frameTimes.every((t, i) => i === 0 || t - frameTimes[i - 1]! >= 350)).toBe(true);
    const tooOften = await connectLive(base, 'intervalMs=50');
    await waitFor('intervalMs refused', () => (tooOften.frames.some((f) => f.type === 'error' && f.message.includes('intervalMs')) ? true : undefined));
    tooOften.close();
    slow.close();
    capped.close();
    uncapped.close();
    bad.close();
  });
});
