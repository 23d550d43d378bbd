import { join } from 'node:path';
import pg from 'pg';
import {
  createPgauditCapture,
  createThreadedPgauditCapture,
  lineLog,
  type ActivitySource,
  type AuditCapture,
  type AuditCaptureStats,
  type CaptureThreadOptions,
  type PgauditCaptureOptions,
  type PgHousekeepingSession,
} from '@das/capture';
import type { CaptureTuning } from '../mariadb/source-plugin.js';
import type { PostgresBinaries } from './postgres-binaries.js';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres.js';

export interface PostgresSourceOptions {
  /** The emulator's data directory: `postgres/` and `capture/` go below it. */
  dataDir: string;
  /** The master user's password; without one, 127.0.0.1 is trusted for it. */
  masterPassword?: string;
  capture?: CaptureTuning;
  /** Run each capture in a thread of its own at this priority (async mode), as the MariaDB one; null: in this thread. */
  captureThread?: CaptureThreadOptions | null;
  binaries?: PostgresBinaries;
  log: (line: string) => void;
}

/** The Aurora PostgreSQL cluster's database and its captures (the emulator's second source). */
export interface PostgresSource {
  createSource(cluster: { identifier: string }): ActivitySource;
  clusterEndpoint: { host: string; port: number };
  databaseLogin: { user: string; password: string };
  /** The server's version as RDS shows it (`15.20`). */
  engineVersion: string;
  stats(): Record<string, AuditCaptureStats>;
  close(): Promise<void>;
}

/** The emulator's own session (rdsadmin): the server version, and the marker a stop waits for. */
async function openHousekeeping(server: PrivatePostgres): Promise<PgHousekeepingSession> {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    user: server.housekeeping.user,
    password: server.housekeeping.password,
    database: 'postgres',
    application_name: 'das-local',
  });
  // A session that dies (server restart) must not take the emulator down: the marker then reports false.
  client.on('error', () => undefined);
  await client.connect();
  const version = String((await client.query('SHOW server_version')).rows[0]?.server_version ?? server.version);
  return {
    serverVersion: version,
    async runMarker(text) {
      if (!/^[a-z0-9-]+$/.test(text)) throw new Error('a marker is plain text');
      try {
        await client.query(`SELECT '${text}' AS das_capture_marker`);
        return true;
      } catch {
        return false;
      }
    },
    close: () => client.end(),
  };
}

/**
 * The `postgres` source: a private PostgreSQL with pgaudit under `<dataDir>/postgres` (never the
 * machine's own server) and one pgaudit capture per Aurora PostgreSQL cluster.
 */
export async function createPostgresSource(options: PostgresSourceOptions): Promise<PostgresSource> {
  const log = lineLog(options.log, 'postgres');
  const server = await startPrivatePostgres({
    dir: join(options.dataDir, 'postgres'),
    log,
    ...(options.masterPassword === undefined ? {} : { masterPassword: options.masterPassword }),
    ...(options.binaries === undefined ? {} : { binaries: options.binaries }),
  });
  const captures = new Map<string, AuditCapture>();
  return {
    createSource(cluster) {
      const captureOptions: PgauditCaptureOptions = {
        logDir: server.logDir,
        stateDir: join(options.dataDir, 'capture', cluster.identifier),
        housekeeping: () => openHousekeeping(server),
        log: lineLog(options.log, `capture ${cluster.identifier}`),
        ...options.capture,
      };
      const thread = options.captureThread ?? null;
      const capture = thread === null ? createPgauditCapture(captureOptions) : createThreadedPgauditCapture(captureOptions, thread);
      captures.set(cluster.identifier, capture);
      return capture;
    },
    clusterEndpoint: { host: server.host, port: server.port },
    databaseLogin: { user: server.user, password: server.password ?? '' },
    engineVersion: server.version.split(' ')[0] ?? server.version,
    stats: () => Object.fromEntries([...captures].map(([id, capture]) => [id, capture.stats()])),
    close: () => server.stop(),
  };
}
