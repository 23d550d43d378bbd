// `npm start -- --fleet 3`: three workers on one PostgreSQL store split a 4-shard activity
// stream; the API (and so the console) sees every event whichever worker stored it.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterList, CreateKeyResult, EventsPage, Fleet } from '@das/contracts';
import { startStack, type Stack } from '../src/index.js';
import { alive } from './processes.js';

const SERVER = process.env.DAS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `das_stack_fleet_${randomBytes(4).toString('hex')}`;
let stack: Stack;
let dataDir: string;
// Every service's output, printed with what was last seen when a wait times out.
const output: string[] = [];

async function call<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 60_000, seen: () => unknown = () => undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(seen())}; the services' last output:\n${output.slice(-80).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'das-stack-fleet-'));
  const url = new URL(SERVER);
  url.pathname = `/${database}`;
  stack = await startStack({ dataDir, ports: 'free', source: 'synthetic', activityStreamDelayMs: 300, fleet: { workers: 3, storeUrl: url.toString() }, onLine: (line) => output.push(line) });
});

afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
});

describe('npm start -- --fleet 3', () => {
  it('creates the store, splits a 4-shard stream over three workers, and serves every event through the API', async () => {
    expect(stack.workers).toHaveLength(3);
    const { key } = await call<CreateKeyResult>(stack.apiUrl, 'POST', '/keys', { alias: 'alias/fleet-das', description: 'fleet test key' });
    const cluster = (await call<ClusterList>(stack.apiUrl, 'GET', '/clusters')).clusters[0]!;
    await call(stack.apiUrl, 'POST', `/clusters/${cluster.id}/activity-stream`, { kmsKeyId: key.keyId, mode: 'async', applyImmediately: true });

    let lastView: Fleet | undefined;
    const fleet = await until(
      'four leases over three workers',
      async () => {
        const view = (lastView = await call<Fleet>(stack.workers[2]!.url, 'GET', '/fleet'));
        const owners = new Set(view.leases.filter((l) => l.owner !== null && !l.expired).map((l) => l.owner));
        return view.leases.length === 4 && owners.size === 3 ? view : undefined;
      },
      60_000,
      () => lastView,
    );
    expect(fleet.mode).toBe('fleet');
    expect(fleet.workers.filter((w) => w.alive).map((w) => w.workerId).sort()).toEqual(['local-1', 'local-2', 'local-3']);

    // The console is pointed (by the API's /console-config) at the first worker; its answer covers
    // the shards the other two read.
    const config = await call<{ workerUrl: string }>(stack.apiUrl, 'GET', '/console-config');
    expect(config.workerUrl).toBe(stack.workerUrl);
    const shards = await until('events from every shard through the console\'s worker', async () => {
      const page = await call<EventsPage>(stack.workerUrl, 'GET', '/events?limit=500');
      const seen = new Set(page.events.map((e) => e.shardId));
      return seen.size === 4 ? seen : undefined;
    });
    expect(shards.size).toBe(4);

    const pids = stack.pids();
    await stack.stop();
    for (const pid of pids) expect(alive(pid), `pid ${pid} still running`).toBe(false);
    // A clean stop gives every lease back.
    const client = new pg.Client({ connectionString: SERVER.replace(/\/[^/]*$/, `/${database}`) });
    await client.connect();
    const { rows } = await client.query('SELECT count(*)::int AS held FROM das.leases WHERE owner IS NOT NULL');
    await client.end();
    expect(rows[0].held).toBe(0);
  });
});
