// Aurora MySQL events as the local MariaDB capture produces them (packages/capture's event
// mapper: server_audit lines → DAS MAIN/AUX events), for the alert rule tests.
import type { MysqlActivityEvent } from '../schemas/events.js';
import { buildMysqlEvent, buildPayload } from '../fixtures/index.js';
import { normaliseEvents } from '../normalise.js';
import type { RuleEvent } from './rule-event.js';

const BASE_MS = Date.parse('2026-11-25T02:23:25Z');

/** A DAS timestamp `seconds` after 2026-11-25 02:23:25 UTC (a Wednesday). */
export function dasTime(seconds: number, base = BASE_MS): string {
  const iso = new Date(base + Math.round(seconds * 1000)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000+00`;
}

interface Session {
  user: string;
  host: string;
  database?: string;
  connectionId?: number;
}

/** A refused login (MariaDB FAILED_CONNECT, errno 1045). */
export function failedLogin(session: Session, seconds: number): MysqlActivityEvent {
  return buildMysqlEvent({
    logTime: dasTime(seconds),
    startTime: dasTime(seconds),
    endTime: dasTime(seconds),
    dbUserName: session.user,
    remoteHost: session.host,
    databaseName: '',
    command: 'FAILED_CONNECT',
    commandText: '',
    objectName: '',
    exitCode: '1045',
    errorMessage: `Access denied for user '${session.user}'@'${session.host}' (using password: YES)`,
    rowCount: 0,
    pid: session.connectionId ?? 5,
    sessionId: String(session.connectionId ?? 5),
    statementId: 0,
  });
}

export function login(session: Session, seconds: number): MysqlActivityEvent {
  return buildMysqlEvent({
    logTime: dasTime(seconds),
    startTime: dasTime(seconds),
    endTime: dasTime(seconds),
    dbUserName: session.user,
    remoteHost: session.host,
    databaseName: session.database ?? '',
    command: 'CONNECT',
    commandText: '',
    objectName: '',
    rowCount: 0,
    pid: session.connectionId ?? 7,
    sessionId: String(session.connectionId ?? 7),
    statementId: 0,
  });
}

/**
 * A statement: its AUX events (one per table access, logged first) and its MAIN `QUERY`, the
 * text escaped the way Aurora MySQL sends it (`\'`).
 */
export function statement(
  session: Session,
  seconds: number,
  sql: string,
  options: { aux?: [access: string, object: string][]; rows?: number; exitCode?: string; statementId?: number } = {},
): MysqlActivityEvent[] {
  const common = {
    logTime: dasTime(seconds),
    startTime: dasTime(seconds),
    endTime: dasTime(seconds),
    dbUserName: session.user,
    remoteHost: session.host,
    databaseName: session.database ?? 'probe_db',
    pid: session.connectionId ?? 7,
    sessionId: String(session.connectionId ?? 7),
    statementId: options.statementId ?? 11,
  };
  const aux = (options.aux ?? []).map(([access, object]) =>
    buildMysqlEvent({ ...common, class: 'AUX', command: access, commandText: object, objectName: object, substatementId: 2, exitCode: '', rowCount: 0 }),
  );
  const exitCode = options.exitCode ?? '0';
  const main = buildMysqlEvent({
    ...common,
    command: 'QUERY',
    commandText: sql.replace(/\\/g, '\\\\').replace(/'/g, "\\'"),
    objectName: aux[0]?.objectName ?? '',
    rowCount: options.rows ?? 0,
    exitCode,
    errorMessage: exitCode === '0' ? '' : 'error',
  });
  return [...aux, main];
}

let nextId = 1;

/** Normalises raw events and numbers them as a store would. */
export function stored(raw: readonly (MysqlActivityEvent | MysqlActivityEvent[])[]): RuleEvent[] {
  return normaliseEvents(buildPayload(raw.flat())).map((event) => ({ ...event, id: nextId++ }));
}
