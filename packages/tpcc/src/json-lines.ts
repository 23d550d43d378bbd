/**
 * `das-tpcc --json`: one JSON object a line, each with a `type`. These are the types, and a
 * reader for programs that follow a load from its output (the API): no text is parsed, and this
 * module imports nothing at run time (no mysql2), so a reader can import it alone.
 */
import type { CheckReport } from './check.js';
import type { LoadProgress, PrepareResult } from './prepare.js';
import type { RunProgress, RunReport } from './stats.js';

/** `prepare` finished: the population is loaded. */
export type PrepareDone = { type: 'loaded' } & PrepareResult;
/** The command failed; the exit code is non-zero too. */
export interface TpccFailure {
  type: 'error';
  code: string;
  message: string;
}
export interface CleanupDone {
  type: 'cleanup';
  ok: true;
}

/** Every line `--json` prints. */
export type TpccJsonLine = LoadProgress | PrepareDone | RunProgress | RunReport | CheckReport | CleanupDone | TpccFailure;

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

// The fields a reader relies on, per line type; others are passed through as written.
const REQUIRED: Record<TpccJsonLine['type'], (line: Record<string, unknown>) => boolean> = {
  load: (l) => isNumber(l.elapsedSec) && isNumber(l.pct),
  loaded: (l) => isNumber(l.elapsedSec),
  progress: (l) => isNumber(l.elapsedSec) && isNumber(l.durationSec) && isNumber(l.pct) && isNumber(l.tpmC),
  result: (l) => isNumber(l.elapsedSec) && isNumber(l.durationSec) && isNumber(l.tpmC) && typeof l.cancelled === 'boolean',
  check: (l) => typeof l.ok === 'boolean',
  cleanup: (l) => l.ok === true,
  error: (l) => typeof l.code === 'string' && typeof l.message === 'string',
};

/** One line of `--json` output, or undefined for anything else (other output, a torn line). */
export function parseTpccJsonLine(line: string): TpccJsonLine | undefined {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const check = Object.hasOwn(REQUIRED, String(record.type)) ? REQUIRED[record.type as TpccJsonLine['type']] : undefined;
  return check?.(record) ? (record as unknown as TpccJsonLine) : undefined;
}
