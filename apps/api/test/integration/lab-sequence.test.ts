import { GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import { LAB_KEY_ALIAS, LAB_KEY_DESCRIPTION, type LoadRun, type StatusEvent } from '@das/contracts';
import { startLocalAws, type LocalAws } from '@das/local-aws';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ApiApp } from '../../src/app.js';
import { testConfig, TEST_TOKEN } from '../helpers.js';

/**
 * The lab end to end through the real path: the API over HTTP, real SDK v3 clients, @das/local-aws
 * over HTTP (KMS, RDS, SSM with the TPC-C load document running @das/tpcc on the shared MariaDB).
 */
const CREDENTIALS = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' };
const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };
const CLUSTER = 'auroralab-mysql-cluster';
const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
const database = `api_lab_${suffix}`;
/** A database user of its own, so the run proves a real password travels and never shows. */
const dbUser = `das_api_${suffix}`.slice(0, 32);
const dbPassword = `Pw-${randomBytes(9).toString('hex')}`;

async function admin(statements: string[]): Promise<void> {
  const conn = await mysql.createConnection(MARIADB);
  try {
    for (const statement of statements) await conn.query(statement);
  } finally {
    await conn.end();
  }
}

let localAws: LocalAws;
let dataDir: string;
let app: ApiApp;
let base: string;

async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Reads a server-sent events response to its end (bounded by the server's own deadline). */
async function statusEvents(path: string): Promise<{ event: string; data: unknown }[]> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TEST_TOKEN}`, accept: 'text/event-stream' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((frame) => frame.trim())
    .map((frame) => ({ event: /^event: (.*)$/m.exec(frame)?.[1] ?? '', data: JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? 'null') }));
}

/** Polls `read` until `accept` holds; fails with the last value at the deadline. */
async function waitFor<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    last = await read();
  }
  return last;
}

beforeAll(async () => {
  await admin([
    `CREATE USER '${dbUser}'@'%' IDENTIFIED BY '${dbPassword}'`,
    `CREATE USER '${dbUser}'@'localhost' IDENTIFIED BY '${dbPassword}'`,
    `GRANT ALL ON \`${database}\`.* TO '${dbUser}'@'%'`,
    `GRANT ALL ON \`${database}\`.* TO '${dbUser}'@'localhost'`,
  ]);
  dataDir = await mkdtemp(join(tmpdir(), 'das-api-lab-'));
  localAws = await startLocalAws({
    port: 0,
    dataDir: join(dataDir, 'local-aws'),
    source: 'none',
    activityStreamDelayMs: 300,
    clusterEndpoint: { host: MARIADB.host, port: MARIADB.port },
    databaseLogin: { user: MARIADB.user, password: MARIADB.password },
  });
  app = await buildApp(
    testConfig({ aws: { endpoint: localAws.endpoint, region: localAws.region, credentials: CREDENTIALS }, dataDir }),
    { statusPollMs: 100 },
  );
  base = await app.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await localAws?.close();
  await admin([`DROP USER IF EXISTS '${dbUser}'@'%'`, `DROP USER IF EXISTS '${dbUser}'@'localhost'`, `DROP DATABASE IF EXISTS \`${database}\``]);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('the lab through the API against @das/local-aws', () => {
  let keyId: string;
  let loadRunId: string;

  it('is ready: KMS, RDS and SSM answer; the console config says an emulator is behind it', async () => {
    const ready = await api('GET', '/readyz');
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready', failed: [] } });
    const config = await fetch(`${base}/console-config`).then((res) => res.json());
    expect(config).toEqual({ workerUrl: 'http://127.0.0.1:7401', apiVersion: '1', region: localAws.region, endpointOverride: true,
      streamSource: { kind: 'none' } });
  });

  it('creates a key, then the lab key with administrators (policy in CreateKey), and lists them', async () => {
    const scratch = await api<{ key: { keyId: string } }>('POST', '/keys', { alias: 'scratch-key' });
    expect(scratch.status).toBe(201);

    const admin = `arn:aws:iam::${localAws.accountId}:role/TeamRole`;
    const created = await api<{ key: { keyId: string; aliases: string[]; usableForDas: boolean }; policy: string }>('POST', '/keys', {
      alias: LAB_KEY_ALIAS,
      description: LAB_KEY_DESCRIPTION,
      keyAdministrators: [admin],
    });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatchObject({ aliases: [`alias/${LAB_KEY_ALIAS}`], usableForDas: true });
    keyId = created.body.key.keyId;
    const kms = new KMSClient({ endpoint: localAws.endpoint, region: localAws.region, credentials: CREDENTIALS });
    try {
      const stored = await kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }));
      expect(JSON.parse(stored.Policy ?? '{}')).toEqual(JSON.parse(created.body.policy));
      expect(stored.Policy).toContain(admin);
    } finally {
      kms.destroy();
    }

    const again = await api('POST', '/keys', { alias: LAB_KEY_ALIAS });
    expect(again).toMatchObject({ status: 409, body: { code: 'ALREADY_EXISTS', field: '/body/alias' } });

    const list = await api<{ keys: { keyId: string; description: string; state: string }[] }>('GET', '/keys');
    expect(list.body.keys.map((k) => k.keyId)).toEqual(expect.arrayContaining([keyId, scratch.body.key.keyId]));
    expect(list.body.keys.find((k) => k.keyId === keyId)).toMatchObject({ description: LAB_KEY_DESCRIPTION, state: 'Enabled' });
    const byAlias = await api('GET', `/keys/${encodeURIComponent(`alias/${LAB_KEY_ALIAS}`)}`);
    expect(byAlias.body).toMatchObject({ keyId });
  });

  it('maps the emulator faults: unknown cluster 404, unusable key 422', async () => {
    expect(await api('GET', '/clusters/no-such-cluster')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', awsCode: 'DBClusterNotFoundFault' } });
    expect(await api('GET', '/keys/00000000-0000-0000-0000-000000000000')).toMatchObject({ status: 404, body: { awsCode: 'NotFoundException' } });
    const unusable = await api('POST', `/clusters/${CLUSTER}/activity-stream`, { kmsKeyId: 'alias/no-such-key' });
    expect(unusable).toMatchObject({ status: 422, body: { code: 'KEY_NOT_USABLE', awsCode: 'KMSKeyNotAccessibleFault', field: '/body/kmsKeyId' } });
  });

  it('starts the activity stream and reports starting → started through the status events', async () => {
    const clusters = await api<{ clusters: { id: string; activityStream: { status: string } }[] }>('GET', '/clusters');
    expect(clusters.body.clusters.find((c) => c.id === CLUSTER)?.activityStream.status).toBe('stopped');

    const started = await api('POST', `/clusters/${CLUSTER}/activity-stream`, { kmsKeyId: `alias/${LAB_KEY_ALIAS}`, mode: 'async', applyImmediately: true });
    expect(started).toMatchObject({ status: 202, body: { clusterId: CLUSTER, status: 'starting', mode: 'async' } });

    const frames = await statusEvents(`/clusters/${CLUSTER}/status-events?timeoutSeconds=30`);
    const events = frames.map((f) => f.data as StatusEvent);
    expect(frames.every((f) => f.event === 'status')).toBe(true);
    expect(events.at(-1)).toMatchObject({ final: true, activityStream: { status: 'started', mode: 'async' } });
    expect(events.slice(0, -1).every((e) => e.activityStream.status === 'starting' && !e.final)).toBe(true);

    const cluster = await api<{ resourceId: string; activityStream: Record<string, string> }>('GET', `/clusters/${CLUSTER}`);
    expect(cluster.body.activityStream).toMatchObject({ status: 'started', kinesisStreamName: `aws-rds-das-${cluster.body.resourceId}` });
    expect(await api('POST', `/clusters/${CLUSTER}/activity-stream`, { kmsKeyId: `alias/${LAB_KEY_ALIAS}` })).toMatchObject({
      status: 409,
      body: { code: 'WRONG_STATE', awsCode: 'InvalidDBClusterStateFault' },
    });
  });

  it('starts a load run on the workstation, shows its progress without the password, and cancels it', async () => {
    const created = await api<LoadRun>('POST', '/load-runs', {
      parameters: { dbUser, dbPassword, database, warehouses: 1, threads: 2, duration: 600 },
    });
    expect(created.status).toBe(201);
    expect(created.body.documentName).toBe('DAS-Lab-TpccLoad');
    expect(JSON.stringify(created.body)).not.toContain(dbPassword);
    loadRunId = created.body.id;

    // The emulator's workstation runs das-tpcc: prepare (progress phase 'prepare'), then run (tpmC).
    const running = await waitFor(
      () => api<LoadRun>('GET', `/load-runs/${loadRunId}`).then((res) => res.body),
      (run) => run.progress?.phase === 'run' || ['Failed', 'Success', 'Cancelled', 'TimedOut'].includes(run.status),
      240_000,
      500,
    );
    expect(running.status).toBe('InProgress');
    expect(running.progress).toMatchObject({ phase: 'run' });
    expect(running.progress!.percentage).toBeGreaterThanOrEqual(0);
    expect(running.progress!.percentage).toBeLessThan(100);
    expect(running.progress!.elapsedSeconds).toBeGreaterThan(0);

    const listed = await api<{ loadRuns: LoadRun[] }>('GET', '/load-runs');
    expect(listed.body.loadRuns.map((run) => run.id)).toContain(loadRunId);
    expect(JSON.stringify(listed.body)).not.toContain(dbPassword);

    const cancelling = await api<LoadRun>('DELETE', `/load-runs/${loadRunId}`);
    expect(cancelling.status).toBe(200);
    expect(['Cancelling', 'Cancelled']).toContain(cancelling.body.status);
    const cancelled = await waitFor(
      () => api<LoadRun>('GET', `/load-runs/${loadRunId}`).then((res) => res.body),
      (run) => run.status !== 'Cancelling' && run.status !== 'InProgress',
      30_000,
    );
    expect(cancelled.status).toBe('Cancelled');
  }, 300_000);

  it('stops the activity stream and reports stopped', async () => {
    const stopping = await api('DELETE', `/clusters/${CLUSTER}/activity-stream`);
    expect(stopping).toMatchObject({ status: 202, body: { status: 'stopping' } });
    const frames = await statusEvents(`/clusters/${CLUSTER}/status-events?timeoutSeconds=30`);
    expect((frames.at(-1)?.data as StatusEvent).activityStream.status).toBe('stopped');
    expect((frames.at(-1)?.data as StatusEvent).final).toBe(true);
  });

  it('schedules the key for deletion and cancels it (KMS leaves it Disabled)', async () => {
    const scheduled = await api('DELETE', `/keys/${keyId}?pendingWindowInDays=7`);
    expect(scheduled).toMatchObject({ status: 200, body: { state: 'PendingDeletion', pendingWindowInDays: 7 } });
    const notUsable = await api('POST', `/clusters/${CLUSTER}/activity-stream`, { kmsKeyId: keyId });
    expect(notUsable.status).toBe(422);
    const again = await api('DELETE', `/keys/${keyId}`);
    expect(again).toMatchObject({ status: 409, body: { awsCode: 'KMSInvalidStateException' } });
    const restored = await api('POST', `/keys/${keyId}/cancel-deletion`);
    expect(restored).toMatchObject({ status: 200, body: { keyId, state: 'Disabled', usableForDas: false } });
  });
});
