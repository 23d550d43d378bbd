import type mysql from 'mysql2/promise';
import { createTpccPool, resolveConnection, type TpccConnectionOptions } from './connection.js';
import { toTpccError } from './errors.js';
import { loadedWarehouses } from './run.js';
import { TABLES } from './schema.js';

/** One consistency condition of TPC-C Clause 3.3.2 and the rows that violate it. */
export interface ConditionResult {
  id: number;
  name: string;
  ok: boolean;
  /** Up to 10 violating keys with their figures. */
  violations: Record<string, number | null>[];
}

export interface CheckReport {
  type: 'check';
  ok: boolean;
  warehouses: number;
  conditions: ConditionResult[];
}

/** Each query returns the violating rows only. */
const CONDITIONS: { id: number; name: string; sql: string }[] = [
  {
    id: 1,
    name: 'W_YTD = sum(D_YTD)',
    sql: `SELECT w.w_id, w.w_ytd, SUM(d.d_ytd) AS sum_d_ytd FROM warehouse w JOIN district d ON d.d_w_id = w.w_id
          GROUP BY w.w_id, w.w_ytd HAVING w.w_ytd <> SUM(d.d_ytd)`,
  },
  {
    id: 2,
    name: 'D_NEXT_O_ID - 1 = max(O_ID) = max(NO_O_ID)',
    sql: `SELECT d.d_w_id, d.d_id, d.d_next_o_id - 1 AS next_minus_1, o.max_o_id, n.max_no_o_id FROM district d
          LEFT JOIN (SELECT o_w_id, o_d_id, MAX(o_id) AS max_o_id FROM orders GROUP BY o_w_id, o_d_id) o ON o.o_w_id = d.d_w_id AND o.o_d_id = d.d_id
          LEFT JOIN (SELECT no_w_id, no_d_id, MAX(no_o_id) AS max_no_o_id FROM new_orders GROUP BY no_w_id, no_d_id) n ON n.no_w_id = d.d_w_id AND n.no_d_id = d.d_id
          WHERE NOT (d.d_next_o_id - 1 <=> o.max_o_id) OR (n.max_no_o_id IS NOT NULL AND n.max_no_o_id <> d.d_next_o_id - 1)`,
  },
  {
    id: 3,
    name: 'max(NO_O_ID) - min(NO_O_ID) + 1 = count(NEW_ORDER) per district',
    sql: `SELECT no_w_id, no_d_id, COUNT(*) AS rows_count, MAX(no_o_id) - MIN(no_o_id) + 1 AS id_span FROM new_orders
          GROUP BY no_w_id, no_d_id HAVING COUNT(*) <> MAX(no_o_id) - MIN(no_o_id) + 1`,
  },
  {
    id: 4,
    name: 'sum(O_OL_CNT) = count(ORDER_LINE) per district',
    sql: `SELECT o.o_w_id, o.o_d_id, o.sum_ol_cnt, l.lines_count FROM
          (SELECT o_w_id, o_d_id, SUM(o_ol_cnt) AS sum_ol_cnt FROM orders GROUP BY o_w_id, o_d_id) o
          LEFT JOIN (SELECT ol_w_id, ol_d_id, COUNT(*) AS lines_count FROM order_line GROUP BY ol_w_id, ol_d_id) l
          ON l.ol_w_id = o.o_w_id AND l.ol_d_id = o.o_d_id WHERE NOT (o.sum_ol_cnt <=> l.lines_count)`,
  },
];

/** Verifies the consistency conditions; `ok` is false when any is violated. */
export async function check(connection: TpccConnectionOptions): Promise<CheckReport> {
  const target = resolveConnection(connection);
  const pool = createTpccPool(target, 1);
  try {
    const warehouses = await loadedWarehouses(pool);
    const conditions: ConditionResult[] = [];
    for (const c of CONDITIONS) {
      const [rows] = await pool.query<mysql.RowDataPacket[]>(c.sql);
      conditions.push({
        id: c.id,
        name: c.name,
        ok: rows.length === 0,
        violations: rows.slice(0, 10).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : Number(v)]))),
      });
    }
    return { type: 'check', ok: conditions.every((c) => c.ok), warehouses, conditions };
  } catch (err) {
    throw toTpccError(err, target);
  } finally {
    await pool.end().catch(() => undefined);
  }
}

/** Drops the nine TPC-C tables, and the database too when nothing else is left in it. */
export async function cleanup(connection: TpccConnectionOptions): Promise<void> {
  const target = resolveConnection(connection);
  const pool = createTpccPool(target, 1, false);
  try {
    const db = `\`${target.database}\``;
    await pool.query(`DROP TABLE IF EXISTS ${TABLES.map((t) => `${db}.${t}`).join(', ')}`);
    const [left] = await pool.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ?', [
      target.database,
    ]);
    if (Number(left[0]?.n ?? 0) === 0) await pool.query(`DROP DATABASE IF EXISTS ${db}`);
  } catch (err) {
    throw toTpccError(err, target);
  } finally {
    await pool.end().catch(() => undefined);
  }
}
