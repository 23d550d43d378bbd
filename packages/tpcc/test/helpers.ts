import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { TpccConnectionOptions } from '../src/index.js';

/** The shared test MariaDB. */
export const SERVER = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

/** Connection options on a database of this suite's own, unique per run. */
export function uniqueDatabase(prefix: string): TpccConnectionOptions & { database: string } {
  return { ...SERVER, database: `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}` };
}

export async function dropDatabase(database: string): Promise<void> {
  const conn = await mysql.createConnection(SERVER);
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
  } finally {
    await conn.end();
  }
}

/** Row counts of the nine tables. */
export async function rowCounts(database: string): Promise<Record<string, number>> {
  const conn = await mysql.createConnection({ ...SERVER, database });
  try {
    const out: Record<string, number> = {};
    for (const t of ['warehouse', 'district', 'customer', 'history', 'new_orders', 'orders', 'order_line', 'item', 'stock']) {
      const [rows] = await conn.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${t}`);
      out[t] = Number(rows[0]!.n);
    }
    return out;
  } finally {
    await conn.end();
  }
}

export async function sql(database: string, statement: string): Promise<void> {
  const conn = await mysql.createConnection({ ...SERVER, database });
  try {
    await conn.query(statement);
  } finally {
    await conn.end();
  }
}

export async function query(database: string, statement: string): Promise<mysql.RowDataPacket[]> {
  const conn = await mysql.createConnection({ ...SERVER, database });
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(statement);
    return rows;
  } finally {
    await conn.end();
  }
}
