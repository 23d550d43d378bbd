import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import type { EventsPage, LiveServerFrame, StoredEvent } from '@das/contracts';
import type { AwsSettings } from '../../src/aws/aws-clients.js';
import { loadWorkerConfig, type WorkerConfig } from '../../src/config.js';

export const TEST_TOKEN = 'test-token-0123456789';

export async function tempDir(prefix = 'das-worker-'): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A worker config for tests: loopback, free port, fixed token, given stream, in-thread decryption. */
export function testConfig(options: { dataDir: string; aws: AwsSettings; streamName?: string; env?: Record<string, string> }): WorkerConfig {
  return loadWorkerConfig({
    DAS_DATA_DIR: options.dataDir,
    DAS_TOKEN: TEST_TOKEN,
    DAS_WORKER_PORT: '0',
    DAS_START_POSITION: 'TRIM_HORIZON',
    DAS_DECRYPT_THREADS: '0',
    DAS_CLUSTER_POLL_MS: '200',
    DAS_LOG_LEVEL: process.env.DAS_TEST_LOG ?? 'warn',
    AWS_REGION: options.aws.region,
    AWS_ENDPOINT_URL: options.aws.endpoint,
    AWS_ACCESS_KEY_ID: options.aws.credentials?.accessKeyId,
    AWS_SECRET_ACCESS_KEY: options.aws.credentials?.secretAccessKey,
    ...(options.streamName === undefined ? {} : { DAS_STREAM_NAME: options.streamName, DAS_RESOURCE_ID: 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ' }),
    ...options.env,
  });
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A WebSocket client of `/events/live` that collects every frame. */
export async function connectLive(baseUrl: string, query = '', token = TEST_TOKEN) {
  const url = `${baseUrl.replace(/^http/, 'ws')}/events/live${query === '' ? '' : `?${query}`}`;
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  const frames: LiveServerFrame[] = [];
  socket.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8')) as LiveServerFrame));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    frames,
    events(): StoredEvent[] {
      return frames.flatMap((f) => (f.type === 'events' ? f.events : []));
    },
    close() {
      socket.close();
    },
  };
}

/** GET with the test token, parsed as JSON. */
export async function getJson<T>(baseUrl: string, path: string, token = TEST_TOKEN): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as T };
}

/** Every stored event, newest first, read page by page through `GET /events`. */
export async function allStoredEvents(baseUrl: string): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let cursor = '';
  for (;;) {
    const { body } = await getJson<EventsPage>(baseUrl, `/events?limit=1000${cursor === '' ? '' : `&cursor=${cursor}`}`);
    events.push(...body.events);
    if (body.next === null) return events;
    cursor = body.next;
  }
}
