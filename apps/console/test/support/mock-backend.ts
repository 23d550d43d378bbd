// A scripted API + worker for the console's browser tests: serves the built console and answers
// every route the console calls from data the test sets (events, dead letters, load runs), so a
// chart with one bucket, a gap or one event, and 204 dead letters, are exact and quick to set up.
// The whole stack is exercised by lab-flow.test.ts; this server checks the console's own behaviour.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Cluster, DeadLetter, KeySummary, LoadRun, StoredEvent, WorkerStatus } from '@das/contracts';
import { filterFromQuery, matchesFilter } from '@das/core/filter';
import { normaliseEvents } from '@das/core/browser';
import { createEventGenerator } from '@das/core/fixtures';
import { WebSocketServer } from 'ws';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
const POOL = normaliseEvents(createEventGenerator({ seed: 11, engine: 'mysql' }).payload(400)).filter((e) => e.kind !== 'heartbeat');

/** Stored events at the given times (epoch ms), newest first as the worker serves them. */
export function eventsAt(times: readonly number[]): StoredEvent[] {
  return times
    .map((ms, n) => {
      const base = POOL[n % POOL.length]!;
      return { ...base, id: n + 1, shardId: 'shardId-000000000000', sequenceNumber: String(49_600_000_000_000 + n), time: new Date(ms).toISOString().replace('Z', '000Z'), timeMs: ms };
    })
    .sort((a, b) => b.timeMs - a.timeMs || b.id - a.id);
}

/** `count` dead letters, newest first; every third has a JSON envelope, one is 400 KB. */
export function deadLetters(count: number, startMs = Date.parse('2026-11-25T03:00:00Z')): DeadLetter[] {
  return Array.from({ length: count }, (_, i) => {
    const id = count - i;
    const json = JSON.stringify({ type: 'DatabaseActivityMonitoringRecords', version: '1.2', databaseActivityEvents: 'AYAD…', key: `key-${id}` });
    const data = id === 1 ? Buffer.alloc(400_000, 7).toString('base64') : id % 3 === 0 ? Buffer.from(json).toString('base64') : Buffer.from([0xff, 0x00, id % 256]).toString('base64');
    const at = new Date(startMs + id * 1000).toISOString();
    return {
      id,
      size: Buffer.from(data, 'base64').length,
      reason: id % 2 === 0 ? 'KEY_DECRYPT_FAILED' : 'ENVELOPE_NOT_JSON',
      message: id % 2 === 0 ? 'KMS refused to decrypt the data key' : 'the record is not a JSON envelope',
      shardId: 'shardId-000000000000',
      sequenceNumber: String(49_700_000_000_000 + id),
      arrivedAt: at,
      storedAt: at,
      data,
    };
  });
}

export interface MockData {
  events: StoredEvent[];
  deadLetters: DeadLetter[];
  loadRuns: LoadRun[];
  keys: KeySummary[];
  clusters: Cluster[];
  /** When false, every worker route fails with 503 (the worker is down). */
  workerUp: boolean;
  /** Sent on each live connection, then a `dropped` frame of `liveSkipped` when above 0. */
  liveEvents: StoredEvent[];
  liveSkipped: number;
  /** A real worker to send the console to instead of this mock's worker routes (its token must be the mock's). */
  workerUrl?: string;
}

export interface MockBackend {
  url: string;
  token: string;
  data: MockData;
  /** Worker requests seen, path and query. */
  requests: string[];
  close(): Promise<void>;
}

const NICE_INTERVALS = [1000, 5000, 10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000, 86_400_000];

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
  res.end(JSON.stringify(body));
}

function queryOf(url: URL): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) (out[k] ??= []).push(v);
  return out;
}

function serveFile(root: string, req: IncomingMessage, res: ServerResponse): void {
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  let file = join(root, path === '/' ? 'index.html' : path);
  if (!existsSync(file) || !statSync(file).isFile()) file = join(root, 'index.html');
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
}

function status(data: MockData): WorkerStatus {
  return {
    state: 'consuming',
    clusterId: 'auroralab-mysql-cluster',
    streamName: 'aws-rds-das-cluster-MOCK',
    resourceId: 'cluster-MOCK',
    shards: [{ shardId: 'shardId-000000000000', state: 'reading', millisBehindLatest: 0, lastSequenceNumber: null }],
    lagMs: 0,
    eventsPerSecond: 0,
    recordsPerSecond: 0,
    storedEvents: data.events.length,
    deadLetters: data.deadLetters.length,
  };
}

function handleWorker(data: MockData, url: URL, method: string, res: ServerResponse): boolean {
  const path = url.pathname;
  const q = queryOf(url);
  if (path === '/status') return json(res, 200, status(data)), true;
  if (path === '/fleet') {
    const worker = { workerId: 'local-1', host: 'mock', pid: 1, url: null, startedAt: '2026-11-25T03:00:00.000Z', lastSeen: new Date().toISOString(), alive: true, eventsPerSecond: 0, recordsPerSecond: 0, leases: 0 };
    return json(res, 200, { mode: 'embedded', workerId: 'local-1', streamKey: null, leaseTtlMs: null, workers: [worker], leases: [] }), true;
  }
  if (path === '/events' || path === '/events/facets' || path === '/events/histogram') {
    const filter = filterFromQuery(q);
    const matching = data.events.filter((e) => matchesFilter(e, filter));
    if (path === '/events') {
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const next = start + limit < matching.length ? String(start + limit) : null;
      const ordered = url.searchParams.get('order') === 'asc' ? [...matching].reverse() : matching;
      return json(res, 200, { events: ordered.slice(start, start + limit), next }), true;
    }
    if (path === '/events/facets') {
      const top = (field: 'user' | 'database' | 'command' | 'objectName') => {
        const counts = new Map<string | null, number>();
        for (const e of matching) counts.set(e[field], (counts.get(e[field]) ?? 0) + 1);
        return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count).slice(0, 20);
      };
      return json(res, 200, { total: matching.length, users: top('user'), databases: top('database'), commands: top('command'), objects: top('objectName') }), true;
    }
    const times = matching.map((e) => e.timeMs);
    const from = filter.from !== undefined ? Date.parse(filter.from) : Math.min(...times, Date.now());
    const to = filter.to !== undefined ? Date.parse(filter.to) : Date.now();
    const intervalMs = NICE_INTERVALS.find((ms) => (to - from) / ms <= 120) ?? 86_400_000;
    const buckets = new Map<number, { start: number; total: number; byValue: Record<string, number>; other: number }>();
    const values = new Set<string>();
    for (const e of matching) {
      const start = Math.floor(e.timeMs / intervalMs) * intervalMs;
      const bucket = buckets.get(start) ?? { start, total: 0, byValue: {}, other: 0 };
      bucket.total += 1;
      const command = e.command ?? '';
      values.add(command);
      bucket.byValue[command] = (bucket.byValue[command] ?? 0) + 1;
      buckets.set(start, bucket);
    }
    return json(res, 200, { intervalMs, groupBy: 'command', values: [...values], otherValues: 0, buckets: [...buckets.values()].sort((a, b) => a.start - b.start) }), true;
  }
  const one = /^\/events\/(\d+)$/.exec(path);
  if (one !== null) {
    const event = data.events.find((e) => e.id === Number(one[1]));
    return event ? json(res, 200, event) : json(res, 404, { code: 'NOT_FOUND', message: 'no such event' }), true;
  }
  if (path === '/dead-letters') {
    const reason = url.searchParams.get('reason');
    const all = data.deadLetters.filter((l) => reason === null || l.reason === reason);
    const start = Number(url.searchParams.get('cursor') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const next = start + limit < all.length ? String(start + limit) : null;
    // Listed without their data, as the worker does.
    return json(res, 200, { deadLetters: all.slice(start, start + limit).map(({ data: _data, ...letter }) => letter), next }), true;
  }
  if (path === '/dead-letters/reasons') {
    const counts = new Map<string, number>();
    for (const l of data.deadLetters) counts.set(l.reason, (counts.get(l.reason) ?? 0) + 1);
    return json(res, 200, { total: data.deadLetters.length, reasons: [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count) }), true;
  }
  if (path === '/dead-letters/replay-plan') {
    const reason = url.searchParams.get('reason');
    const ids = url.searchParams.get('ids')?.split(',').map(Number);
    const letters = data.deadLetters.filter((l) => (reason === null || l.reason === reason) && (ids === undefined || ids.includes(l.id)));
    return json(res, 200, { letters: letters.length, kmsCalls: letters.length }), true;
  }
  const letter = /^\/dead-letters\/(\d+)$/.exec(path);
  if (letter !== null) {
    const found = data.deadLetters.find((l) => l.id === Number(letter[1]));
    return found ? json(res, 200, found) : json(res, 404, { code: 'NOT_FOUND', message: 'no such dead letter' }), true;
  }
  if (path === '/dead-letters/replay' && method === 'POST') {
    const reason = url.searchParams.get('reason');
    const examined = data.deadLetters.filter((l) => reason === null || l.reason === reason).length;
    return json(res, 200, { examined, recovered: 0, events: 0, stillFailing: examined, retryLater: 0, interrupted: false }), true;
  }
  return false;
}

/** Starts the mock on a free loopback port, serving `distDir`. */
export async function startMockBackend(distDir: string, initial: Partial<MockData> = {}, token = 'mock-token'): Promise<MockBackend> {
  const data: MockData = { events: [], deadLetters: [], loadRuns: [], keys: [], clusters: [], workerUp: true, liveEvents: [], liveSkipped: 0, ...initial };
  const requests: string[] = [];
  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'authorization, content-type', 'access-control-allow-methods': 'GET, POST, DELETE' });
      res.end();
      return;
    }
    if (url.pathname === '/console-config') {
      const { port } = http.address() as AddressInfo;
      return json(res, 200, { workerUrl: data.workerUrl ?? `http://127.0.0.1:${port}`, apiVersion: 'mock', region: 'us-east-1', endpointOverride: true });
    }
    const isData = /^\/(keys|clusters|load-runs|events|dead-letters|status|fleet)(\/|$)/.test(url.pathname) && !(req.headers.accept ?? '').includes('text/html');
    if (!isData) return serveFile(distDir, req, res);
    if (req.headers.authorization !== `Bearer ${token}`) return json(res, 401, { code: 'UNAUTHORIZED', message: 'bad token' });
    if (url.pathname === '/keys') return json(res, 200, { keys: data.keys });
    if (url.pathname === '/clusters') return json(res, 200, { clusters: data.clusters });
    if (url.pathname === '/load-runs') return json(res, 200, { loadRuns: data.loadRuns });
    requests.push(`${url.pathname}${url.search}`);
    if (!data.workerUp) return json(res, 503, { code: 'NETWORK_ERROR', message: 'the worker is not running' });
    if (!handleWorker(data, url, req.method ?? 'GET', res)) json(res, 404, { code: 'NOT_FOUND', message: url.pathname });
  });
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req, socket, head) => {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(`das.bearer.${token}`)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.send(JSON.stringify({ type: 'status', status: status(data) }));
      if (data.liveEvents.length > 0) ws.send(JSON.stringify({ type: 'events', events: data.liveEvents, matched: data.liveEvents.length, skipped: 0 }));
      // The skipped count comes a little later, as when the browser falls behind mid-stream.
      if (data.liveSkipped > 0) setTimeout(() => ws.send(JSON.stringify({ type: 'dropped', count: data.liveSkipped })), 600);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    data,
    requests,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
