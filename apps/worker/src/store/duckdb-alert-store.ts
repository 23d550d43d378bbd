import type { DuckDBConnection } from '@duckdb/node-api';
import type { Alert } from '@das/contracts';
import { ACTION_FROM, ALERT_COLUMNS, alertFromRow, alertRowValues, decodeAlertCursor, encodeAlertCursor, type AlertStore } from './alert-store.js';
import { rowCount } from './store-rows.js';

export const ALERT_TABLES = [
  `CREATE TABLE IF NOT EXISTS alerts (
    id VARCHAR PRIMARY KEY, rule_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, severity VARCHAR NOT NULL, title VARCHAR NOT NULL,
    group_key VARCHAR NOT NULL, group_json VARCHAR NOT NULL, event_ids VARCHAR NOT NULL, event_count BIGINT NOT NULL, value DOUBLE,
    window_start VARCHAR NOT NULL, first_time VARCHAR NOT NULL, last_time VARCHAR NOT NULL, created_at VARCHAR NOT NULL,
    created_us BIGINT NOT NULL, status VARCHAR NOT NULL, acknowledged_by VARCHAR, acknowledged_at VARCHAR,
    resolved_by VARCHAR, resolved_at VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS store_state (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL, updated_at VARCHAR NOT NULL)`,
];

type Row = Record<string, unknown>;

interface DuckDbAccess {
  writer: DuckDBConnection;
  reader: DuckDBConnection;
  /** The store's one writer queue: DuckDB allows one writer transaction per connection at a time. */
  serial<T>(task: () => Promise<T>): Promise<T>;
}

/** {@link AlertStore} on the embedded DuckDB store's connections. */
export function createDuckDbAlertStore({ writer, reader, serial }: DuckDbAccess): AlertStore {
  const rows = async (connection: DuckDBConnection, sql: string, params: unknown[] = []): Promise<Row[]> =>
    (await connection.runAndReadAll(sql, params as never)).getRowObjectsJS() as Row[];
  const placeholders = ALERT_COLUMNS.split(', ').map(() => '?').join(', ');

  async function get(id: string): Promise<Alert | null> {
    const [row] = await rows(reader, `SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = ?`, [id]);
    return row === undefined ? null : alertFromRow(row);
  }

  return {
    async insert(candidates, nowMs = Date.now()) {
      if (candidates.length === 0) return [];
      return serial(async () => {
        const stored: Alert[] = [];
        for (const candidate of candidates) {
          const values = alertRowValues(candidate, nowMs).map((v, i) => (i === 14 ? BigInt(v as number) : v));
          const [row] = await rows(writer, `INSERT INTO alerts (${ALERT_COLUMNS}) VALUES (${placeholders}) ON CONFLICT (id) DO NOTHING RETURNING ${ALERT_COLUMNS}`, values);
          if (row !== undefined) stored.push(alertFromRow(row));
        }
        return stored;
      });
    },

    async list(query) {
      const parts = ['TRUE'];
      const params: unknown[] = [];
      for (const [column, value] of [['status', query.status], ['severity', query.severity], ['rule_id', query.ruleId]] as const) {
        if (value === undefined) continue;
        parts.push(`${column} = ?`);
        params.push(value);
      }
      if (query.cursor !== undefined && query.cursor !== '') {
        const { createdUs, id } = decodeAlertCursor(query.cursor);
        parts.push('(created_us < CAST(? AS BIGINT) OR (created_us = CAST(? AS BIGINT) AND id < ?))');
        params.push(createdUs, createdUs, id);
      }
      const found = await rows(
        reader,
        `SELECT ${ALERT_COLUMNS} FROM alerts WHERE ${parts.join(' AND ')} ORDER BY created_us DESC, id DESC LIMIT CAST(? AS BIGINT)`,
        [...params, rowCount(query.limit, 'page limit') + 1],
      );
      const alerts = found.slice(0, query.limit).map(alertFromRow);
      const last = alerts.at(-1);
      return { alerts, next: found.length > query.limit && last !== undefined ? encodeAlertCursor(last) : null };
    },

    get,

    async update(id, action) {
      const at = new Date(action.atMs ?? Date.now()).toISOString();
      const from = ACTION_FROM[action.status];
      const prefix = action.status === 'acknowledged' ? 'acknowledged' : 'resolved';
      await serial(() =>
        writer.run(
          `UPDATE alerts SET status = ?, ${prefix}_by = ?, ${prefix}_at = ? WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`,
          [action.status, action.by, at, id, ...from],
        ),
      );
      return get(id);
    },

    async readState(key) {
      const [row] = await rows(reader, 'SELECT value FROM store_state WHERE key = ?', [key]);
      return row === undefined ? null : (JSON.parse(String(row.value)) as unknown);
    },

    async writeState(key, value) {
      await serial(() =>
        writer.run(
          `INSERT INTO store_state (key, value, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
          [key, JSON.stringify(value), new Date().toISOString()],
        ),
      );
    },
  };
}
