import { buildClient, CommitmentPolicy, RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-node';
import { GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-kinesis';
import { CreateKeyCommand, DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, StartActivityStreamCommand, StopActivityStreamCommand } from '@aws-sdk/client-rds';
import { decryptRecord, kmsPortFromClient } from '@das/core';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchLocal, type LocalAws } from '../src/index.js';
import { removeDir, sdkClients, startTestEmulator, TEST_CREDENTIALS, waitFor } from './helpers.js';

const CLUSTER_ARN = 'arn:aws:rds:us-east-1:000000000000:cluster:auroralab-mysql-cluster';

describe('the synthetic activity source', () => {
  let aws: LocalAws;
  let dataDir: string;
  let clients: ReturnType<typeof sdkClients>;
  let records: _Record[];
  let resourceId: string;
  let instanceResourceId: string;

  beforeAll(async () => {
    ({ aws, dataDir } = await startTestEmulator({ source: 'synthetic', syntheticRate: 200, syntheticBatchSize: 5 }));
    clients = sdkClients(aws.endpoint);
    const key = (await clients.kms.send(new CreateKeyCommand({ Description: 'das' }))).KeyMetadata!;
    await clients.rds.send(new StartActivityStreamCommand({ ResourceArn: CLUSTER_ARN, KmsKeyId: key.KeyId, Mode: 'async', ApplyImmediately: true }));
    const cluster = await waitFor(
      async () => (await clients.rds.send(new DescribeDBClustersCommand({}))).DBClusters![0]!,
      (value) => value.ActivityStreamStatus === 'started',
    );
    resourceId = cluster.DbClusterResourceId!;
    const streamName = cluster.ActivityStreamKinesisStreamName!;
    const iterator = (
      await clients.kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))
    ).ShardIterator;
    records = [];
    let next = iterator;
    await waitFor(
      async () => {
        const out = await clients.kinesis.send(new GetRecordsCommand({ ShardIterator: next }));
        records.push(...(out.Records ?? []));
        next = out.NextShardIterator;
        return records.length;
      },
      (count) => count >= 6,
    );
    instanceResourceId = (await clients.rds.send(new DescribeDBInstancesCommand({}))).DBInstances![0]!.DbiResourceId!;
  });

  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await aws?.close();
    await removeDir(dataDir);
  });

  it('writes envelopes that @das/core decrypts through the emulator KMS over HTTP', async () => {
    const kms = new KMSClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });
    try {
      const port = kmsPortFromClient(kms);
      const decrypted = [];
      for (const record of records) decrypted.push(await decryptRecord(record.Data!, { kms: port, resourceId }));
      for (const record of decrypted) {
        expect(record.version).toBe('1.2');
        expect(record.payload).toMatchObject({ type: 'DatabaseActivityMonitoringRecord', clusterId: resourceId, instanceId: instanceResourceId });
        expect(record.payload.databaseActivityEventList).toHaveLength(5);
      }
      const events = decrypted.flatMap((record) => record.payload.databaseActivityEventList);
      expect(events.some((event) => event.type === 'record')).toBe(true);
      // Re-timed to the wall clock: the first event happened within the last minute.
      const firstTime = Date.parse(String(events[0]!.logTime).replace(' ', 'T').replace(/\+00$/, 'Z'));
      expect(Math.abs(Date.now() - firstTime)).toBeLessThan(60_000);
      // Records follow each other in time (events inside a statement may interleave).
      const recordStarts = decrypted.map((record) => String(record.payload.databaseActivityEventList[0]!.logTime));
      expect([...recordStarts].sort()).toEqual(recordStarts);
    } finally {
      kms.destroy();
    }
  });

  it('decrypts along the reference path of the lab reader: KMS Decrypt → RawAesKeyringNode BC/DataKey → gunzip', async () => {
    const client = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
    const envelope = JSON.parse(Buffer.from(records[0]!.Data!).toString('utf8')) as { type: string; key: string; databaseActivityEvents: string };
    expect(envelope.type).toBe('DatabaseActivityMonitoringRecords');
    const dataKey = await clients.kms.send(
      new DecryptCommand({ CiphertextBlob: Buffer.from(envelope.key, 'base64'), EncryptionContext: { 'aws:rds:dbc-id': resourceId } }),
    );
    const keyring = new RawAesKeyringNode({
      keyNamespace: 'BC',
      keyName: 'DataKey',
      unencryptedMasterKey: new Uint8Array(dataKey.Plaintext!),
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    });
    const { plaintext, messageHeader } = await client.decrypt(keyring, Buffer.from(envelope.databaseActivityEvents, 'base64'));
    expect(messageHeader.suiteId).toBe(0x0378);
    const payload = JSON.parse(gunzipSync(plaintext).toString('utf8'));
    expect(payload.type).toBe('DatabaseActivityMonitoringRecord');
    expect(payload.databaseActivityEventList.length).toBe(5);
  });

  it('reuses one data key within the rotation period, asked of KMS in process', async () => {
    const keys = new Set(records.map((record) => (JSON.parse(Buffer.from(record.Data!).toString('utf8')) as { key: string }).key));
    expect(keys.size).toBe(1);
    const stats = JSON.parse(await (await fetchLocal(aws.endpoint, '/_local/stats')).text());
    expect(stats.internalCalls.kms.GenerateDataKey).toBe(1);
  });

  it('stops cleanly: the source flushes, the stream goes away, the cluster shows stopped', async () => {
    await clients.rds.send(new StopActivityStreamCommand({ ResourceArn: CLUSTER_ARN }));
    await aws.settle();
    const cluster = (await clients.rds.send(new DescribeDBClustersCommand({}))).DBClusters![0]!;
    expect(cluster.ActivityStreamStatus).toBe('stopped');
  });
});
