// JSON text written straight into UTF-8 bytes, for the events' writers: no string per event, so
// nothing to flatten and encode again (a ~700-character event string cost ~0.7 µs to flatten and
// encode on Node 20, more than writing its characters one by one; measured for issue 19).

import { Buffer } from 'node:buffer';

const utf8 = new TextEncoder();
const decoder = new TextDecoder();

/** `\b \t \n \f \r` as JSON.stringify writes them; other controls are `\u00xx`. */
const SHORT_ESCAPES: Readonly<Record<number, number>> = { 8: 0x62, 9: 0x74, 10: 0x6e, 12: 0x66, 13: 0x72 };
const HEX = '0123456789abcdef';
const BACKSLASH = 0x5c;
const QUOTE = 0x22;

/** Pieces of at most this many bytes are copied in a loop: cheaper than a `set` call for them. */
const SHORT_PIECE = 32;
/**
 * Strings of at least this many characters are checked by a regular expression and copied whole
 * (a statement; not a DAS time, whose 29 characters cost less in the loop: 0.91 → 0.88 µs a TPC-C
 * event's JSON).
 */
const LONG_STRING = 32;
/** A character a JSON string cannot hold as it is (a control, `"`, `\`), or one past ASCII. */
const NOT_PLAIN_ASCII = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

/** The UTF-8 bytes of JSON text made once and written many times (field names, a session's fields). */
export function bytesOf(text: string): Uint8Array {
  return utf8.encode(text);
}

/** A value's JSON, for text made once a session (its pieces): JSON.stringify itself, no shortcut. */
export function jsonOf(value: string | number | null): string {
  return JSON.stringify(value);
}

/** The text `write` puts in a JsonBytes (one event's JSON, for tests and single events). */
export function textOf(write: (out: JsonBytes) => void): string {
  const out = new JsonBytes(1024);
  write(out);
  return decoder.decode(out.bytes.subarray(0, out.at));
}

/** A growing buffer of UTF-8 JSON text. */
export class JsonBytes {
  bytes: Uint8Array;
  /** Bytes written. */
  at = 0;
  /** `bytes` as a Buffer, for its Latin-1 writer; made again when `bytes` grows. */
  #buffer: Buffer | null = null;

  /** Writes into `space` (a buffer whose bytes are no longer needed), or a new buffer of that many bytes. */
  constructor(space: Uint8Array | number) {
    this.bytes = typeof space === 'number' ? new Uint8Array(space) : space;
  }

  /** Room for `count` more bytes. */
  reserve(count: number): void {
    const most = this.at + count;
    if (most <= this.bytes.length) return;
    let size = Math.max(64, this.bytes.length * 2);
    while (size < most) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.at));
    this.bytes = grown;
    this.#buffer = null;
  }

  /** Bytes already JSON (a literal, a session's fields). */
  raw(piece: Uint8Array): void {
    const length = piece.length;
    this.reserve(length);
    if (length > SHORT_PIECE) {
      this.bytes.set(piece, this.at);
      this.at += length;
      return;
    }
    const bytes = this.bytes;
    let at = this.at;
    for (let i = 0; i < length; i++) bytes[at++] = piece[i] as number;
    this.at = at;
  }

  /** A string's JSON without its quotes, as JSON.stringify escapes it. */
  inQuotes(value: string): void {
    const length = value.length;
    this.reserve(length); // one byte a character; an escape makes room for the rest as it comes
    if (length >= LONG_STRING && !NOT_PLAIN_ASCII.test(value)) {
      // A statement, usually: one native copy beats a loop over its characters.
      this.#buffer ??= Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
      this.at += this.#buffer.write(value, this.at, length, 'latin1');
      return;
    }
    let bytes = this.bytes;
    let at = this.at;
    for (let i = 0; i < length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x20 && c < 0x80 && c !== QUOTE && c !== BACKSLASH) {
        bytes[at++] = c;
      } else if (c < 0x80) {
        this.at = at;
        this.reserve(length - i + 5); // `\u00xx` is the longest escape of an ASCII character
        bytes = this.bytes;
        bytes[at++] = BACKSLASH;
        const short = c === QUOTE || c === BACKSLASH ? c : SHORT_ESCAPES[c];
        if (short !== undefined) {
          bytes[at++] = short;
        } else {
          bytes[at++] = 0x75; // u
          bytes[at++] = 0x30;
          bytes[at++] = 0x30;
          bytes[at++] = HEX.charCodeAt(c >> 4);
          bytes[at++] = HEX.charCodeAt(c & 15);
        }
      } else {
        // Past ASCII (rare in SQL): the rest as JSON.stringify writes it (lone surrogates
        // escaped), then encoded. Every character before it was ASCII, so no pair is cut.
        this.at = at;
        const json = JSON.stringify(i === 0 ? value : value.slice(i));
        this.text(json.slice(1, -1));
        return;
      }
    }
    this.at = at;
  }

  /** Writes again the `length` bytes written at `from` (a value that repeats in one event). */
  copyOf(from: number, length: number): void {
    this.reserve(length);
    const bytes = this.bytes;
    let at = this.at;
    for (let i = from; i < from + length; i++) bytes[at++] = bytes[i] as number;
    this.at = at;
  }

  /** A string's JSON, quoted. */
  string(value: string): void {
    this.reserve(1);
    this.bytes[this.at++] = QUOTE;
    this.inQuotes(value);
    this.reserve(1);
    this.bytes[this.at++] = QUOTE;
  }

  stringOrNull(value: string | null): void {
    if (value === null) this.#ascii('null');
    else this.string(value);
  }

  /** A number's JSON: non-finite numbers are null. */
  number(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      this.#ascii(Number.isFinite(value) ? `${value}` : 'null');
      return;
    }
    // Ids and counts, written digit by digit: no string made (-0 is written 0, as JSON does).
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
    this.reserve(digits);
    const bytes = this.bytes;
    let at = this.at + digits;
    let rest = value;
    do {
      bytes[--at] = 0x30 + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0);
    this.at += digits;
  }

  /** ASCII text that needs no escaping (a number, `null`). */
  #ascii(text: string): void {
    const length = text.length;
    this.reserve(length);
    const bytes = this.bytes;
    let at = this.at;
    for (let i = 0; i < length; i++) bytes[at++] = text.charCodeAt(i);
    this.at = at;
  }

  /** Text that is JSON already (any characters), encoded. */
  text(json: string): void {
    this.reserve(json.length * 3); // UTF-8 takes at most 3 bytes per UTF-16 unit
    this.at += utf8.encodeInto(json, this.bytes.subarray(this.at)).written;
  }
}
