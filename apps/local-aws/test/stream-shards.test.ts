import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, StartActivityStreamCommand } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli } from '../src/cli.js';
import type { LocalAws } from '../src/index.js';
import { removeDir, sdkClients, startTestEmulator, waitFor } from './helpers.js';

const CLUSTER_ARN = 'arn:aws:rds:us-east-1:000000000000:cluster:auroralab-mysql-cluster';

describe('das-local --stream-shards', () => {
  it('parses the shard count of new activity streams (1 to 64, default 1)', () => {
    expect(parseCli(['--stream-shards', '4'], {})).toMatchObject({ activityStreamShardCount: 4 });
    expect(parseCli([], {})).toMatchObject({ activityStreamShardCount: undefined });
    expect(() => parseCli(['--stream-shards', '0'], {})).toThrow(/--stream-shards must be an integer from 1 to 64/);
    expect(() => parseCli(['--stream-shards', 'x'], {})).toThrow(/--stream-shards/);
  });

  describe('a stream of 4 shards', () => {
    let aws: LocalAws;
    let dataDir: string;
    let clients: ReturnType<typeof sdkClients>;

    beforeAll(async () => {
      ({ aws, dataDir } = await startTestEmulator({ source: 'synthetic', syntheticRate: 400, syntheticBatchSize: 5, activityStreamShardCount: 4 }));
      clients = sdkClients(aws.endpoint);
    });
    afterAll(async () => {
      for (const client of Object.values(clients ?? {})) client.destroy();
      await aws?.close();
      await removeDir(dataDir);
    });

    it('starts the activity stream with 4 shards and spreads the records over all of them', async () => {
      const key = (await clients.kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      await clients.rds.send(new StartActivityStreamCommand({ ResourceArn: CLUSTER_ARN, KmsKeyId: key.KeyId, Mode: 'async', ApplyImmediately: true }));
      const cluster = await waitFor(
        async () => (await clients.rds.send(new DescribeDBClustersCommand({}))).DBClusters![0]!,
        (value) => value.ActivityStreamStatus === 'started',
      );
      const streamName = cluster.ActivityStreamKinesisStreamName!;
      const shards = (await clients.kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
      expect(shards).toHaveLength(4);
      const perShard = await waitFor(
        async () => {
          const counts: number[] = [];
          for (const shard of shards) {
            const iterator = (await clients.kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
            const out = await clients.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
            counts.push(out.Records?.length ?? 0);
          }
          return counts;
        },
        (counts) => counts.reduce((a, b) => a + b, 0) >= 40,
      );
      // Round-robin: no shard is left out, none holds much more than its share.
      const total = perShard.reduce((a, b) => a + b, 0);
      for (const count of perShard) expect(count).toBeGreaterThanOrEqual(Math.floor(total / 4) - 2);
    });
  });
});
