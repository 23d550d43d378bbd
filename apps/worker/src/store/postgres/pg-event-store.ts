import type pg from 'pg';
import type { EventFilter, ActivityEvent } from '@das/core';
import type { Facets, StoredEvent } from '@das/contracts';
import { compareSequenceNumbers } from '../sequence-number.js';
import {
  LeaseLostError,
  type AppendResult,
  type EventPageRequest,
  type EventStore,
  type HistogramGroupBy,
  type RetentionPolicy,
  type ShardBatch,
  type ShardCheckpoint,
} from '../event-store.js';
import { EVENT_FIELD_COLUMNS, rowToEvent, STORED_FACET_COLUMNS } from '../event-columns.js';
import { deriveStatementColumns, type StatementColumnOptions, type StatementColumns } from '../statement-columns.js';
import { isoToMicros } from '../filter-sql.js';
import {
  decodeCursor,
  decodePageCursor,
  encodeCursor,
  encodePageCursor,
  facetsFromGroupingRows,
  HISTOGRAM_GROUP_COLUMNS,
  histogramFromRows,
  exportByPages,
  rowCount,
  deadLetterColumns,
  reasonsFromRows,
  rowToDeadLetter,
  statementsFromRows,
} from '../store-rows.js';
import { filterToPgSql, PgParams } from './pg-filter.js';
import { migrate, type MigrationOutcome } from './pg-migrate.js';
import { createPartitions } from './pg-partitions.js';
import { createStorePool } from './pg-pool.js';
import { PG_EVENT_COLUMNS, SCHEMA } from './pg-schema.js';
import { createPgLeaseTable } from './pg-leases.js';
import { createPgAlertStore } from './pg-alert-store.js';
import { createPgDeliveryStore } from './pg-delivery-store.js';
import { followEvents, EVENTS_CHANNEL } from './pg-event-feed.js';
import { addToRollup, floorMinute, MINUTE_US, planRollup, recountMinute, ROLLUP, spanFilter, withoutTime, type Span } from './pg-rollup.js';

type Row = Record<string, unknown>;

/** A rollup span as conditions on `minute_us`. */
function spanSql(span: Span | undefined, params: PgParams): string {
  if (span === undefined) return '';
  let sql = '';
  if (span.from !== undefined) sql += ` AND minute_us >= ${params.add(span.from.toString())}::bigint`;
  if (span.to !== undefined) sql += ` AND minute_us < ${params.add(span.to.toString())}::bigint`;
  return sql;
}

/** The top `limit` values of each dimension, after parts were merged (counts of the same value summed). */
function topFacets(facets: Facets, limit: number): Facets {
  const merged = { ...facets } as Facets;
  for (const { key } of STORED_FACET_COLUMNS) {
    const sums = new Map<string | null, number>();
    for (const { value, count } of facets[key] ?? []) sums.set(value, (sums.get(value) ?? 0) + count);
    merged[key] = [...sums].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count).slice(0, limit);
  }
  return merged;
}

/** Histogram rows from several parts, with the counts of the same bucket and value summed. */
function sumBuckets(rows: readonly Row[]): Row[] {
  const sums = new Map<string, Row>();
  for (const row of rows) {
    const key = `${String(row.bucket)}\u0000${String(row.value)}`;
    const found = sums.get(key);
    if (found === undefined) sums.set(key, { bucket: row.bucket, value: row.value, n: Number(row.n) });
    else found.n = Number(found.n) + Number(row.n);
  }
  return [...sums.values()].sort((a, b) => Number(a.bucket) - Number(b.bucket));
}

/** SQLSTATE of an insert whose row fits no partition (`check_violation`). */
const NO_PARTITION_FOR_ROW = '23514';

/** Dead letters kept at most (the oldest go first); they hold raw record data. */
const MAX_DEAD_LETTERS = 100_000;

const EVENTS = `${SCHEMA}.events`;
const SELECT_COLUMNS = ['id', 'shard_id', 'sequence_number', ...PG_EVENT_COLUMNS.map((c) => c.column)].join(', ');
// A whole batch in one statement, as one jsonb array of rows (an array of column values per
// event). Measured with 5,000-event batches: ~15k events/s per shard, against ~6k for an array
// parameter per column (the driver escapes every element) or for `json` (each `->>` re-scans the row).
const ROW_COLUMNS: readonly { column: string; pgType: string }[] = [
  { column: 'id', pgType: 'bigint' },
  { column: 'shard_id', pgType: 'text' },
  { column: 'sequence_number', pgType: 'text' },
  ...PG_EVENT_COLUMNS,
];
const INSERT_EVENTS = `INSERT INTO ${EVENTS} (${ROW_COLUMNS.map((c) => c.column).join(', ')})
  SELECT ${ROW_COLUMNS.map((c, i) => `(r->>${i})::${c.pgType}`).join(', ')} FROM jsonb_array_elements($1::jsonb) AS r`;

/** The rows of INSERT_EVENTS as JSON. */
function eventRowsJson(rows: readonly { id: string; shardId: string; sequenceNumber: string; event: ActivityEvent & StatementColumns }[]): string {
  const out: unknown[][] = [];
  for (const { id, shardId, sequenceNumber, event } of rows) {
    const row: unknown[] = [id, shardId, sequenceNumber];
    for (const { field } of EVENT_FIELD_COLUMNS) {
      const value = event[field.name as keyof ActivityEvent] as unknown;
      row.push(
        value === undefined || value === null
          ? null
          : field.type === 'object'
            ? JSON.stringify(value)
            : field.type === 'integer' && typeof value === 'number'
              ? Math.trunc(value)
              : value,
      );
      if (field.name === 'time') row.push(isoToMicros(event.time).toString());
    }
    row.push(event.category, event.fingerprint);
    out.push(row);
  }
  return JSON.stringify(out);
}

function rowToCheckpoint(row: Row): ShardCheckpoint {
  return {
    shardId: String(row.shard_id),
    sequenceNumber: row.checkpoint === null ? null : String(row.checkpoint),
    finished: row.finished === true,
    startedAtMs: row.started_at_ms === null ? null : Number(row.started_at_ms),
  };
}

export interface PgEventStoreOptions extends StatementColumnOptions {
  /** `postgres://user:password@host:port/database` (libpq's URL form; `sslmode` honoured). */
  url: string;
  /** Connections in the pool (default 6): appends of different shards run side by side. */
  poolSize?: number;
  /** Ends a session left idle inside a transaction for this long (ms; default 30 s), releasing its row locks. */
  idleInTransactionTimeoutMs?: number;
  /** Called once the schema is migrated (the worker logs it). */
  onMigrated?(outcome: MigrationOutcome): void;
}

export type PgEventStore = EventStore & { readonly url: string; readonly trigramSearch: boolean };

/**
 * The {@link EventStore} on PostgreSQL that a fleet of workers shares: events in a table
 * partitioned by day, dead letters, and the shard leases that hold the checkpoints. An append
 * writes a batch's events, its dead letters and the moved checkpoint in one transaction that
 * first locks the shard's lease row and checks that this worker still holds it (fencing).
 */
export async function createPgEventStore(options: PgEventStoreOptions): Promise<PgEventStore> {
  const pool = createStorePool({ url: options.url, max: options.poolSize ?? 6, idleInTransactionTimeoutMs: options.idleInTransactionTimeoutMs ?? 30_000 });
  let outcome: MigrationOutcome;
  try {
    outcome = await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  options.onMigrated?.(outcome);
  const partitions = createPartitions(pool);
  await partitions.refresh();
  const trigramSearch = (await pool.query(`SELECT 1 FROM ${SCHEMA}.schema_migrations WHERE version = 2 AND NOT skipped`)).rows.length > 0;
  let closed = false;
  const followers = new Set<{ close(): Promise<void> }>();

  const rows = async (sql: string, params: unknown[] = []): Promise<Row[]> => (await pool.query(sql, params)).rows as Row[];

  async function inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (closed) throw new Error('event store is closed');
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A connection the server ended (idle in a transaction past the lease TTL) is not reused.
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** Ids for new events, from the fleet's one sequence. */
  async function nextIds(client: pg.PoolClient, count: number): Promise<string[]> {
    if (count === 0) return [];
    const { rows: found } = await client.query<{ id: string }>(`SELECT nextval('${SCHEMA}.event_ids')::text AS id FROM generate_series(1, $1)`, [count]);
    return found.map((r) => r.id);
  }

  async function insertEvents(client: pg.PoolClient, list: { shardId: string; sequenceNumber: string; event: ActivityEvent }[]): Promise<StoredEvent[]> {
    const ids = await nextIds(client, list.length);
    if (ids.length === 0) return [];
    const withIds = list.map((item, i) => ({ ...item, event: deriveStatementColumns(item.event, options), id: ids[i] as string }));
    await client.query(INSERT_EVENTS, [eventRowsJson(withIds)]);
    // The decoded events belong to this batch: extend them in place instead of copying.
    return withIds.map(({ id, shardId, sequenceNumber, event }) => Object.assign(event, { id: Number(id), shardId, sequenceNumber }));
  }

  async function append(batch: ShardBatch): Promise<AppendResult> {
    const times: bigint[] = [];
    for (const record of batch.records) if ('events' in record) for (const event of record.events) times.push(isoToMicros(event.time));
    await partitions.ensure(times);
    try {
      return await appendInTransaction(batch);
    } catch (error) {
      // A day partition this worker knew of was dropped since (retention on another worker, a
      // late event): learn the partitions again and retry once, instead of failing the batch for good.
      if ((error as { code?: string }).code !== NO_PARTITION_FOR_ROW) throw error;
      await partitions.refresh();
      await partitions.ensure(times);
      return appendInTransaction(batch);
    }
  }

  function appendInTransaction(batch: ShardBatch): Promise<AppendResult> {
    return inTransaction(async (client) => {
      // The lease row is the checkpoint; locking it orders this append against a takeover.
      const { rows: found } = await client.query(
        `SELECT checkpoint, finished, started_at_ms, owner, counter FROM ${SCHEMA}.leases WHERE stream_key = $1 AND shard_id = $2 FOR UPDATE`,
        [batch.streamKey, batch.shardId],
      );
      const lease = found[0] as Row | undefined;
      if (batch.lease !== undefined && (lease === undefined || lease.owner !== batch.lease.owner || Number(lease.counter) !== batch.lease.counter)) {
        throw new LeaseLostError(batch.shardId);
      }
      const previous = lease === undefined ? undefined : rowToCheckpoint({ ...lease, shard_id: batch.shardId });
      const fresh = batch.records.filter(
        (r) => previous?.sequenceNumber == null || compareSequenceNumbers(r.sequenceNumber, previous.sequenceNumber) > 0,
      );
      const replayed = batch.records.length - fresh.length;
      const last = fresh.at(-1)?.sequenceNumber ?? previous?.sequenceNumber ?? null;
      const finished = batch.shardFinished === true || previous?.finished === true;
      const startedAtMs = previous?.startedAtMs ?? batch.startedAtMs ?? null;
      if (fresh.length === 0 && previous !== undefined && finished === previous.finished) return { stored: [], deadLetters: 0, replayed };

      const eventRows: { shardId: string; sequenceNumber: string; event: ActivityEvent }[] = [];
      const letters: (typeof fresh)[number][] = [];
      for (const record of fresh) {
        if ('events' in record) for (const event of record.events) eventRows.push({ shardId: batch.shardId, sequenceNumber: record.sequenceNumber, event });
        else letters.push(record);
      }
      const stored = await insertEvents(client, eventRows);
      await addToRollup(client, batch.shardId, stored);
      const storedAt = new Date().toISOString();
      if (letters.length > 0) {
        await client.query(
          `INSERT INTO ${SCHEMA}.dead_letters (reason, message, shard_id, sequence_number, arrived_at, stored_at, data)
           SELECT r, m, $3, s, a, $4, d FROM unnest($1::text[], $2::text[], $5::text[], $6::text[], $7::text[]) AS u(r, m, s, a, d)`,
          [
            letters.map((l) => ('deadLetter' in l ? l.deadLetter.reason : '')),
            letters.map((l) => ('deadLetter' in l ? l.deadLetter.message : '')),
            batch.shardId,
            storedAt,
            letters.map((l) => l.sequenceNumber),
            letters.map((l) => (l.arrivedAtMs === null ? null : new Date(l.arrivedAtMs).toISOString())),
            letters.map((l) => ('deadLetter' in l ? Buffer.from(l.deadLetter.data).toString('base64') : '')),
          ],
        );
      }
      // The checkpoint moves in the same transaction, after the events: never ahead of them.
      await client.query(
        `INSERT INTO ${SCHEMA}.leases (stream_key, shard_id, checkpoint, finished, started_at_ms, updated_at) VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (stream_key, shard_id) DO UPDATE SET checkpoint = excluded.checkpoint, finished = excluded.finished,
         started_at_ms = excluded.started_at_ms, updated_at = excluded.updated_at`,
        [batch.streamKey, batch.shardId, last, finished, startedAtMs === null ? null : Math.trunc(startedAtMs)],
      );
      // Delivered at commit: every worker's live feed reads the new rows.
      if (stored.length > 0 || letters.length > 0) await client.query(`SELECT pg_notify('${EVENTS_CHANNEL}', '')`);
      return { stored, deadLetters: letters.length, replayed };
    });
  }

  async function page(filter: EventFilter, request: EventPageRequest) {
    const order = request.order ?? 'desc';
    const params = new PgParams();
    let where = filterToPgSql(filter, params);
    if (request.cursor !== undefined && request.cursor !== '') {
      const [timeUs, id] = decodePageCursor(request.cursor, order);
      where += ` AND (time_us, id) ${order === 'asc' ? '>' : '<'} (${params.add(timeUs.toString())}::bigint, ${params.add(id.toString())}::bigint)`;
    }
    const direction = order === 'asc' ? 'ASC' : 'DESC';
    const limit = params.add(rowCount(request.limit, 'page limit') + 1);
    const found = await rows(`SELECT ${SELECT_COLUMNS} FROM ${EVENTS} WHERE ${where} ORDER BY time_us ${direction}, id ${direction} LIMIT ${limit}`, params.values);
    const pageRows = found.slice(0, request.limit);
    const last = pageRows.at(-1);
    const next = found.length > request.limit && last !== undefined ? encodePageCursor(last.time_us, last.id, order) : null;
    return { events: pageRows.map(rowToEvent), next };
  }

  /** Removes the rollup before `cutoffUs` and counts the minute it falls in again. */
  async function trimRollup(client: pg.PoolClient, cutoffUs: bigint): Promise<void> {
    const minute = floorMinute(cutoffUs);
    await client.query(`DELETE FROM ${ROLLUP} WHERE minute_us < $1::bigint`, [minute.toString()]);
    if (minute !== cutoffUs) await recountMinute(client, minute);
  }

  const FACET_COLUMNS = STORED_FACET_COLUMNS.map((dim) => dim.column);

  /** GROUPING SETS rows (gid, columns, n) of `table` under the filter; the top `limit` per dimension, or all. */
  async function facetRows(table: string, filter: EventFilter, count: string, limit: number | null, span?: Span): Promise<Row[]> {
    const params = new PgParams();
    const where = filterToPgSql(filter, params) + spanSql(span, params);
    const columns = FACET_COLUMNS.join(', ');
    const grouped = `SELECT GROUPING(${columns}) AS gid, ${columns}, ${count} AS n FROM ${table} WHERE ${where}
      GROUP BY GROUPING SETS (${FACET_COLUMNS.map((c) => `(${c})`).join(', ')}, ())`;
    if (limit === null) return rows(grouped, params.values);
    return rows(
      `WITH g AS (${grouped}), ranked AS (SELECT *, row_number() OVER (PARTITION BY gid ORDER BY n DESC) AS r FROM g)
       SELECT gid, ${columns}, n FROM ranked WHERE r <= ${params.add(limit)} ORDER BY gid, n DESC`,
      params.values,
    );
  }

  /** Rows (bucket ms, value of the grouping, n) of `table` under the filter. */
  async function histogramRows(table: string, filter: EventFilter, intervalUs: bigint, groupBy: HistogramGroupBy, span?: Span): Promise<Row[]> {
    const params = new PgParams();
    const bucketUs = params.add(intervalUs.toString());
    const time = table === ROLLUP ? 'minute_us' : 'time_us';
    const count = table === ROLLUP ? 'sum(n)' : 'count(*)';
    const where = filterToPgSql(filter, params) + spanSql(span, params);
    return rows(
      `SELECT div(${time}, ${bucketUs}::bigint) * (${bucketUs}::bigint / 1000) AS bucket, coalesce(${HISTOGRAM_GROUP_COLUMNS[groupBy]}, '') AS value, ${count} AS n
       FROM ${table} WHERE ${where} GROUP BY 1, 2 ORDER BY 1`,
      params.values,
    );
  }

  const store: PgEventStore = {
    url: options.url.replace(/\/\/[^@/]*@/, '//***@'),
    trigramSearch,
    append,

    async checkpoints(streamKey) {
      return (await rows(`SELECT shard_id, checkpoint, finished, started_at_ms FROM ${SCHEMA}.leases WHERE stream_key = $1`, [streamKey])).map(rowToCheckpoint);
    },

    async streamKeys() {
      return (await rows(`SELECT DISTINCT stream_key FROM ${SCHEMA}.leases ORDER BY stream_key`)).map((row) => String(row.stream_key));
    },

    query: page,

    async get(id) {
      const [row] = await rows(`SELECT ${SELECT_COLUMNS} FROM ${EVENTS} WHERE id = $1`, [String(id)]);
      return row === undefined ? null : rowToEvent(row);
    },

    async eventsAfter(afterId, limit) {
      const found = await rows(`SELECT ${SELECT_COLUMNS} FROM ${EVENTS} WHERE id > $1 ORDER BY id LIMIT $2`, [String(afterId), rowCount(limit, 'limit')]);
      return found.map(rowToEvent);
    },

    alerts: createPgAlertStore(pool),
    deliveries: createPgDeliveryStore(pool),

    async facets(filter, top = 20) {
      const limit = rowCount(top, 'facet top');
      const plan = planRollup(filter);
      if (plan === null) return facetsFromGroupingRows(await facetRows(EVENTS, filter, 'count(*)', limit));
      // Whole minutes from the rollup, partial ones from the events, merged here.
      const parts = await Promise.all([
        facetRows(ROLLUP, withoutTime(filter), 'sum(n)', null, plan.rollup),
        ...plan.edges.map((edge) => facetRows(EVENTS, spanFilter(filter, edge), 'count(*)', null)),
      ]);
      return topFacets(facetsFromGroupingRows(parts.flat()), limit);
    },

    async histogram(filter, intervalMs, histogramOptions = {}) {
      const groupBy = histogramOptions.groupBy ?? 'command';
      const intervalUs = BigInt(Math.max(1, Math.trunc(intervalMs))) * 1000n;
      const plan = intervalUs % MINUTE_US === 0n ? planRollup(filter) : null;
      if (plan === null) return histogramFromRows(await histogramRows(EVENTS, filter, intervalUs, groupBy), intervalMs, groupBy, histogramOptions.top);
      const parts = await Promise.all([
        histogramRows(ROLLUP, withoutTime(filter), intervalUs, groupBy, plan.rollup),
        ...plan.edges.map((edge) => histogramRows(EVENTS, spanFilter(filter, edge), intervalUs, groupBy)),
      ]);
      return histogramFromRows(sumBuckets(parts.flat()), intervalMs, groupBy, histogramOptions.top);
    },

    async topStatements(filter, limit) {
      const params = new PgParams();
      const where = filterToPgSql(filter, params);
      const found = await rows(
        `SELECT fingerprint, min(category) AS category, count(*) AS n, max(time) AS last_time FROM ${EVENTS}
         WHERE ${where} AND fingerprint IS NOT NULL GROUP BY fingerprint ORDER BY n DESC, fingerprint LIMIT ${params.add(rowCount(limit, 'limit'))}`,
        params.values,
      );
      return statementsFromRows(found);
    },

    export: (filter, limit = Number.MAX_SAFE_INTEGER) => exportByPages(page, filter, limit),

    async deadLetters(query) {
      const params = new PgParams();
      const parts = ['TRUE'];
      if (query.reason !== undefined) parts.push(`reason = ${params.add(query.reason)}`);
      if (query.ids !== undefined) {
        if (query.ids.length === 0) return { deadLetters: [], next: null };
        parts.push(`id = ANY(${params.add(query.ids.map(String))}::bigint[])`);
      }
      if (query.cursor !== undefined && query.cursor !== '') {
        const [id] = decodeCursor(query.cursor, 1) as [bigint];
        parts.push(`id < ${params.add(id.toString())}::bigint`);
      }
      const limit = params.add(rowCount(query.limit, 'page limit') + 1);
      const found = await rows(
        `SELECT ${deadLetterColumns(query.withData === true)} FROM ${SCHEMA}.dead_letters
         WHERE ${parts.join(' AND ')} ORDER BY id DESC LIMIT ${limit}`,
        params.values,
      );
      const list = found.slice(0, query.limit).map(rowToDeadLetter);
      const last = list.at(-1);
      return { deadLetters: list, next: found.length > query.limit && last !== undefined ? encodeCursor([last.id]) : null };
    },

    async getDeadLetter(id) {
      const [row] = await rows(`SELECT ${deadLetterColumns(true)} FROM ${SCHEMA}.dead_letters WHERE id = $1`, [String(id)]);
      return row === undefined ? null : rowToDeadLetter(row);
    },

    async deadLetterReasons() {
      return reasonsFromRows(await rows(`SELECT reason, count(*) AS n FROM ${SCHEMA}.dead_letters GROUP BY reason`));
    },

    async resolveDeadLetters(resolved) {
      const byId = new Map<number, StoredEvent[]>();
      if (resolved.length === 0) return byId;
      const times = resolved.flatMap((r) => r.events.map((e) => isoToMicros(e.time)));
      await partitions.ensure(times);
      return inTransaction(async (client) => {
        // Deleting first claims the letters: a concurrent replay (another worker) finds them gone.
        const { rows: gone } = await client.query(
          `DELETE FROM ${SCHEMA}.dead_letters WHERE id = ANY($1::bigint[]) RETURNING id, shard_id, sequence_number`,
          [resolved.map((r) => String(r.id))],
        );
        const letters = new Map(gone.map((row: Row) => [Number(row.id), { shardId: String(row.shard_id), sequenceNumber: String(row.sequence_number) }]));
        const list: { shardId: string; sequenceNumber: string; event: ActivityEvent; letter: number }[] = [];
        for (const { id, events } of resolved) {
          const letter = letters.get(id);
          if (letter === undefined) continue;
          byId.set(id, []);
          for (const event of events) list.push({ ...letter, event: { ...event }, letter: id });
        }
        const stored = await insertEvents(client, list);
        const byShard = new Map<string, StoredEvent[]>();
        for (const event of stored) byShard.set(event.shardId, [...(byShard.get(event.shardId) ?? []), event]);
        for (const [shardId, events] of [...byShard].sort(([a], [b]) => a.localeCompare(b))) await addToRollup(client, shardId, events);
        stored.forEach((event, i) => byId.get((list[i] as { letter: number }).letter)?.push(event));
        if (stored.length > 0) await client.query(`SELECT pg_notify('${EVENTS_CHANNEL}', '')`);
        return byId;
      });
    },

    async updateDeadLetter(id, reason, message) {
      await pool.query(`UPDATE ${SCHEMA}.dead_letters SET reason = $1, message = $2 WHERE id = $3`, [reason, message, String(id)]);
    },

    async applyRetention(policy: RetentionPolicy, nowMs = Date.now()) {
      return inTransaction(async (client) => {
        // One worker of the fleet applies retention at a time; the others skip this round.
        const { rows: lock } = await client.query(`SELECT pg_try_advisory_xact_lock(hashtext('das.retention')) AS got`);
        if (lock[0]?.got !== true) return 0;
        let removed = 0;
        if (policy.maxAgeHours !== null) {
          const cutoffUs = BigInt(Math.trunc(nowMs - policy.maxAgeHours * 3_600_000)) * 1000n;
          removed += await partitions.dropBefore(client, cutoffUs);
          removed += (await client.query(`DELETE FROM ${EVENTS} WHERE time_us < $1::bigint`, [cutoffUs.toString()])).rowCount ?? 0;
          await trimRollup(client, cutoffUs);
        }
        if (policy.maxEvents !== null) {
          // The newest maxEvents by time are kept: everything at or before the first one beyond them goes.
          const { rows: beyond } = await client.query(
            `SELECT time_us::text AS t, id::text AS id FROM ${EVENTS} ORDER BY time_us DESC, id DESC OFFSET $1 LIMIT 1`,
            [policy.maxEvents],
          );
          const first = beyond[0] as { t: string; id: string } | undefined;
          if (first !== undefined) {
            const result = await client.query(`DELETE FROM ${EVENTS} WHERE (time_us, id) <= ($1::bigint, $2::bigint)`, [first.t, first.id]);
            removed += result.rowCount ?? 0;
            await trimRollup(client, BigInt(first.t) + 1n);
          }
        }
        await client.query(`DELETE FROM ${SCHEMA}.dead_letters WHERE id <= (SELECT max(id) FROM ${SCHEMA}.dead_letters) - $1::bigint`, [MAX_DEAD_LETTERS]);
        return removed;
      });
    },

    async counts() {
      const [row] = await rows(`SELECT (SELECT count(*) FROM ${EVENTS}) AS e, (SELECT count(*) FROM ${SCHEMA}.dead_letters) AS d`);
      return { events: Number(row?.e ?? 0), deadLetters: Number(row?.d ?? 0) };
    },

    leases: createPgLeaseTable(pool),

    follow(onStored, onError) {
      const follower = followEvents({ connectionString: options.url, pool, onStored, onError });
      followers.add(follower);
      return {
        async close() {
          followers.delete(follower);
          await follower.close();
        },
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...followers].map((f) => f.close()));
      await pool.end();
    },
  };
  return store;
}
