// A stand-in for the worker's live WebSocket, ONLY for the live-table benchmark and its
// correctness test: serves the built console, `/console-config`, and `/events/live` frames in
// the worker's format at a set rate.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

const USERS = ['app', 'report', 'master', 'etl', 'rdsadmin'];
const COMMANDS: [string, string][] = [
  ['QUERY', 'SELECT c_balance, c_first FROM customer WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?'],
  ['QUERY', 'UPDATE stock SET s_quantity = ? WHERE s_i_id = ? AND s_w_id = ?'],
  ['READ', 'customer'],
  ['WRITE', 'stock'],
  ['CONNECT', ''],
];

/** The n-th synthetic event, in the normalised ActivityEvent shape the worker sends. */
export function feedEvent(n: number, timeMs: number): Record<string, unknown> {
  const user = USERS[n % USERS.length]!;
  const [command, text] = COMMANDS[n % COMMANDS.length]!;
  const time = new Date(timeMs).toISOString().replace('Z', '000Z');
  const raw = {
    logTime: time.replace('T', ' ').replace('Z', '+00'),
    type: 'record',
    dbUserName: user,
    databaseName: 'tpcc',
    command,
    commandText: text,
    objectType: 'TABLE',
    objectName: command === 'CONNECT' ? '' : 'customer',
    statementId: n,
    substatementId: 1,
    exitCode: '0',
    sessionId: String(1000 + (n % 32)),
    rowCount: 1,
    remoteHost: '10.0.0.12',
    remotePort: '40112',
    pid: 20_000 + (n % 32),
    serverHost: 'auroralab-mysql-node-1',
    class: 'MAIN',
  };
  return {
    id: `feed-${n}`,
    engine: 'mysql',
    kind: 'record',
    time,
    timeMs,
    clusterId: 'cluster-BENCH',
    instanceId: 'db-BENCH',
    user,
    database: 'tpcc',
    command,
    eventClass: 'MAIN',
    objectType: 'TABLE',
    objectName: raw.objectName === '' ? null : raw.objectName,
    text: text === '' ? null : text,
    exitCode: 0,
    failed: false,
    errorMessage: null,
    remoteHost: raw.remoteHost,
    remotePort: raw.remotePort,
    sessionId: raw.sessionId,
    pid: raw.pid,
    statementId: n,
    substatementId: 1,
    rowCount: 1,
    clientApplication: null,
    raw,
  };
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
    if (req.url?.startsWith('/keys') || req.url?.startsWith('/clusters')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
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
    if (url.pathname !== '/events/live' || url.searchParams.get('token') !== token) {
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
        const data = JSON.stringify({ type: 'events', events });
        for (const ws of clients) ws.send(data);
        sent += count;
        frame += 1;
        if (frame % 10 === 0) {
          const status = { type: 'status', stream: 'aws-rds-das-cluster-BENCH', streamStatus: 'ACTIVE', shards: 1, lagMs: 0, eventsPerSecond: rate };
          for (const ws of clients) ws.send(JSON.stringify(status));
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
