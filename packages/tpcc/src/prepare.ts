import type { SqlConnection, SqlPool } from './sql-driver.js';
import { createTpccPool, resolveConnection, type TpccConnectionOptions } from './connection.js';
import { TpccAbortError, TpccError, toTpccError } from './errors.js';
import {
  CUSTOMERS_PER_DISTRICT, CUSTOMER_COLUMNS, DISTRICTS_PER_WAREHOUSE, DISTRICT_COLUMNS, HISTORY_COLUMNS, ITEMS, ITEM_COLUMNS,
  NEW_ORDER_COLUMNS, ORDERS_PER_DISTRICT, ORDER_COLUMNS, ORDER_LINE_COLUMNS, STOCK_COLUMNS, WAREHOUSE_COLUMNS,
  customerRow, districtOrders, districtRow, historyRow, itemRow, sqlNow, stockRow, warehouseRow,
} from './population.js';
import { createSchema } from './schema.js';

/** Progress of `prepare`, reported after every multi-row INSERT and every finished unit. */
export interface LoadProgress {
  type: 'load';
  elapsedSec: number;
  /** Rows inserted so far, plus the estimated rows of units found already loaded. */
  rowsLoaded: number;
  /** Estimate (order lines are random, 10 per order on average). */
  rowsTotal: number;
  pct: number;
  unitsDone: number;
  unitsTotal: number;
  /** Units found already loaded (a resumed or repeated prepare). */
  unitsSkipped: number;
}

export interface PrepareOptions {
  warehouses: number;
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
  /** Parallel loading connections; default 3 (two cores: one for MariaDB, one for row generation). */
  concurrency?: number;
  /** Rows per INSERT statement; default 1000. */
  batchRows?: number;
}

export interface PrepareResult {
  warehouses: number;
  rowsLoaded: number;
  unitsLoaded: number;
  unitsSkipped: number;
  elapsedSec: number;
}

type Row = (string | number | null)[];

/**
 * One independently loadable slice of the population. Each is loaded in one transaction, so after
 * an interruption it is either complete or absent: `isLoaded` makes a repeated prepare skip it.
 */
interface LoadUnit {
  name: string;
  rows: number;
  isLoaded(conn: SqlConnection): Promise<boolean>;
  load(insert: (table: string, columns: string[], rows: Row[]) => Promise<void>): Promise<void>;
}

const ITEM_CHUNK = 10_000;
const STOCK_CHUNK = 10_000;

async function hasRows(conn: SqlConnection, sql: string, params: number[], expected = 1): Promise<boolean> {
  const rows = await conn.query(sql, params);
  return Number(rows[0]?.n ?? 0) >= expected;
}

/** The units of a W-warehouse population, largest first so parallel loaders finish together. */
export function loadUnits(warehouses: number): LoadUnit[] {
  const orders: LoadUnit[] = [];
  const stock: LoadUnit[] = [];
  const customers: LoadUnit[] = [];
  const small: LoadUnit[] = [];
  for (let i = 1; i <= ITEMS; i += ITEM_CHUNK) {
    const last = Math.min(ITEMS, i + ITEM_CHUNK - 1);
    small.push({
      name: `item ${i}-${last}`,
      rows: last - i + 1,
      isLoaded: (c) => hasRows(c, 'SELECT COUNT(*) AS n FROM item WHERE i_id BETWEEN ? AND ?', [i, last], last - i + 1),
      load: async (insert) => {
        const rows: Row[] = [];
        for (let id = i; id <= last; id++) rows.push(itemRow(id));
        await insert('item', ITEM_COLUMNS, rows);
      },
    });
  }
  for (let w = 1; w <= warehouses; w++) {
    small.push({
      name: `warehouse ${w}`,
      rows: 1 + DISTRICTS_PER_WAREHOUSE,
      isLoaded: (c) => hasRows(c, 'SELECT COUNT(*) AS n FROM warehouse WHERE w_id = ?', [w]),
      load: async (insert) => {
        const districts: Row[] = [];
        for (let d = 1; d <= DISTRICTS_PER_WAREHOUSE; d++) districts.push(districtRow(w, d));
        await insert('district', DISTRICT_COLUMNS, districts);
        await insert('warehouse', WAREHOUSE_COLUMNS, [warehouseRow(w)]);
      },
    });
    for (let i = 1; i <= ITEMS; i += STOCK_CHUNK) {
      const last = Math.min(ITEMS, i + STOCK_CHUNK - 1);
      stock.push({
        name: `stock w=${w} ${i}-${last}`,
        rows: last - i + 1,
        isLoaded: (c) =>
          hasRows(c, 'SELECT COUNT(*) AS n FROM stock WHERE s_w_id = ? AND s_i_id BETWEEN ? AND ?', [w, i, last], last - i + 1),
        load: async (insert) => {
          const rows: Row[] = [];
          for (let id = i; id <= last; id++) rows.push(stockRow(w, id));
          await insert('stock', STOCK_COLUMNS, rows);
        },
      });
    }
    for (let d = 1; d <= DISTRICTS_PER_WAREHOUSE; d++) {
      customers.push({
        name: `customer w=${w} d=${d}`,
        rows: 2 * CUSTOMERS_PER_DISTRICT,
        isLoaded: (c) => hasRows(c, 'SELECT COUNT(*) AS n FROM customer WHERE c_w_id = ? AND c_d_id = ? AND c_id = 1', [w, d]),
        load: async (insert) => {
          const now = sqlNow();
          const cs: Row[] = [];
          const hs: Row[] = [];
          for (let c = 1; c <= CUSTOMERS_PER_DISTRICT; c++) {
            cs.push(customerRow(w, d, c, now));
            hs.push(historyRow(w, d, c, now));
          }
          await insert('customer', CUSTOMER_COLUMNS, cs);
          await insert('history', HISTORY_COLUMNS, hs);
        },
      });
      orders.push({
        name: `orders w=${w} d=${d}`,
        rows: ORDERS_PER_DISTRICT * 11 + 900,
        isLoaded: (c) => hasRows(c, 'SELECT COUNT(*) AS n FROM orders WHERE o_w_id = ? AND o_d_id = ? AND o_id = 1', [w, d]),
        load: async (insert) => {
          const { orders: os, lines, newOrders } = districtOrders(w, d, sqlNow());
          await insert('orders', ORDER_COLUMNS, os);
          await insert('order_line', ORDER_LINE_COLUMNS, lines);
          await insert('new_orders', NEW_ORDER_COLUMNS, newOrders);
        },
      });
    }
  }
  return [...orders, ...stock, ...customers, ...small];
}

/** Throws unless every unit of a W-warehouse population is present. */
export async function assertLoaded(pool: SqlPool, warehouses: number): Promise<void> {
  const conn = await pool.getConnection();
  try {
    for (const unit of loadUnits(warehouses)) {
      if (!(await unit.isLoaded(conn))) {
        throw new TpccError('TPCC_SCHEMA_INCOMPLETE', `initial population incomplete (${unit.name} missing); run 'das-tpcc prepare' again`);
      }
    }
  } finally {
    conn.release();
  }
}

/**
 * Creates the schema and loads the initial population for `warehouses` warehouses with
 * multi-row INSERTs over a few parallel connections. Idempotent and resumable: units already
 * loaded are skipped, an interrupted unit was rolled back and is loaded again.
 */
export async function prepare(connection: TpccConnectionOptions, options: PrepareOptions): Promise<PrepareResult> {
  const target = resolveConnection(connection);
  const { warehouses } = options;
  if (!Number.isInteger(warehouses) || warehouses < 1 || warehouses > 10_000) {
    throw new TpccError('TPCC_BAD_WAREHOUSES', `invalid warehouse count '${String(warehouses)}'`);
  }
  const concurrency = Math.max(1, options.concurrency ?? 3);
  const batchRows = Math.max(1, options.batchRows ?? 1000);
  const started = performance.now();
  const server = createTpccPool(target, 1, false);
  const pool = createTpccPool(target, concurrency);
  const units = loadUnits(warehouses);
  const rowsTotal = units.reduce((s, u) => s + u.rows, 0);
  let rowsLoaded = 0;
  let unitsDone = 0;
  let unitsSkipped = 0;
  let unitsLoaded = 0;
  const report = () =>
    options.onProgress?.({
      type: 'load',
      elapsedSec: round((performance.now() - started) / 1000, 1),
      rowsLoaded,
      rowsTotal,
      pct: unitsDone === units.length ? 100 : Math.min(99, Math.floor((rowsLoaded / rowsTotal) * 100)),
      unitsDone,
      unitsTotal: units.length,
      unitsSkipped,
    });
  // Set when one loader fails, so the others stop at their next statement instead of loading on.
  let failed = false;
  const checkAbort = () => {
    if (options.signal?.aborted) throw new TpccAbortError();
    if (failed) throw new TpccError('TPCC_LOAD_STOPPED', 'another loader failed');
  };
  try {
    checkAbort();
    await createSchema(server, pool, target.database);
    report();
    let next = 0;
    const worker = async () => {
      const conn = await pool.getConnection();
      let unitProgress = 0;
      try {
        // Bulk-load settings for this session only: the keys are generated unique.
        if (pool.engine === 'mysql') await conn.query('SET SESSION unique_checks = 0, foreign_key_checks = 0');
        const insert = async (table: string, columns: string[], rows: Row[]) => {
          for (let i = 0; i < rows.length; i += batchRows) {
            checkAbort();
            const chunk = rows.slice(i, i + batchRows);
            await conn.insertRows(table, columns, chunk);
            rowsLoaded += chunk.length;
            unitProgress += chunk.length;
            report();
          }
        };
        while (next < units.length) {
          checkAbort();
          const unit = units[next++]!;
          if (await unit.isLoaded(conn)) {
            unitsSkipped++;
            rowsLoaded += unit.rows;
          } else {
            unitProgress = 0;
            await conn.beginTransaction();
            try {
              await unit.load(insert);
              checkAbort();
              await conn.commit();
            } catch (err) {
              rowsLoaded -= unitProgress;
              await conn.rollback().catch(() => undefined);
              throw err;
            }
            unitsLoaded++;
          }
          unitsDone++;
          report();
        }
      } finally {
        conn.release();
      }
    };
    const results = await Promise.allSettled(
      Array.from({ length: Math.min(concurrency, units.length) }, () =>
        worker().catch((error: unknown) => {
          failed = true;
          throw error;
        }),
      ),
    );
    // The first failure is the cause; the others only stopped because of it.
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    const cause = rejected.find((e) => !(e instanceof TpccError && e.code === 'TPCC_LOAD_STOPPED'));
    if (rejected.length > 0) throw cause ?? rejected[0];
    return {
      warehouses,
      rowsLoaded,
      unitsLoaded,
      unitsSkipped,
      elapsedSec: round((performance.now() - started) / 1000, 2),
    };
  } catch (err) {
    throw toTpccError(err, target);
  } finally {
    await Promise.all([server.end().catch(() => undefined), pool.end().catch(() => undefined)]);
  }
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
