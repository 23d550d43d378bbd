import { describe, expect, it } from 'vitest';
import type { LeaseRow } from '../store/event-store.js';
import { leasableRows, planLeases } from './lease-balance.js';

const row = (shardId: string, owner: string | null, extra: Partial<LeaseRow> = {}): LeaseRow => ({
  shardId,
  parents: [],
  owner,
  counter: 1,
  expired: false,
  expiresAt: null,
  checkpoint: null,
  finished: false,
  lagMs: null,
  ...extra,
});

/** Runs rounds of planning for each worker in turn, applying the plans, until nothing changes. */
function converge(rows: LeaseRow[], workers: string[]): Map<string, number> {
  for (let round = 0; round < 20; round += 1) {
    let changed = false;
    for (const me of workers) {
      const plan = planLeases(rows, me, workers.length);
      for (const taken of [...plan.take, ...(plan.steal === null ? [] : [plan.steal])]) {
        taken.owner = me;
        taken.expired = false;
        changed = true;
      }
    }
    if (!changed) break;
  }
  const counts = new Map(workers.map((w) => [w, 0]));
  for (const r of rows) if (r.owner !== null) counts.set(r.owner, (counts.get(r.owner) ?? 0) + 1);
  return counts;
}

describe('lease balancing', () => {
  it('splits 4 shards over 3 workers as 2/1/1 and 8 over 2 as 4/4, from any start', () => {
    expect([...converge(['a', 'b', 'c', 'd'].map((s) => row(s, null)), ['w1', 'w2', 'w3']).values()].sort()).toEqual([1, 1, 2]);
    expect([...converge(['a', 'b', 'c', 'd'].map((s) => row(s, 'w1')), ['w1', 'w2', 'w3']).values()].sort()).toEqual([1, 1, 2]);
    const eight = Array.from({ length: 8 }, (_, i) => row(`s${i}`, 'w1'));
    expect([...converge(eight, ['w1', 'w2']).values()]).toEqual([4, 4]);
  });

  it('steals at most one lease per round, only from a worker with two more', () => {
    const rows = ['a', 'b', 'c', 'd'].map((s) => row(s, 'w1'));
    const plan = planLeases(rows, 'w2', 2);
    expect(plan.take).toEqual([]);
    expect(plan.steal?.owner).toBe('w1');
    // 2/1/1 is balanced: nobody steals.
    const balanced = [row('a', 'w1'), row('b', 'w1'), row('c', 'w2'), row('d', 'w3')];
    for (const me of ['w1', 'w2', 'w3']) expect(planLeases(balanced, me, 3)).toEqual({ take: [], steal: null });
  });

  it('takes expired leases like free ones, and never more than its share', () => {
    const rows = [row('a', 'dead', { expired: true }), row('b', 'dead', { expired: true }), row('c', 'w2'), row('d', 'w2')];
    expect(planLeases(rows, 'w1', 2).take.map((r) => r.shardId)).toEqual(['a', 'b']);
    expect(planLeases(rows, 'w1', 4).take.map((r) => r.shardId)).toEqual(['a']);
  });

  it('leases a child only when the parents it knows are finished', () => {
    const rows = [row('p', null, { finished: false }), row('c1', null, { parents: ['p'] }), row('c2', null, { parents: ['gone'] })];
    expect(leasableRows(rows).map((r) => r.shardId)).toEqual(['p', 'c2']);
    rows[0] = row('p', null, { finished: true });
    expect(leasableRows(rows).map((r) => r.shardId)).toEqual(['c1', 'c2']);
  });
});
