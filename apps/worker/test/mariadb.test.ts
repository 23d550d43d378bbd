import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, StartActivityStreamCommand, type DBCluster } from '@aws-sdk/client-rds';
import type { EventsPage } from '@das/contracts';
import { startLocalAws, type LocalAws } from '@das/local-aws';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../src/aws/aws-clients.js';
import { createWorker, type Worker } from '../src/worker.js';
import { connectLive, getJson, testConfig, waitFor } from './support/worker-harness.js';

const MASTER_PASSWORD = 'Worker-Master-1';

/** Real SQL on the emulator's private MariaDB → audit capture → Kinesis → worker → WebSocket and store. */
describe('worker on the real MariaDB audit stream (@das/local-aws source mariadb)', () => {
  let dir: string;
  let emulator: LocalAws;
  let clients: AwsClients;
  let worker: Worker;
  let base: string;
  let cluster: DBCluster;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'das-worker-mariadb-'));
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
    worker = createWorker({ config: testConfig({ dataDir: join(dir, 'worker'), aws, env: { DAS_CLUSTER_ID: cluster.DBClusterIdentifier! } }), clients });
    base = (await worker.start()).url as string;
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    for (const client of Object.values(clients ?? {})) client.destroy();
    await emulator?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers the statements run on MariaDB live and into the store, each once', async () => {
    await waitFor('consuming', () => (worker.status().state === 'consuming' ? true : undefined));
    const database = `das_worker_${process.pid}`;
    const live = await connectLive(base, `user=root&q=${database}`);
    const connection = await mysql.createConnection({ host: cluster.Endpoint, port: cluster.Port, user: 'root', password: MASTER_PASSWORD });
    try {
      await connection.query(`CREATE DATABASE IF NOT EXISTS ${database}`);
      await connection.query(`CREATE TABLE ${database}.das_worker_marker (id INT PRIMARY KEY)`);
      for (let i = 1; i <= 5; i += 1) await connection.query(`INSERT INTO ${database}.das_worker_marker VALUES (${i})`);
      await connection.query(`SELECT * FROM ${database}.das_worker_marker`);
      await connection.query(`DROP DATABASE ${database}`);
    } finally {
      await connection.end();
    }
    const mains = await waitFor('statements live', () => {
      const found = live.events().filter((e) => e.command === 'QUERY');
      return found.length >= 9 ? found : undefined;
    });
    expect(mains.map((e) => e.text)).toEqual([
      `CREATE DATABASE IF NOT EXISTS ${database}`,
      `CREATE TABLE ${database}.das_worker_marker (id INT PRIMARY KEY)`,
      ...[1, 2, 3, 4, 5].map((i) => `INSERT INTO ${database}.das_worker_marker VALUES (${i})`),
      `SELECT * FROM ${database}.das_worker_marker`,
      `DROP DATABASE ${database}`,
    ]);
    expect(mains.every((e) => e.user === 'root' && e.engine === 'mysql' && e.failed === false)).toBe(true);
    const { body } = await getJson<EventsPage>(base, `/events?user=root&command=QUERY&q=${database}&limit=100`);
    expect(body.events.map((e) => e.text).reverse()).toEqual(mains.map((e) => e.text));
    // AUX events name the table touched.
    const aux = await getJson<EventsPage>(base, '/events?user=root&object=das_worker_marker&limit=100');
    expect(aux.body.events.some((e) => e.command === 'WRITE')).toBe(true);
    live.close();
  });
});
