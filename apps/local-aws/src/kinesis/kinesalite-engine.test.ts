import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsServiceError } from '../protocol/aws-error.js';
import { KinesaliteEngine } from './kinesalite-engine.js';

describe('KinesaliteEngine.putOwnRecords', () => {
  let dir: string;
  let engine: KinesaliteEngine;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'das-kinesalite-'));
    engine = await KinesaliteEngine.open({ path: dir, transitionMs: 0, shardLimit: 10, accountId: '000000000000', region: 'us-east-1' });
    await engine.call('CreateStream', { StreamName: 'own', ShardCount: 2 });
    for (let i = 0; i < 100 && (await engine.getStream('own')).StreamStatus !== 'ACTIVE'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  });
  afterAll(async () => {
    await engine?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const readShard = async (shardId: string) => {
    const { ShardIterator } = await engine.call('GetShardIterator', { StreamName: 'own', ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' });
    return ((await engine.call('GetRecords', { ShardIterator })).Records ?? []) as { Data: string; PartitionKey: string }[];
  };

  it('puts records that GetRecords reads back as kinesalite stores them, in order, to the shard of their hash key', async () => {
    const data = [Buffer.from('first'), Buffer.alloc(700_000, 7), Buffer.from('third')];
    const out = await engine.putOwnRecords(
      'own',
      data.map((bytes, i) => ({ Data: bytes.toString('base64'), PartitionKey: `key-${i}`, ExplicitHashKey: '0' })),
    );
    expect(out['FailedRecordCount']).toBe(0);
    const read = await readShard('shardId-000000000000');
    expect(read.map((r) => Buffer.from(r.Data, 'base64'))).toEqual(data);
    expect(read.map((r) => r.PartitionKey)).toEqual(['key-0', 'key-1', 'key-2']);
    await engine.putOwnRecords('own', [{ Data: 'b3RoZXI=', PartitionKey: 'k', ExplicitHashKey: String(2n ** 128n - 1n) }]);
    expect((await readShard('shardId-000000000001')).map((r) => r.Data)).toEqual(['b3RoZXI=']);
  });

  it('refuses what Kinesis refuses: no records or more than 500, a bad partition key, data past 1 MiB, a bad hash key, no stream', async () => {
    const one = { Data: 'eA==', PartitionKey: 'k' };
    const cases: [Parameters<KinesaliteEngine['putOwnRecords']>, RegExp][] = [
      [['own', []], /1 to 500 records/],
      [['own', Array.from({ length: 501 }, () => one)], /1 to 500 records/],
      [['own', [{ ...one, PartitionKey: '' }]], /partition key/],
      [['own', [{ ...one, PartitionKey: 'p'.repeat(257) }]], /partition key/],
      [['own', [{ ...one, Data: Buffer.alloc(1024 * 1024 + 1).toString('base64') }]], /at most 1 MiB/],
      [['own', [{ ...one, ExplicitHashKey: '-1' }]], /not a decimal/],
      [['nope', [one]], /not found/],
    ];
    for (const [args, message] of cases) {
      const error = await engine.putOwnRecords(...args).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(AwsServiceError);
      expect((error as Error).message).toMatch(message);
    }
    // The largest record Kinesis takes goes in.
    await expect(engine.putOwnRecords('own', [{ ...one, Data: Buffer.alloc(1024 * 1024).toString('base64') }])).resolves.toMatchObject({ FailedRecordCount: 0 });
  });
});
