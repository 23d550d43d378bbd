// The pieces of SQL lexing that the fingerprint, the redaction and the category share: where a
// literal, comment or word ends. Plain charCode loops, no regular expressions: these run on every
// stored event.

/** `mysql`: backslash escapes, `"…"` is a string, `#` comments. `postgres`: `"…"` is an identifier, `$tag$…$tag$` strings, `$1` parameters. */
export type SqlDialect = 'mysql' | 'postgres';

/** The dialect of an event's statement text: PostgreSQL's for `postgres` events, MySQL's otherwise. */
export function sqlDialectOf(engine: string): SqlDialect {
  return engine === 'postgres' ? 'postgres' : 'mysql';
}

export const BACKSLASH = 92;
export const SINGLE_QUOTE = 39;
export const DOUBLE_QUOTE = 34;
export const BACKTICK = 96;
export const DOLLAR = 36;

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Letters, `_`, `@` (MySQL variables) and anything non-ASCII start a word. */
export function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 64 || c >= 128;
}

export function isWordPart(c: number): boolean {
  return isWordStart(c) || isDigit(c) || c === DOLLAR;
}

export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Index after the word starting at `i`. */
export function wordEnd(sql: string, i: number, end: number): number {
  let j = i + 1;
  while (j < end && isWordPart(sql.charCodeAt(j))) j += 1;
  return j;
}

/**
 * Index after the quoted literal or identifier whose opening quote is at `i`. A doubled quote
 * stays inside; with `backslashEscapes` a backslash escapes the next character. An unterminated
 * literal runs to `end` (so redaction never leaks its tail).
 */
export function quotedEnd(sql: string, i: number, end: number, backslashEscapes: boolean): number {
  const quote = sql.charCodeAt(i);
  let j = i + 1;
  while (j < end) {
    const c = sql.charCodeAt(j);
    if (c === BACKSLASH && backslashEscapes) j += 2;
    else if (c === quote) {
      if (sql.charCodeAt(j + 1) !== quote) return j + 1;
      j += 2;
    } else j += 1;
  }
  return end;
}

/**
 * Index after a literal written the way Aurora MySQL sends `commandText`: every quote of the SQL
 * escaped as `\'` and every backslash as `\\` (das-format.md §3.1). `i` is at the backslash of the
 * opening `\'`. Inside, `\\` is the SQL's own backslash, which escapes the next (escaped) character.
 */
export function escapedQuotedEnd(sql: string, i: number, end: number): number {
  const quote = sql.charCodeAt(i + 1);
  let j = i + 2;
  while (j < end) {
    if (sql.charCodeAt(j) !== BACKSLASH) {
      j += 1;
      continue;
    }
    const next = sql.charCodeAt(j + 1);
    if (next === quote) {
      // `\'\'` is the SQL's doubled quote; a lone `\'` closes.
      if (sql.charCodeAt(j + 2) === BACKSLASH && sql.charCodeAt(j + 3) === quote) j += 4;
      else return j + 2;
    } else if (next === BACKSLASH) {
      // The SQL's backslash: it escapes the next character, itself possibly written `\'` or `\\`.
      j += 2;
      j += sql.charCodeAt(j) === BACKSLASH ? 2 : 1;
    } else j += 2;
  }
  return end;
}

/** Index after a number (decimal, fraction, exponent, `0x…`, `0b…`) starting at `i`, or `i` if none. */
export function numberEnd(sql: string, i: number, end: number): number {
  let j = i;
  const first = sql.charCodeAt(j);
  if (first === 48) {
    const x = sql.charCodeAt(j + 1) | 32;
    if (x === 120 || x === 98) {
      let k = j + 2;
      while (k < end && isHexDigit(sql.charCodeAt(k))) k += 1;
      if (k > j + 2) return k;
    }
  }
  while (j < end && isDigit(sql.charCodeAt(j))) j += 1;
  if (sql.charCodeAt(j) === 46) {
    j += 1;
    while (j < end && isDigit(sql.charCodeAt(j))) j += 1;
  }
  if (j > i && (sql.charCodeAt(j) | 32) === 101) {
    let k = j + 1;
    const sign = sql.charCodeAt(k);
    if (sign === 43 || sign === 45) k += 1;
    if (isDigit(sql.charCodeAt(k))) {
      while (k < end && isDigit(sql.charCodeAt(k))) k += 1;
      j = k;
    }
  }
  return j === i + 1 && first === 46 ? i : j;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || ((c | 32) >= 97 && (c | 32) <= 102);
}

/**
 * Index after a comment starting at `i`, or -1 when none starts there: `/* … *\/`, `-- …` (MySQL
 * wants a space after the dashes) and, in MySQL, `# …`.
 */
export function commentEnd(sql: string, i: number, end: number, dialect: SqlDialect): number {
  const c = sql.charCodeAt(i);
  const next = sql.charCodeAt(i + 1);
  if (c === 47 && next === 42) {
    const close = sql.indexOf('*/', i + 2);
    return close < 0 || close + 2 > end ? end : close + 2;
  }
  const lineComment =
    (c === 45 && next === 45 && (dialect === 'postgres' || i + 2 >= end || isSpace(sql.charCodeAt(i + 2)))) ||
    (c === 35 && dialect === 'mysql');
  if (!lineComment) return -1;
  const newline = sql.indexOf('\n', i);
  return newline < 0 || newline > end ? end : newline + 1;
}

/** Index after a PostgreSQL `$tag$ … $tag$` string starting at `i`, or -1 when none starts there. */
export function dollarQuotedEnd(sql: string, i: number, end: number): number {
  let j = i + 1;
  while (j < end && isWordPart(sql.charCodeAt(j)) && sql.charCodeAt(j) !== DOLLAR) j += 1;
  if (sql.charCodeAt(j) !== DOLLAR || (j > i + 1 && isDigit(sql.charCodeAt(i + 1)))) return -1;
  const tag = sql.slice(i, j + 1);
  const close = sql.indexOf(tag, j + 1);
  return close < 0 || close + tag.length > end ? end : close + tag.length;
}

/**
 * True when the word `sql[start, stop)` is a string prefix (`x'…'`, `b'…'`, `n'…'`, `e'…'`, a
 * `_charset` introducer) directly followed by a quote, plain or escaped.
 */
export function isLiteralPrefix(sql: string, start: number, stop: number): boolean {
  const c = sql.charCodeAt(stop);
  const quoted = c === SINGLE_QUOTE || (c === BACKSLASH && sql.charCodeAt(stop + 1) === SINGLE_QUOTE);
  if (!quoted) return false;
  if (stop - start === 1) {
    const letter = sql.charCodeAt(start) | 32;
    return letter === 120 || letter === 98 || letter === 110 || letter === 101;
  }
  return sql.charCodeAt(start) === 95;
}
