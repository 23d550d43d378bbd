import type { DeadLetter, Facets, Histogram, StoredEvent, TopStatements } from '@das/contracts';
import type { EventFilter } from '@das/core';
import { CursorError, type HistogramGroupBy, type PageRequest, type SortOrder } from './event-store.js';
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

/**
 * The cursor of a page of events: the last row's (time_us, id), and `1` for an ascending page (a
 * descending cursor keeps the two-part form handed out before ascending pages existed).
 */
export function encodePageCursor(timeUs: unknown, id: unknown, order: SortOrder): string {
  return encodeCursor(order === 'asc' ? [String(timeUs), String(id), 1] : [String(timeUs), String(id)]);
}

/** The (time_us, id) a page cursor goes on from; a cursor of the other order is a CursorError. */
export function decodePageCursor(cursor: string, order: SortOrder): [bigint, bigint] {
  if (order === 'desc') return decodeCursor(cursor, 2) as [bigint, bigint];
  const [timeUs, id, asc] = decodeCursor(cursor, 3) as [bigint, bigint, bigint];
  if (asc !== 1n) throw new CursorError();
  return [timeUs, id];
}

/** The stored column of each histogram grouping (all of them also in PostgreSQL's rollup). */
export const HISTOGRAM_GROUP_COLUMNS: Record<HistogramGroupBy, string> = {
  command: 'command',
  user: 'user_name',
  database: 'database_name',
  host: 'remote_host',
  object: 'object_name',
  category: 'category',
};

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

/**
 * Histogram buckets from rows of (`bucket` start in ms, `value` of the grouping, `n`), ordered by
 * bucket: the `top` most frequent values over all buckets by name (a missing value as ''), the
 * rest summed in each bucket's `other`.
 */
export function histogramFromRows(rows: readonly Row[], intervalMs: number, groupBy: HistogramGroupBy = 'command', top = 8): Histogram {
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(String(row.value ?? ''), (totals.get(String(row.value ?? '')) ?? 0) + Number(row.n));
  const kept = new Set(
    [...totals]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, top)
      .map(([value]) => value),
  );
  const buckets = new Map<number, Histogram['buckets'][number]>();
  for (const row of rows) {
    const start = Number(row.bucket);
    let bucket = buckets.get(start);
    if (bucket === undefined) {
      bucket = { start, total: 0, byValue: {}, other: 0 };
      buckets.set(start, bucket);
    }
    const n = Number(row.n);
    const value = String(row.value ?? '');
    bucket.total += n;
    if (kept.has(value)) bucket.byValue[value] = (bucket.byValue[value] ?? 0) + n;
    else bucket.other += n;
  }
  return { intervalMs: Math.trunc(intervalMs), groupBy, values: [...kept], otherValues: totals.size - kept.size, buckets: [...buckets.values()].sort((a, b) => a.start - b.start) };
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

/**
 * The columns of a dead letter as both stores select them: `size` is the record's bytes (from the
 * base64 length), so that a list can say how big a letter is without carrying its data.
 */
export function deadLetterColumns(withData: boolean): string {
  return `id, reason, message, shard_id, sequence_number, arrived_at, stored_at,
    (length(data) / 4) * 3 - (CASE WHEN right(data, 2) = '==' THEN 2 WHEN right(data, 1) = '=' THEN 1 ELSE 0 END) AS size${withData ? ', data' : ''}`;
}

/** A row of `dead_letters` (both stores name its columns alike) as the API's dead letter; `data` only when selected. */
export function rowToDeadLetter(row: Row): DeadLetter {
  return {
    id: Number(row.id),
    reason: String(row.reason),
    message: String(row.message ?? ''),
    shardId: String(row.shard_id),
    sequenceNumber: String(row.sequence_number),
    arrivedAt: row.arrived_at === null || row.arrived_at === undefined ? null : String(row.arrived_at),
    storedAt: String(row.stored_at),
    size: Number(row.size ?? 0),
    ...(row.data === undefined ? {} : { data: String(row.data) }),
  };
}

/** Dead letters per reason, most first (then by name), from rows of (`reason`, `n`). */
export function reasonsFromRows(rows: readonly Row[]): { reason: string; count: number }[] {
  return rows.map((row) => ({ reason: String(row.reason), count: Number(row.n) })).sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
}

const EXPORT_CHUNK = 2000;

/** Newest first, page after page of a store's query, without holding the whole result in memory. */
export async function* exportByPages(
  page: (filter: EventFilter, request: PageRequest & { order?: SortOrder }) => Promise<{ events: StoredEvent[]; next: string | null }>,
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
