// `/health`'s `captureCost` and `captureSealing`: what each cluster's capture costs and which code
// seals its records, small enough for an unsigned probe (the API's stream-cost route reads them;
// the full counters stay in the signed /_local/stats).
import { aesGcmBackend } from '@das/aes-gcm';
import { gzipBackend } from '@das/deflate';
import { p384Backend } from '@das/p384';

/** One cluster's capture: its state and what it costs now. */
export interface CaptureCost {
  state: string;
  eventsPerSecond: number;
  /** Share of one core over the last ~10 s, %. */
  cpuPercent: number;
  cpuMicrosPerEvent: number;
  cpuMicros: number;
}

const FIGURES = ['eventsPerSecond', 'cpuPercent', 'cpuMicrosPerEvent', 'cpuMicros'] as const;

/** Picks the cost figures out of a source's `stats()` (per cluster); sources without them give nothing. */
export function captureCostOf(sourceStats: unknown): Record<string, CaptureCost> | undefined {
  if (typeof sourceStats !== 'object' || sourceStats === null) return undefined;
  const costs: Record<string, CaptureCost> = {};
  for (const [cluster, stats] of Object.entries(sourceStats as Record<string, unknown>)) {
    const s = stats as Record<string, unknown> | null;
    if (s === null || typeof s !== 'object' || !FIGURES.every((k) => typeof s[k] === 'number')) continue;
    costs[cluster] = {
      state: String(s['state'] ?? 'idle'),
      eventsPerSecond: round(s['eventsPerSecond'] as number),
      cpuPercent: round(s['cpuPercent'] as number),
      cpuMicrosPerEvent: round(s['cpuMicrosPerEvent'] as number),
      cpuMicros: Math.round(s['cpuMicros'] as number),
    };
  }
  return Object.keys(costs).length === 0 ? undefined : costs;
}

/** Which code signs, gzips and encrypts the records here: the addons, or their slower fallbacks. */
export function captureSealing(): { signer: 'native' | 'node:crypto'; gzip: 'isa-l' | 'zlib'; frames: 'native' | 'node:crypto' } {
  return { signer: p384Backend().backend, gzip: gzipBackend().backend, frames: aesGcmBackend().backend };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
