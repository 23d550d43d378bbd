// JSON text of single values, as JSON.stringify writes them, for the events' writers.

/** Characters JSON.stringify escapes (quote, backslash, controls) or checks (surrogates). */
// eslint-disable-next-line no-control-regex -- the control characters are what JSON escapes
const NEEDS_ESCAPING = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** A string's JSON. */
export function string(value: string): string {
  return NEEDS_ESCAPING.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/** A number's JSON: non-finite numbers are null. */
export function number(value: number): string {
  return Number.isFinite(value) ? `${value}` : 'null';
}


/** A string's or null's JSON. */
export function stringOrNull(value: string | null): string {
  return value === null ? 'null' : string(value);
}
