import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryKms } from '@das/core/testing';
import { createAwsClients } from '../src/aws/aws-clients.js';
import { createWorker, type Worker } from '../src/worker.js';
import { createDasProducer, eventNumber } from './support/das-records.js';
import { createStream, putRecords, startKinesalite } from './support/local-kinesis.js';
import { allStoredEvents, connectLive, getJson, tempDir, testConfig, waitFor } from './support/worker-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});


describe('worker end to end (kinesalite, real SDK clients, in-thread decryption)', () => {
  it('delivers every event put on the stream over WebSocket and into the store, each exactly once', async () => {
    const local = await startKinesalite();
    cleanups.push(() => local.close());
    const dir = await tempDir();
    cleanups.push(() => dir.remove());
    await createStream(local.kinesis, 'aws-rds-das-e2e', 2);
    const kms = createMemoryKms();
    const config = testConfig({ dataDir: dir.path, aws: local.aws, streamName: 'aws-rds-das-e2e' });
    const worker: Worker = createWorker({ config, clients: createAwsClients(local.aws), kms, consumer: { shardDiscoveryMs: 500 } });
    const { url } = await worker.start();
    cleanups.push(() => worker.stop());
    const base = url as string;
    await waitFor('consuming', () => (worker.status().state === 'consuming' ? true : undefined));
    const live = await connectLive(base);
    cleanups.push(() => live.close());

    const producer = createDasProducer(kms, { eventsPerRecord: 3 });
    const records = [];
    for (let i = 0; i < 100; i += 1) records.push({ ...(await producer.record()), partitionKey: `pk-${i}` });
    await putRecords(local.kinesis, 'aws-rds-das-e2e', records);
    const expected = records.flatMap((r) => r.numbers).sort((a, b) => a - b);

    await waitFor('live events', () => (live.events().length >= expected.length ? true : undefined));
    const liveNumbers = live.events().map(eventNumber).sort((a, b) => a - b);
    expect(liveNumbers).toEqual(expected);

    const stored = await allStoredEvents(base);
    expect(stored.map(eventNumber).sort((a, b) => a - b)).toEqual(expected);
    expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
    // Newest first.
    const times = stored.map((e) => e.time);
    expect([...times].sort().reverse()).toEqual(times);
    expect(stored[0]).toMatchObject({ user: 'app_user', command: 'QUERY', kind: 'record' });
    expect(stored[0]?.shardId).toMatch(/^shardId-/);

    const status = worker.status();
    expect(status.shards.length).toBe(2);
    expect(status.storedEvents).toBe(expected.length);
  });

  it('creates <dataDir>/token when DAS_TOKEN is not set, requires it, and answers health without it', async () => {
    const local = await startKinesalite();
    cleanups.push(() => local.close());
    const dir = await tempDir();
    cleanups.push(() => dir.remove());
    await createStream(local.kinesis, 'aws-rds-das-token', 1);
    const config = testConfig({ dataDir: dir.path, aws: local.aws, streamName: 'aws-rds-das-token', env: { DAS_TOKEN: '' } });
    const worker = createWorker({ config, clients: createAwsClients(local.aws), kms: createMemoryKms() });
    const { url, token, tokenFile } = await worker.start();
    cleanups.push(() => worker.stop());
    expect(tokenFile).toBe(join(dir.path, 'token'));
    expect((await readFile(tokenFile as string, 'utf8')).trim()).toBe(token);
    const base = url as string;
    expect((await fetch(`${base}/events`)).status).toBe(401);
    expect((await getJson(base, '/events', token)).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await waitFor('ready', async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : undefined));
  });
});
