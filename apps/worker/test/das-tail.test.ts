import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, StartActivityStreamCommand } from '@aws-sdk/client-rds';
import { encryptRecord, kmsPortFromClient } from '@das/core';
import { buildHeartbeat, buildMysqlEvent, buildPayload } from '@das/core/fixtures';
import { startLocalAws, type LocalAws } from '@das/local-aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../src/aws/aws-clients.js';
import { putRecords } from './support/local-kinesis.js';

const run = promisify(execFile);
const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin', 'das.js');
const CLUSTER = 'auroralab-mysql-cluster';

describe('das tail (built bin against @das/local-aws)', () => {
  let emulator: LocalAws;
  let clients: AwsClients;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'das-tail-'));
    emulator = await startLocalAws({ port: 0, dataDir: dir, source: 'none', activityStreamDelayMs: 50, kinesisDelayMs: 20, log: () => undefined });
    clients = createAwsClients({ region: 'us-east-1', endpoint: emulator.endpoint, credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } });
    env = { PATH: process.env.PATH ?? '', AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1' };
    const key = (await clients.kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await clients.rds.send(new StartActivityStreamCommand({ ResourceArn: `arn:aws:rds:us-east-1:000000000000:cluster:${CLUSTER}`, KmsKeyId: key.Arn, Mode: 'async', ApplyImmediately: true }));
    await emulator.settle();
    const cluster = (await clients.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: CLUSTER }))).DBClusters![0]!;
    const kms = kmsPortFromClient(clients.kms);
    const now = Date.now();
    const at = (i: number) => new Date(now + i).toISOString().replace('T', ' ').replace('Z', '000+00');
    const payload = buildPayload([
      buildMysqlEvent({ dbUserName: 'rdsadmin', commandText: 'show status', logTime: at(0) }),
      buildHeartbeat('mysql', { logTime: at(1) }),
      buildMysqlEvent({ dbUserName: 'alice', commandText: 'select 1', logTime: at(2) }),
      buildMysqlEvent({ dbUserName: 'bob', commandText: 'select 2', logTime: at(3) }),
      buildMysqlEvent({ dbUserName: 'alice', commandText: 'select 3', logTime: at(4) }),
    ]);
    const data = await encryptRecord(payload, { kms, keyId: key.Arn!, resourceId: cluster.DbClusterResourceId! });
    // A privilege change after them, for --alerts.
    const grant = await encryptRecord(buildPayload([buildMysqlEvent({ dbUserName: 'alice', commandText: "GRANT ALL ON shop.* TO 'mallory'@'%'", logTime: at(5) })]), {
      kms,
      keyId: key.Arn!,
      resourceId: cluster.DbClusterResourceId!,
    });
    await putRecords(clients.kinesis, cluster.ActivityStreamKinesisStreamName!, [
      { data, partitionKey: 'p' },
      { data: grant, partitionKey: 'p' },
    ]);
  });
  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await emulator?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints decrypted events as NDJSON, hiding heartbeats and rdsadmin unless asked, with filters and a limit', async () => {
    const base = ['tail', '--cluster', CLUSTER, '--endpoint', emulator.endpoint, '--from', 'trim-horizon', '--ndjson'];
    const all = await run(process.execPath, [BIN, ...base, '--limit', '3'], { env, timeout: 30_000 });
    const events = all.stdout.trim().split('\n').map((line) => JSON.parse(line) as { user: string; text: string });
    expect(events.map((e) => [e.user, e.text])).toEqual([
      ['alice', 'select 1'],
      ['bob', 'select 2'],
      ['alice', 'select 3'],
    ]);
    const alice = await run(process.execPath, [BIN, ...base, '--user', 'alice', '--limit', '2'], { env, timeout: 30_000 });
    expect(alice.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text)).toEqual(['select 1', 'select 3']);
    const everything = await run(process.execPath, [BIN, ...base, '--heartbeats', '--rdsadmin', '--raw', '--limit', '5'], { env, timeout: 30_000 });
    const raw = everything.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; dbUserName?: string });
    expect(raw.map((e) => e.type)).toEqual(['record', 'heartbeat', 'record', 'record', 'record']);
    expect(raw[0]?.dbUserName).toBe('rdsadmin');
  });

  it('prints the alerts the rules raise with --alerts', async () => {
    // Off hours would depend on when the test runs: that rule is turned off.
    const rules = join(dir, 'rules.yaml');
    await writeFile(rules, '- id: off-hours-activity\n  enabled: false\n');
    const base = ['tail', '--cluster', CLUSTER, '--endpoint', emulator.endpoint, '--from', 'trim-horizon', '--alerts', '--rules', rules, '--limit', '1'];
    const json = await run(process.execPath, [BIN, ...base, '--ndjson'], { env, timeout: 30_000 });
    expect(JSON.parse(json.stdout.trim())).toMatchObject({ ruleId: 'privilege-change', group: { user: 'alice' }, eventCount: 1 });
    const lines = await run(process.execPath, [BIN, ...base], { env, timeout: 30_000 });
    expect(lines.stdout.trim()).toMatch(/^\S+Z \w+\s+privilege-change: .*alice.* \(1 event\)$/);
  });

  it('exits 2 with the usage on a bad command line', async () => {
    const failed = await run(process.execPath, [BIN, 'tail', '--from', 'yesterday'], { env }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain('usage: das tail');
  });

  it('lists its commands on --help', async () => {
    const help = await run(process.execPath, [BIN, '--help'], { env });
    expect(help.stdout).toContain('das tail');
    expect(help.stdout).toContain('das doctor');
  });
});
