import { AuroraMysqlEvent } from '@das/core';
import { TABLE_OPERATIONS, type AuditLine } from './audit-line.js';
import { errorMessageFor } from './error-messages.js';
import { formatDasTime } from '../das-time.js';

/** What the mapper needs from the capture around it. */
export interface EventMapperContext {
  /** The instance identifier, the events' `serverHost`. */
  serverHost: string;
  serverVersion: string;
  includeEngineNativeAuditFields: boolean;
  /** The client port of a live session, `""` when unknown. */
  remotePortOf(connectionId: number): string;
}

/** A table access waiting for its statement's QUERY line (the plugin writes it first). */
interface PendingTableAccess {
  line: AuditLine;
  timeUs: number;
}

/**
 * The mapper's state between lines, JSON-safe. It is saved with the tail position so a restart
 * resumes a statement whose table lines were read but whose QUERY line was not.
 */
export interface EventMapperSnapshot {
  pending: { connectionId: number; accesses: PendingTableAccess[] }[];
}

/** MariaDB engine tables it reads and writes on its own during other statements. */
const ENGINE_INTERNAL_TABLES: ReadonlyMap<string, RegExp> = new Map([
  ['table_stats', /\btable_stats\b/i],
  ['column_stats', /\bcolumn_stats\b/i],
  ['index_stats', /\bindex_stats\b/i],
  ['proc', /\bproc\b/i],
  ['event', /\bevent\b/i],
]);

/** What a table line returns while its statement is pending: shared, nothing to allocate. */
const NO_EVENTS: readonly AuroraMysqlEvent[] = Object.freeze([]);

/** The user Aurora shows for its own housekeeping sessions. */
export const HOUSEKEEPING_USER = 'rdsadmin';

/**
 * Turns audit lines into DAS Aurora MySQL events. Session lines (CONNECT, DISCONNECT,
 * FAILED_CONNECT, CHANGEUSER) and QUERY lines become `MAIN` events; the table lines the plugin
 * writes before a QUERY line are held per session and come out with it as `AUX` events of the
 * same statement (same `statementId`, `substatementId` 2), in audit order, before their MAIN.
 */
export class EventMapper {
  readonly #context: EventMapperContext;
  readonly #pending = new Map<number, PendingTableAccess[]>();
  readonly #ownSessions = new Set<number>();

  constructor(context: EventMapperContext, snapshot?: EventMapperSnapshot) {
    this.#context = context;
    for (const { connectionId, accesses } of snapshot?.pending ?? []) this.#pending.set(connectionId, accesses);
    // Own sessions are not restored: after a restart the server may hand their ids to clients.
  }

  /** Reports a session of the emulator itself: its activity is attributed to `rdsadmin`. */
  markOwnSession(connectionId: number): void {
    this.#ownSessions.add(connectionId);
  }

  isOwnSession(connectionId: number): boolean {
    return this.#ownSessions.has(connectionId);
  }

  /** Maps one line read at `timeUs`; returns the events it completes, in stream order. */
  push(line: AuditLine, timeUs: number): readonly AuroraMysqlEvent[] {
    const id = line.connectionId;
    const held = this.#pending.get(id);
    if (TABLE_OPERATIONS.has(line.operation)) {
      if (held !== undefined && held[0]?.line.queryId === line.queryId) {
        held.push({ line, timeUs });
        return NO_EVENTS;
      }
      this.#pending.set(id, [{ line, timeUs }]);
      return held === undefined ? NO_EVENTS : this.#orphans(held);
    }
    const events: AuroraMysqlEvent[] = [];
    let accesses: PendingTableAccess[] = [];
    if (held !== undefined) {
      this.#pending.delete(id);
      if (line.operation === 'QUERY' && held[0]?.line.queryId === line.queryId) accesses = held;
      else events.push(...this.#orphans(held));
    }
    const startUs = accesses[0]?.timeUs ?? timeUs;
    const statement = line.operation === 'QUERY' ? line.object : '';
    let firstAux: AuroraMysqlEvent | undefined;
    for (const access of accesses) {
      if (isEngineInternal(access.line, statement)) continue;
      const aux = this.#auxEvent(access, line.database, startUs);
      firstAux ??= aux;
      events.push(aux);
    }
    events.push(this.#mainEvent(line, timeUs, startUs, firstAux?.objectName ?? ''));
    if (line.operation === 'DISCONNECT') this.#ownSessions.delete(id);
    return events;
  }

  /** Table lines whose QUERY line never came (another statement or session line followed). */
  #orphans(held: PendingTableAccess[]): AuroraMysqlEvent[] {
    const first = held[0];
    if (first === undefined) return [];
    return held
      .filter((access) => !isEngineInternal(access.line, ''))
      .map((access) => this.#auxEvent(access, first.line.database, first.timeUs));
  }

  /** The state to save with the tail position. */
  snapshot(): EventMapperSnapshot {
    return { pending: [...this.#pending].map(([connectionId, accesses]) => ({ connectionId, accesses: [...accesses] })) };
  }

  #auxEvent(access: PendingTableAccess, sessionDatabase: string, startUs: number): AuroraMysqlEvent {
    const { line, timeUs } = access;
    const table = line.operation === 'RENAME' ? (line.object.split('|')[0] ?? line.object) : line.object;
    const objectName = line.database === '' || line.database === sessionDatabase ? table : `${line.database}.${table}`;
    return this.#event(line, {
      class: 'AUX',
      command: line.operation,
      commandText: line.object,
      databaseName: sessionDatabase,
      objectName,
      substatementId: 2,
      exitCode: '',
      errorMessage: '',
      startUs,
      endUs: timeUs,
    });
  }

  #mainEvent(line: AuditLine, timeUs: number, startUs: number, objectName: string): AuroraMysqlEvent {
    const errno = line.retcode ?? 0;
    const isQuery = line.operation === 'QUERY';
    return this.#event(line, {
      class: 'MAIN',
      command: line.operation,
      commandText: isQuery ? line.object : '',
      databaseName: line.database,
      objectName,
      substatementId: 1,
      exitCode: String(errno),
      errorMessage:
        errno === 0
          ? ''
          : errorMessageFor(errno, { user: line.username, host: line.host, database: line.database, ...(isQuery ? { statement: line.object } : {}) }),
      startUs,
      endUs: timeUs,
    });
  }

  #event(
    line: AuditLine,
    parts: {
      class: 'MAIN' | 'AUX';
      command: string;
      commandText: string;
      databaseName: string;
      objectName: string;
      substatementId: number;
      exitCode: string;
      errorMessage: string;
      startUs: number;
      endUs: number;
    },
  ): AuroraMysqlEvent {
    const context = this.#context;
    const endTime = formatDasTime(parts.endUs);
    return new AuroraMysqlEvent({
      class: parts.class,
      clientApplication: null,
      command: parts.command,
      commandText: parts.commandText,
      databaseName: parts.databaseName,
      dbProtocol: 'MySQL',
      dbUserName: this.#ownSessions.has(line.connectionId) ? HOUSEKEEPING_USER : line.username,
      endTime,
      errorMessage: parts.errorMessage,
      exitCode: parts.exitCode,
      logTime: endTime,
      netProtocol: 'TCP',
      objectName: parts.objectName,
      objectType: 'TABLE',
      paramList: null,
      pid: line.connectionId,
      remoteHost: line.host,
      remotePort: context.remotePortOf(line.connectionId),
      rowCount: 0,
      serverHost: context.serverHost,
      serverType: 'MySQL',
      serverVersion: context.serverVersion,
      serviceName: 'Amazon Aurora MySQL',
      sessionId: String(line.connectionId),
      startTime: parts.startUs === parts.endUs ? endTime : formatDasTime(parts.startUs),
      statementId: line.queryId,
      substatementId: parts.substatementId,
      transactionId: '0',
      engineNativeAuditFields: context.includeEngineNativeAuditFields ? nativeFields(line) : undefined,
    });
  }
}

/** An engine table touched by the server itself, not named by the statement. */
function isEngineInternal(line: AuditLine, statement: string): boolean {
  if (line.database !== 'mysql') return false;
  const mention = ENGINE_INTERNAL_TABLES.get(line.object);
  return mention !== undefined && !mention.test(statement);
}

function nativeFields(line: AuditLine): Record<string, string> {
  return {
    timestamp: line.timestamp,
    serverhost: line.serverHost,
    username: line.username,
    host: line.host,
    connectionid: String(line.connectionId),
    queryid: String(line.queryId),
    operation: line.operation,
    database: line.database,
    object: line.object,
    retcode: line.retcode === null ? '' : String(line.retcode),
  };
}
