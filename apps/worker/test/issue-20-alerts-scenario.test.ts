// Issue 20's "done when": on the local lab (the emulator's MariaDB, its audit capture, Kinesis,
// the worker), wrong passwords, a GRANT, a DROP TABLE and a read of a sensitive table raise
// exactly those alerts within 2 s each, live and at a webhook that checks the signature.
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, StartActivityStreamCommand, type DBCluster } from '@aws-sdk/client-rds';
import { builtInRules } from '@das/core';
import { DELIVERY_HEADER, verifySignature } from '@das/alerts-delivery';
import type { Alert, AlertsPage, LiveAlertFrame } from '@das/contracts';
import { startLocalAws, type LocalAws } from '@das/local-aws';
import mysql from 'mysql2/promise';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../src/aws/aws-clients.js';
import { createWorker, type Worker } from '../src/worker.js';
import { getJson, testConfig, TEST_TOKEN, waitFor } from './support/worker-harness.js';

const MASTER_PASSWORD = 'Worker-Master-1';
const SECRET = 'issue-20-webhook-secret';
const DATABASE = `das_alerts_${process.pid}`;

interface Received {
  delivery: string;
  signature: { ok: boolean };
  alert: Alert;
}

describe('issue 20: the alert scenario on the local lab', () => {
  let dir: string;
  let emulator: LocalAws;
  let clients: AwsClients;
  let worker: Worker;
  let base: string;
  let cluster: DBCluster;
  let receiver: Server;
  const received: Received[] = [];
  let refusedFirst = false;
  const live: { alert: Alert; atMs: number }[] = [];
  let socket: WebSocket;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'das-worker-alerts-'));
    // The webhook: refuses the first request (the loop retries), then checks every signature.
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (!refusedFirst) {
          refusedFirst = true;
          response.writeHead(503).end();
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        const signature = verifySignature({ secret: SECRET, body, timestamp: request.headers['x-das-timestamp'] as string, signature: request.headers['x-das-signature'] as string });
        received.push({ delivery: String(request.headers[DELIVERY_HEADER]), signature, alert: (JSON.parse(body) as { alert: Alert }).alert });
        response.writeHead(signature.ok ? 204 : 401).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

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

    // Business hours all week, all day: the off-hours rule must not depend on when the test runs.
    const allDay = builtInRules({ businessHours: { timeZone: 'UTC', days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '24:00' } }).find((r) => r.id === 'off-hours-activity');
    const rulesFile = join(dir, 'rules.json');
    await writeFile(rulesFile, JSON.stringify([allDay]));
    const config = testConfig({
      dataDir: join(dir, 'worker'),
      aws,
      env: {
        DAS_CLUSTER_ID: cluster.DBClusterIdentifier!,
        DAS_ALERT_RULES: rulesFile,
        DAS_SENSITIVE_OBJECTS: `${DATABASE}.cards`,
        DAS_ALERT_WEBHOOKS: JSON.stringify([{ url: hook, secret: SECRET, id: 'test-hook' }]),
      },
    });
    worker = createWorker({ config, clients, delivery: { pollIntervalMs: 100, backoff: { baseMs: 100, maxMs: 200 } } });
    base = (await worker.start()).url as string;
    socket = new WebSocket(`${base.replace(/^http/, 'ws')}/alerts/live`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    socket.on('message', (data: Buffer) => live.push({ alert: (JSON.parse(data.toString('utf8')) as LiveAlertFrame).alert, atMs: Date.now() }));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  }, 120_000);

  afterAll(async () => {
    socket?.close();
    await worker?.stop();
    for (const client of Object.values(clients ?? {})) client.destroy();
    await emulator?.close();
    await new Promise((resolve) => receiver?.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs a step, then waits (at most 2 s) for the one alert it must raise, live. */
  async function expectAlert(ruleId: string, step: () => Promise<void>): Promise<Alert> {
    const before = live.length;
    await step();
    const doneMs = Date.now();
    const { alert, atMs } = await waitFor(`${ruleId} live`, () => live.slice(before).find((a) => a.alert.ruleId === ruleId), 2000);
    expect(atMs - doneMs).toBeLessThan(2000);
    return alert;
  }

  it('raises exactly the four alerts, each within 2 s, live and signed at the webhook', { timeout: 60_000 }, async () => {
    await waitFor('consuming', () => (worker.status().state === 'consuming' ? true : undefined));
    const connect = (password: string) => mysql.createConnection({ host: cluster.Endpoint, port: cluster.Port, user: 'root', password });
    const admin = await connect(MASTER_PASSWORD);
    try {
      // Setup that must raise nothing: a schema, a scratch table, a table of card numbers.
      await admin.query(`CREATE DATABASE IF NOT EXISTS ${DATABASE}`);
      await admin.query(`CREATE TABLE ${DATABASE}.scratch (id INT PRIMARY KEY)`);
      await admin.query(`CREATE TABLE ${DATABASE}.cards (id INT PRIMARY KEY, pan VARCHAR(19))`);
      await admin.query(`INSERT INTO ${DATABASE}.cards VALUES (1, '4111111111111111')`);
      const [[{ who }]] = (await admin.query('SELECT CURRENT_USER() AS who')) as unknown as [[{ who: string }]];
      const [user, host] = who.split('@') as [string, string];
      await waitFor('the setup stored', async () => ((await getJson<{ events: unknown[] }>(base, `/events?q=${DATABASE}.cards&limit=10`)).body.events.length >= 2 ? true : undefined));

      const burst = await expectAlert('failed-login-burst', async () => {
        for (let i = 0; i < 5; i += 1) await expect(connect('wrong-password')).rejects.toThrow(/Access denied/);
      });
      expect(burst).toMatchObject({ severity: 'high', eventCount: 5, group: { user: 'root' } });
      await expectAlert('privilege-change', () => admin.query(`GRANT SELECT ON ${DATABASE}.* TO '${user}'@'${host}'`).then(() => undefined));
      await expectAlert('destructive-ddl', () => admin.query(`DROP TABLE ${DATABASE}.scratch`).then(() => undefined));
      const read = await expectAlert('sensitive-read', () => admin.query(`SELECT pan FROM ${DATABASE}.cards`).then(() => undefined));
      expect(read.title).toContain('cards');
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`).catch(() => undefined);
      await admin.end();
    }
    const expected = ['failed-login-burst', 'privilege-change', 'destructive-ddl', 'sensitive-read'];
    const stored = await getJson<AlertsPage>(base, '/alerts?limit=100');
    // The cleanup's DROP DATABASE is destructive too: everything before it is exactly the four.
    const beforeCleanup = stored.body.alerts.filter((a) => !(a.ruleId === 'destructive-ddl' && a.title.toUpperCase().includes('DROP DATABASE')));
    expect(beforeCleanup.map((a) => a.ruleId).reverse()).toEqual(expected);
    expect(live.map((l) => l.alert.ruleId).slice(0, 4)).toEqual(expected);

    // Each delivered once to the webhook (after one refused attempt), every signature valid.
    const deliveries = await waitFor('four deliveries', () => (new Set(received.map((r) => r.delivery)).size >= 4 ? received : undefined), 10_000);
    expect(deliveries.every((r) => r.signature.ok)).toBe(true);
    expect(new Set(deliveries.filter((r) => expected.includes(r.alert.ruleId)).map((r) => r.alert.ruleId))).toEqual(new Set(expected));
    expect(deliveries.map((r) => r.delivery)).toEqual(deliveries.map((r) => `${r.alert.id}:test-hook`));
  });
});
