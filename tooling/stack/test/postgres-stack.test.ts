// Aurora PostgreSQL through the whole local stack: `npm start -- --engine postgres` serves the
// PostgreSQL cluster from the emulator's private PostgreSQL with pgaudit, `npm run lab -- --engine
// postgres` runs the lab's five steps on it (TPC-C on PostgreSQL through SSM), and the worker
// decrypts the stream and pushes the load's events live with PostgreSQL's fields.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ClusterList, StoredEvent } from '@das/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startStack, type Stack } from '../src/index.js';
import { alive, processTree } from './processes.js';

const run = promisify(execFile);
let stack: Stack;
let dataDir: string;
// Every service's output, so that a service that died mid-test says why in the failure.
const output: string[] = [];

async function get<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${stack.token}` } }).catch((error: unknown) => {
    throw new Error(`GET ${url} failed (${String(error)}); the services' last output:\n${output.slice(-60).join('\n')}`);
  });
  if (!response.ok) throw new Error(`GET ${url} → ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'das-pg-stack-'));
  stack = await startStack({ dataDir, ports: 'free', activityStreamDelayMs: 300, source: 'synthetic', engine: 'postgres', onLine: (line) => output.push(line) });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  // As root the private PostgreSQL lives in a directory of the postgres user's; its setup says where.
  const setup = await readFile(join(dataDir, 'aws', 'postgres', 'setup.json'), 'utf8').catch(() => undefined);
  const home = setup === undefined ? undefined : (JSON.parse(setup) as { home?: string }).home;
  if (home?.startsWith('/var/tmp/das-postgres-') === true) await rm(home, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

describe('the local stack on Aurora PostgreSQL', () => {
  it('lists both clusters with their engine through the API', async () => {
    const { clusters } = await get<ClusterList>(`${stack.apiUrl}/clusters`);
    expect(clusters.map((c) => [c.id, c.engine])).toEqual([
      ['auroralab-mysql-cluster', 'aurora-mysql'],
      ['auroralab-pg-cluster', 'aurora-postgresql'],
    ]);
  });

  it('runs `npm run lab -- --engine postgres` and the worker shows the TPC-C load live with class, command and statement ids', async () => {
    const received: StoredEvent[] = [];
    const socket = new WebSocket(`${stack.workerUrl.replace('http', 'ws')}/events/live?token=${encodeURIComponent(stack.token)}&rdsadmin=false`);
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; events?: StoredEvent[] };
      if (frame.type === 'events') received.push(...(frame.events ?? []));
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));

    const { stdout } = await run(
      process.execPath,
      [join(import.meta.dirname, '..', 'dist', 'cli.js'), 'lab', '--endpoint', stack.endpoint, '--engine', 'postgres', '--duration', '4', '--threads', '2', '--events', '3'],
      { env: { ...process.env, AWS_REGION: stack.region }, timeout: 240_000 },
    );
    expect(stdout).toContain('cluster auroralab-pg-cluster');
    expect(stdout).toContain('3 decrypted event(s) shown');
    expect(stdout).toContain('"serverType": "PostgreSQL"');
    expect(stdout).toContain('Lab complete.');

    const tpcc = (): StoredEvent[] => received.filter((e) => e.engine === 'postgres' && /new_order|order_line|stock|district/.test(e.objectName ?? ''));
    // The load's reads and writes arrive over a few seconds; wait for both kinds, not the first event.
    const both = (): boolean => tpcc().some((e) => e.command === 'INSERT') && tpcc().some((e) => e.command === 'SELECT');
    const until = Date.now() + 60_000;
    while (!both() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 250));
    socket.close();
    const load = tpcc();
    expect(load.length).toBeGreaterThan(0);
    expect(load.every((e) => ['READ', 'WRITE', 'DDL'].includes(e.eventClass ?? ''))).toBe(true);
    expect(load.every((e) => typeof e.statementId === 'number' && e.statementId > 0)).toBe(true);
    const seen = `${received.length} event(s) received, load commands: ${[...new Set(load.map((e) => e.command))].join(', ')}; services:\n${output.slice(-40).join('\n')}`;
    expect(both(), seen).toBe(true);
    expect(received.every((e) => e.user !== 'rdsadmin')).toBe(true);

    // The same events are in the worker's store, searchable.
    const page = await get<{ events: StoredEvent[] }>(`${stack.workerUrl}/events?command=INSERT&limit=5`);
    expect(page.events.length).toBeGreaterThan(0);
    expect(page.events.every((e) => e.engine === 'postgres' && e.command === 'INSERT')).toBe(true);
    // PostgreSQL's class is a facet and a filter, included and excluded.
    const facets = await get<{ classes: { value: string | null; count: number }[] }>(`${stack.workerUrl}/events/facets?rdsadmin=false`);
    expect(facets.classes.map((f) => f.value)).toEqual(expect.arrayContaining(['READ', 'WRITE']));
    const writes = await get<{ events: StoredEvent[] }>(`${stack.workerUrl}/events?class=write&limit=20`);
    expect(writes.events.length).toBeGreaterThan(0);
    expect(writes.events.every((e) => e.eventClass === 'WRITE')).toBe(true);
    const notReads = await get<{ events: StoredEvent[] }>(`${stack.workerUrl}/events?${encodeURIComponent('class!')}=READ&limit=50`);
    expect(notReads.events.some((e) => e.eventClass === 'READ')).toBe(false);
  }, 300_000);

  it('stops every process it started, the private PostgreSQL included', async () => {
    const tree = processTree(stack.pids());
    expect(tree.length).toBeGreaterThanOrEqual(4);
    await stack.stop();
    expect(tree.filter(alive)).toEqual([]);
  }, 60_000);
});
