import type pg from 'pg';
import type { ActivityEvent, EventFilter } from '@das/core';
import { isoToMicros } from '../filter-sql.js';
import { SCHEMA } from './pg-schema.js';

// Counts per minute, shard and the dimensions that facets, histograms and filters use (all but
// the statement text): facets and histograms over long ranges read these instead of every event.
// Keyed by shard, so that the one worker holding a shard's lease is the only one writing its rows.

export const ROLLUP = `${SCHEMA}.event_rollup`;
export const MINUTE_US = 60_000_000n;

// `category` since migration 4 and `event_class` since 7: older rows have them null (and a key
// hashed without them).
const DIMENSIONS = ['kind', 'user_name', 'database_name', 'command', 'object_name', 'remote_host', 'failed', 'category', 'event_class'] as const;
const KEY_SQL = `decode(md5(ROW(${DIMENSIONS.join(', ')})::text), 'hex')`;

export const floorMinute = (us: bigint): bigint => us - (((us % MINUTE_US) + MINUTE_US) % MINUTE_US);
const ceilMinute = (us: bigint): bigint => (floorMinute(us) === us ? us : floorMinute(us) + MINUTE_US);

/** Adds these events of one shard to the rollup (same transaction as the events). */
export async function addToRollup(client: pg.PoolClient, shardId: string, events: readonly (ActivityEvent & { category?: string | null })[]): Promise<void> {
  const groups = new Map<string, { minute: bigint; values: (string | boolean | null)[]; n: number }>();
  for (const event of events) {
    const minute = floorMinute(isoToMicros(event.time));
    const values = [event.kind, event.user, event.database, event.command, event.objectName, event.remoteHost, event.failed, event.category ?? null, event.eventClass];
    const key = `${minute}\u0000${values.join('\u0000')}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { minute, values, n: 1 });
    else group.n += 1;
  }
  if (groups.size === 0) return;
  const list = [...groups.values()];
  const column = (i: number) => list.map((g) => g.values[i] ?? null);
  // Rows locked in key order whoever writes (an append, a dead-letter replay): no deadlock.
  await client.query(
    `INSERT INTO ${ROLLUP} (minute_us, shard_id, key, ${DIMENSIONS.join(', ')}, n)
     SELECT minute_us, $2, ${KEY_SQL}, ${DIMENSIONS.join(', ')}, n FROM unnest($1::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::boolean[], $10::text[], $11::text[], $12::bigint[])
       AS u(minute_us, ${DIMENSIONS.join(', ')}, n)
     ORDER BY minute_us, ${KEY_SQL}
     ON CONFLICT (minute_us, shard_id, key) DO UPDATE SET n = ${ROLLUP}.n + excluded.n`,
    [list.map((g) => g.minute.toString()), shardId, ...DIMENSIONS.map((_, i) => column(i)), list.map((g) => g.n)],
  );
}

/** Counts the minute again from the events (after retention deleted part of it). */
export async function recountMinute(client: pg.PoolClient, minuteUs: bigint): Promise<void> {
  await client.query(`DELETE FROM ${ROLLUP} WHERE minute_us = $1::bigint`, [minuteUs.toString()]);
  await client.query(
    `INSERT INTO ${ROLLUP} (minute_us, shard_id, key, ${DIMENSIONS.join(', ')}, n)
     SELECT $1::bigint, shard_id, ${KEY_SQL}, ${DIMENSIONS.join(', ')}, count(*) FROM ${SCHEMA}.events
     WHERE time_us >= $1::bigint AND time_us < $1::bigint + ${MINUTE_US} GROUP BY shard_id, ${DIMENSIONS.join(', ')}`,
    [minuteUs.toString()],
  );
}

/** A time range to read, in µs (`undefined` = open). */
export interface Span {
  from?: bigint;
  to?: bigint;
}

/**
 * How to count a filter: whole minutes from the rollup, the partial minutes at either end from
 * the events. Null when the rollup cannot answer (a text search, or a range under two minutes).
 */
export function planRollup(filter: EventFilter): { rollup: Span; edges: Span[] } | null {
  if (filter.text !== undefined && filter.text !== '') return null;
  const from = filter.from === undefined ? undefined : isoToMicros(filter.from);
  const to = filter.to === undefined ? undefined : isoToMicros(filter.to);
  const start = from === undefined ? undefined : ceilMinute(from);
  const end = to === undefined ? undefined : floorMinute(to);
  if (start !== undefined && end !== undefined && start >= end) return null;
  const edges: Span[] = [];
  if (from !== undefined && start !== undefined && from < start) edges.push({ from, to: start });
  if (to !== undefined && end !== undefined && end < to) edges.push({ from: end, to });
  return { rollup: { ...(start === undefined ? {} : { from: start }), ...(end === undefined ? {} : { to: end }) }, edges };
}

/** The filter without its time bounds (they are applied per span). */
export function withoutTime(filter: EventFilter): EventFilter {
  const { from: _from, to: _to, ...rest } = filter;
  return rest;
}

/** A filter's time bounds for one span of the events. */
export function spanFilter(filter: EventFilter, span: Span): EventFilter {
  const iso = (us: bigint) => `${new Date(Number(us / 1000n)).toISOString().slice(0, 19)}.${(((us % 1_000_000n) + 1_000_000n) % 1_000_000n).toString().padStart(6, '0')}Z`;
  return { ...withoutTime(filter), ...(span.from === undefined ? {} : { from: iso(span.from) }), ...(span.to === undefined ? {} : { to: iso(span.to) }) };
}
