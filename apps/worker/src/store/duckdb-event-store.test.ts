import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { normaliseEvents } from '@das/core';
import { buildMysqlEvent, buildPayload } from '@das/core/fixtures';
import { tempDir } from '../../test/support/worker-harness.js';
import { createDuckDbEventStore } from './duckdb-event-store.js';
import { describeEventStore } from './event-store-conformance.js';

describeEventStore('DuckDB event store', async () => {
  const dir = await tempDir();
  return { open: (options) => createDuckDbEventStore({ path: `${dir.path}/events.duckdb`, ...options }), remove: () => dir.remove() };
});

describe('DuckDB store files from before the statement columns', () => {
  it('gain the columns: old events read with none, new ones stored with them, filters and facets over both', async () => {
    const dir = await tempDir();
    const path = `${dir.path}/events.duckdb`;
    try {
      // The events table as stores before the statement columns created it, with one event.
      const old = await DuckDBInstance.create(path);
      const connection = await old.connect();
      await connection.run(`CREATE TABLE events (
        id BIGINT NOT NULL, shard_id VARCHAR NOT NULL, sequence_number VARCHAR NOT NULL,
        engine VARCHAR, kind VARCHAR, time VARCHAR, time_us BIGINT, time_ms DOUBLE,
        cluster_id VARCHAR, instance_id VARCHAR, user_name VARCHAR, database_name VARCHAR, command VARCHAR,
        event_class VARCHAR, object_type VARCHAR, object_name VARCHAR, text VARCHAR, exit_code INTEGER,
        failed BOOLEAN, error_message VARCHAR, remote_host VARCHAR, remote_port VARCHAR, session_id VARCHAR,
        pid BIGINT, statement_id BIGINT, substatement_id BIGINT, row_count BIGINT, client_application VARCHAR,
        raw VARCHAR)`);
      await connection.run(`INSERT INTO events VALUES (1, 'shard-a', '1', 'mysql', 'record', '2020-07-06T20:43:51.000000Z', 1594068231000000,
        1594068231000, 'c', 'i', 'app', 'shop', 'QUERY', 'MAIN', 'TABLE', NULL, 'DROP TABLE t', 0, false, NULL, '10.0.0.1', '1', '7',
        1, 1, 1, 0, NULL, '{}')`);
      connection.closeSync();
      old.closeSync();

      const store = await createDuckDbEventStore({ path });
      try {
        expect(await store.get(1)).toMatchObject({ id: 1, text: 'DROP TABLE t', category: null, fingerprint: null });
        const { stored } = await store.append({
          streamKey: 's@1',
          shardId: 'shard-a',
          records: [{ sequenceNumber: '2', arrivedAtMs: null, events: normaliseEvents(buildPayload([buildMysqlEvent({ commandText: 'DROP TABLE u' })])) }],
        });
        expect(await store.get(stored[0]?.id as number)).toMatchObject({ category: 'DDL', fingerprint: 'drop table u' });
        // The old event has no category to match; both count in the facets.
        expect((await store.query({ categories: ['DDL'] }, { limit: 10 })).events.map((e) => e.id)).toEqual([stored[0]?.id]);
        const facets = await store.facets({});
        expect(new Map(facets.categories?.map((f) => [f.value, f.count]))).toEqual(new Map([['DDL', 1], [null, 1]]));
        expect(facets.total).toBe(2);
      } finally {
        await store.close();
      }
    } finally {
      await dir.remove();
    }
  });
});
