/**
 * The five TPC-C transaction profiles (Clause 2.4 to 2.8), each one database transaction on a
 * connection the caller owns. They return 'rollback' for New-Order's intended 1% rollback.
 */
import type { SqlConnection, SqlRow } from './sql-driver.js';
import { CUSTOMERS_PER_DISTRICT, DISTRICTS_PER_WAREHOUSE, ITEMS, sqlNow } from './population.js';
import { C_ID, C_LAST_RUN, C_OL_I_ID, lastName, nuRand, randomDecimal, randomInt } from './random.js';

export type TransactionType = 'newOrder' | 'payment' | 'orderStatus' | 'delivery' | 'stockLevel';
export const TRANSACTION_TYPES: readonly TransactionType[] = ['newOrder', 'payment', 'orderStatus', 'delivery', 'stockLevel'];

/** The standard mix (Clause 5.2.3 minimums, New-Order taking the rest). */
export const MIX: Record<TransactionType, number> = { newOrder: 45, payment: 43, orderStatus: 4, delivery: 4, stockLevel: 4 };

export function pickTransaction(): TransactionType {
  let r = Math.random() * 100;
  for (const t of TRANSACTION_TYPES) {
    r -= MIX[t];
    if (r < 0) return t;
  }
  return 'newOrder';
}

/** A terminal's fixed inputs: its home warehouse and its Stock-Level district. */
export interface Terminal {
  warehouseId: number;
  districtId: number;
  warehouses: number;
}

export type Outcome = 'commit' | 'rollback';
type Conn = SqlConnection;
type Rows = SqlRow[];

async function rows(conn: Conn, sql: string, params: unknown[]): Promise<Rows> {
  return conn.query(sql, params);
}

function otherWarehouse(t: Terminal): number {
  if (t.warehouses === 1) return t.warehouseId;
  const w = randomInt(1, t.warehouses - 1);
  return w >= t.warehouseId ? w + 1 : w;
}

/** 60% by last name (NURand(255) with C_RUN), else by id NURand(1023). */
type CustomerKey = { byName: true; last: string } | { byName: false; id: number };
function customerKey(): CustomerKey {
  return randomInt(1, 100) <= 60
    ? { byName: true, last: lastName(nuRand(255, 0, 999, C_LAST_RUN)) }
    : { byName: false, id: nuRand(1023, 1, CUSTOMERS_PER_DISTRICT, C_ID) };
}

/** Resolves a customer key to an id: by name, the one at position ceil(n/2) ordered by C_FIRST. */
async function customerId(conn: Conn, w: number, d: number, key: CustomerKey): Promise<number | undefined> {
  if (!key.byName) return key.id;
  const found = await rows(conn, 'SELECT c_id FROM customer WHERE c_w_id = ? AND c_d_id = ? AND c_last = ? ORDER BY c_first', [w, d, key.last]);
  if (found.length === 0) return undefined;
  return Number(found[Math.ceil(found.length / 2) - 1]!.c_id);
}

export async function newOrder(conn: Conn, t: Terminal): Promise<Outcome> {
  const w = t.warehouseId;
  const d = randomInt(1, DISTRICTS_PER_WAREHOUSE);
  const c = nuRand(1023, 1, CUSTOMERS_PER_DISTRICT, C_ID);
  const olCnt = randomInt(5, 15);
  const rollback = randomInt(1, 100) === 1;
  const lines: { itemId: number; supplyW: number; quantity: number }[] = [];
  for (let n = 0; n < olCnt; n++) {
    const remote = t.warehouses > 1 && randomInt(1, 100) === 1;
    lines.push({
      // An unused item id on the last line makes 1% of New-Orders roll back.
      itemId: rollback && n === olCnt - 1 ? ITEMS + 1 : nuRand(8191, 1, ITEMS, C_OL_I_ID),
      supplyW: remote ? otherWarehouse(t) : w,
      quantity: randomInt(1, 10),
    });
  }
  const allLocal = lines.every((l) => l.supplyW === w) ? 1 : 0;
  const now = sqlNow();
  await conn.beginTransaction();
  await rows(conn, 'SELECT w_tax FROM warehouse WHERE w_id = ?', [w]);
  await rows(conn, 'SELECT c_discount, c_last, c_credit FROM customer WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?', [w, d, c]);
  const itemIds = [...new Set(lines.map((l) => l.itemId))];
  const items = new Map(
    (await rows(conn, 'SELECT i_id, i_price, i_name, i_data FROM item WHERE i_id IN (?)', [itemIds])).map((r) => [Number(r.i_id), r]),
  );
  if (items.size !== itemIds.length) {
    await conn.rollback();
    return 'rollback';
  }
  // Stock rows are read and locked in one statement per supply warehouse, in key order (fewer
  // deadlocks between New-Orders), and written back in one UPDATE; the district row, which every
  // New-Order of the district needs, is locked only afterwards, so it is held for the inserts only.
  const distCol = `s_dist_${String(d).padStart(2, '0')}`;
  const orderLines: unknown[][] = [];
  for (const supplyW of [...new Set(lines.map((l) => l.supplyW))].sort((a, b) => a - b)) {
    const mine = lines.map((l, i) => ({ ...l, number: i + 1 })).filter((l) => l.supplyW === supplyW);
    const ids = [...new Set(mine.map((l) => l.itemId))].sort((a, b) => a - b);
    const stock = new Map(
      (
        await rows(conn, `SELECT s_i_id, s_quantity, ${distCol} AS dist, s_data FROM stock WHERE s_w_id = ? AND s_i_id IN (?) ORDER BY s_i_id FOR UPDATE`, [
          supplyW, ids,
        ])
      ).map((r) => [Number(r.s_i_id), { quantity: Number(r.s_quantity), dist: String(r.dist), ytd: 0, orders: 0 }]),
    );
    // Lines for the same item apply one after the other, as separate updates would.
    for (const l of mine) {
      const s = stock.get(l.itemId)!;
      s.quantity = s.quantity >= l.quantity + 10 ? s.quantity - l.quantity : s.quantity - l.quantity + 91;
      s.ytd += l.quantity;
      s.orders += 1;
      const amount = Math.round(l.quantity * Number(items.get(l.itemId)!.i_price) * 100) / 100;
      orderLines.push([l.number, l.itemId, l.supplyW, null, l.quantity, amount, s.dist]);
    }
    const cases = (pick: (v: { quantity: number; ytd: number; orders: number }) => number) => {
      const params: number[] = [];
      for (const id of ids) params.push(id, pick(stock.get(id)!));
      // `? + 0`: a number on both engines (PostgreSQL would otherwise type a CASE result as text).
      return { sql: `CASE s_i_id ${ids.map(() => 'WHEN ? THEN ? + 0').join(' ')} END`, params };
    };
    const quantity = cases((v) => v.quantity);
    const ytd = cases((v) => v.ytd);
    const orderCnt = cases((v) => v.orders);
    const remote = supplyW === w ? 0 : 1;
    await conn.query(
      `UPDATE stock SET s_quantity = ${quantity.sql}, s_ytd = s_ytd + ${ytd.sql}, s_order_cnt = s_order_cnt + ${orderCnt.sql}, ` +
        `s_remote_cnt = s_remote_cnt + ${remote} * ${orderCnt.sql} WHERE s_w_id = ? AND s_i_id IN (?)`,
      [...quantity.params, ...ytd.params, ...orderCnt.params, ...orderCnt.params, supplyW, ids],
    );
  }
  orderLines.sort((a, b) => (a[0] as number) - (b[0] as number));
  const [dist] = await rows(conn, 'SELECT d_tax, d_next_o_id FROM district WHERE d_w_id = ? AND d_id = ? FOR UPDATE', [w, d]);
  const oId = Number(dist!.d_next_o_id);
  await conn.query('UPDATE district SET d_next_o_id = d_next_o_id + 1 WHERE d_w_id = ? AND d_id = ?', [w, d]);
  await conn.query('INSERT INTO orders (o_id, o_d_id, o_w_id, o_c_id, o_entry_d, o_carrier_id, o_ol_cnt, o_all_local) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)', [
    oId, d, w, c, now, olCnt, allLocal,
  ]);
  await conn.query('INSERT INTO new_orders (no_o_id, no_d_id, no_w_id) VALUES (?, ?, ?)', [oId, d, w]);
  await conn.query(
    'INSERT INTO order_line (ol_o_id, ol_d_id, ol_w_id, ol_number, ol_i_id, ol_supply_w_id, ol_delivery_d, ol_quantity, ol_amount, ol_dist_info) VALUES ?',
    [orderLines.map((line) => [oId, d, w, ...line])],
  );
  await conn.commit();
  return 'commit';
}

export async function payment(conn: Conn, t: Terminal): Promise<Outcome> {
  const w = t.warehouseId;
  const d = randomInt(1, DISTRICTS_PER_WAREHOUSE);
  const local = randomInt(1, 100) <= 85 || t.warehouses === 1;
  const cW = local ? w : otherWarehouse(t);
  const cD = local ? d : randomInt(1, DISTRICTS_PER_WAREHOUSE);
  const key = customerKey();
  const amount = randomDecimal(1, 5000, 2);
  const now = sqlNow();
  await conn.beginTransaction();
  // Hot rows last: every Payment of a warehouse updates the same warehouse and district rows, so
  // they are locked just before commit (customer → district → warehouse; no profile locks the
  // other way round), not for the whole transaction. Their names are read without locks.
  const [wh] = await rows(conn, 'SELECT w_name, w_street_1, w_street_2, w_city, w_state, w_zip FROM warehouse WHERE w_id = ?', [w]);
  const [dist] = await rows(conn, 'SELECT d_name, d_street_1, d_street_2, d_city, d_state, d_zip FROM district WHERE d_w_id = ? AND d_id = ?', [w, d]);
  const c = await customerId(conn, cW, cD, key);
  if (c === undefined) throw new Error(`no customer named ${key.byName ? key.last : ''}`);
  const [cust] = await rows(conn, 'SELECT c_credit, c_data FROM customer WHERE c_w_id = ? AND c_d_id = ? AND c_id = ? FOR UPDATE', [cW, cD, c]);
  if (cust!.c_credit === 'BC') {
    const data = `${c} ${cD} ${cW} ${d} ${w} ${amount.toFixed(2)} | ${String(cust!.c_data)}`.slice(0, 500);
    await conn.query(
      'UPDATE customer SET c_balance = c_balance - ?, c_ytd_payment = c_ytd_payment + ?, c_payment_cnt = c_payment_cnt + 1, c_data = ? WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?',
      [amount, amount, data, cW, cD, c],
    );
  } else {
    await conn.query(
      'UPDATE customer SET c_balance = c_balance - ?, c_ytd_payment = c_ytd_payment + ?, c_payment_cnt = c_payment_cnt + 1 WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?',
      [amount, amount, cW, cD, c],
    );
  }
  const hData = `${String(wh!.w_name)}    ${String(dist!.d_name)}`.slice(0, 24);
  await conn.query('INSERT INTO history (h_c_id, h_c_d_id, h_c_w_id, h_d_id, h_w_id, h_date, h_amount, h_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
    c, cD, cW, d, w, now, amount, hData,
  ]);
  await conn.query('UPDATE district SET d_ytd = d_ytd + ? WHERE d_w_id = ? AND d_id = ?', [amount, w, d]);
  await conn.query('UPDATE warehouse SET w_ytd = w_ytd + ? WHERE w_id = ?', [amount, w]);
  await conn.commit();
  return 'commit';
}

export async function orderStatus(conn: Conn, t: Terminal): Promise<Outcome> {
  const w = t.warehouseId;
  const d = randomInt(1, DISTRICTS_PER_WAREHOUSE);
  const key = customerKey();
  await conn.beginTransaction();
  const c = await customerId(conn, w, d, key);
  if (c !== undefined) {
    await rows(conn, 'SELECT c_balance, c_first, c_middle, c_last FROM customer WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?', [w, d, c]);
    const [order] = await rows(
      conn,
      'SELECT o_id, o_entry_d, o_carrier_id FROM orders WHERE o_w_id = ? AND o_d_id = ? AND o_c_id = ? ORDER BY o_id DESC LIMIT 1',
      [w, d, c],
    );
    if (order) {
      await rows(
        conn,
        'SELECT ol_i_id, ol_supply_w_id, ol_quantity, ol_amount, ol_delivery_d FROM order_line WHERE ol_w_id = ? AND ol_d_id = ? AND ol_o_id = ?',
        [w, d, order.o_id],
      );
    }
  }
  await conn.commit();
  return 'commit';
}

/** Delivers the oldest undelivered order of each of the ten districts, in one transaction. */
export async function delivery(conn: Conn, t: Terminal): Promise<Outcome> {
  const w = t.warehouseId;
  const carrier = randomInt(1, 10);
  const now = sqlNow();
  await conn.beginTransaction();
  for (let d = 1; d <= DISTRICTS_PER_WAREHOUSE; d++) {
    const [no] = await rows(conn, 'SELECT no_o_id FROM new_orders WHERE no_w_id = ? AND no_d_id = ? ORDER BY no_o_id LIMIT 1 FOR UPDATE', [w, d]);
    if (!no) continue; // Skipped deliveries are allowed (Clause 2.7.4.2).
    const oId = Number(no.no_o_id);
    await conn.query('DELETE FROM new_orders WHERE no_w_id = ? AND no_d_id = ? AND no_o_id = ?', [w, d, oId]);
    const [order] = await rows(conn, 'SELECT o_c_id FROM orders WHERE o_w_id = ? AND o_d_id = ? AND o_id = ? FOR UPDATE', [w, d, oId]);
    await conn.query('UPDATE orders SET o_carrier_id = ? WHERE o_w_id = ? AND o_d_id = ? AND o_id = ?', [carrier, w, d, oId]);
    await conn.query('UPDATE order_line SET ol_delivery_d = ? WHERE ol_w_id = ? AND ol_d_id = ? AND ol_o_id = ?', [now, w, d, oId]);
    const [sum] = await rows(conn, 'SELECT COALESCE(SUM(ol_amount), 0) AS total FROM order_line WHERE ol_w_id = ? AND ol_d_id = ? AND ol_o_id = ?', [w, d, oId]);
    await conn.query(
      'UPDATE customer SET c_balance = c_balance + ?, c_delivery_cnt = c_delivery_cnt + 1 WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?',
      [Number(sum!.total), w, d, order!.o_c_id],
    );
  }
  await conn.commit();
  return 'commit';
}

export async function stockLevel(conn: Conn, t: Terminal): Promise<Outcome> {
  const w = t.warehouseId;
  const d = t.districtId;
  const threshold = randomInt(10, 20);
  await conn.beginTransaction();
  const [dist] = await rows(conn, 'SELECT d_next_o_id FROM district WHERE d_w_id = ? AND d_id = ?', [w, d]);
  const next = Number(dist!.d_next_o_id);
  await rows(
    conn,
    `SELECT COUNT(DISTINCT s.s_i_id) AS low_stock FROM order_line ol JOIN stock s ON s.s_w_id = ol.ol_w_id AND s.s_i_id = ol.ol_i_id
     WHERE ol.ol_w_id = ? AND ol.ol_d_id = ? AND ol.ol_o_id < ? AND ol.ol_o_id >= ? AND s.s_quantity < ?`,
    [w, d, next, next - 20, threshold],
  );
  await conn.commit();
  return 'commit';
}

export const TRANSACTIONS: Record<TransactionType, (conn: Conn, t: Terminal) => Promise<Outcome>> = {
  newOrder,
  payment,
  orderStatus,
  delivery,
  stockLevel,
};
