import { TRANSACTION_TYPES, type TransactionType } from './transactions.js';

/** Latency percentiles in milliseconds. */
export interface Latency {
  p50: number;
  p95: number;
  p99: number;
}

/** A report every few seconds while `run` goes (figures over the last interval, tpmC cumulative). */
export interface RunProgress {
  type: 'progress';
  elapsedSec: number;
  durationSec: number;
  pct: number;
  /** New-Orders per minute since the start (including the 1% intended rollbacks). */
  tpmC: number;
  /** All transactions per second in the last interval. */
  tps: number;
  /** Per type, transactions per second in the last interval. */
  tpsByType: Record<TransactionType, number>;
  latencyMs: Latency;
  errors: number;
  retries: number;
}

/** The final report of a run: totals and percentiles over the whole run. */
export interface RunReport {
  type: 'result';
  elapsedSec: number;
  durationSec: number;
  cancelled: boolean;
  threads: number;
  warehouses: number;
  tpmC: number;
  tps: number;
  /** Committed (or intentionally rolled back) transactions per type. */
  counts: Record<TransactionType, number>;
  latencyMs: Latency;
  latencyMsByType: Record<TransactionType, Latency>;
  /** New-Orders rolled back on purpose (the 1% with an unused item). */
  rollbacks: number;
  /** Deadlocks and lock wait timeouts that were retried. */
  retries: number;
  /** Transactions that failed for good. */
  errors: number;
  /** Error counts by code, e.g. `{ "ER_LOCK_DEADLOCK": 2 }`. */
  errorsByCode: Record<string, number>;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, i)]! * 100) / 100;
}

export function latencyOf(samples: number[]): Latency {
  const s = Float64Array.from(samples).sort();
  return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99) };
}

const zeroByType = (): Record<TransactionType, number> => ({ newOrder: 0, payment: 0, orderStatus: 0, delivery: 0, stockLevel: 0 });

/** Counters and latency samples of a run, whole-run and per reporting interval. */
export class RunStats {
  readonly counts = zeroByType();
  readonly samples: Record<TransactionType, number[]> = { newOrder: [], payment: [], orderStatus: [], delivery: [], stockLevel: [] };
  rollbacks = 0;
  retries = 0;
  errors = 0;
  readonly errorsByCode: Record<string, number> = {};
  private intervalCounts = zeroByType();
  private intervalSamples: number[] = [];
  private intervalStart = performance.now();

  record(type: TransactionType, ms: number, rolledBack: boolean): void {
    this.counts[type]++;
    this.intervalCounts[type]++;
    this.samples[type].push(ms);
    this.intervalSamples.push(ms);
    if (rolledBack) this.rollbacks++;
  }

  recordError(code: string): void {
    this.errors++;
    this.errorsByCode[code] = (this.errorsByCode[code] ?? 0) + 1;
  }

  /** Figures since the previous call, then starts a new interval. */
  takeInterval(elapsedSec: number, durationSec: number): RunProgress {
    const now = performance.now();
    const secs = Math.max(0.001, (now - this.intervalStart) / 1000);
    const tpsByType = zeroByType();
    let total = 0;
    for (const t of TRANSACTION_TYPES) {
      tpsByType[t] = round1(this.intervalCounts[t] / secs);
      total += this.intervalCounts[t];
    }
    const progress: RunProgress = {
      type: 'progress',
      elapsedSec: Math.round(elapsedSec),
      durationSec,
      pct: Math.min(100, Math.floor((elapsedSec / durationSec) * 100)),
      tpmC: Math.round(this.counts.newOrder / Math.max(elapsedSec / 60, 1 / 600)),
      tps: round1(total / secs),
      tpsByType,
      latencyMs: latencyOf(this.intervalSamples),
      errors: this.errors,
      retries: this.retries,
    };
    this.intervalCounts = zeroByType();
    this.intervalSamples = [];
    this.intervalStart = now;
    return progress;
  }

  report(elapsedSec: number, base: Pick<RunReport, 'durationSec' | 'cancelled' | 'threads' | 'warehouses'>): RunReport {
    const all = TRANSACTION_TYPES.flatMap((t) => this.samples[t]);
    const total = TRANSACTION_TYPES.reduce((s, t) => s + this.counts[t], 0);
    const minutes = Math.max(elapsedSec, 0.001) / 60;
    return {
      type: 'result',
      elapsedSec: round1(elapsedSec),
      ...base,
      tpmC: Math.round(this.counts.newOrder / minutes),
      tps: round1(total / Math.max(elapsedSec, 0.001)),
      counts: { ...this.counts },
      latencyMs: latencyOf(all),
      latencyMsByType: {
        newOrder: latencyOf(this.samples.newOrder),
        payment: latencyOf(this.samples.payment),
        orderStatus: latencyOf(this.samples.orderStatus),
        delivery: latencyOf(this.samples.delivery),
        stockLevel: latencyOf(this.samples.stockLevel),
      },
      rollbacks: this.rollbacks,
      retries: this.retries,
      errors: this.errors,
      errorsByCode: { ...this.errorsByCode },
    };
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
