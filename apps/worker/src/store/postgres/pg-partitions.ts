import type { Pool, PoolClient } from 'pg';
import { SCHEMA } from './pg-schema.js';

const DAY_US = 86_400_000_000n;

/** The day (UTC) of a time in µs, as the number of days since the epoch. */
export const dayOf = (timeUs: bigint): bigint => (timeUs >= 0n ? timeUs / DAY_US : (timeUs - DAY_US + 1n) / DAY_US);

function partitionName(day: bigint): string {
  const date = new Date(Number(day) * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  return `events_d${date.replace(/^-/, 'm')}`;
}

/**
 * The events table's day partitions: created before a batch that needs them (under an advisory
 * lock, so that workers do not race), dropped whole by retention instead of deleting rows.
 */
export function createPartitions(pool: Pool) {
  const known = new Set<bigint>();

  async function refresh(client: Pool | PoolClient = pool): Promise<void> {
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = '${SCHEMA}.events'::regclass`,
    );
    known.clear();
    for (const { name } of rows) {
      const match = /^events_d(m?)(\d{4})(\d{2})(\d{2})$/.exec(name);
      if (match === null) continue;
      const ms = Date.UTC(Number(match[2]) * (match[1] === 'm' ? -1 : 1), Number(match[3]) - 1, Number(match[4]));
      known.add(BigInt(Math.floor(ms / 86_400_000)));
    }
  }

  return {
    refresh,

    /** Makes sure a partition exists for each day of these times. */
    async ensure(timesUs: Iterable<bigint>): Promise<void> {
      const missing = new Set<bigint>();
      for (const t of timesUs) {
        const day = dayOf(t);
        if (!known.has(day)) missing.add(day);
      }
      if (missing.size === 0) return;
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT pg_advisory_xact_lock(hashtext('das.events partitions'))`);
        for (const day of missing) {
          await client.query(
            `CREATE TABLE IF NOT EXISTS ${SCHEMA}.${partitionName(day)} PARTITION OF ${SCHEMA}.events
             FOR VALUES FROM (${(day * DAY_US).toString()}) TO (${((day + 1n) * DAY_US).toString()})`,
          );
        }
        await client.query('COMMIT');
        for (const day of missing) known.add(day);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },

    /** Drops the partitions that end at or before `cutoffUs`; returns the rows they held. */
    async dropBefore(client: PoolClient, cutoffUs: bigint): Promise<number> {
      await refresh(client);
      let removed = 0;
      for (const day of [...known].sort((a, b) => (a < b ? -1 : 1))) {
        if ((day + 1n) * DAY_US > cutoffUs) break;
        const name = `${SCHEMA}.${partitionName(day)}`;
        const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${name}`);
        await client.query(`DROP TABLE ${name}`);
        removed += Number(rows[0]?.n ?? 0);
        known.delete(day);
      }
      return removed;
    },
  };
}
