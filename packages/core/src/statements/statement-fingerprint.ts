import {
  BACKSLASH,
  BACKTICK,
  commentEnd,
  DOLLAR,
  dollarQuotedEnd,
  DOUBLE_QUOTE,
  escapedQuotedEnd,
  isDigit,
  isLiteralPrefix,
  isWordPart,
  isWordStart,
  numberEnd,
  quotedEnd,
  SINGLE_QUOTE,
  wordEnd,
  type SqlDialect,
} from './sql-lexer.js';

/** Characters of a statement the fingerprint reads; the rest is cut (and the fingerprint ends in `…`). */
export const MAX_FINGERPRINT_INPUT = 64 * 1024;
/** Longest fingerprint returned. */
export const MAX_FINGERPRINT_LENGTH = 4096;

/** Options of {@link statementFingerprint}. */
export interface StatementOptions {
  /** How quotes, comments and `$` are read (default `mysql`). */
  dialect?: SqlDialect;
}

// What the previous token was: it decides the spacing and whether a `-` is a sign.
const NONE = 0;
const WORD = 1;
const LITERAL = 2;
const OPEN = 3;
const CLOSE = 4;
const COMMA = 5;
const OPERATOR = 6;
const DOT = 7;

const IS_OPERATOR = new Uint8Array(128);
for (const c of '<>=!|&:~^%*+-/') IS_OPERATOR[c.charCodeAt(0)] = 1;

/**
 * The fingerprint under construction. One per module, not per call: the scan keeps its state in
 * object fields rather than closure variables, which V8 reads and writes much faster. The output
 * only ever grows by concatenation; a list that collapses goes back to the string saved before
 * it (strings are immutable, so saving one costs nothing and nothing is sliced).
 */
class FingerprintWriter {
  out = '';
  prev = NONE;
  /** Tokens written: tells whether anything came after a collapsed VALUES tuple. */
  tokens = 0;
  /** The last word was IN/VALUES: a `(` now opens a list that may collapse. */
  listKeyword = false;
  valuesWord = false;
  /** The output before the open list (null: none); it collapses when it holds only literals and commas. */
  listPrefix: string | null = null;
  listLiterals = 0;
  listPure = false;
  listIsValues = false;
  /** The open list is a further VALUES tuple: collapsing it drops it. */
  listDrops = false;
  /** `tokens` right after the last collapsed VALUES tuple. */
  valuesEnd = -1;
  /** The output before a `,` that came right after a collapsed VALUES tuple. */
  commaPrefix: string | null = null;

  reset(): void {
    this.out = '';
    this.prev = NONE;
    this.tokens = 0;
    this.listKeyword = false;
    this.valuesWord = false;
    this.listPrefix = null;
    this.listLiterals = 0;
    this.listPure = false;
    this.listIsValues = false;
    this.listDrops = false;
    this.valuesEnd = -1;
    this.commaPrefix = null;
  }

  emit(token: string, kind: number): void {
    this.commaPrefix = null;
    if (this.listPrefix !== null && kind !== LITERAL && kind !== COMMA) this.listPure = false;
    const prev = this.prev;
    const glued =
      prev === NONE || prev === OPEN || prev === DOT || kind === CLOSE || kind === COMMA || kind === DOT || (kind === OPEN && prev === WORD);
    this.out = glued ? this.out + token : this.out + ' ' + token;
    this.prev = kind;
    this.tokens += 1;
  }

  literal(): void {
    if (this.listPrefix !== null) this.listLiterals += 1;
    this.emit('?', LITERAL);
  }

  word(word: string): void {
    if (word === 'null' || word === 'true' || word === 'false') {
      this.literal();
      return;
    }
    // `'user'@'host'` stays one piece: `?@?`.
    this.emit(word, word === '@' ? DOT : WORD);
    this.listKeyword = word === 'in' || word === 'values' || word === 'value';
    this.valuesWord = word !== 'in';
  }

  open(): void {
    const cut = this.commaPrefix;
    const opensList = this.listKeyword || cut !== null;
    const isValues = cut !== null || this.valuesWord;
    this.listKeyword = false;
    const before = this.out;
    this.emit('(', OPEN);
    if (opensList) {
      this.listPrefix = cut ?? before;
      this.listLiterals = 0;
      this.listPure = true;
      this.listIsValues = isValues;
      this.listDrops = cut !== null;
    } else this.listPrefix = null;
  }

  close(): void {
    if (this.collapsible()) this.collapse();
    else {
      this.listPrefix = null;
      this.emit(')', CLOSE);
    }
  }

  comma(): void {
    const cut = this.valuesEnd === this.tokens ? this.out : null;
    this.emit(',', COMMA);
    this.commaPrefix = cut;
  }

  collapsible(): boolean {
    return this.listPrefix !== null && this.listPure && this.listLiterals > 0;
  }

  collapse(): void {
    this.out = (this.listPrefix as string) + (this.listDrops ? '' : '(?+)');
    this.listPrefix = null;
    this.prev = CLOSE;
    this.tokens += 1;
    this.valuesEnd = this.listIsValues ? this.tokens : -1;
  }
}

const writer = new FingerprintWriter();

/**
 * The statement with its literals replaced, as `pt-query-digest` fingerprints it, so statements
 * that differ only in values group together: lower case; comments dropped; strings (quotes
 * escaped by backslash, doubling, or Aurora MySQL's `\'` form), numbers, hex/bit strings,
 * `NULL`, `TRUE`/`FALSE` and placeholders (`?`, `$1`) become `?`; `IN (…)` and `VALUES (…), (…)`
 * lists of literals collapse to `in(?+)` / `values(?+)`; backticks go; one space between tokens
 * (none inside parentheses, before `,` or around `.`). Reads at most
 * {@link MAX_FINGERPRINT_INPUT} characters.
 *
 * `SELECT * FROM t WHERE id IN (1, 2, 3) AND name = 'x'` → `select * from t where id in(?+) and name = ?`
 */
export function statementFingerprint(sql: string, options: StatementOptions = {}): string {
  const dialect = options.dialect ?? 'mysql';
  const truncated = sql.length > MAX_FINGERPRINT_INPUT;
  // One native lower-casing, then every slice comes from the lower-case copy.
  const text = (truncated ? sql.slice(0, MAX_FINGERPRINT_INPUT) : sql).toLowerCase();
  const end = text.length;
  const postgres = dialect === 'postgres';
  const w = writer;
  w.reset();
  let i = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) {
      i += 1;
      continue;
    }
    if (isWordStart(c)) {
      const stop = wordEnd(text, i, end);
      if (isLiteralPrefix(text, i, stop)) {
        i = text.charCodeAt(stop) === BACKSLASH ? escapedQuotedEnd(text, stop, end) : quotedEnd(text, stop, end, true);
        w.literal();
      } else {
        w.word(text.slice(i, stop));
        i = stop;
      }
      continue;
    }
    if (isDigit(c) || (c === 46 && w.prev !== WORD && isDigit(text.charCodeAt(i + 1)))) {
      const stop = numberEnd(text, i, end);
      if (stop < end && isWordPart(text.charCodeAt(stop))) {
        // MySQL names may start with digits (`1st_table`).
        const wordStop = wordEnd(text, i, end);
        w.word(text.slice(i, wordStop));
        i = wordStop;
      } else {
        i = stop;
        w.literal();
      }
      continue;
    }
    if (c === 40) {
      w.open();
      i += 1;
      continue;
    }
    w.listKeyword = false;
    if (c === 41) {
      w.close();
      i += 1;
      continue;
    }
    if (c === 44) {
      w.comma();
      i += 1;
      continue;
    }
    if (c === 46) {
      w.emit('.', DOT);
      i += 1;
      continue;
    }
    if (c === 63) {
      w.literal();
      i += 1;
      continue;
    }
    if (c === SINGLE_QUOTE || (c === DOUBLE_QUOTE && !postgres)) {
      i = quotedEnd(text, i, end, !postgres);
      w.literal();
      continue;
    }
    if (c === BACKSLASH && (text.charCodeAt(i + 1) === SINGLE_QUOTE || text.charCodeAt(i + 1) === DOUBLE_QUOTE)) {
      i = escapedQuotedEnd(text, i, end);
      w.literal();
      continue;
    }
    if (c === BACKTICK || c === DOUBLE_QUOTE) {
      const stop = quotedEnd(text, i, end, false);
      w.word(text.slice(i + 1, stop - 1));
      i = stop;
      continue;
    }
    if (c === DOLLAR && postgres) {
      if (isDigit(text.charCodeAt(i + 1))) {
        i += 2;
        while (i < end && isDigit(text.charCodeAt(i))) i += 1;
        w.literal();
        continue;
      }
      const stop = dollarQuotedEnd(text, i, end);
      if (stop > 0) {
        i = stop;
        w.literal();
        continue;
      }
    }
    if (c === 47 || c === 45 || c === 35) {
      const comment = commentEnd(text, i, end, dialect);
      if (comment >= 0) {
        i = comment;
        continue;
      }
    }
    const prev = w.prev;
    if ((c === 45 || c === 43) && (prev === NONE || prev === OPEN || prev === COMMA || prev === OPERATOR)) {
      // A sign in front of a number is part of the literal: `id = -5` reads as `id = ?`.
      const next = text.charCodeAt(i + 1);
      if (isDigit(next) || (next === 46 && isDigit(text.charCodeAt(i + 2)))) {
        i = numberEnd(text, i + 1, end);
        w.literal();
        continue;
      }
    }
    if (c < 128 && IS_OPERATOR[c] === 1) {
      let stop = i + 1;
      while (stop < end && IS_OPERATOR[text.charCodeAt(stop)] === 1 && commentEnd(text, stop, end, dialect) < 0) stop += 1;
      w.emit(stop === i + 1 ? (text[i] as string) : text.slice(i, stop), OPERATOR);
      i = stop;
      continue;
    }
    w.emit(text[i] as string, OPERATOR);
    i += 1;
  }
  if (w.collapsible()) w.collapse();
  let out = w.out;
  w.out = '';
  if (truncated || out.length > MAX_FINGERPRINT_LENGTH) out = out.slice(0, MAX_FINGERPRINT_LENGTH - 1) + '…';
  return out;
}
