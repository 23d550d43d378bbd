/**
 * @das/tpcc: a TPC-C-like load generator for MySQL-compatible databases and PostgreSQL, written from the public
 * TPC-C specification. `prepare` loads the initial population, `run` drives the five-transaction
 * mix, `check` verifies the consistency conditions, `cleanup` drops the schema.
 */
export { resolveConnection, DEFAULT_DATABASE, type TpccConnectionOptions, type ResolvedConnection } from './connection.js';
export { ENGINES, type Engine } from './sql-driver.js';
export { TpccError, TpccAbortError } from './errors.js';
export { prepare, type PrepareOptions, type PrepareResult, type LoadProgress } from './prepare.js';
export { run, type RunOptions } from './run.js';
export { check, cleanup, type CheckReport, type ConditionResult } from './check.js';
export type { RunProgress, RunReport, Latency } from './stats.js';
export { TABLES, type TpccTable } from './schema.js';
export { MIX, TRANSACTION_TYPES, type TransactionType } from './transactions.js';
export { formatLoadProgress, formatPrepareResult, formatRunProgress, formatRunReport, formatCheck } from './format.js';
// The --json line types and their reader: `@das/tpcc/json-lines` (no mysql2 at run time).
