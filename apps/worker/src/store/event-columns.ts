import type { DuckDBAppender } from '@duckdb/node-api';
import { ACTIVITY_EVENT_FIELDS, FACET_FIELDS, type ActivityEvent, type EventField } from '@das/core';
import type { StoredEvent } from '@das/contracts';
import { isoToMicros } from './filter-sql.js';
import type { StatementColumns } from './statement-columns.js';

// The `events` table's columns, derived from @das/core's field table: a new ActivityEvent field
// becomes a column here with no edit; only a migration (ALTER TABLE … ADD COLUMN) is needed for
// existing stores. The Appender writes by position, so the order is the table's.

type Row = Record<string, unknown>;

export interface EventColumn {
  field: EventField;
  column: string;
  /** The DuckDB type (VARCHAR, BIGINT, INTEGER, DOUBLE, BOOLEAN); other dialects map from it. */
  sqlType: string;
}

// SQL keywords get a suffix; exit codes were created as INTEGER (existing stores keep it).
const COLUMN_NAMES: Partial<Record<string, string>> = { user: 'user_name', database: 'database_name' };
const SQL_TYPES: Partial<Record<string, string>> = { exitCode: 'INTEGER' };
const DEFAULT_SQL_TYPES = { string: 'VARCHAR', integer: 'BIGINT', number: 'DOUBLE', boolean: 'BOOLEAN', object: 'VARCHAR' } as const;

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const COLUMNS: readonly EventColumn[] = ACTIVITY_EVENT_FIELDS.map((field) => ({
  field,
  column: COLUMN_NAMES[field.name] ?? snake(field.name),
  sqlType: SQL_TYPES[field.name] ?? DEFAULT_SQL_TYPES[field.type],
}));

/**
 * Columns the store derives from each event (statement-columns.ts), after the field columns in
 * the order migrations added them (DuckDB: ALTER TABLE … ADD COLUMN; PostgreSQL: migration 4).
 */
export const STATEMENT_COLUMNS = [
  { name: 'category', column: 'category', sqlType: 'VARCHAR' },
  { name: 'fingerprint', column: 'fingerprint', sqlType: 'VARCHAR' },
] as const;

/** The column of an ActivityEvent field. */
export function columnOf(name: keyof ActivityEvent): string {
  return COLUMN_NAMES[name] ?? snake(name);
}

// `time_us` (the time as an integer, for ranges and cursors) follows `time`.
const tableColumns = (): string[] =>
  COLUMNS.flatMap(({ field, column, sqlType }) => {
    const definition = `${column} ${sqlType}`;
    return field.name === 'time' ? [definition, 'time_us BIGINT'] : [definition];
  });

const statementColumns = (): string[] => STATEMENT_COLUMNS.map(({ column, sqlType }) => `${column} ${sqlType}`);

export const CREATE_EVENTS_TABLE = `CREATE TABLE IF NOT EXISTS events (
    id BIGINT NOT NULL, shard_id VARCHAR NOT NULL, sequence_number VARCHAR NOT NULL,
    ${[...tableColumns(), ...statementColumns()].join(', ')})`;

/** Brings a store created before the derived columns up to date (the Appender writes by position: they come last). */
export const ADD_STATEMENT_COLUMNS = STATEMENT_COLUMNS.map(({ column, sqlType }) => `ALTER TABLE events ADD COLUMN IF NOT EXISTS ${column} ${sqlType}`);

/** Every column of `events`, in table order, for SELECT lists. */
export const EVENT_COLUMNS = ['id', 'shard_id', 'sequence_number', ...[...tableColumns(), ...statementColumns()].map((c) => c.split(' ')[0])].join(', ');

/** The store's facet dimensions: the field table's stored facets, with their columns. */
export const STORED_FACET_COLUMNS: readonly { key: 'users' | 'databases' | 'commands' | 'objects' | 'hosts' | 'classes' | 'categories'; column: string }[] = [
  ...FACET_FIELDS.filter((field) => field.facet.stored).map((field) => ({
    key: field.facet.key as 'users' | 'databases' | 'commands' | 'objects' | 'hosts' | 'classes',
    column: columnOf(field.name),
  })),
  { key: 'categories', column: 'category' },
];

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function valueOf(field: EventField, value: unknown): unknown {
  if (field.type === 'object') return JSON.parse(String(value ?? '{}'));
  if (field.type === 'boolean') return value === true;
  if (field.type === 'integer' || field.type === 'number') return field.nullable ? num(value) : Number(value);
  return field.nullable ? str(value) : String(value ?? '');
}

export function rowToEvent(row: Row): StoredEvent {
  const event: Row = { id: Number(row.id), shardId: String(row.shard_id), sequenceNumber: String(row.sequence_number) };
  for (const { field, column } of COLUMNS) event[field.name] = valueOf(field, row[column]);
  for (const { name, column } of STATEMENT_COLUMNS) event[name] = str(row[column]);
  return event as StoredEvent;
}

function appendValue(appender: DuckDBAppender, { field, sqlType }: EventColumn, value: unknown): void {
  if (value === null || value === undefined) return appender.appendNull();
  switch (field.type) {
    case 'string':
      return appender.appendVarchar(value as string);
    case 'integer':
      if (sqlType === 'INTEGER') return appender.appendInteger(value as number);
      return Number.isFinite(value) ? appender.appendBigInt(BigInt(Math.trunc(value as number))) : appender.appendNull();
    case 'number':
      return appender.appendDouble(value as number);
    case 'boolean':
      return appender.appendBoolean(value as boolean);
    case 'object':
      return appender.appendVarchar(JSON.stringify(value));
  }
}

/** Appends one event as a row of `events` (its statement columns derived already). */
export function appendEventRow(appender: DuckDBAppender, id: number, shardId: string, sequenceNumber: string, event: ActivityEvent & StatementColumns): void {
  appender.appendBigInt(BigInt(id));
  appender.appendVarchar(shardId);
  appender.appendVarchar(sequenceNumber);
  for (const column of COLUMNS) {
    appendValue(appender, column, event[column.field.name as keyof ActivityEvent]);
    if (column.field.name === 'time') appender.appendBigInt(isoToMicros(event.time));
  }
  appender.appendVarchar(event.category);
  if (event.fingerprint === null) appender.appendNull();
  else appender.appendVarchar(event.fingerprint);
  appender.endRow();
}

/** The field-derived columns of `events` (without id, shard, sequence number and `time_us`), in table order. */
export { COLUMNS as EVENT_FIELD_COLUMNS };
