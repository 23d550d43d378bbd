import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryKms } from '@das/core/testing';
import { createDasProducer, eventNumber } from '../../test/support/das-records.js';
import { createDecryptPool, threadExecArgv, type DecryptPool } from './decrypt-pool.js';

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

  it('runs threads from built JS without the test runner’s --conditions', () => {
    expect(threadExecArgv(['--conditions', '@das/source', '--enable-source-maps', '-C', 'x', '--conditions=y'])).toEqual(['--enable-source-maps']);
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
});
