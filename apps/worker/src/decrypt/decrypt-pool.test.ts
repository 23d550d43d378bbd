import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryKms, kmsError } from '@das/core/testing';
import { createDasProducer, eventNumber } from '../../test/support/das-records.js';
import { createDecryptPool, type DecryptPool } from './decrypt-pool.js';

const pools: DecryptPool[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

describe('decrypt pool', () => {
  it('keeps input order and turns bad records into reason codes (in-thread)', async () => {
    const kms = createMemoryKms();
    const producer = createDasProducer(kms, { eventsPerRecord: 2 });
    const pool = createDecryptPool({ threads: 0, resourceId: 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ', kms });
    pools.push(pool);
    const records = [];
    for (let i = 0; i < 20; i += 1) records.push(await producer.record());
    const data = records.map((r) => r.data);
    data.splice(5, 0, Buffer.from('{"not":"an envelope"}'));
    const outcomes = await pool.decode(data);
    expect(outcomes[5]).toMatchObject({ kind: 'bad', reason: 'ENVELOPE_INVALID' });
    const numbers = outcomes.flatMap((o) => (o.kind === 'events' ? o.events.map(eventNumber) : []));
    expect(numbers).toEqual(records.flatMap((r) => r.numbers));
    // One data key for the producer: one KMS call, the rest from the cache.
    expect(pool.stats()).toMatchObject({ kmsCalls: 1 });
    expect(pool.stats().cacheHits).toBeGreaterThan(15);
  });

  it('answers retry (not bad) when the worker threads cannot reach KMS, in order across threads', async () => {
    const kms = createMemoryKms();
    const producer = createDasProducer(kms);
    // Threads build their own KMS client: pointed at a closed port, every key load is "unavailable".
    const pool = createDecryptPool({
      threads: 2,
      resourceId: 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ',
      aws: { region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
    });
    pools.push(pool);
    const data = [Buffer.from('garbage')];
    for (let i = 0; i < 4; i += 1) data.push(Buffer.from((await producer.record()).data));
    const outcomes = await pool.decode(data);
    expect(outcomes.map((o) => o.kind)).toEqual(['bad', 'retry', 'retry', 'retry', 'retry']);
  });

  it('calls KMS once per distinct data key with 1 and 4 threads, keeping order', { timeout: 60_000 }, async () => {
    const kms = createMemoryKms({ latencyMs: 20 });
    const producers = Array.from({ length: 5 }, (_, p) => createDasProducer(kms, { eventsPerRecord: 2, firstNumber: p * 1000 }));
    const records: { data: Uint8Array; numbers: number[] }[] = [];
    // Interleaved, so that several threads need the same key at the same time.
    for (let i = 0; i < 12; i += 1) for (const producer of producers) records.push(await producer.record());
    const data = records.map((r) => r.data);
    const before = data.map((d) => d.byteLength);
    for (const threads of [1, 4]) {
      const pool = createDecryptPool({ threads, resourceId: 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ', kms });
      pools.push(pool);
      const outcomes = await pool.decode(data);
      const numbers = outcomes.flatMap((o) => (o.kind === 'events' ? o.events.map(eventNumber) : []));
      expect(numbers, `${threads} threads`).toEqual(records.flatMap((r) => r.numbers));
      expect(pool.stats().kmsCalls, `${threads} threads`).toBe(producers.length);
      // A second pass is served from the one cache (a thread asks once per key and batch).
      await pool.decode(data);
      expect(pool.stats().kmsCalls).toBe(producers.length);
      expect(pool.stats().cacheHits).toBeGreaterThanOrEqual(producers.length);
    }
    // The caller's buffers were copied into the transferred batches, never detached.
    expect(data.map((d) => d.byteLength)).toEqual(before);
  });

  it('does not cache a KMS failure: throttled records come back as retry, then decrypt', async () => {
    const kms = createMemoryKms();
    const producer = createDasProducer(kms);
    const data: Uint8Array[] = [];
    for (let i = 0; i < 6; i += 1) data.push((await producer.record()).data);
    // One thread: its one request meets the one failure (with two, the second may come after it).
    const pool = createDecryptPool({ threads: 1, resourceId: 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ', kms });
    pools.push(pool);
    kms.failNext(kmsError('ThrottlingException', 400));
    const first = await pool.decode(data);
    expect(first.every((o) => o.kind === 'retry')).toBe(true);
    const second = await pool.decode(data);
    expect(second.map((o) => o.kind)).toEqual(data.map(() => 'events'));
    expect(pool.stats().kmsCalls).toBe(2);
  });

  it('turns a key KMS refuses into bad records, in threads too', async () => {
    const kms = createMemoryKms();
    const record = (await createDasProducer(kms).record()).data;
    const pool = createDecryptPool({ threads: 1, resourceId: 'cluster-2XDW3ZMBGQ6YLO6FEW7ZCUTDSU', kms });
    pools.push(pool);
    expect(await pool.decode([record])).toMatchObject([{ kind: 'bad', reason: 'KEY_DECRYPT_FAILED' }]);
  });

  it("decrypts with the SDK alone when asked (decryptEngine: 'sdk')", async () => {
    const kms = createMemoryKms();
    const producer = createDasProducer(kms, { eventsPerRecord: 3 });
    const record = await producer.record();
    const pool = createDecryptPool({ threads: 1, resourceId: 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ', kms, decryptEngine: 'sdk' });
    pools.push(pool);
    const [outcome] = await pool.decode([record.data]);
    expect(outcome?.kind === 'events' ? outcome.events.map(eventNumber) : outcome).toEqual(record.numbers);
  });
});
