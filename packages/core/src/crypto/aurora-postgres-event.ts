import type { PostgresActivityEvent } from '../schemas/events.js';
import { inQuotes, number, string, stringOrNull } from './json-text.js';

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
  /** `,"databaseName":…,"dbProtocol":…}` */
  readonly json: string;
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
    json:
      `,"databaseName":${string(event.databaseName)},"dbUserName":${string(event.dbUserName)},"remoteHost":${stringOrNull(event.remoteHost)}` +
      `,"remotePort":${stringOrNull(event.remotePort)},"sessionId":${string(event.sessionId)}` +
      `,"rowCount":${event.rowCount === null ? 'null' : number(event.rowCount)},"pid":${number(event.pid)}` +
      `,"clientApplication":${stringOrNull(event.clientApplication)},"serverVersion":${string(event.serverVersion)}` +
      `,"serverType":${string(event.serverType)},"serviceName":${string(event.serviceName)},"serverHost":${string(event.serverHost)}` +
      `,"netProtocol":${string(event.netProtocol)},"dbProtocol":${string(event.dbProtocol)}}`,
  };
}

/** A list of strings as JSON.stringify writes it. */
function stringList(values: readonly string[]): string {
  if (values.length === 0) return '[]';
  let json = `[${string(values[0] as string)}`;
  for (let i = 1; i < values.length; i++) json += `,${string(values[i] as string)}`;
  return `${json}]`;
}

/**
 * `JSON.stringify(event)`, faster: the session's fields are written once per session and reused,
 * and only the statement's own fields are escaped.
 */
export function auroraPostgresEventJson(event: AuroraPostgresEvent): string {
  let session = sessions.get(event.pid);
  if (session === undefined || !sameSession(session, event)) {
    if (sessions.size >= MAX_SESSIONS) sessions.clear();
    session = sessionJson(event);
    sessions.set(event.pid, session);
  }
  return (
    `{"type":"record","startTime":"${inQuotes(event.startTime)}","logTime":"${inQuotes(event.logTime)}","class":"${inQuotes(event.class)}` +
    `","command":"${inQuotes(event.command)}","commandText":${stringOrNull(event.commandText)},"objectType":${stringOrNull(event.objectType)}` +
    `,"objectName":${stringOrNull(event.objectName)},"paramList":${stringList(event.paramList)},"statementId":${number(event.statementId)}` +
    `,"substatementId":${number(event.substatementId)},"exitCode":${stringOrNull(event.exitCode)},"errorMessage":${stringOrNull(event.errorMessage)}` +
    session.json
  );
}
