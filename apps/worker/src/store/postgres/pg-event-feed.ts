import pg from 'pg';
import type { StoredEvent } from '@das/contracts';
import { rowToEvent } from '../event-columns.js';
import { PG_EVENT_COLUMNS, SCHEMA } from './pg-schema.js';

/** The channel appends notify on commit. */
export const EVENTS_CHANNEL = 'das_events';

const SELECT_COLUMNS = ['id', 'ingest_xid::text AS xid', 'shard_id', 'sequence_number', ...PG_EVENT_COLUMNS.map((c) => c.column)].join(', ');
const PAGE = 5000;

export interface EventFeedOptions {
  connectionString: string;
  pool: pg.Pool;
  onStored(events: StoredEvent[], deadLetters: number): void;
  onError(error: unknown): void;
  /** A read without a notification, in case one was missed (ms). */
  pollMs?: number;
}

/**
 * Follows the rows every worker commits, in commit order, with nothing missed or repeated:
 * NOTIFY only wakes it up; it then reads the rows whose writing transaction is older than the
 * oldest one still running (`pg_snapshot_xmin`), since no row of those can appear later, and
 * remembers that bound. A transaction left open elsewhere on the server holds the feed back
 * until it ends.
 */
export function followEvents(options: EventFeedOptions): { close(): Promise<void> } {
  const { pool } = options;
  const listener = new pg.Client({ connectionString: options.connectionString, application_name: 'das-worker live' });
  let doneBelow: string | undefined;
  let reading = false;
  let again = false;
  let closed = false;

  async function settledBound(): Promise<string> {
    const { rows } = await pool.query<{ x: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS x');
    return (rows[0] as { x: string }).x;
  }

  async function readSettled(): Promise<void> {
    const from = doneBelow as string;
    const to = await settledBound();
    if (to === from) return;
    let after: { xid: string; id: string } | undefined;
    for (;;) {
      const params: unknown[] = [from, to];
      let where = 'ingest_xid >= $1::xid8 AND ingest_xid < $2::xid8';
      if (after !== undefined) {
        params.push(after.xid, after.id);
        where += ' AND (ingest_xid, id) > ($3::xid8, $4::bigint)';
      }
      params.push(PAGE);
      const { rows } = await pool.query(`SELECT ${SELECT_COLUMNS} FROM ${SCHEMA}.events WHERE ${where} ORDER BY ingest_xid, id LIMIT $${params.length}`, params);
      const last = rows.at(-1) as Record<string, unknown> | undefined;
      if (rows.length > 0) options.onStored(rows.map(rowToEvent), 0);
      if (rows.length < PAGE || last === undefined) break;
      after = { xid: String(last.xid), id: String(last.id) };
    }
    const { rows: letters } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${SCHEMA}.dead_letters WHERE ingest_xid >= $1::xid8 AND ingest_xid < $2::xid8`,
      [from, to],
    );
    const deadLetters = Number(letters[0]?.n ?? 0);
    if (deadLetters > 0) options.onStored([], deadLetters);
    doneBelow = to;
  }

  async function wake(): Promise<void> {
    if (closed || doneBelow === undefined) return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        await readSettled();
      } while (again && !closed);
    } catch (error) {
      if (!closed) options.onError(error);
    } finally {
      reading = false;
    }
  }

  const timer = setInterval(() => void wake(), options.pollMs ?? 1000);
  timer.unref();
  listener.on('notification', () => void wake());
  listener.on('error', (error) => {
    if (!closed) options.onError(error);
  });
  const started = (async () => {
    await listener.connect();
    await listener.query(`LISTEN ${EVENTS_CHANNEL}`);
    doneBelow = await settledBound();
  })().catch((error: unknown) => {
    if (!closed) options.onError(error);
  });

  return {
    async close() {
      closed = true;
      clearInterval(timer);
      await started;
      await listener.end().catch(() => undefined);
    },
  };
}
