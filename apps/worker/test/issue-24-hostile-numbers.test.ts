// The numbers and bodies a security review found answered with 500 (or ignored); each now gets a
// 4xx with a specific code, and nothing from a request reaches SQL text.
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fleet, WorkerStatus } from '@das/contracts';
import { buildWorkerApp, type WorkerApp } from '../src/http/app.js';
import { createLiveHub, type LiveHub } from '../src/live/live-hub.js';
import { createDuckDbEventStore } from '../src/store/duckdb-event-store.js';
import type { EventStore } from '../src/store/event-store.js';
import { TEST_TOKEN } from './support/worker-harness.js';

const emptyFleet: Fleet = { mode: 'embedded', workerId: 'test', streamKey: null, leaseTtlMs: null, workers: [], leases: [] };

const status = { state: 'consuming', clusterId: 'c', streamName: 's', resourceId: 'r', shards: [], lagMs: 0, eventsPerSecond: 0, recordsPerSecond: 0, storedEvents: 0, deadLetters: 0 } satisfies WorkerStatus;
let store: EventStore;
let hub: LiveHub;
let app: WorkerApp;
let base: string;
const auth = { authorization: `Bearer ${TEST_TOKEN}` };

beforeAll(async () => {
  store = await createDuckDbEventStore({ path: ':memory:' });
  hub = createLiveHub({});
  app = await buildWorkerApp({ token: TEST_TOKEN, store, hub, registry: new Registry(), status: () => status, fleet: async () => emptyFleet, ready: () => true, corsOrigins: [], logLevel: 'silent' });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app?.close();
  hub?.close();
  await store?.close();
});

async function answer(path: string, init: RequestInit = {}) {
  const response = await fetch(`${base}${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? (JSON.parse(text) as { code?: string }) : text };
}

describe('hostile numbers and bodies on the worker', () => {
  const cursor = (text: string) => Buffer.from(text).toString('base64url');
  it.each([
    ['/events?limit=Infinity', 'VALIDATION_FAILED'],
    ['/events?limit=1e4', 'VALIDATION_FAILED'],
    ['/dead-letters?limit=Infinity', 'VALIDATION_FAILED'],
    [`/events?cursor=${cursor('999999999999999999999:1')}`, 'INVALID_CURSOR'],
    [`/events?cursor=${cursor('9223372036854775808:1')}`, 'INVALID_CURSOR'],
    [`/dead-letters?cursor=${cursor('-99999999999999999999')}`, 'INVALID_CURSOR'],
    ['/events/1e30', 'VALIDATION_FAILED'],
    ['/events/9007199254740993', 'VALIDATION_FAILED'],
    ['/events/histogram?intervalMs=1e20', 'VALIDATION_FAILED'],
    ['/events/export?limit=Infinity', 'VALIDATION_FAILED'],
  ])('%s → 400 %s', async (path, code) => {
    expect(await answer(path)).toMatchObject({ status: 400, body: { code } });
  });

  it('answers a too-large body 413 and a wrong-typed one 415, with their codes', async () => {
    expect(await answer('/dead-letters/replay', { method: 'POST', body: JSON.stringify({ x: 'a'.repeat(200_000) }), headers: { 'content-type': 'application/json' } })).toMatchObject({
      status: 413,
      body: { code: 'PAYLOAD_TOO_LARGE' },
    });
    expect(await answer('/dead-letters/replay', { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } })).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('answers a plain GET of the live WebSocket 426 in the error shape (the fuzz tier found an empty 404)', async () => {
    expect(await answer('/events/live')).toMatchObject({ status: 426, body: { code: 'UPGRADE_REQUIRED' } });
  });
});
