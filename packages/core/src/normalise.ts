import type { ActivityEvent } from './activity-event.js';
import { detectEngine, hasEngineHint, type DasEngine } from './engine.js';
import type { DasPayload } from './schemas/payload.js';
import { canonicalTime, type CanonicalTime } from './time.js';

/** Commands that mean a login was refused even when no exit code says so. */
const FAILED_COMMANDS = new Set(['FAILED_CONNECT', 'AUTH FAILURE']);
/** PostgreSQL SQLSTATE for success; any other SQLSTATE in `exitCode` is a failure. */
const SQLSTATE_OK = '00000';

function text(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function integer(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return null;
}

interface ExitStatus {
  exitCode: number | null;
  /** A non-numeric status such as a SQLSTATE, which says failure unless it is `00000`. */
  failedStatus: boolean;
}

function exitStatus(value: unknown): ExitStatus {
  const exitCode = integer(value);
  if (exitCode !== null) return { exitCode, failedStatus: false };
  const status = typeof value === 'string' ? value.trim() : '';
  return { exitCode: null, failedStatus: status !== '' && status !== SQLSTATE_OK };
}

function eventTime(raw: Record<string, unknown>, fallback: CanonicalTime): CanonicalTime {
  for (const field of ['logTime', 'endTime', 'startTime']) {
    const value = raw[field];
    if (typeof value === 'string') {
      const parsed = canonicalTime(value);
      if (parsed !== null) return parsed;
    }
  }
  return fallback;
}

/** Options for {@link normaliseEvents}. */
export interface NormaliseOptions {
  /** Clock for heartbeats that carry no timestamp (default `Date.now`). */
  now?: () => number;
}

/**
 * Turns a decrypted payload into engine-neutral {@link ActivityEvent}s, in payload order.
 * Expects a payload that passed `validatePayload`; fields of unexpected types become null.
 * Heartbeats without engine fields take the engine of the payload's records.
 */
export function normaliseEvents(payload: DasPayload, options: NormaliseOptions = {}): ActivityEvent[] {
  const list = payload.databaseActivityEventList;
  const clusterId = typeof payload.clusterId === 'string' ? payload.clusterId : '';
  const instanceId = typeof payload.instanceId === 'string' ? payload.instanceId : '';
  let payloadEngine: DasEngine = 'other';
  for (const raw of list) {
    if (hasEngineHint(raw)) {
      payloadEngine = detectEngine(raw);
      break;
    }
  }
  let lastTime: CanonicalTime | undefined;
  const events: ActivityEvent[] = [];
  for (const raw of list) {
    const kind = raw.type === 'heartbeat' ? 'heartbeat' : 'record';
    const engine = hasEngineHint(raw) ? detectEngine(raw) : payloadEngine;
    const fallback = lastTime ?? fallbackTime(list, options);
    const time = eventTime(raw, fallback);
    lastTime = time;
    const { exitCode, failedStatus } = exitStatus(raw.exitCode);
    const errorMessage = text(raw.errorMessage);
    const command = text(raw.command);
    events.push({
      engine,
      kind,
      time: time.iso,
      timeMs: time.ms,
      clusterId,
      instanceId,
      user: text(raw.dbUserName),
      database: text(raw.databaseName),
      command,
      eventClass: text(raw.class),
      objectType: text(raw.objectType),
      objectName: text(raw.objectName),
      text: text(raw.commandText),
      exitCode,
      failed:
        (exitCode !== null && exitCode !== 0) ||
        failedStatus ||
        errorMessage !== null ||
        (command !== null && FAILED_COMMANDS.has(command.toUpperCase())),
      errorMessage,
      remoteHost: text(raw.remoteHost),
      remotePort: text(raw.remotePort),
      sessionId: text(raw.sessionId),
      pid: integer(raw.pid),
      statementId: integer(raw.statementId),
      substatementId: integer(raw.substatementId),
      rowCount: integer(raw.rowCount),
      clientApplication: text(raw.clientApplication),
      raw,
    });
  }
  return events;
}

// A heartbeat with no time of its own takes the first time in the payload, else the clock.
function fallbackTime(list: DasPayload['databaseActivityEventList'], options: NormaliseOptions): CanonicalTime {
  for (const raw of list) {
    const found = eventTime(raw, { iso: '', ms: Number.NaN });
    if (found.iso !== '') return found;
  }
  const ms = (options.now ?? Date.now)();
  return { iso: new Date(ms).toISOString().replace('Z', '000Z'), ms };
}
