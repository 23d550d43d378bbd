import type { SqlConnection, SqlPool } from './sql-driver.js';
import { createTpccPool, resolveConnection, type TpccConnectionOptions } from './connection.js';
import { isRetryable, TpccError, toTpccError } from './errors.js';
import { DISTRICTS_PER_WAREHOUSE } from './population.js';
import { assertLoaded } from './prepare.js';
import { RunStats, type RunProgress, type RunReport } from './stats.js';
import { TRANSACTIONS, pickTransaction, type Terminal } from './transactions.js';

export interface RunOptions {
  /** Concurrent terminals, one connection each. */
  threads: number;
  /** The run stops after this many seconds (in-flight transactions finish first). */
  durationSec: number;
  /** Stops the run early; in-flight transactions finish or roll back, then the report is returned. */
  signal?: AbortSignal;
  onReport?: (p: RunProgress) => void;
  /** Seconds between reports; default 5. */
  reportIntervalSec?: number;
}

const MAX_ATTEMPTS = 5;

/** Number of loaded warehouses; throws a one-line TpccError when the schema is missing or incomplete. */
export async function loadedWarehouses(pool: SqlPool): Promise<number> {
  const rows = await pool.query('SELECT COUNT(*) AS n FROM warehouse');
  const w = Number(rows[0]?.n ?? 0);
  if (w === 0) throw new TpccError('TPCC_SCHEMA_MISSING', "no warehouses loaded; run 'das-tpcc prepare' first");
  await assertLoaded(pool, w);
  return w;
}

/**
 * Runs the five-transaction mix on `threads` connections for `durationSec` seconds and returns
 * the final report. Cancelling through `signal` is not an error: the report says `cancelled`.
 */
export async function run(connection: TpccConnectionOptions, options: RunOptions): Promise<RunReport> {
  const target = resolveConnection(connection);
  const { threads, durationSec } = options;
  if (!Number.isInteger(threads) || threads < 1 || threads > 1000) throw new TpccError('TPCC_BAD_THREADS', `invalid thread count '${String(threads)}'`);
  if (!(durationSec > 0)) throw new TpccError('TPCC_BAD_DURATION', `invalid duration '${String(durationSec)}'`);
  const pool = createTpccPool(target, threads + 1);
  const stats = new RunStats();
  let stopping = false;
  let started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let timer: NodeJS.Timeout | undefined;
  let reporter: NodeJS.Timeout | undefined;
  const stop = () => {
    stopping = true;
  };
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    const warehouses = await loadedWarehouses(pool);
    const terminals: Terminal[] = Array.from({ length: threads }, (_, i) => ({
      warehouseId: (i % warehouses) + 1,
      districtId: (Math.floor(i / warehouses) % DISTRICTS_PER_WAREHOUSE) + 1,
      warehouses,
    }));
    const connections = await Promise.all(terminals.map(() => pool.getConnection()));
    // A lock wait that long is a deadlock the server missed: give up and retry the transaction.
    for (const c of connections) await c.query(pool.engine === 'postgres' ? "SET lock_timeout = '10s'" : 'SET SESSION innodb_lock_wait_timeout = 10');
    if (options.signal?.aborted) stop();
    started = performance.now();
    timer = setTimeout(stop, durationSec * 1000);
    reporter = setInterval(() => options.onReport?.(stats.takeInterval(elapsed(), durationSec)), (options.reportIntervalSec ?? 5) * 1000);

    const terminal = async (t: Terminal, first: SqlConnection) => {
      let conn: SqlConnection | undefined = first;
      while (!stopping) {
        if (!conn) {
          try {
            conn = await pool.getConnection();
          } catch (err) {
            stats.recordError(codeOf(err));
            await new Promise((r) => setTimeout(r, 200));
            continue;
          }
        }
        const c = conn;
        const type = pickTransaction();
        const begin = performance.now();
        for (let attempt = 1; ; attempt++) {
          try {
            const outcome = await TRANSACTIONS[type](c, t);
            stats.record(type, performance.now() - begin, outcome === 'rollback');
            break;
          } catch (err) {
            const fatal = (err as { fatal?: boolean }).fatal === true;
            if (fatal) {
              c.destroy();
              conn = undefined;
            } else {
              await c.rollback().catch(() => undefined);
            }
            if (!fatal && isRetryable(err) && attempt < MAX_ATTEMPTS && !stopping) {
              stats.retries++;
              continue;
            }
            stats.recordError(codeOf(err));
            break;
          }
        }
      }
      conn?.release();
    };
    await Promise.all(terminals.map((t, i) => terminal(t, connections[i]!)));
    const secs = elapsed();
    return stats.report(secs, {
      durationSec,
      cancelled: options.signal?.aborted === true,
      threads,
      warehouses,
    });
  } catch (err) {
    throw toTpccError(err, target);
  } finally {
    clearTimeout(timer);
    clearInterval(reporter);
    options.signal?.removeEventListener('abort', stop);
    await pool.end().catch(() => undefined);
  }
}

function codeOf(err: unknown): string {
  return (err as { code?: string }).code ?? 'ERROR';
}
