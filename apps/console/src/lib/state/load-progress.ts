import type { LoadRun } from '../api/types.js';

/** A load run's two phases in percent: loading the data set, then running the load. */
export interface LoadPhases {
  load: number;
  run: number;
}

/** The phases the run's last progress line puts it in; a successful run is done with both. */
export function phasesOf(run: Pick<LoadRun, 'status' | 'progress'>): LoadPhases {
  if (run.status === 'Success') return { load: 100, run: 100 };
  const p = run.progress;
  if (p === undefined) return { load: 0, run: 0 };
  return p.phase === 'prepare' ? { load: p.percentage, run: 0 } : { load: 100, run: p.percentage };
}

/**
 * Remembers the furthest each run got, so a poll that reads an older line (or a run that moves
 * from "loaded 100%" to "running 2%") never shows progress going backwards.
 */
export class PhaseMemory {
  #furthest = new Map<string, LoadPhases>();

  phases(run: Pick<LoadRun, 'id' | 'status' | 'progress'>): LoadPhases {
    const now = phasesOf(run);
    const before = this.#furthest.get(run.id) ?? { load: 0, run: 0 };
    const furthest = { load: Math.max(before.load, now.load), run: Math.max(before.run, now.run) };
    this.#furthest.set(run.id, furthest);
    return furthest;
  }
}

const PARAMETER_LABELS: Record<string, string> = {
  clusterEndpoint: 'Cluster endpoint',
  dbUser: 'Database user',
  port: 'Port',
  database: 'Schema',
  warehouses: 'Warehouses',
  threads: 'Threads',
  duration: 'Duration (s)',
};

/** A load document parameter's name as people say it (`dbUser` → `Database user`). */
export function parameterLabel(name: string): string {
  return PARAMETER_LABELS[name] ?? name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}
