import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import type { CaptureLog } from './capture-log.js';
import { errorSummary } from './record-pipeline.js';

/** How the capture reaches the watched server (its own session, Aurora's `rdsadmin`). */
export interface MysqlConnectionOptions {
  host?: string;
  port?: number;
  /** A Unix socket; preferred over host/port when given. */
  socketPath?: string;
  user: string;
  password?: string;
}

/** What the capture learns from the server when it connects. */
export interface ServerFacts {
  connectionId: number;
  /** e.g. `10.11.19-MariaDB-0+deb12u1`. */
  version: string;
  /** `NOW() - UTC_TIMESTAMP()` in seconds: how the audit log's local times map to UTC. */
  utcOffsetSeconds: number;
}

/**
 * The capture's own session with the watched server: it reads the client ports the audit log
 * lacks from `information_schema.PROCESSLIST` (HOST = `ip:port`), cached by connection id while
 * the session lives, and issues the marker statement that tells the capture the log has caught
 * up. It reconnects on demand; when the server cannot be reached, ports are simply unknown.
 */
export interface Housekeeping {
  connect(): Promise<ServerFacts | null>;
  /** Ids of every session this housekeeping opened (their activity is `rdsadmin`'s). */
  readonly ownConnectionIds: ReadonlySet<number>;
  /** The client port of a session, `""` when unknown or a socket session. */
  portOf(connectionId: number): string;
  /** Whether a port lookup is worth a query for this session. */
  needsLookup(connectionId: number): boolean;
  /** One PROCESSLIST query for all live sessions; afterwards every id asked for is cached. */
  lookUp(connectionIds: readonly number[]): Promise<void>;
  forget(connectionId: number): void;
  /** Runs `SELECT '<marker>'`; false when the server could not be reached. */
  runMarker(marker: string): Promise<boolean>;
  close(): Promise<void>;
}

const MAX_CACHED_SESSIONS = 100_000;
const RECONNECT_PAUSE_MS = 10_000;
/** A hung server must not stall the capture: it reads the file regardless. */
const QUERY_TIMEOUT_MS = 5000;

export function createHousekeeping(connection: MysqlConnectionOptions, log: CaptureLog, onConnected: (id: number) => void): Housekeeping {
  let session: Connection | null = null;
  let connecting: Promise<Connection | null> | null = null;
  let warned = false;
  /** After a failed connect, lookups do not wait on the server again for a while. */
  let retryAfter = 0;
  const ports = new Map<number, string>();
  const own = new Set<number>();

  async function open(): Promise<Connection | null> {
    if (session !== null) return session;
    if (connecting === null && Date.now() < retryAfter) return null;
    connecting ??= (async () => {
      try {
        const opened = await mysql.createConnection({
          ...(connection.socketPath !== undefined ? { socketPath: connection.socketPath } : { host: connection.host ?? '127.0.0.1', port: connection.port ?? 3306 }),
          user: connection.user,
          password: connection.password ?? '',
          connectTimeout: 5000,
        });
        const id = opened.threadId;
        if (id !== null) {
          own.add(id);
          onConnected(id);
        }
        opened.on('error', () => {
          if (session === opened) session = null;
        });
        opened.on('end', () => {
          if (session === opened) session = null;
        });
        session = opened;
        warned = false;
        return opened;
      } catch (error) {
        if (!warned) log.warn({ code: 'CAPTURE_DB_UNREACHABLE', err: errorSummary(error) }, 'capture cannot reach the database; client ports unknown');
        warned = true;
        retryAfter = Date.now() + RECONNECT_PAUSE_MS;
        return null;
      } finally {
        connecting = null;
      }
    })();
    return connecting;
  }

  async function query<T extends RowDataPacket[]>(sql: string): Promise<T | null> {
    const db = await open();
    if (db === null) return null;
    try {
      const [rows] = await db.query<T>({ sql, timeout: QUERY_TIMEOUT_MS });
      return rows;
    } catch (error) {
      log.warn({ code: 'CAPTURE_DB_QUERY_FAILED', err: errorSummary(error) }, 'capture housekeeping query failed');
      if (session === db) session = null;
      await db.end().catch(() => undefined);
      return null;
    }
  }

  return {
    async connect() {
      const rows = await query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id, VERSION() AS version, TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), NOW()) AS utc_offset');
      const row = rows?.[0];
      if (row === undefined) return null;
      return { connectionId: Number(row.id), version: String(row.version), utcOffsetSeconds: Number(row.utc_offset) };
    },
    get ownConnectionIds() {
      return own;
    },
    portOf: (id) => ports.get(id) ?? '',
    needsLookup: (id) => !ports.has(id),
    async lookUp(ids) {
      const rows = await query<RowDataPacket[]>('SELECT ID AS id, HOST AS host FROM information_schema.PROCESSLIST');
      if (ports.size > MAX_CACHED_SESSIONS) ports.clear();
      for (const row of rows ?? []) ports.set(Number(row.id), portFromHost(String(row.host ?? '')));
      for (const id of ids) if (!ports.has(id)) ports.set(id, ''); // gone already: do not ask again
    },
    forget(id) {
      ports.delete(id);
    },
    async runMarker(marker) {
      return (await query<RowDataPacket[]>(`SELECT '${marker.replace(/[^\w -]/g, '')}' AS marker`)) !== null;
    },
    async close() {
      const db = session;
      session = null;
      await db?.end().catch(() => undefined);
    },
  };
}

/** `127.0.0.1:51234` → `51234`; `[::1]:51234` and `::1:51234` too; `localhost` (socket) → `""`. */
export function portFromHost(host: string): string {
  const match = /:(\d+)$/.exec(host);
  return match?.[1] ?? '';
}
