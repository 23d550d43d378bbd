import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, StartActivityStreamCommand, StopActivityStreamCommand } from '@aws-sdk/client-rds';
import { kmsPortFromClient } from '@das/core';
import type { AlertsPage, EventsPage } from '@das/contracts';
import { startLocalAws, type LocalAws } from '@das/local-aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../src/aws/aws-clients.js';
import { createWorker, type Worker } from '../src/worker.js';
import { createDasProducer, eventNumber } from './support/das-records.js';
import { putRecords } from './support/local-kinesis.js';
import { connectLive, getJson, tempDir, testConfig, waitFor } from './support/worker-harness.js';

const CLUSTER = 'auroralab-mysql-cluster';
const CLUSTER_ARN = `arn:aws:rds:us-east-1:000000000000:cluster:${CLUSTER}`;

describe('worker against @das/local-aws (cluster discovery, KMS over HTTP, decrypt thread)', () => {
  let emulator: LocalAws;
  let clients: AwsClients;
  let worker: Worker;
  let baseUrl: string;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    const emulatorDir = await mkdtemp(join(tmpdir(), 'das-worker-emu-'));
    emulator = await startLocalAws({ port: 0, dataDir: emulatorDir, source: 'none', activityStreamDelayMs: 1000, kinesisDelayMs: 20, log: () => undefined });
    const workerDir = await tempDir();
    cleanups.push(() => workerDir.remove(), () => rm(emulatorDir, { recursive: true, force: true }));
    const aws = { region: 'us-east-1', endpoint: emulator.endpoint, credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } };
    clients = createAwsClients(aws);
    // One real decrypt thread (built JS from dist), KMS over HTTP to the emulator.
    // LATEST (the default): the first stream is read from when the worker found it; a restarted one from its start.
    const config = testConfig({ dataDir: workerDir.path, aws, env: { DAS_DECRYPT_THREADS: '1', DAS_CLUSTER_ID: CLUSTER, DAS_START_POSITION: 'LATEST' } });
    worker = createWorker({ config, clients, consumer: { shardDiscoveryMs: 300 } });
    baseUrl = (await worker.start()).url as string;
  });
  afterAll(async () => {
    await worker?.stop();
    for (const client of Object.values(clients ?? {})) client.destroy();
    await emulator?.close();
    for (const cleanup of cleanups) await cleanup();
  });

  async function startStream(keyArn: string) {
    await clients.rds.send(new StartActivityStreamCommand({ ResourceArn: CLUSTER_ARN, KmsKeyId: keyArn, Mode: 'async', ApplyImmediately: true }));
    await emulator.settle();
    const cluster = (await clients.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: CLUSTER }))).DBClusters![0]!;
    return { streamName: cluster.ActivityStreamKinesisStreamName!, resourceId: cluster.DbClusterResourceId! };
  }

  it('waits for the activity stream, then delivers each event exactly once, and follows a stream stopped and started again', async () => {
    await waitFor('waiting state', () => (worker.status().state === 'waiting for activity stream' ? true : undefined));
    const key = (await clients.kms.send(new CreateKeyCommand({ Description: 'das worker test' }))).KeyMetadata!;
    const kms = kmsPortFromClient(clients.kms);

    const first = await startStream(key.Arn!);
    await waitFor('shard iterators held', () => {
      const status = worker.status();
      return status.state === 'consuming' && status.shards.some((s) => s.state === 'reading' && s.millisBehindLatest !== null) ? true : undefined;
    });
    const live = await connectLive(baseUrl);
    cleanups.push(() => live.close());
    const producer = createDasProducer(kms, { resourceId: first.resourceId, eventsPerRecord: 2, keyId: key.Arn! });
    const batch1 = [];
    for (let i = 0; i < 40; i += 1) batch1.push({ ...(await producer.record()), partitionKey: `p${i}` });
    await putRecords(clients.kinesis, first.streamName, batch1);
    const expected1 = batch1.flatMap((r) => r.numbers);
    await waitFor('first events live', () => (live.events().length >= expected1.length ? true : undefined));

    // Stop: what the capture flushes while the stream is stopping is still read, before RDS deletes it.
    await clients.rds.send(new StopActivityStreamCommand({ ResourceArn: CLUSTER_ARN, ApplyImmediately: true }));
    const stopping = (await clients.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: CLUSTER }))).DBClusters![0]!;
    expect(stopping.ActivityStreamStatus).toBe('stopping');
    const flushed = [];
    for (let i = 0; i < 5; i += 1) flushed.push({ ...(await producer.record()), partitionKey: `s${i}` });
    await putRecords(clients.kinesis, first.streamName, flushed);
    expected1.push(...flushed.flatMap((r) => r.numbers));
    await waitFor('events flushed while stopping live', () => (live.events().length >= expected1.length ? true : undefined));
    // Then started again: a new stream of the same name, followed without a restart.
    await emulator.settle();
    await waitFor('waiting after stop', () => (worker.status().state === 'waiting for activity stream' ? true : undefined));
    // The stream-health rule hears of it.
    const stopped = await waitFor('a stream-health alert', async () => (await getJson<AlertsPage>(baseUrl, '/alerts?rule=stream-health')).body.alerts[0]);
    expect(stopped).toMatchObject({ severity: expect.any(String), group: { clusterId: first.resourceId } });
    const second = await startStream(key.Arn!);
    expect(second.streamName).toBe(first.streamName);
    // Put at once, before the worker has even noticed the new stream: nothing may be lost.
    const batch2 = [];
    for (let i = 0; i < 20; i += 1) batch2.push({ ...(await producer.record()), partitionKey: `q${i}` });
    await putRecords(clients.kinesis, second.streamName, batch2);
    const expected = [...expected1, ...batch2.flatMap((r) => r.numbers)].sort((a, b) => a - b);
    await waitFor('second events live', () => (live.events().length >= expected.length ? true : undefined)).catch(async (error: unknown) => {
      const { body } = await getJson<EventsPage>(baseUrl, '/events?limit=1000');
      throw new Error(`${String(error)}: ${live.events().length} live and ${body.events.length} stored of ${expected.length}; status ${JSON.stringify(worker.status())}`);
    });

    expect(live.events().map(eventNumber).sort((a, b) => a - b)).toEqual(expected);
    const { body } = await getJson<EventsPage>(baseUrl, '/events?limit=1000');
    expect(body.events.map(eventNumber).sort((a, b) => a - b)).toEqual(expected);
    expect(body.events[0]?.clusterId).toBeTypeOf('string');

    const metrics = await fetch(`${baseUrl}/metrics`, { headers: { authorization: 'Bearer test-token-0123456789' } }).then((r) => r.text());
    expect(metrics).toMatch(/das_worker_events_total \d+/);
    expect(metrics).toMatch(/das_worker_kms_calls [1-9]/);
  });
});
