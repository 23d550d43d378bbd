import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, StartActivityStreamCommand } from '@aws-sdk/client-rds';
import { kmsPortFromClient } from '@das/core';
import { startLocalAws, type LocalAws } from '@das/local-aws';
import type { StoredEvent } from '@das/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../src/aws/aws-clients.js';
import { createDasProducer, eventNumber } from './support/das-records.js';
import { putRecords } from './support/local-kinesis.js';
import { allStoredEvents, TEST_TOKEN, waitFor } from './support/worker-harness.js';
import { exited, spawnWorker } from './support/worker-process.js';

const CLUSTER = 'auroralab-mysql-cluster';


describe('das-worker process killed with SIGKILL under load (built bin, @das/local-aws)', () => {
  let emulator: LocalAws;
  let clients: AwsClients;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'das-worker-crash-'));
    emulator = await startLocalAws({ port: 0, dataDir: join(dir, 'emulator'), source: 'none', activityStreamDelayMs: 50, activityStreamShardCount: 2, kinesisDelayMs: 20, log: () => undefined });
    clients = createAwsClients({ region: 'us-east-1', endpoint: emulator.endpoint, credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } });
  });
  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await emulator?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores every event produced exactly once after kill -9 and restart', async () => {
    const key = (await clients.kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await clients.rds.send(new StartActivityStreamCommand({ ResourceArn: `arn:aws:rds:us-east-1:000000000000:cluster:${CLUSTER}`, KmsKeyId: key.Arn, Mode: 'async', ApplyImmediately: true }));
    await emulator.settle();
    const cluster = (await clients.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: CLUSTER }))).DBClusters![0]!;
    const streamName = cluster.ActivityStreamKinesisStreamName!;
    const env = {
      DAS_DATA_DIR: join(dir, 'worker'),
      DAS_TOKEN: TEST_TOKEN,
      DAS_WORKER_PORT: '0',
      DAS_CLUSTER_ID: CLUSTER,
      DAS_START_POSITION: 'TRIM_HORIZON',
      DAS_DECRYPT_THREADS: '1',
      DAS_CLUSTER_POLL_MS: '500',
      AWS_ENDPOINT_URL: emulator.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
      AWS_SECRET_ACCESS_KEY: 'local',
    };
    const producer = createDasProducer(kmsPortFromClient(clients.kms), { resourceId: cluster.DbClusterResourceId!, keyId: key.Arn!, eventsPerRecord: 5 });
    const produced: number[] = [];
    let producing = true;
    // Steady load across the crash: 10 records (50 events) every 50 ms, in the background,
    // bounded to 400 batches in case the test fails before it says stop.
    const load = (async () => {
      let i = 0;
      for (let batchNo = 0; producing && batchNo < 400; batchNo += 1) {
        const batch = [];
        for (let j = 0; j < 10; j += 1, i += 1) {
          const record = await producer.record();
          batch.push({ data: record.data, partitionKey: `pk-${i % 16}` });
          produced.push(...record.numbers);
        }
        await putRecords(clients.kinesis, streamName, batch);
        await sleep(50);
      }
    })();
    load.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
    const workers: Awaited<ReturnType<typeof spawnWorker>>[] = [];
    try {
      const first = await spawnWorker(env);
      workers.push(first);
      await waitFor('events stored before the crash', async () => ((await allStoredEvents(first.url)).length > 300 ? true : undefined), 30_000).catch(
        (error: unknown) => {
          throw new Error(`${String(error)}\nfirst worker:\n${first.output().slice(-3000)}`);
        },
      );
      first.child.kill('SIGKILL');
      await exited(first.child);
      await sleep(700);
      const second = await spawnWorker(env);
      workers.push(second);
      await sleep(1000);
      producing = false;
      await load;

      let stored: StoredEvent[] = [];
      await waitFor(
        'every produced event',
        async () => {
          stored = await allStoredEvents(second.url);
          return stored.length >= produced.length ? true : undefined;
        },
        60_000,
      ).catch((error: unknown) => {
        // Say what is missing and what the worker said, so that a failure can be told apart from slowness.
        const have = new Set(stored.map(eventNumber));
        const missing = produced.filter((n) => !have.has(n));
        throw new Error(
          `${String(error)}: ${stored.length} of ${produced.length} stored; missing ${missing.length} (first ${missing.slice(0, 10).join(', ')})\n` +
            `first worker:\n${first.output().slice(-3000)}\nsecond worker:\n${second.output().slice(-3000)}`,
        );
      });
      const numbers = stored.map(eventNumber);
      expect(numbers.length).toBe(produced.length);
      expect(new Set(numbers).size).toBe(numbers.length);
      expect(numbers.sort((a, b) => a - b)).toEqual([...produced].sort((a, b) => a - b));
      second.child.kill('SIGTERM');
      expect(await exited(second.child)).toBe(0);
    } finally {
      producing = false;
      await load.catch(() => undefined);
      for (const worker of workers) worker.child.kill('SIGKILL');
    }
  }, 120_000); // two worker starts, a catch-up and a clean stop: more than the default bound on a loaded machine
});
