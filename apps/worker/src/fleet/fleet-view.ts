import type { Fleet } from '@das/contracts';
import type { EventStore } from '../store/event-store.js';
import type { StreamSupervisor } from '../consumer/stream-supervisor.js';
import type { FleetSettings } from './lease-coordinator.js';

export interface FleetViewOptions {
  store: EventStore;
  supervisor: StreamSupervisor;
  settings: FleetSettings;
  /** This worker, for the embedded store's one-worker answer. */
  self: () => { host: string; pid: number; url: string | null; startedAt: string; eventsPerSecond: number; recordsPerSecond: number };
}

/**
 * `GET /fleet`: with a shared store, the workers table and the current incarnation's leases;
 * with the embedded store, this worker alone holding every shard it reads.
 */
export async function fleetView(options: FleetViewOptions): Promise<Fleet> {
  const { store, supervisor, settings } = options;
  const streamKey = supervisor.stream()?.streamKey ?? null;
  if (store.leases === undefined) {
    const self = options.self();
    const shards = supervisor.shards();
    return {
      mode: 'embedded',
      workerId: settings.workerId,
      streamKey,
      leaseTtlMs: null,
      workers: [{ workerId: settings.workerId, ...self, lastSeen: new Date().toISOString(), alive: true, leases: shards.length }],
      leases: shards.map((s) => ({
        shardId: s.shardId,
        parents: [],
        owner: s.state === 'finished' ? null : settings.workerId,
        counter: 0,
        expiresAt: null,
        expired: false,
        checkpoint: s.lastSequenceNumber,
        finished: s.state === 'finished',
        lagMs: s.millisBehindLatest,
      })),
    };
  }
  const [workers, leases] = await Promise.all([
    store.leases.workers(settings.leaseTtlMs),
    streamKey === null ? Promise.resolve([]) : store.leases.list(streamKey),
  ]);
  const held = new Map<string, number>();
  for (const lease of leases) if (lease.owner !== null && !lease.expired && !lease.finished) held.set(lease.owner, (held.get(lease.owner) ?? 0) + 1);
  return {
    mode: 'fleet',
    workerId: settings.workerId,
    streamKey,
    leaseTtlMs: settings.leaseTtlMs,
    workers: workers.map((w) => ({ ...w, leases: held.get(w.workerId) ?? 0 })),
    leases,
  };
}
