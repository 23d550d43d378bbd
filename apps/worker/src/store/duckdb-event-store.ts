import { chmod, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { EventFilter } from '@das/core';
import type { StoredEvent } from '@das/contracts';
import { compareSequenceNumbers } from './sequence-number.js';
import { type AppendResult, type EventPageRequest, type EventStore, type RetentionPolicy, type ShardBatch, type ShardCheckpoint } from './event-store.js';
import { filterToSql } from './filter-sql.js';
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
} from './store-rows.js';
import { ADD_STATEMENT_COLUMNS, appendEventRow, CREATE_EVENTS_TABLE, EVENT_COLUMNS, rowToEvent, STORED_FACET_COLUMNS } from './event-columns.js';
import { deriveStatementColumns, type StatementColumnOptions } from './statement-columns.js';
import { ALERT_TABLES, createDuckDbAlertStore } from './duckdb-alert-store.js';
import { createDuckDbDeliveryStore, DELIVERY_TABLE } from './duckdb-delivery-store.js';

const SCHEMA = [
  CREATE_EVENTS_TABLE,
  // Files from before the statement columns: a new column is NULL for the events already there.
  ...ADD_STATEMENT_COLUMNS,
  `CREATE TABLE IF NOT EXISTS dead_letters (
    id BIGINT NOT NULL, reason VARCHAR NOT NULL, message VARCHAR, shard_id VARCHAR NOT NULL,
    sequence_number VARCHAR NOT NULL, arrived_at VARCHAR, stored_at VARCHAR NOT NULL, data VARCHAR NOT NULL)`,
  ...ALERT_TABLES,
  DELIVERY_TABLE,
  `CREATE TABLE IF NOT EXISTS checkpoints (
    stream_key VARCHAR NOT NULL, shard_id VARCHAR NOT NULL, sequence_number VARCHAR, finished BOOLEAN NOT NULL,
    started_at_ms BIGINT, updated_at VARCHAR NOT NULL, PRIMARY KEY (stream_key, shard_id))`,
];

/** Dead letters kept at most (the oldest go first); they hold raw record data. */
const MAX_DEAD_LETTERS = 100_000;

type Row = Record<string, unknown>;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function rowToCheckpoint(row: Row): ShardCheckpoint {
  return {
    shardId: String(row.shard_id),
    sequenceNumber: str(row.sequence_number),
    finished: row.finished === true,
    startedAtMs: num(row.started_at_ms),
  };
}

/**
 * The store holds SQL text: its directory 0700, its files 0600, whatever the umask made of them
 * (DuckDB creates the database and its WAL with the process's umask).
 */
async function restrictToOwner(path: string): Promise<void> {
  await chmod(dirname(path), 0o700);
  for (const file of [path, `${path}.wal`]) await chmod(file, 0o600).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/** A serial queue: DuckDB allows one writer transaction per connection at a time. */
function createSerialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

export interface DuckDbEventStoreOptions extends StatementColumnOptions {
  /** Database file, or `:memory:`. */
  path: string;
  /** DuckDB's buffer memory (`memory_limit`, MB; default 512): its own default is 80 % of RAM. */
  memoryLimitMb?: number | undefined;
  /** DuckDB's threads (default 1): each keeps buffers of its own; queries here are small. */
  threads?: number | undefined;
}

/**
 * The embedded {@link EventStore} on DuckDB: columnar, so facet and histogram scans over a
 * million events take milliseconds; writes go through the Appender inside one transaction per
 * shard batch (row inserts would be ~1.5k rows/s). Writes use one connection, reads another.
 */
export async function createDuckDbEventStore(options: DuckDbEventStoreOptions): Promise<EventStore> {
  if (options.path !== ':memory:') await mkdir(dirname(options.path), { recursive: true, mode: 0o700 });
  // Bounded caches: DuckDB would otherwise cache up to 80 % of RAM and run a thread per core.
  const instance = await DuckDBInstance.create(options.path, {
    memory_limit: `${options.memoryLimitMb ?? 512}MB`,
    threads: String(options.threads ?? 1),
  });
  const writer = await instance.connect();
  const reader = await instance.connect();
  for (const statement of SCHEMA) await writer.run(statement);
  if (options.path !== ':memory:') await restrictToOwner(options.path);
  // Fewer, larger WAL checkpoints: a checkpoint rewrites and recompresses row groups.
  await writer.run(`SET checkpoint_threshold = '256MB'`);

  const rows = async (connection: DuckDBConnection, sql: string, params: unknown[] = []): Promise<Row[]> => {
    const result = await connection.runAndReadAll(sql, params as never);
    return result.getRowObjectsJS() as Row[];
  };
  const scalar = async (sql: string, params: unknown[] = []): Promise<number> => {
    const [row] = await rows(reader, sql, params);
    return Number(row === undefined ? 0 : (Object.values(row)[0] ?? 0));
  };

  let nextEventId = (await scalar('SELECT coalesce(max(id), 0) FROM events')) + 1;
  let nextDeadLetterId = (await scalar('SELECT coalesce(max(id), 0) FROM dead_letters')) + 1;
  // The checkpoint of each shard, also used to recognise replayed records.
  const checkpointCache = new Map<string, ShardCheckpoint>();
  for (const row of await rows(reader, 'SELECT stream_key, shard_id, sequence_number, finished, started_at_ms FROM checkpoints')) {
    checkpointCache.set(`${String(row.stream_key)}\n${String(row.shard_id)}`, rowToCheckpoint(row));
  }
  const serial = createSerialQueue();
  let closed = false;

  async function append(batch: ShardBatch): Promise<AppendResult> {
    return serial(async () => {
      if (closed) throw new Error('event store is closed');
      const key = `${batch.streamKey}\n${batch.shardId}`;
      const previous = checkpointCache.get(key);
      const fresh = batch.records.filter(
        (r) => previous?.sequenceNumber == null || compareSequenceNumbers(r.sequenceNumber, previous.sequenceNumber) > 0,
      );
      const replayed = batch.records.length - fresh.length;
      const last = fresh.at(-1)?.sequenceNumber ?? previous?.sequenceNumber ?? null;
      const finished = batch.shardFinished === true || previous?.finished === true;
      const startedAtMs = previous?.startedAtMs ?? batch.startedAtMs ?? null;
      if (fresh.length === 0 && finished === (previous?.finished ?? false) && previous !== undefined) {
        return { stored: [], deadLetters: 0, replayed };
      }
      const stored: StoredEvent[] = [];
      let deadLetters = 0;
      let eventId = nextEventId;
      let deadLetterId = nextDeadLetterId;
      const storedAt = new Date().toISOString();
      await writer.run('BEGIN TRANSACTION');
      try {
        const eventAppender = await writer.createAppender('events');
        for (const record of fresh) {
          if (!('events' in record)) continue;
          for (const event of record.events) {
            appendEventRow(eventAppender, eventId, batch.shardId, record.sequenceNumber, deriveStatementColumns(event, options));
            // The decoded events belong to this batch: extend them in place instead of copying.
            stored.push(Object.assign(event, { id: eventId, shardId: batch.shardId, sequenceNumber: record.sequenceNumber }));
            eventId += 1;
          }
        }
        eventAppender.flushSync();
        eventAppender.closeSync();
        for (const record of fresh) {
          if (!('deadLetter' in record)) continue;
          await writer.run(
            'INSERT INTO dead_letters (id, reason, message, shard_id, sequence_number, arrived_at, stored_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            [
              deadLetterId,
              record.deadLetter.reason,
              record.deadLetter.message,
              batch.shardId,
              record.sequenceNumber,
              record.arrivedAtMs === null ? null : new Date(record.arrivedAtMs).toISOString(),
              storedAt,
              Buffer.from(record.deadLetter.data).toString('base64'),
            ],
          );
          deadLetterId += 1;
          deadLetters += 1;
        }
        // The checkpoint moves in the same transaction, after the events: never ahead of them.
        await writer.run(
          `INSERT INTO checkpoints (stream_key, shard_id, sequence_number, finished, started_at_ms, updated_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (stream_key, shard_id) DO UPDATE SET sequence_number = excluded.sequence_number,
           finished = excluded.finished, started_at_ms = excluded.started_at_ms, updated_at = excluded.updated_at`,
          [batch.streamKey, batch.shardId, last, finished, startedAtMs === null ? null : BigInt(Math.trunc(startedAtMs)), storedAt],
        );
        await writer.run('COMMIT');
      } catch (error) {
        await writer.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
      nextEventId = eventId;
      nextDeadLetterId = deadLetterId;
      checkpointCache.set(key, { shardId: batch.shardId, sequenceNumber: last, finished, startedAtMs });
      return { stored, deadLetters, replayed };
    });
  }

  async function page(filter: EventFilter, request: EventPageRequest) {
    const order = request.order ?? 'desc';
    const condition = filterToSql(filter);
    let where = condition.where;
    const params: unknown[] = [...condition.params];
    if (request.cursor !== undefined && request.cursor !== '') {
      const [timeUs, id] = decodePageCursor(request.cursor, order);
      const beyond = order === 'asc' ? '>' : '<';
      where += ` AND (time_us ${beyond} CAST(? AS BIGINT) OR (time_us = CAST(? AS BIGINT) AND id ${beyond} CAST(? AS BIGINT)))`;
      params.push(timeUs, timeUs, id);
    }
    const direction = order === 'asc' ? 'ASC' : 'DESC';
    // Two steps: the top-N over two narrow columns, then the full rows of just that page
    // (a top-N carrying every column is ~25× slower on DuckDB).
    const keys = await rows(
      reader,
      `SELECT id, time_us FROM events WHERE ${where} ORDER BY time_us ${direction}, id ${direction} LIMIT CAST(? AS BIGINT)`,
      [...params, rowCount(request.limit, 'page limit') + 1],
    );
    const pageKeys = keys.slice(0, request.limit);
    const lastKey = pageKeys.at(-1);
    const next = keys.length > request.limit && lastKey !== undefined ? encodePageCursor(lastKey.time_us, lastKey.id, order) : null;
    if (pageKeys.length === 0) return { events: [], next };
    const ids = pageKeys.map((k) => BigInt(k.id as bigint | number));
    const lowest = ids.reduce((a, b) => (b < a ? b : a));
    const highest = ids.reduce((a, b) => (b > a ? b : a));
    // The range lets DuckDB skip row groups by their id min/max; the list picks the rows.
    const full = await rows(
      reader,
      `SELECT ${EVENT_COLUMNS} FROM events WHERE id BETWEEN CAST(? AS BIGINT) AND CAST(? AS BIGINT) AND id IN (${ids.map(() => 'CAST(? AS BIGINT)').join(', ')})`,
      [lowest, highest, ...ids],
    );
    const byId = new Map(full.map((row) => [Number(row.id), row]));
    const events = pageKeys.map((k) => byId.get(Number(k.id))).filter((row): row is Row => row !== undefined).map(rowToEvent);
    return { events, next };
  }

  return {
    append,

    async checkpoints(streamKey) {
      const list = await rows(reader, 'SELECT shard_id, sequence_number, finished, started_at_ms FROM checkpoints WHERE stream_key = ?', [streamKey]);
      return list.map(rowToCheckpoint);
    },

    async streamKeys() {
      return (await rows(reader, 'SELECT DISTINCT stream_key FROM checkpoints ORDER BY stream_key')).map((row) => String(row.stream_key));
    },

    query: page,

    async get(id) {
      const [row] = await rows(reader, `SELECT ${EVENT_COLUMNS} FROM events WHERE id = CAST(? AS BIGINT)`, [BigInt(id)]);
      return row === undefined ? null : rowToEvent(row);
    },

    async eventsAfter(afterId, limit) {
      const found = await rows(reader, `SELECT ${EVENT_COLUMNS} FROM events WHERE id > CAST(? AS BIGINT) ORDER BY id LIMIT CAST(? AS BIGINT)`, [
        BigInt(afterId),
        rowCount(limit, 'limit'),
      ]);
      return found.map(rowToEvent);
    },

    alerts: createDuckDbAlertStore({ writer, reader, serial }),
    deliveries: createDuckDbDeliveryStore({ writer, reader, serial }),

    async facets(filter, top = 20) {
      const { where, params } = filterToSql(filter);
      const columns = STORED_FACET_COLUMNS.map((dim) => dim.column);
      // One scan for all dimensions (GROUPING SETS), then the top values per dimension.
      const found = await rows(
        reader,
        `WITH g AS (
           SELECT GROUPING(${columns.join(', ')}) AS gid, ${columns.join(', ')}, count(*) AS n
           FROM events WHERE ${where}
           GROUP BY GROUPING SETS (${columns.map((c) => `(${c})`).join(', ')}, ())
         ), ranked AS (
           SELECT *, row_number() OVER (PARTITION BY gid ORDER BY n DESC) AS r FROM g
         )
         SELECT gid, ${columns.join(', ')}, n FROM ranked WHERE r <= CAST(? AS BIGINT) ORDER BY gid, n DESC`,
        [...params, rowCount(top, 'facet top')],
      );
      return facetsFromGroupingRows(found);
    },

    async histogram(filter, intervalMs, histogramOptions = {}) {
      const { where, params } = filterToSql(filter);
      const groupBy = histogramOptions.groupBy ?? 'command';
      const intervalUs = BigInt(Math.max(1, Math.trunc(intervalMs))) * 1000n;
      const found = await rows(
        reader,
        // Typed parameters: untyped ones make DuckDB do the bucket arithmetic ~70× slower.
        `SELECT (time_us // CAST(? AS BIGINT)) * CAST(? AS BIGINT) AS bucket, coalesce(${HISTOGRAM_GROUP_COLUMNS[groupBy]}, '') AS value, count(*) AS n
         FROM events WHERE ${where} GROUP BY ALL ORDER BY bucket`,
        [intervalUs, intervalUs / 1000n, ...params],
      );
      return histogramFromRows(found, intervalMs, groupBy, histogramOptions.top);
    },

    async topStatements(filter, limit) {
      const { where, params } = filterToSql(filter);
      const found = await rows(
        reader,
        `SELECT fingerprint, min(category) AS category, count(*) AS n, max(time) AS last_time FROM events
         WHERE ${where} AND fingerprint IS NOT NULL GROUP BY fingerprint ORDER BY n DESC, fingerprint LIMIT CAST(? AS BIGINT)`,
        [...params, rowCount(limit, 'limit')],
      );
      return statementsFromRows(found);
    },

    export: (filter, limit = Number.MAX_SAFE_INTEGER) => exportByPages(page, filter, limit),

    async deadLetters(query) {
      const parts: string[] = ['TRUE'];
      const params: unknown[] = [];
      if (query.reason !== undefined) {
        parts.push('reason = ?');
        params.push(query.reason);
      }
      if (query.ids !== undefined) {
        if (query.ids.length === 0) return { deadLetters: [], next: null };
        parts.push(`id IN (${query.ids.map(() => 'CAST(? AS BIGINT)').join(', ')})`);
        params.push(...query.ids.map((id) => BigInt(id)));
      }
      if (query.cursor !== undefined && query.cursor !== '') {
        const [id] = decodeCursor(query.cursor, 1) as [bigint];
        parts.push('id < CAST(? AS BIGINT)');
        params.push(id);
      }
      const found = await rows(
        reader,
        `SELECT ${deadLetterColumns(query.withData === true)} FROM dead_letters
         WHERE ${parts.join(' AND ')} ORDER BY id DESC LIMIT CAST(? AS BIGINT)`,
        [...params, rowCount(query.limit, 'page limit') + 1],
      );
      const list = found.slice(0, query.limit).map(rowToDeadLetter);
      const last = list.at(-1);
      return { deadLetters: list, next: found.length > query.limit && last !== undefined ? encodeCursor([last.id]) : null };
    },

    async getDeadLetter(id) {
      const [row] = await rows(reader, `SELECT ${deadLetterColumns(true)} FROM dead_letters WHERE id = CAST(? AS BIGINT)`, [BigInt(id)]);
      return row === undefined ? null : rowToDeadLetter(row);
    },

    async deadLetterReasons() {
      return reasonsFromRows(await rows(reader, 'SELECT reason, count(*) AS n FROM dead_letters GROUP BY reason'));
    },

    async resolveDeadLetters(resolved) {
      return serial(async () => {
        if (closed) throw new Error('event store is closed');
        const byId = new Map<number, StoredEvent[]>();
        if (resolved.length === 0) return byId;
        const ids = resolved.map((r) => BigInt(r.id));
        const found = await rows(
          writer,
          `SELECT id, shard_id, sequence_number FROM dead_letters WHERE id IN (${ids.map(() => 'CAST(? AS BIGINT)').join(', ')})`,
          ids,
        );
        const letters = new Map(found.map((row) => [Number(row.id), { shardId: String(row.shard_id), sequenceNumber: String(row.sequence_number) }]));
        let eventId = nextEventId;
        await writer.run('BEGIN TRANSACTION');
        try {
          const appender = await writer.createAppender('events');
          for (const { id, events } of resolved) {
            const letter = letters.get(id);
            if (letter === undefined) continue;
            const stored: StoredEvent[] = [];
            for (const event of events) {
              const derived = deriveStatementColumns(event, options);
              appendEventRow(appender, eventId, letter.shardId, letter.sequenceNumber, derived);
              stored.push({ ...derived, id: eventId, ...letter });
              eventId += 1;
            }
            byId.set(id, stored);
          }
          appender.flushSync();
          appender.closeSync();
          const gone = [...byId.keys()].map((id) => BigInt(id));
          if (gone.length > 0) await writer.run(`DELETE FROM dead_letters WHERE id IN (${gone.map(() => 'CAST(? AS BIGINT)').join(', ')})`, gone);
          await writer.run('COMMIT');
        } catch (error) {
          await writer.run('ROLLBACK').catch(() => undefined);
          throw error;
        }
        nextEventId = eventId;
        return byId;
      });
    },

    async updateDeadLetter(id, reason, message) {
      await serial(async () => {
        if (closed) throw new Error('event store is closed');
        await writer.run('UPDATE dead_letters SET reason = ?, message = ? WHERE id = CAST(? AS BIGINT)', [reason, message, BigInt(id)]);
      });
    },

    async applyRetention(policy: RetentionPolicy, nowMs = Date.now()) {
      return serial(async () => {
        let removed = 0;
        if (policy.maxAgeHours !== null) {
          const cutoffUs = BigInt(Math.trunc(nowMs - policy.maxAgeHours * 3_600_000)) * 1000n;
          const result = await writer.run('DELETE FROM events WHERE time_us < CAST(? AS BIGINT)', [cutoffUs]);
          removed += Number(result.rowsChanged);
        }
        if (policy.maxEvents !== null) {
          // Ids grow with arrival, so the newest maxEvents are the highest ids.
          const result = await writer.run(
            'DELETE FROM events WHERE id <= (SELECT max(id) FROM events) - CAST(? AS BIGINT)',
            [BigInt(policy.maxEvents)],
          );
          removed += Number(result.rowsChanged);
        }
        await writer.run('DELETE FROM dead_letters WHERE id <= (SELECT max(id) FROM dead_letters) - CAST(? AS BIGINT)', [BigInt(MAX_DEAD_LETTERS)]);
        return removed;
      });
    },

    async counts() {
      const [row] = await rows(reader, 'SELECT (SELECT count(*) FROM events) AS e, (SELECT count(*) FROM dead_letters) AS d');
      return { events: Number(row?.e ?? 0), deadLetters: Number(row?.d ?? 0) };
    },

    async close() {
      await serial(async () => {
        if (closed) return;
        closed = true;
        writer.closeSync();
        reader.closeSync();
        instance.closeSync();
      });
    },
  };
}
