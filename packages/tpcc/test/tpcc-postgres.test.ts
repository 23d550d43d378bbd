// The same load on PostgreSQL (the machine's, 127.0.0.1:5432): prepare, a bounded run, check,
// cleanup, through the library and the CLI, on a database of the test's own.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, cleanup, prepare, run, type TpccConnectionOptions } from '../src/index.js';
import { main } from '../src/cli.js';

const SERVER = process.env.DAS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `tpcc_pg_${process.pid}_${randomBytes(3).toString('hex')}`;
const url = (() => {
  const u = new URL(SERVER);
  u.pathname = `/${database}`;
  return u.toString();
})();
const conn: TpccConnectionOptions = { url };

async function count(table: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0].n);
  } finally {
    await client.end();
  }
}

async function databaseExists(): Promise<boolean> {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rows.length > 0;
  } finally {
    await client.end();
  }
}

describe('@das/tpcc on PostgreSQL', () => {
  beforeAll(async () => {
    await prepare(conn, { warehouses: 1 });
  }, 180_000);

  afterAll(async () => {
    const client = new pg.Client({ connectionString: SERVER });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.end();
  });

  it('loads the population of one warehouse, and check passes', async () => {
    expect(await count('warehouse')).toBe(1);
    expect(await count('customer')).toBe(30_000);
    expect(await count('stock')).toBe(100_000);
    expect(await count('new_orders')).toBe(9_000);
    const report = await check(conn);
    expect(report.conditions.filter((c) => !c.ok)).toEqual([]);
  });

  it('runs the five transactions and leaves the database consistent', async () => {
    const report = await run(conn, { threads: 2, durationSec: 4, reportIntervalSec: 1 });
    expect(report.errorsByCode).toEqual({});
    for (const type of ['newOrder', 'payment'] as const) expect(report.counts[type], type).toBeGreaterThan(0);
    expect(report.tpmC).toBeGreaterThan(0);
    expect((await check(conn)).ok).toBe(true);
  }, 60_000);

  it('works from the command line with --engine postgres, then cleans up', async () => {
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), env: {}, isTty: false, signal: new AbortController().signal };
    const u = new URL(url);
    expect(await main(['check', '--engine', 'postgres', '--host', u.hostname, '--port', u.port, '--user', u.username, '--database', database, '--json'], io)).toBe(0);
    expect(JSON.parse(out.at(-1) as string)).toMatchObject({ type: 'check', ok: true, warehouses: 1 });
    expect(await main(['check', '--engine', 'mysql', '--url', url], io)).toBe(1);
    expect(out.at(-1)).toContain('--engine mysql does not match the postgres:// URL (TPCC_BAD_URL)');
    await cleanup(conn);
    expect(await databaseExists()).toBe(false);
  });
});
