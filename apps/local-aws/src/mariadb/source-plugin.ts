import { join } from 'node:path';
import {
  createAuditCapture,
  createThreadedAuditCapture,
  lineLog,
  type ActivitySource,
  type AuditCapture,
  type AuditCaptureOptions,
  type AuditCaptureStats,
  type CaptureThreadOptions,
  type MysqlConnectionOptions,
} from '@das/capture';
import type { BinarySearch } from './mariadb-binaries.js';
import { startPrivateMariadb, type PrivateMariadb } from './private-mariadb.js';
import { parseMysqlUrl } from './watched-mariadb.js';

/** Capture settings the emulator may tune (tests make heartbeats and batches short). */
export type CaptureTuning = Partial<Pick<AuditCaptureOptions, 'heartbeatIntervalMs' | 'batch' | 'maxBufferedEvents' | 'pollIntervalMs' | 'dataKey'>>;

export interface MariadbSourceOptions {
  /** The emulator's data directory: `mariadb/` and `capture/` go below it. */
  dataDir: string;
  /** Watch this server instead of starting one (`--mysql-url`); needs `auditLog`. */
  mysqlUrl?: string;
  /** Its audit file (`--audit-log`). */
  auditLog?: string;
  /** root's password of the private server (`--master-password`). */
  masterPassword?: string;
  capture?: CaptureTuning;
  /** The capture's own thread (its nice value in async mode), or null: in the calling thread. Default null. */
  captureThread?: CaptureThreadOptions | null;
  /** Where to look for mariadbd (default: PATH and well-known directories). */
  binaries?: BinarySearch;
  log: (line: string) => void;
}

/** `--mysql-url` without `--audit-log`, or the other way round. */
export class MariadbSourceConfigError extends Error {
  readonly code = 'MARIADB_SOURCE_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'MariadbSourceConfigError';
  }
}

/** What the emulator's composition needs from the MariaDB source (its `SourcePlugin`). */
export interface MariadbSource {
  createSource(cluster: { identifier: string }): ActivitySource;
  /** Where the watched MariaDB listens: DescribeDBClusters' Endpoint/Port. */
  clusterEndpoint: { host: string; port: number };
  /** The login clients use on it (root, or the URL's user). */
  databaseLogin: { user: string; password: string };
  /** Capture counters per cluster, for `/_local/stats`. */
  stats(): Record<string, AuditCaptureStats>;
  /** Stops the private mariadbd (captures are closed by the emulator before). */
  close(): Promise<void>;
}

/**
 * The `mariadb` activity source: a private mariadbd under `<dataDir>/mariadb` (or the user's own
 * server with `--mysql-url` + `--audit-log`, never reconfigured) and one audit capture per cluster.
 */
export async function createMariadbSource(options: MariadbSourceOptions): Promise<MariadbSource> {
  const log = lineLog(options.log, 'mariadb');
  let server: PrivateMariadb | null = null;
  let connection: MysqlConnectionOptions;
  let auditLogPath: string;
  let endpoint: { host: string; port: number };
  let login: { user: string; password: string };
  if (options.mysqlUrl !== undefined || options.auditLog !== undefined) {
    if (options.mysqlUrl === undefined || options.auditLog === undefined) {
      throw new MariadbSourceConfigError('--mysql-url and --audit-log go together: the URL of a MariaDB with server_audit on, and the file it logs to');
    }
    const watched = parseMysqlUrl(options.mysqlUrl, options.auditLog);
    connection = watched.housekeeping;
    auditLogPath = watched.auditLogPath;
    endpoint = { host: watched.host, port: watched.port };
    login = { user: watched.user, password: watched.password };
  } else {
    server = await startPrivateMariadb({
      dir: join(options.dataDir, 'mariadb'),
      ...(options.masterPassword === undefined ? {} : { masterPassword: options.masterPassword }),
      ...(options.binaries === undefined ? {} : { binaries: options.binaries }),
      log,
    });
    connection = server.housekeeping;
    auditLogPath = server.auditLogPath;
    endpoint = { host: server.host, port: server.port };
    login = { user: server.user, password: server.password ?? '' };
  }
  const captures = new Map<string, AuditCapture>();
  return {
    createSource(cluster) {
      const captureOptions: AuditCaptureOptions = {
        connection,
        auditLogPath,
        stateDir: join(options.dataDir, 'capture', cluster.identifier),
        log: lineLog(options.log, `capture ${cluster.identifier}`),
        ...options.capture,
      };
      const thread = options.captureThread ?? null;
      const capture = thread === null ? createAuditCapture(captureOptions) : createThreadedAuditCapture(captureOptions, thread);
      captures.set(cluster.identifier, capture);
      return capture;
    },
    clusterEndpoint: endpoint,
    databaseLogin: login,
    stats: () => Object.fromEntries([...captures].map(([id, capture]) => [id, capture.stats()])),
    async close() {
      await server?.stop();
    },
  };
}
