// The emulator's private PostgreSQL with pgaudit (Debian's postgresql-15 and postgresql-15-pgaudit):
// started in a directory of its own, never the machine's server; its jsonlog becomes DAS
// Aurora PostgreSQL events through @das/capture's mapper; data and port survive a restart.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonlogLine, PgEventMapper } from '@das/capture';
import { startPrivatePostgres, type PrivatePostgres } from '../src/postgres/private-postgres.js';

let dir: string;
let server: PrivatePostgres;

async function logLines(): Promise<string[]> {
  const files = (await readdir(server.logDir)).filter((f) => f.endsWith('.json')).sort();
  const lines: string[] = [];
  for (const file of files) lines.push(...(await readFile(join(server.logDir, file), 'utf8')).split('\n').filter((l) => l !== ''));
  return lines;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'das-private-pg-'));
  server = await startPrivatePostgres({ dir: join(dir, 'postgres'), masterPassword: 'Master-Pw-1' });
}, 90_000);

afterAll(async () => {
  await server?.stop();
  // As root the server's home is outside the test's directory.
  if (server !== undefined) await rm(server.home, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
});

describe('the private PostgreSQL with pgaudit', () => {
  it('runs on a port of its own and logs statements, a failed statement and a failed login as DAS events', async () => {
    expect(server.port).not.toBe(5432);
    expect(server.version).toMatch(/^\d+/);
    const client = new pg.Client({ host: server.host, port: server.port, user: server.user, password: 'Master-Pw-1', database: 'postgres', application_name: 'das-test' });
    await client.connect();
    await client.query('CREATE TABLE cards (id int PRIMARY KEY, pan text)');
    await client.query('INSERT INTO cards VALUES ($1, $2)', [1, '4111111111111111']);
    await client.query('SELECT pan FROM cards WHERE id = 1');
    await expect(client.query('SELECT nosuch FROM cards')).rejects.toThrow(/nosuch/);
    await client.end();
    const wrong = new pg.Client({ host: server.host, port: server.port, user: server.user, password: 'wrong', database: 'postgres' });
    await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);

    const mapper = new PgEventMapper({ serverHost: 'local-pg', serverVersion: server.version, isOwnSession: () => false });
    let events: ReturnType<PgEventMapper['map']>[] = [];
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      events = (await logLines()).map((line) => parseJsonlogLine(line)).map((entry) => (entry === null ? null : mapper.map(entry)));
      if (events.some((e) => e?.command === 'AUTH FAILURE')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const mine = events.filter((e) => (e !== null && e.clientApplication === 'das-test') || e?.command === 'AUTH FAILURE');
    expect(mine.map((e) => [e?.class, e?.command])).toEqual([
      ['MISC', 'CONNECT'],
      ['DDL', 'CREATE TABLE'],
      ['DDL', 'CREATE INDEX'], // the primary key's index, named by pgaudit's event trigger
      ['WRITE', 'INSERT'],
      ['READ', 'SELECT'],
      ['READ', 'SELECT'],
      ['MISC', 'DISCONNECT'],
      ['MISC', 'AUTH FAILURE'],
    ]);
    expect(mine.find((e) => e?.command === 'INSERT')?.paramList).toEqual(['1', '4111111111111111']);
    expect(mine.find((e) => e?.exitCode === '42703')?.commandText).toBe('SELECT nosuch FROM cards');
  });

  it('keeps its data and port across a restart, and its own role is rdsadmin', async () => {
    const port = server.port;
    await server.stop();
    server = await startPrivatePostgres({ dir: join(dir, 'postgres'), masterPassword: 'Master-Pw-1' });
    expect(server.port).toBe(port);
    const client = new pg.Client({ host: server.host, port: server.port, user: server.housekeeping.user, password: server.housekeeping.password, database: 'postgres' });
    await client.connect();
    expect((await client.query('SELECT count(*)::int AS n FROM cards')).rows[0].n).toBe(1);
    await client.end();
  }, 90_000);
});
