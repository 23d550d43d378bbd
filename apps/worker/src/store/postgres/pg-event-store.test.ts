import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { normaliseEvents } from '@das/core';
import { buildMysqlEvent, buildPayload } from '@das/core/fixtures';
import { createTestDatabase } from '../../../test/support/pg-database.js';
import { describeEventStore } from '../event-store-conformance.js';
import { createPgEventStore } from './pg-event-store.js';
import { MIGRATIONS, SCHEMA } from './pg-schema.js';

describeEventStore('PostgreSQL event store', async () => {
  const database = await createTestDatabase();
  return { open: (options) => createPgEventStore({ url: database.url, ...options }), remove: () => database.drop() };
});

describe('PostgreSQL stores at schema version 3', () => {
  it('migrate to the statement columns: old events read with none, new ones with them, facets from the rollup over both', async () => {
    const database = await createTestDatabase();
    try {
      // A store as workers before migration 4 left it, with one event (and its rollup row) from an hour ago.
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const hourAgoUs = BigInt(Date.now() - 3_600_000) * 1000n;
      const minuteUs = hourAgoUs - (hourAgoUs % 60_000_000n);
      try {
        await client.query(`CREATE SCHEMA ${SCHEMA}`);
        await client.query(`CREATE TABLE ${SCHEMA}.schema_migrations (version integer PRIMARY KEY, description text NOT NULL, skipped boolean NOT NULL,
          skip_reason text, applied_at timestamptz NOT NULL DEFAULT now())`);
        for (const migration of MIGRATIONS.filter((m) => m.version <= 3 && m.optional !== true)) {
          for (const statement of migration.statements) await client.query(statement);
          await client.query(`INSERT INTO ${SCHEMA}.schema_migrations (version, description, skipped) VALUES ($1, $2, false)`, [migration.version, migration.description]);
        }
        await client.query(`INSERT INTO ${SCHEMA}.schema_migrations (version, description, skipped) VALUES (2, 'trigram', true)`);
        // The day partition, named as the store names it (it finds and keeps it).
        const dayUs = hourAgoUs - (hourAgoUs % 86_400_000_000n);
        const day = new Date(Number(dayUs / 1000n)).toISOString().slice(0, 10).replaceAll('-', '');
        await client.query(`CREATE TABLE ${SCHEMA}.events_d${day} PARTITION OF ${SCHEMA}.events FOR VALUES FROM (${dayUs}) TO (${dayUs + 86_400_000_000n})`);
        await client.query(
          `INSERT INTO ${SCHEMA}.events (id, shard_id, sequence_number, engine, kind, time, time_us, time_ms, cluster_id, instance_id, user_name, command, text, failed, raw)
           VALUES (nextval('${SCHEMA}.event_ids'), 'shard-a', '1', 'mysql', 'record', $1, $2, $3, 'c', 'i', 'app', 'QUERY', 'DROP TABLE t', false, '{}')`,
          [new Date(Number(hourAgoUs / 1000n)).toISOString().replace('Z', '000Z'), hourAgoUs.toString(), Number(hourAgoUs / 1000n)],
        );
        await client.query(
          `INSERT INTO ${SCHEMA}.event_rollup (minute_us, shard_id, key, kind, user_name, command, failed, n) VALUES ($1, 'shard-a', '\\x00', 'record', 'app', 'QUERY', false, 1)`,
          [minuteUs.toString()],
        );
      } finally {
        await client.end();
      }

      const store = await createPgEventStore({ url: database.url });
      try {
        expect(await store.get(1)).toMatchObject({ text: 'DROP TABLE t', category: null, fingerprint: null });
        const now = new Date().toISOString().replace('T', ' ').replace('Z', '000+00');
        const { stored } = await store.append({
          streamKey: 's@1',
          shardId: 'shard-b',
          records: [{ sequenceNumber: '2', arrivedAtMs: null, events: normaliseEvents(buildPayload([buildMysqlEvent({ commandText: 'DROP TABLE u', logTime: now })])) }],
        });
        expect(await store.get(stored[0]?.id as number)).toMatchObject({ category: 'DDL', fingerprint: 'drop table u' });
        expect((await store.query({ categories: ['DDL'] }, { limit: 10 })).events.map((e) => e.id)).toEqual([stored[0]?.id]);
        // Two hours: whole minutes come from the rollup, where the old row has no category.
        const facets = await store.facets({ from: new Date(Date.now() - 7_200_000).toISOString() });
        expect(facets.total).toBe(2);
        expect(new Map(facets.categories?.map((f) => [f.value, f.count]))).toEqual(new Map([['DDL', 1], [null, 1]]));
      } finally {
        await store.close();
      }
    } finally {
      await database.drop();
    }
  });
});
