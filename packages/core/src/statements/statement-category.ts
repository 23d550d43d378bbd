import { BACKSLASH, commentEnd, isSpace, isWordPart, isWordStart } from './sql-lexer.js';

export const STATEMENT_CATEGORIES = ['DDL', 'DML', 'DQL', 'DCL', 'TCL', 'auth', 'other'] as const;

/** What kind of statement an event is, for filtering, facets and alert rules. */
export type StatementCategory = (typeof STATEMENT_CATEGORIES)[number];

/** The event fields the category is read from (an `ActivityEvent` has them all). */
export interface StatementCategoryInput {
  command?: string | null;
  text?: string | null;
  /** `class`: MAIN/AUX on MySQL, READ/WRITE/DDL/ROLE/… on PostgreSQL. */
  eventClass?: string | null;
}

/** Logins and logouts: MariaDB/Aurora MySQL operations, PostgreSQL commands, Oracle actions. */
const AUTH_COMMANDS = new Set([
  'CONNECT',
  'DISCONNECT',
  'FAILED_CONNECT',
  'CHANGEUSER',
  'AUTH FAILURE',
  'AUTHENTICATION',
  'LOGON',
  'LOGOFF',
  'LOGIN',
  'LOGOUT',
]);

/** MySQL AUX events name the access to one object, not a statement. */
const AUX_ACCESS: Readonly<Record<string, StatementCategory>> = {
  READ: 'DQL',
  WRITE: 'DML',
  CREATE: 'DDL',
  ALTER: 'DDL',
  DROP: 'DDL',
  RENAME: 'DDL',
};

/** MySQL MAIN commands whose statement is in the text. */
const TEXT_COMMANDS = new Set(['QUERY', 'EXECUTE', 'PREPARE', 'QUERY_DDL', 'QUERY_DML', 'QUERY_DCL']);

/** PostgreSQL `class` when neither the command nor the text says more. */
const POSTGRES_CLASSES: Readonly<Record<string, StatementCategory>> = {
  READ: 'DQL',
  WRITE: 'DML',
  DDL: 'DDL',
  ROLE: 'DCL',
  CONNECT: 'auth',
};

const FIRST_WORD: ReadonlyMap<string, StatementCategory> = new Map([
  ...['select', 'show', 'describe', 'desc', 'explain', 'table', 'values', 'help', 'fetch'].map((w) => [w, 'DQL'] as const),
  ...['insert', 'update', 'delete', 'replace', 'merge', 'call', 'load', 'copy', 'do', 'handler', 'upsert'].map((w) => [w, 'DML'] as const),
  ...['truncate', 'comment', 'create', 'alter', 'drop', 'rename'].map((w) => [w, 'DDL'] as const),
  ...['grant', 'revoke', 'reassign'].map((w) => [w, 'DCL'] as const),
  ...['begin', 'commit', 'rollback', 'savepoint', 'release', 'xa', 'end', 'abort'].map((w) => [w, 'TCL'] as const),
]);

/** Objects whose CREATE/ALTER/DROP/RENAME changes who may do what. */
const ACCESS_OBJECTS = new Set(['user', 'role', 'group']);
/** Words between CREATE/ALTER/DROP and the kind of object. */
const OBJECT_MODIFIERS = new Set(['or', 'replace', 'if', 'not', 'exists', 'temporary', 'temp', 'global', 'local', 'unique', 'default']);

/**
 * The category of an event (or of a command and its text): `auth` for logins and logouts
 * (CONNECT, DISCONNECT, FAILED_CONNECT, CHANGEUSER, PostgreSQL AUTH FAILURE); `DCL` for GRANT,
 * REVOKE, CREATE/ALTER/DROP/RENAME USER or ROLE, SET PASSWORD/ROLE, ALTER DEFAULT PRIVILEGES,
 * FLUSH PRIVILEGES; `DDL` for other CREATE/ALTER/DROP/RENAME/TRUNCATE/COMMENT; `DML` for
 * INSERT/UPDATE/DELETE/REPLACE/MERGE/CALL/LOAD/COPY (and a WITH that writes); `DQL` for
 * SELECT/SHOW/DESCRIBE/EXPLAIN/TABLE/VALUES; `TCL` for BEGIN/START TRANSACTION/COMMIT/ROLLBACK/
 * SAVEPOINT/XA, SET TRANSACTION/autocommit; `other` for the rest (USE, SET, KILL, ANALYZE, …).
 *
 * Aurora MySQL: MAIN `QUERY` events are read from their text, AUX events from their access
 * (`READ` → DQL, `WRITE` → DML, `CREATE`/`ALTER`/`DROP`/`RENAME` → DDL). Aurora PostgreSQL: from
 * the command (`CREATE TABLE`, `GRANT`, …), else the text, else the `class` (READ, WRITE, DDL, ROLE).
 */
export function statementCategory(event: StatementCategoryInput): StatementCategory;
export function statementCategory(command: string | null | undefined, text?: string | null): StatementCategory;
export function statementCategory(input: StatementCategoryInput | string | null | undefined, text?: string | null): StatementCategory {
  if (input === null || input === undefined || typeof input === 'string') return categoryOf(input ?? null, text ?? null, null);
  return categoryOf(input.command ?? null, input.text ?? null, input.eventClass ?? null);
}

/** Commands already in upper case need no copy (`toUpperCase` allocates, and runs per event). */
const UPPER_COMMANDS = new Set([...AUTH_COMMANDS, ...TEXT_COMMANDS, ...Object.keys(AUX_ACCESS)]);

function categoryOf(command: string | null, text: string | null, eventClass: string | null): StatementCategory {
  const cmd = command === null ? '' : UPPER_COMMANDS.has(command) ? command : command.toUpperCase();
  if (AUTH_COMMANDS.has(cmd)) return 'auth';
  if (eventClass === 'AUX') return AUX_ACCESS[cmd] ?? 'other';
  if (cmd !== '' && !TEXT_COMMANDS.has(cmd)) {
    const fromCommand = sqlCategory(cmd);
    if (fromCommand !== 'other') return fromCommand;
  }
  const fromText = text === null ? 'other' : sqlCategory(text);
  if (fromText !== 'other' || eventClass === null) return fromText;
  return POSTGRES_CLASSES[eventClass.toUpperCase()] ?? 'other';
}

/** Leading keywords that need the words after them to tell the category. */
const NEEDS_MORE_WORDS = new Set(['create', 'alter', 'drop', 'rename', 'set', 'start', 'flush', 'with', 'prepare']);

/** Every keyword above, in lower and upper case, to its lower-case form: no copy for the usual spellings. */
const KEYWORD_FORMS = new Map<string, string>(
  [...FIRST_WORD.keys(), ...NEEDS_MORE_WORDS].flatMap((w) => [
    [w, w],
    [w.toUpperCase(), w],
  ]),
);

/** The first keyword of a statement, lower case (`leadingWords(sql, 1)[0]` without the array). */
function firstWord(sql: string): string | undefined {
  const end = Math.min(sql.length, 4096);
  let i = 0;
  while (i < end) {
    const c = sql.charCodeAt(i);
    if (isSpace(c) || c === 40 || c === 59) {
      i += 1;
      continue;
    }
    const comment = commentEnd(sql, i, end, 'mysql');
    if (comment >= 0) {
      i = comment;
      continue;
    }
    if (!isWordStart(c) || c === 64) return undefined;
    let j = i + 1;
    while (j < end && isWordPart(sql.charCodeAt(j))) j += 1;
    const word = sql.slice(i, j);
    return KEYWORD_FORMS.get(word) ?? word.toLowerCase();
  }
  return undefined;
}

/** The category of one SQL statement from its leading keywords. */
function sqlCategory(sql: string): StatementCategory {
  const first = firstWord(sql);
  if (first === undefined) return 'other';
  if (!NEEDS_MORE_WORDS.has(first)) return FIRST_WORD.get(first) ?? 'other';
  const words = leadingWords(sql, 4);
  switch (first) {
    case 'create':
    case 'alter':
    case 'drop':
    case 'rename': {
      if ((words[1] === 'default' && words[2] === 'privileges') || (first === 'drop' && words[1] === 'owned')) return 'DCL';
      const object = words.slice(1).find((w) => !OBJECT_MODIFIERS.has(w));
      return object !== undefined && ACCESS_OBJECTS.has(object) ? 'DCL' : 'DDL';
    }
    case 'set': {
      const second = words[1];
      if (second === 'password' || second === 'role' || (second === 'default' && words[2] === 'role')) return 'DCL';
      if (second === 'transaction' || second === 'autocommit' || (second === 'session' && words[2] === 'characteristics')) return 'TCL';
      return 'other';
    }
    case 'start':
      return words[1] === 'transaction' ? 'TCL' : 'other';
    case 'flush':
      return words[1] === 'privileges' ? 'DCL' : 'other';
    case 'with':
      return /\b(insert|update|delete|merge)\b/i.test(sql) ? 'DML' : 'DQL';
    case 'prepare':
      // PostgreSQL's PREPARE TRANSACTION belongs to two-phase commit.
      return words[1] === 'transaction' ? 'TCL' : 'other';
    default:
      return FIRST_WORD.get(first) ?? 'other';
  }
}

/**
 * Up to `count` leading keywords of a statement, lower case, skipping spaces, comments, `(` and
 * `=`/`@…` runs (`SET autocommit=0`); used for the category and a statement's verb.
 */
export function leadingWords(sql: string, count: number): string[] {
  const words: string[] = [];
  const end = Math.min(sql.length, 4096);
  let i = 0;
  while (i < end && words.length < count) {
    const c = sql.charCodeAt(i);
    if (isSpace(c) || c === 40 || c === 59) {
      i += 1;
      continue;
    }
    const comment = commentEnd(sql, i, end, 'mysql');
    if (comment >= 0) {
      i = comment;
      continue;
    }
    if (!isWordStart(c) || c === 64) {
      // The keywords are over once something else (a name in quotes, a value, an operator) comes.
      if (words.length > 0 || c === BACKSLASH) break;
      i += 1;
      continue;
    }
    let j = i + 1;
    let upper = false;
    while (j < end && isWordPart(sql.charCodeAt(j))) j += 1;
    for (let k = i; k < j && !upper; k += 1) {
      const ch = sql.charCodeAt(k);
      upper = ch >= 65 && ch <= 90;
    }
    // Lower-casing allocates a second string: only when there is an upper-case letter.
    const word = sql.slice(i, j);
    words.push(upper ? word.toLowerCase() : word);
    i = j;
  }
  return words;
}

/**
 * The statement's verb for titles, e.g. `DROP TABLE`, `GRANT`, `SET PASSWORD`, `SELECT` (upper
 * case, no names or values); null when the text starts with none.
 */
export function statementVerb(sql: string | null): string | null {
  if (sql === null) return null;
  const words = leadingWords(sql, 4);
  const first = words[0];
  if (first === undefined) return null;
  if (first === 'create' || first === 'alter' || first === 'drop' || first === 'rename' || first === 'set' || first === 'start' || first === 'flush') {
    const object = words.slice(1).find((w) => !OBJECT_MODIFIERS.has(w));
    return object === undefined ? first.toUpperCase() : `${first} ${object}`.toUpperCase();
  }
  return first.toUpperCase();
}
