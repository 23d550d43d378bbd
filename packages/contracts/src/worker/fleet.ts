import Type from 'typebox';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A worker of the fleet, as it last reported itself in the shared store. */
export const FleetWorkerSchema = Type.Object({
  workerId: Type.String(),
  host: Type.String(),
  pid: Type.Integer(),
  url: Nullable(Type.String()),
  startedAt: Type.String(),
  lastSeen: Type.String(),
  /** Seen within the lease TTL. */
  alive: Type.Boolean(),
  /** Events this worker stored per second (its own share of the stream). */
  eventsPerSecond: Type.Number(),
  recordsPerSecond: Type.Number(),
  /** Leases it holds now. */
  leases: Type.Integer(),
});
export type FleetWorker = Type.Static<typeof FleetWorkerSchema>;

/** A shard's lease: who reads it, until when, and how far it is. */
export const FleetLeaseSchema = Type.Object({
  shardId: Type.String(),
  parents: Type.Array(Type.String()),
  owner: Nullable(Type.String()),
  /** Grows by one each time the shard changes owner. */
  counter: Type.Integer(),
  expiresAt: Nullable(Type.String()),
  expired: Type.Boolean(),
  /** The last sequence number stored. */
  checkpoint: Nullable(Type.String()),
  finished: Type.Boolean(),
  /** MillisBehindLatest, as the owner last reported it. */
  lagMs: Nullable(Type.Number()),
});
export type FleetLease = Type.Static<typeof FleetLeaseSchema>;

/** `GET /fleet`: the workers sharing the stream and the shard leases (one worker and no leases with the embedded store). */
export const FleetSchema = Type.Object({
  mode: Type.Union([Type.Literal('embedded'), Type.Literal('fleet')]),
  /** The worker that answered. */
  workerId: Type.String(),
  streamKey: Nullable(Type.String()),
  leaseTtlMs: Nullable(Type.Integer()),
  workers: Type.Array(FleetWorkerSchema),
  leases: Type.Array(FleetLeaseSchema),
});
export type Fleet = Type.Static<typeof FleetSchema>;
