// A stand-in for the worker's live WebSocket, ONLY for the live-table benchmark and its
// correctness test: serves the built console, `/console-config`, and `/events/live` frames in
// the worker's format at a set rate.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { normaliseEvents, type ActivityEvent } from '@das/core/browser';
import { createEventGenerator } from '@das/core/fixtures';
import type { StoredEvent, WorkerStatus } from '@das/contracts';
import { WebSocketServer, type WebSocket } from 'ws';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/** A pool of realistic normalised events (MySQL statements with their AUX events) to cycle through. */
function eventPool(size: number): ActivityEvent[] {
  const generator = createEventGenerator({ seed: 7, engine: 'mysql' });
  return normaliseEvents(generator.payload(size));
}

const POOL = eventPool(2000);

/** The n-th feed event: a pooled event with the worker's store fields and the send time. */
export function feedEvent(n: number, timeMs: number): StoredEvent {
  const base = POOL[n % POOL.length]!;
  const time = new Date(timeMs).toISOString().replace('Z', '000Z');
  return { ...base, id: n + 1, shardId: 'shardId-000000000000', sequenceNumber: String(49_600_000_000_000 + n), time, timeMs };
}

export interface FeedServer {
  url: string;
  token: string;
  /** Resolves once a browser has connected to `/events/live`. */
  connected(): Promise<void>;
  /** Sends `rate` events/s for `seconds` in frames every `frameMs`; resolves with the count sent. */
  feed(options: { rate: number; seconds: number; frameMs?: number }): Promise<number>;
  close(): Promise<void>;
}

function serveFile(root: string, req: IncomingMessage, res: ServerResponse): void {
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  let file = join(root, path === '/' ? 'index.html' : path);
  if (!existsSync(file) || !statSync(file).isFile()) file = join(root, 'index.html');
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
}

/** Starts the feed server on a free loopback port. */
export async function startFeedServer(distDir: string, token = 'bench-token'): Promise<FeedServer> {
  const http = createServer((req, res) => {
    if (req.url === '/console-config') {
      const { port } = http.address() as AddressInfo;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ workerUrl: `http://127.0.0.1:${port}`, apiVersion: 'bench', region: 'local', endpointOverride: null }));
      return;
    }
    if (req.url === '/keys' || req.url === '/clusters') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.url === '/keys' ? { keys: [] } : { clusters: [] }));
      return;
    }
    serveFile(distDir, req, res);
  });
  const wss = new WebSocketServer({ noServer: true });
  const clients = new Set<WebSocket>();
  let onConnect: (() => void) | undefined;
  const firstConnection = new Promise<void>((resolve) => (onConnect = resolve));
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    // As the worker: the token rides as the `das.bearer.<token>` subprotocol, never in the URL.
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (url.pathname !== '/events/live' || !offered.includes(`das.bearer.${token}`) || url.search.includes('token')) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      onConnect?.();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    connected: () => firstConnection,
    async feed({ rate, seconds, frameMs = 100 }) {
      const total = Math.round(rate * seconds);
      const perFrame = Math.max(1, Math.round((rate * frameMs) / 1000));
      const started = Date.now();
      let sent = 0;
      let frame = 0;
      while (sent < total) {
        const count = Math.min(perFrame, total - sent);
        const now = Date.now();
        const events = Array.from({ length: count }, (_, i) => feedEvent(sent + i, now));
        const data = JSON.stringify({ type: 'events', events, matched: events.length, skipped: 0 });
        for (const ws of clients) ws.send(data);
        sent += count;
        frame += 1;
        if (frame % 10 === 0) {
          const status: WorkerStatus = {
            state: 'consuming',
            clusterId: 'bench-cluster',
            streamName: 'aws-rds-das-cluster-BENCH',
            resourceId: 'cluster-BENCH',
            shards: [{ shardId: 'shardId-000000000000', state: 'reading', millisBehindLatest: 0, lastSequenceNumber: null }],
            lagMs: 0,
            eventsPerSecond: rate,
            recordsPerSecond: rate / 10,
            storedEvents: sent,
            deadLetters: 0,
          };
          for (const ws of clients) ws.send(JSON.stringify({ type: 'status', status }));
        }
        // Pace against the wall clock so the rate holds even when a frame takes long to build.
        const due = started + frame * frameMs;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      }
      return sent;
    },
    async close() {
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
