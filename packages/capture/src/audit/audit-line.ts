/**
 * One line of MariaDB's `server_audit` file output, split into its fields
 * (`timestamp,serverhost,username,host,connectionid,queryid,operation,database,object,retcode`).
 */
export interface AuditLine {
  /** `YYYYMMDD HH:MM:SS` in the server's local time zone, one-second resolution. */
  timestamp: string;
  serverHost: string;
  username: string;
  /** Client host (an IP with `--skip-name-resolve`, `localhost` for the socket). */
  host: string;
  connectionId: number;
  /** Server-wide statement counter; 0 on CONNECT/DISCONNECT. */
  queryId: number;
  /** CONNECT, FAILED_CONNECT, DISCONNECT, CHANGEUSER, QUERY, READ, WRITE, CREATE, ALTER, DROP, RENAME… */
  operation: string;
  database: string;
  /** QUERY: the statement, unescaped; table events: the table (RENAME: `old|db.new`). */
  object: string;
  /** MySQL error number; null on table events (the plugin leaves it empty). */
  retcode: number | null;
}

/** Operations the plugin writes for a table access of a statement (DAS `AUX` events). */
export const TABLE_OPERATIONS: ReadonlySet<string> = new Set(['READ', 'WRITE', 'CREATE', 'ALTER', 'DROP', 'RENAME']);

const TIMESTAMP = /^\d{8} \d{2}:\d{2}:\d{2}$/;
const UNSIGNED = /^\d+$/;

/** Why a line could not be read as an audit event. */
export type AuditLineProblem = 'TOO_FEW_FIELDS' | 'BAD_TIMESTAMP' | 'BAD_ID' | 'BAD_RETCODE';

export type ParseResult = { ok: true; line: AuditLine } | { ok: false; reason: AuditLineProblem };

/**
 * Parses one audit line (without its newline). The statement may contain commas, so the first
 * eight fields are split from the left and the return code from the right; what lies between
 * is the object.
 */
export function parseAuditLine(text: string): ParseResult {
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < 8; i++) {
    const comma = text.indexOf(',', start);
    if (comma < 0) return { ok: false, reason: 'TOO_FEW_FIELDS' };
    fields.push(text.slice(start, comma));
    start = comma + 1;
  }
  const lastComma = text.lastIndexOf(',');
  if (lastComma < start) return { ok: false, reason: 'TOO_FEW_FIELDS' };
  const [timestamp, serverHost, username, host, connection, query, operation, database] = fields as [
    string, string, string, string, string, string, string, string,
  ];
  if (!TIMESTAMP.test(timestamp)) return { ok: false, reason: 'BAD_TIMESTAMP' };
  if (!UNSIGNED.test(connection) || !UNSIGNED.test(query)) return { ok: false, reason: 'BAD_ID' };
  const retcodeText = text.slice(lastComma + 1);
  if (retcodeText !== '' && !/^-?\d+$/.test(retcodeText)) return { ok: false, reason: 'BAD_RETCODE' };
  const rawObject = text.slice(start, lastComma);
  return {
    ok: true,
    line: {
      timestamp,
      serverHost,
      username,
      host,
      connectionId: Number(connection),
      queryId: Number(query),
      operation,
      database,
      object: isQuoted(rawObject) ? unescapeStatement(rawObject.slice(1, -1)) : rawObject,
      retcode: retcodeText === '' ? null : Number(retcodeText),
    },
  };
}

function isQuoted(raw: string): boolean {
  return raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'");
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'" };

/**
 * Undoes the plugin's escaping of a quoted statement: `\n`, `\t`, `\r`, `\\` and `\'`. Any other
 * backslash pair is kept as written (the plugin never produces one).
 */
export function unescapeStatement(escaped: string): string {
  if (!escaped.includes('\\')) return escaped;
  let out = '';
  let from = 0;
  for (let i = escaped.indexOf('\\'); i >= 0 && i < escaped.length - 1; i = escaped.indexOf('\\', from)) {
    const replacement = ESCAPES[escaped[i + 1] as string];
    out += escaped.slice(from, i) + (replacement ?? escaped.slice(i, i + 2));
    from = i + 2;
  }
  return out + escaped.slice(from);
}

/** The plugin's escaping, for tests and for writing audit lines in benchmarks. */
export function escapeStatement(statement: string): string {
  return statement.replace(/[\\'\n\t\r]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\${c}`));
}

/** Formats an audit line the way the plugin writes it (used by tests and the benchmark). */
export function formatAuditLine(line: AuditLine): string {
  const object = line.operation === 'QUERY' ? `'${escapeStatement(line.object)}'` : line.object;
  return [
    line.timestamp,
    line.serverHost,
    line.username,
    line.host,
    line.connectionId,
    line.queryId,
    line.operation,
    line.database,
    object,
    line.retcode ?? '',
  ].join(',');
}
