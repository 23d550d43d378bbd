import { describe, expect, it } from 'vitest';
import { JsonBytes } from './json-bytes.js';

const decoder = new TextDecoder();
const text = (out: JsonBytes) => decoder.decode(out.bytes.subarray(0, out.at));

describe('JsonBytes', () => {
  it('writes every ASCII character, non-ASCII text and lone surrogates as JSON.stringify does', () => {
    const ascii = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c)).join('');
    const values = [
      '',
      ascii,
      `SELECT 'it''s' FROM "t" WHERE a = '\\\\' AND b = '\n\t\r\b\f'`,
      'café ünïcode 日本語 🙂',
      'ascii then \u00e9 then "quotes" and \\ and \u0001',
      'lone \ud800 high, lone \udc00 low, pair \ud83d\ude42, reversed \ude42\ud83d',
      '\ud800',
      '\u2028\u2029',
      // Around the length from which a string is checked by a regular expression and copied whole.
      ...[23, 24, 31, 32, 33].flatMap((n) => ['a'.repeat(n), `${'b'.repeat(n - 1)}"`, `\u00e9${'c'.repeat(n - 1)}`, '2026-12-07 02:50:00.123456+00']),
    ];
    for (const value of values) {
      const out = new JsonBytes(1); // grows from one byte
      out.string(value);
      expect(text(out)).toBe(JSON.stringify(value));
    }
  });

  it('writes numbers, null and pieces, growing past its first buffer', () => {
    const out = new JsonBytes(4);
    const long = new Uint8Array(100).fill(0x61);
    out.raw(new TextEncoder().encode('['));
    for (const value of [0, -1, 1.5, 1e21, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      out.number(value);
      out.raw(new TextEncoder().encode(','));
    }
    out.stringOrNull(null);
    out.raw(new TextEncoder().encode(',"'));
    out.raw(long);
    out.raw(new TextEncoder().encode('"]'));
    expect(text(out)).toBe(JSON.stringify([0, -1, 1.5, 1e21, null, null, 2 ** 53, null, 'a'.repeat(100)]));
  });

  it('writes every integer as JSON does, digit by digit: powers of ten, their neighbours, -0, the largest safe one', () => {
    const values = [-0, 0, 7, 9, 10, 11, 99, 100, 101, 4_294_967_295, 4_294_967_296, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 1, 2 ** 53 + 2, -7, 0.1];
    for (let power = 1; power < 1e16; power *= 10) values.push(power - 1, power, power + 1);
    for (const value of values) {
      const out = new JsonBytes(1);
      out.number(value);
      expect(text(out)).toBe(JSON.stringify(value));
    }
  });

  it('writes into the space it is given until it needs more', () => {
    const space = new Uint8Array(16);
    const out = new JsonBytes(space);
    out.string('short\n');
    expect(out.bytes).toBe(space);
    out.string('x'.repeat(40));
    expect(out.bytes).not.toBe(space);
    expect(text(out)).toBe(`"short\\n""${'x'.repeat(40)}"`);
  });
});
