import type { Delivery, DeliveryStatus } from '@das/alerts-delivery';

// The `alert_deliveries` rows both stores keep for @das/alerts-delivery's DeliveryStore port.

export const DELIVERY_COLUMNS =
  'id, alert_id, endpoint_id, body, status, attempts, created_at, next_attempt_at, last_attempt_at, last_status, last_error, delivered_at';

type Row = Record<string, unknown>;
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function deliveryFromRow(row: Row): Delivery {
  return {
    id: String(row.id),
    alertId: String(row.alert_id),
    endpointId: String(row.endpoint_id),
    body: String(row.body),
    status: String(row.status) as DeliveryStatus,
    attempts: Number(row.attempts),
    createdAt: Number(row.created_at),
    nextAttemptAt: Number(row.next_attempt_at),
    lastAttemptAt: numOrNull(row.last_attempt_at),
    lastStatus: numOrNull(row.last_status),
    lastError: row.last_error === null || row.last_error === undefined ? null : String(row.last_error),
    deliveredAt: numOrNull(row.delivered_at),
  };
}
