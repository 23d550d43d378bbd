// The fleet's figures: the PostgreSQL store against DuckDB (append in one process), 1 and 2
// workers draining a 4-shard stream into PostgreSQL, and the time a kill -9 takes to fail over.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fleet } from '@das/contracts';
import type { ActivityEvent } from '@das/core';
import { createDuckDbEventStore } from '../store/duckdb-event-store.js';
import type { DecodedRecord, EventStore } from '../store/event-store.js';
import { createPgEventStore } from '../store/postgres/pg-event-store.js';
import { createBenchStream, fmt, putAll, TOKEN, workerEnv, type Emulated } from './bench-kit.js';
import { benchDatabase } from './bench-pg.js';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';

/** Appends `batches` of 100 records × 10 events (the consumer's batch size) and returns events/s. */
async function appendRate(store: EventStore, pool: readonly ActivityEvent[], batches: number, shards: number): Promise<number> {
  let seq = 0;
  let n = 0;
  const started = performance.now();
  // One shard after another would serialise; the consumer stores shards side by side.
  await Promise.all(
    Array.from({ length: shards }, async (_, shard) => {
      for (let b = 0; b < batches / shards; b += 1) {
        const records: DecodedRecord[] = [];
        for (let r = 0; r < 100; r += 1) {
          const events: ActivityEvent[] = [];
          for (let e = 0; e < 10; e += 1, n += 1) events.push({ ...(pool[n % pool.length] as ActivityEvent) });
          records.push({ sequenceNumber: String(++seq), arrivedAtMs: null, events });
        }
        await store.append({ streamKey: 'bench@1', shardId: `shardId-${shard}`, records });
      }
    }),
  );
  return (batches * 1000) / ((performance.now() - started) / 1000);
}

export async function benchStoreEngines(dir: string, pool: readonly ActivityEvent[]): Promise<void> {
  const batches = 200;
  console.log(`\n## Store append: PostgreSQL vs DuckDB (${fmt(batches * 1000)} events in batches of 100 records × 10 events, 4 shards side by side, in this process)`);
  const duck = await createDuckDbEventStore({ path: join(dir, 'engines.duckdb') });
  const duckRate = await appendRate(duck, pool, batches, 4);
  await duck.close();
  const db = await benchDatabase('engines');
  try {
    const store = await createPgEventStore({ url: db.url });
    const pgRate = await appendRate(store, pool, batches, 4);
    await store.close();
    console.log('| store | events/s | vs DuckDB |\n|---|---|---|');
    console.log(`| DuckDB (embedded, Appender) | ${fmt(duckRate)} | 1.00× |`);
    console.log(`| PostgreSQL (jsonb rows, fenced, day partitions, rollup, pg_trgm) | ${fmt(pgRate)} | ${fmt(pgRate / duckRate, 2)}× |`);
  } finally {
    await db.drop();
  }
}

async function fleetOf(worker: WorkerProcess): Promise<Fleet> {
  const res = await fetch(`${worker.url}/fleet`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return (await res.json()) as Fleet;
}

/** Events/s for `count` workers on one PostgreSQL store draining the whole stream (status counts every worker's events). */
async function drainWith(env: Emulated, dir: string, streamName: string, total: number, count: number): Promise<{ eventsPerSecond: number; split: string }> {
  const db = await benchDatabase(`drain${count}`);
  const workers: WorkerProcess[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      workers.push(
        await startWorkerProcess(
          workerEnv(env, join(dir, `fleet-${count}-${i}`), streamName, { DAS_STORE_URL: db.url, DAS_WORKER_ID: `bench-${i + 1}`, DAS_DECRYPT_THREADS: '1' }),
        ),
      );
    }
    const first = workers[0] as WorkerProcess;
    const deadline = Date.now() + 300_000;
    let from: { at: number; events: number } | undefined;
    let stored = 0;
    let split = '';
    while (stored < total) {
      if (Date.now() > deadline) throw new Error(`fleet drain stopped at ${stored} of ${total}`);
      await sleep(250);
      stored = (await first.status()).storedEvents;
      if (from === undefined && stored > 0) from = { at: performance.now(), events: stored };
      if (split === '') {
        const fleet = await fleetOf(first);
        if (fleet.workers.length === count && fleet.workers.every((w) => w.leases > 0)) split = fleet.workers.map((w) => `${w.workerId}: ${w.leases}`).join(', ');
      }
    }
    const start = from ?? { at: performance.now(), events: 0 };
    return { eventsPerSecond: (total - start.events) / ((performance.now() - start.at) / 1000), split };
  } finally {
    for (const worker of workers) await worker.stop();
    await db.drop();
  }
}

export async function benchFleetDrain(env: Emulated, dir: string, records: readonly Uint8Array[], eventsPerRecord: number): Promise<void> {
  const total = records.length * eventsPerRecord;
  console.log(`\n## Fleet drain: 1 and 2 workers on one PostgreSQL store, a pre-loaded 4-shard stream (${fmt(total)} events; 1 decrypt thread each; this machine has 2 cores)`);
  await createBenchStream(env, 'bench-fleet', 4);
  await putAll(env, 'bench-fleet', records);
  const one = await drainWith(env, dir, 'bench-fleet', total, 1);
  const two = await drainWith(env, dir, 'bench-fleet', total, 2);
  console.log('| workers | events/s | vs 1 worker | leases |\n|---|---|---|---|');
  console.log(`| 1 | ${fmt(one.eventsPerSecond)} | 1.00× | ${one.split} |`);
  console.log(`| 2 | ${fmt(two.eventsPerSecond)} | ${fmt(two.eventsPerSecond / one.eventsPerSecond, 2)}× | ${two.split} |`);
}

/** kill -9 one of two workers; time until the survivor holds every lease (default TTL and renewal). */
export async function benchFailover(env: Emulated, dir: string): Promise<void> {
  const ttlMs = 10_000;
  const renewMs = 2000;
  console.log(`\n## Failover after kill -9 (2 workers, 4 shards, lease TTL ${fmt(ttlMs)} ms, renewal ${fmt(renewMs)} ms: the defaults)`);
  await createBenchStream(env, 'bench-failover', 4);
  const db = await benchDatabase('failover');
  const workers: WorkerProcess[] = [];
  try {
    for (let i = 0; i < 2; i += 1) {
      workers.push(await startWorkerProcess(workerEnv(env, join(dir, `failover-${i}`), 'bench-failover', { DAS_STORE_URL: db.url, DAS_WORKER_ID: `bench-${i + 1}` })));
    }
    const [victim, survivor] = workers as [WorkerProcess, WorkerProcess];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const fleet = await fleetOf(survivor);
      if (fleet.workers.filter((w) => w.leases === 2).length === 2) break;
      await sleep(200);
    }
    victim.child.kill('SIGKILL');
    const killed = performance.now();
    let takenMs = Number.NaN;
    while (Date.now() < deadline + 60_000) {
      const fleet = await fleetOf(survivor);
      if (fleet.leases.length === 4 && fleet.leases.every((l) => l.owner === 'bench-2' && !l.expired)) {
        takenMs = performance.now() - killed;
        break;
      }
      await sleep(100);
    }
    console.log(`failover: the survivor held all 4 leases ${fmt(takenMs)} ms after kill -9 (bound: TTL + one renewal = ${fmt(ttlMs + renewMs)} ms)`);
  } finally {
    for (const worker of workers) await worker.stop().catch(() => undefined);
    await db.drop();
  }
}
