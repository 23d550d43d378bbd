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
} from './sql-lexer.js';
import type { StatementOptions } from './statement-fingerprint.js';

/** Characters of a statement redaction keeps; the rest is dropped (never copied unread). */
export const MAX_REDACT_INPUT = 1024 * 1024;

const DIGITS = /\d+/g;

/**
 * The statement as written (case, spacing, names) with every literal replaced by `?`: strings
 * (plain, escaped, Aurora MySQL's `\'…\'`, prefixed `x'…'`/`_utf8mb4'…'`/`E'…'`, `$$…$$`),
 * numbers and hex/bit values, and digit runs inside comments. So `SET PASSWORD = 'secret'` or a
 * card number in a `WHERE` never reach a store. An unterminated string is redacted to the end;
 * text past {@link MAX_REDACT_INPUT} characters is dropped and marked with `…`.
 */
export function redactStatement(sql: string, options: StatementOptions = {}): string {
  const postgres = options.dialect === 'postgres';
  const dialect = options.dialect ?? 'mysql';
  const truncated = sql.length > MAX_REDACT_INPUT;
  const end = truncated ? MAX_REDACT_INPUT : sql.length;
  let out = '';
  // Text from `copied` to `i` is still to be copied unchanged.
  let copied = 0;
  const replace = (start: number, stop: number): void => {
    out += sql.slice(copied, start) + '?';
    copied = stop;
  };

  let i = 0;
  let afterWord = false;
  while (i < end) {
    const c = sql.charCodeAt(i);
    if (isWordStart(c)) {
      const stop = wordEnd(sql, i, end);
      if (isLiteralPrefix(sql, i, stop)) {
        const close = sql.charCodeAt(stop) === BACKSLASH ? escapedQuotedEnd(sql, stop, end) : quotedEnd(sql, stop, end, true);
        replace(i, close);
        i = close;
      } else i = stop;
      afterWord = true;
      continue;
    }
    if (isDigit(c) || (c === 46 && !afterWord && isDigit(sql.charCodeAt(i + 1)))) {
      const stop = numberEnd(sql, i, end);
      if (stop < end && isWordPart(sql.charCodeAt(stop))) i = wordEnd(sql, i, end);
      else {
        replace(i, stop);
        i = stop;
      }
      afterWord = false;
      continue;
    }
    afterWord = false;
    if (c === SINGLE_QUOTE || (c === DOUBLE_QUOTE && !postgres)) {
      const stop = quotedEnd(sql, i, end, !postgres);
      replace(i, stop);
      i = stop;
      continue;
    }
    if (c === BACKSLASH && (sql.charCodeAt(i + 1) === SINGLE_QUOTE || sql.charCodeAt(i + 1) === DOUBLE_QUOTE)) {
      const stop = escapedQuotedEnd(sql, i, end);
      replace(i, stop);
      i = stop;
      continue;
    }
    if (c === BACKTICK || c === DOUBLE_QUOTE) {
      i = quotedEnd(sql, i, end, false);
      continue;
    }
    if (c === DOLLAR && postgres) {
      if (isDigit(sql.charCodeAt(i + 1))) {
        // `$1` is a parameter, not a value.
        i += 2;
        while (i < end && isDigit(sql.charCodeAt(i))) i += 1;
        continue;
      }
      const stop = dollarQuotedEnd(sql, i, end);
      if (stop > 0) {
        replace(i, stop);
        i = stop;
        continue;
      }
    }
    const comment = commentEnd(sql, i, end, dialect);
    if (comment >= 0) {
      out += sql.slice(copied, i) + sql.slice(i, comment).replace(DIGITS, '?');
      copied = comment;
      i = comment;
      continue;
    }
    i += 1;
  }
  out += sql.slice(copied, end);
  return truncated ? out + '…' : out;
}
