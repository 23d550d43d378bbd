/** A DAS timestamp in canonical form: ISO 8601 UTC with exactly six fraction digits. */
export interface CanonicalTime {
  /** e.g. `2020-07-06T20:43:51.636563Z`; sorts lexicographically in time order. */
  iso: string;
  /** Epoch milliseconds (microseconds dropped). */
  ms: number;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes);
}

/**
 * Parses a DAS timestamp (`2020-07-06 20:43:51.636563+00`, zone-less Oracle times, 7-digit SQL
 * Server fractions, or ISO 8601) into canonical UTC keeping microseconds. Returns null when the
 * text is not such a timestamp or names an impossible date.
 */
export function canonicalTime(text: string): CanonicalTime | null {
  const match = TIMESTAMP.exec(text);
  if (match === null) return null;
  const [, y, mo, d, h, mi, s, fraction = '', zone] = match as unknown as string[];
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const micros6 = (fraction + '000000').slice(0, 6);
  const micros = Number(micros6);
  const offset = offsetMinutes(zone);
  const utcMs = Date.UTC(year, month - 1, day, hour, minute, second) - offset * 60_000;
  if (!Number.isFinite(utcMs)) return null;
  const date = new Date(utcMs);
  // Date.UTC silently rolls 31 February over; a zero-offset time must come back unchanged.
  if (offset === 0 && (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1)) return null;
  const ms = utcMs + Math.floor(micros / 1000);
  const iso =
    offset === 0 && second < 60 && year >= 1000
      ? `${y}-${mo}-${d}T${h}:${mi}:${s}.${micros6}Z`
      : `${date.toISOString().slice(0, 19)}.${micros6}Z`;
  return { iso, ms };
}

/**
 * Parses a time given by a user or API client (any ISO 8601 / DAS timestamp, or a bare
 * `YYYY-MM-DD` meaning midnight UTC) into canonical form, or null.
 */
export function parseUserTime(text: string): CanonicalTime | null {
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return canonicalTime(`${trimmed}T00:00:00Z`);
  return canonicalTime(trimmed);
}
