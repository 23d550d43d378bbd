import type { PostgresActivityEvent } from '../schemas/events.js';
import { bytesOf, jsonOf, textOf, type JsonBytes } from './json-bytes.js';

/** What a producer says about one Aurora PostgreSQL event; `type` is always `record`. */
export interface AuroraPostgresEventFields {
  startTime: string;
  logTime: string;
  class: string;
  command: string;
  commandText: string | null;
  objectType: string | null;
  objectName: string | null;
  paramList: string[];
  statementId: number;
  substatementId: number;
  exitCode: string | null;
  errorMessage: string | null;
  databaseName: string;
  dbUserName: string;
  remoteHost: string | null;
  remotePort: string | null;
  sessionId: string;
  rowCount: number | null;
  pid: number;
  clientApplication: string | null;
  serverVersion: string;
  serverType: string;
  serviceName: string;
  serverHost: string;
  netProtocol: string;
  dbProtocol: string;
}

/**
 * An Aurora PostgreSQL activity event as a producer makes it, its fields in a fixed order (the
 * statement's first, the session's after), so that {@link auroraPostgresEventJson} can write it
 * without `JSON.stringify` (the same text). Its fields are read-only.
 */
export class AuroraPostgresEvent implements PostgresActivityEvent {
  readonly [key: string]: unknown;
  readonly type = 'record' as const;
  readonly startTime: string;
  readonly logTime: string;
  readonly class: string;
  readonly command: string;
  readonly commandText: string | null;
  readonly objectType: string | null;
  readonly objectName: string | null;
  readonly paramList: string[];
  readonly statementId: number;
  readonly substatementId: number;
  readonly exitCode: string | null;
  readonly errorMessage: string | null;
  readonly databaseName: string;
  readonly dbUserName: string;
  readonly remoteHost: string | null;
  readonly remotePort: string | null;
  readonly sessionId: string;
  readonly rowCount: number | null;
  readonly pid: number;
  readonly clientApplication: string | null;
  readonly serverVersion: string;
  readonly serverType: string;
  readonly serviceName: string;
  readonly serverHost: string;
  readonly netProtocol: string;
  readonly dbProtocol: string;

  constructor(fields: AuroraPostgresEventFields) {
    this.startTime = fields.startTime;
    this.logTime = fields.logTime;
    this.class = fields.class;
    this.command = fields.command;
    this.commandText = fields.commandText;
    this.objectType = fields.objectType;
    this.objectName = fields.objectName;
    this.paramList = fields.paramList;
    this.statementId = fields.statementId;
    this.substatementId = fields.substatementId;
    this.exitCode = fields.exitCode;
    this.errorMessage = fields.errorMessage;
    this.databaseName = fields.databaseName;
    this.dbUserName = fields.dbUserName;
    this.remoteHost = fields.remoteHost;
    this.remotePort = fields.remotePort;
    this.sessionId = fields.sessionId;
    this.rowCount = fields.rowCount;
    this.pid = fields.pid;
    this.clientApplication = fields.clientApplication;
    this.serverVersion = fields.serverVersion;
    this.serverType = fields.serverType;
    this.serviceName = fields.serviceName;
    this.serverHost = fields.serverHost;
    this.netProtocol = fields.netProtocol;
    this.dbProtocol = fields.dbProtocol;
  }
}

/**
 * The JSON of a session's fields (everything after the statement's), written once a session.
 * The session's values are copied, not the event kept: an event holds its statement's text.
 */
interface SessionJson {
  readonly databaseName: string;
  readonly dbUserName: string;
  readonly remoteHost: string | null;
  readonly remotePort: string | null;
  readonly sessionId: string;
  readonly rowCount: number | null;
  readonly clientApplication: string | null;
  readonly serverVersion: string;
  readonly serverType: string;
  readonly serviceName: string;
  readonly serverHost: string;
  readonly netProtocol: string;
  readonly dbProtocol: string;
  /** `,"databaseName":…,"dbProtocol":…}` as UTF-8 */
  readonly json: Uint8Array;
}

/** Sessions of a busy server; past this the cache starts again (a session costs one rebuild). */
const MAX_SESSIONS = 4096;
const sessions = new Map<number, SessionJson>();

function sameSession(json: SessionJson, event: AuroraPostgresEvent): boolean {
  return (
    json.sessionId === event.sessionId &&
    json.dbUserName === event.dbUserName &&
    json.databaseName === event.databaseName &&
    json.remoteHost === event.remoteHost &&
    json.remotePort === event.remotePort &&
    json.clientApplication === event.clientApplication &&
    json.rowCount === event.rowCount &&
    json.serverVersion === event.serverVersion &&
    json.serverHost === event.serverHost &&
    json.serverType === event.serverType &&
    json.serviceName === event.serviceName &&
    json.netProtocol === event.netProtocol &&
    json.dbProtocol === event.dbProtocol
  );
}

function sessionJson(event: AuroraPostgresEvent): SessionJson {
  return {
    databaseName: event.databaseName,
    dbUserName: event.dbUserName,
    remoteHost: event.remoteHost,
    remotePort: event.remotePort,
    sessionId: event.sessionId,
    rowCount: event.rowCount,
    clientApplication: event.clientApplication,
    serverVersion: event.serverVersion,
    serverType: event.serverType,
    serviceName: event.serviceName,
    serverHost: event.serverHost,
    netProtocol: event.netProtocol,
    dbProtocol: event.dbProtocol,
    json: bytesOf(
      `,"databaseName":${jsonOf(event.databaseName)},"dbUserName":${jsonOf(event.dbUserName)},"remoteHost":${jsonOf(event.remoteHost)}` +
      `,"remotePort":${jsonOf(event.remotePort)},"sessionId":${jsonOf(event.sessionId)}` +
      `,"rowCount":${jsonOf(event.rowCount)},"pid":${jsonOf(event.pid)}` +
      `,"clientApplication":${jsonOf(event.clientApplication)},"serverVersion":${jsonOf(event.serverVersion)}` +
      `,"serverType":${jsonOf(event.serverType)},"serviceName":${jsonOf(event.serviceName)},"serverHost":${jsonOf(event.serverHost)}` +
      `,"netProtocol":${jsonOf(event.netProtocol)},"dbProtocol":${jsonOf(event.dbProtocol)}}`,
    ),
  };
}

const OPEN = bytesOf('{"type":"record","startTime":"');
const LOG_TIME = bytesOf('","logTime":"');
const CLASS = bytesOf('","class":"');
const COMMAND = bytesOf('","command":"');
const COMMAND_TEXT = bytesOf('","commandText":');
const OBJECT_TYPE = bytesOf(',"objectType":');
const OBJECT_NAME = bytesOf(',"objectName":');
const PARAM_LIST = bytesOf(',"paramList":[');
const STATEMENT_ID = bytesOf('],"statementId":');
const SUBSTATEMENT_ID = bytesOf(',"substatementId":');
const EXIT_CODE = bytesOf(',"exitCode":');
const ERROR_MESSAGE = bytesOf(',"errorMessage":');
const COMMA = bytesOf(',');

/**
 * Writes `JSON.stringify(event)` as UTF-8 into `out`, faster: the session's fields are written
 * once per session and copied, only the statement's own fields are escaped, and no string of the
 * event is made.
 */
export function writeAuroraPostgresEventJson(out: JsonBytes, event: AuroraPostgresEvent): void {
  let session = sessions.get(event.pid);
  if (session === undefined || !sameSession(session, event)) {
    if (sessions.size >= MAX_SESSIONS) sessions.clear();
    session = sessionJson(event);
    sessions.set(event.pid, session);
  }
  out.raw(OPEN);
  out.inQuotes(event.startTime);
  out.raw(LOG_TIME);
  out.inQuotes(event.logTime);
  out.raw(CLASS);
  out.inQuotes(event.class);
  out.raw(COMMAND);
  out.inQuotes(event.command);
  out.raw(COMMAND_TEXT);
  out.stringOrNull(event.commandText);
  out.raw(OBJECT_TYPE);
  out.stringOrNull(event.objectType);
  out.raw(OBJECT_NAME);
  out.stringOrNull(event.objectName);
  out.raw(PARAM_LIST);
  const params = event.paramList;
  for (let i = 0; i < params.length; i++) {
    if (i > 0) out.raw(COMMA);
    out.string(params[i] as string);
  }
  out.raw(STATEMENT_ID);
  out.number(event.statementId);
  out.raw(SUBSTATEMENT_ID);
  out.number(event.substatementId);
  out.raw(EXIT_CODE);
  out.stringOrNull(event.exitCode);
  out.raw(ERROR_MESSAGE);
  out.stringOrNull(event.errorMessage);
  out.raw(session.json);
}

/** `JSON.stringify(event)` by {@link writeAuroraPostgresEventJson} (for tests and single events). */
export function auroraPostgresEventJson(event: AuroraPostgresEvent): string {
  return textOf((out) => writeAuroraPostgresEventJson(out, event));
}
