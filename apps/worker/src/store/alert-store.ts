import type { AlertCandidate } from '@das/core';
import type { Alert, AlertStatus } from '@das/contracts';
import { CursorError } from './event-store.js';

// The alerts side of a store: alerts raised by the rule engine (one row per incident, keyed by
// the candidate's deterministic id) and a small key → JSON table for the engine's state. Both
// stores implement it with the same columns; the row mapping and cursors live here.

export interface AlertQuery {
  status?: AlertStatus | undefined;
  severity?: string | undefined;
  ruleId?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** What acknowledging or resolving an alert records. */
export interface AlertAction {
  status: 'acknowledged' | 'resolved';
  by: string;
  atMs?: number;
}

export interface AlertStore {
  /**
   * Stores the alerts whose id is not there yet (`ON CONFLICT DO NOTHING`): the same incident
   * raised again (a replay after a restart, another worker of the fleet) is stored once.
   * Returns the alerts stored by this call, in the order given.
   */
  insert(candidates: readonly AlertCandidate[], nowMs?: number): Promise<Alert[]>;
  /** Newest first (by the time stored). */
  list(query: AlertQuery): Promise<{ alerts: Alert[]; next: string | null }>;
  get(id: string): Promise<Alert | null>;
  /**
   * Acknowledges an open alert or resolves an open or acknowledged one; anything else leaves it
   * as it is. Returns the alert as it now is, null when there is none with this id.
   */
  update(id: string, action: AlertAction): Promise<Alert | null>;
  /** A value saved under `key` (the rule engine's state), or null. */
  readState(key: string): Promise<unknown>;
  writeState(key: string, value: unknown): Promise<void>;
}

export const ALERT_COLUMNS =
  'id, rule_id, kind, severity, title, group_key, group_json, event_ids, event_count, value, window_start, first_time, last_time, ' +
  'created_at, created_us, status, acknowledged_by, acknowledged_at, resolved_by, resolved_at';

type Row = Record<string, unknown>;
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function alertFromRow(row: Row): Alert {
  return {
    id: String(row.id),
    ruleId: String(row.rule_id),
    kind: String(row.kind),
    severity: String(row.severity) as Alert['severity'],
    title: String(row.title),
    groupKey: String(row.group_key),
    group: JSON.parse(String(row.group_json)) as Alert['group'],
    eventIds: JSON.parse(String(row.event_ids)) as number[],
    eventCount: Number(row.event_count),
    value: row.value === null || row.value === undefined ? null : Number(row.value),
    windowStart: String(row.window_start),
    firstTime: String(row.first_time),
    lastTime: String(row.last_time),
    createdAt: String(row.created_at),
    status: String(row.status) as AlertStatus,
    acknowledgedBy: str(row.acknowledged_by),
    acknowledgedAt: str(row.acknowledged_at),
    resolvedBy: str(row.resolved_by),
    resolvedAt: str(row.resolved_at),
  };
}

/** The values of one new alert row, in {@link ALERT_COLUMNS} order. */
export function alertRowValues(candidate: AlertCandidate, nowMs: number): (string | number | null)[] {
  return [
    candidate.id,
    candidate.ruleId,
    candidate.kind,
    candidate.severity,
    candidate.title,
    candidate.groupKey,
    JSON.stringify(candidate.group),
    // Store ids are numbers; the engine carries them as it got them.
    JSON.stringify(candidate.eventIds.map(Number)),
    candidate.eventCount,
    candidate.value ?? null,
    candidate.windowStart,
    candidate.firstTime,
    candidate.lastTime,
    new Date(nowMs).toISOString(),
    nowMs * 1000,
    'open',
    null,
    null,
    null,
    null,
  ];
}

/** A page cursor: the last alert's stored time (µs) and id. */
export function encodeAlertCursor(alert: Alert): string {
  return Buffer.from(`${Date.parse(alert.createdAt) * 1000}:${alert.id}`).toString('base64url');
}

export function decodeAlertCursor(cursor: string): { createdUs: bigint; id: string } {
  const match = /^(\d{1,19}):([0-9a-f]{16})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null) throw new CursorError();
  return { createdUs: BigInt(match[1] as string), id: match[2] as string };
}

/** Which statuses an action moves from. */
export const ACTION_FROM: Record<AlertAction['status'], readonly AlertStatus[]> = {
  acknowledged: ['open'],
  resolved: ['open', 'acknowledged'],
};
