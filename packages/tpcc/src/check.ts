import type { Engine } from './sql-driver.js';
import { createTpccPool, resolveConnection, type ResolvedConnection, type TpccConnectionOptions } from './connection.js';
import { toTpccError } from './errors.js';
import { loadedWarehouses } from './run.js';
import { TABLES } from './schema.js';

/** One consistency condition of TPC-C Clause 3.3.2 (1–10 and 12) and the rows that violate it. */
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

/**
 * Per customer: what it has been charged for (its delivered order lines) and what it has paid.
 * Correlated subqueries follow the customer indexes of ORDERS and HISTORY; grouping the whole
 * ORDER_LINE table and joining that took 10 s at one warehouse, this takes 0.2 s.
 */
const CUSTOMER_ACCOUNTS = `SELECT c.c_w_id, c.c_d_id, c.c_id, c.c_balance, c.c_ytd_payment,
  (SELECT COALESCE(SUM(ol.ol_amount), 0) FROM orders o
    JOIN order_line ol ON ol.ol_w_id = o.o_w_id AND ol.ol_d_id = o.o_d_id AND ol.ol_o_id = o.o_id
    WHERE o.o_w_id = c.c_w_id AND o.o_d_id = c.c_d_id AND o.o_c_id = c.c_id AND ol.ol_delivery_d IS NOT NULL) AS delivered,
  (SELECT COALESCE(SUM(h.h_amount), 0) FROM history h WHERE h.h_c_w_id = c.c_w_id AND h.h_c_d_id = c.c_d_id AND h.h_c_id = c.c_id) AS paid
  FROM customer c`;

/**
 * Each query returns the violating rows only. Condition 11 (orders minus new orders = 2100 per
 * district) holds only right after loading, so it is left out.
 */
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
  {
    id: 5,
    name: 'O_CARRIER_ID is null exactly when the order has a NEW_ORDER row',
    sql: `SELECT o.o_w_id, o.o_d_id, o.o_id, o.o_carrier_id, n.no_o_id FROM orders o
          LEFT JOIN new_orders n ON n.no_w_id = o.o_w_id AND n.no_d_id = o.o_d_id AND n.no_o_id = o.o_id
          WHERE (o.o_carrier_id IS NULL) <> (n.no_o_id IS NOT NULL)`,
  },
  {
    id: 6,
    name: 'O_OL_CNT = count(ORDER_LINE) per order',
    sql: `SELECT o.o_w_id, o.o_d_id, o.o_id, o.o_ol_cnt, COUNT(ol.ol_number) AS lines_count FROM orders o
          LEFT JOIN order_line ol ON ol.ol_w_id = o.o_w_id AND ol.ol_d_id = o.o_d_id AND ol.ol_o_id = o.o_id
          GROUP BY o.o_w_id, o.o_d_id, o.o_id, o.o_ol_cnt HAVING o.o_ol_cnt <> COUNT(ol.ol_number)`,
  },
  {
    id: 7,
    name: 'OL_DELIVERY_D is null exactly when O_CARRIER_ID is null',
    sql: `SELECT ol.ol_w_id, ol.ol_d_id, ol.ol_o_id, ol.ol_number, o.o_carrier_id FROM order_line ol
          JOIN orders o ON o.o_w_id = ol.ol_w_id AND o.o_d_id = ol.ol_d_id AND o.o_id = ol.ol_o_id
          WHERE (ol.ol_delivery_d IS NULL) <> (o.o_carrier_id IS NULL)`,
  },
  {
    id: 8,
    name: 'W_YTD = sum(H_AMOUNT) per warehouse',
    sql: `SELECT w.w_id, w.w_ytd, h.sum_h_amount FROM warehouse w
          LEFT JOIN (SELECT h_w_id, SUM(h_amount) AS sum_h_amount FROM history GROUP BY h_w_id) h ON h.h_w_id = w.w_id
          WHERE NOT (w.w_ytd <=> h.sum_h_amount)`,
  },
  {
    id: 9,
    name: 'D_YTD = sum(H_AMOUNT) per district',
    sql: `SELECT d.d_w_id, d.d_id, d.d_ytd, h.sum_h_amount FROM district d
          LEFT JOIN (SELECT h_w_id, h_d_id, SUM(h_amount) AS sum_h_amount FROM history GROUP BY h_w_id, h_d_id) h
          ON h.h_w_id = d.d_w_id AND h.h_d_id = d.d_id WHERE NOT (d.d_ytd <=> h.sum_h_amount)`,
  },
  {
    id: 10,
    name: 'C_BALANCE = sum(delivered OL_AMOUNT) - sum(H_AMOUNT) per customer',
    sql: `SELECT c_w_id, c_d_id, c_id, c_balance, delivered, paid FROM (${CUSTOMER_ACCOUNTS}) accounts WHERE c_balance <> delivered - paid`,
  },
  {
    id: 12,
    name: 'C_BALANCE + C_YTD_PAYMENT = sum(delivered OL_AMOUNT) per customer',
    sql: `SELECT c_w_id, c_d_id, c_id, c_balance, c_ytd_payment, delivered FROM (${CUSTOMER_ACCOUNTS}) accounts
          WHERE c_balance + c_ytd_payment <> delivered`,
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
      const rows = await pool.query(inDialect(c.sql, pool.engine));
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

/** MySQL's null-safe `<=>` is PostgreSQL's `IS NOT DISTINCT FROM`. */
function inDialect(sql: string, engine: Engine): string {
  return engine === 'postgres' ? sql.replaceAll(' <=> ', ' IS NOT DISTINCT FROM ') : sql;
}

/** Drops the nine TPC-C tables, and the database too when nothing else is left in it. */
export async function cleanup(connection: TpccConnectionOptions): Promise<void> {
  const target = resolveConnection(connection);
  try {
    if (target.engine === 'postgres') await cleanupPostgres(target);
    else await cleanupMysql(target);
  } catch (err) {
    throw toTpccError(err, target);
  }
}

async function cleanupMysql(target: ResolvedConnection): Promise<void> {
  const pool = createTpccPool(target, 1, false);
  try {
    const db = `\`${target.database}\``;
    await pool.query(`DROP TABLE IF EXISTS ${TABLES.map((t) => `${db}.${t}`).join(', ')}`);
    const left = await pool.query('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ?', [target.database]);
    if (Number(left[0]?.n ?? 0) === 0) await pool.query(`DROP DATABASE IF EXISTS ${db}`);
  } finally {
    await pool.end().catch(() => undefined);
  }
}

/** The tables go from inside the database; the database, once empty, from the server (no session left in it). */
async function cleanupPostgres(target: ResolvedConnection): Promise<void> {
  const server = createTpccPool(target, 1, false);
  try {
    const exists = await server.query('SELECT 1 FROM pg_database WHERE datname = ?', [target.database]);
    if (exists.length === 0) return;
    const onDb = createTpccPool(target, 1);
    let left: number;
    try {
      await onDb.query(`DROP TABLE IF EXISTS ${TABLES.join(', ')}`);
      left = Number((await onDb.query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"))[0]?.n ?? 0);
    } finally {
      await onDb.end().catch(() => undefined);
    }
    if (left === 0) await server.query(`DROP DATABASE IF EXISTS "${target.database}"`);
  } finally {
    await server.end().catch(() => undefined);
  }
}
