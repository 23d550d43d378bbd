import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TpccAbortError, TpccError, check, prepare, run, type LoadProgress, type RunProgress } from '../src/index.js';
import { dropDatabase, query, rowCounts, sql, uniqueDatabase } from './helpers.js';

const conn = uniqueDatabase('tpcc_lib');

/** Clause 4.3.3.1 for one warehouse; order lines are 5..15 per order, so only a range is fixed. */
function expectOneWarehouse(counts: Record<string, number>): void {
  expect(counts).toMatchObject({
    warehouse: 1, district: 10, customer: 30_000, history: 30_000, orders: 30_000, new_orders: 9_000, item: 100_000, stock: 100_000,
  });
  expect(counts.order_line).toBeGreaterThan(30_000 * 9);
  expect(counts.order_line).toBeLessThan(30_000 * 11);
}

describe('@das/tpcc library on MariaDB', () => {
  let loaded: Record<string, number>;

  beforeAll(async () => {
    // An interrupted prepare, resumed: the resumed one completes without duplicates.
    const controller = new AbortController();
    const seen: LoadProgress[] = [];
    const interrupted = prepare(conn, {
      warehouses: 1,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.pct >= 30) controller.abort();
      },
    });
    await expect(interrupted).rejects.toBeInstanceOf(TpccAbortError);
    expect(seen.length).toBeGreaterThan(1);
    const partial = await rowCounts(conn.database);
    expect(Object.values(partial).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    const resumed = await prepare(conn, { warehouses: 1 });
    expect(resumed.unitsSkipped).toBeGreaterThan(0);
    expect(resumed.unitsLoaded).toBeGreaterThan(0);
    loaded = await rowCounts(conn.database);
  }, 120_000);

  afterAll(async () => {
    await dropDatabase(conn.database);
  });

  it('loads the specification row counts for one warehouse, and check passes', async () => {
    expectOneWarehouse(loaded);
    const report = await check(conn);
    expect(report.ok).toBe(true);
    expect(report.conditions.map((c) => c.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12]);
  });

  it('a repeated prepare adds nothing', async () => {
    const again = await prepare(conn, { warehouses: 1 });
    expect(again.unitsLoaded).toBe(0);
    expect(await rowCounts(conn.database)).toEqual(loaded);
  });

  it('a bounded run commits every transaction type, reports progress, and leaves the database consistent', async () => {
    const stockBefore = await stockVersusLines(conn.database);
    expect(stockBefore.ytd).toBe(stockBefore.lineQuantity);
    const reports: RunProgress[] = [];
    const report = await run(conn, { threads: 4, durationSec: 5, reportIntervalSec: 1, onReport: (p) => reports.push(p) });
    expect(report.cancelled).toBe(false);
    expect(report.elapsedSec).toBeGreaterThanOrEqual(5);
    expect(report.elapsedSec).toBeLessThan(15);
    for (const type of ['newOrder', 'payment', 'orderStatus', 'delivery', 'stockLevel'] as const) {
      expect(report.counts[type], type).toBeGreaterThan(0);
    }
    expect(report.errors).toBe(0);
    expect(report.tpmC).toBeGreaterThan(0);
    expect(report.latencyMs.p95).toBeGreaterThanOrEqual(report.latencyMs.p50);
    expect(reports.length).toBeGreaterThanOrEqual(3);
    expect(reports.at(-1)!.tps).toBeGreaterThan(0);
    const after = await rowCounts(conn.database);
    expect(after.orders! - loaded.orders!).toBe(report.counts.newOrder - report.rollbacks);
    expect((await check(conn)).ok).toBe(true);
    // New-Order's batched stock update: every new order line shows in S_YTD and S_ORDER_CNT.
    const stockAfter = await stockVersusLines(conn.database);
    expect(stockAfter.lines).toBeGreaterThan(stockBefore.lines);
    expect(stockAfter.ytd).toBe(stockAfter.lineQuantity);
    expect(stockAfter.orderCount).toBe(stockAfter.lines);
  }, 60_000);

  it('an AbortSignal stops a run early and the database stays consistent', async () => {
    const controller = new AbortController();
    const report = await run(conn, {
      threads: 4,
      durationSec: 60,
      reportIntervalSec: 1,
      signal: controller.signal,
      onReport: () => controller.abort(),
    });
    expect(report.cancelled).toBe(true);
    expect(report.elapsedSec).toBeLessThan(30);
    expect(report.counts.newOrder).toBeGreaterThan(0);
    expect((await check(conn)).ok).toBe(true);
  }, 60_000);

  it('check reports the violated conditions, and only those', async () => {
    await sql(conn.database, 'UPDATE warehouse SET w_ytd = w_ytd + 1 WHERE w_id = 1');
    await sql(conn.database, 'UPDATE customer SET c_balance = c_balance + 1 WHERE c_w_id = 1 AND c_d_id = 3 AND c_id = 7');
    try {
      const report = await check(conn);
      expect(report.ok).toBe(false);
      // W_YTD against the districts (1) and the payments (8); the balance against deliveries and payments (10, 12).
      expect(report.conditions.filter((c) => !c.ok).map((c) => c.id)).toEqual([1, 8, 10, 12]);
      expect(report.conditions.find((c) => c.id === 10)!.violations).toEqual([expect.objectContaining({ c_w_id: 1, c_d_id: 3, c_id: 7 })]);
    } finally {
      await sql(conn.database, 'UPDATE warehouse SET w_ytd = w_ytd - 1 WHERE w_id = 1');
      await sql(conn.database, 'UPDATE customer SET c_balance = c_balance - 1 WHERE c_w_id = 1 AND c_d_id = 3 AND c_id = 7');
    }
  });

  // Last: it grows the shared database to two warehouses.
  it('a second warehouse loads only its own units; remote order lines and payments keep check passing', async () => {
    const grown = await prepare(conn, { warehouses: 2 });
    expect(grown.unitsSkipped).toBe(41);
    expect(grown.unitsLoaded).toBe(31);
    const counts = await rowCounts(conn.database);
    expect(counts).toMatchObject({ warehouse: 2, district: 20, item: 100_000, stock: 200_000 });
    const report = await run(conn, { threads: 4, durationSec: 6 });
    expect(report.warehouses).toBe(2);
    expect(report.errors).toBe(0);
    const [remote] = await query(conn.database, 'SELECT SUM(s_remote_cnt) AS stock_remote, (SELECT COUNT(*) FROM history WHERE h_c_w_id <> h_w_id) AS payments_remote FROM stock');
    expect(Number(remote!.stock_remote)).toBeGreaterThan(0);
    expect(Number(remote!.payments_remote)).toBeGreaterThan(0);
    expect((await check(conn)).ok).toBe(true);
  }, 120_000);

  it('a missing schema is a TpccError, not a driver error', async () => {
    const missing = { ...conn, database: `${conn.database}_none` };
    await expect(run(missing, { threads: 1, durationSec: 1 })).rejects.toMatchObject({ code: 'TPCC_SCHEMA_MISSING' });
    await expect(check(missing)).rejects.toBeInstanceOf(TpccError);
  });
});

/** Stock totals against the order lines written by runs (orders after the initial 3000). */
async function stockVersusLines(database: string): Promise<{ ytd: number; orderCount: number; lineQuantity: number; lines: number }> {
  const [stock] = await query(database, 'SELECT COALESCE(SUM(s_ytd), 0) AS ytd, COALESCE(SUM(s_order_cnt), 0) AS cnt FROM stock');
  const [lines] = await query(database, 'SELECT COALESCE(SUM(ol_quantity), 0) AS qty, COUNT(*) AS n FROM order_line WHERE ol_o_id > 3000');
  return { ytd: Number(stock!.ytd), orderCount: Number(stock!.cnt), lineQuantity: Number(lines!.qty), lines: Number(lines!.n) };
}
