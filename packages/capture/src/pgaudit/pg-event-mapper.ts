import { AuroraPostgresEvent, type AuroraPostgresEventFields } from '@das/core';
import { parsePgauditMessage } from './pgaudit-message.js';

/** The fields of a PostgreSQL 15 `jsonlog` line that the mapper reads. */
export interface JsonlogEntry {
  timestamp: string;
  user?: string;
  dbname?: string;
  pid?: number;
  remote_host?: string;
  remote_port?: number;
  session_id?: string;
  error_severity?: string;
  state_code?: string;
  message?: string;
  statement?: string;
  application_name?: string;
  backend_type?: string;
}

/** What the mapper needs from the capture around it. */
export interface PgEventMapperContext {
  /** The instance, the events' `serverHost`. */
  serverHost: string;
  serverVersion: string;
  /** Sessions of the emulator itself, by backend pid: attributed to `rdsadmin`, as Aurora's own. */
  isOwnSession(pid: number): boolean;
}

/** What the mapper remembers between lines, saved with the capture's position. */
export interface PgEventMapperSnapshot {
  lastStatement: [number, number][];
  applications: [number, string][];
}

export const PG_SERVICE_NAME = 'Amazon Aurora PostgreSQL-Compatible edition';
const SERVICE_NAME = PG_SERVICE_NAME;
const HOUSEKEEPING_USER = 'rdsadmin';
/**
 * pgaudit logs statements whole; a record must fit Kinesis's 1 MiB even when the text does not
 * compress, so statement text is cut here (the MariaDB plugin cuts at 1 KiB by default) and each
 * bound parameter at a tenth of it. A cut text ends with `…`.
 */
export const MAX_STATEMENT_CHARS = 100_000;
const MAX_PARAMETER_CHARS = 10_000;
const MAX_PARAMETERS = 1_000;

/** Text cut to `max` characters, marked with `…` when it was longer. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Aurora redacts passwords "when detectable": the quoted literal after PASSWORD (CREATE/ALTER
 * ROLE/USER, including the `ENCRYPTED PASSWORD` form) becomes `'*****'`.
 */
export function redactPasswords(statement: string): string {
  return statement.replace(/(\bPASSWORD\s+)(E'(?:[^'\\]|''|\\.)*'|'(?:[^']|'')*'|\$([A-Za-z_]*)\$[\s\S]*?\$\3\$)/gi, "$1'*****'");
}

/** The text a DAS record carries for a statement: passwords redacted, then cut to size. */
function statementText(statement: string): string {
  return cut(redactPasswords(statement), MAX_STATEMENT_CHARS);
}

const AUTH_FAILURE_CODES = new Set(['28P01', '28000']);

/** `2026-12-06 14:35:42.214 UTC` (jsonlog, milliseconds) as a DAS time `…42.214000+00`. */
export function jsonlogTimeToDas(timestamp: string): string | null {
  const match = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))? UTC$/.exec(timestamp);
  if (match === null) return null;
  return `${match[1]}.${(match[2] ?? '').padEnd(6, '0')}+00`;
}

/** Parses one line of the server's jsonlog file; null for a line that is not a JSON object. */
export function parseJsonlogLine(line: string): JsonlogEntry | null {
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === 'object' && value !== null && typeof (value as JsonlogEntry).timestamp === 'string' ? (value as JsonlogEntry) : null;
  } catch {
    return null;
  }
}

/** The pgaudit class of a statement that failed before pgaudit saw it, from its first keyword. */
function classOfStatement(command: string): string {
  if (/^(SELECT|WITH|TABLE|VALUES|COPY TO)\b/.test(command)) return 'READ';
  if (/^(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|COPY)\b/.test(command)) return 'WRITE';
  if (/^(CREATE|ALTER|DROP|COMMENT|REINDEX)\b/.test(command)) return command.includes('ROLE') || command.includes('USER') ? 'ROLE' : 'DDL';
  if (/^(GRANT|REVOKE)\b/.test(command)) return 'ROLE';
  if (/^(CALL|DO)\b/.test(command)) return 'FUNCTION';
  return 'MISC';
}

/** The command tag of a statement text: its first keyword, two for CREATE/ALTER/DROP. */
function commandOfStatement(statement: string): string {
  const words = statement.trim().split(/\s+/, 3).map((w) => w.toUpperCase().replace(/[^A-Z_]/g, ''));
  const [first = '', second = ''] = words;
  return ['CREATE', 'ALTER', 'DROP'].includes(first) && second !== '' ? `${first} ${second}` : first;
}

/**
 * Turns the server's log into DAS Aurora PostgreSQL events (contract 1.1): pgaudit's session
 * lines become records with its class, command, object, statement and substatement ids; a
 * statement that failed before pgaudit logged it (a parse or permission error) becomes a record
 * from the ERROR line with its SQLSTATE; `connection authorized`, `disconnection` and failed
 * authentication become CONNECT, DISCONNECT and AUTH FAILURE (class MISC). pgaudit logs at the
 * start of execution, so the line's time is the statement's `startTime` and its `logTime`.
 */
export class PgEventMapper {
  readonly #context: PgEventMapperContext;
  /** The last pgaudit statement id per session, for failed statements that get none. */
  readonly #lastStatement = new Map<number, number>();
  /** application_name per backend, as `connection authorized` gives it before any statement. */
  readonly #applications = new Map<number, string>();

  constructor(context: PgEventMapperContext, snapshot?: PgEventMapperSnapshot) {
    this.#context = context;
    for (const [pid, id] of snapshot?.lastStatement ?? []) this.#lastStatement.set(pid, id);
    for (const [pid, name] of snapshot?.applications ?? []) this.#applications.set(pid, name);
  }

  snapshot(): PgEventMapperSnapshot {
    return { lastStatement: [...this.#lastStatement], applications: [...this.#applications] };
  }

  map(entry: JsonlogEntry): AuroraPostgresEvent | null {
    const time = jsonlogTimeToDas(entry.timestamp);
    const pid = entry.pid;
    if (time === null || pid === undefined || entry.backend_type !== 'client backend' || entry.message === undefined) return null;
    const severity = entry.error_severity ?? 'LOG';
    const audit = severity === 'LOG' ? parsePgauditMessage(entry.message) : null;
    if (audit !== null) {
      this.#lastStatement.set(pid, audit.statementId);
      return this.#event(entry, pid, time, {
        class: audit.className,
        command: audit.command,
        commandText: statementText(audit.statement),
        objectType: audit.objectType === '' ? null : audit.objectType,
        objectName: audit.objectName === '' ? null : audit.objectName,
        paramList: audit.parameters.slice(0, MAX_PARAMETERS).map((p) => cut(p, MAX_PARAMETER_CHARS)),
        statementId: audit.statementId,
        substatementId: audit.substatementId,
        exitCode: null,
        errorMessage: null,
      });
    }
    if (severity === 'LOG' && entry.message.startsWith('connection authorized: ')) {
      const application = /application_name=(\S+)/.exec(entry.message)?.[1];
      if (application !== undefined) this.#applications.set(pid, application);
      return this.#session(entry, pid, time, 'CONNECT');
    }
    if (severity === 'LOG' && entry.message.startsWith('disconnection: ')) {
      const event = this.#session(entry, pid, time, 'DISCONNECT');
      this.#lastStatement.delete(pid);
      this.#applications.delete(pid);
      return event;
    }
    if (severity === 'FATAL' && AUTH_FAILURE_CODES.has(entry.state_code ?? '')) {
      return this.#event(entry, pid, time, { ...sessionFields('AUTH FAILURE'), exitCode: entry.state_code ?? null, errorMessage: entry.message });
    }
    if ((severity === 'ERROR' || severity === 'FATAL') && entry.statement !== undefined) {
      const command = commandOfStatement(entry.statement);
      return this.#event(entry, pid, time, {
        class: classOfStatement(command),
        command,
        commandText: statementText(entry.statement),
        objectType: null,
        objectName: null,
        paramList: [],
        // pgaudit gave it no id: the one it would have taken next.
        statementId: (this.#lastStatement.get(pid) ?? 0) + 1,
        substatementId: 1,
        exitCode: entry.state_code ?? null,
        errorMessage: entry.message,
      });
    }
    return null;
  }

  #session(entry: JsonlogEntry, pid: number, time: string, command: 'CONNECT' | 'DISCONNECT'): AuroraPostgresEvent {
    return this.#event(entry, pid, time, { ...sessionFields(command), exitCode: null, errorMessage: null });
  }

  #event(entry: JsonlogEntry, pid: number, time: string, fields: StatementFields): AuroraPostgresEvent {
    const own = this.#context.isOwnSession(pid);
    return new AuroraPostgresEvent({
      startTime: time,
      logTime: time,
      class: fields.class,
      command: fields.command,
      commandText: fields.commandText,
      objectType: fields.objectType,
      objectName: fields.objectName,
      paramList: fields.paramList,
      statementId: fields.statementId,
      substatementId: fields.substatementId,
      exitCode: fields.exitCode,
      errorMessage: fields.errorMessage,
      databaseName: entry.dbname ?? '',
      dbUserName: own ? HOUSEKEEPING_USER : (entry.user ?? ''),
      remoteHost: entry.remote_host ?? null,
      remotePort: entry.remote_port === undefined ? null : String(entry.remote_port),
      sessionId: entry.session_id ?? '',
      rowCount: null,
      pid,
      clientApplication: entry.application_name ?? this.#applications.get(pid) ?? null,
      serverVersion: this.#context.serverVersion,
      serverType: 'PostgreSQL',
      serviceName: SERVICE_NAME,
      serverHost: this.#context.serverHost,
      netProtocol: 'TCP',
      dbProtocol: 'Postgres 3.0',
    });
  }
}

/** The fields that come from the log line's statement (or session event); the rest are the session's. */
type StatementFields = Pick<
  AuroraPostgresEventFields,
  'class' | 'command' | 'commandText' | 'objectType' | 'objectName' | 'paramList' | 'statementId' | 'substatementId' | 'exitCode' | 'errorMessage'
>;

function sessionFields(command: string): Omit<StatementFields, 'exitCode' | 'errorMessage'> {
  return { class: 'MISC', command, commandText: null, objectType: null, objectName: null, paramList: [], statementId: 0, substatementId: 0 };
}
