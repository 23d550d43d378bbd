import type { DasEngine } from './engine.js';

/**
 * One activity event in the engine-neutral shape every DAS Toolkit part works with (store, live
 * view, filters). Empty strings in the source become null; `raw` keeps the event as received.
 */
export interface ActivityEvent {
  engine: DasEngine;
  kind: 'record' | 'heartbeat';
  /** ISO 8601 UTC with microseconds, from `logTime`: `2020-07-06T20:43:51.636563Z`. */
  time: string;
  /** Epoch milliseconds of `time`, for ranges and sorting. */
  timeMs: number;
  clusterId: string;
  instanceId: string;
  user: string | null;
  database: string | null;
  command: string | null;
  /** `class`: MAIN/AUX on MySQL, READ/WRITE/DDL/… on PostgreSQL. */
  eventClass: string | null;
  objectType: string | null;
  objectName: string | null;
  /** `commandText`: SQL (MySQL escapes quotes as `\'`), or object info on MySQL AUX events. */
  text: string | null;
  exitCode: number | null;
  /** A non-zero exit code, an error message or a failed login. */
  failed: boolean;
  errorMessage: string | null;
  remoteHost: string | null;
  remotePort: string | null;
  sessionId: string | null;
  pid: number | null;
  statementId: number | null;
  substatementId: number | null;
  rowCount: number | null;
  clientApplication: string | null;
  /** The event exactly as received, unknown fields included. */
  raw: Record<string, unknown>;
}
