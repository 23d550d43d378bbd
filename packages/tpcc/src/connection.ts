import mysql from 'mysql2/promise';
import { TpccError } from './errors.js';

/** How to reach the database: explicit fields, or a `mysql://user:pass@host:port/db` URL. */
export interface TpccConnectionOptions {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  /** Schema holding the TPC-C tables; default `tpcc`. */
  database?: string;
  /** `mysql://user:password@host:port/database`; fields given explicitly win over it. */
  url?: string;
}

/** Connection options with every field settled. */
export interface ResolvedConnection {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export const DEFAULT_DATABASE = 'tpcc';

/** Fills defaults and merges a URL with explicit fields. */
export function resolveConnection(opts: TpccConnectionOptions): ResolvedConnection {
  let fromUrl: Partial<ResolvedConnection> = {};
  if (opts.url) {
    let u: URL;
    try {
      u = new URL(opts.url);
    } catch {
      throw new TpccError('TPCC_BAD_URL', 'invalid --url (expected mysql://user:password@host:port/database)');
    }
    if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') {
      throw new TpccError('TPCC_BAD_URL', `unsupported URL scheme '${u.protocol}' (expected mysql://)`);
    }
    fromUrl = {
      host: u.hostname || undefined,
      port: u.port ? Number(u.port) : undefined,
      user: u.username ? decodeURIComponent(u.username) : undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined,
      database: u.pathname.length > 1 ? decodeURIComponent(u.pathname.slice(1)) : undefined,
    };
  }
  const port = opts.port ?? fromUrl.port ?? 3306;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new TpccError('TPCC_BAD_PORT', `invalid port '${String(port)}'`);
  const database = opts.database ?? fromUrl.database ?? DEFAULT_DATABASE;
  if (!/^[A-Za-z0-9_$]{1,64}$/.test(database)) throw new TpccError('TPCC_BAD_DATABASE', `invalid database name '${database}'`);
  return {
    host: opts.host ?? fromUrl.host ?? '127.0.0.1',
    port,
    user: opts.user ?? fromUrl.user ?? 'root',
    password: opts.password ?? fromUrl.password ?? '',
    database,
  };
}

/** A pool on the TPC-C schema (or on the server only, to create the schema). */
export function createTpccPool(c: ResolvedConnection, connectionLimit: number, withDatabase = true): mysql.Pool {
  return mysql.createPool({
    host: c.host,
    port: c.port,
    user: c.user,
    password: c.password,
    database: withDatabase ? c.database : undefined,
    connectionLimit,
    connectTimeout: 10_000,
    decimalNumbers: true,
    dateStrings: true,
    supportBigNumbers: true,
  });
}
