import { setTimeout as sleep } from 'node:timers/promises';
import type { LeaseTable, ShardLease } from '../store/event-store.js';
import type { ShardInfo } from '../consumer/shard-lineage.js';
import { planLeases } from './lease-balance.js';

export interface FleetSettings {
  /** This worker's id in the lease table (`DAS_WORKER_ID`, or host:pid:random). */
  workerId: string;
  /** A lease not renewed for this long may be taken by another worker (ms). */
  leaseTtlMs: number;
  /** How often leases are renewed and the split re-planned (ms); well under the TTL. */
  leaseRenewMs: number;
}

export interface LeaseCoordinatorOptions extends FleetSettings {
  leases: LeaseTable;
  streamKey: string;
  /** The worker's own entry in the workers table (rates are read at each heartbeat). */
  self: () => { host: string; pid: number; url: string | null; startedAt: string; eventsPerSecond: number; recordsPerSecond: number };
  lagOf(shardId: string): number | null;
  /** Leases were taken or lost: the consumer starts or stops shard readers. */
  onChange(): void;
  log(level: 'info' | 'warn', text: string, details?: Record<string, unknown>): void;
}

/** Which shards this worker reads: the ones whose lease it holds. */
export interface ShardOwnership {
  /** Adds lease rows for the shards listed on the stream. */
  observe(shards: readonly ShardInfo[]): Promise<void>;
  held(): ReadonlyMap<string, ShardLease>;
  /** Forgets a lease an append found taken (before the next renewal notices). */
  drop(shardId: string): void;
  /** Renews and re-plans every `leaseRenewMs` until the signal aborts. */
  run(signal: AbortSignal): Promise<void>;
  /** Gives every lease back (after the consumer stored what was in flight) and leaves the fleet. */
  release(): Promise<void>;
}

/**
 * The worker's side of the lease table: renews its leases well before they expire, takes free,
 * expired or (one per round) stolen leases up to its share, and drops a shard at once when its
 * lease turns out taken.
 */
export function createLeaseCoordinator(options: LeaseCoordinatorOptions): ShardOwnership {
  const { leases, streamKey, workerId } = options;
  const held = new Map<string, ShardLease>();

  async function renew(): Promise<boolean> {
    if (held.size === 0) return false;
    const still = await leases.renew(
      streamKey,
      workerId,
      [...held].map(([shardId, lease]) => ({ shardId, counter: lease.counter, lagMs: options.lagOf(shardId) })),
      options.leaseTtlMs,
    );
    let lost = false;
    for (const shardId of [...held.keys()]) {
      if (still.has(shardId)) continue;
      held.delete(shardId);
      lost = true;
      options.log('info', 'lease lost to another worker', { shard: shardId });
    }
    return lost;
  }

  async function balance(): Promise<boolean> {
    const workers = await leases.workers(options.leaseTtlMs);
    const live = workers.filter((w) => w.alive).length;
    const rows = await leases.list(streamKey);
    const plan = planLeases(rows, workerId, live);
    let changed = false;
    for (const row of plan.take) {
      const lease = await leases.take(streamKey, row.shardId, workerId, row.counter, options.leaseTtlMs);
      if (lease === null) continue;
      held.set(row.shardId, lease);
      changed = true;
      options.log('info', row.owner === null || row.owner === workerId ? 'lease taken' : 'expired lease taken over', {
        shard: row.shardId,
        ...(row.owner === null ? {} : { from: row.owner }),
      });
    }
    if (plan.steal !== null && plan.steal.owner !== null) {
      const lease = await leases.take(streamKey, plan.steal.shardId, workerId, plan.steal.counter, options.leaseTtlMs, plan.steal.owner);
      if (lease !== null) {
        held.set(plan.steal.shardId, lease);
        changed = true;
        options.log('info', 'lease taken to balance the fleet', { shard: plan.steal.shardId, from: plan.steal.owner });
      }
    }
    return changed;
  }

  async function heartbeat(): Promise<void> {
    await leases.heartbeat({ workerId, ...options.self() });
  }

  return {
    async observe(shards) {
      await leases.register(
        streamKey,
        shards.map((s) => ({ shardId: s.shardId, parents: [s.parentShardId, s.adjacentParentShardId].filter((p): p is string => p !== undefined) })),
      );
    },

    held: () => held,
    drop(shardId) {
      held.delete(shardId);
    },

    async run(signal) {
      while (!signal.aborted) {
        try {
          await heartbeat();
          const lost = await renew();
          const taken = await balance();
          if (lost || taken) options.onChange();
        } catch (error) {
          options.log('warn', 'could not renew or balance leases', { error: String(error) });
        }
        await sleep(options.leaseRenewMs, undefined, { signal }).catch(() => undefined);
      }
    },

    async release() {
      const shardIds = [...held.keys()];
      held.clear();
      try {
        await leases.release(streamKey, workerId, shardIds);
        await leases.leave(workerId);
      } catch (error) {
        options.log('warn', 'could not release leases (they expire on their own)', { error: String(error) });
      }
    },
  };
}
