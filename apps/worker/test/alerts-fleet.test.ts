// Alerts in a fleet: two workers on one PostgreSQL store follow the same feed, so both evaluate
// every event; the alert, keyed by its deterministic id, is stored once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, StartActivityStreamCommand } from '@aws-sdk/client-rds';
import { encryptRecord, kmsPortFromClient } from '@das/core';
import { buildMysqlEvent, buildPayload } from '@das/core/fixtures';
import type { AlertsPage } from '@das/contracts';
import { startLocalAws, type LocalAws } from '@das/local-aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../src/aws/aws-clients.js';
import { createWorker, type Worker } from '../src/worker.js';
import { createTestDatabase } from './support/pg-database.js';
import { putRecords } from './support/local-kinesis.js';
import { getJson, testConfig, waitFor } from './support/worker-harness.js';

const CLUSTER = 'auroralab-mysql-cluster';

describe('alerts of a fleet on one PostgreSQL store', () => {
  let dir: string;
  let emulator: LocalAws;
  let clients: AwsClients;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const workers: { worker: Worker; url: string }[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'das-worker-alerts-fleet-'));
    database = await createTestDatabase();
    emulator = await startLocalAws({ port: 0, dataDir: join(dir, 'emulator'), source: 'none', activityStreamDelayMs: 50, kinesisDelayMs: 20, log: () => undefined });
    const aws = { region: 'us-east-1', endpoint: emulator.endpoint, credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } };
    clients = createAwsClients(aws);
    const key = (await clients.kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await clients.rds.send(new StartActivityStreamCommand({ ResourceArn: `arn:aws:rds:us-east-1:000000000000:cluster:${CLUSTER}`, KmsKeyId: key.Arn, Mode: 'async', ApplyImmediately: true }));
    await emulator.settle();
    for (const name of ['a', 'b']) {
      const config = testConfig({ dataDir: join(dir, name), aws, env: { DAS_CLUSTER_ID: CLUSTER, DAS_STORE_URL: database.url, DAS_WORKER_ID: `worker-${name}`, DAS_ALERTS: 'true' } });
      const worker = createWorker({ config, clients });
      workers.push({ worker, url: (await worker.start()).url as string });
    }
    const cluster = (await clients.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: CLUSTER }))).DBClusters![0]!;
    const kms = kmsPortFromClient(clients.kms);
    // Five refused logins, one record each on different partition keys (so on different shards where there are several).
    const at = (i: number) => new Date(Date.now() + i * 1000).toISOString().replace('T', ' ').replace('Z', '000+00');
    const records = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => ({
        data: await encryptRecord(buildPayload([buildMysqlEvent({ logTime: at(i), command: 'FAILED_CONNECT', commandText: '', exitCode: '1045', dbUserName: 'eve', remoteHost: '203.0.113.9' })]), {
          kms,
          keyId: key.Arn!,
          resourceId: cluster.DbClusterResourceId!,
        }),
        partitionKey: `p${i}`,
      })),
    );
    await waitFor('both consuming', () => (workers.every(({ worker }) => worker.status().state === 'consuming') ? true : undefined), 30_000);
    await putRecords(clients.kinesis, cluster.ActivityStreamKinesisStreamName!, records);
  }, 120_000);

  afterAll(async () => {
    for (const { worker } of workers) await worker.stop();
    for (const client of Object.values(clients ?? {})) client.destroy();
    await emulator?.close();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores the failed-login alert once, seen from either worker, without an alert error on either worker', async () => {
    const [a, b] = workers.map((w) => w.url) as [string, string];
    const burst = await waitFor('the alert', async () => (await getJson<AlertsPage>(a, '/alerts?rule=failed-login-burst')).body.alerts[0], 15_000);
    expect(burst).toMatchObject({ eventCount: 5, group: { user: 'eve', remoteHost: '203.0.113.9' } });
    const metric = async (url: string, name: string) => {
      const text = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer test-token-0123456789' } }).then((r) => r.text());
      return [...text.matchAll(new RegExp(`^${name}\\{[^}]*rule="failed-login-burst"[^}]*\\} (\\d+)`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
    };
    // Both workers evaluate the shared feed; the id makes the second insert a no-op, not a second alert.
    await waitFor('the alert counted once', async () => {
      const stored = (await metric(a, 'das_worker_alerts_total')) + (await metric(b, 'das_worker_alerts_total'));
      return stored === 1 ? true : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await getJson<AlertsPage>(b, '/alerts?rule=failed-login-burst')).body.alerts.map((x) => x.id)).toEqual([burst.id]);
    for (const { url } of workers) {
      const text = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer test-token-0123456789' } }).then((r) => r.text());
      expect(text).not.toMatch(/^das_worker_alert_errors_total\{[^}]*\} [1-9]/m);
    }
  });
});
