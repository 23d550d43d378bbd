/**
 * Row generators for the initial population (TPC-C Clause 4.3.3.1). Each returns value arrays
 * in the column order given next to it, ready for a multi-row INSERT.
 */
import { C_LAST_LOAD, aString, dataString, lastName, nString, nuRand, permutation, randomDecimal, randomInt, zip } from './random.js';

export const ITEMS = 100_000;
export const DISTRICTS_PER_WAREHOUSE = 10;
export const CUSTOMERS_PER_DISTRICT = 3_000;
export const ORDERS_PER_DISTRICT = 3_000;
/** Orders 2101..3000 of each district are undelivered and have a NEW_ORDER row. */
export const FIRST_NEW_ORDER = 2_101;

type Row = (string | number | null)[];

const address = (): Row => [aString(10, 20), aString(10, 20), aString(10, 20), aString(2, 2), zip()];

export const ITEM_COLUMNS = ['i_id', 'i_im_id', 'i_name', 'i_price', 'i_data'];
export function itemRow(id: number): Row {
  return [id, randomInt(1, 10_000), aString(14, 24), randomDecimal(1, 100, 2), dataString()];
}

export const WAREHOUSE_COLUMNS = ['w_id', 'w_name', 'w_street_1', 'w_street_2', 'w_city', 'w_state', 'w_zip', 'w_tax', 'w_ytd'];
export function warehouseRow(w: number): Row {
  return [w, aString(6, 10), ...address(), randomDecimal(0, 0.2, 4), 300_000];
}

export const DISTRICT_COLUMNS = [
  'd_id', 'd_w_id', 'd_name', 'd_street_1', 'd_street_2', 'd_city', 'd_state', 'd_zip', 'd_tax', 'd_ytd', 'd_next_o_id',
];
export function districtRow(w: number, d: number): Row {
  return [d, w, aString(6, 10), ...address(), randomDecimal(0, 0.2, 4), 30_000, ORDERS_PER_DISTRICT + 1];
}

export const STOCK_COLUMNS = [
  's_i_id', 's_w_id', 's_quantity',
  's_dist_01', 's_dist_02', 's_dist_03', 's_dist_04', 's_dist_05', 's_dist_06', 's_dist_07', 's_dist_08', 's_dist_09', 's_dist_10',
  's_ytd', 's_order_cnt', 's_remote_cnt', 's_data',
];
export function stockRow(w: number, i: number): Row {
  const dists: string[] = [];
  for (let k = 0; k < 10; k++) dists.push(aString(24, 24));
  return [i, w, randomInt(10, 100), ...dists, 0, 0, 0, dataString()];
}

export const CUSTOMER_COLUMNS = [
  'c_id', 'c_d_id', 'c_w_id', 'c_first', 'c_middle', 'c_last', 'c_street_1', 'c_street_2', 'c_city', 'c_state', 'c_zip',
  'c_phone', 'c_since', 'c_credit', 'c_credit_lim', 'c_discount', 'c_balance', 'c_ytd_payment', 'c_payment_cnt',
  'c_delivery_cnt', 'c_data',
];
export function customerRow(w: number, d: number, c: number, now: string): Row {
  // The first 1000 customers cover every last name once; the rest follow NURand.
  const last = lastName(c <= 1000 ? c - 1 : nuRand(255, 0, 999, C_LAST_LOAD));
  return [
    c, d, w, aString(8, 16), 'OE', last, ...address(), nString(16, 16), now, Math.random() < 0.1 ? 'BC' : 'GC',
    50_000, randomDecimal(0, 0.5, 4), -10, 10, 1, 0, aString(300, 500),
  ];
}

export const HISTORY_COLUMNS = ['h_c_id', 'h_c_d_id', 'h_c_w_id', 'h_d_id', 'h_w_id', 'h_date', 'h_amount', 'h_data'];
export function historyRow(w: number, d: number, c: number, now: string): Row {
  return [c, d, w, d, w, now, 10, aString(12, 24)];
}

export const ORDER_COLUMNS = ['o_id', 'o_d_id', 'o_w_id', 'o_c_id', 'o_entry_d', 'o_carrier_id', 'o_ol_cnt', 'o_all_local'];
export const ORDER_LINE_COLUMNS = [
  'ol_o_id', 'ol_d_id', 'ol_w_id', 'ol_number', 'ol_i_id', 'ol_supply_w_id', 'ol_delivery_d', 'ol_quantity', 'ol_amount', 'ol_dist_info',
];
export const NEW_ORDER_COLUMNS = ['no_o_id', 'no_d_id', 'no_w_id'];

/** Orders, their lines and the NEW_ORDER rows of one district. */
export function districtOrders(w: number, d: number, now: string): { orders: Row[]; lines: Row[]; newOrders: Row[] } {
  const customers = permutation(CUSTOMERS_PER_DISTRICT);
  const orders: Row[] = [];
  const lines: Row[] = [];
  const newOrders: Row[] = [];
  for (let o = 1; o <= ORDERS_PER_DISTRICT; o++) {
    const delivered = o < FIRST_NEW_ORDER;
    const olCnt = randomInt(5, 15);
    orders.push([o, d, w, customers[o - 1]!, now, delivered ? randomInt(1, 10) : null, olCnt, 1]);
    for (let n = 1; n <= olCnt; n++) {
      lines.push([
        o, d, w, n, randomInt(1, ITEMS), w, delivered ? now : null, 5, delivered ? 0 : randomDecimal(0.01, 9999.99, 2), aString(24, 24),
      ]);
    }
    if (!delivered) newOrders.push([o, d, w]);
  }
  return { orders, lines, newOrders };
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, the DATETIME literal used for load and run timestamps. */
export function sqlNow(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}
