// The fuzz tier: every route of the worker's contract table, hit with hostile paths, queries,
// headers and bodies over real HTTP, on a store with events and dead letters. FUZZ_SEED replays.
import { normaliseEvents } from '@das/core';
import { buildPayload, createEventGenerator } from '@das/core/fixtures';
import { workerRoutes } from '@das/contracts';
import { FUZZ_SEED, runFuzzTier } from '@das/http-fuzz';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbEventStore } from '../src/store/duckdb-event-store.js';
import { createWorker, type Worker } from '../src/worker.js';
import { tempDir, testConfig, TEST_TOKEN } from './support/worker-harness.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let worker: Worker;
let base: string;

beforeAll(async () => {
  dir = await tempDir('das-worker-fuzz-');
  // AWS on a port that refuses: the worker keeps looking for its stream while it serves queries.
  const config = testConfig({ dataDir: dir.path, aws: { region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'fuzz', secretAccessKey: 'fuzz' } }, env: { DAS_CLUSTER_POLL_MS: '2000' } });
  const store = await createDuckDbEventStore({ path: config.storePath });
  const generator = createEventGenerator({ seed: 5, engine: 'mysql', startTime: new Date(Date.now() - 3_600_000).toISOString() });
  await store.append({
    streamKey: 'fuzz@1',
    shardId: 'shard-a',
    records: [
      ...Array.from({ length: 40 }, (_, i) => ({ sequenceNumber: String(i + 1), arrivedAtMs: null, events: normaliseEvents(buildPayload(generator.events(5))) })),
      { sequenceNumber: '100', arrivedAtMs: null, deadLetter: { reason: 'PAYLOAD_NOT_GZIP', message: 'x', data: Buffer.from('zz') } },
    ],
  });
  worker = createWorker({ config, store });
  const started = await worker.start();
  base = started.url as string;
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await dir?.remove();
});

describe('the worker under generated hostile requests', () => {
  it(`answers every route without a 5xx and with the error body on every 4xx (seed ${FUZZ_SEED})`, { timeout: 90_000 }, async () => {
    // Readiness answers 503 while no stream is consumed: runFuzzTier allows that one 5xx.
    const report = await runFuzzTier('worker', { baseUrl: base, token: TEST_TOKEN, routes: workerRoutes });
    expect(report.requests).toBeGreaterThan(300);
  });
});
