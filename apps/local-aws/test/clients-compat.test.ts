// Clients other than ours: the AWS CLI v2 and boto3 (HTTP/1.1 for every service, Kinesis
// included) drive the emulator through the lab's steps, and a Python reader written from the
// Encryption SDK specification decrypts what the stream carries — the same events @das/core reads.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { decryptRecord, kmsPortFromClient } from '@das/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAws } from '../src/index.js';
import { removeDir, sdkClients, startTestEmulator, waitFor } from './helpers.js';

const run = promisify(execFile);
/** The first candidate that runs the probe: Debian's packages, else what PATH has (e.g. pyenv). */
function firstWorking(candidates: readonly (string | undefined)[], probe: readonly string[]): string {
  const found = candidates.find((candidate) => {
    if (!candidate) return false;
    try {
      execFileSync(candidate, probe, { stdio: 'ignore', timeout: 30_000 });
      return true;
    } catch {
      return false;
    }
  });
  if (!found) throw new Error(`none of ${candidates.filter(Boolean).join(', ')} runs '${probe.join(' ')}'`);
  return found;
}
const AWS_CLI = firstWorking([process.env['AWS_CLI'], '/usr/bin/aws', 'aws'], ['--version']);
const PYTHON = firstWorking([process.env['PYTHON'], '/usr/bin/python3', 'python3'], ['-c', 'import boto3']);
/** pyenv shims find their root through HOME unless told; HOME is a temp dir below. */
const PYENV = Object.fromEntries(['PYENV_ROOT', 'PYENV_VERSION'].flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])));
const READER = join(import.meta.dirname, 'compat', 'das_reader.py');

let aws: LocalAws;
let dataDir: string;
let home: string;

async function cli(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(AWS_CLI, ['--endpoint-url', aws.endpoint, '--output', 'json', ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: home,
      ...PYENV,
      AWS_ACCESS_KEY_ID: 'AKIDCLITEST',
      AWS_SECRET_ACCESS_KEY: 'cli-secret',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    },
    timeout: 60_000,
  });
  return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
}

type Cluster = { DBClusterArn: string; DbClusterResourceId: string; ActivityStreamStatus?: string; ActivityStreamKinesisStreamName?: string; Status: string };
const describeCluster = async () => ((await cli('rds', 'describe-db-clusters', '--db-cluster-identifier', 'auroralab-mysql-cluster')).DBClusters as Cluster[])[0]!;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'das-cli-home-'));
  ({ aws, dataDir } = await startTestEmulator({ source: 'synthetic', syntheticRate: 100, syntheticBatchSize: 5 }));
});

afterAll(async () => {
  await aws?.close();
  await removeDir(dataDir);
  await removeDir(home);
});

describe('AWS CLI v2 and boto3 against the emulator', () => {
  // A dozen CLI processes (Python start-up ~1–3 s each on a loaded box) need more than the default 30 s.
  it('run the lab and read the same events as @das/core', { timeout: 240_000 }, async () => {
    // 1. the key, by the CLI
    const key = (await cli('kms', 'create-key', '--description', 'Amazon Aurora lab, CMK for Aurora MySQL Database Activity Streaming (DAS)')).KeyMetadata as { KeyId: string; Arn: string };
    await cli('kms', 'create-alias', '--alias-name', 'alias/auroralab-mysql-das', '--target-key-id', key.KeyId);
    expect(((await cli('kms', 'describe-key', '--key-id', 'alias/auroralab-mysql-das')).KeyMetadata as { Arn: string }).Arn).toBe(key.Arn);

    // 2. the activity stream, by the CLI
    const before = await describeCluster();
    const started = await cli('rds', 'start-activity-stream', '--resource-arn', before.DBClusterArn, '--kms-key-id', 'alias/auroralab-mysql-das', '--mode', 'async', '--apply-immediately');
    expect(started).toMatchObject({ Status: 'starting', Mode: 'async', KinesisStreamName: `aws-rds-das-${before.DbClusterResourceId}` });
    const cluster = await waitFor(describeCluster, (c) => c.ActivityStreamStatus === 'started' && c.Status === 'available', 30_000);
    const streamName = cluster.ActivityStreamKinesisStreamName!;

    // Kinesis by the CLI over HTTP/1.1
    const shards = (await cli('kinesis', 'list-shards', '--stream-name', streamName)).Shards as { ShardId: string }[];
    expect(shards.length).toBeGreaterThan(0);
    const summary = (await cli('kinesis', 'describe-stream-summary', '--stream-name', streamName)).StreamDescriptionSummary as { StreamStatus: string };
    expect(summary.StreamStatus).toBe('ACTIVE');

    // 3. SSM: the workstation instance and the load document are there for `aws ssm send-command`
    const instances = (await cli('ssm', 'describe-instance-information')).InstanceInformationList as { InstanceId: string; PingStatus: string }[];
    expect(instances[0]).toMatchObject({ PingStatus: 'Online' });
    expect(((await cli('ssm', 'list-documents')).DocumentIdentifiers as unknown[]).length).toBeGreaterThan(0);

    // 4. read the stream with boto3 and the spec-written decryptor, and with @das/core
    const clients = sdkClients(aws.endpoint);
    const ours = new Map<string, unknown[]>();
    const ctx = { kms: kmsPortFromClient(clients.kms), resourceId: cluster.DbClusterResourceId };
    const shardId = (await clients.kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards![0]!.ShardId!;
    let iterator = (await clients.kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    await waitFor(async () => {
      const page = await clients.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
      iterator = page.NextShardIterator;
      for (const record of page.Records ?? []) ours.set(record.SequenceNumber!, (await decryptRecord(record.Data!, ctx)).payload.databaseActivityEventList);
      return ours.size;
    }, (size) => size >= 4, 30_000);

    const { stdout } = await run(PYTHON, [READER, '-r', 'us-east-1', '-i', cluster.DbClusterResourceId, '-s', streamName, '--endpoint', aws.endpoint, '--max-events', '20'], {
      env: { PATH: process.env.PATH, HOME: home, ...PYENV, AWS_ACCESS_KEY_ID: 'AKIDPYTEST', AWS_SECRET_ACCESS_KEY: 'py-secret', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
      timeout: 60_000,
    });
    const theirs = stdout.trim().split('\n').map((line) => JSON.parse(line) as { sequenceNumber: string; event: Record<string, unknown> });
    expect(theirs).toHaveLength(20);
    for (const { sequenceNumber, event } of theirs) {
      const sameRecord = ours.get(sequenceNumber);
      if (sameRecord) expect(sameRecord).toContainEqual(event);
    }
    expect(theirs.filter((t) => ours.has(t.sequenceNumber)).length).toBeGreaterThan(0);

    // 5. stop, by the CLI
    const stopped = await cli('rds', 'stop-activity-stream', '--resource-arn', cluster.DBClusterArn, '--apply-immediately');
    expect(stopped).toMatchObject({ Status: 'stopping' });
    expect((await waitFor(describeCluster, (c) => c.ActivityStreamStatus === 'stopped', 30_000)).ActivityStreamStatus).toBe('stopped');
  });

  it('answer a wrong call in the service\'s own error shape, as the CLI reports it', { timeout: 120_000 }, async () => {
    const failure = await cli('rds', 'describe-db-clusters', '--db-cluster-identifier', 'nope').then(
      () => undefined,
      (error: { stderr: string; code: number }) => error,
    );
    expect(failure?.code).not.toBe(0);
    expect(failure?.stderr).toMatch(/DBClusterNotFoundFault/);
    const kmsFailure = await cli('kms', 'describe-key', '--key-id', 'alias/missing').then(() => undefined, (error: { stderr: string }) => error);
    expect(kmsFailure?.stderr).toMatch(/NotFoundException/);
  });
});
