import type { LoadRunProgress } from '@das/contracts';

/*
 * The @das/tpcc CLI prints (packages/tpcc/README.md, src/format.ts):
 *   load elapsed=4.2s pct=35 rows=210000/600000 units=12/41 skipped=0      (prepare)
 *   loaded warehouses=1 rows=599269 units=41 skipped=0 elapsed=12.6s        (prepare done)
 *   progress elapsed=10s/60s pct=16 tpmC=5400 tps=200.1 … errors=0 retries=1
 *   result elapsed=60s duration=60s cancelled=false … tpmC=5400 tps=…
 * and, with --json, one object a line with `type: "progress" | "result"`. The last such line wins.
 */

function fields(line: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const match of line.matchAll(/(\w+)=(\S+)/g)) map.set(match[1] ?? '', match[2] ?? '');
  return map;
}

const num = (text: string | undefined) => {
  const value = Number.parseFloat(text ?? '');
  return Number.isFinite(value) ? value : undefined;
};

const clampPct = (value: number) => Math.min(100, Math.max(0, value));

function fromText(line: string): LoadRunProgress | undefined {
  const kind = line.split(/\s/, 1)[0];
  const map = fields(line);
  if (kind === 'load' || kind === 'loaded') {
    const elapsedSeconds = num(map.get('elapsed'));
    const pct = kind === 'loaded' ? 100 : num(map.get('pct'));
    if (elapsedSeconds === undefined || pct === undefined) return undefined;
    return { phase: 'prepare', tpmC: 0, elapsedSeconds, percentage: clampPct(pct) };
  }
  if (kind !== 'progress' && kind !== 'result') return undefined;
  const tpmC = num(map.get('tpmC'));
  const [elapsedText, durationText] = (map.get('elapsed') ?? '').split('/');
  const elapsedSeconds = num(elapsedText);
  if (tpmC === undefined || elapsedSeconds === undefined) return undefined;
  const duration = num(durationText) ?? num(map.get('duration'));
  let percentage = num(map.get('pct'));
  if (percentage === undefined) {
    if (kind === 'result' && map.get('cancelled') !== 'true') percentage = 100;
    else percentage = duration ? (elapsedSeconds / duration) * 100 : 0;
  }
  return { phase: 'run', tpmC, elapsedSeconds, percentage: clampPct(percentage) };
}

function fromJson(line: string): LoadRunProgress | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if ((record.type === 'load' || record.type === 'loaded') && typeof record.elapsedSec === 'number') {
    const pct = record.type === 'loaded' ? 100 : typeof record.pct === 'number' ? record.pct : undefined;
    if (pct !== undefined) return { phase: 'prepare', tpmC: 0, elapsedSeconds: record.elapsedSec, percentage: clampPct(pct) };
  }
  if (record.type !== 'progress' && record.type !== 'result') return undefined;
  const tpmC = typeof record.tpmC === 'number' ? record.tpmC : undefined;
  const elapsedSeconds = typeof record.elapsedSec === 'number' ? record.elapsedSec : undefined;
  if (tpmC === undefined || elapsedSeconds === undefined) return undefined;
  const duration = typeof record.durationSec === 'number' ? record.durationSec : undefined;
  let percentage = typeof record.pct === 'number' ? record.pct : undefined;
  if (percentage === undefined) {
    percentage = record.type === 'result' && record.cancelled !== true ? 100 : duration ? (elapsedSeconds / duration) * 100 : 0;
  }
  return { phase: 'run', tpmC, elapsedSeconds, percentage: clampPct(percentage) };
}

/** The latest progress in a load run's output, or undefined when it has printed none yet. */
export function parseLoadProgress(output: string | undefined): LoadRunProgress | undefined {
  if (!output) return undefined;
  const lines = output.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] ?? '').trim();
    if (!line) continue;
    const progress = line.startsWith('{') ? fromJson(line) : fromText(line);
    if (progress) return progress;
  }
  return undefined;
}
