import { CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { CreateAliasCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, DisableKeyCommand, EncryptCommand, ListAliasesCommand } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, StartActivityStreamCommand } from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalAws } from '../src/index.js';
import { makeDataDir, removeDir, sdkClients, startTestEmulator, waitFor } from './helpers.js';

const CLUSTER_ARN = 'arn:aws:rds:us-east-1:000000000000:cluster:auroralab-mysql-cluster';

describe('state survives a restart on the same data dir', () => {
  const open: LocalAws[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const aws of open.splice(0)) await aws.close();
    for (const dir of dirs.splice(0)) await removeDir(dir);
  });

  const start = async (dataDir: string, overrides = {}) => {
    const { aws } = await startTestEmulator({ dataDir, source: 'synthetic', syntheticRate: 100, syntheticBatchSize: 5, ...overrides });
    open.push(aws);
    return { aws, clients: sdkClients(aws.endpoint) };
  };
  const stop = async (aws: LocalAws, clients: ReturnType<typeof sdkClients>) => {
    for (const client of Object.values(clients)) client.destroy();
    await aws.close();
    open.splice(open.indexOf(aws), 1);
  };
  const readShard = async (clients: ReturnType<typeof sdkClients>, streamName: string) => {
    const iterator = await clients.kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
    return (await clients.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }))).Records ?? [];
  };
  const describeCluster = async (clients: ReturnType<typeof sdkClients>) => (await clients.rds.send(new DescribeDBClustersCommand({}))).DBClusters![0]!;

  it('keeps keys, aliases, key states, Kinesis records and a started activity stream (whose source resumes)', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    const first = await start(dataDir);
    const key = (await first.clients.kms.send(new CreateKeyCommand({ Description: 'kept' }))).KeyMetadata!;
    await first.clients.kms.send(new CreateAliasCommand({ AliasName: 'alias/kept', TargetKeyId: key.KeyId }));
    const disabled = (await first.clients.kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await first.clients.kms.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
    const context = { purpose: 'restart' };
    const blob = (await first.clients.kms.send(new EncryptCommand({ KeyId: 'alias/kept', Plaintext: Buffer.from('still here'), EncryptionContext: context }))).CiphertextBlob;

    await first.clients.kinesis.send(new CreateStreamCommand({ StreamName: 'kept', ShardCount: 1 }));
    await waitFor(
      () => first.clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'kept' })),
      (out) => out.StreamDescriptionSummary!.StreamStatus === 'ACTIVE',
    );
    await first.clients.kinesis.send(new PutRecordsCommand({ StreamName: 'kept', Records: [1, 2, 3].map((n) => ({ PartitionKey: 'p', Data: Buffer.from(`r${n}`) })) }));

    await first.clients.rds.send(new StartActivityStreamCommand({ ResourceArn: CLUSTER_ARN, KmsKeyId: 'alias/kept', Mode: 'async' }));
    const before = await waitFor(() => describeCluster(first.clients), (cluster) => cluster.ActivityStreamStatus === 'started');
    const dasStream = before.ActivityStreamKinesisStreamName!;
    const recordsBefore = (await waitFor(() => readShard(first.clients, dasStream), (records) => records.length >= 2)).length;
    await stop(first.aws, first.clients);

    const second = await start(dataDir);
    expect((await second.clients.kms.send(new DescribeKeyCommand({ KeyId: 'alias/kept' }))).KeyMetadata).toMatchObject({ KeyId: key.KeyId, Description: 'kept' });
    expect((await second.clients.kms.send(new DescribeKeyCommand({ KeyId: disabled.KeyId }))).KeyMetadata!.KeyState).toBe('Disabled');
    expect((await second.clients.kms.send(new ListAliasesCommand({}))).Aliases!.map((alias) => alias.AliasName)).toEqual(['alias/kept']);
    const decrypted = await second.clients.kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context }));
    expect(Buffer.from(decrypted.Plaintext!).toString()).toBe('still here');

    expect((await readShard(second.clients, 'kept')).map((record) => Buffer.from(record.Data!).toString())).toEqual(['r1', 'r2', 'r3']);

    const after = await describeCluster(second.clients);
    expect(after).toMatchObject({
      DbClusterResourceId: before.DbClusterResourceId,
      ActivityStreamStatus: 'started',
      ActivityStreamKinesisStreamName: dasStream,
      ActivityStreamKmsKeyId: 'alias/kept',
    });
    // The synthetic source resumed: records keep arriving on the same stream.
    const records = await waitFor(() => readShard(second.clients, dasStream), (list) => list.length > recordsBefore + 1);
    expect(records.length).toBeGreaterThan(recordsBefore + 1);
    for (const client of Object.values(second.clients)) client.destroy();
  });

  it('lists only the clusters this run serves, and keeps the others with their ids for a run that serves them again', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    const first = await start(dataDir);
    const original = await describeCluster(first.clients);
    await stop(first.aws, first.clients);
    // As `das-local --postgres` and then without it: a run that serves another cluster only.
    const second = await start(dataDir, { cluster: { identifier: 'other-cluster', writerIdentifier: 'other-cluster-instance-1' } });
    const listed = (await second.clients.rds.send(new DescribeDBClustersCommand({}))).DBClusters!.map((c) => c.DBClusterIdentifier);
    expect(listed).toEqual(['other-cluster']);
    await expect(second.clients.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: original.DBClusterIdentifier }))).rejects.toMatchObject({ name: 'DBClusterNotFoundFault' });
    await stop(second.aws, second.clients);
    const third = await start(dataDir);
    const again = await describeCluster(third.clients);
    expect(again.DBClusterIdentifier).toBe(original.DBClusterIdentifier);
    expect(again.DbClusterResourceId).toBe(original.DbClusterResourceId);
  });

  it('finishes a start that was interrupted by the restart', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    const first = await start(dataDir, { activityStreamDelayMs: 60_000, source: 'none' });
    const key = (await first.clients.kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await first.clients.rds.send(new StartActivityStreamCommand({ ResourceArn: CLUSTER_ARN, KmsKeyId: key.Arn, Mode: 'async' }));
    expect((await describeCluster(first.clients)).ActivityStreamStatus).toBe('starting');
    await stop(first.aws, first.clients);

    const second = await start(dataDir, { activityStreamDelayMs: 100, source: 'none' });
    const cluster = await waitFor(() => describeCluster(second.clients), (value) => value.ActivityStreamStatus === 'started');
    expect(cluster.Status).toBe('available');
    const stream = await second.clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: cluster.ActivityStreamKinesisStreamName }));
    expect(stream.StreamDescriptionSummary!.StreamStatus).toBe('ACTIVE');
    for (const client of Object.values(second.clients)) client.destroy();
  });

  it('refuses a second emulator on a data dir that is in use', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    await start(dataDir, { source: 'none' });
    await expect(startTestEmulator({ dataDir, source: 'none' })).rejects.toThrow(/another das-local/);
  });

  it('releases the data dir when the port is taken, so a retry on another port works', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    const first = await start(await makeDataDir().then((dir) => (dirs.push(dir), dir)), { source: 'none' });
    await expect(startTestEmulator({ dataDir, source: 'none', port: first.aws.port })).rejects.toThrow(/EADDRINUSE/);
    const retry = await start(dataDir, { source: 'none' });
    expect((await retry.clients.rds.send(new DescribeDBClustersCommand({}))).DBClusters).toHaveLength(1);
    for (const client of [...Object.values(first.clients), ...Object.values(retry.clients)]) client.destroy();
  });
});
