import { EVENT_FIELD_COLUMNS, STATEMENT_COLUMNS } from '../event-columns.js';

/** Everything of the store lives in its own schema, so that it can share a database. */
export const SCHEMA = 'das';

const PG_TYPES: Record<string, string> = { VARCHAR: 'text', BIGINT: 'bigint', INTEGER: 'integer', DOUBLE: 'double precision', BOOLEAN: 'boolean' };

/** The field columns of `das.events` as migration 1 created them; `time_us` follows `time`. */
const PG_FIELD_COLUMNS: readonly { column: string; pgType: string }[] = EVENT_FIELD_COLUMNS.flatMap(({ field, column, sqlType }) => {
  const own = { column, pgType: PG_TYPES[sqlType] ?? 'text' };
  return field.name === 'time' ? [own, { column: 'time_us', pgType: 'bigint' }] : [own];
});

/** Every event column of `das.events` with its PostgreSQL type: the fields, then the statement columns (migration 4). */
export const PG_EVENT_COLUMNS: readonly { column: string; pgType: string }[] = [
  ...PG_FIELD_COLUMNS,
  ...STATEMENT_COLUMNS.map(({ column, sqlType }) => ({ column, pgType: PG_TYPES[sqlType] ?? 'text' })),
];

export interface Migration {
  version: number;
  description: string;
  /** Run in one transaction; `optional` ones that fail (a missing extension) are recorded as skipped. */
  statements: string[];
  optional?: boolean;
}

/**
 * The store's versioned migrations, applied in order at start (under an advisory lock) and never
 * edited once released: a change is a new migration. `das.schema_migrations` records each.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'events partitioned by day, dead letters, shard leases with checkpoints, workers',
    statements: [
      `CREATE SEQUENCE ${SCHEMA}.event_ids`,
      // `ingest_xid`: the writing transaction, so that readers can follow new rows in commit order.
      `CREATE TABLE ${SCHEMA}.events (
        id bigint NOT NULL, ingest_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        shard_id text NOT NULL, sequence_number text NOT NULL,
        ${PG_FIELD_COLUMNS.map((c) => `${c.column} ${c.pgType}`).join(', ')}
      ) PARTITION BY RANGE (time_us)`,
      `CREATE INDEX events_time ON ${SCHEMA}.events (time_us DESC, id DESC)`,
      `CREATE INDEX events_id ON ${SCHEMA}.events (id)`,
      `CREATE INDEX events_ingest ON ${SCHEMA}.events (ingest_xid)`,
      `CREATE INDEX events_user ON ${SCHEMA}.events (lower(user_name), time_us DESC)`,
      `CREATE TABLE ${SCHEMA}.dead_letters (
        id bigserial PRIMARY KEY, ingest_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        reason text NOT NULL, message text, shard_id text NOT NULL, sequence_number text NOT NULL,
        arrived_at text, stored_at text NOT NULL, data text NOT NULL)`,
      `CREATE INDEX dead_letters_ingest ON ${SCHEMA}.dead_letters (ingest_xid)`,
      // One row per shard of a stream incarnation: the KCL's lease, holding the checkpoint.
      `CREATE TABLE ${SCHEMA}.leases (
        stream_key text NOT NULL, shard_id text NOT NULL, parents text[] NOT NULL DEFAULT '{}',
        owner text, counter bigint NOT NULL DEFAULT 0, expires_at timestamptz,
        checkpoint text, finished boolean NOT NULL DEFAULT false, started_at_ms bigint,
        lag_ms bigint, updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (stream_key, shard_id))`,
      `CREATE TABLE ${SCHEMA}.workers (
        worker_id text PRIMARY KEY, host text NOT NULL, pid integer NOT NULL, url text,
        started_at timestamptz NOT NULL, last_seen timestamptz NOT NULL,
        events_per_second double precision NOT NULL DEFAULT 0, records_per_second double precision NOT NULL DEFAULT 0)`,
    ],
  },
  {
    version: 2,
    description: 'pg_trgm index for text search (skipped where the extension cannot be created)',
    optional: true,
    statements: [
      'CREATE EXTENSION IF NOT EXISTS pg_trgm',
      `CREATE INDEX events_text_trgm ON ${SCHEMA}.events USING gin (lower(text) gin_trgm_ops)`,
    ],
  },
  {
    version: 3,
    description: 'counts per minute, shard and facet dimensions (facets and histograms over long ranges), filled from the events stored so far',
    statements: [
      `CREATE TABLE ${SCHEMA}.event_rollup (
        minute_us bigint NOT NULL, shard_id text NOT NULL, key bytea NOT NULL,
        kind text NOT NULL, user_name text, database_name text, command text, object_name text, remote_host text, failed boolean NOT NULL,
        n bigint NOT NULL, PRIMARY KEY (minute_us, shard_id, key))`,
      `INSERT INTO ${SCHEMA}.event_rollup (minute_us, shard_id, key, kind, user_name, database_name, command, object_name, remote_host, failed, n)
       SELECT time_us - ((time_us % 60000000) + 60000000) % 60000000, shard_id,
         decode(md5(ROW(kind, user_name, database_name, command, object_name, remote_host, failed)::text), 'hex'),
         kind, user_name, database_name, command, object_name, remote_host, failed, count(*)
       FROM ${SCHEMA}.events GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`,
    ],
  },
  {
    version: 4,
    description: 'statement category and fingerprint per event (null for the events stored before), category in the rollup',
    statements: [
      `ALTER TABLE ${SCHEMA}.events ADD COLUMN category text, ADD COLUMN fingerprint text`,
      // DDL and DCL are rare: an index finds them without scanning every DQL and DML row.
      `CREATE INDEX events_category ON ${SCHEMA}.events (category, time_us DESC)`,
      `ALTER TABLE ${SCHEMA}.event_rollup ADD COLUMN category text`,
    ],
  },
  {
    version: 5,
    description: 'alerts raised by the rules (one row per incident id) and a key → JSON table for the rule engine state',
    statements: [
      `CREATE TABLE ${SCHEMA}.alerts (
        id text PRIMARY KEY, rule_id text NOT NULL, kind text NOT NULL, severity text NOT NULL, title text NOT NULL,
        group_key text NOT NULL, group_json text NOT NULL, event_ids text NOT NULL, event_count bigint NOT NULL, value double precision,
        window_start text NOT NULL, first_time text NOT NULL, last_time text NOT NULL, created_at text NOT NULL,
        created_us bigint NOT NULL, status text NOT NULL, acknowledged_by text, acknowledged_at text,
        resolved_by text, resolved_at text)`,
      `CREATE INDEX alerts_created ON ${SCHEMA}.alerts (created_us DESC, id DESC)`,
      `CREATE INDEX alerts_status ON ${SCHEMA}.alerts (status, created_us DESC)`,
      `CREATE TABLE ${SCHEMA}.store_state (key text PRIMARY KEY, value jsonb NOT NULL, updated_at timestamptz NOT NULL)`,
    ],
  },
  {
    version: 6,
    description: 'webhook deliveries of alerts (pending until delivered or dead), leased by the fleet\'s delivery loops',
    statements: [
      `CREATE TABLE ${SCHEMA}.alert_deliveries (
        id text PRIMARY KEY, alert_id text NOT NULL, endpoint_id text NOT NULL, body text NOT NULL, status text NOT NULL,
        attempts integer NOT NULL, created_at bigint NOT NULL, next_attempt_at bigint NOT NULL, last_attempt_at bigint,
        last_status integer, last_error text, delivered_at bigint)`,
      `CREATE INDEX alert_deliveries_due ON ${SCHEMA}.alert_deliveries (next_attempt_at) WHERE status = 'pending'`,
    ],
  },
  {
    version: 7,
    description: 'the event class (MySQL MAIN/AUX, PostgreSQL READ/WRITE/DDL/…) in the rollup, a facet and filter; counted again from the events stored so far',
    statements: [
      `ALTER TABLE ${SCHEMA}.event_rollup ADD COLUMN event_class text`,
      `DELETE FROM ${SCHEMA}.event_rollup`,
      `INSERT INTO ${SCHEMA}.event_rollup (minute_us, shard_id, key, kind, user_name, database_name, command, object_name, remote_host, failed, category, event_class, n)
       SELECT time_us - ((time_us % 60000000) + 60000000) % 60000000, shard_id,
         decode(md5(ROW(kind, user_name, database_name, command, object_name, remote_host, failed, category, event_class)::text), 'hex'),
         kind, user_name, database_name, command, object_name, remote_host, failed, category, event_class, count(*)
       FROM ${SCHEMA}.events GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12`,
    ],
  },
];

export const LATEST_SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));
