// End-to-end smoke test: the stack as `npm start` runs it, the lab flow through the API, the
// load's events over the worker's WebSocket, then a clean stop with no process left behind.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterList, CreateKeyResult, LoadRun, StatusEvent } from '@das/contracts';
import WebSocket from 'ws';
import { startStack, type Stack } from '../src/index.js';
import { alive, processTree } from './processes.js';

const run = promisify(execFile);
let stack: Stack;
let dataDir: string;

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Reads the API's server-sent status events until the stream reaches `wanted`. */
async function waitForStatus(clusterId: string, wanted: string): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${stack.apiUrl}/clusters/${clusterId}/status-events`, {
      headers: { authorization: `Bearer ${stack.token}`, accept: 'text/event-stream' },
      signal: AbortSignal.timeout(60_000),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    for (const line of text.split('\n')) {
      if (!line.startsWith('data:')) continue;
      const status = (JSON.parse(line.slice(5)) as Partial<StatusEvent>).activityStream?.status;
      if (status && seen.at(-1) !== status) seen.push(status);
    }
    if (seen.at(-1) === wanted) return seen;
  }
  throw new Error(`status never reached ${wanted}; saw ${seen.join(' → ')}`);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'das-smoke-'));
  stack = await startStack({ dataDir, ports: 'free', activityStreamDelayMs: 300 });
});

afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the local stack', () => {
  it('runs the lab through the API and delivers the load\'s events live, then stops cleanly', async () => {
    const health = await fetch(`${stack.apiUrl}/healthz`);
    expect(health.status).toBe(200);
    expect((await fetch(`${stack.apiUrl}/keys`)).status).toBe(401);

    const { key } = await api<CreateKeyResult>('POST', '/keys', { alias: 'alias/smoke-das', description: 'smoke test key' });
    expect(key.keyId).toMatch(/[0-9a-f-]{36}/);
    const clusters = await api<ClusterList>('GET', '/clusters');
    const cluster = clusters.clusters[0]!;
    expect(cluster.id).toBe('auroralab-mysql-cluster');

    await api('POST', `/clusters/${cluster.id}/activity-stream`, { kmsKeyId: key.keyId, mode: 'async', applyImmediately: true });
    const statuses = await waitForStatus(cluster.id, 'started');
    expect(statuses.at(-1)).toBe('started');

    // Listen before the load starts so that its first statements are seen too.
    const received: { user: string | null; command: string | null; text: string | null }[] = [];
    const socket = new WebSocket(`${stack.workerUrl.replace('http', 'ws')}/events/live?token=${encodeURIComponent(stack.token)}&rdsadmin=false`);
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; events?: typeof received };
      if (frame.type === 'events') received.push(...(frame.events ?? []));
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));

    const run = await api<LoadRun>('POST', '/load-runs', { parameters: { warehouses: 1, threads: 2, duration: 8 } });
    const deadline = Date.now() + 180_000;
    let status = '';
    while (Date.now() < deadline) {
      status = (await api<LoadRun>('GET', `/load-runs/${run.id}`)).status;
      if (!['Pending', 'InProgress', 'Delayed'].includes(status)) break;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    expect(status).toBe('Success');

    const until = Date.now() + 30_000;
    const loadEvents = () => received.filter((e) => e.command === 'QUERY' && /new_orders|order_line|stock/i.test(e.text ?? ''));
    while (loadEvents().length === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 250));
    socket.close();
    expect(loadEvents().length).toBeGreaterThan(0);
    expect(received.every((e) => e.user !== 'rdsadmin')).toBe(true);

    await api('DELETE', `/clusters/${cluster.id}/activity-stream`);
    expect((await waitForStatus(cluster.id, 'stopped')).at(-1)).toBe('stopped');

  });

  it('runs `npm run lab` against the running stack: five steps, each saying what it did', async () => {
    const { stdout } = await run(process.execPath, [join(import.meta.dirname, '..', 'dist', 'cli.js'), 'lab', '--endpoint', stack.endpoint, '--duration', '3', '--threads', '2', '--events', '3'], {
      env: { ...process.env, AWS_REGION: stack.region },
      timeout: 200_000,
    });
    for (const step of ['1. Create an AWS KMS customer managed key', '2. Configure Database Activity Streams', '3. Generate database load', '4. Read activity from the stream', '5. Stop the activity stream']) {
      expect(stdout).toContain(step);
    }
    expect(stdout).toMatch(/rds start-activity-stream → starting, Kinesis stream aws-rds-das-cluster-[A-Z2-7]{26}/);
    expect(stdout).toMatch(/ssm send-command --document-name \S+ --instance-ids i-[0-9a-f]{17} → command /);
    expect(stdout).toContain('3 decrypted event(s) shown');
    expect(stdout).toContain('"type": "record"');
    expect(stdout).toContain('Lab complete.');
  });

  it('stops every process it started, the emulator\'s MariaDB included', async () => {
    const tree = processTree(stack.pids());
    expect(tree.length).toBeGreaterThanOrEqual(4); // emulator, its mariadbd, API, worker
    await stack.stop();
    const leftover = tree.filter(alive);
    expect(leftover).toEqual([]);
  });
});
