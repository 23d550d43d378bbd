import { CreateKeyCommand, DisableKeyCommand, ScheduleKeyDeletionCommand, type KMSClient } from '@aws-sdk/client-kms';
import { DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  StartActivityStreamCommand,
  StopActivityStreamCommand,
  type DBCluster,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAws } from '../src/index.js';
import { removeDir, sdkClients, sdkError, startTestEmulator, waitFor } from './helpers.js';

const CLUSTER = 'auroralab-mysql-cluster';
const CLUSTER_ARN = `arn:aws:rds:us-east-1:000000000000:cluster:${CLUSTER}`;

describe('RDS through @aws-sdk/client-rds', () => {
  let aws: LocalAws;
  let dataDir: string;
  let rds: RDSClient;
  let kms: KMSClient;
  let kinesis: KinesisClient;

  beforeAll(async () => {
    ({ aws, dataDir } = await startTestEmulator({ clusterEndpoint: { host: '127.0.0.1', port: 13306 }, source: 'none' }));
    ({ rds, kms, kinesis } = sdkClients(aws.endpoint));
  });
  afterAll(async () => {
    for (const client of [rds, kms, kinesis]) client?.destroy();
    await aws?.close();
    await removeDir(dataDir);
  });

  const describeCluster = async (): Promise<DBCluster> => (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: CLUSTER }))).DBClusters![0]!;

  it('describes the default cluster with stable ids, endpoint and a stopped activity stream', async () => {
    const clusters = (await rds.send(new DescribeDBClustersCommand({}))).DBClusters!;
    expect(clusters).toHaveLength(1);
    const cluster = clusters[0]!;
    expect(cluster).toMatchObject({
      DBClusterIdentifier: CLUSTER,
      DBClusterArn: CLUSTER_ARN,
      Engine: 'aurora-mysql',
      Endpoint: '127.0.0.1',
      Port: 13306,
      MasterUsername: 'root',
      Status: 'available',
      ActivityStreamStatus: 'stopped',
    });
    expect(cluster.EngineVersion).toMatch(/mysql_aurora/);
    expect(cluster.DbClusterResourceId).toMatch(/^cluster-[A-Z2-7]{26}$/);
    expect(cluster.DBClusterMembers).toEqual([expect.objectContaining({ DBInstanceIdentifier: 'auroralab-mysql-node-1', IsClusterWriter: true })]);
    expect(cluster.ClusterCreateTime).toBeInstanceOf(Date);

    expect((await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: CLUSTER_ARN }))).DBClusters![0]!.DbClusterResourceId).toBe(cluster.DbClusterResourceId);
    expect((await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: CLUSTER.toUpperCase() }))).DBClusters).toHaveLength(1);
    const filtered = await rds.send(
      new DescribeDBClustersCommand({ Filters: [{ Name: 'db-cluster-resource-id', Values: [cluster.DbClusterResourceId!] }, { Name: 'engine', Values: ['aurora-mysql'] }] }),
    );
    expect(filtered.DBClusters).toHaveLength(1);
    expect((await rds.send(new DescribeDBClustersCommand({ Filters: [{ Name: 'engine', Values: ['aurora-postgresql'] }] }))).DBClusters).toEqual([]);

    const missing = await sdkError(rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'nope' })));
    expect(missing.name).toBe('DBClusterNotFoundFault');
    expect(missing.$metadata?.httpStatusCode).toBe(404);

    const instance = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'auroralab-mysql-node-1' }))).DBInstances![0]!;
    expect(instance).toMatchObject({ DBInstanceIdentifier: 'auroralab-mysql-node-1', DBClusterIdentifier: CLUSTER, Endpoint: { Address: '127.0.0.1', Port: 13306 } });
    expect(instance.DbiResourceId).toMatch(/^db-[A-Z2-7]{26}$/);
    expect((await sdkError(rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' })))).name).toBe('DBInstanceNotFoundFault');
  });

  it('starts and stops the activity stream: starting → started with a Kinesis stream, stopping → stopped without it', async () => {
    const key = (await kms.send(new CreateKeyCommand({ Description: 'das' }))).KeyMetadata!;
    const resourceId = (await describeCluster()).DbClusterResourceId!;
    const started = await rds.send(new StartActivityStreamCommand({ ResourceArn: CLUSTER_ARN, KmsKeyId: key.Arn, Mode: 'async', ApplyImmediately: true }));
    expect(started).toMatchObject({ KmsKeyId: key.Arn, KinesisStreamName: `aws-rds-das-${resourceId}`, Status: 'starting', Mode: 'async', ApplyImmediately: true });
    const during = await describeCluster();
    expect(during).toMatchObject({ Status: 'configuring-activity-stream', ActivityStreamStatus: 'starting' });

    const running = await waitFor(describeCluster, (cluster) => cluster.ActivityStreamStatus === 'started');
    expect(running).toMatchObject({
      Status: 'available',
      ActivityStreamMode: 'async',
      ActivityStreamKmsKeyId: key.Arn,
      ActivityStreamKinesisStreamName: `aws-rds-das-${resourceId}`,
    });
    const stream = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: `aws-rds-das-${resourceId}` }));
    expect(stream.StreamDescriptionSummary).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 1 });
    expect((await rds.send(new DescribeDBInstancesCommand({}))).DBInstances![0]).toMatchObject({ ActivityStreamStatus: 'started', ActivityStreamEngineNativeAuditFieldsIncluded: false });

    const again = await sdkError(rds.send(new StartActivityStreamCommand({ ResourceArn: CLUSTER_ARN, KmsKeyId: key.Arn, Mode: 'async' })));
    expect(again.name).toBe('InvalidDBClusterStateFault');

    const stopped = await rds.send(new StopActivityStreamCommand({ ResourceArn: CLUSTER_ARN, ApplyImmediately: true }));
    expect(stopped).toMatchObject({ Status: 'stopping', KinesisStreamName: `aws-rds-das-${resourceId}` });
    expect((await describeCluster()).Status).toBe('configuring-activity-stream');
    const after = await waitFor(describeCluster, (cluster) => cluster.ActivityStreamStatus === 'stopped');
    expect(after.Status).toBe('available');
    expect(after.ActivityStreamKinesisStreamName).toBeUndefined();
    expect((await sdkError(kinesis.send(new DescribeStreamSummaryCommand({ StreamName: `aws-rds-das-${resourceId}` })))).name).toBe('ResourceNotFoundException');
    expect((await sdkError(rds.send(new StopActivityStreamCommand({ ResourceArn: CLUSTER_ARN })))).name).toBe('InvalidDBClusterStateFault');
  });

  it('accepts the key by alias and refuses unusable keys with KMSKeyNotAccessibleFault', async () => {
    const disabled = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await kms.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
    const pending = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: pending.KeyId, PendingWindowInDays: 7 }));
    for (const keyId of [disabled.KeyId!, pending.Arn!, '99999999-9999-9999-9999-999999999999', 'alias/not-there']) {
      const error = await sdkError(rds.send(new StartActivityStreamCommand({ ResourceArn: CLUSTER_ARN, KmsKeyId: keyId, Mode: 'async' })));
      expect(error.name).toBe('KMSKeyNotAccessibleFault');
    }
    expect((await describeCluster()).ActivityStreamStatus).toBe('stopped');
  });

  it('answers the documented faults for bad resources and parameters', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const unknownCluster = await sdkError(
      rds.send(new StartActivityStreamCommand({ ResourceArn: 'arn:aws:rds:us-east-1:000000000000:cluster:nope', KmsKeyId: key.KeyId, Mode: 'async' })),
    );
    expect(unknownCluster.name).toBe('DBClusterNotFoundFault');
    const notACluster = await sdkError(rds.send(new StopActivityStreamCommand({ ResourceArn: 'arn:aws:rds:us-east-1:000000000000:db:auroralab-mysql-node-1' })));
    expect(notACluster.name).toBe('ResourceNotFoundFault');
    expect(notACluster.$metadata?.httpStatusCode).toBe(404);
    const badMode = await sdkError(rds.send(new StartActivityStreamCommand({ ResourceArn: CLUSTER_ARN, KmsKeyId: key.KeyId, Mode: 'fast' as never })));
    expect(badMode.name).toBe('InvalidParameterValue');
    // Aurora MySQL streams are asynchronous only.
    const syncOnMysql = await sdkError(rds.send(new StartActivityStreamCommand({ ResourceArn: CLUSTER_ARN, KmsKeyId: key.KeyId, Mode: 'sync' })));
    expect(syncOnMysql.name).toBe('InvalidParameterCombination');
    expect(syncOnMysql.message).toMatch(/only the async mode/);
  });

  it('creates the activity stream with the configured shard count and makes records readable', async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await rds.send(new StartActivityStreamCommand({ ResourceArn: CLUSTER_ARN, KmsKeyId: key.KeyId, Mode: 'async' }));
    const cluster = await waitFor(describeCluster, (value) => value.ActivityStreamStatus === 'started');
    expect(cluster.ActivityStreamMode).toBe('async');
    expect(cluster.ActivityStreamKmsKeyId).toBe(key.KeyId);
    const shards = await kinesis.send(new ListShardsCommand({ StreamName: cluster.ActivityStreamKinesisStreamName }));
    const iterator = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: cluster.ActivityStreamKinesisStreamName, ShardId: shards.Shards![0]!.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    // source 'none': the stream exists and is empty.
    expect((await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }))).Records).toEqual([]);
    await rds.send(new StopActivityStreamCommand({ ResourceArn: CLUSTER_ARN }));
    await aws.settle();
    expect((await describeCluster()).ActivityStreamStatus).toBe('stopped');
  });
});
