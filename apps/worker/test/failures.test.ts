import { afterEach, describe, expect, it } from 'vitest';
import { DeleteStreamCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import type { KmsPort } from '@das/core';
import { createMemoryKms, kmsError } from '@das/core/testing';
import type { DeadLetterReplayPlan, DeadLetterReplayResult, DeadLettersPage } from '@das/contracts';
import { createAwsClients } from '../src/aws/aws-clients.js';
import { createDuckDbEventStore } from '../src/store/duckdb-event-store.js';
import { createWorker, type Worker } from '../src/worker.js';
import { createDasProducer, eventNumber, recordsWithOwnDataKeys } from './support/das-records.js';
import { createStream, putRecords, startKinesalite, waitForStreamActive } from './support/local-kinesis.js';
import { allStoredEvents, getJson, tempDir, TEST_TOKEN, testConfig, waitFor } from './support/worker-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A KMS that generates data keys with `memory` and decrypts through `decrypt` (outages, slowness). */
function decryptingWith(memory: KmsPort, decrypt: KmsPort['decrypt']): KmsPort {
  return { decrypt, generateDataKey: (keyId, context) => memory.generateDataKey(keyId, context) };
}

/** kinesalite with one stream, and a worker config (temp data dir) for it; both removed after the test. */
async function streamOnKinesalite(streamName: string, shards = 1, env: Record<string, string> = {}) {
  const local = await startKinesalite();
  cleanups.push(() => local.close());
  const dir = await tempDir();
  cleanups.push(() => dir.remove());
  await createStream(local.kinesis, streamName, shards);
  return { local, config: testConfig({ dataDir: dir.path, aws: local.aws, streamName, env }) };
}

async function setup(streamName: string, kms: KmsPort, shards = 1, env: Record<string, string> = {}) {
  const { local, config } = await streamOnKinesalite(streamName, shards, env);
  const worker: Worker = createWorker({
    config,
    clients: createAwsClients(local.aws),
    kms,
    consumer: { shardDiscoveryMs: 300, kmsBackoffMs: { first: 50, max: 200 } },
  });
  const base = (await worker.start()).url as string;
  cleanups.push(() => worker.stop());
  await waitFor('consuming', () => (worker.status().state === 'consuming' ? true : undefined));
  return { local, worker, base };
}


describe('bad records and outages', () => {
  it('dead-letters tampered, truncated and foreign-key records with their reason and delivers the good ones around them', async () => {
    const kms = createMemoryKms();
    const { local, base } = await setup('aws-rds-das-bad', kms);
    const good = createDasProducer(kms);
    const foreign = createDasProducer(kms, { resourceId: 'cluster-AAAAAAAAAAAAAAAAAAAAAAAAAA' });
    const r1 = await good.record();
    const tamperedSource = await good.record();
    const envelope = JSON.parse(Buffer.from(tamperedSource.data).toString('utf8')) as { databaseActivityEvents: string };
    const body = Buffer.from(envelope.databaseActivityEvents, 'base64');
    body[body.length - 120] = (body[body.length - 120] as number) ^ 0xff;
    envelope.databaseActivityEvents = body.toString('base64');
    const tampered = Buffer.from(JSON.stringify(envelope));
    const truncated = Buffer.from(tamperedSource.data).subarray(0, 200);
    const r2 = await good.record();
    const foreignRecord = await foreign.record();
    const r3 = await good.record();
    const placed = await putRecords(local.kinesis, 'aws-rds-das-bad', [
      { data: r1.data, partitionKey: 'k' },
      { data: tampered, partitionKey: 'k' },
      { data: truncated, partitionKey: 'k' },
      { data: r2.data, partitionKey: 'k' },
      { data: foreignRecord.data, partitionKey: 'k' },
      { data: r3.data, partitionKey: 'k' },
    ]);
    const dead = await waitFor('dead letters', async () => {
      const { body: page } = await getJson<DeadLettersPage>(base, '/dead-letters');
      return page.deadLetters.length === 3 ? page.deadLetters : undefined;
    });
    expect(dead.map((d) => [d.sequenceNumber, d.reason]).reverse()).toEqual([
      [placed[1]?.sequenceNumber, 'PAYLOAD_DECRYPT_FAILED'],
      [placed[2]?.sequenceNumber, 'ENVELOPE_NOT_JSON'],
      [placed[4]?.sequenceNumber, 'KEY_DECRYPT_FAILED'],
    ]);
    // The list leaves the data out; one letter by id carries it, byte for byte.
    expect(dead.every((letter) => letter.data === undefined)).toBe(true);
    const { body: letter } = await getJson<{ data?: string }>(base, `/dead-letters/${dead.at(-2)?.id}`);
    expect(Buffer.from(letter.data as string, 'base64')).toEqual(truncated);
    const stored = await waitFor('good events', async () => {
      const events = await allStoredEvents(base);
      return events.length === 3 ? events : undefined;
    });
    expect(stored.map(eventNumber).sort()).toEqual([...r1.numbers, ...r2.numbers, ...r3.numbers].sort());
    const metrics = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer test-token-0123456789' } }).then((r) => r.text());
    expect(metrics).toContain('das_worker_decrypt_failures_total{reason="KEY_DECRYPT_FAILED"} 1');
  });

  it('dead-letters an envelope version it cannot read with its own reason, decodes a later 1.x, counts it, and goes on', async () => {
    const kms = createMemoryKms();
    const { local, base } = await setup('aws-rds-das-versions', kms);
    const producer = createDasProducer(kms);
    const versioned = async (version: string) => {
      const record = await producer.record();
      const envelope = JSON.parse(Buffer.from(record.data).toString('utf8')) as Record<string, unknown>;
      return { ...record, data: Buffer.from(JSON.stringify({ ...envelope, version })) };
    };
    const [known, unreadable, newer, major2] = [await versioned('1.2'), await versioned('9.9'), await versioned('1.7'), await versioned('2.0')];
    const placed = await putRecords(local.kinesis, 'aws-rds-das-versions', [known, unreadable, newer, major2].map((r) => ({ data: r.data, partitionKey: 'k' })));
    const dead = await waitFor('dead letters', async () => {
      const { body: page } = await getJson<DeadLettersPage>(base, '/dead-letters');
      return page.deadLetters.length === 2 ? page.deadLetters : undefined;
    });
    expect(dead.map((d) => [d.sequenceNumber, d.reason]).reverse()).toEqual([
      [placed[1]?.sequenceNumber, 'ENVELOPE_VERSION_UNSUPPORTED'],
      [placed[3]?.sequenceNumber, 'ENVELOPE_VERSION_UNSUPPORTED'],
    ]);
    const stored = await waitFor('the readable events', async () => {
      const events = await allStoredEvents(base);
      return events.length === 2 ? events : undefined;
    });
    expect(stored.map(eventNumber).sort()).toEqual([...known.numbers, ...newer.numbers].sort());
    const metrics = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } }).then((r) => r.text());
    expect(metrics).toContain('das_worker_newer_contract_records_total 1');
    expect(metrics).toContain('das_worker_decrypt_failures_total{reason="ENVELOPE_VERSION_UNSUPPORTED"} 2');
  });

  it('retries while KMS throttles, dead-letters nothing, checkpoints nothing past it, then delivers every event once', async () => {
    const memory = createMemoryKms();
    let outageUntil = Number.POSITIVE_INFINITY;
    let refused = 0;
    const flaky = decryptingWith(memory, async (blob, context) => {
      if (Date.now() < outageUntil) {
        refused += 1;
        throw kmsError('ThrottlingException', 400);
      }
      return memory.decrypt(blob, context);
    });
    const { local, worker, base } = await setup('aws-rds-das-kms', flaky);
    const producer = createDasProducer(memory, { eventsPerRecord: 2 });
    const records = [];
    for (let i = 0; i < 30; i += 1) records.push({ ...(await producer.record()), partitionKey: `k${i}` });
    await putRecords(local.kinesis, 'aws-rds-das-kms', records);
    await waitFor('KMS refused a few times', () => (refused >= 3 ? true : undefined));
    expect(worker.status().storedEvents).toBe(0);
    expect((await getJson<DeadLettersPage>(base, '/dead-letters')).body.deadLetters).toEqual([]);
    expect(worker.status().shards[0]?.lastSequenceNumber).toBeNull();
    outageUntil = 0;
    const stored = await waitFor('all events after the outage', async () => {
      const events = await allStoredEvents(base);
      return events.length >= 60 ? events : undefined;
    });
    expect(stored.map(eventNumber).sort((a, b) => a - b)).toEqual(records.flatMap((r) => r.numbers));
    expect((await getJson<DeadLettersPage>(base, '/dead-letters')).body.deadLetters).toEqual([]);
  });

  it('replays dead letters once KMS lets the worker in: recovered records become events, bad ones stay', async () => {
    const memory = createMemoryKms();
    let denied = true;
    let kmsCalls = 0;
    // A key policy that does not name the worker's role yet: KMS refuses, the records dead-letter.
    const policed = decryptingWith(memory, async (blob, context) => {
      if (denied) throw kmsError('AccessDeniedException', 400);
      kmsCalls += 1;
      return memory.decrypt(blob, context);
    });
    const { local, worker, base } = await setup('aws-rds-das-denied', policed);
    const producer = createDasProducer(memory, { eventsPerRecord: 2 });
    const records = [];
    for (let i = 0; i < 4; i += 1) records.push({ ...(await producer.record()), partitionKey: 'k' });
    const truncated = Buffer.from(records[0]!.data).subarray(0, 200);
    await putRecords(local.kinesis, 'aws-rds-das-denied', [...records, { data: truncated, partitionKey: 'k' }]);
    const dead = await waitFor('dead letters', async () => {
      const { body } = await getJson<DeadLettersPage>(base, '/dead-letters');
      return body.deadLetters.length === 5 ? body.deadLetters : undefined;
    });
    expect(dead.filter((d) => d.reason === 'KEY_DECRYPT_FAILED')).toHaveLength(4);
    expect(worker.status().storedEvents).toBe(0);

    const replay = (query: string) =>
      fetch(`${base}/dead-letters/replay${query}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    // Still denied: nothing is recovered, nothing is lost.
    const refused = (await (await replay('?reason=KEY_DECRYPT_FAILED')).json()) as DeadLetterReplayResult;
    expect(refused).toEqual({ examined: 4, recovered: 0, events: 0, stillFailing: 4, retryLater: 0, interrupted: false });

    denied = false;
    // A selection first: its plan says how many letters and KMS calls (at most) before it runs.
    const selected = dead.filter((d) => d.reason === 'KEY_DECRYPT_FAILED').slice(0, 2).map((d) => d.id);
    const plan = (await getJson<DeadLetterReplayPlan>(base, `/dead-letters/replay-plan?ids=${selected.join(',')}`)).body;
    expect(plan.letters).toBe(2);
    expect(plan.kmsCalls).toBeGreaterThan(0);
    expect(await (await replay(`?ids=${selected.join(',')}`)).json()).toEqual({ examined: 2, recovered: 2, events: 4, stillFailing: 0, retryLater: 0, interrupted: false });
    expect(kmsCalls).toBeLessThanOrEqual(plan.kmsCalls);
    expect((await getJson<DeadLettersPage>(base, '/dead-letters')).body.deadLetters.map((d) => d.id)).not.toContain(selected[0]);
    const response = await replay('');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ examined: 3, recovered: 2, events: 4, stillFailing: 1, retryLater: 0, interrupted: false });
    const stored = await allStoredEvents(base);
    expect(stored.map(eventNumber).sort((a, b) => a - b)).toEqual(records.flatMap((r) => r.numbers));
    const left = (await getJson<DeadLettersPage>(base, '/dead-letters')).body.deadLetters;
    expect(left.map((d) => d.reason)).toEqual(['ENVELOPE_NOT_JSON']);
    expect(worker.status()).toMatchObject({ storedEvents: 8, deadLetters: 1 });

    // A second replay finds nothing more to recover; the token is required.
    expect(await (await replay('')).json()).toMatchObject({ examined: 1, recovered: 0 });
    expect((await fetch(`${base}/dead-letters/replay`, { method: 'POST' })).status).toBe(401);
  });

  it('retries key failures on its own when asked to: one probe per interval while denied, all letters once KMS lets it in', async () => {
    const memory = createMemoryKms();
    let denied = true;
    let deniedCalls = 0;
    const policed = decryptingWith(memory, async (blob, context) => {
      if (denied) {
        deniedCalls += 1;
        throw kmsError('AccessDeniedException', 400);
      }
      return memory.decrypt(blob, context);
    });
    const streamName = 'aws-rds-das-auto';
    const { local, worker, base } = await setup(streamName, policed, 1, { DAS_DEAD_LETTER_RETRY_SECONDS: '1' });
    // One data key per record: without the probe every retry would cost one KMS call per letter.
    const records = await recordsWithOwnDataKeys(memory, 20, 2);
    await putRecords(local.kinesis, streamName, records);
    await waitFor('20 dead letters', () => (worker.status().deadLetters === 20 ? true : undefined));
    const afterDecode = deniedCalls;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    // About one probe a second, not 20 calls a second.
    expect(deniedCalls - afterDecode).toBeGreaterThanOrEqual(1);
    expect(deniedCalls - afterDecode).toBeLessThanOrEqual(4);
    expect(worker.status().deadLetters).toBe(20);

    denied = false;
    await waitFor('every letter recovered', () => (worker.status().deadLetters === 0 ? true : undefined), 10_000);
    const stored = await allStoredEvents(base);
    expect(stored.map(eventNumber).sort((a, b) => a - b)).toEqual(records.flatMap((r) => r.numbers));
    expect((await getJson<DeadLettersPage>(base, '/dead-letters')).body.deadLetters).toEqual([]);
  });

  it('cuts a replay short when the stream ends, says so, loses nothing, and a replay on the next stream finishes it', async () => {
    const memory = createMemoryKms();
    let denied = true;
    let allowedCalls = 0;
    // Denied first (the records dead-letter), then slow enough (a page of 100 takes 3 s) that the
    // worker notices the stream's end while the first page is still being decrypted.
    const policed = decryptingWith(memory, async (blob, context) => {
      if (denied) throw kmsError('AccessDeniedException', 400);
      allowedCalls += 1;
      await new Promise((resolve) => setTimeout(resolve, 30));
      return memory.decrypt(blob, context);
    });
    const streamName = 'aws-rds-das-cut';
    const { local, worker, base } = await setup(streamName, policed);
    // One data key per record, so that every letter costs a KMS call.
    const records = await recordsWithOwnDataKeys(memory, 150, 2);
    await putRecords(local.kinesis, streamName, records);
    await waitFor('150 dead letters', () => (worker.status().deadLetters === 150 ? true : undefined));
    // /status counts a dead letter once it is stored: the list holds every one it counts.
    expect((await getJson<DeadLettersPage>(base, '/dead-letters?limit=200')).body.deadLetters).toHaveLength(150);

    denied = false;
    const replay = () => fetch(`${base}/dead-letters/replay`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    const cut = replay();
    await waitFor('replay under way', () => (allowedCalls >= 10 ? true : undefined));
    await local.kinesis.send(new DeleteStreamCommand({ StreamName: streamName }));
    const first = (await (await cut).json()) as DeadLetterReplayResult;
    // The page being decrypted is finished and stored; the next page is not begun.
    expect(first).toEqual({ examined: 100, recovered: 100, events: 200, stillFailing: 0, retryLater: 0, interrupted: true });
    expect((await replay()).status).toBe(409);

    await createStream(local.kinesis, streamName, 1);
    await waitFor('consuming the new stream', () => (worker.status().state === 'consuming' ? true : undefined));
    expect(await (await replay()).json()).toEqual({ examined: 50, recovered: 50, events: 100, stillFailing: 0, retryLater: 0, interrupted: false });
    const stored = await allStoredEvents(base);
    expect(stored.map(eventNumber).sort((a, b) => a - b)).toEqual(records.flatMap((r) => r.numbers).sort((a, b) => a - b));
    expect(worker.status()).toMatchObject({ storedEvents: 300, deadLetters: 0 });
  });

  it('follows a shard split while consuming: nothing lost, nothing twice, order kept per partition key', async () => {
    const kms = createMemoryKms();
    const streamName = 'aws-rds-das-split';
    const { local, base } = await setup(streamName, kms);
    const producer = createDasProducer(kms);
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    const byKey = new Map<string, number[]>();
    async function put(n: number) {
      const batch = [];
      for (let i = 0; i < n; i += 1) {
        const record = await producer.record();
        const key = keys[i % keys.length] as string;
        byKey.set(key, [...(byKey.get(key) ?? []), ...record.numbers]);
        batch.push({ data: record.data, partitionKey: key });
      }
      await putRecords(local.kinesis, streamName, batch);
    }
    await put(60);
    await waitFor('first events', async () => ((await allStoredEvents(base)).length > 0 ? true : undefined));
    await local.kinesis.send(new SplitShardCommand({ StreamName: streamName, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: (2n ** 127n).toString() }));
    await waitForStreamActive(local.kinesis, streamName);
    await put(60);
    await put(60);
    const stored = await waitFor('every event', async () => {
      const events = await allStoredEvents(base);
      return events.length >= 180 ? events : undefined;
    });
    expect(stored).toHaveLength(180);
    expect(new Set(stored.map(eventNumber)).size).toBe(180);
    expect(new Set(stored.map((e) => e.shardId)).size).toBe(3);
    // Store ids follow storage order: per partition key it must be the order the events were put.
    const idOf = new Map(stored.map((e) => [eventNumber(e), e.id]));
    for (const [key, numbers] of byKey) {
      const ids = numbers.map((n) => idOf.get(n) as number);
      expect(ids, key).toEqual([...ids].sort((a, b) => a - b));
    }
  });
});

describe('start position LATEST on a stream resharded before the first start', () => {
  it('skips the history of closed parents and their children, then delivers what arrives', async () => {
    const kms = createMemoryKms();
    const streamName = 'aws-rds-das-latest';
    const { local, config } = await streamOnKinesalite(streamName, 1, { DAS_START_POSITION: 'LATEST' });
    const producer = createDasProducer(kms);
    const put = async (n: number) => {
      const batch = [];
      for (let i = 0; i < n; i += 1) batch.push({ ...(await producer.record()), partitionKey: `k${i}` });
      await putRecords(local.kinesis, streamName, batch);
      return batch.flatMap((r) => r.numbers);
    };
    await put(10);
    await local.kinesis.send(new SplitShardCommand({ StreamName: streamName, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: (2n ** 127n).toString() }));
    await waitForStreamActive(local.kinesis, streamName);
    await put(10);
    const worker = createWorker({ config, clients: createAwsClients(local.aws), kms, consumer: { shardDiscoveryMs: 300 } });
    const base = (await worker.start()).url as string;
    cleanups.push(() => worker.stop());
    // Both children hold a LATEST iterator once they answered a first GetRecords.
    await waitFor('children reading', () => {
      const reading = worker.status().shards.filter((s) => s.state === 'reading' && s.millisBehindLatest !== null);
      return reading.length === 2 ? true : undefined;
    });
    const fresh = await put(10);
    const stored = await waitFor('new events', async () => {
      const events = await allStoredEvents(base);
      return events.length >= fresh.length ? events : undefined;
    });
    // History would have been read before the new records: only the new ones are there.
    expect(stored.map(eventNumber).sort((a, b) => a - b)).toEqual(fresh);
  });
});

describe('graceful stop', () => {
  it('stores and checkpoints the batch in flight, and a restart continues exactly once', async () => {
    const memory = createMemoryKms();
    let kmsCalls = 0;
    // A slow KMS keeps the first batch in flight while stop() is called.
    const slow = decryptingWith(memory, async (blob, context) => {
      kmsCalls += 1;
      await new Promise((resolve) => setTimeout(resolve, 400));
      return memory.decrypt(blob, context);
    });
    const streamName = 'aws-rds-das-stop';
    const { local, config } = await streamOnKinesalite(streamName);
    const producer = createDasProducer(memory, { eventsPerRecord: 2 });
    const records = [];
    for (let i = 0; i < 40; i += 1) records.push({ ...(await producer.record()), partitionKey: `k${i}` });
    await putRecords(local.kinesis, streamName, records.slice(0, 20));

    const first = createWorker({ config, clients: createAwsClients(local.aws), kms: slow });
    await first.start();
    await waitFor('decrypt in flight', () => (kmsCalls > 0 ? true : undefined));
    const steps: string[] = [];
    await first.stop((step) => steps.push(step));
    // What das-worker names when a stop outlasts its deadline, in the order they are waited for.
    expect(steps.map((step) => step.split(' (')[0])).toEqual(['the stream loop', 'the alert publisher', 'the alert evaluator', 'the HTTP server', 'the event store']);
    const store = await createDuckDbEventStore({ path: config.storePath });
    const afterStop = await store.counts();
    const [checkpoint] = await store.checkpoints((await store.streamKeys())[0] as string);
    await store.close();
    expect(afterStop.events).toBe(40);
    expect(checkpoint?.sequenceNumber).not.toBeNull();

    await putRecords(local.kinesis, streamName, records.slice(20));
    const second = createWorker({ config, clients: createAwsClients(local.aws), kms: memory });
    const base = (await second.start()).url as string;
    cleanups.push(() => second.stop());
    const stored = await waitFor('every event', async () => {
      const events = await allStoredEvents(base);
      return events.length >= 80 ? events : undefined;
    });
    expect(stored.map(eventNumber).sort((a, b) => a - b)).toEqual(records.flatMap((r) => r.numbers));
  });
});

describe('restart before anything of a shard was stored', () => {
  it('reads the records that arrived before the first start again from TRIM_HORIZON, not from the begin time', async () => {
    const memory = createMemoryKms();
    let refused = 0;
    const unreachable = decryptingWith(memory, async () => {
      refused += 1;
      throw kmsError('ThrottlingException', 400);
    });
    const streamName = 'aws-rds-das-begun';
    const { local, config } = await streamOnKinesalite(streamName);
    const producer = createDasProducer(memory, { eventsPerRecord: 2 });
    const records = [];
    for (let i = 0; i < 10; i += 1) records.push({ ...(await producer.record()), partitionKey: `k${i}` });
    await putRecords(local.kinesis, streamName, records);
    // The records are older than the begin time minus its clock-skew margin (1 s).
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // The first run begins the shard but stores nothing: KMS refuses until it is stopped.
    const first = createWorker({ config, clients: createAwsClients(local.aws), kms: unreachable, consumer: { kmsBackoffMs: { first: 50, max: 200 } } });
    await first.start();
    await waitFor('KMS refused', () => (refused > 0 ? true : undefined));
    await first.stop();
    const store = await createDuckDbEventStore({ path: config.storePath });
    const [checkpoint] = await store.checkpoints((await store.streamKeys())[0] as string);
    await store.close();
    expect(checkpoint).toMatchObject({ sequenceNumber: null });
    expect(checkpoint?.startedAtMs).not.toBeNull();

    const second = createWorker({ config, clients: createAwsClients(local.aws), kms: memory });
    const base = (await second.start()).url as string;
    cleanups.push(() => second.stop());
    const stored = await waitFor(
      'every event',
      async () => {
        const events = await allStoredEvents(base);
        return events.length >= 20 ? events : undefined;
      },
      10_000,
    );
    expect(stored.map(eventNumber).sort((a, b) => a - b)).toEqual(records.flatMap((r) => r.numbers));
  });
});
