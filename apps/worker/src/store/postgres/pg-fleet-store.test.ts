import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { normaliseEvents } from '@das/core';
import { buildMysqlEvent, buildPayload } from '@das/core/fixtures';
import type { StoredEvent } from '@das/contracts';
import { createTestDatabase } from '../../../test/support/pg-database.js';
import { LeaseLostError, type DecodedRecord } from '../event-store.js';
import { createPgEventStore, type PgEventStore } from './pg-event-store.js';
import { SchemaTooNewError } from './pg-migrate.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './pg-schema.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function database() {
  const db = await createTestDatabase();
  cleanups.push(() => db.drop());
  return db;
}

async function open(url: string): Promise<PgEventStore> {
  const store = await createPgEventStore({ url });
  cleanups.push(() => store.close());
  return store;
}

/** Records of one event each, numbered from `from`, with the statement `SELECT <n>`. */
function numbered(from: number, count: number): DecodedRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    sequenceNumber: String(from + i),
    arrivedAtMs: null,
    events: normaliseEvents(buildPayload([buildMysqlEvent({ commandText: `SELECT ${from + i}` })])),
  }));
}

describe('PostgreSQL store shared by a fleet', () => {
  it('migrates once when workers start together, and refuses a schema newer than it knows', async () => {
    const db = await database();
    const stores = await Promise.all([open(db.url), open(db.url), open(db.url)]);
    expect(stores).toHaveLength(3);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT version FROM das.schema_migrations ORDER BY version');
      expect(rows.map((r: { version: number }) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      await client.query(`INSERT INTO das.schema_migrations (version, description, skipped) VALUES (${LATEST_SCHEMA_VERSION + 1}, 'from the future', false)`);
    } finally {
      await client.end();
    }
    await expect(createPgEventStore({ url: db.url })).rejects.toThrow(SchemaTooNewError);
    await expect(createPgEventStore({ url: db.url })).rejects.toThrow(/newer than this worker knows/);
  });

  it('fences appends: once another worker takes the lease, the old owner stores nothing', async () => {
    const db = await database();
    const a = await open(db.url);
    const b = await open(db.url);
    const leases = a.leases!;
    await leases.register('s@1', [{ shardId: 'shard-0', parents: [] }]);
    const [row] = await leases.list('s@1');
    const leaseA = await leases.take('s@1', 'shard-0', 'worker-a', row!.counter, 60_000);
    expect(leaseA).toEqual({ owner: 'worker-a', counter: 1 });
    await a.append({ streamKey: 's@1', shardId: 'shard-0', records: numbered(1, 3), lease: leaseA! });
    // Not expired: worker-b cannot take it, unless it steals from worker-a.
    expect(await leases.take('s@1', 'shard-0', 'worker-b', 1, 60_000)).toBeNull();
    const leaseB = await b.leases!.take('s@1', 'shard-0', 'worker-b', 1, 60_000, 'worker-a');
    expect(leaseB).toEqual({ owner: 'worker-b', counter: 2 });
    await expect(a.append({ streamKey: 's@1', shardId: 'shard-0', records: numbered(4, 3), lease: leaseA! })).rejects.toThrow(LeaseLostError);
    // The new owner resumes after the old owner's last stored record.
    expect((await b.checkpoints('s@1'))[0]?.sequenceNumber).toBe('3');
    await b.append({ streamKey: 's@1', shardId: 'shard-0', records: numbered(4, 3), lease: leaseB! });
    expect(await b.counts()).toEqual({ events: 6, deadLetters: 0 });
    // Renewal tells worker-a it lost the lease.
    expect(await leases.renew('s@1', 'worker-a', [{ shardId: 'shard-0', counter: 1, lagMs: 0 }], 60_000)).toEqual(new Set());
    expect(await leases.renew('s@1', 'worker-b', [{ shardId: 'shard-0', counter: 2, lagMs: 5 }], 60_000)).toEqual(new Set(['shard-0']));
    await leases.release('s@1', 'worker-b');
    expect((await leases.list('s@1'))[0]).toMatchObject({ owner: null, counter: 2, lagMs: 5, checkpoint: '6' });
  });

  it('follows what every worker stores, in commit order, each event once', async () => {
    const db = await database();
    const a = await open(db.url);
    const b = await open(db.url);
    const seen: StoredEvent[] = [];
    let letters = 0;
    const follower = a.follow!(
      (events, deadLetters) => {
        seen.push(...events);
        letters += deadLetters;
      },
      (error) => {
        throw error;
      },
    );
    cleanups.push(() => follower.close());
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Four shards written side by side by two workers, each shard's batches in order.
    const writes: Promise<unknown>[] = [0, 1, 2, 3].map(async (shard) => {
      for (let batch = 0; batch < 5; batch += 1) {
        const store = (shard + batch) % 2 === 0 ? a : b;
        await store.append({ streamKey: 's@1', shardId: `shard-${shard}`, records: numbered(shard * 1000 + batch * 10 + 1, 10) });
      }
    });
    writes.push(
      b.append({
        streamKey: 's@1',
        shardId: 'shard-9',
        records: [{ sequenceNumber: '1', arrivedAtMs: null, deadLetter: { reason: 'ENVELOPE_NOT_JSON', message: 'x', data: Buffer.from('x') } }],
      }),
    );
    await Promise.all(writes);
    const deadline = Date.now() + 10_000;
    while ((seen.length < 200 || letters < 1) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toHaveLength(200);
    expect(new Set(seen.map((e) => e.id)).size).toBe(200);
    expect(new Set(seen.map((e) => e.text)).size).toBe(200);
    expect(letters).toBe(1);
    // Within a shard, in sequence order.
    for (let shard = 0; shard < 4; shard += 1) {
      const order = seen.filter((e) => e.shardId === `shard-${shard}`).map((e) => Number(e.sequenceNumber));
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
  });

  it('stores a late event of a day whose partition another worker dropped since', async () => {
    const db = await database();
    const a = await open(db.url);
    const b = await open(db.url);
    const now = Date.parse('2026-12-06T12:00:00Z');
    const at = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '000+00');
    const old = (seq: string) => ({ sequenceNumber: seq, arrivedAtMs: null, events: normaliseEvents(buildPayload([buildMysqlEvent({ logTime: at(now - 3 * 86_400_000) })])) });
    await a.append({ streamKey: 's@1', shardId: 'x', records: [old('1')] });
    // Worker b's retention drops the partition worker a created (and still believes in).
    expect(await b.applyRetention({ maxAgeHours: 24, maxEvents: null }, now)).toBe(1);
    const late = await a.append({ streamKey: 's@1', shardId: 'x', records: [old('2')] });
    expect(late.stored).toHaveLength(1);
    expect((await a.counts()).events).toBe(1);
  });

  it('drops whole day partitions for retention by age', async () => {
    const db = await database();
    const store = await open(db.url);
    const now = Date.parse('2026-12-06T12:00:00Z');
    const at = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '000+00');
    const day = 86_400_000;
    const events = normaliseEvents(buildPayload([3, 2, 1, 0].map((d) => buildMysqlEvent({ logTime: at(now - d * day) }))));
    await store.append({ streamKey: 's@1', shardId: 'a', records: [{ sequenceNumber: '1', arrivedAtMs: null, events }] });
    const partitions = async () => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'das.events'::regclass ORDER BY 1`);
        return rows.map((r: { relname: string }) => r.relname);
      } finally {
        await client.end();
      }
    };
    expect(await partitions()).toEqual(['events_d20261203', 'events_d20261204', 'events_d20261205', 'events_d20261206']);
    expect(await store.applyRetention({ maxAgeHours: 36, maxEvents: null }, now)).toBe(2);
    expect(await partitions()).toEqual(['events_d20261205', 'events_d20261206']);
    expect((await store.counts()).events).toBe(2);
  });
});
