import type { DuckDBConnection } from '@duckdb/node-api';
import type { DeliveryStore } from '@das/alerts-delivery';
import { DELIVERY_COLUMNS, deliveryFromRow } from './delivery-rows.js';

export const DELIVERY_TABLE = `CREATE TABLE IF NOT EXISTS alert_deliveries (
  id VARCHAR PRIMARY KEY, alert_id VARCHAR NOT NULL, endpoint_id VARCHAR NOT NULL, body VARCHAR NOT NULL, status VARCHAR NOT NULL,
  attempts INTEGER NOT NULL, created_at BIGINT NOT NULL, next_attempt_at BIGINT NOT NULL, last_attempt_at BIGINT,
  last_status INTEGER, last_error VARCHAR, delivered_at BIGINT)`;

type Row = Record<string, unknown>;

/** @das/alerts-delivery's {@link DeliveryStore} on the embedded store: one process, so leasing is a plain update in the writer queue. */
export function createDuckDbDeliveryStore(access: { writer: DuckDBConnection; reader: DuckDBConnection; serial<T>(task: () => Promise<T>): Promise<T> }): DeliveryStore {
  const { writer, reader, serial } = access;
  const rows = async (connection: DuckDBConnection, sql: string, params: unknown[] = []): Promise<Row[]> =>
    (await connection.runAndReadAll(sql, params as never)).getRowObjectsJS() as Row[];
  const ms = (value: number) => BigInt(Math.trunc(value));

  return {
    async enqueue(delivery) {
      return serial(async () => {
        const inserted = await rows(
          writer,
          `INSERT INTO alert_deliveries (id, alert_id, endpoint_id, body, status, attempts, created_at, next_attempt_at)
           VALUES (?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING id`,
          [delivery.id, delivery.alertId, delivery.endpointId, delivery.body, ms(delivery.createdAt), ms(delivery.nextAttemptAt)],
        );
        return inserted.length > 0;
      });
    },

    async due(now, limit, leaseMs) {
      if (limit <= 0) return [];
      return serial(async () => {
        const found = await rows(
          writer,
          `SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries WHERE status = 'pending' AND next_attempt_at <= CAST(? AS BIGINT)
           ORDER BY next_attempt_at, created_at LIMIT CAST(? AS BIGINT)`,
          [ms(now), BigInt(Math.trunc(limit))],
        );
        if (found.length === 0) return [];
        const leased = ms(now + leaseMs);
        const ids = found.map((row) => String(row.id));
        await writer.run(`UPDATE alert_deliveries SET next_attempt_at = ? WHERE id IN (${ids.map(() => '?').join(', ')})`, [leased, ...ids]);
        return found.map((row) => ({ ...deliveryFromRow(row), nextAttemptAt: Number(leased) }));
      });
    },

    async markAttempt(id, result) {
      await serial(() =>
        writer.run(
          `UPDATE alert_deliveries SET attempts = attempts + 1, last_attempt_at = CAST(? AS BIGINT), last_status = CAST(? AS INTEGER), last_error = CAST(? AS VARCHAR),
             status = CASE CAST(? AS VARCHAR) WHEN 'delivered' THEN 'delivered' WHEN 'dead' THEN 'dead' ELSE status END,
             delivered_at = CASE CAST(? AS VARCHAR) WHEN 'delivered' THEN CAST(? AS BIGINT) ELSE delivered_at END,
             next_attempt_at = CASE CAST(? AS VARCHAR) WHEN 'retry' THEN CAST(? AS BIGINT) ELSE next_attempt_at END
           WHERE id = ?`,
          [ms(result.at), result.status, result.error, result.outcome, result.outcome, ms(result.at), result.outcome, ms(result.nextAttemptAt ?? result.at), id],
        ),
      );
    },

    async list(options = {}) {
      const params: unknown[] = [];
      let where = 'TRUE';
      if (options.status !== undefined) {
        where = 'status = ?';
        params.push(options.status);
      }
      const limit = options.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.trunc(options.limit))}`;
      return (await rows(reader, `SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries WHERE ${where} ORDER BY created_at DESC, id DESC${limit}`, params)).map(deliveryFromRow);
    },
  };
}
