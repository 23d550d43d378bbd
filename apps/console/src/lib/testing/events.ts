// Test helpers: activity events in the normalised shape, deterministic by sequence number.
import type { StoredEvent } from '../api/types.js';

const USERS = ['master', 'app', 'rdsadmin', 'report'];
const COMMANDS = ['QUERY', 'CONNECT', 'READ', 'WRITE'];
const DATABASES = ['tpcc', 'mysql', 'sales'];

/** The n-th synthetic event; `overrides` win. */
export function makeEvent(n: number, overrides: Partial<StoredEvent> = {}): StoredEvent {
  const timeMs = Date.UTC(2026, 10, 25, 3, 0, 0) + n;
  const time = new Date(timeMs).toISOString().replace('Z', '000Z');
  const user = USERS[n % USERS.length]!;
  const command = COMMANDS[n % COMMANDS.length]!;
  const database = DATABASES[n % DATABASES.length]!;
  const text = `SELECT * FROM orders WHERE id = ${n}`;
  return {
    id: n + 1,
    shardId: 'shardId-000000000000',
    sequenceNumber: String(49_000_000_000 + n),
    engine: 'mysql',
    kind: 'record',
    time,
    timeMs,
    clusterId: 'cluster-ABC',
    instanceId: 'db-XYZ',
    user,
    database,
    command,
    eventClass: 'MAIN',
    objectType: 'TABLE',
    objectName: 'orders',
    text,
    exitCode: 0,
    failed: false,
    errorMessage: null,
    remoteHost: '10.0.0.5',
    remotePort: '3306',
    sessionId: String(100 + (n % 7)),
    pid: 20_000 + n,
    statementId: n,
    substatementId: 1,
    rowCount: 1,
    clientApplication: null,
    raw: { logTime: time, type: 'record', dbUserName: user, databaseName: database, command, commandText: text, class: 'MAIN' },
    ...overrides,
  };
}

/** Events `from` … `from + count - 1`. */
export function makeEvents(count: number, from = 0): StoredEvent[] {
  return Array.from({ length: count }, (_, i) => makeEvent(from + i));
}
