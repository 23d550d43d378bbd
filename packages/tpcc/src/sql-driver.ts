// The two databases the load runs on, behind one small interface: MySQL/MariaDB (mysql2) and
// PostgreSQL (pg). SQL is written once with `?` placeholders; PostgreSQL's driver gets `$n`.
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { ResolvedConnection } from './connection.js';

export type Engine = 'mysql' | 'postgres';
export const ENGINES: readonly Engine[] = ['mysql', 'postgres'];

export type SqlRow = Record<string, unknown>;
export type SqlValue = string | number | null;

/** One connection of a pool, for a transaction or a loader. */
export interface SqlConnection {
  /** The rows of a query (none for a statement that returns none). */
  query(sql: string, params?: readonly unknown[]): Promise<SqlRow[]>;
  /** Inserts rows in one multi-row INSERT. */
  insertRows(table: string, columns: readonly string[], rows: readonly SqlValue[][]): Promise<void>;
  beginTransaction(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  release(): void;
  /** Closes a connection that cannot be reused (the server dropped it). */
  destroy(): void;
}

export interface SqlPool {
  readonly engine: Engine;
  query(sql: string, params?: readonly unknown[]): Promise<SqlRow[]>;
  getConnection(): Promise<SqlConnection>;
  end(): Promise<void>;
}

/**
 * `?` placeholders as PostgreSQL's `$1, $2, …`, expanding arrays as mysql2 does: a list becomes
 * `$1, $2, …` (for `IN (?)`), a list of rows `($1, $2), ($3, $4)` (for `VALUES ?`). The load's SQL
 * has no `?` inside literals.
 */
export function toPostgres(sql: string, params: readonly unknown[]): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const one = (v: unknown) => (values.push(v), `$${values.length}`);
  let at = 0;
  const text = sql.replace(/\?/g, () => {
    const param = params[at++];
    if (!Array.isArray(param)) return one(param);
    if (param.every((p) => Array.isArray(p))) return (param as unknown[][]).map((row) => `(${row.map(one).join(', ')})`).join(', ');
    return param.map(one).join(', ');
  });
  return { text, values };
}

function mysqlConnection(conn: mysql.PoolConnection): SqlConnection {
  return {
    async query(sql, params = []) {
      const [rows] = await conn.query(sql, params as unknown[]);
      return Array.isArray(rows) ? (rows as SqlRow[]) : [];
    },
    async insertRows(table, columns, rows) {
      await conn.query(`INSERT INTO ${table} (${columns.join(',')}) VALUES ?`, [rows]);
    },
    beginTransaction: () => conn.beginTransaction(),
    commit: () => conn.commit(),
    rollback: () => conn.rollback(),
    release: () => conn.release(),
    destroy: () => conn.destroy(),
  };
}

function createMysqlPool(c: ResolvedConnection, connectionLimit: number, withDatabase: boolean): SqlPool {
  const pool = mysql.createPool({
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
  return {
    engine: 'mysql',
    async query(sql, params = []) {
      const [rows] = await pool.query(sql, params as unknown[]);
      return Array.isArray(rows) ? (rows as SqlRow[]) : [];
    },
    getConnection: async () => mysqlConnection(await pool.getConnection()),
    end: () => pool.end(),
  };
}

// Numbers as numbers and times as text, as mysql2 is set up: the load computes with them.
const PG_TYPES = {
  getTypeParser(oid: number, format?: string) {
    if (oid === 1700 || oid === 701 || oid === 700) return (v: string) => Number.parseFloat(v); // numeric, float8, float4
    if (oid === 20) return (v: string) => Number(v); // int8 (counts)
    if (oid === 1114 || oid === 1184) return (v: string) => v; // timestamp
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

function pgConnection(client: pg.PoolClient): SqlConnection {
  return {
    async query(sql, params = []) {
      const { text, values } = toPostgres(sql, params);
      return (await client.query(text, values)).rows as SqlRow[];
    },
    async insertRows(table, columns, rows) {
      const { text, values } = toPostgres(`INSERT INTO ${table} (${columns.join(',')}) VALUES ?`, [rows]);
      await client.query(text, values);
    },
    beginTransaction: async () => void (await client.query('BEGIN')),
    commit: async () => void (await client.query('COMMIT')),
    rollback: async () => void (await client.query('ROLLBACK')),
    release: () => client.release(),
    destroy: () => client.release(true),
  };
}

function createPgPool(c: ResolvedConnection, max: number, withDatabase: boolean): SqlPool {
  const pool = new pg.Pool({
    host: c.host,
    port: c.port,
    user: c.user,
    password: c.password,
    // The server alone (to create the database) is reached through the `postgres` database.
    database: withDatabase ? c.database : 'postgres',
    max,
    connectionTimeoutMillis: 10_000,
    types: PG_TYPES,
    application_name: 'das-tpcc',
  });
  pool.on('error', () => undefined);
  return {
    engine: 'postgres',
    async query(sql, params = []) {
      const { text, values } = toPostgres(sql, params);
      return (await pool.query(text, values)).rows as SqlRow[];
    },
    getConnection: async () => pgConnection(await pool.connect()),
    end: () => pool.end(),
  };
}

/** A pool on the TPC-C database (or on the server only, to create the database). */
export function createSqlPool(engine: Engine, c: ResolvedConnection, connections: number, withDatabase = true): SqlPool {
  return engine === 'postgres' ? createPgPool(c, connections, withDatabase) : createMysqlPool(c, connections, withDatabase);
}
