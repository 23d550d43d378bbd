import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UpdateShardCountCommand } from '@aws-sdk/client-kinesis';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, StartActivityStreamCommand } from '@aws-sdk/client-rds';
import { kmsPortFromClient } from '@das/core';
import { startLocalAws, type LocalAws } from '@das/local-aws';
import type { Fleet, StoredEvent } from '@das/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../src/aws/aws-clients.js';
import { createDasProducer, eventNumber } from './support/das-records.js';
import { putRecords } from './support/local-kinesis.js';
import { createTestDatabase } from './support/pg-database.js';
import { allStoredEvents, connectLive, getJson, TEST_TOKEN, waitFor } from './support/worker-harness.js';
import { exited, spawnWorker } from './support/worker-process.js';

const CLUSTER = 'auroralab-mysql-cluster';
const LEASE_TTL_MS = 3000;
const LEASE_RENEW_MS = 500;

type WorkerProcess = Awaited<ReturnType<typeof spawnWorker>> & { id: string };

/** Owners of the leases that are being read (not finished), from any worker's `GET /fleet`. */
async function fleetOf(url: string): Promise<Fleet> {
  return (await getJson<Fleet>(url, '/fleet')).body;
}

describe('a fleet of three das-worker processes on one PostgreSQL store and a 4-shard stream', () => {
  let emulator: LocalAws;
  let clients: AwsClients;
  let dir: string;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'das-fleet-'));
    database = await createTestDatabase('das_fleet_test');
    emulator = await startLocalAws({ port: 0, dataDir: join(dir, 'emulator'), source: 'none', activityStreamDelayMs: 50, activityStreamShardCount: 4, kinesisDelayMs: 20, log: () => undefined });
    clients = createAwsClients({ region: 'us-east-1', endpoint: emulator.endpoint, credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } });
  });
  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await emulator?.close();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('splits the shards, takes over a killed worker and a paused one, reshards 4 → 8, and stores every event exactly once', async () => {
    const key = (await clients.kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await clients.rds.send(new StartActivityStreamCommand({ ResourceArn: `arn:aws:rds:us-east-1:000000000000:cluster:${CLUSTER}`, KmsKeyId: key.Arn, Mode: 'async', ApplyImmediately: true }));
    await emulator.settle();
    const cluster = (await clients.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: CLUSTER }))).DBClusters![0]!;
    const streamName = cluster.ActivityStreamKinesisStreamName!;
    const envFor = (id: string) => ({
      DAS_DATA_DIR: join(dir, id),
      DAS_TOKEN: TEST_TOKEN,
      DAS_WORKER_PORT: '0',
      DAS_CLUSTER_ID: CLUSTER,
      DAS_START_POSITION: 'TRIM_HORIZON',
      DAS_DECRYPT_THREADS: '1',
      DAS_CLUSTER_POLL_MS: '500',
      DAS_STORE_URL: database.url,
      DAS_WORKER_ID: id,
      DAS_LEASE_TTL_MS: String(LEASE_TTL_MS),
      DAS_LEASE_RENEW_MS: String(LEASE_RENEW_MS),
      AWS_ENDPOINT_URL: emulator.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    const producer = createDasProducer(kmsPortFromClient(clients.kms), { resourceId: cluster.DbClusterResourceId!, keyId: key.Arn!, eventsPerRecord: 5 });
    const produced: number[] = [];
    let producing = true;
    // Steady load: 10 records (50 uniquely numbered events) every 50 ms over 64 partition keys,
    // bounded to 1,200 batches in case the test fails before it says stop.
    let load: Promise<void> = Promise.resolve();
    const startLoad = async () => {
      let i = 0;
      for (let batchNo = 0; producing && batchNo < 1200; batchNo += 1) {
        const batch = [];
        for (let j = 0; j < 10; j += 1, i += 1) {
          const record = await producer.record();
          batch.push({ data: record.data, partitionKey: `pk-${i % 64}` });
          produced.push(...record.numbers);
        }
        await putRecords(clients.kinesis, streamName, batch);
        await sleep(50);
      }
    };
    const workers: WorkerProcess[] = [];
    const outputs = () => workers.map((w) => `--- ${w.id}:\n${w.output().slice(-2500)}`).join('\n');
    try {
      for (const id of ['w1', 'w2', 'w3']) workers.push({ ...(await spawnWorker(envFor(id))), id });
      const [w1, w2, w3] = workers as [WorkerProcess, WorkerProcess, WorkerProcess];
      const lives = new Map<string, Awaited<ReturnType<typeof connectLive>>>();
      for (const w of workers) lives.set(w.id, await connectLive(w.url, 'heartbeats=false'));
      // The load starts once every live client listens, so that each can be checked for all of it.
      load = startLoad();
      load.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled

      // Every worker reads: 4 shards split 2/1/1.
      const split = await waitFor(
        'the shards split over three workers',
        async () => {
          const fleet = await fleetOf(w1.url);
          const counts = ['w1', 'w2', 'w3'].map((id) => fleet.leases.filter((l) => l.owner === id && !l.expired).length);
          return counts.every((n) => n >= 1) && counts.reduce((a, b) => a + b) === 4 ? { fleet, counts } : undefined;
        },
        30_000,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${outputs()}`);
      });
      expect([...split.counts].sort()).toEqual([1, 1, 2]);
      // Every series carries the worker id, the per-shard ones included.
      const metrics = await (await fetch(`${w2.url}/metrics`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).text();
      expect(metrics).toMatch(/das_worker_shard_lag_ms\{[^}]*shard="shardId-[0-9]+"[^}]*worker="w2"|das_worker_shard_lag_ms\{[^}]*worker="w2"[^}]*shard="shardId-[0-9]+"/);
      expect(split.fleet.mode).toBe('fleet');
      expect(split.fleet.workers.filter((w) => w.alive).map((w) => w.workerId).sort()).toEqual(['w1', 'w2', 'w3']);

      // kill -9 the worker with the most leases: the others take its shards over in time.
      const victimId = ['w1', 'w2', 'w3'][split.counts.indexOf(2)] as string;
      const victim = workers.find((w) => w.id === victimId) as WorkerProcess;
      const survivor = workers.find((w) => w.id !== victimId) as WorkerProcess;
      victim.child.kill('SIGKILL');
      await exited(victim.child);
      const killedAt = Date.now();
      await waitFor(
        'the killed worker’s shards taken over',
        async () => {
          const fleet = await fleetOf(survivor.url);
          const open = fleet.leases.filter((l) => !l.finished);
          return open.length === 4 && open.every((l) => l.owner !== null && l.owner !== victimId && !l.expired) ? true : undefined;
        },
        30_000,
      );
      const failoverMs = Date.now() - killedAt;
      // Within the lease expiry plus one renewal interval (and the time to ask /fleet on a loaded machine).
      expect(failoverMs).toBeLessThan(LEASE_TTL_MS + LEASE_RENEW_MS + 1500);

      // Pause a worker past its lease: its shards go to the other, and once resumed it stores nothing twice.
      const paused = survivor;
      const other = workers.find((w) => w.id !== victimId && w.id !== paused.id) as WorkerProcess;
      paused.child.kill('SIGSTOP');
      await waitFor(
        'the paused worker’s shards taken over',
        async () => {
          const fleet = await fleetOf(other.url);
          const open = fleet.leases.filter((l) => !l.finished);
          return open.length > 0 && open.every((l) => l.owner === other.id && !l.expired) ? true : undefined;
        },
        30_000,
      );
      paused.child.kill('SIGCONT');
      // Back in the fleet: it gets a share again. Under CI load this took over 30 s once: a
      // transaction it had open when paused may hold a pooled connection until the server's
      // idle-in-transaction timeout (30 s) ends it.
      await waitFor(
        'the resumed worker balanced back in',
        async () => ((await fleetOf(other.url)).leases.some((l) => l.owner === paused.id && !l.expired) ? true : undefined),
        60_000,
      ).catch(async (error: unknown) => {
        throw new Error(`${String(error)}; leases ${JSON.stringify((await fleetOf(other.url)).leases)}\n${outputs()}`);
      });

      // Reshard 4 → 8 under load: children are read after their parents, by whichever worker.
      await clients.kinesis.send(new UpdateShardCountCommand({ StreamName: streamName, TargetShardCount: 8, ScalingType: 'UNIFORM_SCALING' }));
      await waitFor(
        'eight open shards leased',
        async () => {
          const fleet = await fleetOf(other.url);
          const open = fleet.leases.filter((l) => !l.finished);
          return fleet.leases.filter((l) => l.finished).length >= 4 && open.length === 8 && open.every((l) => l.owner !== null && !l.expired) ? true : undefined;
        },
        60_000,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${outputs()}`);
      });
      await sleep(1000);
      producing = false;
      await load;

      let stored: StoredEvent[] = [];
      await waitFor(
        'every produced event',
        async () => {
          stored = await allStoredEvents(other.url);
          return stored.length >= produced.length ? true : undefined;
        },
        60_000,
      ).catch((error: unknown) => {
        const have = new Set(stored.map(eventNumber));
        const missing = produced.filter((n) => !have.has(n));
        throw new Error(`${String(error)}: ${stored.length} of ${produced.length} stored; missing ${missing.length} (first ${missing.slice(0, 10).join(', ')})\n${outputs()}`);
      });
      const numbers = stored.map(eventNumber);
      expect(numbers.length).toBe(produced.length);
      expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
      expect(new Set(numbers).size).toBe(numbers.length);
      // Order per shard: by id (the order of storing), sequence numbers only grow.
      const byShard = new Map<string, StoredEvent[]>();
      for (const event of [...stored].sort((a, b) => a.id - b.id)) byShard.set(event.shardId, [...(byShard.get(event.shardId) ?? []), event]);
      // The four first shards and (after the reshard) their children.
      const original = new Set(split.fleet.leases.map((l) => l.shardId));
      expect([...byShard.keys()].filter((id) => original.has(id))).toHaveLength(4);
      expect([...byShard.keys()].filter((id) => !original.has(id)).length).toBeGreaterThanOrEqual(4);
      for (const [shardId, events] of byShard) {
        const sequence = events.map((e) => BigInt(e.sequenceNumber));
        expect(sequence.every((s, i) => i === 0 || s >= (sequence[i - 1] as bigint)), shardId).toBe(true);
      }
      // The live feed of the worker that ran throughout carried every worker's events, once each.
      const live = lives.get(other.id) as Awaited<ReturnType<typeof connectLive>>;
      await waitFor('the live feed caught up', () => (live.events().length >= stored.length ? true : undefined), 20_000).catch((error: unknown) => {
        const dropped = live.frames.filter((f) => f.type === 'dropped');
        const have = new Set(live.events().map((e) => e.id));
        const missing = stored.filter((e) => !have.has(e.id)).map((e) => `${e.id}/${e.shardId}`);
        throw new Error(`${String(error)}: live ${live.events().length} of ${stored.length}; dropped frames ${JSON.stringify(dropped)}; missing ${missing.length}: ${missing.slice(0, 20).join(' ')}\n${outputs()}`);
      });
      expect(live.events()).toHaveLength(stored.length);
      expect(new Set(live.events().map((e) => e.id)).size).toBe(stored.length);
      for (const l of lives.values()) l.close();
      expect(failoverMs).toBeGreaterThan(0);
      console.log(`fleet test: failover after kill -9 took ${failoverMs} ms (lease TTL ${LEASE_TTL_MS} ms, renewal ${LEASE_RENEW_MS} ms); ${stored.length} events`);

      // A clean stop gives the leases back at once.
      for (const w of [w1, w2, w3].filter((w) => w.id !== victimId)) w.child.kill('SIGTERM');
      for (const w of [w1, w2, w3].filter((w) => w.id !== victimId)) expect(await exited(w.child), w.output()).toBe(0);
    } finally {
      producing = false;
      await load.catch(() => undefined);
      for (const worker of workers) {
        worker.child.kill('SIGCONT');
        worker.child.kill('SIGKILL');
      }
    }
  }, 240_000);
});
