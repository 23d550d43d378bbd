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

/**
 * The operations the plugin writes, most frequent first: a line's operation is one of these
 * strings, not a new one, so comparing and hashing it later (a set lookup per line, the JSON
 * writer's command pieces) is by identity and cached hash.
 */
const KNOWN_OPERATIONS: readonly string[] = ['QUERY', 'READ', 'WRITE', 'CONNECT', 'DISCONNECT', 'FAILED_CONNECT', 'CHANGEUSER', 'CREATE', 'ALTER', 'DROP', 'RENAME'];

function operationAt(text: string, from: number, to: number): string {
  const length = to - from;
  for (const known of KNOWN_OPERATIONS) if (known.length === length && text.startsWith(known, from)) return known;
  return text.slice(from, to);
}

/** Why a line could not be read as an audit event. */
export type AuditLineProblem = 'TOO_FEW_FIELDS' | 'BAD_TIMESTAMP' | 'BAD_ID' | 'BAD_RETCODE';

export type ParseResult = { ok: true; line: AuditLine } | { ok: false; reason: AuditLineProblem };

const SPACE = 32;
const COLON = 58;
const MINUS = 45;
const DIGIT_0 = 48;
const DIGIT_9 = 57;

function isDigitAt(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return c >= DIGIT_0 && c <= DIGIT_9;
}

/** `YYYYMMDD HH:MM:SS` (checked character by character: this runs for every line). */
function isTimestamp(text: string, from: number, to: number): boolean {
  if (to - from !== 17) return false;
  for (let i = 0; i < 17; i++) {
    const at = from + i;
    if (i === 8 ? text.charCodeAt(at) !== SPACE : i === 11 || i === 14 ? text.charCodeAt(at) !== COLON : !isDigitAt(text, at)) return false;
  }
  return true;
}

/** The unsigned decimal in `text[from, to)`, or -1 when it is none. */
function unsignedAt(text: string, from: number, to: number): number {
  if (to <= from) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    if (!isDigitAt(text, i)) return -1;
    value = value * 10 + (text.charCodeAt(i) - DIGIT_0);
  }
  // Up to 15 digits the sum is exact; longer ones are rounded as Number() rounds them.
  return to - from <= 15 ? value : Number(text.slice(from, to));
}

/**
 * Parses one audit line (without its newline). The statement may contain commas, so the first
 * eight fields are split from the left and the return code from the right; what lies between
 * is the object.
 */
export function parseAuditLine(text: string): ParseResult {
  // Field ends: the commas after timestamp, serverhost, username, host, connectionid, queryid, operation, database.
  const c1 = text.indexOf(',');
  const c2 = c1 < 0 ? -1 : text.indexOf(',', c1 + 1);
  const c3 = c2 < 0 ? -1 : text.indexOf(',', c2 + 1);
  const c4 = c3 < 0 ? -1 : text.indexOf(',', c3 + 1);
  const c5 = c4 < 0 ? -1 : text.indexOf(',', c4 + 1);
  const c6 = c5 < 0 ? -1 : text.indexOf(',', c5 + 1);
  const c7 = c6 < 0 ? -1 : text.indexOf(',', c6 + 1);
  const c8 = c7 < 0 ? -1 : text.indexOf(',', c7 + 1);
  if (c8 < 0) return { ok: false, reason: 'TOO_FEW_FIELDS' };
  const lastComma = text.lastIndexOf(',');
  // The return code is after the last comma, which must come after the database's.
  if (lastComma === c8) return { ok: false, reason: 'TOO_FEW_FIELDS' };
  if (!isTimestamp(text, 0, c1)) return { ok: false, reason: 'BAD_TIMESTAMP' };
  const connectionId = unsignedAt(text, c4 + 1, c5);
  const queryId = unsignedAt(text, c5 + 1, c6);
  if (connectionId < 0 || queryId < 0) return { ok: false, reason: 'BAD_ID' };
  let retcode: number | null = null;
  if (lastComma + 1 < text.length) {
    const negative = text.charCodeAt(lastComma + 1) === MINUS;
    const digits = unsignedAt(text, lastComma + (negative ? 2 : 1), text.length);
    if (digits < 0) return { ok: false, reason: 'BAD_RETCODE' };
    retcode = negative ? -digits : digits;
  }
  const rawObject = text.slice(c8 + 1, lastComma);
  return {
    ok: true,
    line: {
      timestamp: text.slice(0, c1),
      serverHost: text.slice(c1 + 1, c2),
      username: text.slice(c2 + 1, c3),
      host: text.slice(c3 + 1, c4),
      connectionId,
      queryId,
      operation: operationAt(text, c6 + 1, c7),
      database: text.slice(c7 + 1, c8),
      object: isQuoted(rawObject) ? unescapeStatement(rawObject.slice(1, -1)) : rawObject,
      retcode,
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
  // Most escapes are quotes (TPC-C's string literals): one native pass and a flat string, not a
  // concatenation per escape. When no backslash is left, every one was the start of a `\'`.
  const quotesUndone = escaped.replaceAll("\\'", "'");
  if (!quotesUndone.includes('\\')) return quotesUndone;
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
