import type { LoadRunProgress } from '@das/contracts';
import { parseTpccJsonLine, type TpccJsonLine } from '@das/tpcc/json-lines';

/*
 * A load run's output holds das-tpcc's `--json` lines (the load document runs it so), one typed
 * object a line: `load`/`loaded` while preparing, `progress` then `result` while running. Other
 * lines (the runner's `+ das-tpcc …` echoes) are skipped. The last progress-bearing line wins.
 */

const clampPct = (value: number) => Math.min(100, Math.max(0, value));

function toProgress(line: TpccJsonLine): LoadRunProgress | undefined {
  switch (line.type) {
    case 'load':
      return { phase: 'prepare', tpmC: 0, elapsedSeconds: line.elapsedSec, percentage: clampPct(line.pct) };
    case 'loaded':
      return { phase: 'prepare', tpmC: 0, elapsedSeconds: line.elapsedSec, percentage: 100 };
    case 'progress':
      return { phase: 'run', tpmC: line.tpmC, elapsedSeconds: line.elapsedSec, percentage: clampPct(line.pct) };
    case 'result': {
      // A cancelled run got as far as its elapsed share of the planned duration.
      const percentage = line.cancelled ? (line.durationSec > 0 ? (line.elapsedSec / line.durationSec) * 100 : 0) : 100;
      return { phase: 'run', tpmC: line.tpmC, elapsedSeconds: line.elapsedSec, percentage: clampPct(percentage) };
    }
    default:
      return undefined;
  }
}

/** The latest progress in a load run's output, or undefined when it has printed none yet. */
export function parseLoadProgress(output: string | undefined): LoadRunProgress | undefined {
  if (!output) return undefined;
  const lines = output.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const parsed = parseTpccJsonLine(lines[i] ?? '');
    const progress = parsed === undefined ? undefined : toProgress(parsed);
    if (progress) return progress;
  }
  return undefined;
}
