import { describe, expect, it } from 'vitest';
import { CREATE_EVENTS_TABLE, EVENT_COLUMNS, STORED_FACET_COLUMNS } from './event-columns.js';

const squash = (sql: string) => sql.replace(/\s+/g, ' ').trim();

describe('events table derived from the field table', () => {
  // Existing stores were created with exactly this table (then the statement columns were added
  // at the end); the Appender writes by position.
  it('is the table existing stores have, column for column', () => {
    expect(squash(CREATE_EVENTS_TABLE)).toBe(
      squash(`CREATE TABLE IF NOT EXISTS events (
        id BIGINT NOT NULL, shard_id VARCHAR NOT NULL, sequence_number VARCHAR NOT NULL,
        engine VARCHAR, kind VARCHAR, time VARCHAR, time_us BIGINT, time_ms DOUBLE,
        cluster_id VARCHAR, instance_id VARCHAR, user_name VARCHAR, database_name VARCHAR, command VARCHAR,
        event_class VARCHAR, object_type VARCHAR, object_name VARCHAR, text VARCHAR, exit_code INTEGER,
        failed BOOLEAN, error_message VARCHAR, remote_host VARCHAR, remote_port VARCHAR, session_id VARCHAR,
        pid BIGINT, statement_id BIGINT, substatement_id BIGINT, row_count BIGINT, client_application VARCHAR,
        raw VARCHAR, category VARCHAR, fingerprint VARCHAR)`),
    );
    expect(squash(EVENT_COLUMNS)).toBe(
      squash(`id, shard_id, sequence_number, engine, kind, time, time_us, time_ms, cluster_id, instance_id,
        user_name, database_name, command, event_class, object_type, object_name, text, exit_code, failed, error_message,
        remote_host, remote_port, session_id, pid, statement_id, substatement_id, row_count, client_application, raw,
        category, fingerprint`),
    );
  });

  it('facets over the six stored dimensions and the statement category', () => {
    expect(STORED_FACET_COLUMNS).toEqual([
      { key: 'users', column: 'user_name' },
      { key: 'databases', column: 'database_name' },
      { key: 'commands', column: 'command' },
      { key: 'classes', column: 'event_class' },
      { key: 'objects', column: 'object_name' },
      { key: 'hosts', column: 'remote_host' },
      { key: 'categories', column: 'category' },
    ]);
  });
});
