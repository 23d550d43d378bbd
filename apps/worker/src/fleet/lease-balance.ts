import type { LeaseRow } from '../store/event-store.js';

/** Leases that may be read now: not finished, and every parent the table knows finished (parents before children). */
export function leasableRows(rows: readonly LeaseRow[]): LeaseRow[] {
  const finished = new Map(rows.map((row) => [row.shardId, row.finished]));
  return rows.filter((row) => !row.finished && row.parents.every((parent) => finished.get(parent) !== false));
}

export interface LeasePlan {
  /** Free or expired leases to take, in order, up to this worker's share. */
  take: LeaseRow[];
  /** One lease to take from the most loaded worker, when nothing is free and the split is uneven. */
  steal: LeaseRow | null;
}

/**
 * What a worker should take this round, the KCL's way: its share is ⌈leasable / live workers⌉;
 * it takes free or expired leases up to that share, and when there are none and another worker
 * holds at least two more than it does, it takes one of that worker's (at most one per round, so
 * the fleet converges without leases bouncing).
 */
export function planLeases(rows: readonly LeaseRow[], me: string, liveWorkers: number): LeasePlan {
  const leasable = leasableRows(rows);
  const workers = Math.max(1, liveWorkers);
  const share = Math.ceil(leasable.length / workers);
  const held = new Map<string, LeaseRow[]>();
  const free: LeaseRow[] = [];
  for (const row of leasable) {
    if (row.owner === null || row.expired) free.push(row);
    else held.set(row.owner, [...(held.get(row.owner) ?? []), row]);
  }
  const mine = held.get(me)?.length ?? 0;
  const take = free.slice(0, Math.max(0, share - mine));
  if (take.length > 0 || mine >= share) return { take, steal: null };
  let victim: LeaseRow[] | undefined;
  for (const [owner, list] of held) {
    if (owner !== me && list.length - mine >= 2 && (victim === undefined || list.length > victim.length)) victim = list;
  }
  return { take, steal: victim?.at(-1) ?? null };
}
