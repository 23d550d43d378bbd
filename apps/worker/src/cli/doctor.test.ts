import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelKeyDeletionCommand, CreateKeyCommand, DisableKeyCommand, EnableKeyCommand, KMSClient, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, RDSClient, StartActivityStreamCommand, StopActivityStreamCommand } from '@aws-sdk/client-rds';
import { startLocalAws, type LocalAws } from '@das/local-aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctorCommand, parseDoctorArgs, runDoctor } from './doctor.js';

const CLUSTER = 'auroralab-mysql-cluster';
const TOKEN = 'doctor-test-token-0123456789';

let aws: LocalAws;
let dataDir: string;
let kms: KMSClient;
let rds: RDSClient;
let keyId: string;
/** Stands in for the worker and the API: /readyz, and 401 without the token elsewhere. */
let service: Server;
let serviceUrl: string;

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { AWS_ENDPOINT_URL: aws.endpoint, AWS_REGION: aws.region, AWS_ACCESS_KEY_ID: 'doctor-test', AWS_SECRET_ACCESS_KEY: 'x', DAS_CLUSTER_ID: CLUSTER, ...extra };
}

async function doctor(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runDoctor(parseDoctorArgs(['--wait', '10', ...args], env(extraEnv)), (line) => lines.push(line));
  return { code, lines };
}

const line = (lines: string[], name: string): string => lines.find((text) => text.slice(6).startsWith(`${name}:`)) ?? `(no ${name} line)`;

async function streamStatus(): Promise<string> {
  const { DBClusters } = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: CLUSTER }));
  return DBClusters?.[0]?.ActivityStreamStatus ?? 'stopped';
}

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in 20 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'das-doctor-'));
  aws = await startLocalAws({ port: 0, dataDir, source: 'synthetic', syntheticRate: 50, activityStreamDelayMs: 100 });
  const config = { endpoint: aws.endpoint, region: aws.region, credentials: { accessKeyId: 'setup', secretAccessKey: 'x' } };
  kms = new KMSClient(config);
  rds = new RDSClient(config);
  keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  const arn = `arn:aws:rds:${aws.region}:${aws.accountId}:cluster:${CLUSTER}`;
  await rds.send(new StartActivityStreamCommand({ ResourceArn: arn, KmsKeyId: keyId, Mode: 'async', ApplyImmediately: true }));
  await until(async () => (await streamStatus()) === 'started');
  service = createServer((request, response) => {
    const authorized = request.headers.authorization === `Bearer ${TOKEN}`;
    const [status, body] = request.url === '/readyz' ? [200, { ready: true, state: 'consuming' }] : authorized ? [200, { ok: true }] : [401, { code: 'UNAUTHENTICATED' }];
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  serviceUrl = `http://127.0.0.1:${(service.address() as { port: number }).port}`;
});

afterAll(async () => {
  kms?.destroy();
  rds?.destroy();
  await new Promise((resolve) => service?.close(resolve));
  await aws?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('das doctor', () => {
  it('passes every check of a working deployment, one line each, exit 0', async () => {
    const { code, lines } = await doctor(['--worker-url', serviceUrl, '--api-url', serviceUrl, '--token', TOKEN]);
    expect(lines.filter((text) => text.startsWith('ok ')), lines.join('\n')).toHaveLength(8);
    expect(line(lines, 'credentials and region')).toContain('access key doct…test from the environment (AWS_ACCESS_KEY_ID); region us-east-1 from AWS_REGION');
    expect(line(lines, 'cluster')).toContain('aurora-mysql 8.0.mysql_aurora');
    expect(line(lines, 'activity stream')).toContain('started, mode async');
    expect(line(lines, 'record read and decrypted')).toMatch(/decrypted: \d+ event\(s\), KMS Decrypt with aws:rds:dbc-id=cluster-/);
    expect(lines.at(-1)).toBe('all checks passed');
    expect(code).toBe(0);
  });

  it('names an unknown cluster and skips what needs it', async () => {
    const { code, lines } = await doctor(['--cluster', 'no-such-cluster']);
    expect(line(lines, 'cluster')).toMatch(/^FAIL {2}cluster: no cluster no-such-cluster in us-east-1 → check --cluster/);
    expect(line(lines, 'record read and decrypted')).toMatch(/^skip/);
    expect(code).toBe(1);
  });

  it('tells a wrong region from the cluster ARN', async () => {
    const { code, lines } = await doctor([], { AWS_REGION: 'eu-west-1' });
    expect(line(lines, 'credentials and region')).toContain('region eu-west-1 from AWS_REGION');
    expect(line(lines, 'cluster')).toContain('is in us-east-1, not in eu-west-1 → use --region us-east-1');
    expect(code).toBe(1);
  });

  it('fails on a token the API and the worker refuse', async () => {
    const { code, lines } = await doctor(['--worker-url', serviceUrl, '--api-url', serviceUrl, '--token', 'wrong-token-0123456789']);
    expect(line(lines, 'worker store')).toMatch(/^ok/);
    expect(line(lines, 'worker token')).toMatch(/^FAIL {2}worker token: worker refused the token \(401\) → pass the token/);
    expect(line(lines, 'API token')).toMatch(/^FAIL {2}API token: API refused the token \(401\)/);
    expect(code).toBe(1);
  });

  it('fails when the worker (its store) does not answer', async () => {
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const port = (down.address() as { port: number }).port;
    await new Promise((resolve) => down.close(resolve));
    const { code, lines } = await doctor(['--worker-url', `http://127.0.0.1:${port}`, '--token', TOKEN]);
    expect(line(lines, 'worker store')).toMatch(/^FAIL {2}worker store: worker at http:\/\/127\.0\.0\.1:\d+\/ does not answer .* → start it/);
    expect(code).toBe(1);
  });

  it('names a disabled key (DisabledException) and how to enable it', async () => {
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    try {
      const { code, lines } = await doctor([]);
      expect(line(lines, 'record read and decrypted')).toBe(`FAIL  record read and decrypted: KMS key ${keyId} is disabled (DisabledException) → enable it: aws kms enable-key --key-id ${keyId}`);
      expect(code).toBe(1);
    } finally {
      await kms.send(new EnableKeyCommand({ KeyId: keyId }));
    }
  });

  it('names a key pending deletion (KMSInvalidStateException)', async () => {
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    try {
      const { code, lines } = await doctor([]);
      expect(line(lines, 'record read and decrypted')).toContain('(KMSInvalidStateException) → aws kms cancel-key-deletion');
      expect(code).toBe(1);
    } finally {
      await kms.send(new CancelKeyDeletionCommand({ KeyId: keyId }));
      await kms.send(new EnableKeyCommand({ KeyId: keyId }));
    }
  });

  it('fails on a stopped activity stream with how to start it', async () => {
    await rds.send(new StopActivityStreamCommand({ ResourceArn: `arn:aws:rds:${aws.region}:${aws.accountId}:cluster:${CLUSTER}`, ApplyImmediately: true }));
    await until(async () => (await streamStatus()) === 'stopped');
    const { code, lines } = await doctor([]);
    expect(line(lines, 'activity stream')).toMatch(/^FAIL {2}activity stream: activity stream is stopped → start it: POST \/clusters\/auroralab-mysql-cluster\/activity-stream/);
    expect(line(lines, 'Kinesis stream')).toMatch(/^skip/);
    expect(code).toBe(1);
  });

  it('prints its help and refuses bad arguments with exit 2', async () => {
    let out = '';
    let err = '';
    expect(await doctorCommand(['--help'], {}, (text) => (out += text), (text) => (err += text))).toBe(0);
    expect(out).toContain('usage: das doctor');
    expect(await doctorCommand(['--wait', 'soon'], {}, (text) => (out += text), (text) => (err += text))).toBe(2);
    expect(err).toContain('--wait must be a number');
  });
});
