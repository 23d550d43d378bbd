import type { DeadLetter, Facets, Histogram, StoredEvent, TopStatements } from '@das/contracts';
import type { EventFilter } from '@das/core';
import { CursorError, type PageRequest } from './event-store.js';
import { STORED_FACET_COLUMNS } from './event-columns.js';

// What the stores share besides their SQL: cursors, row counts, and turning result rows into
// facets and histogram buckets.

type Row = Record<string, unknown>;

export function encodeCursor(parts: (string | number | bigint)[]): string {
  return Buffer.from(parts.join(':')).toString('base64url');
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The integers of a cursor a store handed out; anything else (or out of BIGINT range) is a CursorError. */
export function decodeCursor(cursor: string, count: number): bigint[] {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  if (parts.length !== count || parts.some((p) => !/^-?\d{1,19}$/.test(p))) throw new CursorError();
  const values = parts.map((p) => BigInt(p));
  if (values.some((v) => v < INT64_MIN || v > INT64_MAX)) throw new CursorError();
  return values;
}

/** A row count for LIMIT or a top-N (1 to 10,000): checked, then bound as a parameter, never SQL text. */
export function rowCount(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > 10_000) throw new RangeError(`${what} ${value} is not an integer from 1 to 10000`);
  return value;
}

/**
 * Facets from the rows of one GROUPING SETS query over {@link STORED_FACET_COLUMNS} plus `()`:
 * each row has `gid` (GROUPING() of the columns), the columns and `n`.
 */
export function facetsFromGroupingRows(rows: readonly Row[]): Facets {
  const columns = STORED_FACET_COLUMNS.map((dim) => dim.column);
  const facets = { total: 0, ...Object.fromEntries(STORED_FACET_COLUMNS.map((dim) => [dim.key, []])) } as unknown as Facets;
  // GROUPING() sets a bit per column NOT grouped on (first column = highest bit): all set = the total.
  const all = 2 ** columns.length - 1;
  const bitFor = columns.map((_, i) => all & ~(1 << (columns.length - 1 - i)));
  for (const row of rows) {
    const gid = Number(row.gid);
    if (gid === all) {
      facets.total += Number(row.n);
      continue;
    }
    const dim = STORED_FACET_COLUMNS[bitFor.indexOf(gid)];
    if (dim === undefined) continue;
    const value = row[dim.column];
    (facets[dim.key] ??= []).push({ value: value === null || value === undefined ? null : String(value), count: Number(row.n) });
  }
  return facets;
}

/** Histogram buckets from rows of (`bucket` start in ms, `command`, `n`), ordered by bucket. */
export function histogramFromRows(rows: readonly Row[], intervalMs: number): Histogram {
  const buckets = new Map<number, Histogram['buckets'][number]>();
  for (const row of rows) {
    const start = Number(row.bucket);
    let bucket = buckets.get(start);
    if (bucket === undefined) {
      bucket = { start, total: 0, byCommand: {} };
      buckets.set(start, bucket);
    }
    const n = Number(row.n);
    bucket.total += n;
    bucket.byCommand[String(row.command)] = n;
  }
  return { intervalMs: Math.trunc(intervalMs), buckets: [...buckets.values()] };
}

/** Top statements from rows of (`fingerprint`, `category`, `n`, `last_time`). */
export function statementsFromRows(rows: readonly Row[]): TopStatements['statements'] {
  return rows.map((row) => ({
    fingerprint: String(row.fingerprint),
    category: row.category === null || row.category === undefined ? null : (String(row.category) as TopStatements['statements'][number]['category']),
    count: Number(row.n),
    lastTime: String(row.last_time),
  }));
}

/** A row of `dead_letters` (both stores name its columns alike) as the API's dead letter. */
export function rowToDeadLetter(row: Row): DeadLetter {
  return {
    id: Number(row.id),
    reason: String(row.reason),
    message: String(row.message ?? ''),
    shardId: String(row.shard_id),
    sequenceNumber: String(row.sequence_number),
    arrivedAt: row.arrived_at === null || row.arrived_at === undefined ? null : String(row.arrived_at),
    storedAt: String(row.stored_at),
    data: String(row.data),
  };
}

const EXPORT_CHUNK = 2000;

/** Newest first, page after page of a store's query, without holding the whole result in memory. */
export async function* exportByPages(
  page: (filter: EventFilter, request: PageRequest) => Promise<{ events: StoredEvent[]; next: string | null }>,
  filter: EventFilter,
  limit: number,
): AsyncIterable<StoredEvent> {
  let cursor: string | undefined;
  let left = limit;
  while (left > 0) {
    const chunk = await page(filter, { cursor, limit: Math.min(EXPORT_CHUNK, left) });
    yield* chunk.events;
    left -= chunk.events.length;
    if (chunk.next === null) return;
    cursor = chunk.next;
  }
}
