import { setTimeout as sleep } from 'node:timers/promises';
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, KMSClient, NotFoundException } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, RDSClient, StartActivityStreamCommand, StopActivityStreamCommand, type DBCluster } from '@aws-sdk/client-rds';
import { DescribeInstanceInformationCommand, GetCommandInvocationCommand, ListDocumentsCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { kmsAliasName, LAB_KEY_ALIAS, LAB_KEY_DESCRIPTION, runLabSequence, type LabPort } from '@das/contracts';
import { createDataKeyCache, decryptRecord, kmsPortFromClient, type ActivityEvent } from '@das/core';

/** The lab key's alias as KMS names it. */
const LAB_KEY_ALIAS_NAME = kmsAliasName(LAB_KEY_ALIAS);

export interface LabOptions {
  /** The emulator's endpoint; undefined means real AWS through the default credential chain. */
  endpoint?: string;
  region: string;
  clusterId: string;
  /** SSM document that runs the load; found among the account's own documents when not given. */
  documentName?: string;
  instanceId?: string;
  dbUser?: string;
  dbPassword?: string;
  warehouses: number;
  threads: number;
  durationSec: number;
  /** How many decrypted user events to print in step 4. */
  showEvents: number;
  /** Leave the stream running at the end (skip step 5). */
  keepStream?: boolean;
  print: (line: string) => void;
}

function clients(options: LabOptions) {
  const config = { region: options.region, ...(options.endpoint ? { endpoint: options.endpoint } : {}) };
  return { kms: new KMSClient(config), rds: new RDSClient(config), ssm: new SSMClient(config), kinesis: new KinesisClient(config) };
}

async function describeCluster(rds: RDSClient, clusterId: string): Promise<DBCluster> {
  const { DBClusters } = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }));
  const cluster = DBClusters?.[0];
  if (!cluster) throw new Error(`cluster ${clusterId} not found`);
  return cluster;
}

async function waitForStreamStatus(rds: RDSClient, clusterId: string, wanted: string, print: (line: string) => void): Promise<DBCluster> {
  let last = '';
  const deadline = Date.now() + 15 * 60_000;
  while (Date.now() < deadline) {
    const cluster = await describeCluster(rds, clusterId);
    const status = `${cluster.Status ?? '?'} / activity stream ${cluster.ActivityStreamStatus ?? 'stopped'}`;
    if (status !== last) print(`   cluster ${clusterId}: ${status}`);
    last = status;
    if ((cluster.ActivityStreamStatus ?? 'stopped') === wanted && cluster.Status === 'available') return cluster;
    await sleep(1_000);
  }
  throw new Error(`the activity stream of ${clusterId} did not become ${wanted}`);
}

/** Step 1's lookup: the enabled key the lab alias names (the lab is re-runnable). */
async function findLabKey(kms: KMSClient): Promise<string | null> {
  try {
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: LAB_KEY_ALIAS_NAME }));
    return KeyMetadata?.Enabled ? KeyMetadata.Arn! : null;
  } catch (error) {
    if (!(error instanceof NotFoundException)) throw error;
    return null;
  }
}

/** Step 1: the customer managed key under the lab alias. */
async function createLabKey(kms: KMSClient, print: (line: string) => void): Promise<string> {
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: LAB_KEY_DESCRIPTION, KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT' }));
  await kms.send(new CreateAliasCommand({ AliasName: LAB_KEY_ALIAS_NAME, TargetKeyId: KeyMetadata!.KeyId! })).catch(async () => {
    // The alias points at a disabled or deleted key: keep the lab going under a fresh alias.
    const alias = `${LAB_KEY_ALIAS_NAME}-${Date.now().toString(36)}`;
    await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: KeyMetadata!.KeyId! }));
    print(`   ${LAB_KEY_ALIAS_NAME} names an unusable key; the new key is ${alias}`);
  });
  print(`   created key ${KeyMetadata!.Arn} (${LAB_KEY_DESCRIPTION})`);
  return KeyMetadata!.Arn!;
}

async function findLoadTarget(ssm: SSMClient, options: LabOptions) {
  let documentName = options.documentName;
  if (!documentName) {
    const { DocumentIdentifiers } = await ssm.send(new ListDocumentsCommand({ Filters: [{ Key: 'Owner', Values: ['Self'] }] }));
    documentName = DocumentIdentifiers?.find((d) => d.DocumentType === 'Command' || !d.DocumentType)?.Name;
    if (!documentName) throw new Error('no SSM command document found: pass --document NAME (the lab\'s loadTestRunDoc)');
  }
  let instanceId = options.instanceId;
  if (!instanceId) {
    const { InstanceInformationList } = await ssm.send(new DescribeInstanceInformationCommand({}));
    instanceId = InstanceInformationList?.find((i) => i.PingStatus === 'Online')?.InstanceId;
    if (!instanceId) throw new Error('no Online SSM managed instance found: pass --instance i-…');
  }
  return { documentName, instanceId };
}

async function runLoad(ssm: SSMClient, cluster: DBCluster, options: LabOptions): Promise<void> {
  const { documentName, instanceId } = await findLoadTarget(ssm, options);
  // The AWS lab's document knows MySQL only; a PostgreSQL cluster's engine and port are named.
  const postgres = cluster.Engine?.includes('postgres') === true;
  const parameters: Record<string, string[]> = {
    clusterEndpoint: [cluster.Endpoint ?? '127.0.0.1'],
    ...(postgres ? { engine: ['postgres'], ...(cluster.Port === undefined ? {} : { port: [String(cluster.Port)] }) } : {}),
    warehouses: [String(options.warehouses)],
    threads: [String(options.threads)],
    duration: [String(options.durationSec)],
    ...(options.dbUser ? { dbUser: [options.dbUser] } : {}),
    ...(options.dbPassword !== undefined ? { dbPassword: [options.dbPassword] } : {}),
  };
  const { Command } = await ssm.send(new SendCommandCommand({ DocumentName: documentName, InstanceIds: [instanceId], Parameters: parameters }));
  const commandId = Command!.CommandId!;
  options.print(`   ssm send-command --document-name ${documentName} --instance-ids ${instanceId} → command ${commandId}`);
  let lastLine = '';
  const deadline = Date.now() + (options.durationSec + 600) * 1_000;
  while (Date.now() < deadline) {
    await sleep(2_000);
    const invocation = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId })).catch((error: Error) => {
      if (error.name === 'InvocationDoesNotExist') return undefined;
      throw error;
    });
    if (!invocation) continue;
    const line = (invocation.StandardOutputContent ?? '').trim().split('\n').pop() ?? '';
    if (line && line !== lastLine) options.print(`   ${line}`);
    lastLine = line;
    if (invocation.Status && !['Pending', 'InProgress', 'Delayed'].includes(invocation.Status)) {
      if (invocation.Status !== 'Success') {
        throw new Error(`load command ${commandId} ended ${invocation.Status}: ${(invocation.StandardErrorContent ?? '').trim().slice(-500)}`);
      }
      options.print(`   load finished: ${invocation.Status}`);
      return;
    }
  }
  throw new Error(`load command ${commandId} did not finish in time`);
}

/** Step 4 as the lab's das_reader.py does it, with @das/core: every shard from the start of the stream. */
async function readEvents(kinesis: KinesisClient, kms: KMSClient, cluster: DBCluster, options: LabOptions): Promise<ActivityEvent[]> {
  const streamName = cluster.ActivityStreamKinesisStreamName!;
  const resourceId = cluster.DbClusterResourceId!;
  const ctx = { kms: kmsPortFromClient(kms), resourceId, cache: createDataKeyCache() };
  const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  const shown: ActivityEvent[] = [];
  for (const shard of Shards ?? []) {
    let { ShardIterator: iterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }));
    for (let call = 0; iterator && call < 200 && shown.length < options.showEvents; call++) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
      for (const record of page.Records ?? []) {
        const { events } = await decryptRecord(record.Data!, ctx);
        // Like the lab's reader: people's activity only, no heartbeats or rdsadmin housekeeping.
        for (const event of events) {
          if (event.kind === 'record' && event.user && event.user !== 'rdsadmin' && shown.length < options.showEvents) shown.push(event);
        }
      }
      if (page.MillisBehindLatest === 0 && (page.Records?.length ?? 0) === 0) break;
      iterator = page.NextShardIterator;
      await sleep(200); // stay within 5 GetRecords calls per second per shard
    }
  }
  return shown;
}

/** The seed lab's five steps (@das/contracts' runLabSequence), over the AWS SDK, each printing what it did. */
export async function runLab(options: LabOptions): Promise<void> {
  const { kms, rds, ssm, kinesis } = clients(options);
  const print = options.print;
  const where = options.endpoint ? `the local emulator at ${options.endpoint}` : `AWS (${options.region})`;
  print(`DAS lab against ${where}, cluster ${options.clusterId}\n`);

  let cluster = await describeCluster(rds, options.clusterId);
  const port: LabPort = {
    findLabKey: () => findLabKey(kms),
    createLabKey: () => createLabKey(kms, print),
    async streamStatus() {
      cluster = await describeCluster(rds, options.clusterId);
      return (cluster.ActivityStreamStatus ?? 'stopped') as Awaited<ReturnType<LabPort['streamStatus']>>;
    },
    async startStream(keyArn) {
      const started = await rds.send(new StartActivityStreamCommand({ ResourceArn: cluster.DBClusterArn!, KmsKeyId: keyArn, Mode: 'async', ApplyImmediately: true }));
      print(`   rds start-activity-stream → ${started.Status}, Kinesis stream ${started.KinesisStreamName}`);
    },
    async waitForStream(status) {
      cluster = await waitForStreamStatus(rds, options.clusterId, status, print);
      if (status === 'started') print(`   Resource id: ${cluster.DbClusterResourceId}   Kinesis stream: ${cluster.ActivityStreamKinesisStreamName}`);
    },
    runLoad: () => runLoad(ssm, cluster, options),
    async readActivity() {
      const events = await readEvents(kinesis, kms, cluster, options);
      if (events.length === 0) print('   no user events yet: the stream is empty');
      for (const event of events) print(JSON.stringify(event.raw, null, 2));
      print(`   ${events.length} decrypted event(s) shown (heartbeats and rdsadmin hidden, as the lab's reader does)`);
    },
    async stopStream() {
      const stopped = await rds.send(new StopActivityStreamCommand({ ResourceArn: cluster.DBClusterArn!, ApplyImmediately: true }));
      print(`   rds stop-activity-stream → ${stopped.Status}`);
    },
  };
  await runLabSequence(port, {
    ...(options.keepStream === undefined ? {} : { keepStream: options.keepStream }),
    onStep(step, number, skipped) {
      const detail = step.id === 'load' ? ` (TPC-C, ${options.warehouses} warehouse(s), ${options.threads} threads, ${options.durationSec} s)` : '';
      print(`${number === 1 ? '' : '\n'}${number}. ${step.title}${detail}${skipped ? ': skipped (--keep-stream)' : ''}`);
    },
    note: (text) => print(`   ${text}`),
  });
  if (!options.keepStream) print('\nLab complete.');
}
