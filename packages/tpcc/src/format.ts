/**
 * The text lines the CLI prints, one `kind key=value ...` line per event, so a caller can split on
 * spaces and `=`. `--json` prints the objects themselves instead, one per line.
 */
import type { CheckReport } from './check.js';
import type { LoadProgress, PrepareResult } from './prepare.js';
import type { Latency, RunProgress, RunReport } from './stats.js';
import { TRANSACTION_TYPES } from './transactions.js';

const ms = (l: Latency) => `p50=${l.p50}ms p95=${l.p95}ms p99=${l.p99}ms`;

/** `load elapsed=4.2s pct=35 rows=210000/600000 units=12/41 skipped=0` */
export function formatLoadProgress(p: LoadProgress): string {
  return `load elapsed=${p.elapsedSec}s pct=${p.pct} rows=${p.rowsLoaded}/${p.rowsTotal} units=${p.unitsDone}/${p.unitsTotal} skipped=${p.unitsSkipped}`;
}

/** `loaded warehouses=1 rows=598000 units=41 skipped=0 elapsed=31.2s` */
export function formatPrepareResult(r: PrepareResult): string {
  return `loaded warehouses=${r.warehouses} rows=${r.rowsLoaded} units=${r.unitsLoaded} skipped=${r.unitsSkipped} elapsed=${r.elapsedSec}s`;
}

/** `progress elapsed=10s/60s pct=16 tpmC=5400 tps=200.1 newOrder=90.2 ... p50=3.1ms p95=9ms p99=20ms errors=0 retries=1` */
export function formatRunProgress(p: RunProgress): string {
  const byType = TRANSACTION_TYPES.map((t) => `${t}=${p.tpsByType[t]}`).join(' ');
  return `progress elapsed=${p.elapsedSec}s/${p.durationSec}s pct=${p.pct} tpmC=${p.tpmC} tps=${p.tps} ${byType} ${ms(p.latencyMs)} errors=${p.errors} retries=${p.retries}`;
}

/** One `result ...` line, then one `latency type=<t> count=<n> p50=.. p95=.. p99=..` line per type. */
export function formatRunReport(r: RunReport): string[] {
  const counts = TRANSACTION_TYPES.map((t) => `${t}=${r.counts[t]}`).join(' ');
  const lines = [
    `result elapsed=${r.elapsedSec}s duration=${r.durationSec}s cancelled=${r.cancelled} threads=${r.threads} warehouses=${r.warehouses} ` +
      `tpmC=${r.tpmC} tps=${r.tps} ${counts} ${ms(r.latencyMs)} rollbacks=${r.rollbacks} retries=${r.retries} errors=${r.errors}`,
  ];
  for (const t of TRANSACTION_TYPES) lines.push(`latency type=${t} count=${r.counts[t]} ${ms(r.latencyMsByType[t])}`);
  for (const [code, n] of Object.entries(r.errorsByCode)) lines.push(`error code=${code} count=${n}`);
  return lines;
}

/** One `check id=<n> ok=<bool> name="..."` line per condition, then `check ok=<bool>`. */
export function formatCheck(r: CheckReport): string[] {
  const lines = r.conditions.map((c) => {
    const first = c.violations[0];
    const detail = first ? ` first=${Object.entries(first).map(([k, v]) => `${k}:${String(v)}`).join(',')}` : '';
    return `check id=${c.id} ok=${c.ok} violations=${c.violations.length} name="${c.name}"${detail}`;
  });
  lines.push(`check ok=${r.ok} warehouses=${r.warehouses}`);
  return lines;
}
