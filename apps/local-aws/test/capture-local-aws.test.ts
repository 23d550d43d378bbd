import { readdir, readFile } from 'node:fs/promises';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, StartActivityStreamCommand, StopActivityStreamCommand, type DBCluster } from '@aws-sdk/client-rds';
import { decryptRecord, kmsPortFromClient, type MysqlActivityEvent } from '@das/core';
import mysql, { type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapturedEvent } from '@das/capture';
import { fetchLocal, type LocalAws, type LocalAwsOptions } from '../src/index.js';
import { startTestMariadb } from './capture-harness.js';
import { makeDataDir, readActivityStream, removeDir, sdkClients, startTestEmulator, waitFor } from './helpers.js';

const MASTER_PASSWORD = 'Local-Master-1';

/**
 * Ground truth through the whole emulator: the real SDK starts the stream, mysql2 runs known SQL
 * against the cluster endpoint the private MariaDB serves, the records are read back from
 * Kinesis with the SDK and decrypted with @das/core.
 */
describe('MariaDB audit → DAS activity stream, end to end', () => {
  let dataDir: string;
  let aws: LocalAws;
  let clients: ReturnType<typeof sdkClients>;
  let cluster: DBCluster;
  const options: Partial<LocalAwsOptions> = {
    source: 'mariadb',
    masterPassword: MASTER_PASSWORD,
    capture: { heartbeatIntervalMs: 60_000, batch: { maxEvents: 100, maxDelayMs: 50 } },
  };

  async function start(): Promise<void> {
    ({ aws } = await startTestEmulator({ ...options, dataDir }));
    clients = sdkClients(aws.endpoint);
    cluster = (await clients.rds.send(new DescribeDBClustersCommand({}))).DBClusters?.[0] as DBCluster;
  }

  beforeAll(async () => {
    dataDir = await makeDataDir();
    await start();
  });
  afterAll(async () => {
    await aws?.close();
    await removeDir(dataDir);
  });

  const connect = (extra: { password?: string } = {}): Promise<Connection> =>
    mysql.createConnection({ host: cluster.Endpoint, port: cluster.Port, user: 'root', password: MASTER_PASSWORD, ...extra });

  const readStream = (): Promise<CapturedEvent[]> =>
    readActivityStream<CapturedEvent>(clients, cluster, (payload, version) => {
      expect(version).toBe('1.2');
      expect(payload).toMatchObject({ type: 'DatabaseActivityMonitoringRecord', clusterId: cluster.DbClusterResourceId });
    });

  const queriesBy = (events: CapturedEvent[], user: string): MysqlActivityEvent[] =>
    events.filter((e): e is MysqlActivityEvent => e.type === 'record' && e.class === 'MAIN' && e.command === 'QUERY' && e.dbUserName === user);

  it('shows the private MariaDB as the cluster endpoint and streams a workload exactly once, in order', async () => {
    expect(cluster.Endpoint).toBe('127.0.0.1');
    expect(cluster.Port).toBeGreaterThan(0);
    const key = await clients.kms.send(new CreateKeyCommand({ Description: 'das capture e2e' }));
    await clients.rds.send(new StartActivityStreamCommand({ ResourceArn: cluster.DBClusterArn, KmsKeyId: key.KeyMetadata?.Arn, Mode: 'async', ApplyImmediately: true }));
    cluster = await waitFor(
      async () => (await clients.rds.send(new DescribeDBClustersCommand({}))).DBClusters?.[0] as DBCluster,
      (c) => c.ActivityStreamStatus === 'started',
    );

    await expect(connect({ password: 'not-it' })).rejects.toMatchObject({ errno: 1045 });
    const db = await connect();
    const statements: { sql: string; exitCode: string; object?: string; database?: string }[] = [
      { sql: 'CREATE DATABASE shop', exitCode: '0' },
      { sql: 'USE shop', exitCode: '0', database: 'shop' },
      { sql: 'CREATE TABLE orders (id INT PRIMARY KEY, customer VARCHAR(64), note TEXT)', exitCode: '0', object: 'orders', database: 'shop' },
      { sql: 'ALTER TABLE orders ADD COLUMN total DECIMAL(10,2)', exitCode: '0', object: 'orders', database: 'shop' },
      { sql: "INSERT INTO orders VALUES (1, 'O\\'Connor', 'first line\nsecond, \"quoted\" — 注文 ✓', 9.5)", exitCode: '0', object: 'orders', database: 'shop' },
      { sql: "UPDATE orders SET total = 10 WHERE customer = 'O\\'Connor'", exitCode: '0', object: 'orders', database: 'shop' },
      { sql: 'SELECT id, note FROM orders WHERE id = 1', exitCode: '0', object: 'orders', database: 'shop' },
      { sql: 'DELETE FROM orders WHERE id = 1', exitCode: '0', object: 'orders', database: 'shop' },
      { sql: 'SELECT * FROM no_such_table', exitCode: '1146', database: 'shop' },
      { sql: 'DROP TABLE orders', exitCode: '0', object: 'orders', database: 'shop' },
    ];
    for (const { sql } of statements) await db.query(sql).catch(() => undefined);
    const sessionId = String(db.threadId);
    await db.end();

    // The capture's own client-port lookups are logged too, possibly after the workload's last line.
    const isLookup = (e: CapturedEvent): e is MysqlActivityEvent =>
      e.type === 'record' && e.class === 'MAIN' && (e.commandText ?? '').includes('information_schema.PROCESSLIST');
    const events = await waitFor(
      readStream,
      (all) =>
        queriesBy(all, 'root').length >= statements.length &&
        all.some((e) => e.type === 'record' && e.command === 'DISCONNECT' && e.sessionId === sessionId) &&
        all.some(isLookup),
    );
    const queries = queriesBy(events, 'root');
    expect(queries.map((e) => e.commandText)).toEqual(statements.map((s) => s.sql));
    for (const [i, expected] of statements.entries()) {
      const event = queries[i] as MysqlActivityEvent;
      expect(event).toMatchObject({
        exitCode: expected.exitCode,
        sessionId,
        serverHost: cluster.DBClusterMembers?.[0]?.DBInstanceIdentifier,
        serviceName: 'Amazon Aurora MySQL',
        remoteHost: '127.0.0.1',
      });
      if (expected.object !== undefined) expect(event.objectName).toBe(expected.object);
      if (expected.database !== undefined) expect(event.databaseName).toBe(expected.database);
    }
    const failed = events.filter((e): e is MysqlActivityEvent => e.type === 'record' && e.command === 'FAILED_CONNECT');
    expect(failed.map((e) => [e.dbUserName, e.exitCode])).toEqual([['root', '1045']]);
    // The capture's own session (client-port lookups, in its thread) is Aurora's rdsadmin.
    const lookups = events.filter(isLookup);
    expect(lookups.length).toBeGreaterThan(0);
    expect(lookups.every((e) => e.dbUserName === 'rdsadmin')).toBe(true);
    if (process.platform === 'linux') {
      // The async capture runs in a thread of its own at nice 19; the emulator's thread keeps its priority.
      const nices = await Promise.all((await readdir('/proc/self/task')).map(async (tid) => {
        const stat = await readFile(`/proc/self/task/${tid}/stat`, 'latin1');
        return { tid: Number(tid), nice: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]) };
      }));
      expect(nices.filter((t) => t.nice === 19)).toHaveLength(1);
      expect(nices.find((t) => t.tid === process.pid)?.nice).toBe(0);
    }
    // Each statement's table accesses come as AUX events of it (same statementId, substatementId 2).
    const auxOf = (statement: MysqlActivityEvent) =>
      events.filter((e): e is MysqlActivityEvent => e.type === 'record' && e.class === 'AUX' && e.sessionId === sessionId && e.statementId === statement.statementId);
    const expectedAux: [number, string][] = [[2, 'CREATE'], [3, 'ALTER'], [4, 'WRITE'], [5, 'WRITE'], [6, 'READ'], [7, 'WRITE'], [9, 'DROP']];
    for (const [index, command] of expectedAux) {
      const aux = auxOf(queries[index] as MysqlActivityEvent);
      expect(aux.map((e) => e.command)).toContain(command);
      expect(aux.every((e) => e.objectName === 'orders' && e.substatementId === 2 && e.exitCode === '')).toBe(true);
    }
    expect(auxOf(queries[0] as MysqlActivityEvent)).toEqual([]);
    // The capture thread posts its counters every 200 ms: read them once they include the puts above.
    type Stats = { sources: Record<string, { recordsPut: number; eventsDropped: number }> };
    const stats = await waitFor(
      async () => (await (await fetchLocal(aws.endpoint, '/_local/stats')).json()) as Stats,
      (s) => (s.sources[cluster.DBClusterIdentifier as string]?.recordsPut ?? 0) > 0,
    );
    expect(stats.sources[cluster.DBClusterIdentifier as string]).toMatchObject({ eventsDropped: 0 });
    expect(stats.sources[cluster.DBClusterIdentifier as string]?.recordsPut).toBeGreaterThan(0);
    // What the capture costs: its own CPU time and rate, in /_local/stats and (for the console) /health.
    const cost = stats.sources[cluster.DBClusterIdentifier as string] as unknown as { cpuMicros: number; cpuMicrosPerEvent: number; eventsPerSecond: number; eventsAccepted: number };
    expect(cost.cpuMicros).toBeGreaterThan(0);
    expect(cost.cpuMicrosPerEvent).toBeCloseTo(cost.cpuMicros / cost.eventsAccepted);
    expect(cost.eventsPerSecond).toBeGreaterThanOrEqual(0);
    const health = (await (await fetch(new URL('/health', aws.endpoint))).json()) as { captureCost?: Record<string, { state: string; cpuMicros: number }> };
    expect(health.captureCost?.[cluster.DBClusterIdentifier as string]).toMatchObject({ state: 'running' });
    expect(health.captureCost?.[cluster.DBClusterIdentifier as string]?.cpuMicros).toBeGreaterThan(0);
    // Which code seals the records: the addons where CI builds them.
    const sealing = (health as { captureSealing?: Record<string, string> }).captureSealing;
    if (process.env.DAS_NATIVE_REQUIRED === '1') expect(sealing).toEqual({ signer: 'native', gzip: 'isa-l', frames: 'native' });
    else expect(Object.keys(sealing ?? {}).sort()).toEqual(['frames', 'gzip', 'signer']);
  });

  it('keeps every statement exactly once across a forced rotation and an emulator restart', async () => {
    let db = await connect();
    const run = async (from: number, to: number) => {
      for (let i = from; i < to; i++) await db.query(`SELECT ${i} AS e2e_marker`);
    };
    await run(0, 40);
    await db.query('SET GLOBAL server_audit_file_rotate_now = ON');
    await run(40, 80);
    await db.end().catch(() => undefined);
    await aws.close(); // the private MariaDB stops with the emulator; the stream stays started
    await start();
    expect(cluster.ActivityStreamStatus).toBe('started');
    db = await connect();
    await run(80, 120);
    await db.query('SET GLOBAL server_audit_file_rotate_now = ON');
    await run(120, 160);
    await db.end();
    const expected = Array.from({ length: 160 }, (_, i) => `SELECT ${i} AS e2e_marker`);
    const events = await waitFor(readStream, (all) => queriesBy(all, 'root').filter((e) => e.commandText.endsWith('e2e_marker')).length >= expected.length);
    expect(queriesBy(events, 'root').filter((e) => e.commandText.endsWith('e2e_marker')).map((e) => e.commandText)).toEqual(expected);

    await clients.rds.send(new StopActivityStreamCommand({ ResourceArn: cluster.DBClusterArn, ApplyImmediately: true }));
    await waitFor(
      async () => (await clients.rds.send(new DescribeDBClustersCommand({}))).DBClusters?.[0] as DBCluster,
      (c) => c.ActivityStreamStatus === 'stopped',
    );
  });
});

describe('--mysql-url: watching a MariaDB of your own', () => {
  it('streams its audit log and leaves its settings alone', async () => {
    const own = await startTestMariadb();
    const dataDir = await makeDataDir();
    let aws: LocalAws | undefined;
    try {
      const admin = await mysql.createConnection({ host: own.server.host, port: own.server.port, user: 'root', password: '' });
      const settings = async () => JSON.stringify((await admin.query("SHOW GLOBAL VARIABLES LIKE 'server_audit%'"))[0]);
      const before = await settings();
      ({ aws } = await startTestEmulator({
        dataDir,
        source: 'mariadb',
        mysqlUrl: `mysql://root:@${own.server.host}:${own.server.port}`,
        auditLog: own.server.auditLogPath,
        capture: { batch: { maxEvents: 100, maxDelayMs: 50 } },
      }));
      const clients = sdkClients(aws.endpoint);
      let cluster = (await clients.rds.send(new DescribeDBClustersCommand({}))).DBClusters?.[0] as DBCluster;
      expect([cluster.Endpoint, cluster.Port]).toEqual([own.server.host, own.server.port]);
      const key = await clients.kms.send(new CreateKeyCommand({}));
      await clients.rds.send(new StartActivityStreamCommand({ ResourceArn: cluster.DBClusterArn, KmsKeyId: key.KeyMetadata?.KeyId, Mode: 'async', ApplyImmediately: true }));
      cluster = await waitFor(async () => (await clients.rds.send(new DescribeDBClustersCommand({}))).DBClusters?.[0] as DBCluster, (c) => c.ActivityStreamStatus === 'started');
      await admin.query("SELECT 'watched' AS own_marker");
      const streamName = cluster.ActivityStreamKinesisStreamName as string;
      const kms = kmsPortFromClient(clients.kms);
      const found = await waitFor(
        async () => {
          const shardId = (await clients.kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards?.[0]?.ShardId;
          const iterator = (await clients.kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
          const page = await clients.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
          const events: CapturedEvent[] = [];
          for (const record of page.Records ?? []) {
            const { payload } = await decryptRecord(record.Data as Uint8Array, { kms, resourceId: cluster.DbClusterResourceId as string });
            events.push(...(payload.databaseActivityEventList as unknown as CapturedEvent[]));
          }
          return events.filter((e): e is MysqlActivityEvent => e.type === 'record' && e.commandText?.includes('own_marker') === true);
        },
        (events) => events.length > 0,
      );
      expect(found[0]).toMatchObject({ dbUserName: 'root', command: 'QUERY', exitCode: '0', remoteHost: '127.0.0.1' });
      expect(await settings()).toBe(before);
      await admin.end();
    } finally {
      await aws?.close();
      await removeDir(dataDir);
      await own.dispose();
    }
  });
});
