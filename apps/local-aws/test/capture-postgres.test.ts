// Aurora PostgreSQL through the whole emulator: the real SDK starts a synchronous stream on the
// PostgreSQL cluster, node-postgres runs twenty distinct statements against the endpoint RDS
// shows, and the records read back from Kinesis with the SDK and decrypted with @das/core carry
// each statement once, with pgaudit's class, command and object. A restart mid-stream loses and
// doubles nothing.
import { rm } from 'node:fs/promises';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, StartActivityStreamCommand, StopActivityStreamCommand, type DBCluster } from '@aws-sdk/client-rds';
import { validateActivityEvent, type PostgresActivityEvent } from '@das/core';
import type { CapturedEvent } from '@das/capture';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAws, LocalAwsOptions } from '../src/index.js';
import { makeDataDir, readActivityStream, removeDir, sdkClients, sdkError, startTestEmulator, waitFor } from './helpers.js';

const PG_CLUSTER = 'auroralab-pg-cluster';

describe('PostgreSQL pgaudit → DAS Aurora PostgreSQL activity stream, end to end', () => {
  let dataDir: string;
  let aws: LocalAws;
  let clients: ReturnType<typeof sdkClients>;
  let cluster: DBCluster;
  let home: string | undefined;
  const options: Partial<LocalAwsOptions> = {
    source: 'none',
    postgres: true,
    capture: { heartbeatIntervalMs: 60_000, batch: { maxEvents: 50, maxDelayMs: 50 }, pollIntervalMs: 25 },
  };

  async function start(): Promise<void> {
    ({ aws } = await startTestEmulator({ ...options, dataDir }));
    clients = sdkClients(aws.endpoint);
    cluster = await describe(PG_CLUSTER);
  }

  async function describe(identifier: string): Promise<DBCluster> {
    return (await clients.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }))).DBClusters?.[0] as DBCluster;
  }

  beforeAll(async () => {
    dataDir = await makeDataDir();
    await start();
  }, 120_000);
  afterAll(async () => {
    await aws?.close();
    // As root the private server lives in a directory of the postgres user's (see private-postgres.ts).
    const setup = await import('node:fs/promises').then((fs) => fs.readFile(`${dataDir}/postgres/setup.json`, 'utf8')).catch(() => undefined);
    home = setup === undefined ? undefined : (JSON.parse(setup) as { home: string }).home;
    if (home !== undefined && home.startsWith('/var/tmp/das-postgres-')) await rm(home, { recursive: true, force: true });
    await removeDir(dataDir);
  });

  const connect = async (extra: Partial<pg.ClientConfig> = {}): Promise<pg.Client> => {
    const client = new pg.Client({ host: cluster.Endpoint, port: cluster.Port, user: 'postgres', database: 'postgres', application_name: 'das-pg-e2e', ...extra });
    await client.connect();
    return client;
  };

  const readStream = (): Promise<CapturedEvent[]> =>
    readActivityStream<CapturedEvent>(clients, cluster, (payload) =>
      expect(payload).toMatchObject({ type: 'DatabaseActivityMonitoringRecord', clusterId: cluster.DbClusterResourceId }),
    );

  const mine = (events: CapturedEvent[]): PostgresActivityEvent[] =>
    events.filter((e): e is PostgresActivityEvent => e.type === 'record' && (e as PostgresActivityEvent).clientApplication === 'das-pg-e2e');

  it('shows both clusters with their engine, refuses sync on MySQL and starts a sync stream on PostgreSQL', async () => {
    const all = (await clients.rds.send(new DescribeDBClustersCommand({}))).DBClusters ?? [];
    expect(all.map((c) => [c.DBClusterIdentifier, c.Engine])).toEqual([
      ['auroralab-mysql-cluster', 'aurora-mysql'],
      [PG_CLUSTER, 'aurora-postgresql'],
    ]);
    expect(cluster.Endpoint).toBe('127.0.0.1');
    expect(cluster.Port).not.toBe(5432); // never the machine's own PostgreSQL
    expect(cluster.EngineVersion).toMatch(/^\d+\.\d+/);

    const key = await clients.kms.send(new CreateKeyCommand({ Description: 'das pg e2e' }));
    const refused = await sdkError(
      clients.rds.send(new StartActivityStreamCommand({ ResourceArn: all[0]?.DBClusterArn, KmsKeyId: key.KeyMetadata?.Arn, Mode: 'sync', ApplyImmediately: true })),
    );
    expect(refused.name).toBe('InvalidParameterCombination');

    await clients.rds.send(new StartActivityStreamCommand({ ResourceArn: cluster.DBClusterArn, KmsKeyId: key.KeyMetadata?.Arn, Mode: 'sync', ApplyImmediately: true }));
    cluster = await waitFor(() => describe(PG_CLUSTER), (c) => c.ActivityStreamStatus === 'started', 30_000);
    expect(cluster.ActivityStreamMode).toBe('sync');
  }, 60_000);

  it('captures twenty distinct statements once each with class, command and object, a failed statement and a failed login', async () => {
    const client = await connect();
    const statements: [string, unknown[]?][] = [
      ['CREATE SCHEMA lab'],
      ['CREATE TABLE lab.accounts (id int PRIMARY KEY, owner text, balance numeric)'],
      ['CREATE INDEX accounts_owner ON lab.accounts (owner)'],
      ['INSERT INTO lab.accounts VALUES (1, $1, 10), (2, $2, 20)', ['ann', 'bob']],
      ['UPDATE lab.accounts SET balance = balance + 1 WHERE id = 1'],
      ['SELECT owner, balance FROM lab.accounts WHERE id = 2'],
      ['DELETE FROM lab.accounts WHERE id = 2'],
      ['ALTER TABLE lab.accounts ADD COLUMN opened date'],
      ['CREATE VIEW lab.rich AS SELECT owner FROM lab.accounts WHERE balance > 5'],
      ["CREATE FUNCTION lab.total() RETURNS numeric LANGUAGE sql AS 'SELECT sum(balance) FROM lab.accounts'"],
      ['SELECT lab.total()'],
      ["CREATE ROLE auditor NOLOGIN"],
      ['GRANT SELECT ON lab.accounts TO auditor'],
      ["COMMENT ON TABLE lab.accounts IS 'money'"],
      ["DO $$ BEGIN PERFORM 1; END $$"],
      ['TRUNCATE lab.accounts'],
      ['DROP VIEW lab.rich'],
      ['REVOKE SELECT ON lab.accounts FROM auditor'],
      ['VACUUM lab.accounts'],
    ];
    for (const [sql, params] of statements) await client.query(sql, params);
    // A prepared statement: parse once, execute with parameters.
    await client.query({ name: 'by_owner', text: 'SELECT id FROM lab.accounts WHERE owner = $1', values: ['ann'] });
    await expect(client.query('SELECT nosuch FROM lab.accounts')).rejects.toThrow(/nosuch/);
    await client.end();
    await expect(connect({ user: 'mallory', password: 'not-it' })).rejects.toThrow(/mallory/);

    const events = await waitFor(readStream, (all) => all.some((e) => e.type === 'record' && (e as PostgresActivityEvent).command === 'AUTH FAILURE'), 20_000);
    for (const event of events) expect(validateActivityEvent(event).ok, JSON.stringify(event)).toBe(true);
    const seen = mine(events).filter((e) => e.command !== 'CONNECT' && e.command !== 'DISCONNECT');
    const rows = seen.map((e) => [e.class, e.command, e.objectName ?? null]);
    // What pgaudit logs (session mode, log_relation on): one row per relation, DDL objects named by
    // its event triggers; a function call's execution and its inner statement are substatements.
    expect(rows).toEqual([
      ['DDL', 'CREATE SCHEMA', 'lab'],
      ['DDL', 'CREATE TABLE', 'lab.accounts'],
      ['DDL', 'CREATE INDEX', 'lab.accounts_pkey'],
      ['DDL', 'CREATE INDEX', 'lab.accounts_owner'],
      ['WRITE', 'INSERT', 'lab.accounts'],
      ['WRITE', 'UPDATE', 'lab.accounts'],
      ['READ', 'SELECT', 'lab.accounts'],
      ['WRITE', 'DELETE', 'lab.accounts'],
      ['DDL', 'ALTER TABLE', 'lab.accounts'],
      ['DDL', 'CREATE VIEW', 'lab.rich'],
      ['DDL', 'CREATE FUNCTION', 'lab.total()'],
      ['READ', 'SELECT', null],
      ['FUNCTION', 'EXECUTE', 'lab.total'],
      ['READ', 'SELECT', 'lab.accounts'],
      ['ROLE', 'CREATE ROLE', null],
      ['ROLE', 'GRANT', null],
      ['DDL', 'COMMENT', 'lab.accounts'],
      ['FUNCTION', 'DO', null],
      ['READ', 'SELECT', null],
      ['WRITE', 'TRUNCATE TABLE', null],
      ['DDL', 'DROP VIEW', 'lab.rich'],
      ['ROLE', 'REVOKE', null],
      ['MISC', 'VACUUM', null],
      ['READ', 'SELECT', 'lab.accounts'],
      ['READ', 'SELECT', null],
    ]);
    // Each of the twenty statements (and the failed one) once: statement ids 1…21, in order.
    expect([...new Set(seen.map((e) => e.statementId))]).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(seen.filter((e) => e.statementId === 11).map((e) => e.substatementId)).toEqual([1, 2, 3]);
    expect(seen.at(-1)).toMatchObject({ commandText: 'SELECT nosuch FROM lab.accounts', exitCode: '42703', errorMessage: expect.stringMatching(/nosuch/) });
    const prepared = seen.at(-2) as PostgresActivityEvent;
    expect(prepared.commandText).toBe('SELECT id FROM lab.accounts WHERE owner = $1');
    expect(prepared.paramList).toEqual(['ann']);
    const insert = seen[4] as PostgresActivityEvent;
    expect(insert.paramList).toEqual(['ann', 'bob']);
    expect(seen.every((e) => e.dbUserName === 'postgres' && e.databaseName === 'postgres' && e.remoteHost === '127.0.0.1' && Number(e.remotePort) > 0)).toBe(true);
    expect(seen.every((e) => e.serverHost === 'auroralab-pg-node-1' && e.serviceName === 'Amazon Aurora PostgreSQL-Compatible edition')).toBe(true);

    const sessions = mine(events).filter((e) => e.command === 'CONNECT' || e.command === 'DISCONNECT');
    expect(sessions.map((e) => e.command)).toEqual(['CONNECT', 'DISCONNECT']);
    const failedLogin = events.filter((e): e is PostgresActivityEvent => e.type === 'record' && (e as PostgresActivityEvent).command === 'AUTH FAILURE');
    expect(failedLogin).toHaveLength(1);
    expect(failedLogin[0]).toMatchObject({ dbUserName: 'mallory', exitCode: '28P01', class: 'MISC' });
  }, 60_000);

  it('loses and doubles nothing across a restart of the emulator mid-stream', async () => {
    const client = await connect();
    await client.query('CREATE TABLE lab.ticks (n int)');
    for (let n = 1; n <= 20; n += 1) await client.query(`INSERT INTO lab.ticks VALUES (${n})`);
    await client.end();
    await aws.close(); // the stream stays started; the capture resumes from its saved position
    const offline = new pg.Client({ host: cluster.Endpoint, port: cluster.Port, user: 'postgres', database: 'postgres', application_name: 'das-pg-e2e' });
    // While the emulator is down its PostgreSQL is down too: the statements after the restart.
    await expect(offline.connect()).rejects.toThrow();
    await start();
    expect(cluster.ActivityStreamStatus).toBe('started');
    const after = await connect();
    for (let n = 21; n <= 40; n += 1) await after.query(`INSERT INTO lab.ticks VALUES (${n})`);
    await after.end();

    const ticks = (events: CapturedEvent[]): number[] =>
      mine(events)
        .filter((e) => e.command === 'INSERT' && e.objectName === 'lab.ticks')
        .map((e) => Number(/VALUES \((\d+)\)/.exec(e.commandText ?? '')?.[1]));
    const events = await waitFor(readStream, (all) => ticks(all).includes(40), 20_000);
    expect(ticks(events)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));

    await clients.rds.send(new StopActivityStreamCommand({ ResourceArn: cluster.DBClusterArn, ApplyImmediately: true }));
    await waitFor(() => describe(PG_CLUSTER), (c) => c.ActivityStreamStatus === 'stopped', 30_000);
  }, 120_000);
});
