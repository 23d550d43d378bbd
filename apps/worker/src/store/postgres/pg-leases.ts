import type pg from 'pg';
import type { FleetWorkerRow, LeaseRow, LeaseTable } from '../event-store.js';
import { SCHEMA } from './pg-schema.js';

type Row = Record<string, unknown>;

const iso = (value: unknown): string | null => (value === null || value === undefined ? null : new Date(value as string | Date).toISOString());

/**
 * The lease table on PostgreSQL. Expiry is compared with the database's clock (`now()`), so
 * workers whose clocks disagree still agree on who holds what.
 */
export function createPgLeaseTable(pool: pg.Pool): LeaseTable {
  return {
    async register(streamKey, shards) {
      if (shards.length === 0) return;
      await pool.query(
        `INSERT INTO ${SCHEMA}.leases (stream_key, shard_id, parents)
         SELECT $1, s, CASE WHEN p = '' THEN '{}'::text[] ELSE string_to_array(p, ',') END FROM unnest($2::text[], $3::text[]) AS u(s, p)
         ON CONFLICT (stream_key, shard_id) DO NOTHING`,
        [streamKey, shards.map((s) => s.shardId), shards.map((s) => s.parents.join(','))],
      );
    },

    async list(streamKey) {
      const { rows } = await pool.query(
        `SELECT shard_id, parents, owner, counter, expires_at, coalesce(expires_at < now(), true) AS expired, checkpoint, finished, lag_ms
         FROM ${SCHEMA}.leases WHERE stream_key = $1 ORDER BY shard_id`,
        [streamKey],
      );
      return rows.map(
        (row: Row): LeaseRow => ({
          shardId: String(row.shard_id),
          parents: (row.parents as string[] | null) ?? [],
          owner: row.owner === null ? null : String(row.owner),
          counter: Number(row.counter),
          expired: row.expired === true,
          expiresAt: iso(row.expires_at),
          checkpoint: row.checkpoint === null ? null : String(row.checkpoint),
          finished: row.finished === true,
          lagMs: row.lag_ms === null ? null : Number(row.lag_ms),
        }),
      );
    },

    async take(streamKey, shardId, owner, seen, ttlMs, from) {
      // Free (no owner), expired, or held by `from` (a steal); and nobody changed it since we looked.
      // SKIP LOCKED: a row locked by an append in progress is not waited for (its owner may be paused
      // inside the transaction); it is tried again next round.
      const { rows } = await pool.query(
        `UPDATE ${SCHEMA}.leases AS l SET owner = $3, counter = l.counter + 1, expires_at = now() + $5 * interval '1 millisecond', updated_at = now()
         FROM (SELECT stream_key, shard_id FROM ${SCHEMA}.leases
               WHERE stream_key = $1 AND shard_id = $2 AND counter = $4 AND NOT finished
                 AND (owner IS NULL OR expires_at IS NULL OR expires_at < now() OR owner = $6)
               FOR UPDATE SKIP LOCKED) AS free
         WHERE l.stream_key = free.stream_key AND l.shard_id = free.shard_id
         RETURNING l.counter`,
        [streamKey, shardId, owner, seen, ttlMs, from ?? null],
      );
      const row = rows[0] as Row | undefined;
      return row === undefined ? null : { owner, counter: Number(row.counter) };
    },

    async renew(streamKey, owner, held, ttlMs) {
      if (held.length === 0) return new Set();
      const { rows } = await pool.query(
        `UPDATE ${SCHEMA}.leases AS l SET expires_at = now() + $3 * interval '1 millisecond', lag_ms = h.lag
         FROM unnest($4::text[], $5::bigint[], $6::bigint[]) AS h(shard, counter, lag)
         WHERE l.stream_key = $1 AND l.owner = $2 AND l.shard_id = h.shard AND l.counter = h.counter
         RETURNING l.shard_id`,
        [streamKey, owner, ttlMs, held.map((h) => h.shardId), held.map((h) => h.counter), held.map((h) => h.lagMs)],
      );
      return new Set(rows.map((row: Row) => String(row.shard_id)));
    },

    async release(streamKey, owner, shardIds) {
      await pool.query(
        `UPDATE ${SCHEMA}.leases SET owner = NULL, expires_at = NULL, updated_at = now()
         WHERE stream_key = $1 AND owner = $2 AND ($3::text[] IS NULL OR shard_id = ANY($3::text[]))`,
        [streamKey, owner, shardIds === undefined ? null : [...shardIds]],
      );
    },

    async heartbeat(worker) {
      await pool.query(
        `INSERT INTO ${SCHEMA}.workers (worker_id, host, pid, url, started_at, last_seen, events_per_second, records_per_second)
         VALUES ($1, $2, $3, $4, $5, now(), $6, $7)
         ON CONFLICT (worker_id) DO UPDATE SET url = excluded.url, last_seen = now(),
           events_per_second = excluded.events_per_second, records_per_second = excluded.records_per_second`,
        [worker.workerId, worker.host, worker.pid, worker.url, worker.startedAt, worker.eventsPerSecond, worker.recordsPerSecond],
      );
    },

    async workers(aliveMs) {
      await pool.query(`DELETE FROM ${SCHEMA}.workers WHERE last_seen < now() - interval '1 day'`);
      const { rows } = await pool.query(
        `SELECT worker_id, host, pid, url, started_at, last_seen, events_per_second, records_per_second,
           last_seen >= now() - $1 * interval '1 millisecond' AS alive
         FROM ${SCHEMA}.workers ORDER BY started_at, worker_id`,
        [aliveMs],
      );
      return rows.map(
        (row: Row): FleetWorkerRow => ({
          workerId: String(row.worker_id),
          host: String(row.host),
          pid: Number(row.pid),
          url: row.url === null ? null : String(row.url),
          startedAt: iso(row.started_at) as string,
          lastSeen: iso(row.last_seen) as string,
          alive: row.alive === true,
          eventsPerSecond: Number(row.events_per_second),
          recordsPerSecond: Number(row.records_per_second),
        }),
      );
    },

    async leave(workerId) {
      await pool.query(`DELETE FROM ${SCHEMA}.workers WHERE worker_id = $1`, [workerId]);
    },
  };
}
