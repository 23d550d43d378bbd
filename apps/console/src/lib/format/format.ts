/** `2020-07-06T20:43:51.636563Z` → `20:43:51.636` (UTC), for dense tables. */
export function shortTime(iso: string): string {
  const match = /T(\d{2}:\d{2}:\d{2})(\.\d{1,3})?/.exec(iso);
  return match === null ? iso : `${match[1]}${(match[2] ?? '.000').padEnd(4, '0')}`;
}

/** Date and time to the millisecond, UTC. */
export function longTime(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d{3})\d*Z$/, '$1 UTC');
}

const numberFormat = new Intl.NumberFormat('en-US');

/** 12345 → `12,345`. */
export function count(n: number): string {
  return numberFormat.format(n);
}

/** Seconds → `1m 05s`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m ${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** ISO 8601 UTC of a datetime-local value or epoch milliseconds. */
export function isoTime(value: string | number): string {
  return new Date(value).toISOString();
}
