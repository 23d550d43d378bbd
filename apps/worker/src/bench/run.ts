// `npm run bench -w @das/worker`: decrypt-and-store throughput, dead-letter replay, store figures
// at 1M events (DuckDB and PostgreSQL), draining a pre-loaded stream and a 1M-event backlog (RSS),
// end-to-end latency, PostgreSQL vs DuckDB appends, a fleet of 1 and 2 workers, and failover after
// kill -9; through kinesalite and an in-memory KMS (no emulator: a consumer needs neither), the
// worker in a child process. Prints figures; asserts nothing. Budget: ~8 minutes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { encryptRecord, normaliseEvents, type ActivityEvent, type EventFilter, type KmsPort } from '@das/core';
import { buildPayload, createEventGenerator } from '@das/core/fixtures';
import { replayDeadLetters } from '../dead-letters/replay-dead-letters.js';
import { createDecryptPool } from '../decrypt/decrypt-pool.js';
import { createDuckDbEventStore } from '../store/duckdb-event-store.js';
import type { DecodedRecord, EventStore } from '../store/event-store.js';
import { createPgEventStore } from '../store/postgres/pg-event-store.js';
import { benchDatabase } from './bench-pg.js';
import { benchFailover, benchFleetDrain, benchStoreEngines } from './fleet-bench.js';
import { benchBacklogMemory, benchDrainByThreads } from './backlog-bench.js';
import { benchAlertOverhead } from './alerts-bench.js';
import { fmt, median, sdkRecords, startEmulated, timed, type Emulated } from './bench-kit.js';
import { benchLatency } from './latency-bench.js';

/** Events per Kinesis record: ECDSA verification is per record, so this sets the decrypt cost per event. */
const EVENTS_PER_RECORD = 25;
const LATENCY_THREADS = 2;
/** The issue's drain set: 2,000 SDK-signed records of 50 events under 4 data keys (100k events). */
const DRAIN = { records: 2000, eventsPerRecord: 50, dataKeys: 4, backlogRepeat: 10 } as const;
/**
 * `DAS_BENCH_ONLY=drain,latency` runs only those sections (kms, throughput, replay, drain, backlog,
 * latency, alerts, store, engines, pgstore, fleet, failover).
 */
const only = new Set((process.env.DAS_BENCH_ONLY ?? '').split(',').filter((s) => s !== ''));
const wanted = (section: string) => only.size === 0 || only.has(section);

/** Encrypted records of `perRecord` numbered events; one data key, as RDS reuses keys. */
async function encryptedRecords(env: Emulated, count: number, perRecord: number): Promise<Uint8Array[]> {
  const dataKey = await env.kms.generateDataKey(env.keyArn, { 'aws:rds:dbc-id': env.resourceId });
  const generator = createEventGenerator({ seed: 11, engine: 'mysql' });
  const records: Uint8Array[] = [];
  let n = 0;
  for (let i = 0; i < count; i += 1) {
    const events = generator.events(perRecord).map((e) => ({ ...e, commandText: `select ${n++} /* ${String(e.commandText).slice(0, 60)} */` }));
    records.push(
      await encryptRecord(buildPayload(events, { clusterId: env.resourceId }), {
        kms: env.kms,
        keyId: env.keyArn,
        resourceId: env.resourceId,
        dataKey: { plaintext: Uint8Array.from(dataKey.plaintext), ciphertextBlob: dataKey.ciphertextBlob },
      }),
    );
  }
  return records;
}

/** Returns events/s by decrypt thread count. */
async function benchDecryptAndStore(env: Emulated, dir: string): Promise<Map<number, number>> {
  console.log(`\n## Decrypt and store (records of ${EVENTS_PER_RECORD} events, batches of 200 records, decrypting the next batch while one is stored, KMS over HTTP, data-key cache)`);
  const records = await encryptedRecords(env, 1000, EVENTS_PER_RECORD);
  const rows: string[] = [];
  const byThreads = new Map<number, number>();
  let baseline = 0;
  for (const threads of [0, 1, 2]) {
    const pool = createDecryptPool({ threads, resourceId: env.resourceId, kms: env.kms, aws: env.aws });
    const store = await createDuckDbEventStore({ path: join(dir, `throughput-${threads}.duckdb`) });
    await pool.decode(records.slice(0, 50)); // warm up threads and load the data key
    const { ms } = await timed(async () => {
      // Decrypt batch i+1 while batch i is stored, as shards overlap in the worker.
      const batches: Uint8Array[][] = [];
      for (let i = 0; i < records.length; i += 200) batches.push(records.slice(i, i + 200));
      let decoding = pool.decode(batches[0] as Uint8Array[]);
      for (let b = 0; b < batches.length; b += 1) {
        const outcomes = await decoding;
        if (b + 1 < batches.length) decoding = pool.decode(batches[b + 1] as Uint8Array[]);
        const decoded: DecodedRecord[] = outcomes.map((o, j) => {
          if (o.kind !== 'events') throw new Error(`bench record failed: ${o.kind}`);
          return { sequenceNumber: String(b * 200 + j + 1), arrivedAtMs: null, events: o.events };
        });
        await store.append({ streamKey: 'bench@1', shardId: 'shardId-000000000000', records: decoded });
      }
    });
    const eventsPerSecond = (records.length * EVENTS_PER_RECORD) / (ms / 1000);
    if (threads === 0) baseline = eventsPerSecond;
    byThreads.set(threads, eventsPerSecond);
    rows.push(`| ${threads === 0 ? 'in-thread (baseline)' : `${threads} thread${threads > 1 ? 's' : ''}`} | ${fmt(eventsPerSecond)} | ${fmt(eventsPerSecond / baseline, 2)}× |`);
    await pool.close();
    await store.close();
  }
  console.log('| decryption | events/s | vs in-thread |\n|---|---|---|');
  for (const row of rows) console.log(row);
  return byThreads;
}

/** KMS Decrypt calls with 1, 2 and 4 decrypt threads on the same records: the one cache makes them = data keys. */
async function benchKmsCalls(env: Emulated): Promise<void> {
  const dataKeys = 8;
  const perKey = 25;
  console.log(`\n## KMS calls by decrypt threads (${dataKeys * perKey} records under ${dataKeys} data keys, interleaved; one data-key cache per process)`);
  const generator = createEventGenerator({ seed: 21, engine: 'mysql' });
  const keys = await Promise.all(Array.from({ length: dataKeys }, () => env.kms.generateDataKey(env.keyArn, { 'aws:rds:dbc-id': env.resourceId })));
  const records: Uint8Array[] = [];
  for (let i = 0; i < perKey; i += 1) {
    for (const key of keys) {
      records.push(
        await encryptRecord(buildPayload(generator.events(5), { clusterId: env.resourceId }), {
          kms: env.kms,
          keyId: env.keyArn,
          resourceId: env.resourceId,
          dataKey: { plaintext: Uint8Array.from(key.plaintext), ciphertextBlob: key.ciphertextBlob },
        }),
      );
    }
  }
  console.log('| threads | data keys | KMS Decrypt calls |\n|---|---|---|');
  for (const threads of [1, 2, 4]) {
    let calls = 0;
    const counting: KmsPort = { ...env.kms, decrypt: (blob, context) => ((calls += 1), env.kms.decrypt(blob, context)) };
    const pool = createDecryptPool({ threads, resourceId: env.resourceId, kms: counting, aws: env.aws });
    const outcomes = await pool.decode(records);
    if (outcomes.some((o) => o.kind !== 'events')) throw new Error('bench record failed');
    console.log(`| ${threads} | ${dataKeys} | ${calls} |`);
    await pool.close();
  }
}

/** Dead letters decrypted again (after a key policy fix), against the live path's rate with the same threads. */
async function benchDeadLetterReplay(env: Emulated, dir: string, livePerSecond: number): Promise<void> {
  const letters = 1000;
  console.log(`\n## Dead-letter replay (${fmt(letters)} letters of ${EVENTS_PER_RECORD} events, ${LATENCY_THREADS} decrypt threads, one transaction per 100 letters)`);
  const records = await encryptedRecords(env, letters, EVENTS_PER_RECORD);
  const store = await createDuckDbEventStore({ path: join(dir, 'replay.duckdb') });
  await store.append({
    streamKey: 'bench@1',
    shardId: 'shardId-000000000000',
    records: records.map((data, i) => ({ sequenceNumber: String(i + 1), arrivedAtMs: null, deadLetter: { reason: 'KEY_DECRYPT_FAILED', message: 'AccessDeniedException', data } })),
  });
  const pool = createDecryptPool({ threads: LATENCY_THREADS, resourceId: env.resourceId, aws: env.aws });
  await pool.decode(records.slice(0, 20));
  const { ms, value } = await timed(() => replayDeadLetters({ store, decode: (batch) => pool.decode(batch), limit: letters }));
  const eventsPerSecond = value.events / (ms / 1000);
  console.log(`recovered ${fmt(value.recovered)} of ${fmt(value.examined)} letters (${fmt(value.events)} events) in ${fmt(ms / 1000, 2)} s`);
  console.log(`${fmt(value.recovered / (ms / 1000))} letters/s · ${fmt(eventsPerSecond)} events/s · ${fmt(eventsPerSecond / livePerSecond, 2)}× the live decrypt+store path`);
  await pool.close();
  await store.close();
}

/** A pool of 50k realistic events, reused with fresh times, keeps generation out of the way. */
function eventPool(): ActivityEvent[] {
  const generator = createEventGenerator({ seed: 5, engine: 'mysql', heartbeatRate: 0.01 });
  const pool: ActivityEvent[] = [];
  while (pool.length < 50_000) pool.push(...normaliseEvents(buildPayload(generator.events(1000))));
  return pool;
}

/** Query figures at 1M events (goals for PostgreSQL: filtered page < 100 ms, facets < 500 ms). */
async function benchStore(label: string, store: EventStore, pool: readonly ActivityEvent[], afterInsert?: () => Promise<void>): Promise<void> {
  const total = 1_000_000;
  console.log(`\n## Event store (${label}) at ${fmt(total)} events`);
  const firstMs = Date.now() - 20 * 3_600_000;
  const stepMs = (20 * 3_600_000) / total;
  let seq = 0;
  let n = 0;
  let appendMs = 0;
  for (let stored = 0; stored < total; stored += 10_000) {
    const records: DecodedRecord[] = [];
    for (let i = 0; i < 1000; i += 1) {
      const events: ActivityEvent[] = [];
      for (let j = 0; j < 10; j += 1, n += 1) {
        const timeMs = firstMs + n * stepMs;
        events.push({ ...(pool[n % pool.length] as ActivityEvent), time: new Date(timeMs).toISOString().replace('Z', '000Z'), timeMs });
      }
      records.push({ sequenceNumber: String(++seq), arrivedAtMs: null, events });
    }
    appendMs += (await timed(() => store.append({ streamKey: 'bench@1', shardId: 'shardId-000000000000', records }))).ms;
  }
  console.log(`insert: ${fmt(total / (appendMs / 1000))} events/s (store.append, 10k-event batches, file-backed, ${fmt(appendMs / 1000, 1)} s)`);
  await afterInsert?.();
  const [sample] = (await store.query({}, { limit: 1 })).events;
  const to = sample?.time ?? new Date().toISOString();
  const from = new Date(Date.parse(to) - 3_600_000).toISOString();
  const queries: [string, () => Promise<unknown>][] = [
    ['page, no filter (newest 100)', () => store.query({}, { limit: 100 })],
    ['filtered page user+command (100)', () => store.query({ users: ['reporting'], commands: ['QUERY'] }, { limit: 100 })],
    ['filtered page, rare user (100)', () => store.query({ users: ['admin'], databases: ['analytics'] }, { limit: 100 })],
    ['text search q=customers (100)', () => store.query({ text: 'customers' }, { limit: 100 })],
    ['facets, all events', () => store.facets({} as EventFilter)],
    ['facets, last hour', () => store.facets({ from, to })],
    ['histogram 1-min buckets, all', () => store.histogram({}, 60_000)],
    ['histogram 1-min buckets, last hour', () => store.histogram({ from, to }, 60_000)],
  ];
  console.log('| query | median ms (5 runs) |\n|---|---|');
  for (const [name, run] of queries) {
    await run();
    const times: number[] = [];
    for (let i = 0; i < 5; i += 1) times.push((await timed(run)).ms);
    console.log(`| ${name} | ${fmt(median(times), 1)} |`);
  }
  await store.close();
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'das-worker-bench-'));
  const started = performance.now();
  const env = await startEmulated();
  try {
    console.log(`# @das/worker bench (node ${process.version}, ${new Date().toISOString()})`);
    if (wanted('kms')) await benchKmsCalls(env);
    if (wanted('throughput') || wanted('replay')) {
      const live = await benchDecryptAndStore(env, dir);
      if (wanted('replay')) await benchDeadLetterReplay(env, dir, live.get(LATENCY_THREADS) ?? Number.NaN);
    }
    if (wanted('drain') || wanted('backlog') || wanted('latency') || wanted('alerts')) {
      const made = await timed(() => sdkRecords(env, DRAIN.records, DRAIN.eventsPerRecord, DRAIN.dataKeys));
      console.log(`\n(${fmt(DRAIN.records)} records written by the AWS Encryption SDK in ${fmt(made.ms / 1000, 1)} s)`);
      if (wanted('drain')) await benchDrainByThreads(env, dir, made.value, DRAIN.eventsPerRecord);
      if (wanted('alerts')) await benchAlertOverhead(env, dir, made.value, DRAIN.eventsPerRecord);
      if (wanted('backlog')) await benchBacklogMemory(env, dir, made.value, DRAIN.eventsPerRecord, DRAIN.backlogRepeat);
      if (wanted('latency')) await benchLatency(env, dir, made.value, DRAIN.eventsPerRecord, [5000, 20_000], 5);
    }
    const pool = eventPool();
    if (wanted('store')) await benchStore('DuckDB', await createDuckDbEventStore({ path: join(dir, 'store-1m.duckdb') }), pool);
    if (wanted('engines')) await benchStoreEngines(dir, pool);
    if (wanted('pgstore')) {
      const db = await benchDatabase('store');
      try {
        // ANALYZE as autovacuum would within a minute: without statistics the planner sorts whole partitions.
        await benchStore('PostgreSQL', await createPgEventStore({ url: db.url }), pool, () => db.analyze());
      } finally {
        await db.drop();
      }
    }
    if (wanted('fleet')) {
      const records = await sdkRecords(env, DRAIN.records, DRAIN.eventsPerRecord, DRAIN.dataKeys);
      await benchFleetDrain(env, dir, records, DRAIN.eventsPerRecord);
    }
    if (wanted('failover')) await benchFailover(env, dir);
  } finally {
    for (const client of Object.values(env.clients)) client.destroy();
    await env.endpoint.close();
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`\nbench took ${fmt((performance.now() - started) / 1000, 0)} s`);
}

await main();
