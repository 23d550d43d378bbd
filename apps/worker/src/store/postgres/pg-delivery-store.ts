import type pg from 'pg';
import type { DeliveryStore } from '@das/alerts-delivery';
import { DELIVERY_COLUMNS, deliveryFromRow } from '../delivery-rows.js';
import { SCHEMA } from './pg-schema.js';

const DELIVERIES = `${SCHEMA}.alert_deliveries`;

/**
 * @das/alerts-delivery's {@link DeliveryStore} on the shared store: every worker of a fleet runs a
 * delivery loop; `due` leases rows with `FOR UPDATE SKIP LOCKED`, so no delivery is sent by two at once.
 */
export function createPgDeliveryStore(pool: pg.Pool): DeliveryStore {
  return {
    async enqueue(delivery) {
      const { rowCount } = await pool.query(
        `INSERT INTO ${DELIVERIES} (id, alert_id, endpoint_id, body, status, attempts, created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, $6) ON CONFLICT (id) DO NOTHING`,
        [delivery.id, delivery.alertId, delivery.endpointId, delivery.body, Math.trunc(delivery.createdAt), Math.trunc(delivery.nextAttemptAt)],
      );
      return (rowCount ?? 0) > 0;
    },

    async due(now, limit, leaseMs) {
      if (limit <= 0) return [];
      const { rows } = await pool.query(
        `UPDATE ${DELIVERIES} SET next_attempt_at = $3 WHERE id IN (
           SELECT id FROM ${DELIVERIES} WHERE status = 'pending' AND next_attempt_at <= $1
           ORDER BY next_attempt_at, created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING ${DELIVERY_COLUMNS}`,
        [Math.trunc(now), Math.trunc(limit), Math.trunc(now + leaseMs)],
      );
      return rows.map(deliveryFromRow).sort((a, b) => a.createdAt - b.createdAt);
    },

    async markAttempt(id, result) {
      await pool.query(
        `UPDATE ${DELIVERIES} SET attempts = attempts + 1, last_attempt_at = $2, last_status = $3, last_error = $4,
           status = CASE $5::text WHEN 'delivered' THEN 'delivered' WHEN 'dead' THEN 'dead' ELSE status END,
           delivered_at = CASE $5::text WHEN 'delivered' THEN $2 ELSE delivered_at END,
           next_attempt_at = CASE $5::text WHEN 'retry' THEN $6 ELSE next_attempt_at END
         WHERE id = $1`,
        [id, Math.trunc(result.at), result.status, result.error, result.outcome, Math.trunc(result.nextAttemptAt ?? result.at)],
      );
    },

    async list(options = {}) {
      const params: unknown[] = [];
      let sql = `SELECT ${DELIVERY_COLUMNS} FROM ${DELIVERIES}`;
      if (options.status !== undefined) {
        params.push(options.status);
        sql += ' WHERE status = $1';
      }
      sql += ' ORDER BY created_at DESC, id DESC';
      if (options.limit !== undefined) {
        params.push(Math.max(0, Math.trunc(options.limit)));
        sql += ` LIMIT $${params.length}`;
      }
      return (await pool.query(sql, params)).rows.map(deliveryFromRow);
    },
  };
}
