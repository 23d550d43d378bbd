// The built-in rules the four-alert scenario does not cover, on events captured from the local
// lab's MariaDB (the emulator's audit capture, Kinesis, the worker): password spraying, catalog
// enumeration, off-hours activity, a client host never seen for a user, and the stream stopping.
// (session-rows-read needs row counts, which MariaDB's audit log does not carry: its tests use
// Aurora-shaped events in @das/core.)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, StartActivityStreamCommand, StopActivityStreamCommand, type DBCluster } from '@aws-sdk/client-rds';
import { builtInRules } from '@das/core';
import type { Alert, AlertsPage, StoredEvent } from '@das/contracts';
import { startLocalAws, type LocalAws } from '@das/local-aws';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../src/aws/aws-clients.js';
import { createWorker, type Worker } from '../src/worker.js';
import { getJson, testConfig, waitFor } from './support/worker-harness.js';

const MASTER_PASSWORD = 'Rules-Master-1';
const DATABASE = `das_rules_${process.pid}`;

/** Business hours of one hour that does not contain now (UTC), so every login now is off hours. */
function hoursAwayFromNow(): { timeZone: string; days: number[]; start: string; end: string } {
  const hour = new Date().getUTCHours();
  const from = hour + 3 <= 23 ? hour + 2 : hour - 3;
  const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
  return { timeZone: 'UTC', days: [0, 1, 2, 3, 4, 5, 6], start: hh(from), end: hh(from + 1) };
}

describe('issue 20: the other built-in rules on events captured from the local MariaDB', () => {
  let dir: string;
  let emulator: LocalAws;
  let clients: AwsClients;
  let worker: Worker;
  let base: string;
  let cluster: DBCluster;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'das-worker-rules-'));
    emulator = await startLocalAws({
      port: 0,
      dataDir: join(dir, 'emulator'),
      source: 'mariadb',
      masterPassword: MASTER_PASSWORD,
      activityStreamDelayMs: 50,
      kinesisDelayMs: 20,
      capture: { heartbeatIntervalMs: 60_000, batch: { maxEvents: 100, maxDelayMs: 50 } },
      log: () => undefined,
    });
    const aws = { region: 'us-east-1', endpoint: emulator.endpoint, credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } };
    clients = createAwsClients(aws);
    cluster = (await clients.rds.send(new DescribeDBClustersCommand({}))).DBClusters![0]!;
    const key = (await clients.kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await clients.rds.send(new StartActivityStreamCommand({ ResourceArn: cluster.DBClusterArn, KmsKeyId: key.Arn, Mode: 'async', ApplyImmediately: true }));
    await emulator.settle();
    // Off hours now, and no learning period for new client hosts: both fire on this test's logins.
    const tuned = builtInRules({ businessHours: hoursAwayFromNow(), newHostLearningSeconds: 0 }).filter((r) => ['off-hours-activity', 'new-client-host'].includes(r.id));
    const rulesFile = join(dir, 'rules.json');
    await writeFile(rulesFile, JSON.stringify(tuned));
    const config = testConfig({ dataDir: join(dir, 'worker'), aws, env: { DAS_CLUSTER_ID: cluster.DBClusterIdentifier!, DAS_ALERT_RULES: rulesFile } });
    worker = createWorker({ config, clients });
    base = (await worker.start()).url as string;
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    for (const client of Object.values(clients ?? {})) client.destroy();
    await emulator?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** An alert of a rule (for `user` when given), once stored, with the events behind it readable. */
  async function alertOf(ruleId: string, user?: string, timeoutMs = 10_000): Promise<Alert> {
    const alert = await waitFor(
      `a ${ruleId} alert${user === undefined ? '' : ` for ${user}`}`,
      async () => (await getJson<AlertsPage>(base, `/alerts?rule=${ruleId}&limit=100`)).body.alerts.find((a) => user === undefined || a.group.user === user),
      timeoutMs,
    );
    for (const id of alert.eventIds.slice(0, 3)) expect((await getJson<StoredEvent>(base, `/events/${id}`)).status).toBe(200);
    return alert;
  }

  it('raises password spraying, catalog enumeration, off-hours and new-host alerts, then the stream stopping', { timeout: 90_000 }, async () => {
    await waitFor('consuming', () => (worker.status().state === 'consuming' ? true : undefined));
    const connect = (user: string, password: string) => mysql.createConnection({ host: cluster.Endpoint, port: cluster.Port, user, password });
    const admin = await connect('root', MASTER_PASSWORD);
    try {
      await admin.query(`CREATE DATABASE IF NOT EXISTS ${DATABASE}`);
      await admin.query(`CREATE USER IF NOT EXISTS 'app_reader'@'%' IDENTIFIED BY 'Reader-Pw-1'`);
      await admin.query(`GRANT SELECT ON ${DATABASE}.* TO 'app_reader'@'%'`);

      // Five users tried from one host, each once: spraying, not a burst.
      for (const user of ['alice', 'bob', 'carol', 'dave', 'erin']) await expect(connect(user, 'Winter2026!')).rejects.toThrow(/Access denied/);
      const spraying = await alertOf('password-spraying');
      expect(spraying.group).toMatchObject({ remoteHost: expect.any(String) });
      expect(spraying.eventCount).toBeGreaterThanOrEqual(5);

      // An application user's login now (off hours, a host never seen for it), then a walk of the catalog.
      const reader = await connect('app_reader', 'Reader-Pw-1');
      try {
        for (let i = 0; i < 10; i += 1) await reader.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = '${DATABASE}' LIMIT ${i + 1}`);
      } finally {
        await reader.end();
      }
      expect((await alertOf('off-hours-activity', 'app_reader')).kind).toBe('time_of_day');
      expect((await alertOf('new-client-host', 'app_reader')).kind).toBe('first_seen');
      expect((await alertOf('catalog-enumeration', 'app_reader')).eventCount).toBeGreaterThanOrEqual(10);
    } finally {
      await admin.query(`DROP USER IF EXISTS 'app_reader'@'%'`).catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`).catch(() => undefined);
      await admin.end();
    }

    // The activity stream stops: the stream itself is watched too.
    await clients.rds.send(new StopActivityStreamCommand({ ResourceArn: cluster.DBClusterArn, ApplyImmediately: true }));
    expect((await alertOf('stream-health', undefined, 20_000)).title.toLowerCase()).toContain('stream');
  });
});
