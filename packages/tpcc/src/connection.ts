import { TpccError } from './errors.js';
import { createSqlPool, type Engine, type SqlPool } from './sql-driver.js';

/** How to reach the database: explicit fields, or a `mysql://` / `postgres://user:pass@host:port/db` URL. */
export interface TpccConnectionOptions {
  /** `mysql` (MySQL, MariaDB; the default) or `postgres`; a URL's scheme says it too. */
  engine?: Engine;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  /** Schema holding the TPC-C tables; default `tpcc`. */
  database?: string;
  /** `mysql://` or `postgres://user:password@host:port/database`; fields given explicitly win over it. */
  url?: string;
}

/** Connection options with every field settled. */
export interface ResolvedConnection {
  engine: Engine;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export const DEFAULT_DATABASE = 'tpcc';

const URL_ENGINES: Partial<Record<string, Engine>> = { 'mysql:': 'mysql', 'mariadb:': 'mysql', 'postgres:': 'postgres', 'postgresql:': 'postgres' };

/** Fills defaults and merges a URL with explicit fields. */
export function resolveConnection(opts: TpccConnectionOptions): ResolvedConnection {
  let fromUrl: Partial<ResolvedConnection> = {};
  if (opts.url) {
    let u: URL;
    try {
      u = new URL(opts.url);
    } catch {
      throw new TpccError('TPCC_BAD_URL', 'invalid --url (expected mysql:// or postgres://user:password@host:port/database)');
    }
    const scheme = URL_ENGINES[u.protocol];
    if (scheme === undefined) throw new TpccError('TPCC_BAD_URL', `unsupported URL scheme '${u.protocol}' (expected mysql:// or postgres://)`);
    if (opts.engine !== undefined && opts.engine !== scheme) throw new TpccError('TPCC_BAD_URL', `--engine ${opts.engine} does not match the ${u.protocol}// URL`);
    fromUrl = {
      engine: scheme,
      host: u.hostname || undefined,
      port: u.port ? Number(u.port) : undefined,
      user: u.username ? decodeURIComponent(u.username) : undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined,
      database: u.pathname.length > 1 ? decodeURIComponent(u.pathname.slice(1)) : undefined,
    };
  }
  const engine = opts.engine ?? fromUrl.engine ?? 'mysql';
  const port = opts.port ?? fromUrl.port ?? (engine === 'postgres' ? 5432 : 3306);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new TpccError('TPCC_BAD_PORT', `invalid port '${String(port)}'`);
  const database = opts.database ?? fromUrl.database ?? DEFAULT_DATABASE;
  if (!/^[A-Za-z0-9_$]{1,64}$/.test(database)) throw new TpccError('TPCC_BAD_DATABASE', `invalid database name '${database}'`);
  return {
    engine,
    host: opts.host ?? fromUrl.host ?? '127.0.0.1',
    port,
    user: opts.user ?? fromUrl.user ?? (engine === 'postgres' ? 'postgres' : 'root'),
    password: opts.password ?? fromUrl.password ?? '',
    database,
  };
}

/** A pool on the TPC-C database (or on the server only, to create the database). */
export function createTpccPool(c: ResolvedConnection, connections: number, withDatabase = true): SqlPool {
  return createSqlPool(c.engine, c, connections, withDatabase);
}
