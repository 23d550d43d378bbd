import type pg from 'pg';
import type { Alert } from '@das/contracts';
import { ACTION_FROM, ALERT_COLUMNS, alertFromRow, alertRowValues, decodeAlertCursor, encodeAlertCursor, type AlertStore } from '../alert-store.js';
import { rowCount } from '../store-rows.js';
import { PgParams } from './pg-filter.js';
import { SCHEMA } from './pg-schema.js';

const ALERTS = `${SCHEMA}.alerts`;
const STATE = `${SCHEMA}.store_state`;
const PG_TYPES = ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'bigint', 'double precision', 'text', 'text', 'text', 'text', 'bigint', 'text', 'text', 'text', 'text', 'text'];
// A whole set of alerts in one statement (a jsonb array of rows); a fleet raising the same alert stores it once.
const INSERT_ALERTS = `INSERT INTO ${ALERTS} (${ALERT_COLUMNS})
  SELECT ${PG_TYPES.map((type, i) => `(r->>${i})::${type}`).join(', ')} FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS a(r, n) ORDER BY n
  ON CONFLICT (id) DO NOTHING RETURNING ${ALERT_COLUMNS}`;

/** {@link AlertStore} on the shared PostgreSQL store (migration 5). */
export function createPgAlertStore(pool: pg.Pool): AlertStore {
  async function get(id: string): Promise<Alert | null> {
    const { rows } = await pool.query(`SELECT ${ALERT_COLUMNS} FROM ${ALERTS} WHERE id = $1`, [id]);
    return rows[0] === undefined ? null : alertFromRow(rows[0] as Record<string, unknown>);
  }

  return {
    async insert(candidates, nowMs = Date.now()) {
      if (candidates.length === 0) return [];
      const { rows } = await pool.query(INSERT_ALERTS, [JSON.stringify(candidates.map((c) => alertRowValues(c, nowMs)))]);
      const byId = new Map(rows.map((row: Record<string, unknown>) => [String(row.id), alertFromRow(row)]));
      return candidates.map((c) => byId.get(c.id)).filter((a): a is Alert => a !== undefined);
    },

    async list(query) {
      const params = new PgParams();
      const parts = ['TRUE'];
      if (query.status !== undefined) parts.push(`status = ${params.add(query.status)}`);
      if (query.severity !== undefined) parts.push(`severity = ${params.add(query.severity)}`);
      if (query.ruleId !== undefined) parts.push(`rule_id = ${params.add(query.ruleId)}`);
      if (query.cursor !== undefined && query.cursor !== '') {
        const { createdUs, id } = decodeAlertCursor(query.cursor);
        parts.push(`(created_us, id) < (${params.add(createdUs.toString())}::bigint, ${params.add(id)})`);
      }
      const limit = params.add(rowCount(query.limit, 'page limit') + 1);
      const { rows } = await pool.query(`SELECT ${ALERT_COLUMNS} FROM ${ALERTS} WHERE ${parts.join(' AND ')} ORDER BY created_us DESC, id DESC LIMIT ${limit}`, params.values);
      const alerts = rows.slice(0, query.limit).map(alertFromRow);
      const last = alerts.at(-1);
      return { alerts, next: rows.length > query.limit && last !== undefined ? encodeAlertCursor(last) : null };
    },

    get,

    async update(id, action) {
      const at = new Date(action.atMs ?? Date.now()).toISOString();
      const prefix = action.status === 'acknowledged' ? 'acknowledged' : 'resolved';
      await pool.query(`UPDATE ${ALERTS} SET status = $1, ${prefix}_by = $2, ${prefix}_at = $3 WHERE id = $4 AND status = ANY($5::text[])`, [
        action.status,
        action.by,
        at,
        id,
        ACTION_FROM[action.status],
      ]);
      return get(id);
    },

    async readState(key) {
      const { rows } = await pool.query<{ value: unknown }>(`SELECT value FROM ${STATE} WHERE key = $1`, [key]);
      return rows[0] === undefined ? null : rows[0].value;
    },

    async writeState(key, value) {
      await pool.query(
        `INSERT INTO ${STATE} (key, value, updated_at) VALUES ($1, $2::jsonb, now())
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        [key, JSON.stringify(value)],
      );
    },
  };
}
