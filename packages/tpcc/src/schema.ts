import type { Engine, SqlPool } from './sql-driver.js';

/** The nine TPC-C tables (Clause 1.3), in load order. */
export const TABLES = ['warehouse', 'district', 'customer', 'history', 'new_orders', 'orders', 'order_line', 'item', 'stock'] as const;
export type TpccTable = (typeof TABLES)[number];

const ADDRESS = (p: string) =>
  `${p}_street_1 VARCHAR(20) NOT NULL, ${p}_street_2 VARCHAR(20) NOT NULL, ${p}_city VARCHAR(20) NOT NULL, ` +
  `${p}_state CHAR(2) NOT NULL, ${p}_zip CHAR(9) NOT NULL`;

/** DDL with primary keys and the secondary indexes the transactions need (no foreign keys: they only slow the load). */
const DDL: Record<TpccTable, string> = {
  warehouse: `CREATE TABLE IF NOT EXISTS warehouse (
    w_id SMALLINT NOT NULL, w_name VARCHAR(10) NOT NULL, ${ADDRESS('w')},
    w_tax DECIMAL(4,4) NOT NULL, w_ytd DECIMAL(12,2) NOT NULL,
    PRIMARY KEY (w_id)) ENGINE=InnoDB`,
  district: `CREATE TABLE IF NOT EXISTS district (
    d_id TINYINT NOT NULL, d_w_id SMALLINT NOT NULL, d_name VARCHAR(10) NOT NULL, ${ADDRESS('d')},
    d_tax DECIMAL(4,4) NOT NULL, d_ytd DECIMAL(12,2) NOT NULL, d_next_o_id INT NOT NULL,
    PRIMARY KEY (d_w_id, d_id)) ENGINE=InnoDB`,
  customer: `CREATE TABLE IF NOT EXISTS customer (
    c_id INT NOT NULL, c_d_id TINYINT NOT NULL, c_w_id SMALLINT NOT NULL,
    c_first VARCHAR(16) NOT NULL, c_middle CHAR(2) NOT NULL, c_last VARCHAR(16) NOT NULL, ${ADDRESS('c')},
    c_phone CHAR(16) NOT NULL, c_since DATETIME NOT NULL, c_credit CHAR(2) NOT NULL,
    c_credit_lim DECIMAL(12,2) NOT NULL, c_discount DECIMAL(4,4) NOT NULL, c_balance DECIMAL(12,2) NOT NULL,
    c_ytd_payment DECIMAL(12,2) NOT NULL, c_payment_cnt SMALLINT NOT NULL, c_delivery_cnt SMALLINT NOT NULL,
    c_data VARCHAR(500) NOT NULL,
    PRIMARY KEY (c_w_id, c_d_id, c_id), KEY idx_customer_name (c_w_id, c_d_id, c_last, c_first)) ENGINE=InnoDB`,
  history: `CREATE TABLE IF NOT EXISTS history (
    h_c_id INT NOT NULL, h_c_d_id TINYINT NOT NULL, h_c_w_id SMALLINT NOT NULL,
    h_d_id TINYINT NOT NULL, h_w_id SMALLINT NOT NULL, h_date DATETIME NOT NULL,
    h_amount DECIMAL(6,2) NOT NULL, h_data VARCHAR(24) NOT NULL,
    KEY idx_history_customer (h_c_w_id, h_c_d_id, h_c_id)) ENGINE=InnoDB`,
  new_orders: `CREATE TABLE IF NOT EXISTS new_orders (
    no_o_id INT NOT NULL, no_d_id TINYINT NOT NULL, no_w_id SMALLINT NOT NULL,
    PRIMARY KEY (no_w_id, no_d_id, no_o_id)) ENGINE=InnoDB`,
  orders: `CREATE TABLE IF NOT EXISTS orders (
    o_id INT NOT NULL, o_d_id TINYINT NOT NULL, o_w_id SMALLINT NOT NULL, o_c_id INT NOT NULL,
    o_entry_d DATETIME NOT NULL, o_carrier_id TINYINT NULL, o_ol_cnt TINYINT NOT NULL, o_all_local TINYINT NOT NULL,
    PRIMARY KEY (o_w_id, o_d_id, o_id), KEY idx_orders_customer (o_w_id, o_d_id, o_c_id, o_id)) ENGINE=InnoDB`,
  order_line: `CREATE TABLE IF NOT EXISTS order_line (
    ol_o_id INT NOT NULL, ol_d_id TINYINT NOT NULL, ol_w_id SMALLINT NOT NULL, ol_number TINYINT NOT NULL,
    ol_i_id INT NOT NULL, ol_supply_w_id SMALLINT NOT NULL, ol_delivery_d DATETIME NULL,
    ol_quantity TINYINT NOT NULL, ol_amount DECIMAL(6,2) NOT NULL, ol_dist_info CHAR(24) NOT NULL,
    PRIMARY KEY (ol_w_id, ol_d_id, ol_o_id, ol_number)) ENGINE=InnoDB`,
  item: `CREATE TABLE IF NOT EXISTS item (
    i_id INT NOT NULL, i_im_id INT NOT NULL, i_name VARCHAR(24) NOT NULL, i_price DECIMAL(5,2) NOT NULL,
    i_data VARCHAR(50) NOT NULL,
    PRIMARY KEY (i_id)) ENGINE=InnoDB`,
  stock: `CREATE TABLE IF NOT EXISTS stock (
    s_i_id INT NOT NULL, s_w_id SMALLINT NOT NULL, s_quantity SMALLINT NOT NULL,
    s_dist_01 CHAR(24) NOT NULL, s_dist_02 CHAR(24) NOT NULL, s_dist_03 CHAR(24) NOT NULL, s_dist_04 CHAR(24) NOT NULL,
    s_dist_05 CHAR(24) NOT NULL, s_dist_06 CHAR(24) NOT NULL, s_dist_07 CHAR(24) NOT NULL, s_dist_08 CHAR(24) NOT NULL,
    s_dist_09 CHAR(24) NOT NULL, s_dist_10 CHAR(24) NOT NULL,
    s_ytd INT NOT NULL, s_order_cnt SMALLINT NOT NULL, s_remote_cnt SMALLINT NOT NULL, s_data VARCHAR(50) NOT NULL,
    PRIMARY KEY (s_w_id, s_i_id)) ENGINE=InnoDB`,
};

/**
 * The DDL of a table for an engine. Written once in MySQL's dialect; PostgreSQL gets SMALLINT for
 * TINYINT, TIMESTAMP for DATETIME, no storage engine, and its secondary keys as CREATE INDEX.
 */
export function tableDdl(table: TpccTable, engine: Engine): string[] {
  const ddl = DDL[table];
  if (engine === 'mysql') return [ddl];
  const indexes: string[] = [];
  const body = ddl
    .replace(/,\s*KEY (\w+) \(([^)]*)\)/g, (_, name: string, columns: string) => {
      indexes.push(`CREATE INDEX IF NOT EXISTS ${name} ON ${table} (${columns})`);
      return '';
    })
    .replace(/ ENGINE=InnoDB/g, '')
    .replace(/\bTINYINT\b/g, 'SMALLINT')
    .replace(/\bDATETIME\b/g, 'TIMESTAMP');
  return [body, ...indexes];
}

/** Creates the database (if missing) and the nine tables; safe to repeat. */
export async function createSchema(server: SqlPool, onDb: SqlPool, database: string): Promise<void> {
  if (server.engine === 'postgres') {
    // PostgreSQL has no CREATE DATABASE IF NOT EXISTS.
    const found = await server.query('SELECT 1 FROM pg_database WHERE datname = ?', [database]);
    if (found.length === 0) await server.query(`CREATE DATABASE "${database}"`);
  } else {
    await server.query(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
  }
  for (const t of TABLES) for (const statement of tableDdl(t, onDb.engine)) await onDb.query(statement);
}
